/**
 * One participant: their video (or an initial when the camera is off), name, and a mic-off mark.
 * It only renders the MediaStream it is given; it never owns a connection.
 */
import { localized, msg, str } from '@lit/localize';
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { camOffIcon, handIcon, micOffIcon } from './icons.js';
import { videoTileStyles } from './video-tile.styles.js';

/** "Connection: good". */
function qualityLabel(level: string): string {
  if (level === 'good') return msg('Connection: good');
  if (level === 'fair') return msg('Connection: fair');
  return msg('Connection: poor');
}

@customElement('video-tile')
@localized()
export class VideoTile extends LitElement {
  static override styles = videoTileStyles;

  @query('video') private _video!: HTMLVideoElement;

  @property({ attribute: false }) stream: MediaStream | undefined;
  @property() name = '';
  /** Silences this tile's audio (always, for your own tile: no echo). */
  @property({ type: Boolean, reflect: true }) muted = false;
  @property({ type: Boolean, reflect: true }) mirrored = false;
  @property({ type: Boolean, reflect: true, attribute: 'audio-off' }) audioOff = false;
  @property({ type: Boolean, reflect: true, attribute: 'video-off' }) videoOff = false;
  /** A short note over the video, such as "Connecting…". */
  @property() status = '';
  /** How good the connection with this person is; empty: not measured (or oneself). */
  @property({ reflect: true }) quality: '' | 'good' | 'fair' | 'poor' = '';
  /** The figures behind it, one line each, for the details view. */
  @property({ attribute: false }) qualityDetails: string[] = [];
  @state() private _details = false;
  /** The speaker this tile's sound plays on (an audio output's device id; '' for the default). */
  @property({ attribute: false }) sinkId = '';
  @property({ type: Boolean, reflect: true, attribute: 'hand-raised' }) handRaised = false;
  /** Set while this participant is talking (from the local audio level). */
  @property({ type: Boolean, reflect: true }) speaking = false;
  /** Reactions floating over the tile right now. */
  @property({ attribute: false }) reactions: Array<{ id: number; emoji: string }> = [];

  override connectedCallback(): void {
    super.connectedCallback();
    // Put back on the page (moved, as `repeat` does when the grid's order changes): the stream was
    // detached below, so attach it again.
    if (this.hasUpdated) this.requestUpdate('stream');
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Detach the stream so a removed tile holds no reference to a peer's media.
    if (this._video) this._video.srcObject = null;
  }

  protected override updated(changed: PropertyValues<this>): void {
    const video = this._video;
    if (changed.has('stream') && video.srcObject !== (this.stream ?? null)) {
      video.srcObject = this.stream ?? null;
      if (this.stream) video.play().catch(() => {});
    }
    video.muted = this.muted;
    const routable = video as HTMLVideoElement & { sinkId?: string; setSinkId?: (id: string) => Promise<void> };
    if (changed.has('sinkId') && routable.setSinkId && routable.sinkId !== this.sinkId) {
      routable.setSinkId(this.sinkId).catch(() => {});
    }
  }

  override render() {
    const hideVideo = this.videoOff || !this.stream;
    const initial = Array.from(this.name.trim())[0]?.toUpperCase() ?? '?';
    return html`
      <video part="video" autoplay playsinline .muted=${this.muted} ?hidden=${hideVideo}></video>
      <div class="avatar" ?hidden=${!hideVideo} aria-hidden="true"><span>${initial}</span></div>
      <div class="status" ?hidden=${!this.status} role="status">${this.status}</div>
      <div class="hand" ?hidden=${!this.handRaised} role="img" aria-label=${msg('Hand raised')}>${handIcon}</div>
      <div class="reactions" aria-live="polite">
        ${repeat(
          this.reactions,
          (r) => r.id,
          (r) => html`<span class="reaction" role="img" aria-label=${msg(str`Reaction ${r.emoji}`)}>${r.emoji}</span>`,
        )}
      </div>
      <div class="label">
        <span class="name">${this.name}</span>
        <span ?hidden=${!this.audioOff} role="img" aria-label=${msg('Microphone off')}>${micOffIcon}</span>
        <span ?hidden=${!this.videoOff} role="img" aria-label=${msg('Camera off')}>${camOffIcon}</span>
        ${
          this.quality
            ? html`<button type="button" class="quality" aria-label=${qualityLabel(this.quality)} aria-expanded=${String(this._details)}
              @click=${() => (this._details = !this._details)}><span></span><span></span><span></span></button>`
            : nothing
        }
      </div>
      ${
        this.quality && this._details
          ? html`<div class="details" role="group" aria-label=${msg(str`Connection details for ${this.name}`)}>
            ${this.qualityDetails.map((line) => html`<div>${line}</div>`)}
          </div>`
          : nothing
      }
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'video-tile': VideoTile;
  }
}
