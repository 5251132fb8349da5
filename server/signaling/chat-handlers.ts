/** Socket.IO handlers for chat, raised hands and reactions. Message text is never logged. */
import { randomUUID } from 'node:crypto';
import type { Reaction } from '../../protocol/contract.js';
import { addChatMessage, isReaction, raiseHand } from '../rooms/chat.js';
import { fail, type Result } from '../rooms/result.js';
import { parse, type HandlerTable } from './context.js';

const parseReaction = ([emoji]: unknown[]): Result<Reaction> =>
  isReaction(emoji) ? { ok: true, value: emoji } : fail('invalid-payload', 'That is not one of the reactions');

export function defineChatHandlers(on: HandlerTable): void {
  on.member('chat-message', parse.string('A message is text'), async ({ socket, deps, now }, text, { roomId, peerId }) => {
    const result = await deps.store.update(roomId, (room) => addChatMessage(room, peerId, text, randomUUID(), now()));
    // Only this room hears it.
    if (result.ok) socket.to(roomId).emit('chat-message', result.value);
    return result;
  });

  on.member('raise-hand', parse.boolean('raised'), async ({ socket, deps, now }, raised, { roomId, peerId }) => {
    const result = await deps.store.update(roomId, (room) => raiseHand(room, peerId, raised, now()));
    if (result.ok) socket.to(roomId).emit('participant-updated', result.value);
    return result;
  });

  // Nothing to store, and nothing to wait for: a reaction is a moment, not state.
  on.member(
    'reaction',
    parseReaction,
    async ({ socket, registry }, emoji, { roomId, peerId }) => {
      // Nothing in the store checks membership here: a socket removed or taken over from another
      // node (whose room data that node could not clear) speaks for nobody.
      const bound = await registry.identities.get(peerId);
      if (bound?.socketId !== socket.id || bound.roomId !== roomId) return fail('not-in-room', 'Join the room first');
      socket.to(roomId).emit('reaction', peerId, emoji);
      return { ok: true, value: null };
    },
    { queued: false },
  );
}
