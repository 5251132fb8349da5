/**
 * Who is who, and who waits behind each knock, in Redis for several nodes. A binding is a hash
 * `peer:<id>` {roomId, tokenDigest, socketId, node}. While its socket is connected, the node that
 * holds the socket refreshes the binding's lifetime; once it is away (or its node died) it lapses
 * after the reconnect grace and a margin, never sooner.
 */
import { relayRefusal, type Binding, type IdentityDirectory } from '../signaling/identities.js';
import type { KnockDirectory } from '../signaling/knocks.js';
import { forEachKey, type Redis } from './redis-stores.js';

// KEYS: binding. ARGV: roomId, socketId ('' for none). Only that room's binding, and only while
// no other socket speaks for it.
const RELEASE = `
local fields = redis.call('HMGET', KEYS[1], 'roomId', 'socketId')
if fields[1] ~= ARGV[1] then return 0 end
if fields[2] and fields[2] ~= ARGV[2] then return 0 end
return redis.call('DEL', KEYS[1])`;
// KEYS: binding. ARGV: socketId, lifetime ms.
const MARK_AWAY = `
if redis.call('HGET', KEYS[1], 'socketId') ~= ARGV[1] then return 0 end
redis.call('HDEL', KEYS[1], 'socketId')
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;
// KEYS: binding. ARGV: socketId, lifetime ms.
const REFRESH = `if redis.call('HGET', KEYS[1], 'socketId') == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

export interface StoredBinding extends Binding {
  /** The node that holds (or last held) the socket. */
  node?: string;
}

export class RedisIdentities implements IdentityDirectory {
  /** The bindings whose sockets are on this node: it keeps them alive. */
  readonly #local = new Map<string, string>();
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly node: string,
    /** How long a binding outlives its last refresh: the reconnect grace plus a margin. */
    private readonly lifetimeMs: number,
  ) {
    this.#timer = setInterval(() => void this.#refresh().catch(() => {}), Math.max(1000, Math.floor(lifetimeMs / 3)));
    this.#timer.unref();
  }

  #key(peerId: string) {
    return `${this.prefix}peer:${peerId}`;
  }

  async get(peerId: string): Promise<StoredBinding | undefined> {
    return this.#parse(peerId, (await this.redis.sendCommand(['HGETALL', this.#key(peerId)])) as Record<string, string>);
  }

  /** HGETALL's answer (a map: node-redis decodes it as an object) as a binding. */
  #parse(peerId: string, fields: Record<string, string> | null): StoredBinding | undefined {
    if (!fields?.roomId || !fields.tokenDigest) return undefined;
    return { peerId, roomId: fields.roomId, tokenDigest: fields.tokenDigest, socketId: fields.socketId || undefined, node: fields.node };
  }

  async bind(binding: Binding) {
    const key = this.#key(binding.peerId);
    const fields = ['roomId', binding.roomId, 'tokenDigest', binding.tokenDigest];
    if (binding.socketId) fields.push('socketId', binding.socketId, 'node', this.node);
    await this.redis
      .multi()
      .addCommand(['DEL', key])
      .addCommand(['HSET', key, ...fields])
      .addCommand(['PEXPIRE', key, String(this.lifetimeMs)])
      .exec();
    if (binding.socketId) this.#local.set(binding.peerId, binding.socketId);
  }

  async release(peerId: string, roomId: string, socketId?: string) {
    if ((await this.redis.sendCommand<number>(['EVAL', RELEASE, '1', this.#key(peerId), roomId, socketId ?? ''])) === 1) {
      if (this.#local.get(peerId) === socketId) this.#local.delete(peerId);
    }
  }

  async markAway(peerId: string, socketId: string) {
    if (this.#local.get(peerId) === socketId) this.#local.delete(peerId);
    return (await this.redis.sendCommand<number>(['EVAL', MARK_AWAY, '1', this.#key(peerId), socketId, String(this.lifetimeMs)])) === 1;
  }

  async mayRegister(peerId: string, tokenDigest: string) {
    const bound = await this.get(peerId);
    return !bound || bound.tokenDigest === tokenDigest;
  }

  async relayRefusal(src: string, srcDigest: string, dst: string) {
    const [from, to] = (await this.redis
      .multi()
      .addCommand(['HGETALL', this.#key(src)])
      .addCommand(['HGETALL', this.#key(dst)])
      .exec()) as unknown as [Record<string, string>, Record<string, string>];
    return relayRefusal(this.#parse(src, from), srcDigest, this.#parse(dst, to));
  }

  /** The bindings last held by `node` (a node that stopped), connected or away: one pass over the keys. */
  async boundOn(node: string): Promise<StoredBinding[]> {
    const prefix = `${this.prefix}peer:`;
    const replies = await forEachKey(this.redis, `${prefix}*`, (key) => ['HGETALL', key]);
    return replies
      .map(([key, fields]) => this.#parse(key.slice(prefix.length), fields as Record<string, string>))
      .filter((binding): binding is StoredBinding => binding?.node === node);
  }

  async #refresh() {
    if (!this.#local.size) return;
    // A snapshot: markAway and release change #local while the refresh is on its way.
    const entries = [...this.#local];
    const multi = this.redis.multi();
    for (const [peerId, socketId] of entries)
      multi.addCommand(['EVAL', REFRESH, '1', this.#key(peerId), socketId, String(this.lifetimeMs)]);
    const results = (await multi.exec()) as unknown as number[];
    // A binding another socket took over (or that ended) is no longer this node's to keep.
    entries.forEach(([peerId, socketId], i) => {
      if (results[i] === 0 && this.#local.get(peerId) === socketId) this.#local.delete(peerId);
    });
  }

  close() {
    clearInterval(this.#timer);
  }
}

/** A knock waits at most a day for its answer. */
const KNOCK_TTL_SECONDS = 24 * 3600;

export class RedisKnocks implements KnockDirectory {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async set(knockId: string, socketId: string) {
    await this.redis.sendCommand(['SET', `${this.prefix}knock:${knockId}`, socketId, 'EX', String(KNOCK_TTL_SECONDS)]);
  }

  async take(knockId: string) {
    return ((await this.redis.sendCommand(['GETDEL', `${this.prefix}knock:${knockId}`])) as string | null) ?? undefined;
  }
}
