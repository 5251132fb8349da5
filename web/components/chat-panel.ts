/**
 * The room's chat: messages as text (links open in a new tab), a box where Enter sends and
 * Shift+Enter starts a new line, and a Retry on any message that failed to send.
 */
import { localized, msg, str } from '@lit/localize';
import { getLocale } from '../i18n/locale.js';
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
@localized()
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
      .actions {
        display: flex;
        gap: 0.35rem;
        justify-content: space-between;
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

  /** The length of a message that was too long to send (0: no problem). */
  @state() private _tooLong = 0;

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
      this._tooLong = text.length;
      return;
    }
    this._tooLong = 0;
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

  private _error(): string {
    if (!this._tooLong) return '';
    const max = CHAT_MAX_LENGTH;
    const length = this._tooLong;
    return msg(str`Messages are at most ${max} characters (this one has ${length}). Nothing was sent.`);
  }

  private _renderMessage(m: ChatEntry) {
    const mine = m.peerId === this.selfPeerId;
    // In the UI's language (not only the browser's), like every other word on the screen.
    const time = new Date(m.sentAt).toLocaleTimeString(getLocale(), { hour: '2-digit', minute: '2-digit' });
    const you = msg('You', { id: 'chat-panel.you', desc: 'Chat: the author shown above one’s own messages' });
    const sending = msg('Sending…', { id: 'chat-panel.sending', desc: 'Chat: shown instead of the time while a message is being sent' });
    const problem = m.problem;
    const notSent = problem
      ? msg(str`Not sent: ${problem}.`, { desc: 'Chat: a message that failed to send, then why (e.g. “Too many requests”)' })
      : msg('Not sent.', { desc: 'Chat: a message that failed to send' });
    const retry = msg('Retry', { id: 'chat-panel.retry', desc: 'Chat: button that sends a failed message again' });
    return html`
      <li class=${m.status}>
        <div class="meta">${mine ? you : m.name} · ${m.status === 'sending' ? sending : time}</div>
        <div class="text">${linkify(m.text)}</div>
        <div class="problem" ?hidden=${m.status !== 'failed'}>
          ${notSent}
          <button type="button" class="small" @click=${() => emit(this, 'retry-chat', { id: m.id, text: m.text })}>${retry}</button>
        </div>
      </li>
    `;
  }

  override render() {
    const error = this._error();
    return html`
      <header>
        <h2 id="chat-title">${msg('Chat', { id: 'chat-panel.title', desc: 'Chat panel: heading' })}</h2>
        <button type="button" class="close" aria-label=${msg('Close chat')} @click=${() => emit(this, 'close-panel')}>×</button>
      </header>
      <p class="empty" ?hidden=${this.messages.length > 0}>${msg('No messages yet. Messages are seen by everyone in the call.')}</p>
      <ol aria-labelledby="chat-title" aria-live="polite">
        ${repeat(
          this.messages,
          (m) => m.id,
          (m) => this._renderMessage(m),
        )}
      </ol>
      <form @submit=${this._onSubmit}>
        <textarea aria-label=${msg('Message', { id: 'chat-panel.message', desc: 'Chat: name of the box where one types a message' })}
          placeholder=${msg('Message everyone', { desc: 'Chat: placeholder of the message box' })} rows="1" @keydown=${this._onKeyDown}></textarea>
        <p class="error" role="alert" ?hidden=${!error}>${error}</p>
        <div class="actions">
          <button type="button" class="small" @click=${() => emit(this, 'pick-file', {})}>${msg('Send a file', { desc: 'Button that picks a file to send, person to person' })}</button>
          <button type="submit" class="small">${msg('Send', { id: 'chat-panel.send', desc: 'Chat: button that sends the message' })}</button>
        </div>
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
