/**
 * What one person knows about their room, as plain data: status, who is here (with their
 * streams), chat, the lobby, the room's settings, a notice. `reduceRoom(state, event)` is pure:
 * an event in, a new state out (the same object when nothing changed). No sockets, no peers,
 * no timers, no DOM: it runs in Node as well as in a page.
 *
 * One's own microphone and camera are not here: LocalMedia alone owns them.
 */
import type { ChatMessage, JoinedRoom, Knock, Participant, RoomInfo } from '../../protocol/contract.js';
import type { ConnectionState } from './peer-mesh.js';
import type { QualityReport } from './quality.js';
import type { SafetyCode } from './safety-code.js';

/** A connection's safety code, and whether this person marked it verified on this device. */
export interface SafetyInfo extends SafetyCode {
  /** The two fingerprints it comes from, in order ("ours|theirs"): what a verification is kept for. */
  pair: string;
  verified: boolean;
}

export type SessionStatus = 'idle' | 'joining' | 'knocking' | 'joined' | 'reconnecting' | 'left' | 'denied' | 'removed' | 'failed';

/** How a call ended (or never began). */
export type EndStatus = 'left' | 'denied' | 'removed' | 'failed';

/** A problem with the call that is not fatal; the UI puts it in words. */
export type CallNotice = 'relay-failed' | 'server-trouble';

export interface RemoteParticipant extends Participant {
  stream: MediaStream | undefined;
  connection: ConnectionState;
  /** Their shared screen, while they share one (its own connection). */
  screenStream?: MediaStream;
  /** How good the connection with them is (quality.ts), once measured. */
  quality?: QualityReport;
  /** The safety code of the connection with them (safety-code.ts), once it is up. */
  safety?: SafetyInfo;
}

/** Oneself as the room sees one, less the microphone and camera (LocalMedia's to say). */
export type SelfInRoom = Omit<Participant, 'audio' | 'video'>;

/** A chat message as this person sees it: their own ones may still be sending, or have failed. */
export interface ChatEntry extends ChatMessage {
  status: 'sending' | 'sent' | 'failed';
  /** Why it failed, in words a person can act on. */
  problem?: string;
}

export interface CallError {
  code: string;
  message: string;
}

export interface RoomState {
  status: SessionStatus;
  self: SelfInRoom | undefined;
  /** Everyone else, in joining order. */
  participants: readonly RemoteParticipant[];
  error: CallError | undefined;
  notice: CallNotice | undefined;
  room: RoomInfo | undefined;
  chat: readonly ChatEntry[];
  /** People waiting to be let in: only the host sees them. */
  lobby: readonly Knock[];
  /** The screen one shares, while one does. */
  screen?: MediaStream;
  /** One's own sending is held back (bandwidth) or loses packets: "Your connection is unstable". */
  uplinkUnstable?: boolean;
}

export type RoomEvent =
  | { type: 'joining' }
  | { type: 'knocking' }
  | { type: 'joined'; joined: JoinedRoom }
  /** Joined again after a reconnect; `stillConnected` are kept even if the server forgot them. */
  | { type: 'rejoined'; joined: JoinedRoom; stillConnected: readonly string[] }
  | { type: 'connection'; connected: boolean }
  | { type: 'ended'; status: EndStatus; error?: CallError }
  | { type: 'participant-joined'; participant: Participant }
  | { type: 'participant-updated'; participant: Participant }
  | { type: 'participant-left'; peerId: string }
  | { type: 'stream'; peerId: string; stream: MediaStream }
  /** Someone's shared screen arrived (a stream) or ended (undefined). */
  | { type: 'screen'; peerId: string; stream: MediaStream | undefined }
  /** One's own screen share started (a stream) or stopped. */
  | { type: 'self-screen'; stream: MediaStream | undefined }
  | { type: 'quality'; peerId: string; quality: QualityReport }
  | { type: 'safety'; peerId: string; safety: SafetyInfo }
  | { type: 'uplink'; unstable: boolean }
  | { type: 'connection-state'; peerId: string; connection: ConnectionState }
  | { type: 'self-updated'; self: Participant }
  | { type: 'room-updated'; room: RoomInfo }
  | { type: 'notice'; notice: CallNotice }
  | { type: 'chat-received'; message: ChatMessage }
  /** One's own message, shown at once; `replaces` is the failed one it retries. */
  | { type: 'chat-sending'; entry: ChatEntry; replaces?: string }
  | { type: 'chat-sent'; localId: string; message: ChatMessage }
  | { type: 'chat-failed'; localId: string; problem: string }
  | { type: 'knock-arrived'; knock: Knock }
  /** Withdrawn by the knocker, or answered by the host. */
  | { type: 'knock-gone'; knockId: string };

/** The chat keeps the room's last messages. */
export const CHAT_KEPT = 200;

export const initialRoomState: RoomState = {
  status: 'idle',
  self: undefined,
  participants: [],
  error: undefined,
  notice: undefined,
  room: undefined,
  chat: [],
  lobby: [],
};

export function isInCall(status: SessionStatus): boolean {
  return status === 'joined' || status === 'reconnecting';
}

export function reduceRoom(state: RoomState, event: RoomEvent): RoomState {
  switch (event.type) {
    case 'joining':
    case 'knocking':
      return withStatus(state, event.type);
    case 'joined': {
      const { joined } = event;
      return {
        ...state,
        status: 'joined',
        notice: settled(state.notice),
        self: withoutMedia(joined.self),
        room: joined.room,
        chat: joined.chat.map(sent),
        lobby: joined.lobby,
        participants: byJoiningOrder(joined.participants.map((p) => ({ ...p, stream: undefined, connection: 'connecting' }))),
      };
    }
    case 'rejoined': {
      const { joined, stillConnected } = event;
      const present = new Set(joined.participants.map((p) => p.peerId));
      // Missing from the server's fresh list but still sending us media: after a server
      // restart they are about to rejoin too.
      const kept = state.participants.filter((p) => present.has(p.peerId) || stillConnected.includes(p.peerId));
      const participants = joined.participants.reduce((list, p) => upsert(list, arrived(state, p)), kept);
      return {
        ...state,
        status: 'joined',
        notice: settled(state.notice),
        self: withoutMedia(joined.self),
        room: joined.room,
        lobby: joined.lobby,
        participants: byJoiningOrder(participants),
      };
    }
    case 'connection':
      if (!isInCall(state.status)) return state;
      return withStatus(state, event.connected ? 'joined' : 'reconnecting');
    case 'ended':
      return { ...state, status: event.status, error: event.error ?? state.error, participants: [], screen: undefined };
    case 'participant-joined':
      return { ...state, participants: byJoiningOrder(upsert(state.participants, arrived(state, event.participant))) };
    case 'participant-updated': {
      // Not sharing any more: the screen's tile goes (its connection may take a while to close).
      const { participant } = event;
      const sharing = participant.screen === true;
      return patch(state, participant.peerId, {
        ...participant,
        screen: participant.screen,
        recordingSince: participant.recordingSince,
        ...(sharing ? {} : { screenStream: undefined }),
      });
    }
    case 'screen':
      return patch(state, event.peerId, { screenStream: event.stream });
    case 'self-screen':
      return { ...state, screen: event.stream };
    case 'quality':
      return patch(state, event.peerId, { quality: event.quality });
    case 'safety':
      return patch(state, event.peerId, { safety: event.safety });
    case 'uplink':
      return !!state.uplinkUnstable === event.unstable ? state : { ...state, uplinkUnstable: event.unstable };
    case 'participant-left':
      if (!state.participants.some((p) => p.peerId === event.peerId)) return state;
      return { ...state, participants: state.participants.filter((p) => p.peerId !== event.peerId) };
    case 'stream':
      return patch(state, event.peerId, { stream: event.stream });
    case 'connection-state':
      return patch(state, event.peerId, { connection: event.connection });
    case 'self-updated':
      return { ...state, self: withoutMedia(event.self) };
    case 'room-updated': {
      // Only the host sees the lobby: a host who handed over (or lost) the role drops it.
      const lobby = event.room.hostPeerId === state.self?.peerId ? state.lobby : [];
      return { ...state, room: event.room, lobby };
    }
    case 'notice':
      return state.notice === event.notice ? state : { ...state, notice: event.notice };
    case 'chat-received':
      return { ...state, chat: [...state.chat, sent(event.message)].slice(-CHAT_KEPT) };
    case 'chat-sending': {
      const { entry, replaces } = event;
      const chat = replaces ? state.chat.map((m) => (m.id === replaces ? entry : m)) : [...state.chat, entry];
      return { ...state, chat };
    }
    case 'chat-sent':
      return { ...state, chat: state.chat.map((m) => (m.id === event.localId ? sent(event.message) : m)) };
    case 'chat-failed': {
      const { localId, problem } = event;
      return { ...state, chat: state.chat.map((m) => (m.id === localId ? { ...m, status: 'failed' as const, problem } : m)) };
    }
    case 'knock-arrived':
      if (state.lobby.some((k) => k.knockId === event.knock.knockId)) return state;
      return { ...state, lobby: [...state.lobby, event.knock] };
    case 'knock-gone':
      if (!state.lobby.some((k) => k.knockId === event.knockId)) return state;
      return { ...state, lobby: state.lobby.filter((k) => k.knockId !== event.knockId) };
  }
}

/** The server's trouble is over once it answered a join. */
const settled = (notice: CallNotice | undefined) => (notice === 'server-trouble' ? undefined : notice);

function withStatus(state: RoomState, status: SessionStatus): RoomState {
  return state.status === status ? state : { ...state, status };
}

function withoutMedia({ audio: _audio, video: _video, ...self }: Participant): SelfInRoom {
  return self;
}

function sent(message: ChatMessage): ChatEntry {
  return { ...message, status: 'sent' };
}

/** Someone (again) in the room: a stream and connection we already have are kept. */
function arrived(state: RoomState, participant: Participant): RemoteParticipant {
  const known = state.participants.find((p) => p.peerId === participant.peerId);
  return { ...participant, stream: known?.stream, connection: known?.connection ?? 'connecting' };
}

function patch(state: RoomState, peerId: string, change: Partial<RemoteParticipant>): RoomState {
  if (!state.participants.some((p) => p.peerId === peerId)) return state;
  return { ...state, participants: byJoiningOrder(state.participants.map((p) => (p.peerId === peerId ? { ...p, ...change } : p))) };
}

/** Replaces someone in place (their place in a tie stays), or adds them at the end. */
function upsert(participants: readonly RemoteParticipant[], participant: RemoteParticipant): RemoteParticipant[] {
  const known = participants.some((p) => p.peerId === participant.peerId);
  return known ? participants.map((p) => (p.peerId === participant.peerId ? participant : p)) : [...participants, participant];
}

function byJoiningOrder(participants: readonly RemoteParticipant[]): RemoteParticipant[] {
  return [...participants].sort((a, b) => a.joinedAt - b.joinedAt);
}
