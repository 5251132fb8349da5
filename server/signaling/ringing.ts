/**
 * Ringing a person: who is reachable under which handle, and the rings in progress. Plain
 * functions over plain data, like the room rules; the adapter (ring-handlers.ts) adds sockets,
 * timers and the private room an accepted ring leads to.
 */
import type { ErrorBody } from './contract.js';
import { fail } from './rooms.js';

export const HANDLE_PATTERN = /^[a-z0-9][a-z0-9_-]{1,31}$/;
export const RING_TIMEOUT_MS = 30_000;

export interface Reachable {
  handle: string;
  name: string;
  /** The browser that owns the handle (its tabs share it); another browser cannot take it. */
  deviceKey: string;
  /** Open tabs of that browser (socket ids); a ring reaches all of them. */
  sockets: string[];
  /** Tabs that are in a call right now. */
  busySockets: string[];
}

export interface Ring {
  ringId: string;
  handle: string;
  callerSocket: string;
  callerName: string;
  startedAt: number;
}

export interface RingState {
  reachable: Map<string, Reachable>;
  rings: Map<string, Ring>;
}

export type RingResult<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };


export function newRingState(): RingState {
  return { reachable: new Map(), rings: new Map() };
}

export function normalizeHandle(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const handle = raw.trim().replace(/^@/, '').toLowerCase();
  return HANDLE_PATTERN.test(handle) ? handle : undefined;
}

export function becomeReachable(state: RingState, handle: string, name: string, deviceKey: string, socketId: string): RingResult<Reachable> {
  const current = state.reachable.get(handle);
  if (current && current.deviceKey !== deviceKey) return fail('handle-taken', `"${handle}" is taken: choose another handle`);
  // One handle per socket: drop whatever this tab was reachable as before.
  for (const other of state.reachable.values()) if (other.handle !== handle) removeSocket(state, other, socketId);
  const entry: Reachable = current ?? { handle, name, deviceKey, sockets: [], busySockets: [] };
  entry.name = name;
  if (!entry.sockets.includes(socketId)) entry.sockets.push(socketId);
  state.reachable.set(handle, entry);
  return { ok: true, value: entry };
}

/** Forgets a socket: it is no longer reachable, and rings it placed end. Returns those rings. */
export function dropSocket(state: RingState, socketId: string): Ring[] {
  for (const entry of [...state.reachable.values()]) removeSocket(state, entry, socketId);
  const placed = [...state.rings.values()].filter((r) => r.callerSocket === socketId);
  placed.forEach((r) => state.rings.delete(r.ringId));
  return placed;
}

function removeSocket(state: RingState, entry: Reachable, socketId: string) {
  entry.sockets = entry.sockets.filter((s) => s !== socketId);
  entry.busySockets = entry.busySockets.filter((s) => s !== socketId);
  if (!entry.sockets.length) state.reachable.delete(entry.handle);
}

export function setBusy(state: RingState, socketId: string, busy: boolean): void {
  for (const entry of state.reachable.values()) {
    if (!entry.sockets.includes(socketId)) continue;
    entry.busySockets = entry.busySockets.filter((s) => s !== socketId);
    if (busy) entry.busySockets.push(socketId);
  }
}

export function startRing(state: RingState, ring: Ring): RingResult<{ ring: Ring; callee: Reachable }> {
  const callee = state.reachable.get(ring.handle);
  if (!callee) return fail('not-reachable', `Nobody is reachable as "${ring.handle}" right now`);
  if (callee.sockets.includes(ring.callerSocket)) return fail('invalid-payload', 'You cannot call yourself');
  const alreadyRinging = [...state.rings.values()].some((r) => r.handle === ring.handle);
  if (callee.busySockets.length || alreadyRinging) return fail('busy', `${callee.name} is in another call`);
  if ([...state.rings.values()].some((r) => r.callerSocket === ring.callerSocket)) {
    return fail('rate-limited', 'You are already calling someone');
  }
  state.rings.set(ring.ringId, ring);
  return { ok: true, value: { ring, callee } };
}

/** Ends a ring: by its caller (cancel), by the callee (answer), or by the clock. */
export function endRing(state: RingState, ringId: string, by: { socketId: string; role: 'caller' | 'callee' } | 'timeout'): RingResult<{ ring: Ring; callee: Reachable | undefined }> {
  const ring = state.rings.get(ringId);
  if (!ring) return fail('no-such-ring', 'That call is no longer ringing');
  const callee = state.reachable.get(ring.handle);
  if (by !== 'timeout') {
    const allowed = by.role === 'caller' ? ring.callerSocket === by.socketId : !!callee?.sockets.includes(by.socketId);
    if (!allowed) return fail('no-such-ring', 'That call is not yours to answer');
  }
  state.rings.delete(ringId);
  return { ok: true, value: { ring, callee } };
}

export function directory(state: RingState): Array<{ handle: string; name: string; busy: boolean }> {
  return [...state.reachable.values()]
    .map((r) => ({ handle: r.handle, name: r.name, busy: r.busySockets.length > 0 }))
    .sort((a, b) => a.handle.localeCompare(b.handle));
}
