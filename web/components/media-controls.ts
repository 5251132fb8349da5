/**
 * Mic, camera and Leave. The toggles are buttons with a fixed accessible name and aria-pressed,
 * so a screen reader says "Microphone, toggle button, pressed". Their visible label is that same
 * name (WCAG 2.5.3, label in name: "Mic off" would not be); the icon and colour show on/off.
 */
import { localized, msg, str } from '@lit/localize';
import { LitElement, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { REACTIONS, type Reaction } from '../../protocol/contract.js';
import { emit } from './emit.js';
import { camIcon, camOffIcon, chatIcon, handIcon, leaveIcon, micIcon, micOffIcon, peopleIcon, screenIcon, settingsIcon } from './icons.js';
import { mediaControlsStyles } from './media-controls.styles.js';

/** Phones' browsers have no getDisplayMedia: no Share button there. */
const canShareScreen = () => typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getDisplayMedia;

@customElement('media-controls')
@localized()
export class MediaControls extends LitElement {
  static override styles = mediaControlsStyles;

  @property({ type: Boolean, attribute: 'audio-enabled' }) audioEnabled = false;
  @property({ type: Boolean, attribute: 'video-enabled' }) videoEnabled = false;
  /** Shows the in-call buttons: chat, people, hand, reactions, Leave (hidden before joining). */
  @property({ type: Boolean, attribute: 'in-call' }) inCall = false;
  @property({ type: Boolean, attribute: 'chat-open' }) chatOpen = false;
  @property({ type: Boolean, attribute: 'people-open' }) peopleOpen = false;
  @property({ type: Boolean, attribute: 'settings-open' }) settingsOpen = false;
  /** Sharing a screen now. */
  @property({ type: Boolean }) sharing = false;
  @property({ type: Boolean, attribute: 'hand-raised' }) handRaised = false;
  /** Messages that arrived while the chat was closed. */
  @property({ type: Number, attribute: 'chat-unread' }) chatUnread = 0;

  @state() private _reactionsOpen = false;

  private _toggleAudio() {
    emit(this, 'toggle-audio', { enabled: !this.audioEnabled });
  }

  private _toggleVideo() {
    emit(this, 'toggle-video', { enabled: !this.videoEnabled });
  }

  private _leave() {
    emit(this, 'leave-call');
  }

  private _react(emoji: Reaction) {
    this._reactionsOpen = false;
    emit(this, 'react', { emoji });
  }

  override render() {
    return html`
      <div class="bar" role="toolbar" aria-label=${msg('Call controls')}>
        <button type="button" class="device" aria-label=${msg('Microphone')} aria-pressed=${String(this.audioEnabled)} @click=${this._toggleAudio}>
          <span class="circle">${this.audioEnabled ? micIcon : micOffIcon}</span>
          <span class="label" aria-hidden="true">${msg('Microphone')}</span>
        </button>
        <button type="button" class="device" aria-label=${msg('Camera')} aria-pressed=${String(this.videoEnabled)} @click=${this._toggleVideo}>
          <span class="circle">${this.videoEnabled ? camIcon : camOffIcon}</span>
          <span class="label" aria-hidden="true">${msg('Camera')}</span>
        </button>
        <button type="button" aria-label=${this.chatUnread ? msg(str`Chat, ${this.chatUnread} unread`) : msg('Chat')} aria-pressed=${String(this.chatOpen)} class="panel" ?hidden=${!this.inCall}
          @click=${() => emit(this, 'toggle-chat')}>
          <span class="circle">${chatIcon}<span class="badge" ?hidden=${!this.chatUnread} aria-hidden="true">${this.chatUnread}</span></span>
          <span class="label" aria-hidden="true">${msg('Chat')}</span>
        </button>
        <button type="button" aria-label=${msg('People')} aria-pressed=${String(this.peopleOpen)} class="panel" ?hidden=${!this.inCall}
          @click=${() => emit(this, 'toggle-people')}>
          <span class="circle">${peopleIcon}</span>
          <span class="label" aria-hidden="true">${msg('People')}</span>
        </button>
        <button type="button" aria-label=${msg('Share screen')} aria-pressed=${String(this.sharing)} class="panel"
          ?hidden=${!this.inCall || !canShareScreen()} @click=${() => emit(this, 'toggle-screen', { enabled: !this.sharing })}>
          <span class="circle">${screenIcon}</span>
          <span class="label" aria-hidden="true">${msg('Share', { id: 'share-screen', desc: 'Button label: share one’s screen with the call' })}</span>
        </button>
        <button type="button" aria-label=${msg('Settings')} aria-pressed=${String(this.settingsOpen)} class="panel" ?hidden=${!this.inCall}
          @click=${() => emit(this, 'toggle-settings')}>
          <span class="circle">${settingsIcon}</span>
          <span class="label" aria-hidden="true">${msg('Settings')}</span>
        </button>
        <button type="button" aria-label=${msg('Raise hand')} aria-pressed=${String(this.handRaised)} class="panel" ?hidden=${!this.inCall}
          @click=${() => emit(this, 'toggle-hand', { enabled: !this.handRaised })}>
          <span class="circle">${handIcon}</span>
          <span class="label" aria-hidden="true">${msg('Hand', { desc: 'Button label: raise one’s hand' })}</span>
        </button>
        <span class="reactions" ?hidden=${!this.inCall}>
          <button type="button" aria-label=${msg('Reactions')} aria-expanded=${String(this._reactionsOpen)}
            @click=${() => (this._reactionsOpen = !this._reactionsOpen)}>
            <span class="circle" aria-hidden="true">☺</span>
            <span class="label" aria-hidden="true">${msg('Reactions')}</span>
          </button>
          <span class="picker" role="group" aria-label=${msg('Send a reaction')} ?hidden=${!this._reactionsOpen}>
            ${REACTIONS.map((emoji) => html`<button type="button" aria-label=${msg(str`Send ${emoji}`)} @click=${() => this._react(emoji)}>${emoji}</button>`)}
          </span>
        </span>
        <button type="button" class="leave" aria-label=${msg('Leave call')} ?hidden=${!this.inCall} @click=${this._leave}>
          <span class="circle">${leaveIcon}</span>
          <span class="label" aria-hidden="true">${msg('Leave', { desc: 'Button: leave the call' })}</span>
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
    'toggle-chat': CustomEvent<undefined>;
    'toggle-people': CustomEvent<undefined>;
    'toggle-settings': CustomEvent<undefined>;
    'toggle-screen': CustomEvent<ToggleDetail>;
    'toggle-hand': CustomEvent<ToggleDetail>;
    react: CustomEvent<{ emoji: Reaction }>;
  }
}
