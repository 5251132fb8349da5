/**
 * Where rooms live. Rules never touch the store; the Socket.IO adapter asks the store to apply a
 * rule to one room atomically. The in-memory store is the embedded default; a shared store
 * (Redis) implements the same interface for several server processes.
 */
import { newRingState, type RingState } from './ringing.js';
import type { Room, RuleResult } from './rooms.js';

export interface RoomStore {
  /** Applies `rule` to the room atomically; on success its room replaces the stored one. */
  update<T>(roomId: string, rule: (room: Room | undefined) => RuleResult<T>): Promise<RuleResult<T>>;
  get(roomId: string): Promise<Room | undefined>;
  counts(): Promise<{ rooms: number; participants: number }>;
}

export class MemoryRoomStore implements RoomStore {
  // A Map, not an object: room ids such as `__proto__` are plain keys here.
  readonly #rooms = new Map<string, Room>();

  async update<T>(roomId: string, rule: (room: Room | undefined) => RuleResult<T>) {
    const result = rule(this.#rooms.get(roomId));
    if (result.ok) {
      if (result.room) this.#rooms.set(roomId, result.room);
      else this.#rooms.delete(roomId);
    }
    return result;
  }

  async get(roomId: string) {
    return this.#rooms.get(roomId);
  }

  async counts() {
    let participants = 0;
    for (const room of this.#rooms.values()) participants += room.participants.length;
    return { rooms: this.#rooms.size, participants };
  }
}

/**
 * Where the ringing state lives. Ringing rules mutate one `RingState` in place; the store runs
 * each `rule` alone (one at a time across every node) and keeps what it did.
 */
export interface RingStore {
  apply<T>(rule: (state: RingState) => T): Promise<T>;
}

export class MemoryRingStore implements RingStore {
  readonly #state = newRingState();

  async apply<T>(rule: (state: RingState) => T) {
    return rule(this.#state);
  }
}
