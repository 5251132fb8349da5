/**
 * Who is in the call: names, mic and camera state, raised hands (first raised first), who is
 * host. The host also gets the lock switch and a Remove button per person.
 */
import { localized, msg, str } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Participant } from '../../protocol/contract.js';
import type { SafetyInfo } from '../rtc/room-state.js';
import { emit } from './emit.js';
import { camOffIcon, handIcon, micOffIcon } from './icons.js';
import { panelStyles } from './panel.styles.js';

export interface PersonRow extends Participant {
  isSelf: boolean;
  /** The safety code of the connection with them (not for oneself). */
  safety?: SafetyInfo;
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
@localized()
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
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem;
        padding: 0.45rem 0.75rem;
      }
      .safety {
        flex-basis: 100%;
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.4rem 0.6rem;
        font-size: 0.8rem;
        color: var(--_muted);
      }
      .safety code {
        font: 0.85rem / 1.4 ui-monospace, monospace;
        color: var(--_foreground);
      }
      .safety .verified {
        color: #86efac;
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
      .badge.recording {
        background: #b42318;
        color: #fff;
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
  /** The host forbade recording. */
  @property({ type: Boolean, attribute: 'recording-forbidden' }) recordingForbidden = false;

  private get _isHost() {
    return this.people.some((p) => p.isSelf && p.peerId === this.hostPeerId);
  }

  /** The safety code: compared out loud, then marked verified (kept on this device). */
  private _renderSafety(p: PersonRow, safety: SafetyInfo) {
    const name = p.name;
    return html`<div class="safety" title=${msg(str`Compare this code with ${name}, out loud`)}>
      <span>${msg('Safety code')}</span>
      <code aria-label=${msg(str`Safety code with ${name}: ${safety.digits}`)}>${safety.digits}</code>
      <span aria-hidden="true">${safety.emoji}</span>
      <span class="verified" ?hidden=${!safety.verified}>${msg('Verified')}</span>
      <button type="button" class="small" aria-pressed=${String(safety.verified)}
        @click=${() => emit(this, 'verify-code', { peerId: p.peerId, verified: !safety.verified })}>${
          safety.verified ? msg('Unmark') : msg('Mark verified')
        }</button>
    </div>`;
  }

  private _renderPerson(p: PersonRow) {
    const name = p.name;
    const handRaised = msg('Hand raised', { id: 'people-panel.hand-raised', desc: 'People list: icon of a person whose hand is up' });
    const host = msg('Host', { id: 'people-panel.host', desc: 'People list: badge of the person who hosts the call' });
    const micOff = msg('Microphone off', {
      id: 'people-panel.microphone-off',
      desc: 'People list: icon of a person whose microphone is off',
    });
    const camOff = msg('Camera off', { id: 'people-panel.camera-off', desc: 'People list: icon of a person whose camera is off' });
    const remove = msg('Remove', { id: 'people-panel.remove', desc: 'People list: the host’s button that removes a person from the call' });
    return html`
      <li data-peer-id=${p.peerId}>
        <span class="hand" ?hidden=${p.handRaisedAt === undefined} role="img" aria-label=${handRaised}>${handIcon}</span>
        <span class="name">${p.isSelf ? msg(str`${name} (you)`) : name}</span>
        <span class="badge" ?hidden=${p.peerId !== this.hostPeerId}>${host}</span>
        <span class="badge recording" ?hidden=${p.recordingSince === undefined}>${msg('Recording', { desc: 'People list: badge of a person who records the call' })}</span>
        <span ?hidden=${p.audio} role="img" aria-label=${micOff}>${micOffIcon}</span>
        <span ?hidden=${p.video} role="img" aria-label=${camOff}>${camOffIcon}</span>
        <button type="button" class="small" ?hidden=${p.isSelf || !p.offers}
          aria-label=${msg(str`Send a file to ${name}`)}
          @click=${() => emit(this, 'pick-file', { to: p.peerId })}>${msg('Send a file', { desc: 'Button that picks a file to send, person to person' })}</button>
        <button type="button" class="small" ?hidden=${!this._isHost || p.isSelf}
          aria-label=${msg(str`Remove ${name}`, { desc: 'People list: the host’s button that removes this person from the call' })}
          @click=${() => emit(this, 'remove-participant', { peerId: p.peerId, name: p.name })}>${remove}</button>
        ${p.safety && !p.isSelf ? this._renderSafety(p, p.safety) : nothing}
      </li>
    `;
  }

  override render() {
    const people = orderPeople(this.people);
    const count = people.length;
    const unlock = msg('Unlock', {
      id: 'people-panel.unlock',
      desc: 'People panel: the host’s button that lets anyone with the link join again',
    });
    const lock = msg('Lock room', { desc: 'People panel: the host’s button that makes newcomers knock and wait' });
    return html`
      <header>
        <h2 id="people-title">${msg(str`People (${count})`, { desc: 'People panel: heading, with how many are in the call' })}</h2>
        <button type="button" class="close" aria-label=${msg('Close people', { desc: 'People panel: button that closes the panel' })}
          @click=${() => emit(this, 'close-panel')}>×</button>
      </header>
      <ul aria-labelledby="people-title">
        ${repeat(
          people,
          (p) => p.peerId,
          (p) => this._renderPerson(p),
        )}
      </ul>
      <div class="lock">
        <span>${this.locked ? msg('Locked: newcomers knock and wait') : msg('Anyone with the link can join')}</span>
        <button type="button" class="small" ?hidden=${!this._isHost} aria-pressed=${String(this.locked)}
          @click=${() => emit(this, 'lock-room', { locked: !this.locked })}>${this.locked ? unlock : lock}</button>
      </div>
      <div class="lock recording-policy">
        <span>${this.recordingForbidden ? msg('Recording is off in this call') : msg('Anyone may record (everyone is told)')}</span>
        <button type="button" class="small" ?hidden=${!this._isHost}
          @click=${() => emit(this, 'forbid-recording', { forbidden: !this.recordingForbidden })}>${
            this.recordingForbidden ? msg('Allow recording') : msg('Turn recording off')
          }</button>
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
    /** The person compared the safety code with them and marks it (un)verified. */
    'verify-code': CustomEvent<{ peerId: string; verified: boolean }>;
    /** The host forbids recording (or allows it again). */
    'forbid-recording': CustomEvent<{ forbidden: boolean }>;
    /** The person wants to send a file: to this one, or (no `to`) to everyone. */
    'pick-file': CustomEvent<{ to?: string }>;
  }
}
