/**
 * Socket.IO handlers for ringing a person: reachability by handle, rings with a 30 s timeout,
 * a back-off before ringing someone again who declined or did not answer, and the private room
 * an accepted ring opens for the two of them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { RingEnd, RingOutcome } from '../../protocol/contract.js';
import { privateRoom, normalizeName } from './rooms.js';
import { newSecret, type HandlerContext } from './room-handlers.js';
import {
  RING_TIMEOUT_MS,
  becomeReachable,
  directory,
  dropSocket,
  endRing,
  normalizeHandle,
  noteRingOutcome,
  setBusy,
  startRing,
  type Ring,
  type RingState,
} from './ringing.js';

export interface RingDeps {
  state: RingState;
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

export function attachRingHandlers(ctx: HandlerContext, ring: RingDeps): void {
  const { io, socket, deps } = ctx;
  const { state } = ring;
  const toSockets = (ids: string[], end: RingEnd) => ids.forEach((id) => io.to(id).emit('ring-ended', end));
  const clearTimer = (ringId: string) => {
    clearTimeout(ring.timers.get(ringId));
    ring.timers.delete(ringId);
  };
  const note = (ended: Ring, outcome: RingOutcome) => noteRingOutcome(state, ended, outcome, ctx.now(), ring.retryBaseMs);
  /** Rings to a person whose last tab is gone end for the caller as "no answer". */
  const endOrphaned = (orphaned: Ring[]) => {
    for (const r of orphaned) {
      clearTimer(r.ringId);
      note(r, 'no-answer');
      io.to(r.callerSocket).emit('ring-ended', { ringId: r.ringId, outcome: 'no-answer' });
    }
  };

  socket.on('become-reachable', (rawHandle, options, ack) => {
    const handle = normalizeHandle(rawHandle);
    if (!handle) return ctx.reject(ack, 'become-reachable', { code: 'invalid-handle', message: 'Handles are 2 to 32 lowercase letters, digits, "-" or "_"' });
    const deviceKey = typeof options?.deviceKey === 'string' && DEVICE_KEY.test(options.deviceKey) ? options.deviceKey : undefined;
    if (!deviceKey) return ctx.reject(ack, 'become-reachable', { code: 'invalid-payload', message: 'A device key is needed' });
    const result = becomeReachable(state, handle, normalizeName(options.name), deviceKey, socket.id);
    if (!result.ok) return ctx.reject(ack, 'become-reachable', result.error);
    endOrphaned(result.value.orphaned); // this tab was the last one of another handle
    ctx.succeed(ack, { handle });
  });

  /** This tab is no longer reachable (it stopped, or closed): end the rings it was part of. */
  function forgetSocket() {
    const { placed, orphaned } = dropSocket(state, socket.id);
    for (const r of placed) {
      clearTimer(r.ringId);
      const callee = state.reachable.get(r.handle);
      if (callee) toSockets(callee.sockets, { ringId: r.ringId, outcome: 'cancelled' });
    }
    endOrphaned(orphaned);
  }

  socket.on('stop-reachable', (ack) => {
    forgetSocket();
    ctx.succeed(ack, null);
  });

  socket.on('set-busy', (busy) => {
    if (typeof busy === 'boolean') setBusy(state, socket.id, busy);
  });

  socket.on('ring', (rawHandle, options, ack) => {
    const handle = normalizeHandle(rawHandle);
    if (!handle) return ctx.reject(ack, 'ring', { code: 'invalid-handle', message: 'That is not a handle' });
    const callerName = normalizeName(options?.name);
    // The back-off is keyed by the client's address, so a new connection does not escape it.
    // Behind a reverse proxy this is the proxy's address, shared by every caller (see README).
    const callerAddress = socket.handshake.address;
    const result = startRing(state, { ringId: randomUUID(), handle, callerSocket: socket.id, callerName, startedAt: ctx.now(), callerAddress });
    if (!result.ok) return ctx.reject(ack, 'ring', result.error);
    const { ring: started, callee } = result.value;
    callee.sockets.forEach((id) => io.to(id).emit('incoming-ring', { ringId: started.ringId, callerName }));
    ring.timers.set(started.ringId, setTimeout(() => {
      ring.timers.delete(started.ringId);
      const ended = endRing(state, started.ringId, 'timeout');
      if (!ended.ok) return;
      note(ended.value.ring, 'no-answer');
      const end: RingEnd = { ringId: started.ringId, outcome: 'no-answer' };
      toSockets([started.callerSocket, ...(ended.value.callee?.sockets ?? [])], end);
    }, ring.timeoutMs ?? RING_TIMEOUT_MS));
    deps.log.info({ ring: started.ringId }, 'ringing');
    ctx.succeed(ack, { ringId: started.ringId, calleeName: callee.name });
  });

  socket.on('cancel-ring', (ringId, ack) => {
    if (typeof ringId !== 'string') return ctx.reject(ack, 'cancel-ring', { code: 'invalid-payload', message: 'Name the ring' });
    const ended = endRing(state, ringId, { socketId: socket.id, role: 'caller' });
    if (!ended.ok) return ctx.reject(ack, 'cancel-ring', ended.error);
    clearTimer(ringId);
    toSockets(ended.value.callee?.sockets ?? [], { ringId, outcome: 'cancelled' });
    ctx.succeed(ack, null);
  });

  socket.on('answer-ring', (ringId, accept, ack) => {
    ctx.serially('answer-ring', ack, async () => {
      if (typeof ringId !== 'string' || typeof accept !== 'boolean') {
        return ctx.reject(ack, 'answer-ring', { code: 'invalid-payload', message: 'answer-ring takes (ringId, accept)' });
      }
      const ended = endRing(state, ringId, { socketId: socket.id, role: 'callee' });
      if (!ended.ok) return ctx.reject(ack, 'answer-ring', ended.error);
      clearTimer(ringId);
      const { ring: answered, callee } = ended.value;
      note(answered, accept ? 'accepted' : 'declined');
      const otherTabs = (callee?.sockets ?? []).filter((id) => id !== socket.id);
      toSockets(otherTabs, { ringId, outcome: 'answered-elsewhere' });
      if (!accept) {
        io.to(answered.callerSocket).emit('ring-ended', { ringId, outcome: 'declined' });
        return ctx.succeed(ack, { ringId, outcome: 'declined' });
      }
      // A fresh private room only these two tickets open.
      const roomId = randomBytes(16).toString('base64url');
      const tickets: [string, string] = [newSecret(), newSecret()];
      await deps.store.update(roomId, () => ({ ok: true, room: privateRoom(roomId, tickets), value: null }));
      setTimeout(() => {
        void deps.store.update(roomId, (room) => ({ ok: true, room: room?.participants.length ? room : undefined, value: null }));
      }, PRIVATE_ROOM_GRACE_MS).unref();
      io.to(answered.callerSocket).emit('ring-ended', { ringId, outcome: 'accepted', roomId, ticket: tickets[0] });
      ctx.succeed(ack, { ringId, outcome: 'accepted', roomId, ticket: tickets[1] });
    });
  });

  socket.on('list-reachable', (ack) => {
    if (!ring.directoryOn) return ctx.reject(ack, 'list-reachable', { code: 'directory-off', message: 'This server does not list who is reachable' });
    ctx.succeed(ack, directory(state));
  });

  socket.on('disconnect', forgetSocket);
}
