/**
 * Sending one's own chat messages: shown at once as "sending", then sent, or failed with the
 * reason (and kept, to retry).
 */
import { msg } from '@lit/localize';
import { errorText } from '../i18n/errors.js';
import type { ChatMessage } from '../../protocol/contract.js';
import type { RoomEvent } from './room-state.js';

export interface ChatSend {
  text: string;
  /** The failed message this one retries (it takes that one's place). */
  retryOf?: string;
  author: { peerId: string; name: string };
  /** Sends over the room's signaling; undefined when not in the call. */
  send: ((text: string) => Promise<ChatMessage>) | undefined;
  update: (event: Extract<RoomEvent, { type: 'chat-sending' | 'chat-sent' | 'chat-failed' }>) => void;
}

/** Resolves with the message as the room took it; rejects (after marking it failed) with why not. */
export async function sendChatMessage({ text, retryOf, author, send, update }: ChatSend): Promise<ChatMessage> {
  const localId = retryOf ?? `local-${Date.now()}-${Math.random()}`;
  update({ type: 'chat-sending', entry: { id: localId, ...author, text, sentAt: Date.now(), status: 'sending' }, replaces: retryOf });
  try {
    if (!send) throw Object.assign(new Error(msg('You are not in the call')), { code: 'not-joined' });
    const message = await send(text);
    update({ type: 'chat-sent', localId, message });
    return message;
  } catch (error) {
    update({
      type: 'chat-failed',
      localId,
      // The server's refusal in the person's language, from its code.
      problem: (error as { code?: string } | undefined)?.code
        ? errorText((error as { code: string }).code, (error as Error).message)
        : msg('Not sent', { desc: 'Chat: a message failed to send, for an unknown reason' }),
    });
    throw error;
  }
}
