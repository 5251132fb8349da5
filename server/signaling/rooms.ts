/**
 * Room rules: plain functions over plain data. No Socket.IO, no I/O, no clock reads: the caller
 * passes `now`. Each rule takes the current room (or undefined) and returns the next room (or
 * undefined when it empties) with a value for the caller, or an error a person can act on.
 */
import type { ErrorBody, JoinOptions, MediaState, Participant } from './contract.js';
import { NAME_MAX_LENGTH } from './contract.js';

export interface Room {
  id: string;
  capacity: number;
  /** Oldest first. An array, not a keyed object, so no peer id can collide with `__proto__`. */
  participants: Participant[];
}

export type RuleResult<T> =
  | { ok: true; room: Room | undefined; value: T }
  | { ok: false; error: ErrorBody };

export interface Joined {
  self: Participant;
  others: Participant[];
  /** True when this peer was already in the room (a reconnect): others must not see a new tile. */
  rejoined: boolean;
}

export const DEFAULT_NAME = 'Guest';

/** Trims, drops control and bidi-override characters, caps the length; never returns empty. */
export function normalizeName(raw: unknown): string {
  if (typeof raw !== 'string') return DEFAULT_NAME;
  const cleaned = raw
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const capped = Array.from(cleaned).slice(0, NAME_MAX_LENGTH).join('').trim();
  return capped || DEFAULT_NAME;
}

export function newParticipant(peerId: string, options: JoinOptions, now: number): Participant {
  return {
    peerId,
    name: normalizeName(options.name),
    audio: options.audio !== false,
    video: options.video !== false,
    joinedAt: now,
  };
}

export function joinRoom(
  room: Room | undefined,
  roomId: string,
  candidate: Participant,
  capacity: number,
): RuleResult<Joined> {
  const current: Room = room ?? { id: roomId, capacity, participants: [] };
  const existing = current.participants.find((p) => p.peerId === candidate.peerId);
  if (existing) {
    // A reconnect keeps the original place in the room.
    const self = { ...candidate, joinedAt: existing.joinedAt };
    const participants = current.participants.map((p) => (p.peerId === self.peerId ? self : p));
    return {
      ok: true,
      room: { ...current, participants },
      value: { self, others: participants.filter((p) => p !== self), rejoined: true },
    };
  }
  if (current.participants.length >= current.capacity) {
    const n = current.capacity;
    return {
      ok: false,
      error: { code: 'room-full', message: `This call is full (${n} of ${n})` },
    };
  }
  const participants = [...current.participants, candidate];
  return {
    ok: true,
    room: { ...current, participants },
    value: { self: candidate, others: current.participants, rejoined: false },
  };
}

export function leaveRoom(
  room: Room | undefined,
  peerId: string,
): RuleResult<Participant | undefined> {
  const leaving = room?.participants.find((p) => p.peerId === peerId);
  if (!room || !leaving) return { ok: true, room, value: undefined };
  const participants = room.participants.filter((p) => p !== leaving);
  return {
    ok: true,
    room: participants.length ? { ...room, participants } : undefined,
    value: leaving,
  };
}

export function updateMedia(
  room: Room | undefined,
  peerId: string,
  media: MediaState,
): RuleResult<Participant> {
  const current = room?.participants.find((p) => p.peerId === peerId);
  if (!room || !current) return notInRoom();
  const updated = { ...current, audio: media.audio, video: media.video };
  return {
    ok: true,
    room: { ...room, participants: room.participants.map((p) => (p === current ? updated : p)) },
    value: updated,
  };
}

function notInRoom(): { ok: false; error: ErrorBody } {
  return { ok: false, error: { code: 'not-in-room', message: 'Join the room first' } };
}
