/**
 * The Socket.IO contract between the server and every client: types, plus the few constants both
 * sides must agree on. It lives in protocol/ because the server and the web both import it; its
 * tsconfig gives it neither Node nor DOM types, so nothing else can creep in.
 *
 * Its core is the classic room protocol: `join-room(roomId, peerId)` in, `user-connected(peerId)`
 * and `user-disconnected(peerId)` out. Richer clients pass a third argument and an ack.
 */

/** Room ids: letters, digits, `-` and `_`, 1 to 64 characters. New rooms get 128 random bits. */
export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** PeerJS's own rule for ids, capped in length so an id cannot be used to grow memory. */
export const PEER_ID_PATTERN = /^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/;
export const PEER_ID_MAX_LENGTH = 64;
export const NAME_MAX_LENGTH = 40;
export const CHAT_MAX_LENGTH = 2000;
export const CHAT_HISTORY = 50;
/** The reactions anyone can send; anything else is refused. */
export const REACTIONS = ['👍', '👏', '😂', '❤️', '🎉', '😮'] as const;
export type Reaction = (typeof REACTIONS)[number];

export interface MediaState {
  audio: boolean;
  video: boolean;
  /** Sharing a screen (sent to members whose client `offers`, as a second call per peer). */
  screen?: boolean;
}

export interface Participant extends MediaState {
  peerId: string;
  name: string;
  /** Server time (ms) of joining; orders the grid and host succession. */
  joinedAt: number;
  /** Server time (ms) the hand went up; absent when it is down. Orders the raised hands. */
  handRaisedAt?: number;
  /**
   * This participant's client calls the members itself when it joins, and as a member waits
   * for newcomers that do (JoinOptions.offers). Absent for classic clients: members call them,
   * and they call every newcomer.
   */
  offers?: true;
  /** What this participant's app can do beyond calling (JoinOptions.features). */
  features?: Feature[];
  /**
   * Recording the call in their own browser, since this server time (ms). Everyone in the room
   * was told before the recording began (`recording-notice`), and anyone joining sees it here.
   */
  recordingSince?: number;
}

/** What everyone in a room knows about the room itself. */
export interface RoomInfo {
  hostPeerId: string | undefined;
  locked: boolean;
  capacity: number;
  /** The host forbade recording in this room. */
  recordingForbidden?: true;
}

export interface ChatMessage {
  id: string;
  peerId: string;
  name: string;
  text: string;
  sentAt: number;
}

/** Someone waiting in the lobby of a locked room. */
export interface Knock {
  knockId: string;
  name: string;
  at: number;
}

export interface JoinOptions extends Partial<MediaState> {
  name?: string;
  /** The PeerJS token the client connected to the PeerServer with: proof it owns `peerId`. */
  peerToken?: string;
  /** A random id this browser keeps: lets a host keep a removed person out of a locked room. */
  clientId?: string;
  /** One-time admission to a locked room, handed out when the host admits a knock. */
  ticket?: string;
  /** This client calls the members it finds in the join ack (one hop fewer than waiting for them). */
  offers?: boolean;
  /** What this client can do beyond calling; unknown names are ignored. */
  features?: string[];
}

/**
 * What an app can do beyond calling, said when joining: `files` (it takes files person to
 * person), `recording-notice` (it shows who records, and acks `recording-notice`). Nobody is
 * recorded whose app cannot say so.
 */
export const FEATURES = ['files', 'recording-notice'] as const;
export type Feature = (typeof FEATURES)[number];

/**
 * What the pre-join screen may show about a room before joining: only what joining would tell
 * a link holder. Nothing about a private call (a ring's room), whoever asks.
 */
export type RoomPreview =
  | { state: 'open'; count: number; /** The first few names, oldest first. */ names: string[] }
  | { state: 'full'; capacity: number }
  | { state: 'locked' }
  | { state: 'private' };

/** The largest height a `view` may name (8K). */
export const VIEW_MAX_HEIGHT = 4320;

/** How many names a preview carries. */
export const PREVIEW_NAMES = 3;

export interface JoinedRoom {
  roomId: string;
  self: Participant;
  /** Everyone else already in the room, oldest first. */
  participants: Participant[];
  capacity: number;
  room: RoomInfo;
  /** The room's last messages, oldest first. */
  chat: ChatMessage[];
  /** People waiting to be let in (for the host; empty for others). */
  lobby: Knock[];
}

export type ErrorCode =
  | 'invalid-payload'
  | 'invalid-room'
  | 'invalid-peer'
  | 'peer-not-connected'
  | 'peer-taken'
  | 'room-full'
  | 'not-in-room'
  | 'rate-limited'
  | 'room-locked'
  | 'removed'
  | 'not-host'
  | 'not-locked'
  | 'no-such-knock'
  | 'no-such-participant'
  | 'lobby-full'
  | 'message-too-long'
  | 'handle-taken'
  | 'invalid-handle'
  | 'not-reachable'
  | 'busy'
  | 'no-such-ring'
  | 'directory-off'
  /** The server cannot reach its shared store (several nodes, Redis down): try again shortly. */
  | 'unavailable'
  /** The host forbade recording in this room. */
  | 'recording-forbidden'
  /** Not everyone in the room could be told of the recording (an app that cannot show it, or no answer). */
  | 'recording-unannounced';

/** How a ring ended, as the caller and the callee's tabs are told. */
export type RingOutcome = 'accepted' | 'declined' | 'busy' | 'no-answer' | 'cancelled' | 'answered-elsewhere';

export interface RingEnd {
  ringId: string;
  outcome: RingOutcome;
  /** With `accepted`: the private room for the two of them, and this person's admission. */
  roomId?: string;
  ticket?: string;
}

/** The host's answer to a knock. `reason: 'ended'`: the room emptied, so the call is over. */
export interface KnockAnswer {
  admitted: boolean;
  ticket?: string;
  reason?: 'ended';
}

/** ICE servers for RTCConfiguration, with short-lived TURN credentials when the server has TURN. */
export interface IceServers {
  iceServers: Array<{ urls: string | string[]; username?: string; credential?: string }>;
  iceTransportPolicy: 'all' | 'relay';
  /** Seconds until the TURN credentials expire (clients refresh before); absent without TURN. */
  ttlSeconds?: number;
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
export type AckCallback<T> = (response: Ack<T>) => void;

export interface ClientToServerEvents {
  'join-room': (roomId: string, peerId: string, options?: JoinOptions, ack?: AckCallback<JoinedRoom>) => void;
  'leave-room': (ack?: AckCallback<null>) => void;
  /**
   * The height (device pixels) at which this member shows each other member's video: 0 when
   * hidden (a background tab). Senders scale or pause their video to each viewer to match.
   */
  view: (sizes: Record<string, number>, ack?: AckCallback<null>) => void;
  /** Who is in a room, for the pre-join screen (see RoomPreview). */
  'peek-room': (roomId: string, ack: AckCallback<RoomPreview>) => void;
  'update-media': (media: MediaState, ack?: AckCallback<Participant>) => void;
  'chat-message': (text: string, ack?: AckCallback<ChatMessage>) => void;
  'raise-hand': (raised: boolean, ack?: AckCallback<Participant>) => void;
  reaction: (emoji: Reaction, ack?: AckCallback<null>) => void;
  /** Host only. */
  'lock-room': (locked: boolean, ack?: AckCallback<RoomInfo>) => void;
  /** Asks to be let into a locked room; the answer comes as `knock-answered`. */
  knock: (roomId: string, options: { name?: string; clientId?: string }, ack?: AckCallback<{ knockId: string }>) => void;
  'cancel-knock': (ack?: AckCallback<null>) => void;
  /** Host only. */
  'answer-knock': (knockId: string, admit: boolean, ack?: AckCallback<null>) => void;
  /** Host only. */
  'remove-participant': (peerId: string, ack?: AckCallback<null>) => void;
  /**
   * Starts or stops recording in one's own browser. Starting acks only once every other member
   * has acknowledged the `recording-notice` (our app starts its recorder only then; a modified
   * client could record anyway, as anyone can film a screen).
   */
  'set-recording': (recording: boolean, ack?: AckCallback<Participant>) => void;
  /** Host only: forbids recording in the room (stopping any under way), or allows it again. */
  'forbid-recording': (forbidden: boolean, ack?: AckCallback<RoomInfo>) => void;
  /** Become reachable as `handle` while this tab is open. `deviceKey` ties the handle to this browser. */
  'become-reachable': (handle: string, options: { name?: string; deviceKey: string }, ack?: AckCallback<{ handle: string }>) => void;
  'stop-reachable': (ack?: AckCallback<null>) => void;
  /** This tab is in a call (rings get "busy") or not. */
  'set-busy': (busy: boolean) => void;
  ring: (handle: string, options: { name?: string }, ack?: AckCallback<{ ringId: string; calleeName: string }>) => void;
  'cancel-ring': (ringId: string, ack?: AckCallback<null>) => void;
  'answer-ring': (ringId: string, accept: boolean, ack?: AckCallback<RingEnd>) => void;
  /** ICE servers and TURN credentials: only over a live connection from an allowed origin. */
  'get-ice': (ack: AckCallback<IceServers>) => void;
  /** Only when the server's directory is on. */
  'list-reachable': (ack: AckCallback<Array<{ handle: string; name: string; busy: boolean }>>) => void;
}

export interface ServerToClientEvents {
  'user-connected': (peerId: string, participant: Participant) => void;
  /** How `peerId` shows everyone's video now (see the client's `view`). */
  view: (peerId: string, sizes: Record<string, number>) => void;
  'user-disconnected': (peerId: string, reason: 'left' | 'disconnected') => void;
  'participant-updated': (participant: Participant) => void;
  /**
   * Someone starts recording (`recordingSince`); the client acks once it shows it. A stop is told
   * as `participant-updated` without `recordingSince`.
   */
  'recording-notice': (participant: Participant, ack: () => void) => void;
  'room-updated': (room: RoomInfo) => void;
  'chat-message': (message: ChatMessage) => void;
  reaction: (peerId: string, emoji: Reaction) => void;
  /** To the host: someone is waiting in the lobby. */
  knocking: (knock: Knock) => void;
  /** To the host: that knock is no longer waiting (answered, cancelled, gone). */
  'knock-withdrawn': (knockId: string) => void;
  /** To the one who knocked. With `ticket`, join with it; `admitted` false means denied. */
  'knock-answered': (answer: KnockAnswer) => void;
  /** To a participant the host removed. */
  removed: () => void;
  /** To every tab of the one being called. */
  'incoming-ring': (ring: { ringId: string; callerName: string }) => void;
  /** To the caller and to the callee's tabs. */
  'ring-ended': (end: RingEnd) => void;
  /** The server is going away (restart or shutdown); clients should expect to reconnect. */
  'server-shutdown': () => void;
}

export interface SocketData {
  roomId?: string;
  peerId?: string;
  /** While waiting in a lobby: which room and knock. */
  knock?: { roomId: string; knockId: string };
}
