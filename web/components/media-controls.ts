/**
 * Mic, camera and Leave. The toggles are buttons with a fixed accessible name and aria-pressed,
 * so a screen reader says "Microphone, toggle button, pressed". Their visible label is that same
 * name (WCAG 2.5.3, label in name: "Mic off" would not be); the icon and colour show on/off.
 */
import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { emit } from './emit.js';
import { camIcon, camOffIcon, leaveIcon, micIcon, micOffIcon } from './icons.js';
import { mediaControlsStyles } from './media-controls.styles.js';

@customElement('media-controls')
export class MediaControls extends LitElement {
  static override styles = mediaControlsStyles;

  @property({ type: Boolean, attribute: 'audio-enabled' }) audioEnabled = false;
  @property({ type: Boolean, attribute: 'video-enabled' }) videoEnabled = false;
  /** Shows the Leave button (hidden on the pre-join screen). */
  @property({ type: Boolean, attribute: 'in-call' }) inCall = false;

  private _toggleAudio() {
    emit(this, 'toggle-audio', { enabled: !this.audioEnabled });
  }

  private _toggleVideo() {
    emit(this, 'toggle-video', { enabled: !this.videoEnabled });
  }

  private _leave() {
    emit(this, 'leave-call');
  }

  override render() {
    return html`
      <div class="bar" role="toolbar" aria-label="Call controls">
        <button type="button" aria-label="Microphone" aria-pressed=${String(this.audioEnabled)} @click=${this._toggleAudio}>
          <span class="circle">${this.audioEnabled ? micIcon : micOffIcon}</span>
          <span aria-hidden="true">Microphone</span>
        </button>
        <button type="button" aria-label="Camera" aria-pressed=${String(this.videoEnabled)} @click=${this._toggleVideo}>
          <span class="circle">${this.videoEnabled ? camIcon : camOffIcon}</span>
          <span aria-hidden="true">Camera</span>
        </button>
        <button type="button" class="leave" aria-label="Leave call" ?hidden=${!this.inCall} @click=${this._leave}>
          <span class="circle">${leaveIcon}</span>
          <span aria-hidden="true">Leave</span>
        </button>
      </div>
    `;
  }
}

export interface ToggleDetail {
  enabled: boolean;
}

declare global {
  interface HTMLElementTagNameMap {
    'media-controls': MediaControls;
  }
  interface HTMLElementEventMap {
    'toggle-audio': CustomEvent<ToggleDetail>;
    'toggle-video': CustomEvent<ToggleDetail>;
    'leave-call': CustomEvent<undefined>;
  }
}
