/** Socket.IO handlers for the host's powers (lock, admit, deny, remove) and for knocking. */
import { randomUUID } from 'node:crypto';
import type { Knock } from '../../protocol/contract.js';
import { answerKnock, knock, removeParticipant, setLocked, withdrawKnock } from './lobby.js';
import { normalizeName } from './rooms.js';
import { clearGrace, detach, newSecret, type HandlerContext } from './room-handlers.js';
import { isValidRoomId, isValidSecret } from './validate.js';

export function attachHostHandlers(ctx: HandlerContext): void {
  const { io, socket, registry, deps, now } = ctx;
  const notInRoom = { code: 'not-in-room', message: 'Join the room first' } as const;
  const hostSocket = (hostPeerId: string | undefined) => registry.identities.socketOf(hostPeerId);

  socket.on('lock-room', (locked, ack) => {
    ctx.serially('lock-room', ack, async () => {
      if (typeof locked !== 'boolean') return ctx.reject(ack, 'lock-room', { code: 'invalid-payload', message: '"locked" is true or false' });
      const member = ctx.member();
      if (!member) return ctx.reject(ack, 'lock-room', notInRoom);
      const result = await deps.store.update(member.roomId, (room) => setLocked(room, member.peerId, locked, newSecret));
      if (!result.ok) return ctx.reject(ack, 'lock-room', result.error);
      io.to(member.roomId).emit('room-updated', result.value.info);
      for (const { knock: k, ticket } of result.value.admitted) {
        registry.knocks.get(k.knockId)?.emit('knock-answered', { admitted: true, ticket });
      }
      ctx.succeed(ack, result.value.info);
    });
  });

  socket.on('knock', (roomId, options, ack) => {
    ctx.serially('knock', ack, async () => {
      if (!isValidRoomId(roomId)) return ctx.reject(ack, 'knock', { code: 'invalid-room', message: 'Room ids are 1 to 64 letters, digits, "-" or "_"' });
      const opts = typeof options === 'object' && options !== null ? options : {};
      const clientId = isValidSecret(opts.clientId) ? opts.clientId : undefined;
      if (socket.data.knock) await withdraw();
      const entry: Knock = { knockId: randomUUID(), name: normalizeName(opts.name), at: now() };
      const result = await deps.store.update(roomId, (room) => knock(room, entry, clientId));
      if (!result.ok) return ctx.reject(ack, 'knock', result.error);
      socket.data.knock = { roomId, knockId: entry.knockId };
      registry.knocks.set(entry.knockId, socket);
      // "NAME wants to join" reaches the host even with every panel closed.
      const room = await deps.store.get(roomId);
      hostSocket(room?.hostPeerId)?.emit('knocking', entry);
      ctx.succeed(ack, { knockId: entry.knockId });
    });
  });

  async function withdraw() {
    const waiting = socket.data.knock;
    if (!waiting) return;
    socket.data.knock = undefined;
    registry.knocks.delete(waiting.knockId);
    const result = await deps.store.update(waiting.roomId, (room) => withdrawKnock(room, waiting.knockId));
    if (result.ok && result.value && result.room) hostSocket(result.room.hostPeerId)?.emit('knock-withdrawn', waiting.knockId);
  }

  socket.on('cancel-knock', (ack) => {
    ctx.serially('cancel-knock', ack, async () => {
      await withdraw();
      ctx.succeed(ack, null);
    });
  });
  socket.on('disconnecting', () => ctx.serially('disconnecting', undefined, withdraw));

  socket.on('answer-knock', (knockId, admit, ack) => {
    ctx.serially('answer-knock', ack, async () => {
      if (typeof knockId !== 'string' || typeof admit !== 'boolean') {
        return ctx.reject(ack, 'answer-knock', { code: 'invalid-payload', message: 'answer-knock takes (knockId, admit)' });
      }
      const member = ctx.member();
      if (!member) return ctx.reject(ack, 'answer-knock', notInRoom);
      const result = await deps.store.update(member.roomId, (room) => answerKnock(room, member.peerId, knockId, admit, newSecret));
      if (!result.ok) return ctx.reject(ack, 'answer-knock', result.error);
      const knocker = registry.knocks.get(knockId);
      registry.knocks.delete(knockId);
      if (knocker) knocker.data.knock = undefined;
      knocker?.emit('knock-answered', { admitted: admit, ticket: result.value.ticket });
      socket.emit('knock-withdrawn', knockId);
      ctx.succeed(ack, null);
    });
  });

  socket.on('remove-participant', (peerId, ack) => {
    ctx.serially('remove-participant', ack, async () => {
      if (typeof peerId !== 'string') return ctx.reject(ack, 'remove-participant', { code: 'invalid-payload', message: 'Name the peer id to remove' });
      const member = ctx.member();
      if (!member) return ctx.reject(ack, 'remove-participant', notInRoom);
      const result = await deps.store.update(member.roomId, (room) => removeParticipant(room, member.peerId, peerId));
      if (!result.ok) return ctx.reject(ack, 'remove-participant', result.error);
      // The removed person's binding ends with their seat: their id and token open nothing here.
      const removed = registry.identities.socketOf(peerId);
      registry.identities.release(peerId, member.roomId);
      clearGrace(registry, peerId);
      if (removed) {
        // Their socket leaves the room quietly; the room hears it as a departure.
        detach(removed, member.roomId);
        removed.emit('removed');
      }
      io.to(member.roomId).emit('user-disconnected', peerId, 'left');
      deps.log.info({ room: member.roomId, peer: peerId, by: member.peerId }, 'participant removed');
      ctx.succeed(ack, null);
    });
  });
}
