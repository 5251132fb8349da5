/**
 * The rooms and the ringing state in Redis, for several nodes. Rules stay plain functions run in
 * Node; Redis makes each application atomic:
 * - a room is one hash (`v`ersion, `data` as JSON); a rule reads it, runs, and writes back only if
 *   the version is still the one it read (a compare-and-set in Lua), retrying otherwise, so two
 *   joins on two nodes racing for the last seat cannot both get it;
 * - the ringing state is one value under a lock (ringing is rare and small next to rooms).
 */
import type { RedisClientType } from '@redis/client';
import { fail } from '../rooms/result.js';
import type { RingState } from '../rooms/ringing.js';
import type { Room, RuleResult } from '../rooms/rooms.js';
import type { RingStore, RoomStore } from '../rooms/store.js';

export type Redis = RedisClientType;

/**
 * Runs `command(key)` for every key matching `pattern` and returns the replies, a thousand keys
 * at a time (SCAN, so Redis is not blocked), each thousand in one pipelined round trip.
 */
export async function forEachKey(redis: Redis, pattern: string, command: (key: string) => string[]): Promise<Array<[string, unknown]>> {
  const replies: Array<[string, unknown]> = [];
  let cursor = '0';
  do {
    const [next, keys] = (await redis.sendCommand(['SCAN', cursor, 'MATCH', pattern, 'COUNT', '1000'])) as [string, string[]];
    cursor = next;
    if (!keys.length) continue;
    const pipeline = redis.multi();
    for (const key of keys) pipeline.addCommand(command(key));
    const results = (await pipeline.exec(true)) as unknown[];
    keys.forEach((key, i) => replies.push([key, results[i]]));
  } while (cursor !== '0');
  return replies;
}

/** A room nobody touched for this long is forgotten (a deployment that died mid-call leaves none for ever). */
const ROOM_TTL_MS = 24 * 3600_000;
const MAX_ATTEMPTS = 100;

// KEYS: room, counts. ARGV: version read ('' when absent), new JSON ('' to delete), participant delta, room delta, ttl.
const COMPARE_AND_SET = `
local v = redis.call('HGET', KEYS[1], 'v')
if (v or '') ~= ARGV[1] then return 0 end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('HSET', KEYS[1], 'v', (tonumber(v) or 0) + 1, 'data', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
end
redis.call('HINCRBY', KEYS[2], 'participants', ARGV[3])
redis.call('HINCRBY', KEYS[2], 'rooms', ARGV[4])
return 1`;

export class RedisRoomStore implements RoomStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  #key(roomId: string) {
    return `${this.prefix}room:${roomId}`;
  }

  async #read(roomId: string): Promise<{ version: string; room: Room | undefined }> {
    const [version, data] = (await this.redis.sendCommand(['HMGET', this.#key(roomId), 'v', 'data'])) as [string | null, string | null];
    return { version: version ?? '', room: data ? (JSON.parse(data) as Room) : undefined };
  }

  async update<T>(roomId: string, rule: (room: Room | undefined) => RuleResult<T>): Promise<RuleResult<T>> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { version, room } = await this.#read(roomId);
      const result = rule(room);
      if (!result.ok) return result;
      const before = room ? JSON.stringify(room) : '';
      const after = result.room ? JSON.stringify(result.room) : '';
      if (before === after) return result;
      const participants = (result.room?.participants.length ?? 0) - (room?.participants.length ?? 0);
      const rooms = (result.room ? 1 : 0) - (room ? 1 : 0);
      const args = [version, after, String(participants), String(rooms), String(ROOM_TTL_MS)];
      const written = await this.redis.sendCommand<number>([
        'EVAL',
        COMPARE_AND_SET,
        '2',
        this.#key(roomId),
        `${this.prefix}counts`,
        ...args,
      ]);
      if (written === 1) return result;
      // Another node changed the room between our read and our write: run the rule again on the new room.
    }
    return fail('busy', 'The call is busy: try again');
  }

  async get(roomId: string) {
    return (await this.#read(roomId)).room;
  }

  async counts() {
    const [participants, rooms] = (await this.redis.sendCommand(['HMGET', `${this.prefix}counts`, 'participants', 'rooms'])) as Array<
      string | null
    >;
    return { rooms: Number(rooms ?? 0), participants: Number(participants ?? 0) };
  }
}

// KEYS: lock. ARGV: owner.
const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const LOCK_MS = 2000;

/** A RingState's Maps as arrays of entries (in order: the back-off keeps recency that way). */
function serialize(state: RingState): string {
  return JSON.stringify(Object.fromEntries(Object.entries(state).map(([name, map]) => [name, [...(map as Map<string, unknown>)]])));
}

function deserialize(json: string | null): RingState {
  const raw = (json ? JSON.parse(json) : {}) as Record<string, Array<[string, unknown]>>;
  const map = (name: string) => new Map(raw[name] ?? []);
  return {
    reachable: map('reachable'),
    rings: map('rings'),
    tabs: map('tabs'),
    ringByHandle: map('ringByHandle'),
    ringByCaller: map('ringByCaller'),
    retries: map('retries'),
  } as RingState;
}

export class RedisRingStore implements RingStore {
  readonly #owner = Math.random().toString(36).slice(2);

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async apply<T>(rule: (state: RingState) => T): Promise<T> {
    const lock = `${this.prefix}ring:lock`;
    const key = `${this.prefix}ring:state`;
    const owner = `${this.#owner}:${Math.random()}`;
    for (let attempt = 0; ; attempt++) {
      if ((await this.redis.sendCommand<string | null>(['SET', lock, owner, 'NX', 'PX', String(LOCK_MS)])) === 'OK') break;
      if (attempt > 400) throw new Error('ringing state is locked');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    try {
      const state = deserialize((await this.redis.sendCommand(['GET', key])) as string | null);
      const value = rule(state);
      await this.redis.sendCommand(['SET', key, serialize(state)]);
      return value;
    } finally {
      await this.redis.sendCommand(['EVAL', UNLOCK, '1', lock, owner]).catch(() => {});
    }
  }
}
