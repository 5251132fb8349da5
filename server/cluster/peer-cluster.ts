/**
 * The PeerServer across nodes. Each node announces the peers connected to it (`conn:<id>` →
 * node, token digest, address; kept alive while connected) and listens on its own channel
 * (`relay:<node>`). A frame for a peer on another node is published to that node's channel,
 * after the same room check as any frame (server/peer/peer-server.ts decides; this only carries).
 */
import type { PeerCluster, RelayedFrame } from '../peer/peer-server.js';
import type { PeerConnection } from '../signaling/context.js';
import { forEachKey, type Redis } from './redis-stores.js';

/** A connection announcement outlives its node by at most this long. */
const CONNECTION_TTL_MS = 30_000;
// KEYS: conn. ARGV: node.
const WITHDRAW = `if redis.call('HGET', KEYS[1], 'node') == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export class RedisPeerCluster implements PeerCluster {
  /** This node's peers and what it announced for each: the announcement is renewed whole. */
  readonly #local = new Map<string, PeerConnection>();
  readonly #timer: ReturnType<typeof setInterval>;
  #deliver: ((frame: RelayedFrame) => void) | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
    readonly node: string,
  ) {
    this.#timer = setInterval(() => void this.#refresh().catch(() => {}), CONNECTION_TTL_MS / 3);
    this.#timer.unref();
  }

  /** Starts listening for frames other nodes forward here. */
  async listen() {
    await this.subscriber.subscribe(`${this.prefix}relay:${this.node}`, (message: string) => {
      let frame: RelayedFrame;
      try {
        frame = JSON.parse(message) as RelayedFrame;
      } catch {
        return;
      }
      this.#deliver?.(frame);
    });
  }

  #key(peerId: string) {
    return `${this.prefix}conn:${peerId}`;
  }

  async announce(peerId: string, connection: PeerConnection) {
    this.#local.set(peerId, connection);
    await this.#write(peerId, connection);
  }

  #fields(connection: PeerConnection) {
    return ['node', this.node, 'tokenDigest', connection.tokenDigest, 'address', connection.address ?? ''];
  }

  async #write(peerId: string, connection: PeerConnection) {
    await this.redis
      .multi()
      .addCommand(['HSET', this.#key(peerId), ...this.#fields(connection)])
      .addCommand(['PEXPIRE', this.#key(peerId), String(CONNECTION_TTL_MS)])
      .exec();
  }

  async withdraw(peerId: string) {
    this.#local.delete(peerId);
    await this.redis.sendCommand(['EVAL', WITHDRAW, '1', this.#key(peerId), this.node]);
  }

  async lookup(peerId: string) {
    const [node, tokenDigest, address] = (await this.redis.sendCommand([
      'HMGET',
      this.#key(peerId),
      'node',
      'tokenDigest',
      'address',
    ])) as Array<string | null>;
    if (!node || !tokenDigest) return undefined;
    return { node, tokenDigest, address: address || undefined };
  }

  async forward(node: string, frame: RelayedFrame) {
    await this.redis.sendCommand(['PUBLISH', `${this.prefix}relay:${node}`, JSON.stringify(frame)]);
  }

  onForward(deliver: (frame: RelayedFrame) => void) {
    this.#deliver = deliver;
  }

  /** A lost node's peers are connected nowhere: their announcements go. */
  async forgetNode(node: string) {
    await forEachKey(this.redis, `${this.prefix}conn:*`, (key) => ['EVAL', WITHDRAW, '1', key, node]);
  }

  async #refresh() {
    // Written whole, not only given more time: after a Redis outage longer than the lifetime (or a
    // Redis that lost its data) the announcements come back by themselves.
    if (!this.#local.size) return;
    const pipeline = this.redis.multi();
    for (const [peerId, connection] of this.#local) {
      pipeline.addCommand(['HSET', this.#key(peerId), ...this.#fields(connection)]);
      pipeline.addCommand(['PEXPIRE', this.#key(peerId), String(CONNECTION_TTL_MS)]);
    }
    await pipeline.exec(true);
  }

  close() {
    clearInterval(this.#timer);
  }
}
