/**
 * Who is in the call: names, mic and camera state, raised hands (first raised first), who is
 * host. The host also gets the lock switch and a Remove button per person.
 */
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Participant } from '../../protocol/contract.js';
import { emit } from './emit.js';
import { camOffIcon, handIcon, micOffIcon } from './icons.js';
import { panelStyles } from './panel.styles.js';

export interface PersonRow extends Participant {
  isSelf: boolean;
}

/** Raised hands first, in the order they went up; then everyone else in joining order. */
export function orderPeople(people: PersonRow[]): PersonRow[] {
  return [...people].sort((a, b) => {
    const ha = a.handRaisedAt ?? Infinity;
    const hb = b.handRaisedAt ?? Infinity;
    return ha !== hb ? ha - hb : a.joinedAt - b.joinedAt;
  });
}

@customElement('people-panel')
export class PeoplePanel extends LitElement {
  static override styles = [
    panelStyles,
    css`
      ul {
        flex: 1;
        overflow-y: auto;
        margin: 0;
        padding: 0.25rem 0;
        list-style: none;
      }
      li {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        padding: 0.45rem 0.75rem;
      }
      .name {
        flex: 1;
        min-width: 0;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .badge {
        font-size: 0.75rem;
        padding: 0.05rem 0.45rem;
        border-radius: 999px;
        background: var(--_surface);
        color: #c9d1e3;
      }
      svg {
        width: 1.1rem;
        height: 1.1rem;
        color: var(--_off-mark);
      }
      .hand svg {
        color: var(--_hand);
      }
      .lock {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 0.5rem;
        padding: 0.6rem 0.75rem;
        border-top: 1px solid var(--panel-border);
        font-size: 0.9rem;
      }
    `,
  ];

  @property({ attribute: false }) people: PersonRow[] = [];
  @property({ attribute: false }) hostPeerId: string | undefined;
  @property({ type: Boolean }) locked = false;

  private get _isHost() {
    return this.people.some((p) => p.isSelf && p.peerId === this.hostPeerId);
  }

  private _renderPerson(p: PersonRow) {
    return html`
      <li data-peer-id=${p.peerId}>
        <span class="hand" ?hidden=${p.handRaisedAt === undefined} role="img" aria-label="Hand raised">${handIcon}</span>
        <span class="name">${p.name}${p.isSelf ? ' (you)' : ''}</span>
        <span class="badge" ?hidden=${p.peerId !== this.hostPeerId}>Host</span>
        <span ?hidden=${p.audio} role="img" aria-label="Microphone off">${micOffIcon}</span>
        <span ?hidden=${p.video} role="img" aria-label="Camera off">${camOffIcon}</span>
        <button type="button" class="small" ?hidden=${!this._isHost || p.isSelf} aria-label=${`Remove ${p.name}`}
          @click=${() => emit(this, 'remove-participant', { peerId: p.peerId, name: p.name })}>Remove</button>
      </li>
    `;
  }

  override render() {
    const people = orderPeople(this.people);
    return html`
      <header>
        <h2 id="people-title">People (${people.length})</h2>
        <button type="button" class="close" aria-label="Close people" @click=${() => emit(this, 'close-panel')}>×</button>
      </header>
      <ul aria-labelledby="people-title">
        ${repeat(
          people,
          (p) => p.peerId,
          (p) => this._renderPerson(p),
        )}
      </ul>
      <div class="lock">
        <span>${this.locked ? 'Locked: newcomers knock and wait' : 'Anyone with the link can join'}</span>
        <button type="button" class="small" ?hidden=${!this._isHost} aria-pressed=${String(this.locked)}
          @click=${() => emit(this, 'lock-room', { locked: !this.locked })}>${this.locked ? 'Unlock' : 'Lock room'}</button>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'people-panel': PeoplePanel;
  }
  interface HTMLElementEventMap {
    'remove-participant': CustomEvent<{ peerId: string; name: string }>;
    'lock-room': CustomEvent<{ locked: boolean }>;
  }
}
