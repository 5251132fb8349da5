/**
 * The room's Socket.IO connection: join, leave and media state, with acks and timeouts.
 * After a reconnect it joins again as the same participant (same peer id and token).
 */
import { io, type Socket } from 'socket.io-client';
import type {
  Ack,
  ChatMessage,
  IceServers,
  ClientToServerEvents,
  JoinedRoom,
  JoinOptions,
  Knock,
  KnockAnswer,
  MediaState,
  Participant,
  Reaction,
  RoomInfo,
  RoomPreview,
  ServerToClientEvents,
} from '../../protocol/contract.js';
import { Emitter } from './emitter.js';

export interface SignalingEvents extends Record<string, unknown[]> {
  'user-connected': [Participant];
  'user-disconnected': [peerId: string, reason: 'left' | 'disconnected'];
  'participant-updated': [Participant];
  /** Joined again after the connection to the server came back. */
  rejoined: [JoinedRoom];
  connection: [connected: boolean];
  'room-updated': [RoomInfo];
  'chat-message': [ChatMessage];
  reaction: [peerId: string, emoji: Reaction];
  knocking: [Knock];
  'knock-withdrawn': [knockId: string];
  'knock-answered': [KnockAnswer];
  removed: [];
  /** Back online, the server would not take us back (the grace ran out, say): the call is over. */
  'rejoin-failed': [code: string, message: string];
  /** The server cannot reach its shared store (several nodes, Redis down): we keep retrying. */
  trouble: [];
  /** How `peerId` shows everyone's video now. */
  view: [peerId: string, sizes: Record<string, number>];
  /** Someone starts recording: shown before the server hears our ack (see recording-handlers.ts). */
  'recording-notice': [Participant];
}

/** Answers to a rejoin that no retry will change. */
const FINAL_REJOIN_CODES = new Set(['room-full', 'invalid-room', 'room-locked', 'removed', 'peer-taken', 'invalid-peer']);

export class SignalingError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const ACK_TIMEOUT_MS = 8000;
/** A join the server cannot serve yet ('unavailable') is tried again, for about three minutes. */
const UNAVAILABLE_RETRIES = 45;
const retryDelay = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(500 * 2 ** attempt, 4000)));

export class RoomSignaling extends Emitter<SignalingEvents> {
  #socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  #joinArgs: { roomId: string; peerId: string; options: JoinOptions; media?: () => MediaState } | undefined;
  #joined = false;

  constructor(server: URL) {
    super();
    this.#socket = io(server.origin, {
      path: '/socket.io/',
      // WebSocket only: no sticky sessions needed behind a balancer of several nodes. (PeerJS
      // needs a WebSocket anyway: where none can open, no call could.)
      transports: ['websocket'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 2000,
    });
    this.#socket.on('user-connected', (peerId, participant) => {
      // Classic servers and pages send only the peer id.
      this.emit('user-connected', participant ?? { peerId, name: 'Guest', audio: true, video: true, joinedAt: Date.now() });
    });
    this.#socket.on('user-disconnected', (peerId, reason) =>
      this.emit('user-disconnected', peerId, reason === 'disconnected' ? 'disconnected' : 'left'),
    );
    this.#socket.on('participant-updated', (participant) => this.emit('participant-updated', participant));
    this.#socket.on('view', (peerId, sizes) => this.emit('view', peerId, sizes));
    // The listeners update the state (and so the screen) first; then the server hears we know.
    this.#socket.on('recording-notice', (participant, ack) => {
      this.emit('recording-notice', participant);
      if (typeof ack === 'function') ack();
    });
    this.#socket.on('disconnect', () => this.emit('connection', false));
    this.#socket.on('room-updated', (info) => this.emit('room-updated', info));
    this.#socket.on('chat-message', (message) => this.emit('chat-message', message));
    this.#socket.on('reaction', (peerId, emoji) => this.emit('reaction', peerId, emoji));
    this.#socket.on('knocking', (knock) => this.emit('knocking', knock));
    this.#socket.on('knock-withdrawn', (knockId) => this.emit('knock-withdrawn', knockId));
    this.#socket.on('knock-answered', (answer) => this.emit('knock-answered', answer));
    this.#socket.on('removed', () => {
      this.#joinArgs = undefined; // never rejoin by ourselves after being removed
      this.emit('removed');
    });
    // Every connect after the first join is a reconnect: join again as the same participant.
    this.#socket.on('connect', () => {
      if (this.#joined) void this.#rejoin();
    });
  }

  get connected() {
    return this.#socket.connected;
  }

  /** Joins; a rejoin after a reconnect reads the microphone and camera from `media` (LocalMedia's). */
  async join(roomId: string, peerId: string, options: JoinOptions, media?: () => MediaState): Promise<JoinedRoom> {
    this.#joinArgs = { roomId, peerId, options, media };
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#join();
      } catch (error) {
        if (error instanceof SignalingError && error.code === 'unavailable' && attempt < UNAVAILABLE_RETRIES) {
          this.emit('trouble');
          await retryDelay(attempt);
          continue;
        }
        this.#joinArgs = undefined;
        throw error;
      }
    }
  }

  async updateMedia(media: MediaState): Promise<void> {
    if (!this.#socket.connected) return; // sent with the rejoin
    await this.#request<Participant>(
      () => this.#socket.timeout(ACK_TIMEOUT_MS).emitWithAck('update-media', media) as Promise<Ack<Participant>>,
    );
  }

  sendChat(text: string): Promise<ChatMessage> {
    return this.#request<ChatMessage>(
      () => this.#socket.timeout(ACK_TIMEOUT_MS).emitWithAck('chat-message', text) as Promise<Ack<ChatMessage>>,
    );
  }

  /** Starting resolves once everyone else was told (the server waits for their acks). */
  setRecording(recording: boolean): Promise<Participant> {
    return this.#request<Participant>(
      // The server waits up to 5 s for the others' acks.
      () => this.#socket.timeout(ACK_TIMEOUT_MS + 5000).emitWithAck('set-recording', recording) as Promise<Ack<Participant>>,
    );
  }

  forbidRecording(forbidden: boolean): Promise<RoomInfo> {
    return this.#request<RoomInfo>(
      () => this.#socket.timeout(ACK_TIMEOUT_MS).emitWithAck('forbid-recording', forbidden) as Promise<Ack<RoomInfo>>,
    );
  }

  raiseHand(raised: boolean): Promise<Participant> {
    return this.#request<Participant>(
      () => this.#socket.timeout(ACK_TIMEOUT_MS).emitWithAck('raise-hand', raised) as Promise<Ack<Participant>>,
    );
  }

  react(emoji: Reaction): Promise<null> {
    return this.#request<null>(() => this.#socket.timeout(ACK_TIMEOUT_MS).emitWithAck('reaction', emoji) as Promise<Ack<null>>);
  }

  lockRoom(locked: boolean): Promise<RoomInfo> {
    return this.#request<RoomInfo>(() => this.#socket.timeout(ACK_TIMEOUT_MS).emitWithAck('lock-room', locked) as Promise<Ack<RoomInfo>>);
  }

  answerKnock(knockId: string, admit: boolean): Promise<null> {
    return this.#request<null>(
      () => this.#socket.timeout(ACK_TIMEOUT_MS).emitWithAck('answer-knock', knockId, admit) as Promise<Ack<null>>,
    );
  }

  removeParticipant(peerId: string): Promise<null> {
    return this.#request<null>(() => this.#socket.timeout(ACK_TIMEOUT_MS).emitWithAck('remove-participant', peerId) as Promise<Ack<null>>);
  }

  /** ICE servers, with fresh TURN credentials when the server has TURN. */
  async iceServers(): Promise<IceServers> {
    await this.#whenConnected();
    return this.#request<IceServers>(() => this.#socket.timeout(ACK_TIMEOUT_MS).emitWithAck('get-ice') as Promise<Ack<IceServers>>);
  }

  /** How we show the others' video (heights in device pixels; 0: not at all). No answer needed. */
  sendView(sizes: Record<string, number>): void {
    if (this.#socket.connected) this.#socket.emit('view', sizes);
  }

  /** Who is in a room, for the pre-join screen (nothing about a private one). */
  async peek(roomId: string): Promise<RoomPreview> {
    await this.#whenConnected();
    return this.#request<RoomPreview>(
      () => this.#socket.timeout(ACK_TIMEOUT_MS).emitWithAck('peek-room', roomId) as Promise<Ack<RoomPreview>>,
    );
  }

  /** Waits in the lobby of a locked room; resolves with the host's answer. */
  async knock(roomId: string, options: { name?: string; clientId?: string }): Promise<void> {
    await this.#whenConnected();
    await this.#request<{ knockId: string }>(
      () => this.#socket.timeout(ACK_TIMEOUT_MS).emitWithAck('knock', roomId, options) as Promise<Ack<{ knockId: string }>>,
    );
  }

  cancelKnock(): Promise<null> {
    return this.#request<null>(() => this.#socket.timeout(ACK_TIMEOUT_MS).emitWithAck('cancel-knock') as Promise<Ack<null>>);
  }

  /** Leaves the room explicitly (the others drop our tile at once), then disconnects. */
  async leave(): Promise<void> {
    this.#joinArgs = undefined;
    if (this.#socket.connected) {
      await this.#socket
        .timeout(1500)
        .emitWithAck('leave-room')
        .catch(() => undefined);
    }
    this.close();
  }

  close(): void {
    this.#socket.removeAllListeners();
    this.#socket.close();
    this.removeAllListeners();
  }

  async #whenConnected(): Promise<void> {
    if (this.#socket.connected) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new SignalingError('timeout', 'Could not reach the call server')), ACK_TIMEOUT_MS);
      this.#socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async #join(): Promise<JoinedRoom> {
    const { roomId, peerId, options: given, media } = this.#joinArgs!;
    const options = media ? { ...given, ...media() } : given;
    await this.#whenConnected();
    const joined = await this.#request<JoinedRoom>(
      () => this.#socket.timeout(ACK_TIMEOUT_MS).emitWithAck('join-room', roomId, peerId, options) as Promise<Ack<JoinedRoom>>,
    );
    this.#joined = true;
    this.emit('connection', true);
    return joined;
  }

  /** Joins again after a reconnect, retrying while the server is still coming back. */
  async #rejoin() {
    for (let attempt = 0; this.#joinArgs && this.#socket.connected; attempt++) {
      try {
        this.emit('rejoined', await this.#join());
        return;
      } catch (error) {
        // Our peer may not have reached the restarted PeerServer yet: wait and try again.
        const code = error instanceof SignalingError ? error.code : '';
        if (FINAL_REJOIN_CODES.has(code)) {
          this.#joinArgs = undefined;
          this.emit('rejoin-failed', code, (error as Error).message);
          return;
        }
        if (code === 'unavailable') this.emit('trouble');
        await retryDelay(attempt);
      }
    }
  }

  #request<T>(send: () => Promise<Ack<T>>): Promise<T> {
    return request(send);
  }
}

/** Sends a request-like event and unwraps its ack: the data, or a SignalingError with the server's words. */
export async function request<T>(send: () => Promise<Ack<T>>): Promise<T> {
  let response: Ack<T>;
  try {
    response = await send();
  } catch {
    throw new SignalingError('timeout', 'The call server did not answer in time');
  }
  if (!response.ok) throw new SignalingError(response.error.code, response.error.message);
  return response.data;
}
