/**
 * Room rules: plain functions over plain data. No Socket.IO, no I/O, no clock reads: the caller
 * passes `now`. Each rule takes the current room (or undefined) and returns the next room (or
 * undefined when it empties) with a value for the caller, or an error a person can act on.
 */
import type { ChatMessage, JoinOptions, Knock, MediaState, Participant, RoomInfo, RoomPreview } from '../../protocol/contract.js';
import { FEATURES, NAME_MAX_LENGTH, PREVIEW_NAMES } from '../../protocol/contract.js';
import { fail, type Failure, type Result } from './result.js';

export interface Room {
  id: string;
  capacity: number;
  /** Oldest first. Arrays, not keyed objects, so no id can collide with `__proto__`. */
  participants: Participant[];
  hostPeerId: string | undefined;
  locked: boolean;
  /** Waiting to be let in, oldest first. */
  lobby: Knock[];
  /** One-time admissions the host handed out, not yet used. */
  tickets: string[];
  /** Browsers (client ids) the host removed: kept out while the room is locked. */
  removedClients: string[];
  /**
   * Who each participant is, private to the server and never sent to anyone: the digest of the
   * PeerJS token that proved the peer id (only that token may use the id again), and the
   * browser's client id (what a removal keeps out).
   */
  credentials: Credential[];
  /** Participants whose connection dropped, since when: they keep everything for the grace. */
  away: Array<[peerId: string, since: number]>;
  /** The last messages, oldest first; dropped with the room when it empties. */
  chat: ChatMessage[];
  /** A call between two people who rang each other: only their tickets open it, no knocking. */
  private?: boolean;
  /** The host forbade recording. */
  recordingForbidden?: boolean;
}

export interface Credential {
  peerId: string;
  tokenDigest: string;
  clientId?: string;
}

/**
 * How a newcomer may enter: the digest of the token that proved its peer id, their browser's id,
 * and an admission ticket for a locked room.
 */
export interface Access {
  tokenDigest: string;
  clientId?: string;
  ticket?: string;
}

/** A rule's outcome: on success, the room as it is next (undefined once it empties) and a value. */
export type RuleResult<T> = Result<T, { room: Room | undefined }>;

export interface Joined {
  self: Participant;
  others: Participant[];
  /** True when this peer was already in the room (a reconnect): others must not see a new tile. */
  rejoined: boolean;
  /** Those whose recording this arrival stopped (a client that cannot show the notice). */
  stoppedRecording: Participant[];
}

/** This participant's app shows who records (and acks the notice). */
export const canBeTold = (p: Participant): boolean => !!p.features?.includes('recording-notice');

/** Everyone's recording stopped: the participants after, and those whose recording it was. */
export function stopRecordings(participants: Participant[]): { participants: Participant[]; stopped: Participant[] } {
  const stopped: Participant[] = [];
  const after = participants.map((p) => {
    if (p.recordingSince === undefined) return p;
    const rest = { ...p };
    delete rest.recordingSince;
    stopped.push(rest);
    return rest;
  });
  return { participants: after, stopped };
}

export const DEFAULT_NAME = 'Guest';

/** Trims, drops control and bidi-override characters, caps the length; never returns empty. */
export function normalizeName(raw: unknown): string {
  if (typeof raw !== 'string') return DEFAULT_NAME;
  const cleaned = raw
    // Control characters are exactly what this strips.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const capped = Array.from(cleaned).slice(0, NAME_MAX_LENGTH).join('').trim();
  return capped || DEFAULT_NAME;
}

export function newParticipant(peerId: string, options: JoinOptions, now: number): Participant {
  const participant: Participant = {
    peerId,
    name: normalizeName(options.name),
    audio: options.audio !== false,
    video: options.video !== false,
    joinedAt: now,
  };
  // Only a client that proves its id with a token is ours; a classic one calls newcomers itself.
  if (options.offers === true && options.peerToken !== undefined) participant.offers = true;
  const features = FEATURES.filter((f) => options.features?.includes(f));
  if (features.length) participant.features = features;
  return participant;
}

/**
 * What a link holder may learn before joining: joining an open room lists its people; a full
 * one answers "full"; a locked one "ask to join". A private call says nothing more than that it
 * is private (which a join would say too), whether or not anyone is in it.
 */
export function previewRoom(room: Room | undefined): RoomPreview {
  if (!room) return { state: 'open', count: 0, names: [] };
  if (room.private) return { state: 'private' };
  if (room.locked) return { state: 'locked' };
  if (room.participants.length >= room.capacity) return { state: 'full', capacity: room.capacity };
  const names = room.participants.slice(0, PREVIEW_NAMES).map((p) => p.name);
  return { state: 'open', count: room.participants.length, names };
}

export const MAX_REMOVED_CLIENTS = 100;

export function emptyRoom(id: string, capacity: number): Room {
  return {
    id,
    capacity,
    participants: [],
    hostPeerId: undefined,
    locked: false,
    lobby: [],
    tickets: [],
    removedClients: [],
    credentials: [],
    away: [],
    chat: [],
  };
}

/** The room an accepted ring leads to: locked, private, open to the two tickets only. */
export function privateRoom(id: string, tickets: [string, string]): Room {
  return { ...emptyRoom(id, 2), locked: true, private: true, tickets: [...tickets] };
}

export function roomInfo(room: Room): RoomInfo {
  return {
    hostPeerId: room.hostPeerId,
    locked: room.locked,
    capacity: room.capacity,
    ...(room.recordingForbidden ? { recordingForbidden: true } : {}),
  };
}

export function joinRoom(
  room: Room | undefined,
  roomId: string,
  candidate: Participant,
  capacity: number,
  access: Access,
): RuleResult<Joined> {
  const current: Room = room ?? emptyRoom(roomId, capacity);
  const existing = current.participants.find((p) => p.peerId === candidate.peerId);
  if (existing) {
    // Only the token that first proved this id may come back as it; anyone else is an impostor.
    const owner = current.credentials.find((c) => c.peerId === candidate.peerId);
    if (!owner || owner.tokenDigest !== access.tokenDigest) return fail('peer-taken', 'That peer id is already in this call');
    // A reconnect keeps the original place in the room, the host role and a raised hand, and
    // needs no ticket: the admission still holds.
    const self: Participant = { ...candidate, joinedAt: existing.joinedAt, handRaisedAt: existing.handRaisedAt };
    if (existing.recordingSince !== undefined && canBeTold(candidate)) self.recordingSince = existing.recordingSince;
    const participants = current.participants.map((p) => (p.peerId === self.peerId ? self : p));
    return {
      ok: true,
      room: { ...current, participants, away: current.away.filter(([p]) => p !== self.peerId) },
      value: { self, others: participants.filter((p) => p !== self), rejoined: true, stoppedRecording: [] },
    };
  }
  const removed = access.clientId !== undefined && current.removedClients.includes(access.clientId);
  if (current.locked && removed) return fail('removed', 'You were removed from this call');
  const ticketed = access.ticket !== undefined && current.tickets.includes(access.ticket);
  if (current.private && !ticketed) return fail('room-locked', 'This is a private call');
  if (current.locked && !ticketed) return fail('room-locked', 'This call is locked: ask to join');
  if (current.participants.length >= current.capacity) {
    const n = current.capacity;
    return fail('room-full', `This call is full (${n} of ${n})`);
  }
  const credential: Credential = { peerId: candidate.peerId, tokenDigest: access.tokenDigest, clientId: access.clientId };
  // Nobody is recorded who cannot be told: the arrival of an app that cannot show it stops any recording.
  const { participants: others, stopped: stoppedRecording } = canBeTold(candidate)
    ? { participants: current.participants, stopped: [] }
    : stopRecordings(current.participants);
  return {
    ok: true,
    room: {
      ...current,
      participants: [...others, candidate],
      // The first one in is the host.
      hostPeerId: current.hostPeerId ?? candidate.peerId,
      tickets: ticketed ? current.tickets.filter((t) => t !== access.ticket) : current.tickets,
      credentials: [...current.credentials, credential],
    },
    value: { self: candidate, others, rejoined: false, stoppedRecording },
  };
}

/** A participant's connection dropped: they keep their seat, role and admission for the grace. */
export function markAway(room: Room | undefined, peerId: string, now: number): RuleResult<boolean> {
  if (!room || !room.participants.some((p) => p.peerId === peerId)) return { ok: true, room, value: false };
  const away = room.away.filter(([p]) => p !== peerId);
  return { ok: true, room: { ...room, away: [...away, [peerId, now]] }, value: true };
}

/** The grace is over: a participant still away since `since` or earlier leaves for good. */
export function expireAway(room: Room | undefined, peerId: string, since: number): RuleResult<Left | undefined> {
  const entry = room?.away.find(([p]) => p === peerId);
  if (!room || !entry || entry[1] > since) return { ok: true, room, value: undefined };
  return leaveRoom(room, peerId);
}

export interface Left {
  participant: Participant;
  /** Set when the host left and someone else became host. */
  newHost: string | undefined;
  /** Set when the room emptied while people waited in its lobby: the call they knocked on ended. */
  orphanedKnocks: Knock[];
}

export function leaveRoom(room: Room | undefined, peerId: string): RuleResult<Left | undefined> {
  const leaving = room?.participants.find((p) => p.peerId === peerId);
  if (!room || !leaving) return { ok: true, room, value: undefined };
  const participants = room.participants.filter((p) => p !== leaving);
  if (!participants.length) {
    return { ok: true, room: undefined, value: { participant: leaving, newHost: undefined, orphanedKnocks: room.lobby } };
  }
  // The host's seat goes to whoever has been here longest, preferring someone who is connected.
  const present = participants.find((p) => !room.away.some(([a]) => a === p.peerId)) ?? participants[0]!;
  const newHost = room.hostPeerId === peerId ? present.peerId : undefined;
  return {
    ok: true,
    room: {
      ...room,
      participants,
      hostPeerId: newHost ?? room.hostPeerId,
      credentials: room.credentials.filter((c) => c.peerId !== peerId),
      away: room.away.filter(([p]) => p !== peerId),
    },
    value: { participant: leaving, newHost, orphanedKnocks: [] },
  };
}

export function updateMedia(room: Room | undefined, peerId: string, media: MediaState): RuleResult<Participant> {
  const current = room?.participants.find((p) => p.peerId === peerId);
  if (!room || !current) return notInRoom();
  const updated: Participant = { ...current, audio: media.audio, video: media.video };
  // Present only while sharing: a state without it has stopped.
  if (media.screen) updated.screen = true;
  else delete updated.screen;
  return {
    ok: true,
    room: { ...room, participants: room.participants.map((p) => (p === current ? updated : p)) },
    value: updated,
  };
}

function notInRoom(): Failure {
  return { ok: false, error: { code: 'not-in-room', message: 'Join the room first' } };
}
