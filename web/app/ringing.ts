/**
 * Wires ringing into the installable app (not the embeddable element): reachability on the home
 * screen, the incoming-call overlay on any page, the /call/<handle> page, and "busy" while a
 * call is on.
 */
import { errorText } from '../i18n/errors.js';
import { msg } from '@lit/localize';
import type { RingEnd } from '../../protocol/contract.js';
import type { CallHome } from '../components/call-home.js';
import '../components/incoming-call.js';
import type { IncomingCall } from '../components/incoming-call.js';
import '../components/outgoing-call.js';
import type { OutgoingCall, OutgoingPhase } from '../components/outgoing-call.js';
import { rememberedName } from '../rtc/identity.js';
import { Presence, roomLink, savedHandle } from '../rtc/presence.js';
import { SignalingError } from '../rtc/room-signaling.js';

const server = new URL(location.origin);
let presence: Presence | undefined;
let incoming: { ringId: string; element: IncomingCall } | undefined;

/** The name of a caller who gave none (the person called sees it). */
const guest = () => msg('Guest', { desc: 'The name of someone who typed none' });

/** `?name=` in the link, else the name remembered on this device. */
function myName(): string {
  const fromLink = new URLSearchParams(location.search).get('name');
  if (fromLink) return fromLink;
  try {
    return rememberedName() || savedHandle() || guest();
  } catch {
    return guest();
  }
}

function ensurePresence(): Presence {
  if (presence) return presence;
  presence = new Presence(server);
  presence.on('incoming-ring', ({ ringId, callerName }) => showIncoming(ringId, callerName));
  presence.on('ring-ended', (end) => {
    if (incoming?.ringId === end.ringId) closeIncoming();
  });
  return presence;
}

function closeIncoming() {
  incoming?.element.remove();
  incoming = undefined;
}

function showIncoming(ringId: string, callerName: string) {
  closeIncoming();
  const element = document.createElement('incoming-call');
  element.callerName = callerName;
  element.addEventListener('decline-call', () => {
    closeIncoming();
    void presence?.answerRing(ringId, false).catch(() => {});
  });
  element.addEventListener('accept-call', async () => {
    try {
      const end = await presence!.answerRing(ringId, true);
      if (end.roomId) location.assign(roomLink(end.roomId, end.ticket));
    } catch {
      closeIncoming();
    }
  });
  document.body.append(element);
  incoming = { ringId, element };
}

/** Every page of the app: reachable again if this browser chose a handle. */
export function startPresence(): void {
  const handle = savedHandle();
  if (handle)
    void ensurePresence()
      .becomeReachable(handle, myName())
      .catch(() => {});
}

/** While this tab is in a call, rings for this person answer "busy". */
export function trackBusy(room: HTMLElement): void {
  room.addEventListener('call-joined', () => presence?.setBusy(true));
  room.addEventListener('call-left', () => presence?.setBusy(false));
}

/** The home screen's "Ring a person" section. */
export function wireHome(home: CallHome): void {
  home.reachableAs = savedHandle() ?? '';
  const p = ensurePresence();
  p.on('reachable', (handle) => (home.reachableAs = handle ?? ''));
  home.addEventListener('become-reachable', async (event) => {
    home.reachError = '';
    try {
      await p.becomeReachable(event.detail.handle, myName());
    } catch (error) {
      home.reachError = error instanceof Error ? error.message : msg('Could not become reachable');
    }
  });
  home.addEventListener('stop-reachable', () => void p.stopReachable());
  p.listReachable().then(
    (list) => (home.directory = list),
    () => (home.directory = undefined),
  );
}

const OUTCOME_PHASE: Record<RingEnd['outcome'], OutgoingPhase> = {
  accepted: 'connecting',
  declined: 'declined',
  busy: 'busy',
  'no-answer': 'no-answer',
  cancelled: 'cancelled',
  'answered-elsewhere': 'no-answer',
};

/** The /call/<handle> page: rings at once. */
export function wireOutgoing(page: OutgoingCall): void {
  const p = ensurePresence();
  let ringId: string | undefined;
  const ring = async () => {
    page.phase = 'ringing';
    try {
      const started = await p.ring(page.handle, myName());
      ringId = started.ringId;
      page.calleeName = started.calleeName;
    } catch (error) {
      const code = error instanceof SignalingError ? error.code : '';
      page.phase = code === 'busy' ? 'busy' : code === 'not-reachable' || code === 'invalid-handle' ? 'not-reachable' : 'failed';
      // In the person's language, from its code (and the name and wait a back-off carries).
      page.problem = code ? errorText(code, (error as Error).message) : '';
    }
  };
  p.on('ring-ended', (end) => {
    if (end.ringId !== ringId) return;
    ringId = undefined;
    page.phase = OUTCOME_PHASE[end.outcome];
    if (end.outcome === 'accepted' && end.roomId) location.assign(roomLink(end.roomId, end.ticket));
  });
  page.addEventListener('cancel-ring', async () => {
    if (ringId) await p.cancelRing(ringId).catch(() => null);
    ringId = undefined;
    page.phase = 'cancelled';
  });
  page.addEventListener('ring-again', () => void ring());
  void ring();
}
