/**
 * A component's subscription to its CallSession: re-renders on every change and hangs up when
 * the host leaves the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { CallSession, type CallSessionOptions, type SessionState } from '../rtc/call-session.js';

const IDLE: SessionState = {
  status: 'idle',
  self: undefined,
  participants: [],
  error: undefined,
  notice: undefined,
  room: undefined,
  chat: [],
  lobby: [],
  reactions: [],
};

export class CallSessionController implements ReactiveController {
  #host: ReactiveControllerHost;
  #session: CallSession | undefined;
  state: SessionState = IDLE;

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
    this.state = IDLE;
    this.#host.requestUpdate();
  }
}
