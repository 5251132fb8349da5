/**
 * A component's subscription to its CallSession: re-renders on every change and hangs up when
 * the host leaves the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { CallSession, type CallSessionOptions } from '../rtc/call-session.js';
import { initialRoomState, type RoomState } from '../rtc/room-state.js';

export class CallSessionController implements ReactiveController {
  #host: ReactiveControllerHost;
  #session: CallSession | undefined;
  state: RoomState = initialRoomState;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  // Closing the tab or navigating away is leaving: tell the room at once.
  #onPageHide = () => void this.leave();

  hostConnected(): void {
    window.addEventListener('pagehide', this.#onPageHide);
  }

  hostDisconnected(): void {
    window.removeEventListener('pagehide', this.#onPageHide);
    void this.leave();
  }

  async join(options: CallSessionOptions): Promise<void> {
    await this.leave();
    const session = new CallSession(options);
    this.#session = session;
    session.on('change', (state) => {
      this.state = state;
      this.#host.requestUpdate();
    });
    await session.join();
  }

  /** The live session, for actions (chat, hands, host powers); undefined when not in a call. */
  get session(): CallSession | undefined {
    return this.#session;
  }

  async leave(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    await session?.leave();
  }

  reset(): void {
    this.state = initialRoomState;
    this.#host.requestUpdate();
  }
}
