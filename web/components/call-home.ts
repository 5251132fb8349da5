/** The home screen: start a new call, or join one from a link or code. */
import { msg, localized } from '@lit/localize';
import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { emit } from './emit.js';
import { baseStyles, fieldStyles, screenStyles } from './tokens.styles.js';
import { newRoomId, roomIdFromInput } from '../app/links.js';

@customElement('call-home')
@localized()
export class CallHome extends LitElement {
  static override styles = [
    baseStyles,
    screenStyles,
    fieldStyles,
    css`
      .home {
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
        padding-inline-start: 1.2rem;
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
      this._error = msg('That is not a call link or code. Codes are letters, digits, “-” and “_”.');
      return;
    }
    location.assign(`/r/${roomId}`);
  }

  override render() {
    return html`
      <section class="home">
        <h1>${msg('Video calls from a link')}</h1>
        <p>${msg('Start a call and send the link. Nothing to install, no account.')}</p>
        <button type="button" @click=${this._newCall}>${msg('New call', { desc: 'Home: button that starts a new call' })}</button>
        <form @submit=${this._joinExisting} aria-label=${msg('Join a call', { desc: 'Home: name of the form to join a call by link or code' })}>
          <input name="link" aria-label=${msg('Call link or code')} placeholder=${msg('Paste a link or code')} autocomplete="off" />
          <button type="submit">${msg('Join', { id: 'call-home.join', desc: 'Home: button that joins the call whose link or code was pasted' })}</button>
        </form>
        <p class="error" role="alert" ?hidden=${!this._error}>${this._error}</p>

        <h2>${msg('Ring a person')}</h2>
        <p ?hidden=${!this.reachableAs}>${msg(html`You are reachable as <strong>@${this.reachableAs}</strong> while callroom is open.`, { desc: 'Home: the placeholder is the handle this browser can be called at' })}
          <button type="button" class="quiet" @click=${() => emit(this, 'stop-reachable')}>${msg('Stop being reachable')}</button></p>
        <form @submit=${this._becomeReachable} aria-label=${msg('Become reachable', { desc: 'Home: name of the form to choose a handle others can call' })} ?hidden=${!!this.reachableAs}>
          <input name="handle" aria-label=${msg('Your handle', { desc: 'Home: the name others use to call you, like a username' })} placeholder=${msg('Choose a handle, e.g. ada', { desc: 'Home: hint in the handle field; ada is an example handle (lowercase)' })} autocomplete="off" />
          <button type="submit">${msg('Be reachable', { desc: 'Home: button that makes this browser callable at the chosen handle' })}</button>
        </form>
        <p class="error" role="alert" ?hidden=${!this.reachError}>${this.reachError}</p>
        <form @submit=${this._callPerson} aria-label=${msg('Call a person', { desc: 'Home: name of the form to ring someone by handle' })}>
          <input name="callee" aria-label=${msg('Handle to call')} placeholder=${msg('Their handle', { desc: 'Home: hint in the field for the handle of the person to call' })} autocomplete="off" />
          <button type="submit">${msg('Call', { id: 'call-home.call', desc: 'Home: button (verb) that rings the person with this handle' })}</button>
        </form>
        <ul class="directory" aria-label=${msg('Reachable now', { desc: 'Home: list of people who can be called right now' })} ?hidden=${!this.directory?.length}>
          ${(this.directory ?? []).map((d) => html`<li><a href=${`/call/${encodeURIComponent(d.handle)}`}>${d.name} (@${d.handle})</a>${d.busy ? ` · ${msg('in a call', { desc: 'Home: after a person in the list of reachable people: they are busy in a call' })}` : ''}</li>`)}
        </ul>
      </section>
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
