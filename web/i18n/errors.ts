/**
 * The call server's refusals in the person's language. The server answers with a code and an
 * English message (for logs and classic pages); the UI shows the code's own text, taking only
 * the numbers or the name a message carries from it.
 */
import { msg, str } from '@lit/localize';
import { getLocale } from './locale.js';

/** "2 minutes", "1 hour 5 minutes" (the server's words) in the UI's language, by Intl. */
function localDuration(english: string): string {
  const parts = [...english.matchAll(/(\d+) (second|minute|hour)s?/g)];
  if (!parts.length) return english;
  const locale = getLocale();
  return parts
    .map(([, n, unit]) => new Intl.NumberFormat(locale, { style: 'unit', unit: unit!, unitDisplay: 'long' }).format(Number(n)))
    .join(' ');
}

/** The n-th number in the server's message (a capacity, a length). */
const number = (message: string | undefined, n = 0) => message?.match(/\d+/g)?.[n] ?? '';

export function errorText(code: string | undefined, message?: string): string {
  switch (code) {
    case 'room-full': {
      const n = number(message);
      return n ? msg(str`This call is full (${n} of ${n})`) : msg('This call is full');
    }
    case 'room-locked':
      // The server says "room-locked" for a private (rung) call too; its message tells which.
      return /private/i.test(message ?? '') ? msg('This is a private call') : msg('This call is locked: ask to join');
    case 'invalid-room':
      return msg('This is not a valid call link');
    case 'removed':
      return msg('You were removed from this call');
    case 'not-host':
      return msg('Only the host can do that');
    case 'not-locked':
      return msg('This call is not locked: join it directly');
    case 'no-such-knock':
      return msg('That person is no longer waiting');
    case 'no-such-participant':
      return msg('That person is not in this call');
    case 'file-too-large': {
      const mb = number(message);
      return mb ? msg(str`Files in this call are up to ${mb} MB`) : msg('This file is too large for this call');
    }
    case 'recording-forbidden':
      return msg('The host does not allow recording in this call');
    case 'recording-unannounced':
      return msg('Not everyone in the call could be told that you are recording');
    case 'lobby-full':
      return msg('Too many people are waiting to join: try again later');
    case 'message-too-long': {
      const max = number(message);
      const length = number(message, 1);
      return max && length ? msg(str`Messages are at most ${max} characters (this one has ${length})`) : msg('This message is too long');
    }
    case 'rate-limited': {
      // Ringing someone who did not answer the last ring: their name and the wait, reworded.
      const ring = /^(.+) did not take your last call\. You can call .+ again in (.+)\.$/.exec(message ?? '');
      if (ring) {
        const [, name, wait] = ring as unknown as [string, string, string];
        const duration = localDuration(wait);
        return msg(str`${name} did not take your last call. You can call ${name} again in ${duration}.`);
      }
      return msg('Too many requests: wait a moment and try again');
    }
    case 'not-in-room':
    case 'not-joined':
      return msg('You are not in the call');
    case 'peer-taken':
    case 'invalid-peer':
    case 'peer-not-connected':
      return msg('Your connection to the call server was lost: try again');
    case 'handle-taken':
      return msg('That handle is taken: choose another');
    case 'invalid-handle':
      return msg('Handles are 2 to 32 lowercase letters, digits, “-” or “_”');
    case 'not-reachable':
      return msg('Nobody is reachable under that handle right now');
    case 'busy':
      return msg('They are in another call');
    case 'no-such-ring':
      return msg('That call is no longer ringing');
    case 'directory-off':
      return msg('This server does not list who is reachable');
    case 'unavailable':
      return msg('The call server is having trouble: try again shortly');
    case 'invalid-payload':
      return msg('The call server did not accept that');
    case 'timeout':
      return msg('The call server did not answer in time');
    default:
      return msg('Could not reach the call server');
  }
}
