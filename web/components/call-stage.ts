/**
 * The call itself: everyone's tiles in a grid, the chat and people panels, the host's knock
 * requests, the controls. Plain state in (the room, one's own devices), actions out through
 * `session`; it never holds a socket or a peer connection.
 *
 * @event toggle-audio - From its <media-controls>: for whoever owns the microphone.
 * @event toggle-video - From its <media-controls>: for whoever owns the camera.
 * @event leave-call - From its <media-controls>: the person hangs up.
 *
 * The same three come from the picture-in-picture window and from the system's call controls
 * (Media Session: a headset's buttons), which the stage also keeps the screen awake for.
 */
import { localized, msg, str } from '@lit/localize';
import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Reaction } from '../../protocol/contract.js';
import { ReactionsController } from '../controllers/reactions-controller.js';
import { SizeController } from '../controllers/size-controller.js';
import { Announcer } from '../controllers/announcer.js';
import { OsIntegrationController, type OsActions } from '../controllers/os-integration-controller.js';
import { ShortcutsController, shortcuts, setShortcutsOn, shortcutsOn, type ShortcutAction } from '../controllers/shortcuts-controller.js';
import { PipController, pipSupport, type PipView } from '../controllers/pip-controller.js';
import { SpeakingController } from '../controllers/speaking-controller.js';
import type { CallActions } from '../rtc/call-session.js';
import type { LocalMediaState } from '../rtc/local-media.js';
import { describeQuality } from '../rtc/quality.js';
import { initialRoomState, type CallNotice, type RemoteParticipant, type RoomState } from '../rtc/room-state.js';
import { callStageStyles } from './call-stage.styles.js';
import { emit } from './emit.js';
import { bestColumns } from './grid-layout.js';
import type { ToggleDetail } from './media-controls.js';
import type { PersonRow } from './people-panel.js';
import { baseStyles } from './tokens.styles.js';
import { pipIcon, recordIcon, speakerViewIcon } from './view-icons.js';
import type { FileTransfer } from '../rtc/file-transfer.js';
import './chat-panel.js';
import './file-transfers.js';
import './device-settings.js';
import './knock-requests.js';
import './language-select.js';
import './media-controls.js';
import './people-panel.js';
import './share-link.js';
import './video-tile.js';
import { serverTrouble } from './call-prejoin.js';
import { errorText } from '../i18n/errors.js';
import { getLocale } from '../i18n/locale.js';

/** The speaking controller's key for one's own stream. */
const SELF = 'self';

const noticeText = (notice: CallNotice): string =>
  notice === 'relay-failed'
    ? msg('Could not connect through the relay server (TURN). Ask whoever runs this call server to check its TURN settings.')
    : serverTrouble();

const NO_MEDIA: LocalMediaState = {
  stream: undefined,
  audioEnabled: false,
  videoEnabled: false,
  problem: undefined,
  starting: false,
  devices: [],
  choice: {},
  notice: undefined,
};

/** The safety code in a tile's details, to compare out loud (the people panel marks it verified). */
function safetyLine(p: RemoteParticipant): string[] {
  if (!p.safety) return [];
  const { digits, emoji } = p.safety;
  return [
    p.safety.verified ? msg(str`Safety code ${digits} ${emoji}, verified`) : msg(str`Safety code ${digits} ${emoji}: compare it out loud`),
  ];
}

/** One's own tile: "Ada (you)". */
const youName = (name: string | undefined) => msg(str`${name ?? ''} (you)`);

/** "Only you so far: share the link", "3 in this call · locked". */
function countText(count: number, locked: boolean): string {
  if (count === 1) return locked ? msg('Only you so far: share the link · locked') : msg('Only you so far: share the link');
  return locked ? msg(str`${count} in this call · locked`) : msg(str`${count} in this call`);
}

/** "Ana is recording", "Ana and Ben are recording", "You are recording" (everyone was told). */
function recordingText(names: string[], self: boolean): string {
  if (self && !names.length) return msg('You are recording. Everyone in the call sees this.');
  const list = new Intl.ListFormat(getLocale(), { type: 'conjunction' }).format(
    self ? [msg('You', { id: 'call-stage.recording-you', desc: 'Who records: oneself, first in a list of names' }), ...names] : names,
  );
  if (!self && names.length === 1) return msg(str`${list} is recording`);
  return msg(str`${list} are recording`);
}

/** A message that could not be sent is marked in the chat, with why, to retry. */
const shownInChat = () => {};

/** "Could not lock the room: Only the host can do that." (`failed`: the first half, whole.) */
function problemText(failed: string, error: unknown): string {
  const code = (error as { code?: string } | undefined)?.code;
  const reason = code ? errorText(code, (error as Error).message) : msg('please try again');
  return msg(str`${failed}: ${reason}.`);
}

@customElement('call-stage')
@localized()
export class CallStage extends LitElement {
  static override styles = [baseStyles, callStageStyles];

  #gridSize = new SizeController(this);
  #speaking = new SpeakingController(this);
  #reactions = new ReactionsController(this);
  #actions: OsActions = {
    toggleMicrophone: () => emit(this, 'toggle-audio', { enabled: !this.media.audioEnabled }),
    toggleCamera: () => emit(this, 'toggle-video', { enabled: !this.media.videoEnabled }),
    hangUp: () => emit(this, 'leave-call'),
  };
  #os = new OsIntegrationController(this, this.#actions);
  #pip = new PipController(this, this.#actions);
  #announcer = new Announcer(() => this.requestUpdate());
  /** The keyboard shortcuts: a controller that listens while the stage is on the page. */
  protected readonly shortcuts = new ShortcutsController(this, {
    run: (action) => this._shortcut(action),
    muted: () => !this.media.audioEnabled,
    setMicrophone: (on) => emit(this, 'toggle-audio', { enabled: on }),
  });
  #columns = 1;
  /** The remote participant who spoke last: the speaker view's large tile. */
  #speaker: string | undefined;

  @query('.grid') private _grid?: HTMLElement;
  @query('dialog.leave-confirm') private _leaveDialog?: HTMLDialogElement;
  @query('dialog.shortcuts') private _helpDialog?: HTMLDialogElement;
  /** Whether the keyboard shortcuts are on (Settings; remembered on this device). */
  @state() private _shortcutsOn = shortcutsOn();

  @state() private _panel: 'chat' | 'people' | 'settings' | undefined;
  /** How many chat messages had been seen when the chat was last open. */
  @state() private _chatSeen = 0;
  /** Why the last host action (lock, admit, deny, remove) failed. */
  @state() private _actionProblem = '';
  /** The files of this call, sent and received (the session tells each change). */
  @state() private _files: FileTransfer[] = [];
  /** A file is dragged over the call: dropping sends it to everyone. */
  @state() private _dropping = false;
  /** Who the file being picked goes to (undefined: everyone). */
  #fileTo: string | undefined;
  #filesOf: CallActions | undefined;
  #unsubscribeFiles: (() => void) | undefined;
  #unsubscribeRecording: (() => void) | undefined;
  /** Recordings made in this call, to save. */
  @state() private _recordings: Array<{ file: File; reason: string }> = [];
  @state() private _recordingStarting = false;
  @query('input.file-picker') private _filePicker?: HTMLInputElement;

  /** The room as the session knows it. */
  @property({ attribute: false }) room: RoomState = initialRoomState;
  /** One's own microphone and camera (LocalMedia's state). */
  @property({ attribute: false }) media: LocalMediaState = NO_MEDIA;
  @property({ attribute: false }) session: CallActions | undefined;
  /** The call link, to pass on. */
  @property() link = '';
  /** Everyone alike in a grid, or the one speaking large above a strip of the others. */
  @property({ reflect: true }) layout: 'grid' | 'speaker' = 'grid';

  protected override willUpdate(): void {
    this.#reactions.follow(this.session);
    this.#followFiles();
    const { chat, participants } = this.room;
    if (this._panel === 'chat') this._chatSeen = chat.length;
    const speaking = participants.find((p) => this.#speaking.speaking.has(p.peerId));
    if (speaking) this.#speaker = speaking.peerId;
    else if (!participants.some((p) => p.peerId === this.#speaker)) this.#speaker = participants[0]?.peerId;
    const { width, height } = this.#gridSize;
    const narrow = width > 0 && width < 600;
    this.#columns = bestColumns(participants.length + 1, width, height, narrow ? 1 : 16 / 9);
  }

  protected override updated(): void {
    this.#gridSize.observe(this._grid);
    const streams = new Map<string, MediaStream | undefined>([[SELF, this.media.stream]]);
    for (const p of this.room.participants) streams.set(p.peerId, p.stream);
    const session = this.session;
    this.#speaking.track(
      streams,
      session?.audioLevels
        ? { keys: new Set(this.room.participants.map((p) => p.peerId)), levels: () => session.audioLevels!() }
        : undefined,
    );
    // Through the CSSOM, not a style="" attribute, which the Content-Security-Policy forbids.
    this._grid?.style.setProperty('--columns', String(this.#columns));
    // Receiver-driven sending: each sender sends us its camera at the size we show it.
    const heights: Record<string, number> = {};
    for (const tile of this.renderRoot.querySelectorAll<HTMLElement>('video-tile[data-peer-id]')) {
      heights[tile.dataset.peerId!] = tile.clientHeight;
    }
    this.session?.setView(heights);
    this.#os.reflect(this.media.audioEnabled, this.media.videoEnabled);
    this.#pip.show(this._pipView());
    this.#announcer.hear({ room: this.room, muted: !this.media.audioEnabled, chatOpen: this._panel === 'chat' });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#announcer.stop();
    this.#unsubscribeFiles?.();
    this.#unsubscribeRecording?.();
    this.#filesOf = undefined;
  }

  /** Listens to the session's file transfers (once per session). */
  #followFiles() {
    if (this.#filesOf === this.session && this.isConnected) return;
    this.#unsubscribeFiles?.();
    this.#filesOf = this.session;
    this.#unsubscribeFiles = this.session?.onFile?.((transfer) => {
      const at = this._files.findIndex((t) => t.id === transfer.id);
      this._files = at < 0 ? [...this._files, { ...transfer }] : this._files.map((t, i) => (i === at ? { ...transfer } : t));
    });
    this.#unsubscribeRecording?.();
    this.#unsubscribeRecording = this.session?.onRecording?.((file, reason) => {
      if (file && reason !== 'left') this._recordings = [...this._recordings, { file, reason: reason ?? 'stopped' }];
    });
  }

  private async _toggleRecording(on: boolean) {
    const session = this.session;
    if (!session?.startRecording || !session.stopRecording) return;
    this._actionProblem = '';
    if (!on) return void session.stopRecording().catch(() => {});
    this._recordingStarting = true;
    try {
      await session.startRecording();
    } catch (error) {
      this._actionProblem = problemText(msg('Could not start recording'), error);
    } finally {
      this._recordingStarting = false;
    }
  }

  /** Opens the file chooser: the file goes to `to`, or to everyone. */
  private _pickFile(to?: string) {
    this.#fileTo = to;
    this._filePicker?.click();
  }

  private _sendFiles(files: Iterable<File>, to?: string) {
    const session = this.session;
    if (!session?.sendFile) return;
    for (const file of files) {
      session.sendFile(file, to ? [to] : undefined).catch((error: unknown) => {
        this._actionProblem = problemText(msg(str`Could not send ${file.name}`), error);
      });
    }
  }

  private _onDragOver(event: DragEvent) {
    if (!event.dataTransfer?.types.includes('Files') || !this.session?.sendFile) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    this._dropping = true;
  }

  private _onDrop(event: DragEvent) {
    this._dropping = false;
    const files = event.dataTransfer?.files;
    if (!files?.length || !this.session?.sendFile) return;
    event.preventDefault();
    this._sendFiles(files);
  }

  private _dismissFile(id: string) {
    this.session?.dismissFile?.(id);
    this._files = this._files.filter((t) => t.id !== id);
  }

  private _shortcut(action: ShortcutAction) {
    const session = this.session;
    switch (action) {
      case 'microphone':
        return this.#actions.toggleMicrophone();
      case 'camera':
        return this.#actions.toggleCamera();
      case 'share':
        return this._shareScreen(!this.room.screen);
      case 'hand':
        return void session?.raiseHand(this.room.self?.handRaisedAt === undefined).catch(() => {});
      case 'chat':
      case 'people':
        return this._togglePanel(action);
      case 'leave':
        return this._leaveDialog?.showModal();
      case 'help':
        return this._helpDialog?.showModal();
    }
  }

  private _shareScreen(on: boolean) {
    void this.session?.shareScreen(on).catch((error: unknown) => {
      // Cancelled in the browser's picker: nothing to say.
      if ((error as { name?: string }).name !== 'NotAllowedError')
        this._actionProblem = problemText(msg('Could not share the screen'), error);
    });
  }

  private _setShortcuts(on: boolean) {
    setShortcutsOn(on);
    this._shortcutsOn = on;
  }

  private _renderDialogs() {
    return html`
      <dialog class="leave-confirm" aria-labelledby="leave-title" @close=${(e: Event) => {
        if ((e.target as HTMLDialogElement).returnValue === 'leave') emit(this, 'leave-call');
      }}>
        <form method="dialog">
          <h2 id="leave-title">${msg('Leave the call?')}</h2>
          <div class="dialog-buttons">
            <button value="stay" autofocus>${msg('Stay', { desc: 'Leave the call? No, stay' })}</button>
            <button value="leave" class="danger">${msg('Leave', { desc: 'Button: leave the call' })}</button>
          </div>
        </form>
      </dialog>
      <dialog class="shortcuts" aria-labelledby="shortcuts-title">
        <form method="dialog">
          <h2 id="shortcuts-title">${msg('Keyboard shortcuts')}</h2>
          <dl>
            ${shortcuts().map((s) => html`<div><dt><kbd>${s.keys}</kbd></dt><dd>${s.label}</dd></div>`)}
          </dl>
          <label class="toggle"><input type="checkbox" .checked=${this._shortcutsOn}
            @change=${(e: Event) => this._setShortcuts((e.target as HTMLInputElement).checked)} /> ${msg('Keyboard shortcuts on')}</label>
          <div class="dialog-buttons"><button value="close" autofocus>${msg('Close')}</button></div>
        </form>
      </dialog>
    `;
  }

  /** What picture-in-picture shows: whoever spoke last, or oneself when alone. */
  private _pipView(): PipView {
    const speaker = this.room.participants.find((p) => p.peerId === this.#speaker);
    const { audioEnabled, videoEnabled, stream } = this.media;
    return speaker
      ? { stream: speaker.stream, name: speaker.name, microphone: audioEnabled, camera: videoEnabled }
      : { stream, name: youName(this.room.self?.name), microphone: audioEnabled, camera: videoEnabled };
  }

  private async _togglePip() {
    if (this.#pip.isOpen) return this.#pip.close();
    const tile = this.renderRoot.querySelector<HTMLElement>(
      this.#speaker ? `video-tile[data-peer-id="${this.#speaker}"]` : 'video-tile.self',
    );
    try {
      await this.#pip.open(this._pipView(), tile?.shadowRoot?.querySelector('video') ?? undefined);
    } catch (error) {
      this._actionProblem = problemText(msg('Could not open picture-in-picture'), error);
    }
  }

  private _toggleLayout() {
    this.layout = this.layout === 'speaker' ? 'grid' : 'speaker';
    emit(this, 'layout-change', { layout: this.layout });
  }

  private _togglePanel(panel: 'chat' | 'people' | 'settings') {
    this._panel = this._panel === panel ? undefined : panel;
    if (this._panel === 'chat') void this.updateComplete.then(() => this.renderRoot.querySelector('chat-panel')?.focus());
  }

  /** Runs a host action; a failure is shown to the person instead of being lost. */
  private async _hostAction(failed: string, run: (session: CallActions) => Promise<void>) {
    if (!this.session) return;
    this._actionProblem = '';
    try {
      await run(this.session);
    } catch (error) {
      this._actionProblem = problemText(failed, error);
    }
  }

  private _answerKnock(event: CustomEvent<{ knockId: string; admit: boolean }>) {
    const { knockId, admit } = event.detail;
    const name = this.room.lobby.find((k) => k.knockId === knockId)?.name ?? '';
    void this._hostAction(admit ? msg(str`Could not admit ${name}`) : msg(str`Could not deny ${name}`), (s) =>
      s.answerKnock(knockId, admit),
    );
  }

  private _people(): PersonRow[] {
    const { self, participants } = this.room;
    const rows: PersonRow[] = participants.map((p) => ({ ...p, isSelf: false }));
    if (self) rows.push({ ...self, audio: this.media.audioEnabled, video: this.media.videoEnabled, isSelf: true });
    return rows;
  }

  private _renderRemote(p: RemoteParticipant) {
    const relayFailed = p.connection === 'failed' && this.room.notice === 'relay-failed';
    const status = relayFailed
      ? msg('Could not connect through the relay')
      : p.connection === 'failed'
        ? msg('Reconnecting…')
        : !p.stream
          ? msg('Connecting…')
          : '';
    return html`<video-tile part="tile"
      data-peer-id=${p.peerId}
      .stream=${p.stream}
      .name=${p.name}
      .status=${status}
      .reactions=${this.#reactions.of(p.peerId)}
      .sinkId=${this.media.choice.speaker ?? ''}
      .quality=${p.quality?.level ?? ''}
      .qualityDetails=${p.quality ? [...describeQuality(p.quality), ...safetyLine(p)] : []}
      ?audio-off=${!p.audio}
      ?video-off=${!p.video}
      ?hand-raised=${p.handRaisedAt !== undefined}
      ?speaking=${this.#speaking.speaking.has(p.peerId)}
    ></video-tile>`;
  }

  /** Shared screens, each a large tile of its own; the cameras move to a strip (presenter layout). */
  private _renderScreens() {
    const { participants, screen, self } = this.room;
    const tiles = participants
      .filter((p) => p.screen && p.screenStream)
      .map(
        (
          p,
        ) => html`<video-tile part="tile" class="screen" data-screen-of=${p.peerId} .stream=${p.screenStream} .name=${msg(str`${p.name}’s screen`)}
          .sinkId=${this.media.choice.speaker ?? ''}></video-tile>`,
      );
    if (screen) {
      tiles.unshift(
        html`<video-tile part="tile" class="screen self-screen" .stream=${screen} .name=${msg(str`${self?.name ?? ''} (your screen)`)} muted></video-tile>`,
      );
    }
    return tiles;
  }

  private _renderPanels() {
    const { self, chat, room } = this.room;
    const session = this.session;
    return html`
      <aside class="panel" part="panel" ?hidden=${!this._panel}>
        <chat-panel ?hidden=${this._panel !== 'chat'} .messages=${chat} .selfPeerId=${self?.peerId ?? ''}
          @send-chat=${(e: CustomEvent<{ text: string }>) => void session?.sendChat(e.detail.text).catch(shownInChat)}
          @retry-chat=${(e: CustomEvent<{ id: string; text: string }>) => void session?.sendChat(e.detail.text, e.detail.id).catch(shownInChat)}
          @pick-file=${() => this._pickFile()}
          @close-panel=${() => (this._panel = undefined)}></chat-panel>
        <people-panel ?hidden=${this._panel !== 'people'} .people=${this._people()} .hostPeerId=${room?.hostPeerId} ?locked=${!!room?.locked}
          @lock-room=${(e: CustomEvent<{ locked: boolean }>) =>
            void this._hostAction(e.detail.locked ? msg('Could not lock the room') : msg('Could not unlock the room'), (s) =>
              s.lockRoom(e.detail.locked),
            )}
          @pick-file=${(e: CustomEvent<{ to?: string }>) => this._pickFile(e.detail.to)}
          ?recording-forbidden=${!!room?.recordingForbidden}
          @forbid-recording=${(e: CustomEvent<{ forbidden: boolean }>) =>
            void this._hostAction(e.detail.forbidden ? msg('Could not turn recording off') : msg('Could not allow recording'), (s) =>
              s.forbidRecording ? s.forbidRecording(e.detail.forbidden) : Promise.resolve(),
            )}
          @verify-code=${(e: CustomEvent<{ peerId: string; verified: boolean }>) => void session?.verifySafetyCode?.(e.detail.peerId, e.detail.verified)}
          @remove-participant=${(e: CustomEvent<{ peerId: string; name: string }>) =>
            void this._hostAction(msg(str`Could not remove ${e.detail.name}`), (s) => s.removeParticipant(e.detail.peerId))}
          @close-panel=${() => (this._panel = undefined)}></people-panel>
        ${
          this._panel === 'settings'
            ? html`<section class="settings" aria-labelledby="settings-title">
              <header>
                <h2 id="settings-title">${msg('Settings')}</h2>
                <button type="button" class="close" aria-label=${msg('Close settings')} @click=${() => (this._panel = undefined)}>×</button>
              </header>
              <device-settings .devices=${this.media.devices} .choice=${this.media.choice} .stream=${this.media.stream}></device-settings>
              <language-select></language-select>
              <label class="toggle"><input type="checkbox" .checked=${this._shortcutsOn}
                @change=${(e: Event) => this._setShortcuts((e.target as HTMLInputElement).checked)} /> ${msg('Keyboard shortcuts')}</label>
              <button type="button" class="link" @click=${() => this._helpDialog?.showModal()}>${msg('Show the shortcuts')}</button>
            </section>`
            : nothing
        }
      </aside>
    `;
  }

  override render() {
    const media = this.media;
    const { participants, status, self, notice, chat, room, lobby } = this.room;
    const session = this.session;
    const count = participants.length + 1;
    const unread = chat.slice(this._chatSeen).filter((m) => m.peerId !== self?.peerId).length;
    const isHost = !!self && room?.hostPeerId === self.peerId;
    const screens = this._renderScreens();
    // The speaker view: whoever spoke last, large (a shared screen takes that place first).
    const spotlight = !screens.length && this.layout === 'speaker' ? participants.find((p) => p.peerId === this.#speaker) : undefined;
    const others = spotlight ? participants.filter((p) => p !== spotlight) : participants;
    const pip = pipSupport();
    const recording = self?.recordingSince !== undefined;
    const recorders = participants.filter((p) => p.recordingSince !== undefined).map((p) => p.name);
    return html`
      <section class="call" aria-labelledby="call-heading" @dragover=${this._onDragOver}
        @dragleave=${(e: DragEvent) => {
          if (!e.relatedTarget) this._dropping = false;
        }} @drop=${this._onDrop}>
        <h1 id="call-heading" class="visually-hidden">${msg('Call', { desc: 'The region of the page that holds the video call' })}</h1>
        <header>
          <span class="count" role="status">${countText(count, !!room?.locked)}</span>
          <span class="views">
            ${
              recording
                ? html`<button type="button" class="recording-stop" @click=${() => void this._toggleRecording(false)}>
                    <span class="dot" aria-hidden="true"></span>${msg('Stop recording')}</button>`
                : html`<button type="button" class="view record" aria-label=${msg('Record')} title=${msg('Record this call on this device (everyone is told)')}
                    ?hidden=${!session?.startRecording || !!room?.recordingForbidden} ?disabled=${this._recordingStarting}
                    @click=${() => void this._toggleRecording(true)}>${recordIcon}</button>`
            }
            <button type="button" class="view layout" aria-label=${msg('Speaker view')} title=${msg('Speaker view')} aria-pressed=${String(this.layout === 'speaker')}
              ?hidden=${!participants.length} @click=${this._toggleLayout}>${speakerViewIcon}</button>
            <button type="button" class="view" aria-label=${msg('Picture in picture')} title=${msg('Picture in picture')} aria-pressed=${String(this.#pip.isOpen)}
              ?hidden=${!pip} @click=${() => void this._togglePip()}>${pipIcon}</button>
            <share-link .link=${this.link}></share-link>
          </span>
        </header>
        <div class="banner" role="status" ?hidden=${status !== 'reconnecting'}>${msg('Reconnecting…')}</div>
        <p class="recording-notice" role="status" ?hidden=${!recorders.length && !recording}>
          <span class="dot" aria-hidden="true"></span><span>${recorders.length || recording ? recordingText(recorders, recording) : ''}</span>
        </p>
        <p class="problem notice" role="alert" ?hidden=${!notice}>${notice ? noticeText(notice) : ''}</p>
        <p class="problem device-notice" role="status" ?hidden=${!media.notice}>${media.notice}</p>
        <p class="problem uplink" role="status" ?hidden=${!this.room.uplinkUnstable}>${msg('Your connection is unstable: others may see you freeze')}</p>
        <p class="problem action-problem" role="alert" ?hidden=${!this._actionProblem}>
          <span>${this._actionProblem}</span>
          <button type="button" aria-label=${msg('Dismiss')} @click=${() => (this._actionProblem = '')}>×</button>
        </p>
        <div class="stage">
          <div class="main">
          ${screens.length ? html`<div class="screens" aria-label=${msg('Shared screens')}>${screens}</div>` : nothing}
          ${spotlight ? html`<div class="screens spotlight" aria-label=${msg('Speaker', { id: 'speaker-person', desc: 'The large tile of the person speaking' })}>${this._renderRemote(spotlight)}</div>` : nothing}
          <div class="grid ${screens.length || spotlight ? 'strip' : ''}" aria-label=${msg('Participants')}>
            <video-tile part="tile"
              class="self"
              .stream=${media.stream}
              .name=${youName(self?.name)}
              .reactions=${this.#reactions.of(self?.peerId)}
              muted
              mirrored
              ?audio-off=${!media.audioEnabled}
              ?video-off=${!media.videoEnabled}
              ?hand-raised=${self?.handRaisedAt !== undefined}
              ?speaking=${this.#speaking.speaking.has(SELF) && media.audioEnabled}
            ></video-tile>
            ${repeat(
              others,
              (p) => p.peerId,
              (p) => this._renderRemote(p),
            )}
          </div>
          <file-transfers class="files" ?hidden=${!this._files.length && !this._recordings.length} .transfers=${this._files}
            .recordings=${this._recordings}
            @recording-dismiss=${(e: CustomEvent<{ file: File }>) => (this._recordings = this._recordings.filter((r) => r.file !== e.detail.file))}
            .names=${new Map(participants.map((p) => [p.peerId, p.name]))}
            @file-answer=${(e: CustomEvent<{ id: string; accept: boolean }>) => session?.answerFile?.(e.detail.id, e.detail.accept)}
            @file-cancel=${(e: CustomEvent<{ id: string }>) => session?.cancelFile?.(e.detail.id)}
            @file-dismiss=${(e: CustomEvent<{ id: string }>) => this._dismissFile(e.detail.id)}></file-transfers>
          </div>
          ${this._renderPanels()}
        </div>
        <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${this.#announcer.text}</div>
        ${this._renderDialogs()}
        <input type="file" class="file-picker" multiple hidden aria-hidden="true" tabindex="-1"
          @change=${(e: Event) => {
            const input = e.target as HTMLInputElement;
            this._sendFiles([...(input.files ?? [])], this.#fileTo);
            input.value = '';
          }} />
        <div class="drop-hint" ?hidden=${!this._dropping}>${msg('Drop to send to everyone')}</div>
        <knock-requests class="knocks" ?hidden=${!isHost || !lobby.length} .knocks=${isHost ? lobby : []}
          @answer-knock=${this._answerKnock}></knock-requests>
        <media-controls part="controls" in-call ?audio-enabled=${media.audioEnabled} ?video-enabled=${media.videoEnabled} ?sharing=${!!this.room.screen}
          @toggle-screen=${(e: CustomEvent<ToggleDetail>) => this._shareScreen(e.detail.enabled)}
          ?chat-open=${this._panel === 'chat'} ?people-open=${this._panel === 'people'} ?settings-open=${this._panel === 'settings'} ?hand-raised=${self?.handRaisedAt !== undefined}
          .chatUnread=${this._panel === 'chat' ? 0 : unread}
          @toggle-chat=${() => this._togglePanel('chat')} @toggle-people=${() => this._togglePanel('people')}
          @toggle-settings=${() => this._togglePanel('settings')}
          @toggle-hand=${(e: CustomEvent<ToggleDetail>) => void session?.raiseHand(e.detail.enabled).catch(() => {})}
          @react=${(e: CustomEvent<{ emoji: Reaction }>) => void session?.react(e.detail.emoji)}></media-controls>
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'call-stage': CallStage;
  }
  interface HTMLElementEventMap {
    /** The person switched between the grid and the speaker view. */
    'layout-change': CustomEvent<{ layout: 'grid' | 'speaker' }>;
  }
}
