/**
 * <call-room>'s pre-join screen: one's own preview, the name to join with, microphone and camera,
 * Join, and the link to pass on. A render module (its styles: call-prejoin.styles.ts), rendered
 * in <call-room>'s shadow root.
 */
import { msg, str } from '@lit/localize';
import { isSingular } from '../i18n/plural.js';
import { html, nothing } from 'lit';
import type { RoomPreview } from '../../protocol/contract.js';
import type { LocalMediaState } from '../rtc/local-media.js';
import type { SelectDeviceDetail } from './device-settings.js';
import type { ToggleDetail } from './media-controls.js';
import './device-settings.js';
import './language-select.js';
import './media-controls.js';
import './share-link.js';
import './video-tile.js';

export interface PrejoinView {
  media: LocalMediaState;
  /** The name typed so far. */
  name: string;
  joining: boolean;
  /** The server cannot serve the join yet and we are retrying. */
  trouble: boolean;
  /** Who is in the call already (known once connected; nothing for a private call). */
  preview: RoomPreview | undefined;
  link: string;
  onNameInput: (name: string) => void;
  onJoin: () => void;
  onToggleAudio: (event: CustomEvent<ToggleDetail>) => void;
  onToggleVideo: (event: CustomEvent<ToggleDetail>) => void;
  onSelectDevice: (event: CustomEvent<SelectDeviceDetail>) => void;
}

export const serverTrouble = () => msg('The call server is having trouble; retrying…');

/** "Ada and 2 others are here", "This call is full", …; undefined when there is nothing to say. */
export function describePreview(preview: RoomPreview | undefined): string | undefined {
  switch (preview?.state) {
    case 'open': {
      const [first, second] = preview.names;
      if (!first) return msg('Nobody else is here yet');
      if (preview.count === 1) return msg(str`${first} is here`);
      if (preview.count === 2 && second) return msg(str`${first} and ${second} are here`);
      const others = preview.count - 1;
      return isSingular(others) ? msg(str`${first} and 1 other are here`) : msg(str`${first} and ${others} others are here`);
    }
    case 'full': {
      const capacity = preview.capacity;
      return msg(str`This call is full (${capacity} of ${capacity})`);
    }
    case 'locked':
      return msg('This call is locked: Join asks the host to let you in');
    default:
      return undefined; // not connected yet, or a private call: nothing
  }
}

export function renderPrejoin(view: PrejoinView) {
  const { media, name, joining, trouble, preview, link, onNameInput, onJoin, onToggleAudio, onToggleVideo, onSelectDevice } = view;
  const here = describePreview(preview);
  const submit = (event: Event) => {
    event.preventDefault();
    onJoin();
  };
  return html`
    <section class="screen prejoin" part="prejoin" aria-labelledby="prejoin-title">
      <video-tile
        class="preview"
        .stream=${media.stream}
        .name=${name || msg('You', { desc: 'Pre-join preview: the name on one’s own tile before typing one' })}
        muted
        mirrored
        ?audio-off=${!media.audioEnabled}
        ?video-off=${!media.videoEnabled}
        .status=${media.starting ? msg('Starting camera…') : ''}
      ></video-tile>
      <form @submit=${submit}>
        <h1 id="prejoin-title">${msg('Ready to join?')}</h1>
        ${here ? html`<p class="here ${preview!.state}" role="status">${here}</p>` : nothing}
        <label>
          ${msg('Your name')}
          <input
            name="name"
            autocomplete="nickname"
            maxlength="40"
            placeholder=${msg('Guest', { desc: 'The name of someone who typed none' })}
            .value=${name}
            @input=${(e: InputEvent) => onNameInput((e.target as HTMLInputElement).value)}
          />
        </label>
        <media-controls ?audio-enabled=${media.audioEnabled} ?video-enabled=${media.videoEnabled}
          @toggle-audio=${onToggleAudio} @toggle-video=${onToggleVideo}></media-controls>
        ${
          media.devices.length
            ? html`<device-settings .devices=${media.devices} .choice=${media.choice} .stream=${media.stream}
              @select-device=${onSelectDevice}></device-settings>`
            : nothing
        }
        <language-select></language-select>
        <p class="device-notice" role="status" ?hidden=${!media.notice}>${media.notice}</p>
        <p class="problem" role="alert" ?hidden=${!media.problem}>${media.problem}</p>
        <p class="problem trouble" role="status" ?hidden=${!trouble}>${serverTrouble()}</p>
        <button class="primary" type="submit" ?disabled=${joining}>${joining ? msg('Joining…') : msg('Join', { desc: 'Button: enter the call' })}</button>
        <share-link .link=${link}></share-link>
      </form>
    </section>
  `;
}
