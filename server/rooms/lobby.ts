/**
 * Host rules: locking the room, the lobby of people who knock, admitting or denying them, and
 * removing a participant. Only the host may do these; every rule checks, whatever a client sends.
 */
import type { Knock, RoomInfo } from '../../protocol/contract.js';
import { fail, type Failure } from './result.js';
import { MAX_REMOVED_CLIENTS, roomInfo, type Room, type RuleResult } from './rooms.js';

export const LOBBY_MAX = 20;
export const TICKETS_MAX = 20;

export function hostOnly(room: Room | undefined, byPeerId: string): Failure | undefined {
  if (!room || !room.participants.some((p) => p.peerId === byPeerId)) return fail('not-in-room', 'Join the room first');
  if (room.hostPeerId !== byPeerId) return fail('not-host', 'Only the host can do that');
  return undefined;
}

export interface LockChange {
  info: RoomInfo;
  /** Unlocking lets everyone who was waiting in: their knocks, each with a ticket. */
  admitted: Array<{ knock: Knock; ticket: string }>;
}

export function setLocked(room: Room | undefined, byPeerId: string, locked: boolean, newTicket: () => string): RuleResult<LockChange> {
  const denied = hostOnly(room, byPeerId);
  if (denied) return denied;
  const current = room!;
  if (current.private) return fail('not-host', 'A private call stays locked');
  const admitted = locked ? [] : current.lobby.map((knock) => ({ knock, ticket: newTicket() }));
  // The tickets handed out on unlocking are kept: if the host locks again before those people
  // join, their admission still holds.
  const tickets = locked ? current.tickets : [...current.tickets, ...admitted.map((a) => a.ticket)].slice(-TICKETS_MAX);
  const next: Room = { ...current, locked, lobby: locked ? current.lobby : [], tickets };
  return { ok: true, room: next, value: { info: roomInfo(next), admitted } };
}

export function knock(room: Room | undefined, knock: Knock, clientId: string | undefined): RuleResult<Knock> {
  if (!room || !room.locked) return fail('not-locked', 'This call is not locked: join it directly');
  if (room.private) return fail('room-locked', 'This is a private call');
  if (clientId !== undefined && room.removedClients.includes(clientId)) return fail('removed', 'You were removed from this call');
  if (room.lobby.length >= LOBBY_MAX) return fail('lobby-full', 'Too many people are waiting to join: try again later');
  return { ok: true, room: { ...room, lobby: [...room.lobby, knock] }, value: knock };
}

/** Withdraws a knock (cancelled, or the knocker left). Harmless if it is already gone. */
export function withdrawKnock(room: Room | undefined, knockId: string): RuleResult<Knock | undefined> {
  const found = room?.lobby.find((k) => k.knockId === knockId);
  if (!room || !found) return { ok: true, room, value: undefined };
  return { ok: true, room: { ...room, lobby: room.lobby.filter((k) => k !== found) }, value: found };
}

export interface KnockAnswer {
  knock: Knock;
  ticket: string | undefined;
}

export function answerKnock(
  room: Room | undefined,
  byPeerId: string,
  knockId: string,
  admit: boolean,
  newTicket: () => string,
): RuleResult<KnockAnswer> {
  const denied = hostOnly(room, byPeerId);
  if (denied) return denied;
  const current = room!;
  const found = current.lobby.find((k) => k.knockId === knockId);
  // A second answer to the same knock finds nothing: exactly one answer counts.
  if (!found) return fail('no-such-knock', 'That person is no longer waiting');
  const ticket = admit ? newTicket() : undefined;
  return {
    ok: true,
    room: {
      ...current,
      lobby: current.lobby.filter((k) => k !== found),
      tickets: ticket ? [...current.tickets, ticket].slice(-TICKETS_MAX) : current.tickets,
    },
    value: { knock: found, ticket },
  };
}

export function removeParticipant(room: Room | undefined, byPeerId: string, targetPeerId: string): RuleResult<string> {
  const denied = hostOnly(room, byPeerId);
  if (denied) return denied;
  const current = room!;
  if (targetPeerId === byPeerId) return fail('no-such-participant', 'Use Leave to leave the call yourself');
  if (!current.participants.some((p) => p.peerId === targetPeerId)) return fail('no-such-participant', 'That person is not in this call');
  const clientId = current.credentials.find((c) => c.peerId === targetPeerId)?.clientId;
  return {
    ok: true,
    room: {
      ...current,
      participants: current.participants.filter((p) => p.peerId !== targetPeerId),
      credentials: current.credentials.filter((c) => c.peerId !== targetPeerId),
      away: current.away.filter(([p]) => p !== targetPeerId),
      removedClients: clientId ? [...current.removedClients, clientId].slice(-MAX_REMOVED_CLIENTS) : current.removedClients,
    },
    value: targetPeerId,
  };
}
