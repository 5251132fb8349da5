/** The home screen: start a new call, or join one from a link or code. */
import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { emit } from './emit.js';
import { baseStyles, fieldStyles, screenStyles } from './tokens.styles.js';
import { newRoomId, roomIdFromInput } from '../app/links.js';

@customElement('call-home')
export class CallHome extends LitElement {
  static override styles = [
    baseStyles,
    screenStyles,
    fieldStyles,
    css`
      main {
        display: grid;
        gap: 1.5rem;
        max-width: 28rem;
      }
      h1 {
        margin: 0;
        font-size: clamp(1.8rem, 6vw, 2.6rem);
        line-height: 1.15;
      }
      p {
        margin: 0;
        color: var(--_muted);
      }
      button {
        padding: 0.85rem 1.5rem;
        border: 0;
        border-radius: 999px;
        background: var(--_accent);
        color: #fff;
        font: 600 1.05rem / 1.2 system-ui, sans-serif;
        cursor: pointer;
      }
      form {
        display: flex;
        gap: 0.5rem;
      }
      input {
        flex: 1;
        min-width: 0;
      }
      form button {
        background: var(--_surface);
        font-size: 0.95rem;
        padding: 0.7rem 1.1rem;
      }
      .error {
        color: var(--_error);
        font-size: 0.9rem;
      }
      h2 {
        margin: 0.75rem 0 0;
        font-size: 1.1rem;
      }
      .quiet {
        display: block;
        margin-top: 0.5rem;
        padding: 0.4rem 0.9rem;
        background: var(--_surface);
        font-size: 0.9rem;
      }
      .directory {
        margin: 0;
        padding-left: 1.2rem;
      }
      a {
        color: var(--_link);
      }
    `,
  ];

  @state() private _error = '';

  /** The handle this browser is reachable as, if any. */
  @property() reachableAs = '';
  /** Why becoming reachable failed (a taken handle, say). */
  @property() reachError = '';
  /** Reachable people, when the server's directory is on. */
  @property({ attribute: false }) directory: Array<{ handle: string; name: string; busy: boolean }> | undefined;

  private _becomeReachable(event: SubmitEvent) {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).elements.namedItem('handle') as HTMLInputElement;
    emit(this, 'become-reachable', { handle: input.value });
  }

  private _callPerson(event: SubmitEvent) {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).elements.namedItem('callee') as HTMLInputElement;
    const handle = input.value.trim().replace(/^@/, '').toLowerCase();
    if (handle) location.assign(`/call/${encodeURIComponent(handle)}`);
  }

  private _newCall() {
    location.assign(`/r/${newRoomId()}`);
  }

  private _joinExisting(event: SubmitEvent) {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).elements.namedItem('link') as HTMLInputElement;
    const roomId = roomIdFromInput(input.value);
    if (!roomId) {
      this._error = 'That is not a call link or code. Codes are letters, digits, “-” and “_”.';
      return;
    }
    location.assign(`/r/${roomId}`);
  }

  override render() {
    return html`
      <main>
        <h1>Video calls from a link</h1>
        <p>Start a call and send the link. Nothing to install, no account.</p>
        <button type="button" @click=${this._newCall}>New call</button>
        <form @submit=${this._joinExisting} aria-label="Join a call">
          <input name="link" aria-label="Call link or code" placeholder="Paste a link or code" autocomplete="off" />
          <button type="submit">Join</button>
        </form>
        <p class="error" role="alert" ?hidden=${!this._error}>${this._error}</p>

        <h2>Ring a person</h2>
        <p ?hidden=${!this.reachableAs}>You are reachable as <strong>@${this.reachableAs}</strong> while callroom is open.
          <button type="button" class="quiet" @click=${() => emit(this, 'stop-reachable')}>Stop being reachable</button></p>
        <form @submit=${this._becomeReachable} aria-label="Become reachable" ?hidden=${!!this.reachableAs}>
          <input name="handle" aria-label="Your handle" placeholder="Choose a handle, e.g. ada" autocomplete="off" />
          <button type="submit">Be reachable</button>
        </form>
        <p class="error" role="alert" ?hidden=${!this.reachError}>${this.reachError}</p>
        <form @submit=${this._callPerson} aria-label="Call a person">
          <input name="callee" aria-label="Handle to call" placeholder="Their handle" autocomplete="off" />
          <button type="submit">Call</button>
        </form>
        <ul class="directory" aria-label="Reachable now" ?hidden=${!this.directory?.length}>
          ${(this.directory ?? []).map((d) => html`<li><a href=${`/call/${encodeURIComponent(d.handle)}`}>${d.name} (@${d.handle})</a>${d.busy ? ' · in a call' : ''}</li>`)}
        </ul>
      </main>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'call-home': CallHome;
  }
  interface HTMLElementEventMap {
    'become-reachable': CustomEvent<{ handle: string }>;
    'stop-reachable': CustomEvent<undefined>;
  }
}
