/**
 * What a screen reader hears about the call without looking: who joined and left, raised
 * hands, a chat message while the chat is closed, "You are muted", connected again (the call's
 * own banner says "Reconnecting…"). Said through
 * one polite live region (the host renders `text`), and throttled: news that comes within
 * THROTTLE_MS of the last announcement is gathered and said together, so a room filling up is
 * one sentence, not ten.
 */
import { msg, str } from '@lit/localize';
import { isSingular } from '../i18n/plural.js';
import type { RoomState } from '../rtc/room-state.js';

export const THROTTLE_MS = 1500;

/** The parts of the stage the announcer compares between renders. */
export interface Heard {
  room: RoomState;
  muted: boolean;
  chatOpen: boolean;
}

/** "Ana", "Ana and Ben", "Ana, Ben and 2 others". */
export function names(list: string[]): string {
  const [a, b] = list;
  if (a === undefined) return '';
  if (b === undefined) return a;
  if (list.length === 2) return msg(str`${a} and ${b}`, { desc: 'Screen reader: two names, e.g. “Ana and Ben”' });
  const rest = list.length - 2;
  return isSingular(rest)
    ? msg(str`${a}, ${b} and 1 other`, { desc: 'Screen reader: two names and one more person, e.g. “Ana, Ben and 1 other”' })
    : msg(str`${a}, ${b} and ${rest} others`, {
        desc: 'Screen reader: two names and a number (2 or more) of other people, e.g. “Ana, Ben and 3 others”',
      });
}

/** The sentences for what changed between two renders of the stage (pure, for tests). */
export function news(before: Heard | undefined, now: Heard): string[] {
  if (!before || !now.room.self) return [];
  const out: string[] = [];
  const was = new Map(before.room.participants.map((p) => [p.peerId, p]));
  const is = new Map(now.room.participants.map((p) => [p.peerId, p]));
  const joined = now.room.participants.filter((p) => !was.has(p.peerId)).map((p) => p.name);
  const left = before.room.participants.filter((p) => !is.has(p.peerId)).map((p) => p.name);
  const hands = now.room.participants.filter(
    (p) => p.handRaisedAt !== undefined && was.get(p.peerId)?.handRaisedAt === undefined && was.has(p.peerId),
  );
  if (joined.length)
    out.push(
      msg(str`${names(joined)} joined`, {
        desc: 'Screen reader: someone joined the call; the placeholder is one name or several (“Ana and Ben”, “Ana, Ben and 2 others”)',
      }),
    );
  if (left.length)
    out.push(
      msg(str`${names(left)} left`, {
        desc: 'Screen reader: someone left the call; the placeholder is one name or several (“Ana and Ben”, “Ana, Ben and 2 others”)',
      }),
    );
  if (hands.length)
    out.push(
      msg(str`${names(hands.map((p) => p.name))} raised a hand`, {
        desc: 'Screen reader: the placeholder is one name or several (“Ana and Ben”, “Ana, Ben and 2 others”)',
      }),
    );
  if (!now.chatOpen) {
    const seen = new Set(before.room.chat.map((m) => m.id));
    const fresh = now.room.chat.filter((m) => !seen.has(m.id) && m.peerId !== now.room.self!.peerId && m.status === 'sent');
    for (const m of fresh.slice(-2))
      out.push(msg(str`${m.name} says: ${m.text}`, { desc: 'Screen reader: a chat message; a name, then what they wrote' }));
  }
  if (now.muted && !before.muted) out.push(msg('You are muted', { desc: 'Screen reader: your microphone was turned off' }));
  if (!now.muted && before.muted) out.push(msg('Your microphone is on', { desc: 'Screen reader' }));
  // "Reconnecting…" itself is said by the call's banner (a status region of its own).
  if (now.room.status === 'joined' && before.room.status === 'reconnecting')
    out.push(msg('Connected again', { desc: 'Screen reader: the call is back after reconnecting' }));
  return out;
}

export class Announcer {
  #last: Heard | undefined;
  #queue: string[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastSaidAt = -Infinity;
  /** What the live region says now. */
  text = '';

  constructor(private readonly onSay: () => void) {}

  /** Call on every render with the current state. */
  hear(now: Heard): void {
    this.#queue.push(...news(this.#last, now));
    this.#last = now;
    if (!this.#queue.length || this.#timer) return;
    const wait = Math.max(0, this.#lastSaidAt + THROTTLE_MS - performance.now());
    this.#timer = setTimeout(() => this.#say(), wait);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #say() {
    this.#timer = undefined;
    // A live region repeats nothing if its text is unchanged: a new sentence each time.
    this.text = this.#queue
      .splice(0)
      .join(msg('. ', { desc: 'Screen reader: between two announcements said together (a full stop and a space)' }));
    this.#lastSaidAt = performance.now();
    this.onSay();
  }
}
