/**
 * One person's presence in one call: the room's signaling plus the WebRTC mesh, kept in step.
 * It exposes plain state (participants with their streams) and a `change` event; the UI never
 * sees a socket or a peer connection.
 *
 * Who calls whom: whoever is already in the room calls each newcomer (the classic protocol), so
 * a newcomer only has to be reachable before it joins. If a call has not arrived a few seconds
 * after joining, the newcomer calls instead.
 */
import type { ClientConfig } from '../../protocol/api.js';
import type { ChatMessage, JoinedRoom, Knock, KnockAnswer, MediaState, Participant, Reaction, RoomInfo } from '../../protocol/contract.js';
import { Emitter } from './emitter.js';
import type { LocalMedia } from './local-media.js';
import { PeerMesh, type ConnectionState } from './peer-mesh.js';
import { RoomSignaling, SignalingError } from './room-signaling.js';

export interface RemoteParticipant extends Participant {
  stream: MediaStream | undefined;
  connection: ConnectionState;
}

export type SessionStatus = 'idle' | 'joining' | 'knocking' | 'joined' | 'reconnecting' | 'left' | 'denied' | 'removed' | 'failed';

/** A chat message as this person sees it: their own ones may still be sending, or have failed. */
export interface ChatEntry extends ChatMessage {
  status: 'sending' | 'sent' | 'failed';
  /** Why it failed, in words a person can act on. */
  problem?: string;
}

export interface FloatingReaction {
  id: number;
  peerId: string;
  emoji: Reaction;
}

export interface SessionState {
  status: SessionStatus;
  self: Participant | undefined;
  participants: RemoteParticipant[];
  error: { code: string; message: string } | undefined;
  /** A problem with the call that is not fatal, in words a person can act on. */
  notice: string | undefined;
  room: RoomInfo | undefined;
  chat: ChatEntry[];
  /** People waiting to be let in: only the host sees them. */
  lobby: Knock[];
  /** Reactions floating over tiles right now. */
  reactions: FloatingReaction[];
}


export interface CallSessionOptions {
  server: URL;
  roomId: string;
  name: string;
  media: LocalMedia;
  /** This browser's lasting random id (lets a host keep a removed person out). */
  clientId?: string;
  /** Admission to a private or locked room. */
  ticket?: string;
}

const REACTION_SHOWN_MS = 3500;

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

export const fetchServerConfig = (server: URL) => getJson<ClientConfig>(new URL('/api/config', server));

export class CallSession extends Emitter<{ change: [SessionState] }> {
  #options: CallSessionOptions;
  #status: SessionStatus = 'idle';
  #self: Participant | undefined;
  #error: SessionState['error'];
  #notice: string | undefined;
  #room: RoomInfo | undefined;
  #chat: ChatEntry[] = [];
  #lobby: Knock[] = [];
  #reactions: FloatingReaction[] = [];
  #reactionCount = 0;
  #knockAnswer: ((answer: KnockAnswer) => void) | undefined;
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
      room: this.#room,
      chat: this.#chat,
      lobby: this.#lobby,
      reactions: this.#reactions,
    };
  }

  async join(): Promise<void> {
    const { server, roomId, name, media } = this.#options;
    this.#setStatus('joining');
    try {
      // The signaling connection opens while the config loads: ICE servers and TURN credentials
      // come over it (the server hands them only to a live connection from an allowed page).
      const signaling = new RoomSignaling(server);
      this.#signaling = signaling;
      const [config, ice] = await Promise.all([fetchServerConfig(server), signaling.iceServers()]);
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

      signaling.on('user-connected', (p) => this.#onUserConnected(p));
      signaling.on('user-disconnected', (peerId, reason) => this.#onUserDisconnected(peerId, reason));
      signaling.on('participant-updated', (p) => this.#patch(p.peerId, p));
      signaling.on('rejoined', (joined) => this.#onRejoined(joined));
      signaling.on('room-updated', (info) => {
        this.#room = info;
        if (info.hostPeerId !== this.#self?.peerId) this.#lobby = [];
        this.#changed();
      });
      signaling.on('chat-message', (message) => {
        this.#chat = [...this.#chat, { ...message, status: 'sent' as const }].slice(-200);
        this.#changed();
      });
      signaling.on('reaction', (peerId, emoji) => this.#showReaction(peerId, emoji));
      signaling.on('knocking', (knock) => {
        if (!this.#lobby.some((k) => k.knockId === knock.knockId)) this.#lobby = [...this.#lobby, knock];
        this.#changed();
      });
      signaling.on('knock-withdrawn', (knockId) => {
        this.#lobby = this.#lobby.filter((k) => k.knockId !== knockId);
        this.#changed();
      });
      signaling.on('knock-answered', (answer) => this.#knockAnswer?.(answer));
      signaling.on('removed', () => void this.#end('removed'));
      // Back online but no longer a member (the grace ran out in a locked room, say): say why.
      signaling.on('rejoin-failed', (code, message) => {
        this.#error = { code, message };
        void this.#end('failed');
      });
      signaling.on('connection', (connected) => {
        if (this.#status === 'joined' || this.#status === 'reconnecting') this.#setStatus(connected ? 'joined' : 'reconnecting');
      });

      const audio = media.state.audioEnabled;
      const video = media.state.videoEnabled;
      const options = { name, audio, video, peerToken: mesh.token, clientId: this.#options.clientId, ticket: this.#options.ticket };
      let joined: JoinedRoom;
      try {
        joined = await signaling.join(roomId, mesh.peerId, options);
      } catch (error) {
        if (!(error instanceof SignalingError) || error.code !== 'room-locked') throw error;
        // Locked: wait in the lobby for the host's answer.
        const ticket = await this.#knock();
        if (ticket === undefined) return;
        joined = await signaling.join(roomId, mesh.peerId, ticket ? { ...options, ticket } : options);
      }
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
  leave(): Promise<void> {
    return this.#end('left');
  }

  /** Stops waiting in the lobby. */
  async cancelKnock(): Promise<void> {
    await this.#signaling?.cancelKnock().catch(() => null);
    this.#knockAnswer?.({ admitted: false });
    await this.#end('left');
  }

  /** Sends a chat message; a failed one stays in the list, marked, to retry. */
  async sendChat(text: string, retryOf?: string): Promise<void> {
    const local: ChatEntry = {
      id: retryOf ?? `local-${Date.now()}-${Math.random()}`,
      peerId: this.#self?.peerId ?? '',
      name: this.#self?.name ?? this.#options.name,
      text,
      sentAt: Date.now(),
      status: 'sending',
    };
    this.#chat = retryOf ? this.#chat.map((m) => (m.id === retryOf ? local : m)) : [...this.#chat, local];
    this.#changed();
    try {
      if (!this.#signaling) throw new SignalingError('not-in-room', 'You are not in the call');
      const sent = await this.#signaling.sendChat(text);
      this.#chat = this.#chat.map((m) => (m.id === local.id ? { ...sent, status: 'sent' as const } : m));
    } catch (error) {
      const problem = error instanceof Error ? error.message : 'Not sent';
      this.#chat = this.#chat.map((m) => (m.id === local.id ? { ...m, status: 'failed' as const, problem } : m));
    }
    this.#changed();
  }

  async raiseHand(raised: boolean): Promise<void> {
    if (!this.#signaling || !this.#self) return;
    this.#self = await this.#signaling.raiseHand(raised);
    this.#changed();
  }

  async react(emoji: Reaction): Promise<void> {
    if (!this.#signaling || !this.#self) return;
    this.#showReaction(this.#self.peerId, emoji);
    await this.#signaling.react(emoji).catch(() => null);
  }

  async lockRoom(locked: boolean): Promise<void> {
    if (!this.#signaling) return;
    this.#room = await this.#signaling.lockRoom(locked);
    this.#changed();
  }

  async answerKnock(knockId: string, admit: boolean): Promise<void> {
    this.#lobby = this.#lobby.filter((k) => k.knockId !== knockId);
    this.#changed();
    await this.#signaling?.answerKnock(knockId, admit).catch(() => null);
  }

  async removeParticipant(peerId: string): Promise<void> {
    await this.#signaling?.removeParticipant(peerId);
  }

  /** Knocks and waits; resolves with the ticket, or undefined when denied or cancelled. */
  async #knock(): Promise<string | undefined> {
    const { roomId, name } = this.#options;
    const answered = new Promise<KnockAnswer>((resolve) => (this.#knockAnswer = resolve));
    try {
      await this.#signaling!.knock(roomId, { name, clientId: this.#options.clientId });
    } catch (error) {
      // Unlocked in the meantime: just join.
      if (error instanceof SignalingError && error.code === 'not-locked') return '';
      throw error;
    }
    this.#setStatus('knocking');
    const answer = await answered;
    this.#knockAnswer = undefined;
    if (this.#status !== 'knocking') return undefined; // cancelled
    if (answer.reason === 'ended') {
      // Everyone left while we waited: the lock went with them, and nobody inherits the lobby.
      this.#error = { code: 'ended', message: 'The call ended before anyone let you in' };
      await this.#end('failed');
      return undefined;
    }
    if (!answer.admitted) {
      await this.#end('denied');
      return undefined;
    }
    this.#setStatus('joining');
    return answer.ticket ?? '';
  }

  #showReaction(peerId: string, emoji: Reaction) {
    const reaction: FloatingReaction = { id: ++this.#reactionCount, peerId, emoji };
    this.#reactions = [...this.#reactions, reaction].slice(-20);
    this.#changed();
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#reactions = this.#reactions.filter((r) => r !== reaction);
      this.#changed();
    }, REACTION_SHOWN_MS);
    this.#timers.add(timer);
  }

  async #end(status: 'left' | 'denied' | 'removed' | 'failed') {
    const signaling = this.#signaling;
    this.#signaling = undefined;
    this.#teardown();
    this.#options.media.stop();
    this.#setStatus(status);
    if (status === 'left') await signaling?.leave();
    else signaling?.close();
  }

  #onJoined(joined: JoinedRoom) {
    this.#self = joined.self;
    this.#room = joined.room;
    this.#chat = joined.chat.map((m) => ({ ...m, status: 'sent' as const }));
    this.#lobby = joined.lobby;
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
    this.#room = joined.room;
    this.#lobby = joined.lobby;
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
        if (!this.#signaling) return;
        const ice = await this.#signaling.iceServers();
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
