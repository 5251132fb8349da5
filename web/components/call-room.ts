/**
 * The whole call, for any page: `<call-room room="team-standup" name="Ada">`. It owns one's
 * microphone and camera and the call session, and shows one of three screens: the pre-join
 * screen (call-prejoin.ts), the call (<call-stage>), or a message when it ended or waits at a
 * locked door (call-ended.ts).
 *
 * Its public API (attributes, methods, read-only properties, events) is declared in
 * web/api/types.ts, shipped as call-room.d.ts, and documented in docs/embedding.md. One element
 * per page may be in a call at a time: `join()` on another rejects with `busy`.
 */
import { localized } from '@lit/localize';
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { REACTIONS, ROOM_ID_PATTERN } from '../../protocol/contract.js';
import {
  PublicEvents,
  callError,
  fireFileEvent,
  participantsOf,
  publicCode,
  publicMessage,
  publicState,
  publicTransfer,
  type Fire,
} from '../api/public-events.js';
import type {
  CallChatMessage,
  CallDeviceSelection,
  CallFileTransfer,
  CallRecordingStopReason,
  CallParticipant,
  CallReaction,
  CallSafetyCode,
  CallRoomElement,
  CallRoomEventMap,
  CallRoomState,
} from '../api/types.js';
import { CallSessionController } from '../controllers/call-session-controller.js';
import { LocalMediaController } from '../controllers/local-media-controller.js';
import { clientId, rememberName, rememberedName } from '../rtc/identity.js';
import type { CallSession } from '../rtc/call-session.js';
import { isInCall } from '../rtc/room-state.js';
import { getLocale, localeDirection, pickLocale, useLocale } from '../i18n/locale.js';
import { callEndedStyles } from './call-ended.styles.js';
import { renderEnded, renderInvalidLink } from './call-ended.js';
import { callPrejoinStyles } from './call-prejoin.styles.js';
import { renderPrejoin } from './call-prejoin.js';
import { callRoomStyles } from './call-room.styles.js';
import type { SelectDeviceDetail } from './device-settings.js';
import type { ToggleDetail } from './media-controls.js';
import { baseStyles, fieldStyles } from './tokens.styles.js';

/** The in-call screen, loaded on Join. */
const loadStage = () => import('./call-stage.js');

/** Where this module was served from: the call server, unless `server` says otherwise. */
const SCRIPT_ORIGIN = new URL(import.meta.url).origin;

/** The element of this page that is in a call (one at a time). */
let inCall: CallRoom | undefined;

/** A method's failure as a public error (a server's code kept, anything else explained). */
function asCallError(error: unknown) {
  const code = (error as { code?: string }).code;
  const name = (error as { name?: string }).name;
  if (name === 'NotAllowedError') return callError('permission-denied', 'The browser or the person refused it');
  return callError(publicCode(code), error instanceof Error ? error.message : String(error));
}

/**
 * `<call-room>`: a whole call in any page (docs/embedding.md).
 *
 * @attr lang - A BCP 47 language tag; by default the page's `<html lang>`, then the browser's languages.
 * @event call-joined - In the call: `{ room, self }`.
 * @event call-left - The call ended here: `{ room, reason: 'left' | 'removed' | 'denied' | 'ended' }`.
 * @event participant-joined - `{ participant }` (also for everyone already there, right after call-joined).
 * @event participant-left - `{ participant, reason }`.
 * @event participant-updated - `{ participant, changed }`: the fields that changed.
 * @event chat-message - `{ message }`, one's own included once the room has it.
 * @event hand-raised - `{ participant }`.
 * @event knock - `{ knockId, name }`: someone at the door of a locked room (the host only).
 * @event connection-state - `{ state: 'connected' | 'reconnecting' }`.
 * @event call-error - `{ code, message }`: why the call could not go on.
 * @event state-change - `{ state }`.
 * @event file-offer - `{ transfer }`: someone offers oneself a file (`acceptFile` or `declineFile` its id).
 * @event file-progress - `{ transfer }`: a file on its way, either direction, with its bytes and speed.
 * @event file-received - `{ transfer, file }`: a file arrived whole, its SHA-256 the sender's.
 * @event file-sent - `{ transfer }`: one's file arrived whole at the other side.
 * @event file-ended - `{ transfer }`: declined, cancelled or failed (`status`, `endedBy`, `problem`).
 * @event recording-started - One's own recording began (everyone else was told first).
 * @event recording-stopped - `{ file, reason }`: one's recording ended, with its WebM (cancelable: at the call's end it is downloaded unless prevented).
 *
 * @cssprop --call-room-background - The background of every screen (default #11141b).
 * @cssprop --call-room-foreground - The text (default #f3f5f9).
 * @cssprop --call-room-accent - The Join button, pressed toggles, the speaking ring (default #3b6bf0).
 * @cssprop --call-room-radius - Corners of tiles, buttons and panels (default 12px).
 * @cssprop --call-room-font - The font family (default the system's).
 * @cssprop --call-room-tile-gap - Space between the tiles of the call (default 8px).
 *
 * @csspart prejoin - The pre-join screen (preview, name, devices, Join).
 * @csspart stage - The call screen.
 * @csspart tile - Each video tile in the call (one's own and the others', screens included).
 * @csspart controls - The call's control bar.
 * @csspart panel - The side panel (chat, people, settings).
 * @csspart ended - The screen shown when the call ended, was refused, or waits at a locked door.
 *
 * (`@localized()` runs first, below `@customElement`: an element already in the page is
 * upgraded when it is defined, and must follow the language from then on.)
 */
@customElement('call-room')
@localized()
export class CallRoom extends LitElement implements CallRoomElement {
  static override styles = [baseStyles, fieldStyles, callRoomStyles, callPrejoinStyles, callEndedStyles];

  // Devices only for a valid call link (no camera light behind "This is not a valid call
  // link"), once the attributes are read (camera="off" never opens it), and with prejoin="off"
  // only once a join is asked for.
  #media = new LocalMediaController(
    this,
    undefined,
    () => ROOM_ID_PATTERN.test(this.room) && this.#configured && (this.prejoin !== 'off' || this.#joinAsked),
    () => this.#sync(),
  );
  #fire: Fire = (name, detail) => this.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true, detail }));
  #call = new CallSessionController(this, () => this.#sync(), {
    onFile: (transfer) => fireFileEvent(this.#fire, transfer),
    onRecording: (file, reason) => this.#onRecording(file, reason),
  });
  #events = new PublicEvents(this.#fire);
  /** join() was called (or autojoin), so with prejoin="off" the devices may open. */
  #joinAsked = false;
  /** The attributes were read (the first update): which devices to open is known. */
  #configured = false;
  #pendingJoin: { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } | undefined;

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
  /** `off`: no pre-join screen; nothing shows until `join()` (or `autojoin`). */
  @property() prejoin: 'on' | 'off' = 'on';
  /** With `prejoin="off"`, join as soon as the element is on the page. */
  @property({ type: Boolean }) autojoin = false;
  /** The microphone to start with. */
  @property() microphone: 'on' | 'off' = 'on';
  /** The camera to start with. */
  @property() camera: 'on' | 'off' = 'on';

  /** Everyone in the call, oneself included (last); empty when not in one. */
  get participants(): CallParticipant[] {
    return participantsOf({ room: this.#call.state, self: this.#selfMedia(), state: this.state });
  }

  get state(): CallRoomState {
    const before = this.prejoin !== 'off' && ROOM_ID_PATTERN.test(this.room) ? 'prejoin' : 'idle';
    return publicState(this.#call.state.status, before);
  }

  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'lang'];
  }

  /** `lang` is the element's own (HTMLElement's): a new value switches the UI's language. */
  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'lang' && this.isConnected) void useLocale(pickLocale(value ?? undefined));
  }

  /** Whether the element's direction follows its language (the page gave it no `dir` of its own). */
  #dirFromLocale?: boolean;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#dirFromLocale ??= !this.hasAttribute('dir');
    void useLocale(pickLocale(this.lang || undefined));
    this._name ||= this.name || rememberedName();
    // Any interaction on the pre-join screen keeps the early connections (or opens them again).
    this.addEventListener('pointerdown', this.#preconnect);
    this.addEventListener('keydown', this.#preconnect);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('pointerdown', this.#preconnect);
    this.removeEventListener('keydown', this.#preconnect);
    if (inCall === this) inCall = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('name') && this.name && !this._name) this._name = this.name;
    if ((changed.has('microphone') || changed.has('camera')) && this.#call.state.status === 'idle') {
      this.#media.media.want({ audio: this.microphone !== 'off', video: this.camera !== 'off' });
    }
    if (!this.#configured || changed.has('room') || changed.has('prejoin')) {
      this.#configured = true;
      this.#media.sync();
    }
    if (changed.has('room') || changed.has('server')) this.#preconnect();
    // Arabic or Hebrew lay out right to left, in a left-to-right page too (and the reverse).
    if (this.#dirFromLocale) {
      const dir = localeDirection(getLocale());
      if (this.dir !== dir) this.dir = dir;
    }
    this.#sync();
  }

  protected override firstUpdated(): void {
    if (this.autojoin && this.prejoin === 'off') this.join().catch(() => {}); // told as call-error
  }

  /** The public events for what changed, and the join() waiting for its outcome. */
  #sync() {
    const state = this.state;
    this.#events.update({ roomId: this.room, state, status: this.#call.state.status, room: this.#call.state, self: this.#selfMedia() });
    if (state === 'left' && inCall === this) inCall = undefined;
    const pending = this.#pendingJoin;
    if (!pending) return;
    if (state === 'joined') {
      this.#pendingJoin = undefined;
      pending.resolve();
    } else if (state === 'left') {
      this.#pendingJoin = undefined;
      const { status, error } = this.#call.state;
      if (status === 'denied') pending.reject(callError('denied', 'The host did not let you in'));
      else if (status === 'removed') pending.reject(callError('removed', 'The host removed you from this call'));
      else if (status === 'left') pending.reject(callError('not-joined', 'Left before the call began'));
      else pending.reject(callError(publicCode(error?.code), error?.message ?? 'Could not join the call'));
    }
  }

  #selfMedia() {
    const { audioEnabled, videoEnabled } = this.#media.state;
    return { audio: audioEnabled, video: videoEnabled };
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
    // Not in a call (full, unreachable): the camera must not stay on behind an error message.
    if (this.#call.state.status === 'failed') this.#media.media.stop();
  }

  private async _leave() {
    await this.#call.leave();
  }

  // ---- The public methods (web/api/types.ts) ----

  /** Resolves once in the call; at a locked door, once the host admits (rejects `denied`). */
  join(): Promise<void> {
    const state = this.state;
    if (state === 'joined' || state === 'reconnecting') return Promise.resolve();
    if (this.#pendingJoin) return this.#pendingJoin.promise;
    if (!ROOM_ID_PATTERN.test(this.room))
      return Promise.reject(callError('invalid-room', 'The room id is letters, digits, - and _, up to 64'));
    if (inCall && inCall !== this) {
      return Promise.reject(callError('busy', 'Another <call-room> on this page is in a call: leave it first (one call per page)'));
    }
    if (state === 'left') this._rejoinScreen();
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the page's one element in a call
    inCall = this;
    this.#joinAsked = true;
    this.#media.sync();
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    this.#pendingJoin = { promise, resolve, reject };
    void this._join();
    return promise;
  }

  /** Resolves once the call has ended and every local track has stopped. */
  async leave(): Promise<void> {
    const session = this.#call.session;
    if (this.#call.state.status === 'knocking') await session?.cancelKnock();
    else await this.#call.leave();
    this.#joinAsked = false;
    this.#media.media.stop();
    this.#sync();
  }

  async setMicrophone(on: boolean): Promise<void> {
    await this.#media.media.setAudioEnabled(on);
    const { audioEnabled, problemCode, problem } = this.#media.state;
    if (on && !audioEnabled) throw callError(problemCode ?? 'no-device', problem ?? 'No microphone');
  }

  async setCamera(on: boolean): Promise<void> {
    await this.#media.media.setVideoEnabled(on);
    const { videoEnabled, problemCode, problem } = this.#media.state;
    if (on && !videoEnabled) throw callError(problemCode ?? 'no-device', problem ?? 'No camera');
  }

  shareScreen(on: boolean): Promise<void> {
    return this.#act((s) => s.shareScreen(on));
  }

  sendChat(text: string): Promise<CallChatMessage> {
    return this.#act(async (s) => publicMessage(await s.sendChat(String(text))));
  }

  raiseHand(up: boolean): Promise<void> {
    return this.#act((s) => s.raiseHand(!!up));
  }

  react(emoji: CallReaction): Promise<void> {
    if (!(REACTIONS as readonly string[]).includes(emoji)) {
      return Promise.reject(callError('invalid-payload', `A reaction is one of ${REACTIONS.join(' ')}`));
    }
    return this.#act((s) => s.react(emoji));
  }

  lockRoom(locked: boolean): Promise<void> {
    return this.#act((s) => s.lockRoom(!!locked));
  }

  admit(knockId: string): Promise<void> {
    return this.#act((s) => s.answerKnock(knockId, true));
  }

  deny(knockId: string): Promise<void> {
    return this.#act((s) => s.answerKnock(knockId, false));
  }

  /** Removes a participant (host); without an id, the DOM's own remove(): the element leaves the page. */
  override remove(): void;
  override remove(participantId: string): Promise<void>;
  override remove(participantId?: string): void | Promise<void> {
    if (participantId === undefined) return super.remove();
    return this.#act((s) => s.removeParticipant(participantId));
  }

  async selectDevices(devices: CallDeviceSelection): Promise<void> {
    const kinds = { camera: 'videoinput', microphone: 'audioinput', speaker: 'audiooutput' } as const;
    for (const kind of ['camera', 'microphone', 'speaker'] as const) {
      const id = devices[kind];
      if (id === undefined) continue;
      const known = (await navigator.mediaDevices.enumerateDevices()).some((d) => d.kind === kinds[kind] && d.deviceId === id);
      if (!known) throw callError('no-device', `No ${kind} with the id ${JSON.stringify(id)}`);
      await this.#media.media.selectDevice(kind, id);
    }
  }

  async verifyCode(participantId: string, verified = true): Promise<CallSafetyCode> {
    const safety = await this.#act((s) => s.verifySafetyCode(participantId, verified));
    if (!safety) throw callError('no-such-participant', 'No connection with that participant yet');
    return { digits: safety.digits, emoji: safety.emoji, verified: safety.verified };
  }

  sendFile(file: File, to?: string | string[]): Promise<CallFileTransfer[]> {
    if (!(file instanceof Blob)) return Promise.reject(callError('invalid-payload', 'sendFile takes a File'));
    const recipients = to === undefined ? undefined : Array.isArray(to) ? to.map(String) : [String(to)];
    return this.#act(async (s) => (await s.sendFile(file, recipients)).map(publicTransfer));
  }

  acceptFile(transferId: string): Promise<void> {
    return this.#fileAction(transferId, ['offered'], (s) => s.answerFile(transferId, true));
  }

  declineFile(transferId: string): Promise<void> {
    return this.#fileAction(transferId, ['offered'], (s) => s.answerFile(transferId, false));
  }

  cancelFile(transferId: string): Promise<void> {
    return this.#fileAction(transferId, ['waiting', 'sending', 'receiving'], (s) => s.cancelFile(transferId));
  }

  startRecording(): Promise<void> {
    return this.#act((s) => s.startRecording());
  }

  stopRecording(): Promise<File> {
    return this.#act(async (s) => {
      const file = await s.stopRecording();
      if (!file) throw callError('not-joined', 'Not recording');
      return file;
    });
  }

  setRecordingAllowed(allowed: boolean): Promise<void> {
    return this.#act((s) => s.forbidRecording(!allowed));
  }

  /** One's recording started, or stopped with its file: the event; at the call's end, a download. */
  #onRecording(file: File | undefined, reason?: CallRecordingStopReason) {
    if (!file || !reason) {
      this.#fire('recording-started', {});
      return;
    }
    const event = new CustomEvent('recording-stopped', { bubbles: true, composed: true, cancelable: true, detail: { file, reason } });
    // Not lost when the call ends: saved unless the page takes it.
    if (this.dispatchEvent(event) && reason === 'left') saveFile(file);
  }

  #fileAction(id: string, when: string[], run: (session: CallSession) => void): Promise<void> {
    return this.#act(async (s) => {
      const transfer = s.fileTransfer(id);
      if (!transfer || !when.includes(transfer.status))
        throw callError('no-such-file', 'No such file transfer (or it is not waiting for that)');
      run(s);
    });
  }

  /** Runs a method that needs the call; its failure as a public error. */
  async #act<T>(run: (session: CallSession) => Promise<T>): Promise<T> {
    const session = this.#call.session;
    if (!session || (this.state !== 'joined' && this.state !== 'reconnecting')) throw callError('not-joined', 'Not in a call');
    try {
      return await run(session);
    } catch (error) {
      throw asCallError(error);
    }
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
    if (!ROOM_ID_PATTERN.test(this.room)) return this.prejoin === 'off' ? nothing : renderInvalidLink();
    const state = this.#call.state;
    if (isInCall(state.status)) {
      return html`<call-stage part="stage" exportparts="tile, controls, panel" .room=${state} .media=${this.#media.state} .session=${this.#call.session} .link=${this._link}
        .layout=${this.layout} @layout-change=${(e: CustomEvent<{ layout: 'grid' | 'speaker' }>) => (this.layout = e.detail.layout)}
        @toggle-audio=${this._toggleAudio} @toggle-video=${this._toggleVideo} @leave-call=${this._leave}
        @select-device=${this._selectDevice}></call-stage>`;
    }
    if (state.status === 'idle' || state.status === 'joining') {
      // Without a pre-join screen the page shows what it likes until the call is there.
      if (this.prejoin === 'off') return nothing;
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

/** Offers `file` as a download. */
function saveFile(file: File) {
  const url = URL.createObjectURL(file);
  const link = Object.assign(document.createElement('a'), { href: url, download: file.name });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

declare global {
  interface HTMLElementTagNameMap {
    'call-room': CallRoom;
  }
  // The public events (web/api/types.ts), as the shipped call-room.d.ts declares them too.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends CallRoomEventMap {}
}
