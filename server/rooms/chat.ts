/** Chat, raised hands and reactions: rules for what participants share besides media. */
import type { ChatMessage, Participant, Reaction } from '../../protocol/contract.js';
import { CHAT_HISTORY, CHAT_MAX_LENGTH, REACTIONS } from '../../protocol/contract.js';
import { fail } from './result.js';
import type { Room, RuleResult } from './rooms.js';

export function addChatMessage(room: Room | undefined, peerId: string, text: string, id: string, now: number): RuleResult<ChatMessage> {
  const sender = room?.participants.find((p) => p.peerId === peerId);
  if (!room || !sender) return fail('not-in-room', 'Join the room first');
  if (!text.trim()) return fail('invalid-payload', 'Type a message first');
  if (text.length > CHAT_MAX_LENGTH) {
    return fail('message-too-long', `Messages are at most ${CHAT_MAX_LENGTH} characters (this one has ${text.length})`);
  }
  const message: ChatMessage = { id, peerId, name: sender.name, text, sentAt: now };
  // History stays bounded: late joiners get the last CHAT_HISTORY messages.
  return { ok: true, room: { ...room, chat: [...room.chat, message].slice(-CHAT_HISTORY) }, value: message };
}

export function raiseHand(room: Room | undefined, peerId: string, raised: boolean, now: number): RuleResult<Participant> {
  const current = room?.participants.find((p) => p.peerId === peerId);
  if (!room || !current) return fail('not-in-room', 'Join the room first');
  const updated: Participant = { ...current };
  if (raised) updated.handRaisedAt = current.handRaisedAt ?? now;
  else delete updated.handRaisedAt;
  return { ok: true, room: { ...room, participants: room.participants.map((p) => (p === current ? updated : p)) }, value: updated };
}

export function isReaction(value: unknown): value is Reaction {
  return typeof value === 'string' && (REACTIONS as readonly string[]).includes(value);
}

/** Raised hands, first raised first. */
export function raisedHands(participants: Participant[]): Participant[] {
  return participants.filter((p) => p.handRaisedAt !== undefined).sort((a, b) => a.handRaisedAt! - b.handRaisedAt!);
}
