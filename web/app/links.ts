/** Call links: making a new one, and finding one in what a person typed or shared. */
import { ROOM_ID_PATTERN } from '../../protocol/contract.js';
import { randomId } from '../rtc/emitter.js';

/** A new, unguessable room id: 128 random bits, URL-safe (22 characters). */
export function newRoomId(): string {
  return randomId(16);
}

/** Accepts a full call link (anywhere in the text) or a bare room id; returns the room id or undefined. */
export function roomIdFromInput(input: string): string | undefined {
  const text = input.trim();
  const fromLink = /\/r\/([^/?#\s]+)/.exec(text)?.[1];
  let candidate = text;
  if (fromLink) {
    try {
      candidate = decodeURIComponent(fromLink);
    } catch {
      return undefined;
    }
  }
  return ROOM_ID_PATTERN.test(candidate) ? candidate : undefined;
}
