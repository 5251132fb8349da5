/**
 * The call as a page sees it: the room's state turned into the public participants, state and
 * events of `<call-room>` (types.ts). `PublicEvents.update` compares each new snapshot with the
 * last one and fires what changed, in a fixed order, so a page can keep its own roster, chat
 * and controls from the events alone.
 */
import type { FileTransfer } from '../rtc/file-transfer.js';
import type { RoomState, SessionStatus } from '../rtc/room-state.js';
import type {
  CallFileTransfer,
  CallChatMessage,
  CallErrorCode,
  CallLeftReason,
  CallParticipant,
  CallRoomError,
  CallRoomEventMap,
  CallRoomState,
} from './types.js';

/** What the element knows at one moment. */
export interface Snapshot {
  roomId: string;
  state: CallRoomState;
  /** How the call ended, once it has. */
  status: SessionStatus;
  room: RoomState;
  /** One's own microphone and camera (LocalMedia's), for oneself in `participants`. */
  self: { audio: boolean; video: boolean };
}

export type Fire = <K extends keyof CallRoomEventMap>(name: K, detail: CallRoomEventMap[K]['detail']) => void;

export function publicState(status: SessionStatus, before: 'idle' | 'prejoin'): CallRoomState {
  switch (status) {
    case 'idle':
      return before;
    case 'joining':
    case 'knocking':
    case 'joined':
    case 'reconnecting':
      return status;
    default:
      return 'left';
  }
}

/** Everyone in the call as a page sees them, oneself last. */
export function participantsOf(snapshot: Pick<Snapshot, 'room' | 'self' | 'state'>): CallParticipant[] {
  const { room, self } = snapshot;
  if (!room.self || (snapshot.state !== 'joined' && snapshot.state !== 'reconnecting')) return [];
  const host = room.room?.hostPeerId;
  const list: CallParticipant[] = room.participants.map((p) => ({
    id: p.peerId,
    name: p.name,
    audio: p.audio,
    video: p.video,
    screen: !!p.screen,
    handRaised: p.handRaisedAt !== undefined,
    isHost: p.peerId === host,
    isSelf: false,
    recording: p.recordingSince !== undefined,
    ...(p.safety ? { safety: { digits: p.safety.digits, emoji: p.safety.emoji, verified: p.safety.verified } } : {}),
  }));
  list.push({
    id: room.self.peerId,
    name: room.self.name,
    audio: self.audio,
    video: self.video,
    screen: !!room.screen,
    handRaised: room.self.handRaisedAt !== undefined,
    isHost: room.self.peerId === host,
    isSelf: true,
    recording: room.self.recordingSince !== undefined,
  });
  return list;
}

const CHANGEABLE = ['name', 'audio', 'video', 'screen', 'handRaised', 'isHost', 'recording'] as const;

const LEFT_REASONS: Partial<Record<SessionStatus, CallLeftReason>> = {
  left: 'left',
  removed: 'removed',
  denied: 'denied',
  failed: 'ended',
};

/** An Error with a `code` (what every method's promise rejects with). */
export function callError(code: CallErrorCode, message: string): CallRoomError {
  return Object.assign(new Error(message), { code });
}

/** Every public code (a Record, so a code added to the type must be added here too). */
const PUBLIC_CODES: Record<CallErrorCode, true> = {
  'invalid-payload': true,
  'invalid-room': true,
  'invalid-peer': true,
  'peer-not-connected': true,
  'peer-taken': true,
  'room-full': true,
  'not-in-room': true,
  'rate-limited': true,
  'room-locked': true,
  removed: true,
  'not-host': true,
  'not-locked': true,
  'no-such-knock': true,
  'no-such-participant': true,
  'lobby-full': true,
  'message-too-long': true,
  'handle-taken': true,
  'invalid-handle': true,
  'not-reachable': true,
  busy: true,
  'no-such-ring': true,
  'directory-off': true,
  unavailable: true,
  denied: true,
  'server-unreachable': true,
  'permission-denied': true,
  'no-device': true,
  'device-busy': true,
  'not-joined': true,
  'file-too-large': true,
  'no-such-file': true,
  'recording-forbidden': true,
  'recording-unannounced': true,
};

/** A server's or the session's code as a public one (an unknown one: the server could not be reached). */
export function publicCode(code: string | undefined): CallErrorCode {
  return code && Object.hasOwn(PUBLIC_CODES, code) ? (code as CallErrorCode) : 'server-unreachable';
}

export const publicMessage = (m: { id: string; peerId: string; name: string; text: string; sentAt: number }): CallChatMessage => ({
  id: m.id,
  from: m.peerId,
  name: m.name,
  text: m.text,
  sentAt: m.sentAt,
});

export const publicTransfer = (t: FileTransfer): CallFileTransfer => ({
  id: t.id,
  direction: t.direction,
  participantId: t.peerId,
  name: t.name,
  size: t.size,
  type: t.type,
  status: t.status,
  bytes: t.bytes,
  bytesPerSecond: t.bytesPerSecond,
  ...(t.endedBy ? { endedBy: t.endedBy } : {}),
  ...(t.problem ? { problem: t.problem } : {}),
  ...(t.sha256 ? { sha256: t.sha256 } : {}),
});

/** The public event for a file transfer's change (none while it waits for the other's answer). */
export function fireFileEvent(fire: Fire, t: FileTransfer): void {
  const transfer = publicTransfer(t);
  switch (t.status) {
    case 'offered':
      return fire('file-offer', { transfer });
    case 'sending':
    case 'receiving':
      return fire('file-progress', { transfer });
    case 'done':
      if (t.direction === 'in' && t.file) return fire('file-received', { transfer, file: t.file });
      return fire('file-sent', { transfer });
    case 'waiting':
      return;
    default:
      return fire('file-ended', { transfer });
  }
}

export class PublicEvents {
  #fire: Fire;
  #state: CallRoomState | undefined;
  #people = new Map<string, CallParticipant>();
  #chat = new Set<string>();
  #knocks = new Set<string>();

  constructor(fire: Fire) {
    this.#fire = fire;
  }

  /** Fires what changed since the last snapshot. */
  update(snapshot: Snapshot): void {
    const { state, roomId, room } = snapshot;
    const was = this.#state;
    this.#state = state;
    const inCall = state === 'joined' || state === 'reconnecting';
    // The first state is where the element starts, not a change (and may come before a page listens).
    if (state !== was && was !== undefined) this.#fire('state-change', { state });
    const people = participantsOf(snapshot);

    if (inCall) {
      if (was !== 'joined' && was !== 'reconnecting') {
        const self = people.find((p) => p.isSelf)!;
        this.#fire('call-joined', { room: roomId, self });
        // What the chat held at the join is history, not news.
        this.#chat = new Set(room.chat.map((m) => m.id));
        this.#knocks = new Set();
      } else if (state !== was) {
        this.#fire('connection-state', { state: state === 'joined' ? 'connected' : 'reconnecting' });
      }
      this.#participants(people);
      for (const message of room.chat) {
        if (message.status !== 'sent' || this.#chat.has(message.id)) continue;
        this.#chat.add(message.id);
        this.#fire('chat-message', { message: publicMessage(message) });
      }
      for (const knock of room.lobby) {
        if (this.#knocks.has(knock.knockId)) continue;
        this.#knocks.add(knock.knockId);
        this.#fire('knock', { knockId: knock.knockId, name: knock.name });
      }
      this.#knocks = new Set([...this.#knocks].filter((id) => room.lobby.some((k) => k.knockId === id)));
      return;
    }

    this.#people = new Map();
    if (state === 'left' && was !== 'left' && was !== undefined) {
      const error = room.error;
      if (error) this.#fire('call-error', { code: publicCode(error.code), message: error.message });
      this.#fire('call-left', { room: roomId, reason: LEFT_REASONS[snapshot.status] ?? 'ended' });
    }
  }

  #participants(people: CallParticipant[]) {
    const before = this.#people;
    const now = new Map(people.map((p) => [p.id, p]));
    this.#people = now;
    for (const p of people) {
      const old = before.get(p.id);
      if (!old) {
        if (!p.isSelf) this.#fire('participant-joined', { participant: p });
        continue;
      }
      const changed: Array<keyof CallParticipant> = CHANGEABLE.filter((key) => old[key] !== p[key]);
      if (old.safety?.digits !== p.safety?.digits || old.safety?.verified !== p.safety?.verified) changed.push('safety');
      if (!changed.length) continue;
      this.#fire('participant-updated', { participant: p, changed });
      if (changed.includes('handRaised') && p.handRaised) this.#fire('hand-raised', { participant: p });
    }
    for (const [id, p] of before) if (!now.has(id)) this.#fire('participant-left', { participant: p, reason: 'left' });
  }
}
