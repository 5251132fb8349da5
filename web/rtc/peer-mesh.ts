/**
 * The WebRTC mesh over PeerJS: one MediaConnection per remote participant, and the rules of who
 * calls whom.
 *
 * - A newcomer calls every member whose client does the same (`offers`), as soon as the join
 *   ack lists them (`joinedWith`): one hop fewer than waiting for each of them to hear of it.
 *   Members wait for those newcomers' calls (`welcome`).
 * - Classic members (and older clients of ours) call each newcomer themselves, as the classic
 *   protocol expects, and our members call classic newcomers: the newcomer waits for those.
 * - Whoever waits calls after 4 s if no call came (a lost call, a newcomer that claimed to call).
 * - A call from a peer the room has not introduced is held for 5 s, then refused (`admitted`
 *   answers it).
 * - A failed connection is repaired with a fresh call: the smaller peer id first (0.5 s), the
 *   other side only if that did not happen (4 s).
 *
 * A shared screen travels on a second call per peer (metadata `{screen: true}`), placed by the
 * sharer to each member whose client `offers` (never to classic clients, which would answer it
 * with their camera), and answered with nothing (receive only). PeerJS cannot add a track to a
 * MediaConnection after the fact; a second call leaves the camera's connection untouched.
 *
 * Every connection is negotiated with one audio and one video sender from the start (the local
 * tracks, or placeholder tracks where there are none, replaced at once by nothing). So a camera
 * that starts late, or is turned off and on, is a `replaceTrack` on each connection, never a
 * renegotiation.
 */
import type { PeerOptions } from 'peerjs';
import type { MeshCall, MeshData, MeshPeer } from './mesh-peer.js';
import { Emitter, randomAlphanumeric } from './emitter.js';
import { tuneOpus } from './opus.js';
import { splitUplink } from './uplink.js';

export type { MeshCall, MeshData, MeshPeer } from './mesh-peer.js';

export type ConnectionState = 'connecting' | 'connected' | 'failed';

/** A connection that stays `disconnected` this long (no packets) is treated as failed. */
const DISCONNECTED_GRACE_MS = 5000;
/** Relay-only connections that have not connected by then will not: the relay refused us. */
const RELAY_CONNECT_TIMEOUT_MS = 15_000;
/** Calls from peers we do not know yet wait this long for the room to introduce them. */
export const UNKNOWN_CALLER_GRACE_MS = 5000;
/** A newcomer waits this long for each member's call before calling them itself. */
export const NEWCOMER_FALLBACK_CALL_MS = 4000;
/** After a failure the smaller peer id calls again after REPAIR_FIRST_MS, the other after REPAIR_FALLBACK_MS. */
export const REPAIR_FIRST_MS = 500;
export const REPAIR_FALLBACK_MS = 4000;
/** How long a new connection sends at full size before a viewer's smaller size applies. */
export const SEND_SETTLE_MS = 2000;
/** What our camera and screen may send in all, when the server does not say (UPLINK_BUDGET_KBPS). */
export const DEFAULT_UPLINK_BPS = 2_500_000;
/** The longest a newcomer's call screen waits for the answers to its offers. */
export const ANSWERS_IN_MS = 500;

export interface MeshEvents extends Record<string, unknown[]> {
  stream: [peerId: string, stream: MediaStream];
  state: [peerId: string, state: ConnectionState];
  /** The PeerServer connection dropped (media may keep flowing) or came back. */
  server: [connected: boolean];
  /** The TURN relay refused our credentials or could not be reached. */
  'relay-error': [detail: string];
  /** Someone's shared screen arrived, or (undefined) its connection ended. */
  screen: [peerId: string, stream: MediaStream | undefined];
  /** Someone in the room opened a channel to send us a file (file-transfer.ts). */
  'file-channel': [connection: MeshData];
}

/** What a file's data connection says it is (PeerJS metadata). */
const FILE_CHANNEL = { kind: 'file' };

/** Who a member is, as far as calling goes (a Participant is one). */
export interface Member {
  peerId: string;
  /** Its client calls the members itself when it joins (JoinOptions.offers). */
  offers?: boolean;
}

export interface LocalTracks {
  audio: MediaStreamTrack | undefined;
  video: MediaStreamTrack | undefined;
}

export interface MeshOptions {
  server: URL;
  peerPath: string;
  peerKey: string;
  iceServers: RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** Whether `peerId` is someone in our room; calls from anyone else are refused. */
  isInRoom: (peerId: string) => boolean;
  getLocalTracks: () => LocalTracks;
  /** Makes the PeerServer connection: PeerJS's Peer (peerjs-peer.ts), a fake in tests. */
  createPeer: (peerId: string, options: PeerOptions) => MeshPeer;
  /** The silent tracks that shape every offer (a canvas and an AudioContext; a fake in tests). */
  createPlaceholders?: () => MediaStream;
  /** What our camera and screen may send over all connections together (uplink.ts). */
  uplinkBudgetBps?: number;
}

/** Every description we make asks for Opus with FEC and DTX (opus.ts). */
const TUNED = { sdpTransform: tuneOpus };

export class PeerMesh extends Emitter<MeshEvents> {
  readonly peerId = randomAlphanumeric(20);
  readonly token = randomAlphanumeric(24);
  #peer: MeshPeer | undefined;
  #options: MeshOptions;
  #connections = new Map<string, MeshCall>();
  #pending = new Map<string, { call: MeshCall; timer: ReturnType<typeof setTimeout> }>();
  #placeholders: MediaStream | undefined;
  #incoming = new WeakSet<MeshCall>();
  /** The screen we share, and its call to each peer. */
  #screen: MediaStream | undefined;
  #screenCalls = new Map<string, MeshCall>();
  /** The height each peer shows our camera at (their `view`). */
  #sendHeights = new Map<string, number>();
  /** Connections that have been connected for SEND_SETTLE_MS: their encoding may change. */
  #settled = new WeakSet<MeshCall>();
  /** Each peer's screen call to us, and those waiting for the room to introduce their sharer. */
  #screensIn = new Map<string, MeshCall>();
  #pendingScreens = new Map<string, { call: MeshCall; timer: ReturnType<typeof setTimeout> }>();
  #closed = false;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(options: MeshOptions) {
    super();
    this.#options = options;
  }

  /** Connects to the PeerServer; resolves once our peer id is registered there. */
  open(): Promise<string> {
    const { server, peerPath, peerKey, iceServers } = this.#options;
    const secure = server.protocol === 'https:';
    const options: PeerOptions = {
      host: server.hostname,
      port: Number(server.port) || (secure ? 443 : 80),
      path: peerPath,
      key: peerKey,
      secure,
      token: this.token,
      config: { iceServers, iceTransportPolicy: this.#options.iceTransportPolicy ?? 'all' },
      debug: 0,
    };
    const peer = this.#options.createPeer(this.peerId, options);
    this.#peer = peer;
    peer.on('call', (call) => this.#onIncoming(call));
    peer.on('connection', (connection) => this.#onDataConnection(connection));
    peer.on('disconnected', () => {
      this.emit('server', false);
      this.#scheduleReconnect(1000);
    });
    peer.on('open', () => this.emit('server', true));
    return new Promise((resolve, reject) => {
      peer.once('open', (id) => resolve(id));
      peer.on('error', (error) => {
        const { type } = error;
        if (!peer.open && !peer.disconnected) reject(new Error(`Could not reach the call server (${type})`));
        // A failed call to one participant is that connection's business, not the whole call's.
        if (type === 'peer-unavailable') return;
        if (type === 'network' || type === 'server-error' || type === 'socket-error' || type === 'socket-closed') {
          this.#scheduleReconnect(2000);
        }
      });
    });
  }

  /** A data channel to `peerId` for one file (file-transfer.ts); undefined when not connected. */
  openFileChannel(peerId: string): MeshData | undefined {
    if (this.#closed || !this.#options.isInRoom(peerId)) return undefined;
    return this.#peer?.connect?.(peerId, { reliable: true, serialization: 'raw', metadata: FILE_CHANNEL });
  }

  /** Only someone in our room may open a channel to us, and only for a file. */
  #onDataConnection(connection: MeshData) {
    const metadata = connection.metadata as { kind?: unknown } | undefined;
    if (this.#closed || !this.#options.isInRoom(connection.peer) || metadata?.kind !== FILE_CHANNEL.kind) {
      connection.close();
      return;
    }
    this.emit('file-channel', connection);
  }

  /** Someone joined after us: a newcomer that calls members will call us; any other we call. */
  welcome(newcomer: Member): void {
    const { peerId } = newcomer;
    this.admitted(peerId);
    // Already connected (they only rejoined after a server restart): keep the media.
    if (this.isHealthy(peerId)) return;
    if (!newcomer.offers) return this.call(peerId);
    this.#later(NEWCOMER_FALLBACK_CALL_MS, () => {
      if (this.#options.isInRoom(peerId) && !this.has(peerId)) this.call(peerId);
    });
  }

  /**
   * We just joined: we call the members that wait for us; the others call us (or, late, we
   * them). Resolves once the answers to our offers are in (at most ANSWERS_IN_MS): what can
   * wait, such as drawing the call screen, waits for it, so it holds up neither our offers nor
   * the handling of the answers.
   */
  joinedWith(members: Member[]): Promise<void> {
    const placed: MeshCall[] = [];
    for (const { peerId, offers } of members) {
      this.admitted(peerId);
      if (!offers || this.has(peerId)) continue;
      this.call(peerId);
      const call = this.#connections.get(peerId);
      if (call) placed.push(call);
    }
    this.#later(NEWCOMER_FALLBACK_CALL_MS, () => {
      for (const { peerId } of members) if (this.#options.isInRoom(peerId) && !this.has(peerId)) this.call(peerId);
    });
    return answersIn(placed);
  }

  /**
   * Early, before anyone calls: one DTLS certificate for every connection (generating one per
   * connection costs each offer and answer its time), and the placeholder tracks.
   */
  prepare(certificate?: RTCCertificate): void {
    const config = this.#peer?.options.config as RTCConfiguration | undefined;
    if (config && certificate) config.certificates = [certificate];
    this.#placeholderStream();
  }

  /** The ICE servers and policy (from `get-ice`): before the first call of the room. */
  setIce(ice: { iceServers: RTCIceServer[]; iceTransportPolicy?: RTCIceTransportPolicy }): void {
    this.#options.iceTransportPolicy = ice.iceTransportPolicy;
    const config = this.#peer?.options.config as RTCConfiguration | undefined;
    if (config) config.iceTransportPolicy = ice.iceTransportPolicy ?? 'all';
    this.setIceServers(ice.iceServers);
  }

  /** Calls a participant (we are the one already in the room, or a fallback, or a repair). */
  call(remotePeerId: string): void {
    if (this.#closed || !this.#peer) return;
    const call = this.#peer.call(remotePeerId, this.#outgoingStream(), { metadata: { v: 1 }, ...TUNED });
    if (!call) return;
    this.#adopt(remotePeerId, call);
  }

  /**
   * Sends our camera to `peerId` at the height they show it (device pixels): scaled down to it,
   * or paused (no encoding at all) at 0. Kept across camera switches and repairs.
   */
  setSendHeight(peerId: string, height: number): void {
    this.#sendHeights.set(peerId, height);
    this.#applySending();
  }

  /**
   * Sets every connection's video encoding from the receivers' sizes and the uplink budget
   * (uplink.ts): the camera scaled down to each receiver's tile, or paused, within its share of
   * the budget; the screen first.
   */
  #applySending() {
    const heights = new Map<string, number | undefined>();
    for (const peerId of this.#connections.keys()) heights.set(peerId, this.#sendHeights.get(peerId));
    const screens = this.#screen ? this.#screenCalls.size : 0;
    const plan = splitUplink(this.#options.uplinkBudgetBps ?? DEFAULT_UPLINK_BPS, heights, screens);
    for (const [peerId, call] of this.#connections) {
      const height = this.#sendHeights.get(peerId);
      // A new connection first sends its first frames at full size (changing the encoder then
      // delays them: 140 ms in the setup bench); its size and share follow once it has settled.
      // A pause needs no first frame: it applies at once.
      if (this.#settled.has(call)) encode(call, height, plan.cameras.get(peerId));
      else if (height === 0) encode(call, 0, undefined);
    }
    if (screens) for (const call of this.#screenCalls.values()) encode(call, undefined, plan.screen, 'high');
  }

  /**
   * Each participant's audio level (0 to 1) as their packets carry it (the RTP audio level that
   * WebRTC reads anyway); 0 when nothing came in the last second (muted, or gone).
   */
  audioLevels(): Map<string, number> {
    const levels = new Map<string, number>();
    const now = Date.now();
    for (const [peerId, call] of this.#connections) {
      const receiver = call.peerConnection?.getReceivers().find((r) => r.track.kind === 'audio');
      const source = receiver?.getSynchronizationSources()[0];
      // The timestamp is on the epoch clock (Chromium, Firefox) or the page's (older Safari).
      const age = source ? (source.timestamp > 1e12 ? now : performance.now()) - source.timestamp : Infinity;
      levels.set(peerId, source && age < 1000 ? (source.audioLevel ?? 0) : 0);
    }
    return levels;
  }

  /** Each participant's camera connection, for stats. */
  peerConnections(): Array<{ peerId: string; pc: RTCPeerConnection }> {
    const list: Array<{ peerId: string; pc: RTCPeerConnection }> = [];
    for (const [peerId, call] of this.#connections) if (call.peerConnection) list.push({ peerId, pc: call.peerConnection });
    return list;
  }

  has(remotePeerId: string): boolean {
    return this.#connections.has(remotePeerId);
  }

  isHealthy(remotePeerId: string): boolean {
    const state = this.#connections.get(remotePeerId)?.peerConnection?.connectionState;
    return state === 'connected' || state === 'connecting' || state === 'new';
  }

  /** The room just introduced someone: a call from them that was waiting can be answered. */
  admitted(remotePeerId: string): void {
    const screen = this.#held(this.#pendingScreens, remotePeerId);
    if (screen) this.#acceptScreen(screen);
    const call = this.#held(this.#pending, remotePeerId);
    if (call) this.#answer(call);
  }

  /** Takes a held call out of `held` (its refusal timer stops). */
  #held(held: Map<string, { call: MeshCall; timer: ReturnType<typeof setTimeout> }>, peerId: string): MeshCall | undefined {
    const entry = held.get(peerId);
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    held.delete(peerId);
    return entry.call;
  }

  /** Holds a call from a peer the room has not introduced yet: `admitted` answers it, or after 5 s it is refused. */
  #hold(held: Map<string, { call: MeshCall; timer: ReturnType<typeof setTimeout> }>, call: MeshCall) {
    this.#held(held, call.peer)?.close();
    const timer = setTimeout(() => {
      held.delete(call.peer);
      call.close();
    }, UNKNOWN_CALLER_GRACE_MS);
    held.set(call.peer, { call, timer });
  }

  /** Shares `stream` (a screen) on a second call to each of `peers`; undefined stops sharing. */
  shareScreen(stream: MediaStream | undefined, peers: string[]): void {
    this.#screen = stream;
    if (stream) return peers.forEach((peerId) => this.sendScreen(peerId));
    for (const call of this.#screenCalls.values()) closeCall(call);
    this.#screenCalls.clear();
    this.#applySending();
  }

  /** Sends the screen we share to `peerId` (one who joined during the share), if we share one. */
  sendScreen(peerId: string): void {
    if (!this.#screen || this.#closed || !this.#peer || this.#screenCalls.has(peerId)) return;
    const call = this.#peer.call(peerId, this.#screen, { metadata: { v: 1, screen: true }, ...TUNED });
    if (!call) return;
    this.#screenCalls.set(peerId, call);
    // The budget is shared anew with each screen connection, once it can take parameters.
    call.peerConnection?.addEventListener('connectionstatechange', () => {
      if (call.peerConnection?.connectionState === 'connected') this.#applySending();
    });
    const gone = () => {
      if (this.#screenCalls.get(peerId) === call) this.#screenCalls.delete(peerId);
    };
    call.on('close', gone);
    call.on('error', gone);
  }

  /** `peerId` stopped sharing (the room says so): its screen call is over. */
  dropScreen(peerId: string): void {
    const call = this.#screensIn.get(peerId);
    this.#screensIn.delete(peerId);
    if (call) closeCall(call);
  }

  /** Ends the connection with one participant (they left). */
  hangUp(remotePeerId: string): void {
    this.dropScreen(remotePeerId);
    this.#held(this.#pendingScreens, remotePeerId)?.close();
    const ours = this.#screenCalls.get(remotePeerId);
    this.#screenCalls.delete(remotePeerId);
    if (ours) closeCall(ours);
    this.#held(this.#pending, remotePeerId)?.close();
    const call = this.#connections.get(remotePeerId);
    this.#connections.delete(remotePeerId);
    this.#sendHeights.delete(remotePeerId);
    if (call) closeCall(call);
    // Their share of the uplink goes to the others.
    this.#applySending();
  }

  /** New ICE servers (fresh TURN credentials): for new connections and live ones' restarts. */
  setIceServers(iceServers: RTCIceServer[]): void {
    this.#options.iceServers = iceServers;
    const config = this.#peer?.options.config as RTCConfiguration | undefined;
    if (config) config.iceServers = iceServers;
    for (const call of this.#connections.values()) {
      const pc = call.peerConnection;
      if (pc && pc.signalingState !== 'closed') pc.setConfiguration({ ...pc.getConfiguration(), iceServers });
    }
  }

  /** Sends the current local tracks (or nothing) on every connection. */
  updateLocalTracks(): void {
    for (const call of this.#connections.values()) this.#applyLocalTracks(call);
  }

  /** Hangs up everyone, leaves the PeerServer and stops the placeholder tracks. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#reconnectTimer);
    this.#timers.forEach((t) => clearTimeout(t));
    this.#timers.clear();
    for (const peerId of [
      ...this.#connections.keys(),
      ...this.#pending.keys(),
      ...this.#pendingScreens.keys(),
      ...this.#screensIn.keys(),
      ...this.#screenCalls.keys(),
    ]) {
      this.hangUp(peerId);
    }
    this.#peer?.destroy();
    this.#peer = undefined;
    this.#placeholders?.getTracks().forEach((t) => t.stop());
    this.#placeholders = undefined;
    this.removeAllListeners();
  }

  #onIncoming(call: MeshCall) {
    if (this.#closed) return call.close();
    if ((call.metadata as { screen?: unknown } | undefined)?.screen === true) return this.#onScreen(call);
    if (this.#options.isInRoom(call.peer)) return this.#answer(call);
    // The caller's call can outrun the room's news of them (two different servers' paths).
    this.#hold(this.#pending, call);
  }

  /** A screen call: answered with nothing once the room knows the sharer (held like any call). */
  #onScreen(call: MeshCall) {
    if (this.#options.isInRoom(call.peer)) this.#acceptScreen(call);
    else this.#hold(this.#pendingScreens, call);
  }

  #acceptScreen(call: MeshCall) {
    const from = call.peer;
    if (this.#closed) return call.close();
    const previous = this.#screensIn.get(from);
    if (previous && previous !== call) closeCall(previous);
    this.#screensIn.set(from, call);
    call.answer(undefined, TUNED);
    const current = () => this.#screensIn.get(from) === call;
    call.on('stream', (stream) => current() && this.emit('screen', from, stream));
    const gone = () => {
      if (!current()) return;
      this.#screensIn.delete(from);
      this.emit('screen', from, undefined);
    };
    call.on('close', gone);
    call.on('error', gone);
  }

  #answer(call: MeshCall) {
    const existing = this.#connections.get(call.peer);
    if (existing && existing !== call) {
      // Both sides called at once: keep the call placed by the smaller peer id, on both sides.
      const existingIsOurs = !this.#incoming.has(existing);
      if (existingIsOurs && this.peerId < call.peer && this.isHealthy(call.peer)) {
        call.close();
        return;
      }
    }
    this.#incoming.add(call);
    call.answer(this.#outgoingStream(), TUNED);
    this.#adopt(call.peer, call);
  }

  #adopt(remotePeerId: string, call: MeshCall) {
    const previous = this.#connections.get(remotePeerId);
    this.#connections.set(remotePeerId, call);
    if (previous && previous !== call) closeCall(previous);
    this.#applyLocalTracks(call);
    this.emit('state', remotePeerId, 'connecting');

    call.on('stream', (stream) => {
      if (this.#connections.get(remotePeerId) === call) this.emit('stream', remotePeerId, stream);
    });
    const pc = call.peerConnection;
    const current = () => this.#connections.get(remotePeerId) === call;
    let stalled: ReturnType<typeof setTimeout> | undefined;
    const relayOnly = this.#options.iceTransportPolicy === 'relay';
    const neverConnected = relayOnly
      ? setTimeout(() => {
          if (current() && pc?.connectionState !== 'connected') {
            this.emit('relay-error', 'no relayed connection');
            this.#failed(remotePeerId);
          }
        }, RELAY_CONNECT_TIMEOUT_MS)
      : undefined;
    pc?.addEventListener('connectionstatechange', () => {
      clearTimeout(stalled);
      if (!current()) return;
      const state = pc.connectionState;
      if (state === 'connected') {
        clearTimeout(neverConnected);
        this.#applySending();
        this.#later(SEND_SETTLE_MS, () => {
          if (!current()) return;
          this.#settled.add(call);
          this.#applySending();
        });
        this.emit('state', remotePeerId, 'connected');
      } else if (state === 'failed') {
        this.#failed(remotePeerId);
      } else if (state === 'disconnected') {
        // Often a blip that heals itself; if no packets flow for a while, repair it.
        stalled = setTimeout(() => {
          if (current() && pc.connectionState === 'disconnected') this.#failed(remotePeerId);
        }, DISCONNECTED_GRACE_MS);
      } else if (state === 'closed') {
        clearTimeout(neverConnected);
      }
    });
    pc?.addEventListener('icecandidateerror', (event) => {
      const { errorCode, url } = event as RTCPeerConnectionIceErrorEvent;
      // 401: the TURN server refused our credentials; 701: it could not be reached.
      if (current() && url?.startsWith('turn') && (errorCode === 401 || errorCode === 701)) {
        this.emit('relay-error', `${errorCode}`);
      }
    });
    call.on('close', () => {
      if (this.#connections.get(remotePeerId) !== call) return;
      this.#connections.delete(remotePeerId);
      this.#failed(remotePeerId);
    });
    call.on('error', () => {
      if (this.#connections.get(remotePeerId) === call) this.#failed(remotePeerId);
    });
  }

  /** Tells the session, and repairs the connection with a fresh call if they are still in the room. */
  #failed(remotePeerId: string) {
    this.emit('state', remotePeerId, 'failed');
    if (!this.#options.isInRoom(remotePeerId)) return;
    // Both sides repair; the smaller id goes first, the other only if that did not happen (the
    // other side may not have noticed the failure).
    this.#later(this.peerId < remotePeerId ? REPAIR_FIRST_MS : REPAIR_FALLBACK_MS, () => {
      if (this.#options.isInRoom(remotePeerId) && !this.isHealthy(remotePeerId)) this.call(remotePeerId);
    });
  }

  #later(ms: number, run: () => void) {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, ms);
    this.#timers.add(timer);
  }

  #applyLocalTracks(call: MeshCall) {
    const pc = call.peerConnection;
    if (!pc || pc.signalingState === 'closed') return;
    const { audio, video } = this.#options.getLocalTracks();
    for (const transceiver of pc.getTransceivers()) {
      const kind = transceiver.receiver.track?.kind;
      const track = kind === 'audio' ? audio : kind === 'video' ? video : undefined;
      if (transceiver.sender.track !== (track ?? null)) {
        transceiver.sender.replaceTrack(track ?? null).catch(() => {});
      }
    }
  }

  /**
   * What a new connection is negotiated with: the local tracks where there are some, placeholders
   * for the rest (replaced by nothing right after). Negotiating with the real tracks saves the
   * replaceTrack calls that would otherwise wait in the connection's queue behind createOffer.
   */
  #outgoingStream(): MediaStream {
    const placeholders = this.#placeholderStream();
    const { audio, video } = this.#options.getLocalTracks();
    if (!audio && !video) return placeholders;
    const live = (track: MediaStreamTrack | undefined) => (track?.readyState === 'live' ? track : undefined);
    return new MediaStream([live(audio) ?? placeholders.getAudioTracks()[0]!, live(video) ?? placeholders.getVideoTracks()[0]!]);
  }

  #placeholderStream(): MediaStream {
    this.#placeholders ??= (this.#options.createPlaceholders ?? silentTracks)();
    return this.#placeholders;
  }

  #scheduleReconnect(ms: number) {
    if (this.#closed || this.#reconnectTimer) return;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      const peer = this.#peer;
      if (!peer || this.#closed || peer.destroyed) return;
      if (peer.disconnected) {
        peer.reconnect();
        // Keep trying often: a restarted server should find everyone back within seconds.
        this.#scheduleReconnect(Math.min(ms * 1.5, 2000));
      }
    }, ms);
  }
}

/**
 * Resolves when each call's answer has come back and been applied (from then on ICE, DTLS and
 * the first key frame need no main thread for a while), or after ANSWERS_IN_MS.
 */
function answersIn(calls: MeshCall[]): Promise<void> {
  const answered = (pc: RTCPeerConnection) => pc.signalingState === 'closed' || (pc.signalingState === 'stable' && !!pc.remoteDescription);
  const waiting = calls.map((c) => c.peerConnection).filter((pc): pc is RTCPeerConnection => !!pc && !answered(pc));
  if (!waiting.length) return Promise.resolve();
  return new Promise((resolve) => {
    let left = waiting.length;
    const cap = setTimeout(resolve, ANSWERS_IN_MS);
    for (const pc of waiting) {
      const changed = () => {
        if (!answered(pc)) return;
        pc.removeEventListener('signalingstatechange', changed);
        if (--left > 0) return;
        clearTimeout(cap);
        resolve();
      };
      pc.addEventListener('signalingstatechange', changed);
    }
  });
}

/** One audio and one video track that never carry anything; they only shape the offer. */
function silentTracks(): MediaStream {
  const canvas = document.createElement('canvas');
  canvas.width = 16;
  canvas.height = 9;
  const video = canvas.captureStream(0).getVideoTracks()[0]!;
  const AudioCtx = globalThis.AudioContext ?? (globalThis as unknown as { webkitAudioContext: typeof AudioContext }).webkitAudioContext;
  const context = new AudioCtx();
  const audio = context.createMediaStreamDestination().stream.getAudioTracks()[0]!;
  void context.suspend();
  return new MediaStream([audio, video]);
}

function closeCall(call: MeshCall) {
  // PeerJS's close does not reliably reach the other side; the room tells them instead.
  try {
    call.close();
  } catch {
    // Already closed.
  }
}

/**
 * Sets a connection's video encoding: scaled to `height` (device pixels; 0 pauses it, undefined
 * leaves the size), at most `maxBitrate`, at `priority`. Only a real change is applied:
 * setParameters reconfigures the encoder, which delays the next frame (measured: a first frame
 * 80 ms later when a join's first view re-applied the same size).
 */
function encode(call: MeshCall, height: number | undefined, maxBitrate: number | undefined, priority?: RTCPriorityType) {
  const pc = call.peerConnection;
  if (!pc || pc.signalingState === 'closed') return;
  const sender = pc.getTransceivers().find((t) => t.receiver.track?.kind === 'video')?.sender;
  if (!sender) return;
  const params = sender.getParameters();
  const encoding = params.encodings?.[0];
  if (!encoding) return;
  const source = sender.track?.getSettings().height ?? 360;
  const active = height === undefined ? (encoding.active ?? true) : height > 0;
  const scale = height ? Math.max(1, source / height) : (encoding.scaleResolutionDownBy ?? 1);
  const bitrate = maxBitrate || encoding.maxBitrate;
  const same =
    (encoding.active ?? true) === active &&
    Math.abs((encoding.scaleResolutionDownBy ?? 1) - scale) < 0.05 &&
    (bitrate === encoding.maxBitrate || (!!bitrate && !!encoding.maxBitrate && Math.abs(bitrate / encoding.maxBitrate - 1) < 0.1)) &&
    (!priority || encoding.priority === priority);
  if (same) return;
  encoding.active = active;
  encoding.scaleResolutionDownBy = scale;
  if (bitrate) encoding.maxBitrate = bitrate;
  if (priority) {
    encoding.priority = priority;
    encoding.networkPriority = priority;
  }
  sender.setParameters(params).catch(() => {});
}
