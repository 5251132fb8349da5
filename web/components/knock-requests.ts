/** For the host: "NAME wants to join" with Admit and Deny, shown over the call, panels or not. */
import { localized, msg, str } from '@lit/localize';
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Knock } from '../../protocol/contract.js';
import { emit } from './emit.js';
import { cardStackStyles } from './cards.styles.js';
import { baseStyles } from './tokens.styles.js';

@customElement('knock-requests')
@localized()
export class KnockRequests extends LitElement {
  static override styles = [
    baseStyles,
    cardStackStyles,
    css`
      li {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem;
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

  private _renderKnock(k: Knock) {
    const name = k.name;
    const admit = msg('Admit', { id: 'knock-requests.admit', desc: 'Host: button that lets a person waiting at a locked call in' });
    const deny = msg('Deny', { id: 'knock-requests.deny', desc: 'Host: button that turns away a person waiting at a locked call' });
    return html`
      <li>
        <span class="who">${msg(str`${name} wants to join`, { desc: 'Host: a person is waiting at the door of a locked call' })}</span>
        <button type="button" class="admit" aria-label=${msg(str`Admit ${name}`, { desc: 'Host: let this person into the locked call' })}
          @click=${() => emit(this, 'answer-knock', { knockId: k.knockId, admit: true })}>${admit}</button>
        <button type="button" class="deny" aria-label=${msg(str`Deny ${name}`, { desc: 'Host: turn this person away from the locked call' })}
          @click=${() => emit(this, 'answer-knock', { knockId: k.knockId, admit: false })}>${deny}</button>
      </li>
    `;
  }

  override render() {
    return html`
      <ul aria-label=${msg('Waiting to join', { desc: 'Host: the list of people waiting at the door of a locked call' })} aria-live="assertive">
        ${repeat(
          this.knocks,
          (k) => k.knockId,
          (k) => this._renderKnock(k),
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
