/**
 * One person's presence in one call: wires the room's signaling and the WebRTC mesh into the
 * room state (room-state.ts) and tells its listeners each new state. The UI never sees a socket
 * or a peer connection: it reads plain state and calls the actions below.
 *
 * The parts it wires, each with one job: RoomSignaling (the Socket.IO connection), PeerMesh (the
 * calls, and who calls whom), Knocking (waiting at a locked door), sendChatMessage (chat with
 * retry), IceRefresh (TURN credentials), LocalMedia (one's own microphone and camera).
 */
import {
  FEATURES,
  type ChatMessage,
  type IceServers,
  type JoinedRoom,
  type JoinOptions,
  type Participant,
  type Reaction,
} from '../../protocol/contract.js';
import { sendChatMessage } from './chat-outbox.js';
import { Emitter } from './emitter.js';
import { IceRefresh } from './ice-refresh.js';
import { Knocking } from './knocking.js';
import type { LocalMedia } from './local-media.js';
import type { PeerMesh } from './peer-mesh.js';
import { connect, type MeshHooks, type Preconnection } from './preconnect.js';
import { RoomSignaling, SignalingError } from './room-signaling.js';
import {
  initialRoomState,
  reduceRoom,
  type CallError,
  type EndStatus,
  type RoomEvent,
  type RoomState,
  type SafetyInfo,
} from './room-state.js';
import { viewStep } from './view-steps.js';
import type { CallRecorder, RecordingSource } from './call-recorder.js';
import type { FileTransfer, FileTransfers } from './file-transfer.js';
import type { MeshData } from './mesh-peer.js';

/** The largest file sent or received when the server does not say (MAX_FILE_MB). */
export const DEFAULT_MAX_FILE_MB = 500;

/** A PeerServer that has not let us in after this long is having trouble (we keep waiting). */
const SLOW_OPEN_MS = 4000;

export interface CallSessionOptions {
  server: URL;
  roomId: string;
  name: string;
  media: LocalMedia;
  /** This browser's lasting random id (lets a host keep a removed person out). */
  clientId?: string;
  /** Admission to a private or locked room. */
  ticket?: string;
  /** The connections made while the person was on the pre-join screen, if any. */
  preconnection?: Preconnection;
}

export interface CallSessionEvents extends Record<string, unknown[]> {
  change: [RoomState];
  /** Someone (oneself included) sent a reaction: the UI floats it for a moment. */
  reaction: [peerId: string, emoji: Reaction];
  /** A file transfer changed: offered, progressed, ended (file-transfer.ts). */
  file: [FileTransfer];
  /** Our recording began (everyone was told first). */
  'recording-started': [];
  /**
   * Our recording ended, with its file: `stopped` by us, `forbidden` by the host, `unannounced`
   * (someone arrived who cannot be told), `left` (the call ended).
   */
  'recording-stopped': [file: File, reason: RecordingStopReason];
}

export type RecordingStopReason = 'stopped' | 'forbidden' | 'unannounced' | 'left';

/** What the in-call screen may do (a CallSession; a fake in component tests). */
export interface CallActions {
  on(event: 'reaction', listener: (peerId: string, emoji: Reaction) => void): () => void;
  /** Resolves with the message as the room took it; a failed one stays in the chat, marked. */
  sendChat(text: string, retryOf?: string): Promise<ChatMessage>;
  raiseHand(raised: boolean): Promise<void>;
  react(emoji: Reaction): Promise<void>;
  lockRoom(locked: boolean): Promise<void>;
  answerKnock(knockId: string, admit: boolean): Promise<void>;
  removeParticipant(peerId: string): Promise<void>;
  shareScreen(on: boolean): Promise<void>;
  /** The height (CSS pixels) each remote tile shows its video at; 0 or absent: not shown. */
  setView(heights: Record<string, number>): void;
  /** Marks the safety code with `peerId` (un)verified on this device. */
  verifySafetyCode?(peerId: string, verified?: boolean): Promise<SafetyInfo | undefined>;
  /**
   * Each remote participant's audio level now (0 to 1), as WebRTC measured it on arrival: no
   * audio graph of our own needed to see who speaks.
   */
  audioLevels?(): Map<string, number>;
  /**
   * Sends a file to `to` (peer ids; by default everyone whose app takes files), person to
   * person; resolves once each has accepted and received it, declined, or the transfer ended.
   */
  sendFile?(file: File, to?: string[]): Promise<FileTransfer[]>;
  /** Tells `listener` each change of a file transfer; returns the unsubscribe. */
  onFile?(listener: (transfer: FileTransfer) => void): () => void;
  answerFile?(id: string, accept: boolean): void;
  cancelFile?(id: string): void;
  dismissFile?(id: string): void;
  /** The largest file that can be sent, in bytes. */
  readonly maxFileBytes?: number;
  /** Records the call in this browser, once everyone else was told; resolves once recording. */
  startRecording?(): Promise<void>;
  /** Resolves with the recording's WebM file (undefined when not recording). */
  stopRecording?(): Promise<File | undefined>;
  /** Host only: forbids recording in the room (or allows it again). */
  forbidRecording?(forbidden: boolean): Promise<void>;
  onRecording?(listener: (file: File | undefined, reason?: RecordingStopReason) => void): () => void;
}

/** How long someone whose connection to the server dropped keeps their tile, if media flows. */
const DROPPED_PARTICIPANT_GRACE_MS = 20_000;

export class CallSession extends Emitter<CallSessionEvents> implements CallActions {
  #options: CallSessionOptions;
  #state: RoomState = initialRoomState;
  #signaling: RoomSignaling | undefined;
  #mesh: PeerMesh | undefined;
  #knocking: Knocking | undefined;
  #iceRefresh: IceRefresh | undefined;
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #quality: { stop(): void } | undefined;
  /** The device's CPU pressure (cpu-pressure.ts): under pressure we ask for video one size smaller. */
  #pressure: { readonly constrained: boolean; stop(): void } | undefined;
  #viewHeights: Record<string, number> = {};
  #viewSent = '';
  /** While the first handshakes run: the state changes but listeners are not told yet (see join). */
  #quiet = false;
  /** Left or ended: a connection that arrives now is closed at once. */
  #over = false;
  #unsubscribeMedia: Array<() => void> = [];
  /** Files, loaded with the first one sent or offered (file-transfer.ts). */
  #files: Promise<FileTransfers> | undefined;
  #maxFileMb = DEFAULT_MAX_FILE_MB;
  /** Our recording, while it runs (or is being started). */
  #recorder: CallRecorder | undefined;
  /** A start under way (everyone being told), and whether a stop was asked meanwhile. */
  #recordingStart: Promise<void> | undefined;
  #stopAsked = false;
  /** The file transfers, once loaded (to end them at once when the call ends). */
  #filesNow: FileTransfers | undefined;

  constructor(options: CallSessionOptions) {
    super();
    this.#options = options;
  }

  get state(): RoomState {
    return this.#state;
  }

  async join(): Promise<void> {
    const { server, media, preconnection } = this.#options;
    this.#dispatch({ type: 'joining' });
    try {
      const hooks: MeshHooks = {
        isInRoom: (peerId) => this.#isInRoom(peerId),
        getLocalTracks: () => ({ audio: media.audioTrack, video: media.videoTrack }),
      };
      // Usually connected already, while the person was on the pre-join screen. The PeerServer
      // waits while the server cannot check ids (its Redis is down): after a few seconds, say so.
      const slow = setTimeout(() => this.#dispatch({ type: 'notice', notice: 'server-trouble' }), SLOW_OPEN_MS);
      const connection = await (preconnection ? preconnection.take(hooks) : connect(server, () => hooks)).finally(() => clearTimeout(slow));
      const { signaling, mesh, config } = connection;
      if (config.maxFileMb) this.#maxFileMb = config.maxFileMb;
      if (this.#over) {
        mesh.close();
        signaling.close();
        return;
      }
      this.#signaling = signaling;
      this.#mesh = mesh;
      mesh.on('stream', (peerId, stream) => this.#dispatch({ type: 'stream', peerId, stream }));
      mesh.on('state', (peerId, connection) => {
        this.#dispatch({ type: 'connection-state', peerId, connection });
        if (connection === 'connected') void this.#readSafetyCode(mesh, peerId);
      });
      mesh.on('relay-error', () => this.#dispatch({ type: 'notice', notice: 'relay-failed' }));
      mesh.on('screen', (peerId, stream) => this.#dispatch({ type: 'screen', peerId, stream }));
      mesh.on('file-channel', (channel) => this.#onFileChannel(channel));
      this.#listen(signaling, mesh);
      document.addEventListener('visibilitychange', this.#sendView);
      // ICE servers and TURN credentials in the same round trip as the join (asked first: the
      // server answers them at once, before the join's ack).
      const iceAskedAt = Date.now();
      const ice = signaling.iceServers();
      ice.catch(() => {});
      const joined = await this.#enter(signaling, mesh);
      if (!joined) return;
      await this.#useIce(signaling, mesh, ice, iceAskedAt);
      // The offers before the call screen: the state changes now, but the screen is told (and
      // drawn) only once the answers are in, so drawing it holds up no step of the handshake.
      this.#quiet = true;
      this.#dispatch({ type: 'joined', joined });
      const answered = mesh.joinedWith(joined.participants);
      this.#followLocalMedia(joined, signaling, mesh);
      await answered;
      this.#speak();
      void this.#watchQuality(mesh);
    } catch (error) {
      const code = error instanceof SignalingError ? error.code : 'unreachable';
      const message = error instanceof Error ? error.message : 'Could not join the call';
      this.#teardown();
      this.#quiet = false;
      this.#dispatch({ type: 'ended', status: 'failed', error: { code, message } });
    }
  }

  /** Hangs up: tells the room, closes every connection and releases camera and microphone. */
  leave(): Promise<void> {
    return this.#end('left');
  }

  /** Stops waiting in the lobby. */
  async cancelKnock(): Promise<void> {
    await this.#knocking?.cancel();
    await this.#end('left');
  }

  /** Sends a chat message; a failed one stays in the list, marked, to retry (and rejects). */
  sendChat(text: string, retryOf?: string): Promise<ChatMessage> {
    const { self } = this.#state;
    const signaling = this.#signaling;
    return sendChatMessage({
      text,
      retryOf,
      author: { peerId: self?.peerId ?? '', name: self?.name ?? this.#options.name },
      send: signaling && ((message) => signaling.sendChat(message)),
      update: (event) => this.#dispatch(event),
    });
  }

  async raiseHand(raised: boolean): Promise<void> {
    if (!this.#signaling || !this.#state.self) return;
    this.#dispatch({ type: 'self-updated', self: await this.#signaling.raiseHand(raised) });
  }

  async react(emoji: Reaction): Promise<void> {
    const { self } = this.#state;
    if (!this.#signaling || !self) return;
    this.emit('reaction', self.peerId, emoji);
    await this.#signaling.react(emoji).catch(() => null);
  }

  async lockRoom(locked: boolean): Promise<void> {
    if (!this.#signaling) return;
    this.#dispatch({ type: 'room-updated', room: await this.#signaling.lockRoom(locked) });
  }

  async answerKnock(knockId: string, admit: boolean): Promise<void> {
    this.#dispatch({ type: 'knock-gone', knockId });
    await this.#signaling?.answerKnock(knockId, admit);
  }

  /**
   * Shares a screen (the browser asks which), or stops. Others see it as its own tile; the
   * browser's own "Stop sharing" ends it too.
   */
  async shareScreen(on: boolean): Promise<void> {
    if (!on) return this.#stopScreen();
    if (this.#state.screen || !this.#mesh) return;
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: true });
    const mesh = this.#mesh;
    if (!mesh || this.#over || this.#state.screen) {
      stream.getTracks().forEach((t) => t.stop());
      return;
    }
    stream.getVideoTracks()[0]?.addEventListener('ended', () => void this.#stopScreen());
    this.#dispatch({ type: 'self-screen', stream });
    mesh.shareScreen(
      stream,
      this.#state.participants.filter((p) => p.offers).map((p) => p.peerId),
    );
    await this.#sendMedia();
  }

  async #stopScreen() {
    const stream = this.#state.screen;
    if (!stream) return;
    stream.getTracks().forEach((t) => t.stop());
    this.#mesh?.shareScreen(undefined, []);
    this.#dispatch({ type: 'self-screen', stream: undefined });
    await this.#sendMedia();
  }

  /**
   * The quality indicator's figures, and the CPU pressure that makes us ask for smaller video
   * (loaded after the join: nothing before the first frame needs them).
   */
  async #watchQuality(mesh: PeerMesh) {
    const [{ QualityMonitor }, { CpuPressure }] = await Promise.all([import('./quality.js'), import('./cpu-pressure.js')]);
    if (this.#over || this.#mesh !== mesh) return;
    const pressure = new CpuPressure(() => {
      this.#viewSent = '';
      this.#sendView();
    });
    this.#pressure = pressure;
    pressure.start();
    const monitor = new QualityMonitor(
      () => mesh.peerConnections().map(({ peerId, pc }) => ({ peerId, pc, videoExpected: !!this.#participant(peerId)?.video })),
      (peerId, quality) => this.#dispatch({ type: 'quality', peerId, quality }),
      (unstable) => this.#dispatch({ type: 'uplink', unstable }),
    );
    this.#quality = monitor;
    monitor.start();
  }

  /**
   * Tells the others at what size we show their video (receiver-driven sending): nothing at all
   * while this tab is hidden, so they need not encode for us.
   */
  setView(heights: Record<string, number>): void {
    this.#viewHeights = heights;
    this.#sendView();
  }

  /**
   * Marks the safety code of the connection with `peerId` as compared and matching (kept on
   * this device for that pair of certificates); resolves with the code, or undefined before the
   * connection is up.
   */
  async verifySafetyCode(peerId: string, verified = true): Promise<SafetyInfo | undefined> {
    const safety = this.#state.participants.find((p) => p.peerId === peerId)?.safety;
    if (!safety) return undefined;
    const { setVerified } = await import('./safety-code.js');
    setVerified(safety.pair, verified);
    const updated = { ...safety, verified };
    this.#dispatch({ type: 'safety', peerId, safety: updated });
    return updated;
  }

  /** The connection's safety code (safety-code.ts, loaded once a connection is up: no first visit needs it). */
  async #readSafetyCode(mesh: PeerMesh, peerId: string) {
    const { connectionFingerprints, isVerified, safetyCode } = await import('./safety-code.js');
    const pc = mesh.peerConnections().find((c) => c.peerId === peerId)?.pc;
    const fingerprints = pc && (await connectionFingerprints(pc).catch(() => undefined));
    if (!fingerprints || this.#over) return;
    const code = await safetyCode(fingerprints.local, fingerprints.remote);
    const pair = `${fingerprints.local}|${fingerprints.remote}`;
    this.#dispatch({ type: 'safety', peerId, safety: { ...code, pair, verified: isVerified(pair) } });
  }

  get maxFileBytes(): number {
    return this.#maxFileMb * 1024 * 1024;
  }

  async sendFile(file: File, to?: string[]): Promise<FileTransfer[]> {
    // Only apps that take files are offered one (an older one would never answer).
    const takers = this.#state.participants.filter((p) => p.features?.includes('files')).map((p) => p.peerId);
    const recipients = to ? to.filter((peerId) => takers.includes(peerId)) : takers;
    if (!this.#mesh || this.#over) throw Object.assign(new Error('Not in a call'), { code: 'not-joined' });
    if (to && recipients.length !== to.length) throw Object.assign(new Error('No such participant'), { code: 'no-such-participant' });
    if (!recipients.length) throw Object.assign(new Error('Nobody here to send it to'), { code: 'no-such-participant' });
    if (file.size > this.maxFileBytes) throw Object.assign(new Error(`Files are up to ${this.#maxFileMb} MB`), { code: 'file-too-large' });
    const files = await this.#fileTransfers();
    return files.send(file, recipients).settled;
  }

  onFile(listener: (transfer: FileTransfer) => void): () => void {
    return this.on('file', listener);
  }

  // A transfer exists only once the file code has loaded: these need no waiting.
  answerFile(id: string, accept: boolean): void {
    if (accept) this.#filesNow?.accept(id);
    else this.#filesNow?.decline(id);
  }

  cancelFile(id: string): void {
    this.#filesNow?.cancel(id);
  }

  dismissFile(id: string): void {
    this.#filesNow?.dismiss(id);
  }

  /** One transfer of this call, by its id (for the API). */
  fileTransfer(id: string): FileTransfer | undefined {
    return this.#filesNow?.get(id);
  }

  #fileTransfers(): Promise<FileTransfers> {
    this.#files ??= import('./file-transfer.js').then(({ FileTransfers, fileChannelOf }) => {
      const files = new FileTransfers({
        maxBytes: this.maxFileBytes,
        openChannel: (peerId) => {
          const connection = this.#mesh?.openFileChannel(peerId);
          return connection ? fileChannelOf(connection) : fileChannelOf(closedChannel(peerId));
        },
      });
      files.on('update', (transfer) => this.emit('file', transfer));
      this.#filesNow = files;
      if (this.#over) files.close();
      return files;
    });
    return this.#files;
  }

  /** Someone in the room offers a file: what arrives while the code loads is kept for it. */
  #onFileChannel(connection: MeshData) {
    const early: unknown[] = [];
    const hold = (data: unknown) => early.push(data);
    connection.on('data', hold);
    void this.#fileTransfers().then(async (files) => {
      const { fileChannelOf } = await import('./file-transfer.js');
      const channel = fileChannelOf(connection, early);
      connection.off('data', hold);
      files.incoming(channel);
    });
  }

  /** Records the call here, once everyone else was told; a second call joins the first. */
  startRecording(): Promise<void> {
    if (this.#recorder) return Promise.resolve();
    this.#recordingStart ??= this.#startRecording().finally(() => (this.#recordingStart = undefined));
    return this.#recordingStart;
  }

  async #startRecording(): Promise<void> {
    const signaling = this.#signaling;
    if (!signaling || this.#over) throw Object.assign(new Error('Not in a call'), { code: 'not-joined' });
    if (this.#state.room?.recordingForbidden)
      throw Object.assign(new Error('The host does not allow recording in this call'), { code: 'recording-forbidden' });
    this.#stopAsked = false;
    const { CallRecorder } = await import('./call-recorder.js');
    const stamp = new Date().toISOString().slice(0, 16).replace(/[T:]/g, '-');
    // Built before anyone is told: a browser that cannot record fails here.
    const recorder = new CallRecorder(() => this.#recordingSources(), { fileName: `callroom-${this.#options.roomId}-${stamp}.webm` });
    let self: Participant;
    try {
      // Resolves only once everyone else acknowledged the notice (and nothing changed meanwhile).
      self = await signaling.setRecording(true);
    } catch (error) {
      void recorder.stop();
      throw error;
    }
    const gone = this.#over || this.#signaling !== signaling;
    if (gone || this.#stopAsked) {
      void recorder.stop();
      await this.#sayNotRecording(signaling);
      if (gone) throw Object.assign(new Error('Not in a call'), { code: 'not-joined' });
      return;
    }
    this.#dispatch({ type: 'self-updated', self });
    try {
      recorder.start();
    } catch (error) {
      void recorder.stop();
      await this.#sayNotRecording(signaling);
      throw error;
    }
    this.#recorder = recorder;
    this.emit('recording-started');
  }

  /** Stops our recording (one still starting too) and tells the room; resolves with the file, if one was made. */
  async stopRecording(): Promise<File | undefined> {
    if (this.#recordingStart) {
      this.#stopAsked = true;
      await this.#recordingStart.catch(() => {});
    }
    const file = await this.#stopRecorder('stopped');
    if (this.#signaling && this.#state.self?.recordingSince !== undefined) await this.#sayNotRecording(this.#signaling);
    return file;
  }

  /** Tells the room we do not record (any more); our own mark follows, unless the call is over. */
  async #sayNotRecording(signaling: RoomSignaling) {
    const self = await signaling.setRecording(false).catch(() => undefined);
    if (self && !this.#over && this.#signaling === signaling) this.#dispatch({ type: 'self-updated', self });
  }

  async forbidRecording(forbidden: boolean): Promise<void> {
    if (!this.#signaling) return;
    this.#dispatch({ type: 'room-updated', room: await this.#signaling.forbidRecording(forbidden) });
  }

  onRecording(listener: (file: File | undefined, reason?: RecordingStopReason) => void): () => void {
    const offStarted = this.on('recording-started', () => listener(undefined));
    const offStopped = this.on('recording-stopped', (file, reason) => listener(file, reason));
    return () => {
      offStarted();
      offStopped();
    };
  }

  async #stopRecorder(reason: RecordingStopReason): Promise<File | undefined> {
    const recorder = this.#recorder;
    if (!recorder) return undefined;
    this.#recorder = undefined;
    const file = await recorder.stop();
    this.emit('recording-stopped', file, reason);
    return file;
  }

  /** What the recording shows: what this person sees, their own tile first, each with a name. */
  #recordingSources(): RecordingSource[] {
    const { self, participants, screen } = this.#state;
    const media = this.#options.media;
    const sources: RecordingSource[] = [];
    if (screen) sources.push({ key: 'screen:self', name: `${self?.name ?? ''}`, stream: screen, video: true });
    for (const p of participants)
      if (p.screenStream) sources.push({ key: `screen:${p.peerId}`, name: p.name, stream: p.screenStream, video: true });
    sources.push({ key: 'self', name: self?.name ?? this.#options.name, stream: media.state.stream, video: media.mediaState.video });
    for (const p of participants) sources.push({ key: p.peerId, name: p.name, stream: p.stream, video: p.video });
    return sources;
  }

  audioLevels(): Map<string, number> {
    return this.#mesh?.audioLevels() ?? new Map();
  }

  #sendView = () => {
    const hidden = typeof document !== 'undefined' && document.visibilityState === 'hidden';
    const ratio = globalThis.devicePixelRatio || 1;
    const down = this.#pressure?.constrained ? 1 : 0;
    const sizes: Record<string, number> = {};
    for (const [peerId, css] of Object.entries(this.#viewHeights)) {
      const pixels = Math.round(css * ratio);
      sizes[peerId] = hidden || pixels <= 0 ? 0 : viewStep(pixels, down);
    }
    const key = JSON.stringify(sizes);
    if (key === this.#viewSent || !this.#signaling) return;
    this.#viewSent = key;
    this.#signaling.sendView(sizes);
  };

  /** Microphone, camera and screen as the room should show them. */
  async #sendMedia() {
    await this.#signaling?.updateMedia({ ...this.#options.media.mediaState, screen: !!this.#state.screen }).catch(() => {});
  }

  async removeParticipant(peerId: string): Promise<void> {
    await this.#signaling?.removeParticipant(peerId);
  }

  /** The ICE servers go to the mesh before its first call, and are kept fresh; none is a failed join. */
  async #useIce(signaling: RoomSignaling, mesh: PeerMesh, asked: Promise<IceServers>, askedAt: number) {
    let ice: IceServers;
    try {
      ice = await asked;
    } catch (error) {
      // In the room, but unable to call anyone: leave it properly, then say why.
      await signaling.leave();
      throw error;
    }
    mesh.setIce(ice);
    this.#iceRefresh = new IceRefresh(
      () => signaling.iceServers(),
      (iceServers) => mesh.setIceServers(iceServers),
    );
    // A knock may have waited a long time for the host: the credentials have aged meanwhile.
    if (ice.ttlSeconds) this.#iceRefresh.start(Math.max(1, ice.ttlSeconds - (Date.now() - askedAt) / 1000));
  }

  /** Joins; a locked room means knocking first. Undefined when we never got in. */
  async #enter(signaling: RoomSignaling, mesh: PeerMesh): Promise<JoinedRoom | undefined> {
    const { roomId, name, media, clientId, ticket } = this.#options;
    const options: JoinOptions = { name, peerToken: mesh.token, clientId, ticket, offers: true, features: [...FEATURES] };
    // Read at each (re)join: LocalMedia alone knows whether the microphone and camera are on.
    const devices = () => media.mediaState;
    try {
      return await signaling.join(roomId, mesh.peerId, options, devices);
    } catch (error) {
      if (!(error instanceof SignalingError) || error.code !== 'room-locked') throw error;
    }
    // Locked: wait in the lobby for the host's answer.
    const knocking = (this.#knocking = new Knocking(signaling));
    const outcome = await knocking.knock(roomId, { name, clientId }, () => this.#dispatch({ type: 'knocking' }));
    this.#knocking = undefined;
    if (outcome.admitted) {
      this.#dispatch({ type: 'joining' });
      return signaling.join(roomId, mesh.peerId, outcome.ticket ? { ...options, ticket: outcome.ticket } : options, devices);
    }
    if (outcome.reason === 'ended') await this.#end('failed', { code: 'ended', message: 'The call ended before anyone let you in' });
    else if (outcome.reason === 'denied') await this.#end('denied');
    return undefined;
  }

  #listen(signaling: RoomSignaling, mesh: PeerMesh) {
    signaling.on('user-connected', (participant) => {
      this.#dispatch({ type: 'participant-joined', participant });
      mesh.welcome(participant);
      // Joined during our share: they see it too (only clients of ours take a screen call).
      if (participant.offers) mesh.sendScreen(participant.peerId);
    });
    signaling.on('user-disconnected', (peerId, reason) => this.#onUserDisconnected(peerId, reason));
    signaling.on('view', (peerId, sizes) => {
      const self = this.#state.self?.peerId;
      const height = self ? sizes[self] : undefined;
      if (typeof height === 'number') mesh.setSendHeight(peerId, height);
    });
    signaling.on('participant-updated', (participant) => {
      if (participant.peerId === this.#state.self?.peerId) return this.#onSelfUpdated(participant);
      this.#dispatch({ type: 'participant-updated', participant });
      if (!participant.screen) mesh.dropScreen(participant.peerId);
    });
    // Someone starts recording: shown at once (the server hears our ack right after).
    signaling.on('recording-notice', (participant) => {
      if (participant.peerId !== this.#state.self?.peerId) this.#dispatch({ type: 'participant-updated', participant });
    });
    signaling.on('rejoined', (joined) => this.#onRejoined(joined, mesh));
    signaling.on('room-updated', (room) => this.#dispatch({ type: 'room-updated', room }));
    signaling.on('chat-message', (message) => this.#dispatch({ type: 'chat-received', message }));
    signaling.on('reaction', (peerId, emoji) => this.emit('reaction', peerId, emoji));
    signaling.on('knocking', (knock) => this.#dispatch({ type: 'knock-arrived', knock }));
    signaling.on('knock-withdrawn', (knockId) => this.#dispatch({ type: 'knock-gone', knockId }));
    signaling.on('removed', () => void this.#end('removed'));
    // Back online but no longer a member (the grace ran out in a locked room, say): say why.
    signaling.on('trouble', () => this.#dispatch({ type: 'notice', notice: 'server-trouble' }));
    signaling.on('rejoin-failed', (code, message) => void this.#end('failed', { code, message }));
    signaling.on('connection', (connected) => this.#dispatch({ type: 'connection', connected }));
  }

  /** Sends the devices as they change: a camera that starts late or is switched on goes out at once. */
  #followLocalMedia(joined: JoinedRoom, signaling: RoomSignaling, mesh: PeerMesh) {
    const { media } = this.#options;
    this.#unsubscribeMedia = [media.on('change', () => mesh.updateLocalTracks()), media.on('toggled', () => void this.#sendMedia())];
    mesh.updateLocalTracks();
    // Switched while the join was on its way: tell the room now.
    const now = media.mediaState;
    if (now.audio !== joined.self.audio || now.video !== joined.self.video) void this.#sendMedia();
  }

  /** The room changed something of ours: a recording stopped by the host's "no", or by a newcomer who cannot be told. */
  #onSelfUpdated(self: Participant) {
    this.#dispatch({ type: 'self-updated', self });
    if (self.recordingSince === undefined && this.#recorder) {
      void this.#stopRecorder(this.#state.room?.recordingForbidden ? 'forbidden' : 'unannounced');
    }
  }

  #onRejoined(joined: JoinedRoom, mesh: PeerMesh) {
    // The room no longer knows we record (the grace ran out, a server restarted): we stop, as
    // nobody is told any more.
    if (joined.self.recordingSince === undefined && this.#recorder) void this.#stopRecorder('unannounced');
    const before = this.#state.participants.map((p) => p.peerId);
    const stillConnected = before.filter((peerId) => mesh.isHealthy(peerId));
    this.#dispatch({ type: 'rejoined', joined, stillConnected });
    // The join carries microphone and camera; a screen being shared is said again, and the view.
    if (this.#state.screen) void this.#sendMedia();
    this.#viewSent = '';
    this.#sendView();
    for (const peerId of before) if (!this.#isInRoom(peerId)) mesh.hangUp(peerId);
    for (const p of joined.participants) mesh.admitted(p.peerId);
  }

  #onUserDisconnected(peerId: string, reason: 'left' | 'disconnected') {
    if (reason === 'left' || !this.#mesh?.isHealthy(peerId)) return this.#remove(peerId);
    // Their link to the server dropped but their media still reaches us: they will be back.
    // Coming back, they join again with a new join time; if they have not, they are gone.
    const joinedAt = this.#participant(peerId)?.joinedAt;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (this.#participant(peerId)?.joinedAt === joinedAt) this.#remove(peerId);
    }, DROPPED_PARTICIPANT_GRACE_MS);
    this.#timers.add(timer);
  }

  #remove(peerId: string) {
    this.#filesNow?.endWith(peerId);
    this.#mesh?.hangUp(peerId);
    this.#dispatch({ type: 'participant-left', peerId });
  }

  async #end(status: EndStatus, error?: CallError) {
    this.#over = true;
    this.#options.preconnection?.close();
    const signaling = this.#signaling;
    this.#signaling = undefined;
    this.#knocking?.abandon();
    this.#teardown();
    this.#options.media.stop();
    this.#state.screen?.getTracks().forEach((t) => t.stop());
    this.#quiet = false;
    this.#dispatch({ type: 'ended', status, error });
    if (status === 'left') await signaling?.leave();
    else signaling?.close();
  }

  #teardown() {
    // Before the connections close, so the others hear "cancelled" rather than a lost connection.
    this.#filesNow?.close();
    void this.#stopRecorder('left');
    this.#timers.forEach((t) => clearTimeout(t));
    this.#timers.clear();
    this.#iceRefresh?.stop();
    this.#quality?.stop();
    this.#quality = undefined;
    this.#pressure?.stop();
    this.#pressure = undefined;
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.#sendView);
    this.#unsubscribeMedia.forEach((unsubscribe) => unsubscribe());
    this.#unsubscribeMedia = [];
    this.#mesh?.close();
    this.#mesh = undefined;
    this.#signaling?.close();
    this.#signaling = undefined;
  }

  #participant(peerId: string) {
    return this.#state.participants.find((p) => p.peerId === peerId);
  }

  #isInRoom(peerId: string) {
    return this.#participant(peerId) !== undefined;
  }

  #dispatch(event: RoomEvent) {
    const next = reduceRoom(this.#state, event);
    if (next === this.#state) return;
    this.#state = next;
    if (!this.#quiet) this.emit('change', next);
  }

  /** Tells the listeners the state as it is now, after a quiet moment. */
  #speak() {
    if (!this.#quiet) return;
    this.#quiet = false;
    this.emit('change', this.#state);
  }
}

/** A data connection that never opens (the mesh could not make one): its transfer fails. */
function closedChannel(peer: string): MeshData {
  return {
    peer,
    open: false,
    dataChannel: undefined,
    send() {},
    close() {},
    on(event: string, listener: (...args: never[]) => void) {
      if (event === 'close') setTimeout(listener, 0);
    },
    off() {},
  } as MeshData;
}
