/** Socket.IO handlers for the host's powers (lock, admit, deny, remove) and for knocking. */
import { randomUUID } from 'node:crypto';
import type { Knock } from '../../protocol/contract.js';
import { answerKnock, knock, removeParticipant, setLocked, withdrawKnock } from '../rooms/lobby.js';
import { fail, type Result } from '../rooms/result.js';
import { normalizeName } from '../rooms/rooms.js';
import {
  answerKnocker,
  clearGrace,
  detach,
  newSecret,
  parse,
  serially,
  toPeer,
  type HandlerContext,
  type HandlerTable,
} from './context.js';
import { isValidRoomId, isValidSecret } from './validate.js';

function parseKnock([roomId, options]: unknown[]): Result<{ roomId: string; name: unknown; clientId: string | undefined }> {
  if (!isValidRoomId(roomId)) return fail('invalid-room', 'Room ids are 1 to 64 letters, digits, "-" or "_"');
  const opts = typeof options === 'object' && options !== null ? (options as { name?: unknown; clientId?: unknown }) : {};
  return { ok: true, value: { roomId, name: opts.name, clientId: isValidSecret(opts.clientId) ? opts.clientId : undefined } };
}

function parseAnswer([knockId, admit]: unknown[]): Result<{ knockId: string; admit: boolean }> {
  if (typeof knockId !== 'string' || typeof admit !== 'boolean') return fail('invalid-payload', 'answer-knock takes (knockId, admit)');
  return { ok: true, value: { knockId, admit } };
}

/** Where to reach the host of a room now, on any node. */
const host = ({ io, registry }: HandlerContext, hostPeerId: string | undefined) => toPeer(io, registry, hostPeerId);

/** This socket stops knocking, if it was: the host's list loses the request. */
async function withdraw(ctx: HandlerContext) {
  const { socket, registry, deps } = ctx;
  const waiting = socket.data.knock;
  if (!waiting) return;
  socket.data.knock = undefined;
  await registry.knocks.take(waiting.knockId);
  const result = await deps.store.update(waiting.roomId, (room) => withdrawKnock(room, waiting.knockId));
  if (result.ok && result.value && result.room) (await host(ctx, result.room.hostPeerId))?.emit('knock-withdrawn', waiting.knockId);
}

export function defineHostHandlers(on: HandlerTable): void {
  on.member('lock-room', parse.boolean('locked'), async ({ io, registry, deps }, locked, { roomId, peerId }) => {
    const result = await deps.store.update(roomId, (room) => setLocked(room, peerId, locked, newSecret));
    if (!result.ok) return result;
    io.to(roomId).emit('room-updated', result.value.info);
    // Unlocking lets everyone who was waiting in.
    for (const { knock: k, ticket } of result.value.admitted) await answerKnocker(io, registry, k.knockId, { admitted: true, ticket });
    return { ok: true, value: result.value.info };
  });

  on.request('knock', parseKnock, async (ctx, { roomId, name, clientId }) => {
    const { socket, registry, deps, now } = ctx;
    if (socket.data.knock) await withdraw(ctx);
    const entry: Knock = { knockId: randomUUID(), name: normalizeName(name), at: now() };
    const result = await deps.store.update(roomId, (room) => knock(room, entry, clientId));
    if (!result.ok) return result;
    socket.data.knock = { roomId, knockId: entry.knockId };
    await registry.knocks.set(entry.knockId, socket.id);
    // "NAME wants to join" reaches the host even with every panel closed.
    (await host(ctx, result.room?.hostPeerId))?.emit('knocking', entry);
    return { ok: true, value: { knockId: entry.knockId } };
  });

  on.request('cancel-knock', parse.nothing, async (ctx) => {
    await withdraw(ctx);
    return { ok: true, value: null };
  });
  on.onDisconnecting((ctx) => serially(ctx, 'disconnecting', undefined, () => withdraw(ctx)));

  on.member('answer-knock', parseAnswer, async ({ io, socket, registry, deps }, { knockId, admit }, { roomId, peerId }) => {
    const result = await deps.store.update(roomId, (room) => answerKnock(room, peerId, knockId, admit, newSecret));
    if (!result.ok) return result;
    await answerKnocker(io, registry, knockId, { admitted: admit, ticket: result.value.ticket });
    socket.emit('knock-withdrawn', knockId);
    return { ok: true, value: null };
  });

  on.member(
    'remove-participant',
    parse.string('Name the peer id to remove'),
    async ({ io, registry, deps }, target, { roomId, peerId }) => {
      const result = await deps.store.update(roomId, (room) => removeParticipant(room, peerId, target));
      if (!result.ok) return result;
      // The removed person's binding ends with their seat: their id and token open nothing here.
      const removed = await registry.identities.get(target);
      await registry.identities.release(target, roomId, removed?.socketId);
      clearGrace(registry, target);
      if (removed?.socketId && removed.roomId === roomId) {
        // Their socket leaves the room quietly, on whichever node; the room hears it as a departure.
        detach(io, removed.socketId, roomId);
        io.to(removed.socketId).emit('removed');
      }
      io.to(roomId).emit('user-disconnected', target, 'left');
      deps.log.info({ room: roomId, peer: target, by: peerId }, 'participant removed');
      return { ok: true, value: null };
    },
  );
}
