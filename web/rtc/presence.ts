/**
 * Being reachable by handle, and ringing others: this tab's own Socket.IO connection, apart from
 * any call. The handle and a device key (which keeps the handle this browser's) live in
 * localStorage, so every tab and the installed app are reachable together.
 */
import { io, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, RingEnd, ServerToClientEvents } from '../../protocol/contract.js';
import { Emitter, randomId } from './emitter.js';
import { request } from './room-signaling.js';

const HANDLE_KEY = 'callroom:handle';
const DEVICE_KEY = 'callroom:device';
const ACK_TIMEOUT_MS = 8000;

export interface PresenceEvents extends Record<string, unknown[]> {
  'incoming-ring': [{ ringId: string; callerName: string }];
  'ring-ended': [RingEnd];
  reachable: [handle: string | undefined];
}

function storage(): Storage | undefined {
  try {
    return localStorage;
  } catch {
    return undefined;
  }
}

export function savedHandle(): string | undefined {
  return storage()?.getItem(HANDLE_KEY) ?? undefined;
}

function deviceKey(): string {
  let key = storage()?.getItem(DEVICE_KEY);
  if (!key) {
    key = randomId(18);
    storage()?.setItem(DEVICE_KEY, key);
  }
  return key;
}

export class Presence extends Emitter<PresenceEvents> {
  #socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  #handle: string | undefined;
  #name = '';
  #busy = false;

  constructor(server: URL) {
    super();
    this.#socket = io(server.origin, { path: '/socket.io/', transports: ['websocket'], reconnectionDelayMax: 2000 });
    this.#socket.on('incoming-ring', (ring) => this.emit('incoming-ring', ring));
    this.#socket.on('ring-ended', (end) => this.emit('ring-ended', end));
    // After a reconnect, be reachable again (the server forgot this socket).
    this.#socket.on('connect', () => {
      if (this.#handle) void this.#register(this.#handle, this.#name).catch(() => {});
      if (this.#busy) this.#socket.emit('set-busy', true);
    });
  }

  get handle() {
    return this.#handle;
  }

  /** Reachable as `handle` while this tab is open; remembered for the other tabs and next time. */
  async becomeReachable(handle: string, name: string): Promise<string> {
    const registered = await this.#register(handle, name);
    storage()?.setItem(HANDLE_KEY, registered);
    return registered;
  }

  async stopReachable(): Promise<void> {
    this.#handle = undefined;
    storage()?.removeItem(HANDLE_KEY);
    this.emit('reachable', undefined);
    await this.#request<null>(() => this.#socket.timeout(ACK_TIMEOUT_MS).emitWithAck('stop-reachable') as Promise<Ack<null>>).catch(
      () => null,
    );
  }

  /** In a call, rings for this person answer "busy". */
  setBusy(busy: boolean): void {
    this.#busy = busy;
    this.#socket.emit('set-busy', busy);
  }

  ring(handle: string, name: string): Promise<{ ringId: string; calleeName: string }> {
    return this.#request(
      () =>
        this.#socket.timeout(ACK_TIMEOUT_MS).emitWithAck('ring', handle, { name }) as Promise<Ack<{ ringId: string; calleeName: string }>>,
    );
  }

  cancelRing(ringId: string): Promise<null> {
    return this.#request(() => this.#socket.timeout(ACK_TIMEOUT_MS).emitWithAck('cancel-ring', ringId) as Promise<Ack<null>>);
  }

  answerRing(ringId: string, accept: boolean): Promise<RingEnd> {
    return this.#request(() => this.#socket.timeout(ACK_TIMEOUT_MS).emitWithAck('answer-ring', ringId, accept) as Promise<Ack<RingEnd>>);
  }

  listReachable(): Promise<Array<{ handle: string; name: string; busy: boolean }>> {
    return this.#request(
      () =>
        this.#socket.timeout(ACK_TIMEOUT_MS).emitWithAck('list-reachable') as Promise<
          Ack<Array<{ handle: string; name: string; busy: boolean }>>
        >,
    );
  }

  close(): void {
    this.#socket.removeAllListeners();
    this.#socket.close();
    this.removeAllListeners();
  }

  async #register(handle: string, name: string): Promise<string> {
    const { handle: registered } = await this.#request<{ handle: string }>(
      () =>
        this.#socket.timeout(ACK_TIMEOUT_MS).emitWithAck('become-reachable', handle, { name, deviceKey: deviceKey() }) as Promise<
          Ack<{ handle: string }>
        >,
    );
    this.#handle = registered;
    this.#name = name;
    this.emit('reachable', registered);
    return registered;
  }

  #request<T>(send: () => Promise<Ack<T>>): Promise<T> {
    return request(send);
  }
}

/** Where a call link goes for a room and an admission ticket. */
export function roomLink(roomId: string, ticket?: string): string {
  return `/r/${encodeURIComponent(roomId)}${ticket ? `?ticket=${encodeURIComponent(ticket)}` : ''}`;
}
