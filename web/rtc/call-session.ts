/**
 * One person's presence in one call: the room's signaling plus the WebRTC mesh, kept in step.
 * It exposes plain state (participants with their streams) and a `change` event; the UI never
 * sees a socket or a peer connection.
 *
 * Who calls whom: whoever is already in the room calls each newcomer (the classic protocol), so
 * a newcomer only has to be reachable before it joins. If a call has not arrived a few seconds
 * after joining, the newcomer calls instead.
 */
import type { JoinedRoom, MediaState, Participant } from '../../server/signaling/contract.js';
import { Emitter } from './emitter.js';
import type { LocalMedia } from './local-media.js';
import { PeerMesh, type ConnectionState } from './peer-mesh.js';
import { RoomSignaling, SignalingError } from './room-signaling.js';

export interface RemoteParticipant extends Participant {
  stream: MediaStream | undefined;
  connection: ConnectionState;
}

export type SessionStatus = 'idle' | 'joining' | 'joined' | 'reconnecting' | 'left' | 'failed';

export interface SessionState {
  status: SessionStatus;
  self: Participant | undefined;
  participants: RemoteParticipant[];
  error: { code: string; message: string } | undefined;
  /** A problem with the call that is not fatal, in words a person can act on. */
  notice: string | undefined;
}

export interface ServerConfig {
  peer: { path: string; key: string };
}

export interface IceConfig {
  iceServers: RTCIceServer[];
  iceTransportPolicy: RTCIceTransportPolicy;
  ttlSeconds?: number;
}

export interface CallSessionOptions {
  server: URL;
  roomId: string;
  name: string;
  media: LocalMedia;
}

const NEWCOMER_FALLBACK_CALL_MS = 4000;
const REPAIR_FIRST_MS = 500;
const REPAIR_FALLBACK_MS = 4000;
/** How long someone whose connection to the server dropped keeps their tile, if media flows. */
const DROPPED_PARTICIPANT_GRACE_MS = 20_000;
export const RELAY_FAILED_NOTICE = 'Could not connect through the relay server (TURN). Ask whoever runs this call server to check its TURN settings.';

async function getJson<T>(url: URL): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { cache: 'no-store' });
  } catch {
    throw new SignalingError('unreachable', 'Could not reach the call server: check your connection');
  }
  if (!response.ok) throw new SignalingError('config', `The call server answered ${response.status}`);
  return (await response.json()) as T;
}

export const fetchServerConfig = (server: URL) => getJson<ServerConfig>(new URL('/api/config', server));
export const fetchIceConfig = (server: URL) => getJson<IceConfig>(new URL('/api/ice', server));

export class CallSession extends Emitter<{ change: [SessionState] }> {
  #options: CallSessionOptions;
  #status: SessionStatus = 'idle';
  #self: Participant | undefined;
  #error: SessionState['error'];
  #notice: string | undefined;
  #participants = new Map<string, RemoteParticipant>();
  #signaling: RoomSignaling | undefined;
  #mesh: PeerMesh | undefined;
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #unsubscribeMedia: (() => void) | undefined;

  constructor(options: CallSessionOptions) {
    super();
    this.#options = options;
  }

  get state(): SessionState {
    return {
      status: this.#status,
      self: this.#self,
      participants: [...this.#participants.values()].sort((a, b) => a.joinedAt - b.joinedAt),
      error: this.#error,
      notice: this.#notice,
    };
  }

  async join(): Promise<void> {
    const { server, roomId, name, media } = this.#options;
    this.#setStatus('joining');
    try {
      const [config, ice] = await Promise.all([fetchServerConfig(server), fetchIceConfig(server)]);
      const mesh = new PeerMesh({
        server,
        peerPath: config.peer.path,
        peerKey: config.peer.key,
        iceServers: ice.iceServers,
        iceTransportPolicy: ice.iceTransportPolicy,
        isInRoom: (peerId) => this.#participants.has(peerId),
        getLocalTracks: () => ({ audio: media.audioTrack, video: media.videoTrack }),
      });
      this.#mesh = mesh;
      mesh.on('stream', (peerId, stream) => this.#patch(peerId, { stream }));
      mesh.on('state', (peerId, connection) => this.#onConnectionState(peerId, connection));
      mesh.on('relay-error', () => {
        this.#notice = RELAY_FAILED_NOTICE;
        this.#changed();
      });
      this.#scheduleIceRefresh(ice.ttlSeconds);
      // The PeerServer must know our id before anyone in the room tries to call it.
      await mesh.open();

      const signaling = new RoomSignaling(server);
      this.#signaling = signaling;
      signaling.on('user-connected', (p) => this.#onUserConnected(p));
      signaling.on('user-disconnected', (peerId, reason) => this.#onUserDisconnected(peerId, reason));
      signaling.on('participant-updated', (p) => this.#patch(p.peerId, p));
      signaling.on('rejoined', (joined) => this.#onRejoined(joined));
      signaling.on('connection', (connected) => {
        if (this.#status === 'joined' || this.#status === 'reconnecting') this.#setStatus(connected ? 'joined' : 'reconnecting');
      });

      const audio = media.state.audioEnabled;
      const video = media.state.videoEnabled;
      const joined = await signaling.join(roomId, mesh.peerId, { name, audio, video, peerToken: mesh.token });
      this.#onJoined(joined);
      // Follow the local devices: a camera that starts late or is switched on is sent at once.
      this.#unsubscribeMedia = media.on('change', () => this.#onLocalMediaChange());
      this.#onLocalMediaChange();
    } catch (error) {
      const code = error instanceof SignalingError ? error.code : 'unreachable';
      const message = error instanceof Error ? error.message : 'Could not join the call';
      this.#error = { code, message };
      this.#teardown();
      this.#setStatus('failed');
    }
  }

  /** Hangs up: tells the room, closes every connection and releases camera and microphone. */
  async leave(): Promise<void> {
    const signaling = this.#signaling;
    this.#signaling = undefined;
    this.#teardown();
    this.#options.media.stop();
    this.#setStatus('left');
    await signaling?.leave();
  }

  #onJoined(joined: JoinedRoom) {
    this.#self = joined.self;
    for (const p of joined.participants) this.#participants.set(p.peerId, { ...p, stream: undefined, connection: 'connecting' });
    joined.participants.forEach((p) => this.#mesh?.admitted(p.peerId));
    this.#setStatus('joined');
    // Those already here call us; if one's call got lost on the way, call them ourselves.
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      for (const p of joined.participants) {
        if (this.#participants.has(p.peerId) && !this.#mesh?.has(p.peerId)) this.#mesh?.call(p.peerId);
      }
    }, NEWCOMER_FALLBACK_CALL_MS);
    this.#timers.add(timer);
  }

  #onRejoined(joined: JoinedRoom) {
    this.#self = joined.self;
    const present = new Set(joined.participants.map((p) => p.peerId));
    for (const peerId of this.#participants.keys()) {
      // Someone missing from the server's fresh list but still sending us media is kept:
      // after a server restart they are about to rejoin too.
      if (!present.has(peerId) && !this.#mesh?.isHealthy(peerId)) this.#remove(peerId);
    }
    for (const p of joined.participants) this.#onUserConnected(p, false);
    this.#setStatus('joined');
  }

  #onUserConnected(participant: Participant, callThem = true) {
    const known = this.#participants.get(participant.peerId);
    this.#participants.set(participant.peerId, {
      ...participant,
      stream: known?.stream,
      connection: known?.connection ?? 'connecting',
    });
    this.#mesh?.admitted(participant.peerId);
    // Already connected to them (they only rejoined after a server restart): keep the media.
    if (callThem && !this.#mesh?.isHealthy(participant.peerId)) this.#mesh?.call(participant.peerId);
    this.#changed();
  }

  #onUserDisconnected(peerId: string, reason: 'left' | 'disconnected') {
    if (reason === 'left' || !this.#mesh?.isHealthy(peerId)) return this.#remove(peerId);
    // Their link to the server dropped but their media still reaches us: they will be back.
    // Coming back, they join again with a new join time; if they have not, they are gone.
    const joinedAt = this.#participants.get(peerId)?.joinedAt;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (this.#participants.get(peerId)?.joinedAt === joinedAt) this.#remove(peerId);
    }, DROPPED_PARTICIPANT_GRACE_MS);
    this.#timers.add(timer);
  }

  /** Fresh TURN credentials before the old ones expire (at 80% of their lifetime). */
  #scheduleIceRefresh(ttlSeconds: number | undefined) {
    if (!ttlSeconds) return;
    const timer = setTimeout(async () => {
      this.#timers.delete(timer);
      try {
        const ice = await fetchIceConfig(this.#options.server);
        this.#mesh?.setIceServers(ice.iceServers);
        this.#scheduleIceRefresh(ice.ttlSeconds);
      } catch {
        this.#scheduleIceRefresh(60);
      }
    }, ttlSeconds * 800);
    this.#timers.add(timer);
  }

  #onConnectionState(peerId: string, connection: ConnectionState) {
    if (!this.#participants.has(peerId)) return;
    this.#patch(peerId, { connection });
    if (connection === 'failed' && this.#mesh) {
      // Both sides repair a failed connection with a fresh call; the smaller id goes first, the
      // other only if that did not happen (the other side may not have noticed the failure).
      const delay = this.#mesh.peerId < peerId ? REPAIR_FIRST_MS : REPAIR_FALLBACK_MS;
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        if (this.#participants.has(peerId) && !this.#mesh?.isHealthy(peerId)) this.#mesh?.call(peerId);
      }, delay);
      this.#timers.add(timer);
    }
  }

  #onLocalMediaChange() {
    const { audioEnabled, videoEnabled } = this.#options.media.state;
    this.#mesh?.updateLocalTracks();
    if (!this.#self || (this.#self.audio === audioEnabled && this.#self.video === videoEnabled)) return;
    const media: MediaState = { audio: audioEnabled, video: videoEnabled };
    this.#self = { ...this.#self, ...media };
    this.#changed();
    this.#signaling?.updateMedia(media).catch(() => {});
  }

  #patch(peerId: string, patch: Partial<RemoteParticipant>) {
    const current = this.#participants.get(peerId);
    if (!current) return;
    this.#participants.set(peerId, { ...current, ...patch });
    this.#changed();
  }

  #remove(peerId: string) {
    this.#mesh?.hangUp(peerId);
    if (this.#participants.delete(peerId)) this.#changed();
  }

  #teardown() {
    this.#timers.forEach((t) => clearTimeout(t));
    this.#timers.clear();
    this.#unsubscribeMedia?.();
    this.#unsubscribeMedia = undefined;
    this.#mesh?.close();
    this.#mesh = undefined;
    this.#signaling?.close();
    this.#signaling = undefined;
    this.#participants.clear();
  }

  #setStatus(status: SessionStatus) {
    this.#status = status;
    this.#changed();
  }

  #changed() {
    this.emit('change', this.state);
  }
}
