/**
 * <call-room>'s message screens: not a call link; waiting at a locked door; and the ends (left,
 * not let in, removed, ended, could not join), each with the way back. A render module (its
 * styles: call-ended.styles.ts), rendered in <call-room>'s shadow root.
 */
import { msg } from '@lit/localize';
import { html, nothing } from 'lit';
import { errorText } from '../i18n/errors.js';
import type { RoomState } from '../rtc/room-state.js';

export interface EndedActions {
  /** Back to the pre-join screen with fresh devices. */
  rejoin: () => void;
  cancelKnock: () => void;
}

interface Message {
  title: string;
  text: string;
  action?: { label: string; run: () => void };
}

function renderMessage({ title, text, action }: Message) {
  return html`
    <section part="ended" class="screen message" role="alert">
      <h1>${title}</h1>
      <p>${text}</p>
      ${
        action
          ? html`<div class="actions"><button class="primary" type="button" @click=${action.run}>${action.label}</button></div>`
          : nothing
      }
    </section>
  `;
}

export function renderInvalidLink() {
  return renderMessage({ title: msg('This is not a valid call link'), text: msg('Room ids are up to 64 letters, digits, “-” or “_”.') });
}

/** The screen for a status other than the pre-join screen and the call itself. */
export function renderEnded({ status, error }: RoomState, { rejoin, cancelKnock }: EndedActions) {
  const back = { label: msg('Try again'), run: rejoin };
  const off = msg('Your camera and microphone are off.');
  switch (status) {
    case 'knocking':
      return renderMessage({
        title: msg('Waiting for the host to let you in'),
        text: msg('This call is locked. The host has been asked.'),
        action: { label: msg('Cancel', { desc: 'Stop waiting at the door of a locked call' }), run: cancelKnock },
      });
    case 'left':
      return renderMessage({
        title: msg('You left the call'),
        text: off,
        action: { label: msg('Rejoin'), run: rejoin },
      });
    case 'denied':
      return renderMessage({ title: msg('The host did not let you in'), text: off, action: back });
    case 'removed':
      return renderMessage({
        title: msg('You were removed'),
        text: msg('The host removed you from this call. Your camera and microphone are off.'),
        action: back,
      });
    default: {
      if (error?.code === 'ended') {
        return renderMessage({
          title: msg('The call has ended'),
          text: msg('Everyone left before you were let in. Your camera and microphone are off.'),
          action: back,
        });
      }
      const full = error?.code === 'room-full';
      return renderMessage({
        title: full ? errorText(error.code, error.message) : msg('Could not join the call'),
        text: full
          ? msg('Wait a moment for someone to leave, then try again. Your camera and microphone are off meanwhile.')
          : errorText(error?.code, error?.message),
        action: back,
      });
    }
  }
}
