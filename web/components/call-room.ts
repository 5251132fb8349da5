/**
 * The whole call: pre-join screen, the grid of participants, controls, and the ended screens.
 * Drop it into any page: `<call-room room="team-standup" name="Ada">`; `server` defaults to the
 * origin this script was loaded from.
 */
import { LitElement, html, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { ROOM_ID_PATTERN } from '../../server/signaling/contract.js';
import { CallSessionController } from '../controllers/call-session-controller.js';
import { LocalMediaController } from '../controllers/local-media-controller.js';
import { SizeController } from '../controllers/size-controller.js';
import { RELAY_FAILED_NOTICE, type RemoteParticipant } from '../rtc/call-session.js';
import { callRoomStyles } from './call-room.styles.js';
import { emit } from './emit.js';
import { bestColumns } from './grid-layout.js';
import { linkIcon, shareIcon } from './icons.js';
import type { ToggleDetail } from './media-controls.js';
import './media-controls.js';
import './video-tile.js';

const NAME_STORAGE_KEY = 'callroom:name';
/** Where this module was served from: the call server, unless `server` says otherwise. */
const SCRIPT_ORIGIN = new URL(import.meta.url).origin;

function rememberedName(): string {
  try {
    return localStorage.getItem(NAME_STORAGE_KEY) ?? '';
  } catch {
    return '';
  }
}

@customElement('call-room')
export class CallRoom extends LitElement {
  static override styles = callRoomStyles;

  // Devices only for a valid call link: no camera light behind "This is not a valid call link".
  #media = new LocalMediaController(this, undefined, () => ROOM_ID_PATTERN.test(this.room));
  #call = new CallSessionController(this);
  #gridSize = new SizeController(this);
  #copiedTimer: ReturnType<typeof setTimeout> | undefined;
  #columns = 1;

  @query('.grid') private _grid?: HTMLElement;

  @state() private _name = '';
  @state() private _copied = false;
  @state() private _left = false;

  /** The room id: letters, digits, `-` and `_`, up to 64. */
  @property() room = '';
  /** The display name to start with (the person can change it before joining). */
  @property() name = '';
  /** Origin of the callroom server; defaults to where this script came from. */
  @property() server = '';

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
    this._left = false;
    await this.#call.join({ server: this._serverUrl, roomId: this.room, name, media: this.#media.media });
    if (this.#call.state.status === 'joined') emit(this, 'call-joined', { room: this.room });
    // Not in a call (full, unreachable): the camera must not stay on behind an error message.
    if (this.#call.state.status === 'failed') this.#media.media.stop();
  }

  private async _leave() {
    await this.#call.leave();
    this._left = true;
    emit(this, 'call-left', { room: this.room });
  }

  private _rejoinScreen() {
    // Back to the pre-join screen with fresh devices (Leave released the old ones).
    this._left = false;
    this.#call.reset();
    this.#media.restart();
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
      ?audio-off=${!p.audio}
      ?video-off=${!p.video}
    ></video-tile>`;
  }

  private _renderCall() {
    const media = this.#media.state;
    const { participants, status, self, notice } = this.#call.state;
    const count = participants.length + 1;
    const narrow = this.#gridSize.width > 0 && this.#gridSize.width < 600;
    this.#columns = bestColumns(count, this.#gridSize.width, this.#gridSize.height, narrow ? 1 : 16 / 9);
    return html`
      <section class="screen call" aria-label="Call">
        <header>
          <span class="count" role="status">${count === 1 ? 'Only you so far: share the link' : `${count} in this call`}</span>
          ${this._renderShare()}
        </header>
        <div class="banner" role="status" ?hidden=${status !== 'reconnecting'}>Reconnecting…</div>
        <p class="problem notice" role="alert" ?hidden=${!notice}>${notice}</p>
        <div class="grid" aria-label="Participants">
          <video-tile
            class="self"
            .stream=${media.stream}
            .name=${`${self?.name ?? this._name} (you)`}
            muted
            mirrored
            ?audio-off=${!media.audioEnabled}
            ?video-off=${!media.videoEnabled}
          ></video-tile>
          ${repeat(participants, (p) => p.peerId, (p) => this._renderRemote(p))}
        </div>
        <media-controls in-call ?audio-enabled=${media.audioEnabled} ?video-enabled=${media.videoEnabled}
          @toggle-audio=${this._toggleAudio} @toggle-video=${this._toggleVideo} @leave-call=${this._leave}></media-controls>
      </section>
    `;
  }

  private _renderMessage(title: string, text: string, action: 'rejoin' | 'retry') {
    return html`
      <section class="screen message" role="alert">
        <h2>${title}</h2>
        <p>${text}</p>
        <div class="actions">
          <button class="primary" type="button" @click=${this._rejoinScreen}>
            ${action === 'rejoin' ? 'Rejoin' : 'Try again'}
          </button>
        </div>
      </section>
    `;
  }

  override render() {
    if (!ROOM_ID_PATTERN.test(this.room)) {
      return this._renderMessageOnly('This is not a valid call link', 'Room ids are up to 64 letters, digits, “-” or “_”.');
    }
    if (this._left) return this._renderMessage('You left the call', 'Your camera and microphone are off.', 'rejoin');
    const { status, error } = this.#call.state;
    if (status === 'failed' && error) {
      const title = error.code === 'room-full' ? error.message : 'Could not join the call';
      const text = error.code === 'room-full' ? 'Wait a moment for someone to leave, then try again.' : error.message;
      return this._renderMessage(title, text, 'retry');
    }
    if (status === 'joined' || status === 'reconnecting') return this._renderCall();
    return this._renderPrejoin();
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
