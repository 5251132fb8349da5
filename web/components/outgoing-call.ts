/** The caller's side of ringing a person: "Ringing NAME…" with Cancel, then how it ended. */
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { emit } from './emit.js';
import { baseStyles, screenStyles } from './tokens.styles.js';

export type OutgoingPhase = 'ringing' | 'connecting' | 'declined' | 'busy' | 'not-reachable' | 'no-answer' | 'cancelled' | 'failed';

@customElement('outgoing-call')
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
    const who = this.calleeName || `@${this.handle}`;
    switch (this.phase) {
      case 'ringing':
        return [`Ringing ${who}…`, 'They see your call on their screen.'];
      case 'connecting':
        return [`${who} answered`, 'Opening your call…'];
      case 'declined':
        return [`${who} declined the call`, 'Try again later, or send them a call link.'];
      case 'busy':
        return [`${who} is in another call`, 'Try again when they are free.'];
      case 'not-reachable':
        return [`Nobody is reachable as @${this.handle}`, 'They need callroom open and to be reachable under that handle.'];
      case 'no-answer':
        return [`${who} did not answer`, 'Try again later, or send them a call link.'];
      case 'cancelled':
        return ['Call cancelled', ''];
      default:
        return ['The call could not be placed', this.problem];
    }
  }

  override render() {
    const [title, text] = this._message();
    const ringing = this.phase === 'ringing';
    return html`
      <section role="status" aria-live="polite">
        <h1>${title}</h1>
        <p ?hidden=${!text}>${text}</p>
        <div class="actions">
          <button type="button" class="cancel" ?hidden=${!ringing} @click=${() => emit(this, 'cancel-ring')}>Cancel</button>
          <button type="button" ?hidden=${ringing || this.phase === 'connecting'} @click=${() => emit(this, 'ring-again')}>Call again</button>
          <a href="/" ?hidden=${ringing || this.phase === 'connecting'}>Home</a>
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
