/**
 * Ringing a person: who is reachable under which handle, and the rings in progress. Plain
 * functions over plain data, like the room rules; the adapter (ring-handlers.ts) adds sockets,
 * timers, the clock and the private room an accepted ring leads to.
 *
 * Every ringing event costs the same whether 10 or 10,000 people are reachable: the state keeps
 * indexes (socket → its handle and its place in that handle's lists, handle → the ring to it,
 * caller socket → the ring it placed) so no rule scans all handles or all rings. Only
 * `directory()` walks everyone, and it is off unless the server turns it on.
 */
import type { RingOutcome } from '../../protocol/contract.js';
import { fail, type Result } from './result.js';

export const HANDLE_PATTERN = /^[a-z0-9][a-z0-9_-]{1,31}$/;
export const RING_TIMEOUT_MS = 30_000;
/** After a declined or unanswered ring, its caller may ring that handle again after this... */
export const RETRY_BASE_MS = 60_000;
/** ...doubled on each further declined or unanswered ring of the same pair, up to this. */
export const RETRY_MAX_MS = 3_600_000;
/** A pair's count is forgotten once this long has passed since its wait ended (or on an accept). */
export const RETRY_MEMORY_MS = RETRY_MAX_MS;
/** At most this many caller/handle pairs are remembered; the least recently refused go first. */
export const RETRY_RECORDS_MAX = 10_000;

export interface Reachable {
  handle: string;
  name: string;
  /** The browser that owns the handle (its tabs share it); another browser cannot take it. */
  deviceKey: string;
  /** Open tabs of that browser (socket ids, in no particular order); a ring reaches all of them. */
  sockets: string[];
  /** Tabs that are in a call right now (in no particular order). */
  busySockets: string[];
}

export interface Ring {
  ringId: string;
  handle: string;
  callerSocket: string;
  callerName: string;
  startedAt: number;
  /**
   * Where the caller connects from (its client address). With it, the ring obeys the retry
   * back-off, which is kept per address and handle so that reconnecting does not escape it.
   */
  callerAddress?: string;
  /** The node the caller's socket is on (several nodes): if that node stops, the ring ends. */
  callerNode?: string;
}

/** Where a reachable socket is: its handle, and its index in that entry's `sockets` and `busySockets` (-1: not busy). */
export interface Tab {
  handle: string;
  slot: number;
  busySlot: number;
  /** The node the socket is on (several nodes): if that node stops, the tab is gone. */
  node?: string;
}

/** How often one caller address rang one handle in vain, and until when it must wait. */
export interface RetryRecord {
  strikes: number;
  until: number;
  forgetAt: number;
}

export interface RingState {
  reachable: Map<string, Reachable>;
  rings: Map<string, Ring>;
  /** Socket id → where it is reachable. A socket is reachable as at most one handle. */
  tabs: Map<string, Tab>;
  /** Handle → the ring to it. At most one at a time: a second ring to a ringing handle is `busy`. */
  ringByHandle: Map<string, string>;
  /** Caller socket → the ring it placed. One at a time per socket. */
  ringByCaller: Map<string, string>;
  /** `retryKey(address, handle)` → back-off; Map order is recency (oldest first). */
  retries: Map<string, RetryRecord>;
}

/** Rings that ended because a socket went away (or moved to another handle). */
export interface Dropped {
  /** Rings the socket had placed: their callee's tabs are told `cancelled`. */
  placed: Ring[];
  /** Rings to a handle whose last tab this was: their caller is told `no-answer`. */
  orphaned: Ring[];
}

export function newRingState(): RingState {
  return { reachable: new Map(), rings: new Map(), tabs: new Map(), ringByHandle: new Map(), ringByCaller: new Map(), retries: new Map() };
}

export function normalizeHandle(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const handle = raw.trim().replace(/^@/, '').toLowerCase();
  return HANDLE_PATTERN.test(handle) ? handle : undefined;
}

/** The handle a socket is reachable as, if any. */
export function handleOfSocket(state: RingState, socketId: string): string | undefined {
  return state.tabs.get(socketId)?.handle;
}

export function becomeReachable(
  state: RingState,
  handle: string,
  name: string,
  deviceKey: string,
  socketId: string,
  node?: string,
): Result<{ reachable: Reachable; orphaned: Ring[] }> {
  const current = state.reachable.get(handle);
  if (current && current.deviceKey !== deviceKey) return fail('handle-taken', `"${handle}" is taken: choose another handle`);
  // One handle per socket: drop whatever this tab was reachable as before.
  const tab = state.tabs.get(socketId);
  const orphaned: Ring[] = [];
  if (tab && tab.handle !== handle) {
    const orphan = detachSocket(state, socketId);
    if (orphan) orphaned.push(orphan);
  }
  const entry: Reachable = current ?? { handle, name, deviceKey, sockets: [], busySockets: [] };
  entry.name = name;
  if (!state.tabs.has(socketId)) {
    entry.sockets.push(socketId);
    state.tabs.set(socketId, { handle, slot: entry.sockets.length - 1, busySlot: -1, ...(node ? { node } : {}) });
  }
  state.reachable.set(handle, entry);
  return { ok: true, value: { reachable: entry, orphaned } };
}

/** Forgets a socket: it is no longer reachable, and rings it placed end; so does a ring to its handle if it was the last tab. */
export function dropSocket(state: RingState, socketId: string): Dropped {
  const placed: Ring[] = [];
  const placedId = state.ringByCaller.get(socketId);
  const ring = placedId === undefined ? undefined : state.rings.get(placedId);
  if (ring) {
    removeRing(state, ring);
    placed.push(ring);
  }
  const orphan = detachSocket(state, socketId);
  return { placed, orphaned: orphan ? [orphan] : [] };
}

/**
 * A node stopped: the tabs and callers it held are gone, as if each had closed. It walks every tab
 * and ring, once per lost node (rare), unlike the rules a client's event runs.
 */
export function dropNode(state: RingState, node: string): Dropped {
  const placed: Ring[] = [];
  const orphaned: Ring[] = [];
  for (const [socketId, tab] of [...state.tabs]) {
    if (tab.node !== node) continue;
    const dropped = dropSocket(state, socketId);
    placed.push(...dropped.placed);
    orphaned.push(...dropped.orphaned);
  }
  for (const ring of [...state.rings.values()]) {
    if (ring.callerNode !== node) continue;
    removeRing(state, ring);
    placed.push(ring);
  }
  return { placed, orphaned };
}

/** Removes `index` from `list` by moving the last element into it; returns the moved element, if any. */
function swapRemove(list: string[], index: number): string | undefined {
  const last = list.pop()!;
  if (index >= list.length) return undefined;
  list[index] = last;
  return last;
}

/** Takes a socket off its handle; when that was the handle's last tab, frees the handle and ends the ring to it (returned). */
function detachSocket(state: RingState, socketId: string): Ring | undefined {
  const tab = state.tabs.get(socketId);
  if (!tab) return undefined;
  state.tabs.delete(socketId);
  const entry = state.reachable.get(tab.handle)!;
  const moved = swapRemove(entry.sockets, tab.slot);
  if (moved !== undefined) state.tabs.get(moved)!.slot = tab.slot;
  if (tab.busySlot >= 0) {
    const movedBusy = swapRemove(entry.busySockets, tab.busySlot);
    if (movedBusy !== undefined) state.tabs.get(movedBusy)!.busySlot = tab.busySlot;
  }
  if (entry.sockets.length) return undefined;
  state.reachable.delete(tab.handle);
  const ringId = state.ringByHandle.get(tab.handle);
  const ring = ringId === undefined ? undefined : state.rings.get(ringId);
  if (ring) removeRing(state, ring);
  return ring;
}

function removeRing(state: RingState, ring: Ring): void {
  state.rings.delete(ring.ringId);
  if (state.ringByHandle.get(ring.handle) === ring.ringId) state.ringByHandle.delete(ring.handle);
  if (state.ringByCaller.get(ring.callerSocket) === ring.ringId) state.ringByCaller.delete(ring.callerSocket);
}

/** Marks a reachable tab as in a call (or not); a socket that is not reachable is ignored. */
export function setBusy(state: RingState, socketId: string, busy: boolean): void {
  const tab = state.tabs.get(socketId);
  if (!tab || busy === tab.busySlot >= 0) return;
  const entry = state.reachable.get(tab.handle)!;
  if (busy) {
    entry.busySockets.push(socketId);
    tab.busySlot = entry.busySockets.length - 1;
  } else {
    const moved = swapRemove(entry.busySockets, tab.busySlot);
    if (moved !== undefined) state.tabs.get(moved)!.busySlot = tab.busySlot;
    tab.busySlot = -1;
  }
}

export function startRing(state: RingState, ring: Ring): Result<{ ring: Ring; callee: Reachable }> {
  const callee = state.reachable.get(ring.handle);
  if (!callee) return fail('not-reachable', `Nobody is reachable as "${ring.handle}" right now`);
  if (handleOfSocket(state, ring.callerSocket) === ring.handle) return fail('invalid-payload', 'You cannot call yourself');
  if (callee.busySockets.length || state.ringByHandle.has(ring.handle)) return fail('busy', `${callee.name} is in another call`);
  if (state.ringByCaller.has(ring.callerSocket)) return fail('rate-limited', 'You are already calling someone');
  if (ring.callerAddress !== undefined) {
    const wait = retryWaitMs(state, ring.callerAddress, ring.handle, ring.startedAt);
    if (wait > 0)
      return fail('rate-limited', `${callee.name} did not take your last call. You can call ${callee.name} again in ${waitText(wait)}.`);
  }
  if (state.rings.has(ring.ringId)) return fail('invalid-payload', 'That ring id is in use');
  state.rings.set(ring.ringId, ring);
  state.ringByHandle.set(ring.handle, ring.ringId);
  state.ringByCaller.set(ring.callerSocket, ring.ringId);
  return { ok: true, value: { ring, callee } };
}

/** Ends a ring: by its caller (cancel), by the callee (answer), or by the clock. */
export function endRing(
  state: RingState,
  ringId: string,
  by: { socketId: string; role: 'caller' | 'callee' } | 'timeout',
): Result<{ ring: Ring; callee: Reachable | undefined }> {
  const ring = state.rings.get(ringId);
  if (!ring) return fail('no-such-ring', 'That call is no longer ringing');
  const callee = state.reachable.get(ring.handle);
  if (by !== 'timeout') {
    const allowed = by.role === 'caller' ? ring.callerSocket === by.socketId : handleOfSocket(state, by.socketId) === ring.handle;
    if (!allowed) return fail('no-such-ring', 'That call is not yours to answer');
  }
  removeRing(state, ring);
  return { ok: true, value: { ring, callee } };
}

/**
 * Lists everyone reachable. O(n log n) in the number of handles, unlike every other rule: it is
 * only answered when the server turns the directory on (RING_DIRECTORY, off by default), and only
 * on a client's explicit request (which the per-socket event rate limits bound).
 */
export function directory(state: RingState): Array<{ handle: string; name: string; busy: boolean }> {
  return [...state.reachable.values()]
    .map((r) => ({ handle: r.handle, name: r.name, busy: r.busySockets.length > 0 }))
    .sort((a, b) => a.handle.localeCompare(b.handle));
}

// --- Retry back-off: a caller cannot ring the same person again and again. ---

export function retryKey(address: string, handle: string): string {
  return `${address} ${handle}`; // a handle has no spaces
}

/** How long (ms) the caller at `address` must still wait before ringing `handle` again; 0: it may. */
export function retryWaitMs(state: RingState, address: string, handle: string, now: number): number {
  const key = retryKey(address, handle);
  const record = state.retries.get(key);
  if (!record) return 0;
  if (record.forgetAt <= now) {
    state.retries.delete(key);
    return 0;
  }
  return Math.max(0, record.until - now);
}

/**
 * Records how a ring ended for the back-off of its caller's address towards its handle: declined
 * or unanswered starts (or doubles, up to RETRY_MAX_MS) a wait of `baseMs`; accepted clears it;
 * anything else (cancelled by the caller, ...) changes nothing.
 */
export function noteRingOutcome(state: RingState, ring: Ring, outcome: RingOutcome, now: number, baseMs = RETRY_BASE_MS): void {
  if (ring.callerAddress === undefined) return;
  const key = retryKey(ring.callerAddress, ring.handle);
  if (outcome === 'accepted') {
    state.retries.delete(key);
    return;
  }
  if (outcome !== 'declined' && outcome !== 'no-answer') return;
  const previous = state.retries.get(key);
  const strikes = previous && previous.forgetAt > now ? previous.strikes + 1 : 1;
  const wait = Math.min(RETRY_MAX_MS, Math.max(0, baseMs) * 2 ** Math.min(strikes - 1, 32));
  state.retries.delete(key); // re-inserted last: Map order is recency
  state.retries.set(key, { strikes, until: now + wait, forgetAt: now + wait + RETRY_MEMORY_MS });
  while (state.retries.size > RETRY_RECORDS_MAX) state.retries.delete(state.retries.keys().next().value!);
  // Amortised clean-up: the least recently refused pair goes once forgotten.
  const [oldestKey, oldest] = state.retries.entries().next().value!;
  if (oldest.forgetAt <= now) state.retries.delete(oldestKey);
}

/** "45 seconds", "1 minute", "2 minutes", "1 hour": the wait, rounded up, for a person to read. */
export function waitText(ms: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return plural(Math.max(1, seconds), 'second');
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `${plural(hours, 'hour')} ${plural(rest, 'minute')}` : plural(hours, 'hour');
}
