/** The caller's side of ringing a person: "Ringing NAME…" with Cancel, then how it ended. */
import { localized, msg, str } from '@lit/localize';
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { emit } from './emit.js';
import { baseStyles, screenStyles } from './tokens.styles.js';

export type OutgoingPhase = 'ringing' | 'connecting' | 'declined' | 'busy' | 'not-reachable' | 'no-answer' | 'cancelled' | 'failed';

@customElement('outgoing-call')
@localized()
export class OutgoingCall extends LitElement {
  static override styles = [
    baseStyles,
    screenStyles,
    css`
      :host {
        text-align: center;
      }
      section {
        display: grid;
        gap: 1rem;
        justify-items: center;
      }
      h1 {
        margin: 0;
        font-size: 1.6rem;
      }
      p {
        margin: 0;
        color: var(--_muted);
      }
      .actions {
        display: flex;
        gap: 0.75rem;
      }
      button,
      a {
        border: 0;
        border-radius: 999px;
        padding: 0.7rem 1.3rem;
        font: 600 1rem / 1.2 system-ui, sans-serif;
        cursor: pointer;
        text-decoration: none;
        color: #fff;
        background: var(--_surface);
      }
      .cancel {
        background: #c9363b;
      }
    `,
  ];

  @property() handle = '';
  /** The callee's display name, once the server told us. */
  @property() calleeName = '';
  @property() phase: OutgoingPhase = 'ringing';
  /** For `failed`: what went wrong. */
  @property() problem = '';

  private _message(): [string, string] {
    // A name, or the handle (“@ada”): not translated.
    const who = this.calleeName || `@${this.handle}`;
    const handle = this.handle;
    switch (this.phase) {
      case 'ringing':
        return [msg(str`Ringing ${who}…`, { desc: 'Calling a person: their name or @handle' }), msg('They see your call on their screen.')];
      case 'connecting':
        return [msg(str`${who} answered`, { desc: 'Calling a person: their name or @handle' }), msg('Opening your call…')];
      case 'declined':
        return [
          msg(str`${who} declined the call`, { desc: 'Calling a person: their name or @handle' }),
          msg('Try again later, or send them a call link.'),
        ];
      case 'busy':
        return [
          msg(str`${who} is in another call`, { desc: 'Calling a person: their name or @handle' }),
          msg('Try again when they are free.'),
        ];
      case 'not-reachable':
        return [
          msg(str`Nobody is reachable as @${handle}`, { desc: 'Calling a person by their handle (a user name after “@”)' }),
          msg('They need callroom open and to be reachable under that handle.'),
        ];
      case 'no-answer':
        return [
          msg(str`${who} did not answer`, { desc: 'Calling a person: their name or @handle' }),
          msg('Try again later, or send them a call link.'),
        ];
      case 'cancelled':
        return [msg('Call cancelled'), ''];
      default:
        return [msg('The call could not be placed'), this.problem];
    }
  }

  override render() {
    const [title, text] = this._message();
    const ringing = this.phase === 'ringing';
    const cancel = msg('Cancel', { id: 'outgoing-call.cancel', desc: 'Calling a person: button that stops ringing them' });
    const again = msg('Call again', { desc: 'Calling a person: button that rings them once more' });
    const home = msg('Home', { id: 'outgoing-call.home', desc: 'Calling a person: link to the start page' });
    return html`
      <section role="status" aria-live="polite">
        <h1>${title}</h1>
        <p ?hidden=${!text}>${text}</p>
        <div class="actions">
          <button type="button" class="cancel" ?hidden=${!ringing} @click=${() => emit(this, 'cancel-ring')}>${cancel}</button>
          <button type="button" ?hidden=${ringing || this.phase === 'connecting'} @click=${() => emit(this, 'ring-again')}>${again}</button>
          <a href="/" ?hidden=${ringing || this.phase === 'connecting'}>${home}</a>
        </div>
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'outgoing-call': OutgoingCall;
  }
  interface HTMLElementEventMap {
    'cancel-ring': CustomEvent<undefined>;
    'ring-again': CustomEvent<undefined>;
  }
}
