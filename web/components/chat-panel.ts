/**
 * The room's chat: messages as text (links open in a new tab), a box where Enter sends and
 * Shift+Enter starts a new line, and a Retry on any message that failed to send.
 */
import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { CHAT_MAX_LENGTH } from '../../protocol/contract.js';
import type { ChatEntry } from '../rtc/room-state.js';
import { emit } from './emit.js';
import { linkify } from './linkify.js';
import { panelStyles } from './panel.styles.js';
import { fieldStyles } from './tokens.styles.js';

@customElement('chat-panel')
export class ChatPanel extends LitElement {
  static override styles = [
    panelStyles,
    fieldStyles,
    css`
      ol {
        flex: 1;
        overflow-y: auto;
        margin: 0;
        padding: 0.5rem 0.75rem;
        list-style: none;
        display: flex;
        flex-direction: column;
        gap: 0.6rem;
      }
      .meta {
        font-size: 0.78rem;
        color: var(--_muted);
      }
      .text {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .failed .text {
        opacity: 0.7;
      }
      .problem {
        color: var(--_error);
        font-size: 0.8rem;
      }
      a {
        color: var(--_link);
      }
      form {
        display: grid;
        gap: 0.35rem;
        padding: 0.6rem 0.75rem;
        border-top: 1px solid var(--panel-border);
      }
      textarea {
        resize: none;
        min-height: 2.6rem;
        max-height: 8rem;
        padding: 0.55rem 0.65rem;
        background: var(--_background);
      }
      .error {
        color: var(--_error);
        font-size: 0.82rem;
      }
      .empty {
        color: var(--_muted);
        padding: 1rem 0.75rem;
      }
    `,
  ];

  @query('ol') private _list!: HTMLOListElement;
  @query('textarea') private _box!: HTMLTextAreaElement;

  @state() private _error = '';

  @property({ attribute: false }) messages: readonly ChatEntry[] = [];
  @property({ attribute: false }) selfPeerId = '';

  protected override updated(changed: PropertyValues<this>): void {
    // Follow the conversation as it grows.
    if (changed.has('messages') && this._list) this._list.scrollTop = this._list.scrollHeight;
  }

  /** Puts the cursor in the message box. */
  override focus(): void {
    this._box?.focus();
  }

  private _send() {
    const text = this._box.value;
    if (!text.trim()) return;
    if (text.length > CHAT_MAX_LENGTH) {
      this._error = `Messages are at most ${CHAT_MAX_LENGTH} characters (this one has ${text.length}). Nothing was sent.`;
      return;
    }
    this._error = '';
    emit(this, 'send-chat', { text });
    this._box.value = '';
  }

  private _onKeyDown(event: KeyboardEvent) {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this._send();
    }
  }

  private _onSubmit(event: Event) {
    event.preventDefault();
    this._send();
  }

  private _renderMessage(m: ChatEntry) {
    const mine = m.peerId === this.selfPeerId;
    const time = new Date(m.sentAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    return html`
      <li class=${m.status}>
        <div class="meta">${mine ? 'You' : m.name} · ${m.status === 'sending' ? 'Sending…' : time}</div>
        <div class="text">${linkify(m.text)}</div>
        <div class="problem" ?hidden=${m.status !== 'failed'}>
          Not sent${m.problem ? `: ${m.problem}` : ''}.
          <button type="button" class="small" @click=${() => emit(this, 'retry-chat', { id: m.id, text: m.text })}>Retry</button>
        </div>
      </li>
    `;
  }

  override render() {
    return html`
      <header>
        <h2 id="chat-title">Chat</h2>
        <button type="button" class="close" aria-label="Close chat" @click=${() => emit(this, 'close-panel')}>×</button>
      </header>
      <p class="empty" ?hidden=${this.messages.length > 0}>No messages yet. Messages are seen by everyone in the call.</p>
      <ol aria-labelledby="chat-title" aria-live="polite">
        ${repeat(
          this.messages,
          (m) => m.id,
          (m) => this._renderMessage(m),
        )}
      </ol>
      <form @submit=${this._onSubmit}>
        <textarea aria-label="Message" placeholder="Message everyone" rows="1" @keydown=${this._onKeyDown}></textarea>
        <p class="error" role="alert" ?hidden=${!this._error}>${this._error}</p>
        <button type="submit" class="small">Send</button>
      </form>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-panel': ChatPanel;
  }
  interface HTMLElementEventMap {
    'send-chat': CustomEvent<{ text: string }>;
    'retry-chat': CustomEvent<{ id: string; text: string }>;
    'close-panel': CustomEvent<undefined>;
  }
}
