/**
 * The room's Socket.IO connection: join, leave and media state, with acks and timeouts.
 * After a reconnect it joins again as the same participant (same peer id and token).
 */
import { io, type Socket } from 'socket.io-client';
import type {
  Ack,
  ClientToServerEvents,
  JoinedRoom,
  JoinOptions,
  MediaState,
  Participant,
  ServerToClientEvents,
} from '../../server/signaling/contract.js';
import { Emitter } from './emitter.js';

export interface SignalingEvents extends Record<string, unknown[]> {
  'user-connected': [Participant];
  'user-disconnected': [peerId: string];
  'participant-updated': [Participant];
  /** Joined again after the connection to the server came back. */
  rejoined: [JoinedRoom];
  connection: [connected: boolean];
}

export class SignalingError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

const ACK_TIMEOUT_MS = 8000;

export class RoomSignaling extends Emitter<SignalingEvents> {
  #socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  #joinArgs: { roomId: string; peerId: string; options: JoinOptions } | undefined;

  constructor(server: URL) {
    super();
    this.#socket = io(server.origin, {
      path: '/socket.io/',
      transports: ['websocket', 'polling'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
    });
    this.#socket.on('user-connected', (peerId, participant) => {
      // Classic servers and pages send only the peer id.
      this.emit('user-connected', participant ?? { peerId, name: 'Guest', audio: true, video: true, joinedAt: Date.now() });
    });
    this.#socket.on('user-disconnected', (peerId) => this.emit('user-disconnected', peerId));
    this.#socket.on('participant-updated', (participant) => this.emit('participant-updated', participant));
    this.#socket.on('disconnect', () => this.emit('connection', false));
    this.#socket.io.on('reconnect', () => void this.#rejoin());
  }

  get connected() {
    return this.#socket.connected;
  }

  async join(roomId: string, peerId: string, options: JoinOptions): Promise<JoinedRoom> {
    this.#joinArgs = { roomId, peerId, options };
    return this.#join();
  }

  async updateMedia(media: MediaState): Promise<void> {
    if (this.#joinArgs) this.#joinArgs.options = { ...this.#joinArgs.options, ...media };
    if (!this.#socket.connected) return; // sent with the rejoin
    await this.#request<Participant>(
      () => this.#socket.timeout(ACK_TIMEOUT_MS).emitWithAck('update-media', media) as Promise<Ack<Participant>>,
    );
  }

  /** Leaves the room explicitly (the others drop our tile at once), then disconnects. */
  async leave(): Promise<void> {
    this.#joinArgs = undefined;
    if (this.#socket.connected) {
      await this.#socket.timeout(1500).emitWithAck('leave-room').catch(() => undefined);
    }
    this.close();
  }

  close(): void {
    this.#socket.io.off('reconnect');
    this.#socket.removeAllListeners();
    this.#socket.close();
    this.removeAllListeners();
  }

  async #join(): Promise<JoinedRoom> {
    const { roomId, peerId, options } = this.#joinArgs!;
    if (!this.#socket.connected) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new SignalingError('timeout', 'Could not reach the call server')), ACK_TIMEOUT_MS);
        this.#socket.once('connect', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const joined = await this.#request<JoinedRoom>(() =>
      this.#socket.timeout(ACK_TIMEOUT_MS).emitWithAck('join-room', roomId, peerId, options) as Promise<Ack<JoinedRoom>>,
    );
    this.emit('connection', true);
    return joined;
  }

  async #rejoin() {
    if (!this.#joinArgs) return;
    try {
      this.emit('rejoined', await this.#join());
    } catch {
      // The next reconnect tries again.
    }
  }

  async #request<T>(send: () => Promise<Ack<T>>): Promise<T> {
    let response: Ack<T>;
    try {
      response = await send();
    } catch {
      throw new SignalingError('timeout', 'The call server did not answer in time');
    }
    if (!response.ok) throw new SignalingError(response.error.code, response.error.message);
    return response.data;
  }
}
