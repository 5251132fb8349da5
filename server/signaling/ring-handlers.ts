/**
 * Socket.IO handlers for ringing a person: reachability by handle, rings with a 30 s timeout,
 * a back-off before ringing someone again who declined or did not answer, and the private room
 * an accepted ring opens for the two of them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { RingEnd, RingOutcome } from '../../protocol/contract.js';
import { fail, type Result } from '../rooms/result.js';
import { privateRoom, normalizeName } from '../rooms/rooms.js';
import { addressOfClient, newSecret, parse, type HandlerContext, type HandlerTable, type RoomServer } from './context.js';
import {
  RING_TIMEOUT_MS,
  becomeReachable,
  directory,
  dropNode,
  dropSocket,
  endRing,
  normalizeHandle,
  noteRingOutcome,
  setBusy,
  startRing,
  type Dropped,
  type Ring,
  type RingState,
} from '../rooms/ringing.js';
import type { RingStore } from '../rooms/store.js';

export interface RingDeps {
  /** Where the ringing state lives (this process, or Redis for several nodes). */
  store: RingStore;
  timers: Map<string, ReturnType<typeof setTimeout>>;
  directoryOn: boolean;
  /** How long an unanswered ring rings (30 s; shorter in tests). */
  timeoutMs?: number;
  /**
   * The first wait before the same caller address may ring the same handle again after a
   * declined or unanswered ring (doubling each further time, capped at an hour); 60 s by default.
   */
  retryBaseMs?: number;
}

const DEVICE_KEY = /^[A-Za-z0-9_-]{8,64}$/;
/** A private room nobody entered is dropped after this. */
const PRIVATE_ROOM_GRACE_MS = 120_000;

function parseReachable([rawHandle, options]: unknown[]): Result<{ handle: string; name: unknown; deviceKey: string }> {
  const handle = normalizeHandle(rawHandle);
  if (!handle) return fail('invalid-handle', 'Handles are 2 to 32 lowercase letters, digits, "-" or "_"');
  const { name, deviceKey } = (typeof options === 'object' && options !== null ? options : {}) as { name?: unknown; deviceKey?: unknown };
  if (typeof deviceKey !== 'string' || !DEVICE_KEY.test(deviceKey)) return fail('invalid-payload', 'A device key is needed');
  return { ok: true, value: { handle, name, deviceKey } };
}

function parseRing([rawHandle, options]: unknown[]): Result<{ handle: string; callerName: string }> {
  const handle = normalizeHandle(rawHandle);
  if (!handle) return fail('invalid-handle', 'That is not a handle');
  const name = typeof options === 'object' && options !== null ? (options as { name?: unknown }).name : undefined;
  return { ok: true, value: { handle, callerName: normalizeName(name) } };
}

function parseRingAnswer([ringId, accept]: unknown[]): Result<{ ringId: string; accept: boolean }> {
  if (typeof ringId !== 'string' || typeof accept !== 'boolean') return fail('invalid-payload', 'answer-ring takes (ringId, accept)');
  return { ok: true, value: { ringId, accept } };
}

const immediate = { queued: false }; // ringing keeps no room state: nothing to wait for

const toSockets = (io: RoomServer, ids: string[], end: RingEnd) => ids.forEach((id) => io.to(id).emit('ring-ended', end));

/** A ring's timer lives on the node that started it; any node may end the ring before it fires. */
function clearTimer(ring: RingDeps, ringId: string) {
  clearTimeout(ring.timers.get(ringId));
  ring.timers.delete(ringId);
}

type Settled = { placed: Array<{ ring: Ring; callee: string[] }>; orphaned: Ring[] };

/**
 * Inside a ringing rule: what a dropped tab (or node) ended, with the callee tabs to tell. Rings to
 * a person whose last tab is gone count as unanswered for the back-off.
 */
function settleDropped(ring: RingDeps, state: RingState, dropped: Dropped, now: number): Settled {
  for (const r of dropped.orphaned) noteRingOutcome(state, r, 'no-answer', now, ring.retryBaseMs);
  return {
    placed: dropped.placed.map((r) => ({ ring: r, callee: state.reachable.get(r.handle)?.sockets ?? [] })),
    orphaned: dropped.orphaned,
  };
}

/** Callees of the rings a drop ended hear "cancelled"; callers of rings to a handle with no tab left, "no answer". */
function announceDropped(io: RoomServer, ring: RingDeps, { placed, orphaned }: Settled) {
  for (const { ring: r, callee } of placed) {
    clearTimer(ring, r.ringId);
    toSockets(io, callee, { ringId: r.ringId, outcome: 'cancelled' });
  }
  for (const r of orphaned) {
    clearTimer(ring, r.ringId);
    io.to(r.callerSocket).emit('ring-ended', { ringId: r.ringId, outcome: 'no-answer' });
  }
}

/** Another node stopped: the tabs and callers it held are gone, as if each had closed. */
export async function dropLostNode(io: RoomServer, ring: RingDeps, node: string, now: number): Promise<void> {
  announceDropped(io, ring, await ring.store.apply((state) => settleDropped(ring, state, dropNode(state, node), now)));
}

export function defineRingHandlers(on: HandlerTable, ring: RingDeps): void {
  const apply = <T>(rule: (state: RingState) => T) => ring.store.apply(rule);
  /** Sockets that became reachable or placed a ring: only they touch the ringing state again. */
  const ringing = new WeakSet<HandlerContext['socket']>();
  const note = (state: RingState, ended: Ring, outcome: RingOutcome, now: number) =>
    noteRingOutcome(state, ended, outcome, now, ring.retryBaseMs);

  on.request(
    'become-reachable',
    parseReachable,
    async ({ io, socket, deps, now }, { handle: h, name, deviceKey }) => {
      ringing.add(socket);
      const result = await apply((state) => {
        const became = becomeReachable(state, h, normalizeName(name), deviceKey, socket.id, deps.node);
        if (!became.ok) return became;
        return { ok: true as const, value: settleDropped(ring, state, { placed: [], orphaned: became.value.orphaned }, now()) };
      });
      if (!result.ok) return result;
      announceDropped(io, ring, result.value); // this tab was the last one of another handle
      return { ok: true, value: { handle: h } };
    },
    immediate,
  );

  /** This tab is no longer reachable (it stopped, or closed): end the rings it was part of. */
  async function forgetSocket({ io, socket, now }: HandlerContext) {
    if (!ringing.has(socket)) return; // never reachable, never rang: nothing to forget
    announceDropped(io, ring, await apply((state) => settleDropped(ring, state, dropSocket(state, socket.id), now())));
  }

  on.request(
    'stop-reachable',
    parse.nothing,
    async (ctx) => {
      await forgetSocket(ctx);
      return { ok: true, value: null };
    },
    immediate,
  );

  on.signal('set-busy', ({ socket }, [busy]) => {
    if (typeof busy === 'boolean' && ringing.has(socket)) void apply((state) => setBusy(state, socket.id, busy)).catch(() => {});
  });

  /** The ring nobody answered in time ends, on whichever node it is ended. */
  async function timeOut(io: RoomServer, ringId: string, callerSocket: string, now: number) {
    const ended = await apply((state) => {
      const result = endRing(state, ringId, 'timeout');
      if (result.ok) note(state, result.value.ring, 'no-answer', now);
      return result;
    });
    if (!ended.ok) return;
    toSockets(io, [callerSocket, ...(ended.value.callee?.sockets ?? [])], { ringId, outcome: 'no-answer' });
  }

  on.request(
    'ring',
    parseRing,
    async (ctx, { handle: h, callerName }) => {
      const { io, socket, deps, now } = ctx;
      // The back-off is keyed by the client's address, so a new connection does not escape it.
      // Behind a reverse proxy it is the proxy's address unless TRUST_PROXY names the proxy.
      const callerAddress = addressOfClient(ctx);
      ringing.add(socket);
      const result = await apply((state) =>
        startRing(state, {
          ringId: randomUUID(),
          handle: h,
          callerSocket: socket.id,
          callerName,
          startedAt: now(),
          callerAddress,
          ...(deps.node ? { callerNode: deps.node } : {}),
        }),
      );
      if (!result.ok) return result;
      const { ring: started, callee } = result.value;
      callee.sockets.forEach((id) => io.to(id).emit('incoming-ring', { ringId: started.ringId, callerName }));
      const timer = setTimeout(() => {
        ring.timers.delete(started.ringId);
        void timeOut(io, started.ringId, started.callerSocket, now()).catch((error: unknown) =>
          deps.log.warn({ err: error }, 'ring timeout failed'),
        );
      }, ring.timeoutMs ?? RING_TIMEOUT_MS);
      timer.unref();
      ring.timers.set(started.ringId, timer);
      deps.log.info({ ring: started.ringId }, 'ringing');
      return { ok: true, value: { ringId: started.ringId, calleeName: callee.name } };
    },
    immediate,
  );

  on.request(
    'cancel-ring',
    parse.string('Name the ring'),
    async ({ io, socket }, ringId) => {
      const ended = await apply((state) => endRing(state, ringId, { socketId: socket.id, role: 'caller' }));
      if (!ended.ok) return ended;
      clearTimer(ring, ringId);
      toSockets(io, ended.value.callee?.sockets ?? [], { ringId, outcome: 'cancelled' });
      return { ok: true, value: null };
    },
    immediate,
  );

  on.request('answer-ring', parseRingAnswer, async ({ io, socket, deps, now }, { ringId, accept }): Promise<Result<RingEnd>> => {
    const ended = await apply((state) => {
      const result = endRing(state, ringId, { socketId: socket.id, role: 'callee' });
      if (result.ok) note(state, result.value.ring, accept ? 'accepted' : 'declined', now());
      return result;
    });
    if (!ended.ok) return ended;
    clearTimer(ring, ringId);
    const { ring: answered, callee } = ended.value;
    const otherTabs = (callee?.sockets ?? []).filter((id) => id !== socket.id);
    toSockets(io, otherTabs, { ringId, outcome: 'answered-elsewhere' });
    if (!accept) {
      io.to(answered.callerSocket).emit('ring-ended', { ringId, outcome: 'declined' });
      return { ok: true, value: { ringId, outcome: 'declined' } };
    }
    // A fresh private room only these two tickets open.
    const roomId = randomBytes(16).toString('base64url');
    const tickets: [string, string] = [newSecret(), newSecret()];
    await deps.store.update(roomId, () => ({ ok: true, room: privateRoom(roomId, tickets), value: null }));
    setTimeout(() => {
      void deps.store
        .update(roomId, (room) => ({ ok: true, room: room?.participants.length ? room : undefined, value: null }))
        .catch(() => {});
    }, PRIVATE_ROOM_GRACE_MS).unref();
    io.to(answered.callerSocket).emit('ring-ended', { ringId, outcome: 'accepted', roomId, ticket: tickets[0] });
    return { ok: true, value: { ringId, outcome: 'accepted', roomId, ticket: tickets[1] } };
  });

  on.request(
    'list-reachable',
    parse.nothing,
    async () => {
      if (!ring.directoryOn) return fail('directory-off', 'This server does not list who is reachable');
      return { ok: true, value: await apply(directory) };
    },
    immediate,
  );

  on.onDisconnect((ctx) => void forgetSocket(ctx).catch((error: unknown) => ctx.deps.log.warn({ err: error }, 'ring cleanup failed')));
}
