/**
 * Several nodes on one Redis (REDIS_URL): the rooms, ringing, identities and knocks
 * (redis-stores.ts, redis-identities.ts), the PeerServer relay (peer-cluster.ts), Socket.IO's
 * broadcasts (@socket.io/redis-streams-adapter, which resumes its stream after a Redis outage),
 * and a heartbeat per node, so that when a node dies a live one starts the reconnect grace of the
 * members it held.
 *
 * Commands fail at once while Redis is unreachable (no offline queue): a join then gets a clear
 * "unavailable" error and the client retries; calls in progress keep their media, which is peer
 * to peer. The clients reconnect by themselves when Redis is back.
 */
import { createClient } from '@redis/client';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { RedisIdentities, RedisKnocks } from './redis-identities.js';
import { RedisPeerCluster } from './peer-cluster.js';
import { RedisRingStore, RedisRoomStore, type Redis } from './redis-stores.js';
import type { Binding } from '../signaling/identities.js';
import type { SharedState } from './shared.js';

export const KEY_PREFIX = 'callroom:';
const HEARTBEAT_MS = 2000;
/** A node whose heartbeat is older than this is lost. */
const NODE_LOST_MS = 3 * HEARTBEAT_MS;

export interface RedisOptions {
  url: string;
  node: string;
  reconnectGraceMs: number;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

function client(url: string, log: RedisOptions['log'], queueWhileDown = false): Redis {
  const redis = createClient({
    url,
    // Our commands fail at once while Redis is down, instead of queueing work nobody will wait for.
    disableOfflineQueue: !queueWhileDown,
    pingInterval: 5000,
    socket: { connectTimeout: 2000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000) },
  }) as unknown as Redis;
  let reported = false;
  redis.on('error', (error: Error) => {
    if (!reported) log.warn({ err: error.message }, 'Redis unreachable; retrying');
    reported = true;
  });
  redis.on('ready', () => {
    if (reported) log.info({}, 'Redis reachable again');
    reported = false;
  });
  // The adapter makes its own clients with duplicate(); a client with no 'error' listener takes
  // the process down when Redis goes away, so each gets one.
  const duplicate = redis.duplicate.bind(redis);
  redis.duplicate = ((...args: Parameters<Redis['duplicate']>) => {
    const copy = duplicate(...args);
    copy.on('error', () => {});
    return copy;
  }) as Redis['duplicate'];
  return redis;
}

export async function connectRedis(options: RedisOptions): Promise<SharedState> {
  const { node, log } = options;
  const redis = client(options.url, log);
  const subscriber = client(options.url, log);
  // The adapter's stream reader retries a failed read at once, in a loop: with commands failing
  // at once that loop would spin and starve the process for the whole outage. Its commands wait
  // for Redis to come back instead.
  const adapterClient = client(options.url, log, true);
  await Promise.all([redis.connect(), subscriber.connect(), adapterClient.connect()]);

  const identities = new RedisIdentities(redis, KEY_PREFIX, node, Math.ceil(options.reconnectGraceMs * 1.5) + 10_000);
  const peerCluster = new RedisPeerCluster(redis, subscriber, KEY_PREFIX, node);
  await peerCluster.listen();

  // The heartbeat: each node keeps a key `node:<id>` alive (its lifetime kept by Redis's clock,
  // so clocks that disagree do not matter) and is listed in `nodes`. A listed node whose key has
  // lapsed is lost; one live node adopts it (whoever removes it from the list). A node judges
  // others only after NODE_LOST_MS + a beat of reaching Redis without a break: after an outage
  // (or at start) every live node has had the time to beat again, so none is taken for lost.
  const lostListeners: Array<(node: string, bindings: Binding[]) => Promise<void>> = [];
  const lapseListeners: Array<() => void> = [];
  const nodesKey = `${KEY_PREFIX}nodes`;
  let reachableSince: number | undefined = performance.now();
  let beaten = false;
  const beat = async () => {
    try {
      const before = await redis.sendCommand(['SET', `${KEY_PREFIX}node:${node}`, '1', 'PX', String(NODE_LOST_MS), 'GET']);
      await redis.sendCommand(['SADD', nodesKey, node]);
      // Our own key had lapsed (Redis was away, or lost its data, or this process stalled): our
      // members' bindings may have lapsed too, or another node may have taken us for lost and put
      // them away. (A binding outlives a heartbeat, so nothing shorter needs this.)
      if (beaten && before === null) lapseListeners.forEach((listener) => listener());
      beaten = true;
    } catch (error) {
      reachableSince = undefined;
      throw error;
    }
    reachableSince ??= performance.now();
    if (performance.now() - reachableSince < NODE_LOST_MS + HEARTBEAT_MS) return;
    for (const other of (await redis.sendCommand(['SMEMBERS', nodesKey])) as string[]) {
      if (other === node || (await redis.sendCommand<number>(['EXISTS', `${KEY_PREFIX}node:${other}`])) === 1) continue;
      if ((await redis.sendCommand<number>(['SREM', nodesKey, other])) !== 1) continue;
      try {
        await peerCluster.forgetNode(other);
        const bindings = await identities.boundOn(other);
        log.warn({ node: other, members: bindings.length }, 'node lost: its members keep their seats for the reconnect grace');
        for (const listener of lostListeners) await listener(other, bindings);
      } catch (error) {
        // Listed again: the next beat (here or on another node) adopts it again.
        await redis.sendCommand(['SADD', nodesKey, other]).catch(() => {});
        throw error;
      }
    }
  };
  const heartbeat = setInterval(() => void beat().catch(() => {}), HEARTBEAT_MS);
  heartbeat.unref();
  await beat();

  return {
    node,
    store: new RedisRoomStore(redis, KEY_PREFIX),
    ringStore: new RedisRingStore(redis, KEY_PREFIX),
    identities,
    knocks: new RedisKnocks(redis, KEY_PREFIX),
    peerCluster,
    adapter: createAdapter(adapterClient, { streamName: `${KEY_PREFIX}socket.io` }),
    ready: () => redis.isReady && subscriber.isReady,
    async latency() {
      const started = process.hrtime.bigint();
      await redis.sendCommand(['PING']);
      return Number(process.hrtime.bigint() - started) / 1e9;
    },
    onNodeLost: (listener) => void lostListeners.push(listener),
    onHeartbeatLapsed: (listener) => void lapseListeners.push(listener),
    leftovers: () => identities.boundOn(node),
    async close() {
      clearInterval(heartbeat);
      identities.close();
      peerCluster.close();
      // The heartbeat stops, and is not withdrawn: a live node adopts this node's members (their
      // sockets were just closed) and ends their grace if they do not come back.
      for (const c of [redis, subscriber, adapterClient]) c.destroy();
    },
  };
}
