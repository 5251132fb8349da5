/**
 * "NAME is calling" with Accept and Decline, over whatever page is open, with a ringtone
 * (two tones from Web Audio: no sound file to download).
 */
import { localized, msg, str } from '@lit/localize';
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { emit } from './emit.js';
import { baseStyles } from './tokens.styles.js';

@customElement('incoming-call')
@localized()
export class IncomingCall extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        position: fixed;
        inset: 0;
        z-index: 1000;
        display: grid;
        place-items: center;
        background: rgb(0 0 0 / 65%);
        font: 1rem / 1.5 var(--_font);
        color: var(--_foreground);
      }
      section {
        display: grid;
        gap: 1rem;
        justify-items: center;
        padding: 1.5rem 2rem;
        border-radius: 16px;
        background: var(--_field);
        box-shadow: 0 8px 32px rgb(0 0 0 / 50%);
        text-align: center;
        max-width: 22rem;
      }
      h2 {
        margin: 0;
        font-size: 1.35rem;
      }
      .actions {
        display: flex;
        gap: 1rem;
      }
      button {
        border: 0;
        border-radius: 999px;
        padding: 0.75rem 1.4rem;
        font: 600 1rem / 1.2 system-ui, sans-serif;
        color: #fff;
        cursor: pointer;
      }
      .accept {
        /* Dark enough for white text (WCAG AA, 4.5:1). */
        background: #17753f;
      }
      .decline {
        background: #c9363b;
      }
    `,
  ];

  #audio: AudioContext | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  @property() callerName = '';
  /** Reflects whether the ringtone is sounding. */
  @property({ type: Boolean, reflect: true }) ringing = false;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#startRingtone();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stopRingtone();
  }

  #startRingtone() {
    try {
      this.#audio = new AudioContext();
      const beep = () => {
        const ctx = this.#audio!;
        for (const [freq, at] of [
          [440, 0],
          [480, 0],
          [440, 0.5],
          [480, 0.5],
        ] as const) {
          const osc = ctx.createOscillator();
          const gain = ctx.createGain();
          osc.frequency.value = freq;
          gain.gain.value = 0.08;
          osc.connect(gain).connect(ctx.destination);
          osc.start(ctx.currentTime + at);
          osc.stop(ctx.currentTime + at + 0.4);
        }
      };
      beep();
      this.#timer = setInterval(beep, 2500);
      void this.#audio.resume().then(() => (this.ringing = this.#audio?.state === 'running'));
      this.ringing = this.#audio.state === 'running';
    } catch {
      this.ringing = false;
    }
  }

  #stopRingtone() {
    clearInterval(this.#timer);
    void this.#audio?.close().catch(() => {});
    this.#audio = undefined;
    this.ringing = false;
  }

  override render() {
    const name = this.callerName;
    const decline = msg('Decline', { id: 'incoming-call.decline', desc: 'Incoming call: button that refuses the call' });
    const accept = msg('Accept', { id: 'incoming-call.accept', desc: 'Incoming call: button that answers the call' });
    return html`
      <section role="alertdialog" aria-labelledby="caller" aria-describedby="what">
        <h2 id="caller">${msg(str`${name} is calling`, { desc: 'Incoming call: who rings you' })}</h2>
        <p id="what">${msg('A video call, just the two of you.')}</p>
        <div class="actions">
          <button type="button" class="decline" @click=${() => emit(this, 'decline-call')}>${decline}</button>
          <button type="button" class="accept" @click=${() => emit(this, 'accept-call')}>${accept}</button>
        </div>
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'incoming-call': IncomingCall;
  }
  interface HTMLElementEventMap {
    'accept-call': CustomEvent<undefined>;
    'decline-call': CustomEvent<undefined>;
  }
}
