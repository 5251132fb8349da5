/**
 * The whole call, for any page: `<call-room room="team-standup" name="Ada">`. It owns one's
 * microphone and camera and the call session, and shows one of three screens: the pre-join
 * screen (call-prejoin.ts), the call (<call-stage>), or a message when it ended or waits at a
 * locked door (call-ended.ts).
 *
 * @event call-joined - The person is in the call (`detail.room`).
 * @event call-left - The person hung up (`detail.room`).
 *
 * @cssprop --call-room-background - Defaults to `--app-background`.
 * @cssprop --call-room-foreground - Defaults to `--app-foreground`.
 * @cssprop --call-room-accent - The Join button; defaults to `--app-accent`.
 */
import { LitElement, html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ROOM_ID_PATTERN } from '../../protocol/contract.js';
import { CallSessionController } from '../controllers/call-session-controller.js';
import { LocalMediaController } from '../controllers/local-media-controller.js';
import { clientId, rememberName, rememberedName } from '../rtc/identity.js';
import { isInCall } from '../rtc/room-state.js';
import { callEndedStyles } from './call-ended.styles.js';
import { renderEnded, renderInvalidLink } from './call-ended.js';
import { callPrejoinStyles } from './call-prejoin.styles.js';
import { renderPrejoin } from './call-prejoin.js';
import { callRoomStyles } from './call-room.styles.js';
import { emit } from './emit.js';
import type { SelectDeviceDetail } from './device-settings.js';
import type { ToggleDetail } from './media-controls.js';
import { baseStyles, fieldStyles } from './tokens.styles.js';

/** The in-call screen, loaded on Join. */
const loadStage = () => import('./call-stage.js');

/** Where this module was served from: the call server, unless `server` says otherwise. */
const SCRIPT_ORIGIN = new URL(import.meta.url).origin;

@customElement('call-room')
export class CallRoom extends LitElement {
  static override styles = [baseStyles, fieldStyles, callRoomStyles, callPrejoinStyles, callEndedStyles];

  // Devices only for a valid call link: no camera light behind "This is not a valid call link".
  #media = new LocalMediaController(this, undefined, () => ROOM_ID_PATTERN.test(this.room));
  #call = new CallSessionController(this);

  /** The name to join with, as typed on the pre-join screen. */
  @state() private _name = '';

  /** The room id: letters, digits, `-` and `_`, up to 64. */
  @property() room = '';
  /** The display name to start with (the person can change it before joining). */
  @property() name = '';
  /** Origin of the callroom server; defaults to where this script came from. */
  @property() server = '';
  /** An admission ticket for a private or locked room (from an accepted ring). */
  @property() ticket = '';
  /** `grid` (everyone alike) or `speaker` (whoever speaks large); the person can switch. */
  @property({ reflect: true }) layout: 'grid' | 'speaker' = 'grid';

  override connectedCallback(): void {
    super.connectedCallback();
    this._name ||= this.name || rememberedName();
    // Any interaction on the pre-join screen keeps the early connections (or opens them again).
    this.addEventListener('pointerdown', this.#preconnect);
    this.addEventListener('keydown', this.#preconnect);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('pointerdown', this.#preconnect);
    this.removeEventListener('keydown', this.#preconnect);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('name') && this.name && !this._name) this._name = this.name;
    if (changed.has('room')) this.#media.sync();
    if (changed.has('room') || changed.has('server')) this.#preconnect();
  }

  /** On the pre-join screen of a valid link: connect ahead of Join (see preconnect.ts). */
  #preconnect = () => {
    if (this.#call.state.status !== 'idle' || !ROOM_ID_PATTERN.test(this.room) || !this.isConnected) return;
    this.#call.preconnect(this._serverUrl, this.room);
  };

  private get _serverUrl(): URL {
    return new URL(this.server || SCRIPT_ORIGIN);
  }

  private get _link(): string {
    return new URL(`/r/${encodeURIComponent(this.room)}`, this._serverUrl).href;
  }

  private async _join() {
    const name = this._name.trim();
    rememberName(name);
    // The call screen's code loads while the join goes out (a first visit does not need it).
    void loadStage();
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
    this.#preconnect();
  }

  private _toggleAudio(event: CustomEvent<ToggleDetail>) {
    void this.#media.media.setAudioEnabled(event.detail.enabled);
  }

  private _selectDevice(event: CustomEvent<SelectDeviceDetail>) {
    void this.#media.media.selectDevice(event.detail.kind, event.detail.deviceId);
  }

  private _toggleVideo(event: CustomEvent<ToggleDetail>) {
    void this.#media.media.setVideoEnabled(event.detail.enabled);
  }

  override render() {
    if (!ROOM_ID_PATTERN.test(this.room)) return renderInvalidLink();
    const state = this.#call.state;
    if (isInCall(state.status)) {
      return html`<call-stage .room=${state} .media=${this.#media.state} .session=${this.#call.session} .link=${this._link}
        .layout=${this.layout} @layout-change=${(e: CustomEvent<{ layout: 'grid' | 'speaker' }>) => (this.layout = e.detail.layout)}
        @toggle-audio=${this._toggleAudio} @toggle-video=${this._toggleVideo} @leave-call=${this._leave}
        @select-device=${this._selectDevice}></call-stage>`;
    }
    if (state.status === 'idle' || state.status === 'joining') {
      return renderPrejoin({
        media: this.#media.state,
        name: this._name,
        joining: state.status === 'joining',
        trouble: state.status === 'joining' && state.notice === 'server-trouble',
        preview: this.#call.preview,
        link: this._link,
        onNameInput: (name) => (this._name = name),
        onJoin: () => void this._join(),
        onToggleAudio: (event) => this._toggleAudio(event),
        onToggleVideo: (event) => this._toggleVideo(event),
        onSelectDevice: (event) => this._selectDevice(event),
      });
    }
    return renderEnded(state, { rejoin: () => this._rejoinScreen(), cancelKnock: () => void this.#call.session?.cancelKnock() });
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
