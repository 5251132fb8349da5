/**
 * The whole call: pre-join screen, the grid of participants, controls, and the ended screens.
 * Drop it into any page: `<call-room room="team-standup" name="Ada">`; `server` defaults to the
 * origin this script was loaded from.
 */
import { LitElement, html, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { ROOM_ID_PATTERN } from '../../protocol/contract.js';
import { CallSessionController } from '../controllers/call-session-controller.js';
import { LocalMediaController } from '../controllers/local-media-controller.js';
import { SizeController } from '../controllers/size-controller.js';
import { SpeakingController } from '../controllers/speaking-controller.js';
import { RELAY_FAILED_NOTICE, type RemoteParticipant } from '../rtc/call-session.js';
import { randomId } from '../rtc/emitter.js';
import { callRoomStyles } from './call-room.styles.js';
import { emit } from './emit.js';
import { bestColumns } from './grid-layout.js';
import { linkIcon, shareIcon } from './icons.js';
import type { ToggleDetail } from './media-controls.js';
import type { Reaction } from '../../protocol/contract.js';
import './chat-panel.js';
import './knock-requests.js';
import './media-controls.js';
import './people-panel.js';
import type { PersonRow } from './people-panel.js';
import './video-tile.js';

const NAME_STORAGE_KEY = 'callroom:name';
const CLIENT_STORAGE_KEY = 'callroom:client';
const SELF = 'self';
/** Where this module was served from: the call server, unless `server` says otherwise. */
const SCRIPT_ORIGIN = new URL(import.meta.url).origin;

function rememberedName(): string {
  try {
    return localStorage.getItem(NAME_STORAGE_KEY) ?? '';
  } catch {
    return '';
  }
}

/** This browser's lasting random id (lets a host keep a removed person out of a locked room). */
function clientId(): string | undefined {
  try {
    let id = localStorage.getItem(CLIENT_STORAGE_KEY);
    if (!id) localStorage.setItem(CLIENT_STORAGE_KEY, (id = randomId(16)));
    return id;
  } catch {
    return undefined;
  }
}

@customElement('call-room')
export class CallRoom extends LitElement {
  static override styles = callRoomStyles;

  // Devices only for a valid call link: no camera light behind "This is not a valid call link".
  #media = new LocalMediaController(this, undefined, () => ROOM_ID_PATTERN.test(this.room));
  #call = new CallSessionController(this);
  #gridSize = new SizeController(this);
  #speaking = new SpeakingController(this);
  #copiedTimer: ReturnType<typeof setTimeout> | undefined;
  #columns = 1;

  @query('.grid') private _grid?: HTMLElement;

  @state() private _name = '';
  @state() private _copied = false;
  @state() private _panel: 'chat' | 'people' | undefined;
  /** How many chat messages had been seen when the chat was last open. */
  @state() private _chatSeen = 0;

  /** The room id: letters, digits, `-` and `_`, up to 64. */
  @property() room = '';
  /** The display name to start with (the person can change it before joining). */
  @property() name = '';
  /** Origin of the callroom server; defaults to where this script came from. */
  @property() server = '';
  /** An admission ticket for a private or locked room (from an accepted ring). */
  @property() ticket = '';

  override connectedCallback(): void {
    super.connectedCallback();
    this._name ||= this.name || rememberedName();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#copiedTimer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('name') && this.name && !this._name) this._name = this.name;
    if (changed.has('room')) this.#media.sync();
  }

  protected override updated(): void {
    this.#gridSize.observe(this._grid);
    const { status, participants, chat } = this.#call.state;
    const inCall = status === 'joined' || status === 'reconnecting';
    const streams = new Map<string, MediaStream | undefined>();
    if (inCall) {
      streams.set(SELF, this.#media.state.stream);
      for (const p of participants) streams.set(p.peerId, p.stream);
    }
    this.#speaking.track(streams);
    if (this._panel === 'chat' && this._chatSeen !== chat.length) this._chatSeen = chat.length;
    // Through the CSSOM, not a style="" attribute, which the Content-Security-Policy forbids.
    this._grid?.style.setProperty('--columns', String(this.#columns));
  }

  private get _serverUrl(): URL {
    return new URL(this.server || SCRIPT_ORIGIN);
  }

  private get _link(): string {
    return new URL(`/r/${encodeURIComponent(this.room)}`, this._serverUrl).href;
  }

  private async _join(event?: Event) {
    event?.preventDefault();
    const name = this._name.trim();
    try {
      if (name) localStorage.setItem(NAME_STORAGE_KEY, name);
    } catch {
      // Private mode: the name is simply not remembered.
    }
    this._panel = undefined;
    this._chatSeen = 0;
    await this.#call.join({
      server: this._serverUrl,
      roomId: this.room,
      name,
      media: this.#media.media,
      clientId: clientId(),
      ticket: this.ticket || undefined,
    });
    if (this.#call.state.status === 'joined') emit(this, 'call-joined', { room: this.room });
    // Not in a call (full, unreachable): the camera must not stay on behind an error message.
    if (this.#call.state.status === 'failed') this.#media.media.stop();
  }

  private async _leave() {
    await this.#call.leave();
    emit(this, 'call-left', { room: this.room });
  }

  private _rejoinScreen() {
    // Back to the pre-join screen with fresh devices (Leave released the old ones).
    this.#call.reset();
    this.#media.restart();
  }

  private _togglePanel(panel: 'chat' | 'people') {
    this._panel = this._panel === panel ? undefined : panel;
    if (this._panel === 'chat') void this.updateComplete.then(() => this.renderRoot.querySelector('chat-panel')?.focus());
  }

  private _people(): PersonRow[] {
    const { self, participants } = this.#call.state;
    const media = this.#media.state;
    const rows: PersonRow[] = participants.map((p) => ({ ...p, isSelf: false }));
    if (self) rows.push({ ...self, audio: media.audioEnabled, video: media.videoEnabled, isSelf: true });
    return rows;
  }

  private _toggleAudio(event: CustomEvent<ToggleDetail>) {
    void this.#media.setAudioEnabled(event.detail.enabled);
  }

  private _toggleVideo(event: CustomEvent<ToggleDetail>) {
    void this.#media.setVideoEnabled(event.detail.enabled);
  }

  private async _copyLink() {
    try {
      await navigator.clipboard.writeText(this._link);
      this._copied = true;
      clearTimeout(this.#copiedTimer);
      this.#copiedTimer = setTimeout(() => (this._copied = false), 2500);
    } catch {
      // No clipboard permission: the link is visible to copy by hand.
      window.prompt('Copy this link', this._link);
    }
  }

  private _share() {
    navigator.share?.({ title: 'Join my call', url: this._link }).catch(() => {});
  }

  private _renderShare() {
    const canShare = typeof navigator.share === 'function';
    return html`
      <div class="share">
        <button type="button" class="secondary" @click=${this._copyLink}>${linkIcon} ${this._copied ? 'Link copied' : 'Copy link'}</button>
        <button type="button" class="secondary" ?hidden=${!canShare} @click=${this._share}>${shareIcon} Share</button>
      </div>
    `;
  }

  private _renderPrejoin() {
    const media = this.#media.state;
    const joining = this.#call.state.status === 'joining';
    return html`
      <section class="screen prejoin" aria-labelledby="prejoin-title">
        <video-tile
          class="preview"
          .stream=${media.stream}
          .name=${this._name || 'You'}
          muted
          mirrored
          ?audio-off=${!media.audioEnabled}
          ?video-off=${!media.videoEnabled}
          .status=${media.starting ? 'Starting camera…' : ''}
        ></video-tile>
        <form @submit=${this._join}>
          <h1 id="prejoin-title">Ready to join?</h1>
          <label>
            Your name
            <input
              name="name"
              autocomplete="nickname"
              maxlength="40"
              placeholder="Guest"
              .value=${this._name}
              @input=${(e: InputEvent) => (this._name = (e.target as HTMLInputElement).value)}
            />
          </label>
          <media-controls ?audio-enabled=${media.audioEnabled} ?video-enabled=${media.videoEnabled}
            @toggle-audio=${this._toggleAudio} @toggle-video=${this._toggleVideo}></media-controls>
          <p class="problem" role="alert" ?hidden=${!media.problem}>${media.problem}</p>
          <button class="primary" type="submit" ?disabled=${joining}>${joining ? 'Joining…' : 'Join'}</button>
          ${this._renderShare()}
        </form>
      </section>
    `;
  }

  private _reactionsFor(peerId: string | undefined) {
    return this.#call.state.reactions.filter((r) => r.peerId === peerId).map((r) => ({ id: r.id, emoji: r.emoji }));
  }

  private _renderRemote(p: RemoteParticipant) {
    const relayFailed = p.connection === 'failed' && this.#call.state.notice === RELAY_FAILED_NOTICE;
    const status = relayFailed
      ? 'Could not connect through the relay'
      : p.connection === 'failed'
        ? 'Reconnecting…'
        : !p.stream
          ? 'Connecting…'
          : '';
    return html`<video-tile
      data-peer-id=${p.peerId}
      .stream=${p.stream}
      .name=${p.name}
      .status=${status}
      .reactions=${this._reactionsFor(p.peerId)}
      ?audio-off=${!p.audio}
      ?video-off=${!p.video}
      ?hand-raised=${p.handRaisedAt !== undefined}
      ?speaking=${this.#speaking.speaking.has(p.peerId)}
    ></video-tile>`;
  }

  private _renderCall() {
    const media = this.#media.state;
    const { participants, status, self, notice, chat, room, lobby } = this.#call.state;
    const session = this.#call.session;
    const count = participants.length + 1;
    const narrow = this.#gridSize.width > 0 && this.#gridSize.width < 600;
    this.#columns = bestColumns(count, this.#gridSize.width, this.#gridSize.height, narrow ? 1 : 16 / 9);
    const unread = chat.slice(this._chatSeen).filter((m) => m.peerId !== self?.peerId).length;
    const isHost = !!self && room?.hostPeerId === self.peerId;
    return html`
      <section class="screen call" aria-label="Call">
        <header>
          <span class="count" role="status">${count === 1 ? 'Only you so far: share the link' : `${count} in this call`}${room?.locked ? ' · locked' : ''}</span>
          ${this._renderShare()}
        </header>
        <div class="banner" role="status" ?hidden=${status !== 'reconnecting'}>Reconnecting…</div>
        <p class="problem notice" role="alert" ?hidden=${!notice}>${notice}</p>
        <div class="stage">
          <div class="grid" aria-label="Participants">
            <video-tile
              class="self"
              .stream=${media.stream}
              .name=${`${self?.name ?? this._name} (you)`}
              .reactions=${this._reactionsFor(self?.peerId)}
              muted
              mirrored
              ?audio-off=${!media.audioEnabled}
              ?video-off=${!media.videoEnabled}
              ?hand-raised=${self?.handRaisedAt !== undefined}
              ?speaking=${this.#speaking.speaking.has(SELF) && media.audioEnabled}
            ></video-tile>
            ${repeat(participants, (p) => p.peerId, (p) => this._renderRemote(p))}
          </div>
          <aside class="panel" ?hidden=${!this._panel}>
            <chat-panel ?hidden=${this._panel !== 'chat'} .messages=${chat} .selfPeerId=${self?.peerId ?? ''}
              @send-chat=${(e: CustomEvent<{ text: string }>) => void session?.sendChat(e.detail.text)}
              @retry-chat=${(e: CustomEvent<{ id: string; text: string }>) => void session?.sendChat(e.detail.text, e.detail.id)}
              @close-panel=${() => (this._panel = undefined)}></chat-panel>
            <people-panel ?hidden=${this._panel !== 'people'} .people=${this._people()} .hostPeerId=${room?.hostPeerId} ?locked=${!!room?.locked}
              @lock-room=${(e: CustomEvent<{ locked: boolean }>) => void session?.lockRoom(e.detail.locked).catch(() => {})}
              @remove-participant=${(e: CustomEvent<{ peerId: string }>) => void session?.removeParticipant(e.detail.peerId).catch(() => {})}
              @close-panel=${() => (this._panel = undefined)}></people-panel>
          </aside>
        </div>
        <knock-requests class="knocks" ?hidden=${!isHost || !lobby.length} .knocks=${isHost ? lobby : []}
          @answer-knock=${(e: CustomEvent<{ knockId: string; admit: boolean }>) => void session?.answerKnock(e.detail.knockId, e.detail.admit)}></knock-requests>
        <media-controls in-call ?audio-enabled=${media.audioEnabled} ?video-enabled=${media.videoEnabled}
          ?chat-open=${this._panel === 'chat'} ?people-open=${this._panel === 'people'} ?hand-raised=${self?.handRaisedAt !== undefined}
          .chatUnread=${this._panel === 'chat' ? 0 : unread}
          @toggle-audio=${this._toggleAudio} @toggle-video=${this._toggleVideo} @leave-call=${this._leave}
          @toggle-chat=${() => this._togglePanel('chat')} @toggle-people=${() => this._togglePanel('people')}
          @toggle-hand=${(e: CustomEvent<ToggleDetail>) => void session?.raiseHand(e.detail.enabled).catch(() => {})}
          @react=${(e: CustomEvent<{ emoji: Reaction }>) => void session?.react(e.detail.emoji)}></media-controls>
      </section>
    `;
  }

  private _renderMessage(title: string, text: string, action: { label: string; run: () => void }) {
    return html`
      <section class="screen message" role="alert">
        <h2>${title}</h2>
        <p>${text}</p>
        <div class="actions">
          <button class="primary" type="button" @click=${action.run}>${action.label}</button>
        </div>
      </section>
    `;
  }

  override render() {
    if (!ROOM_ID_PATTERN.test(this.room)) {
      return this._renderMessageOnly('This is not a valid call link', 'Room ids are up to 64 letters, digits, “-” or “_”.');
    }
    const back = { label: 'Try again', run: () => this._rejoinScreen() };
    const { status, error } = this.#call.state;
    switch (status) {
      case 'joined':
      case 'reconnecting':
        return this._renderCall();
      case 'left':
        return this._renderMessage('You left the call', 'Your camera and microphone are off.', { label: 'Rejoin', run: back.run });
      case 'knocking':
        return this._renderMessage('Waiting for the host to let you in', 'This call is locked. The host has been asked.', {
          label: 'Cancel',
          run: () => void this.#call.session?.cancelKnock(),
        });
      case 'denied':
        return this._renderMessage('The host did not let you in', 'Your camera and microphone are off.', back);
      case 'removed':
        return this._renderMessage('You were removed', 'The host removed you from this call. Your camera and microphone are off.', back);
      case 'failed': {
        if (error?.code === 'ended') {
          return this._renderMessage('The call has ended', 'Everyone left before you were let in. Your camera and microphone are off.', back);
        }
        const full = error?.code === 'room-full';
        return this._renderMessage(
          full ? error!.message : 'Could not join the call',
          full ? 'Wait a moment for someone to leave, then try again. Your camera and microphone are off meanwhile.' : (error?.message ?? ''),
          back,
        );
      }
      default:
        return this._renderPrejoin();
    }
  }

  private _renderMessageOnly(title: string, text: string) {
    return html`<section class="screen message" role="alert"><h2>${title}</h2><p>${text}</p></section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'call-room': CallRoom;
  }
  interface HTMLElementEventMap {
    'call-joined': CustomEvent<{ room: string }>;
    'call-left': CustomEvent<{ room: string }>;
  }
}
