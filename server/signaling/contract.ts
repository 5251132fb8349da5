/**
 * The Socket.IO contract between the server and every client. The web client imports this file
 * (types, plus the few constants both sides must agree on), so it must stay free of Node imports.
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

export interface MediaState {
  audio: boolean;
  video: boolean;
}

export interface Participant extends MediaState {
  peerId: string;
  name: string;
  /** Server time (ms) of joining; orders the grid and, later, host succession. */
  joinedAt: number;
}

export interface JoinOptions extends Partial<MediaState> {
  name?: string;
  /** The PeerJS token the client connected to the PeerServer with: proof it owns `peerId`. */
  peerToken?: string;
}

export interface JoinedRoom {
  roomId: string;
  self: Participant;
  /** Everyone else already in the room, oldest first. */
  participants: Participant[];
  capacity: number;
}

export type ErrorCode =
  | 'invalid-payload'
  | 'invalid-room'
  | 'invalid-peer'
  | 'peer-not-connected'
  | 'peer-taken'
  | 'room-full'
  | 'not-in-room'
  | 'rate-limited';

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
export type AckCallback<T> = (response: Ack<T>) => void;

export interface ClientToServerEvents {
  'join-room': (
    roomId: string,
    peerId: string,
    options?: JoinOptions,
    ack?: AckCallback<JoinedRoom>,
  ) => void;
  'leave-room': (ack?: AckCallback<null>) => void;
  'update-media': (media: MediaState, ack?: AckCallback<Participant>) => void;
}

export interface ServerToClientEvents {
  'user-connected': (peerId: string, participant: Participant) => void;
  'user-disconnected': (peerId: string, reason: 'left' | 'disconnected') => void;
  'participant-updated': (participant: Participant) => void;
  /** The server is going away (restart or shutdown); clients should expect to reconnect. */
  'server-shutdown': () => void;
}

export interface SocketData {
  roomId?: string;
  peerId?: string;
}
