/**
 * Which camera, microphone and speaker: a labelled select for each (the speaker only where the
 * browser can route audio, `setSinkId`), filled once a permission let the browser name them, and
 * a level meter that shows the chosen microphone hears you. Used on the pre-join screen and in
 * the call's settings panel; choosing emits `select-device`, and <call-room> switches.
 */
import { localized, msg } from '@lit/localize';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { selectStyles } from './tokens.styles.js';
import { AudioLevels } from '../rtc/audio-levels.js';
import type { DeviceChoice, DeviceKind, DeviceOption } from '../rtc/local-media.js';
import { emit } from './emit.js';

const label = (kind: DeviceKind): string =>
  kind === 'camera'
    ? msg('Camera')
    : kind === 'microphone'
      ? msg('Microphone')
      : msg('Speaker', { id: 'speaker-device', desc: 'The audio output device (loudspeaker, headphones)' });
const canRouteAudio = () => typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

@customElement('device-settings')
@localized()
export class DeviceSettings extends LitElement {
  static override styles = [
    selectStyles,
    css`
    :host {
      display: grid;
      gap: 0.6rem;
    }
    meter {
      inline-size: 100%;
      block-size: 0.6rem;
      margin-block-start: -0.2rem;
    }
  `,
  ];

  @property({ attribute: false }) devices: DeviceOption[] = [];
  @property({ attribute: false }) choice: DeviceChoice = {};
  /** One's own stream: its microphone drives the level meter. */
  @property({ attribute: false }) stream: MediaStream | undefined;

  @state() private _level = 0;
  #levels = new AudioLevels();
  #timer: ReturnType<typeof setInterval> | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#levels.close();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('stream')) return;
    this.#levels.watch('self', this.stream);
    clearInterval(this.#timer);
    this.#timer = this.stream?.getAudioTracks().length
      ? setInterval(() => (this._level = Math.min(1, (this.#levels.levels().get('self') ?? 0) * 4)), 100)
      : undefined;
  }

  private _select(kind: DeviceKind, event: Event) {
    emit(this, 'select-device', { kind, deviceId: (event.target as HTMLSelectElement).value });
  }

  private _renderSelect(kind: DeviceKind) {
    const options = this.devices.filter((d) => d.kind === kind);
    if (!options.length || (kind === 'speaker' && !canRouteAudio())) return nothing;
    const chosen = this.choice[kind] ?? options[0]!.deviceId;
    return html`<label>
      ${label(kind)}
      <select @change=${(e: Event) => this._select(kind, e)}>
        ${options.map((d) => html`<option value=${d.deviceId} ?selected=${d.deviceId === chosen}>${d.label}</option>`)}
      </select>
    </label>`;
  }

  override render() {
    const hasMic = !!this.stream?.getAudioTracks().length;
    return html`
      ${this._renderSelect('camera')} ${this._renderSelect('microphone')}
      ${
        hasMic
          ? html`<meter aria-label=${msg('Microphone level')} min="0" max="1" low="0.05" high="0.6" optimum="0.3" .value=${this._level}></meter>`
          : nothing
      }
      ${this._renderSelect('speaker')}
    `;
  }
}

export interface SelectDeviceDetail {
  kind: DeviceKind;
  deviceId: string;
}

declare global {
  interface HTMLElementTagNameMap {
    'device-settings': DeviceSettings;
  }
  interface HTMLElementEventMap {
    'select-device': CustomEvent<SelectDeviceDetail>;
  }
}
