/** Socket.IO handlers for chat, raised hands and reactions. Message text is never logged. */
import { randomUUID } from 'node:crypto';
import { addChatMessage, isReaction, raiseHand } from './chat.js';
import type { HandlerContext } from './room-handlers.js';

export function attachChatHandlers(ctx: HandlerContext): void {
  const { socket, deps, now } = ctx;
  const notInRoom = { code: 'not-in-room', message: 'Join the room first' } as const;

  socket.on('chat-message', (text, ack) => {
    ctx.serially('chat-message', ack, async () => {
      if (typeof text !== 'string') return ctx.reject(ack, 'chat-message', { code: 'invalid-payload', message: 'A message is text' });
      const member = ctx.member();
      if (!member) return ctx.reject(ack, 'chat-message', notInRoom);
      const result = await deps.store.update(member.roomId, (room) => addChatMessage(room, member.peerId, text, randomUUID(), now()));
      if (!result.ok) return ctx.reject(ack, 'chat-message', result.error);
      // Only this room hears it.
      socket.to(member.roomId).emit('chat-message', result.value);
      ctx.succeed(ack, result.value);
    });
  });

  socket.on('raise-hand', (raised, ack) => {
    ctx.serially('raise-hand', ack, async () => {
      if (typeof raised !== 'boolean') return ctx.reject(ack, 'raise-hand', { code: 'invalid-payload', message: '"raised" is true or false' });
      const member = ctx.member();
      if (!member) return ctx.reject(ack, 'raise-hand', notInRoom);
      const result = await deps.store.update(member.roomId, (room) => raiseHand(room, member.peerId, raised, now()));
      if (!result.ok) return ctx.reject(ack, 'raise-hand', result.error);
      socket.to(member.roomId).emit('participant-updated', result.value);
      ctx.succeed(ack, result.value);
    });
  });

  socket.on('reaction', (emoji, ack) => {
    if (!isReaction(emoji)) return ctx.reject(ack, 'reaction', { code: 'invalid-payload', message: 'That is not one of the reactions' });
    const member = ctx.member();
    if (!member) return ctx.reject(ack, 'reaction', notInRoom);
    // Nothing to store: a reaction is a moment, not state.
    socket.to(member.roomId).emit('reaction', member.peerId, emoji);
    ctx.succeed(ack, null);
  });
}
