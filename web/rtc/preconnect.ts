/**
 * Connecting before Join: while the person looks at the pre-join screen, the config, the
 * PeerServer and Socket.IO connections and a DTLS certificate are made in parallel, so pressing
 * Join is one round trip (join-room, with get-ice beside it) away from the offers. Meanwhile the
 * open Socket.IO connection tells the screen who is already in the call (`peek-room`).
 *
 * The ICE servers are not asked for here: TURN credentials are rationed per address, and a page
 * view is not a join. They are asked for at Join, in the same round trip as join-room.
 *
 * A person who never joins does not hold them for long: they are released when the page is
 * left, and after the server's `preconnectIdleSeconds` (default 120 s) without an interaction;
 * the next interaction, or Join itself, connects again.
 */
import type { ClientConfig } from '../../protocol/api.js';
import type { RoomPreview } from '../../protocol/contract.js';
import { Emitter } from './emitter.js';
import { PeerMesh, type MeshOptions } from './peer-mesh.js';
import { createPeerJsPeer } from './peerjs-peer.js';
import { RoomSignaling } from './room-signaling.js';
import { deviceCertificate } from './certificate-store.js';
import { fetchServerConfig } from './server-config.js';

/** While preconnected, the preview is asked again this often (someone may have come or gone). */
export const PREVIEW_REFRESH_MS = 10_000;

/** What a call needs from the mesh that only the call knows: who is in the room, what we send. */
export type MeshHooks = Pick<MeshOptions, 'isInRoom' | 'getLocalTracks'>;

/** Everything a join needs, connected. */
export interface Connection {
  signaling: RoomSignaling;
  mesh: PeerMesh;
  config: ClientConfig;
}

/**
 * Connects everything a join needs, each part as soon as what it depends on is there: Socket.IO
 * at once, the PeerServer once /api/config answers, the certificate meanwhile. On failure,
 * whatever was opened is closed again.
 */
export async function connect(server: URL, hooks: () => MeshHooks): Promise<Connection> {
  const signaling = new RoomSignaling(server);
  let mesh: PeerMesh | undefined;
  try {
    // One DTLS certificate for every connection of the call, ready before anyone needs it: this
    // device's own, the same from call to call (certificate-store.ts), so safety codes stay.
    const cert = deviceCertificate();
    const config = await fetchServerConfig(server);
    mesh = new PeerMesh({
      server,
      peerPath: config.peer.path,
      peerKey: config.peer.key,
      iceServers: [],
      isInRoom: (peerId) => hooks().isInRoom(peerId),
      getLocalTracks: () => hooks().getLocalTracks(),
      createPeer: createPeerJsPeer,
      // An older server does not say: the mesh's default applies.
      uplinkBudgetBps: config.uplinkBudgetKbps ? config.uplinkBudgetKbps * 1000 : undefined,
    });
    const opened = mesh.open();
    mesh.prepare(await cert);
    await opened;
    return { signaling, mesh, config };
  } catch (error) {
    mesh?.close();
    signaling.close();
    throw error;
  }
}

export interface PreconnectionEvents extends Record<string, unknown[]> {
  /** What the pre-join screen may say about the room; undefined when not known (not connected). */
  preview: [RoomPreview | undefined];
}

export class Preconnection extends Emitter<PreconnectionEvents> {
  readonly server: URL;
  readonly roomId: string;
  #pending: Promise<Connection> | undefined;
  #hooks: MeshHooks = { isInRoom: () => false, getLocalTracks: () => ({ audio: undefined, video: undefined }) };
  #idleMs = 120_000;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #previewTimer: ReturnType<typeof setInterval> | undefined;
  #released = false;

  constructor(server: URL, roomId: string) {
    super();
    this.server = server;
    this.roomId = roomId;
  }

  /** Connects, unless already connected or connecting; either way the idle time starts again. */
  start(): void {
    if (this.#released) return;
    this.#restartIdle();
    if (this.#pending) return;
    const pending = connect(this.server, () => this.#hooks);
    this.#pending = pending;
    pending.then(
      (connection) => {
        if (this.#pending !== pending) return;
        this.#idleMs = connection.config.preconnectIdleSeconds * 1000;
        this.#restartIdle();
        this.#watchPreview(connection);
      },
      () => {
        // Not reachable now: Join will try again, and say why if it fails too.
        if (this.#pending === pending) this.#pending = undefined;
      },
    );
  }

  /**
   * Hands the connection over to the call (connecting now if it was not), which owns it from
   * then on: nothing here closes it any more.
   */
  async take(hooks: MeshHooks): Promise<Connection> {
    this.#hooks = hooks;
    const pending = this.#pending;
    this.#stopTimers();
    this.#pending = undefined;
    this.#released = true;
    this.emit('preview', undefined);
    this.removeAllListeners();
    if (pending) {
      try {
        return await pending;
      } catch {
        // It failed earlier (the server was away, say): one fresh try, as a join without it would.
      }
    }
    return connect(this.server, () => hooks);
  }

  /** Closes the connections (the page is left, or nobody pressed Join in time); `start` reopens. */
  release(): void {
    this.#stopTimers();
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending) {
      this.emit('preview', undefined);
      pending.then(
        ({ signaling, mesh }) => {
          mesh.close();
          signaling.close();
        },
        () => {},
      );
    }
  }

  /** Released for good: a later `start` does nothing. */
  close(): void {
    this.release();
    this.#released = true;
    this.removeAllListeners();
  }

  #restartIdle() {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => this.release(), this.#idleMs);
  }

  #watchPreview({ signaling }: Connection) {
    const ask = () => {
      signaling.peek(this.roomId).then(
        (preview) => this.#pending && this.emit('preview', preview),
        () => {},
      );
    };
    ask();
    clearInterval(this.#previewTimer);
    this.#previewTimer = setInterval(ask, PREVIEW_REFRESH_MS);
  }

  #stopTimers() {
    clearTimeout(this.#idleTimer);
    clearInterval(this.#previewTimer);
    this.#idleTimer = this.#previewTimer = undefined;
  }
}
