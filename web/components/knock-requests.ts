/** For the host: "NAME wants to join" with Admit and Deny, shown over the call, panels or not. */
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Knock } from '../../protocol/contract.js';
import { emit } from './emit.js';
import { baseStyles } from './tokens.styles.js';

@customElement('knock-requests')
export class KnockRequests extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      ul {
        display: grid;
        gap: 0.5rem;
        margin: 0;
        padding: 0;
        list-style: none;
      }
      li {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem;
        padding: 0.6rem 0.8rem;
        border-radius: 12px;
        background: var(--_surface);
        color: var(--_foreground);
        box-shadow: 0 4px 16px rgb(0 0 0 / 40%);
        font: 0.95rem / 1.4 system-ui, sans-serif;
      }
      .who {
        flex: 1;
        min-width: 8rem;
      }
      button {
        border: 0;
        border-radius: 999px;
        padding: 0.35rem 0.9rem;
        font: 600 0.9rem / 1.2 system-ui, sans-serif;
        cursor: pointer;
      }
      .admit {
        background: var(--_accent);
        color: #fff;
      }
      .deny {
        background: #454c5e;
        color: #fff;
      }
    `,
  ];

  @property({ attribute: false }) knocks: readonly Knock[] = [];

  override render() {
    return html`
      <ul aria-label="Waiting to join" aria-live="assertive">
        ${repeat(
          this.knocks,
          (k) => k.knockId,
          (k) => html`
          <li>
            <span class="who">${k.name} wants to join</span>
            <button type="button" class="admit" aria-label=${`Admit ${k.name}`} @click=${() => emit(this, 'answer-knock', { knockId: k.knockId, admit: true })}>Admit</button>
            <button type="button" class="deny" aria-label=${`Deny ${k.name}`} @click=${() => emit(this, 'answer-knock', { knockId: k.knockId, admit: false })}>Deny</button>
          </li>
        `,
        )}
      </ul>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'knock-requests': KnockRequests;
  }
  interface HTMLElementEventMap {
    'answer-knock': CustomEvent<{ knockId: string; admit: boolean }>;
  }
}
