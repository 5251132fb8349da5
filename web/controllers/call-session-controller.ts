/**
 * A component's subscription to its CallSession: re-renders on every change and hangs up when
 * the host leaves the page. Before Join it holds the early connections (preconnect.ts) and
 * what they say about the room.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RoomPreview } from '../../protocol/contract.js';
import { CallSession, type CallSessionOptions, type RecordingStopReason } from '../rtc/call-session.js';
import type { FileTransfer } from '../rtc/file-transfer.js';
import { Preconnection } from '../rtc/preconnect.js';
import { initialRoomState, type RoomState } from '../rtc/room-state.js';

export interface SessionListeners {
  onFile?: (transfer: FileTransfer) => void;
  /** Started (no file), or stopped with its file and why. */
  onRecording?: (file: File | undefined, reason?: RecordingStopReason) => void;
}

export class CallSessionController implements ReactiveController {
  #host: ReactiveControllerHost;
  #session: CallSession | undefined;
  #preconnection: Preconnection | undefined;
  state: RoomState = initialRoomState;
  /** Who is in the room, while preconnected on the pre-join screen. */
  preview: RoomPreview | undefined;

  #onChange: (() => void) | undefined;
  #listeners: SessionListeners;

  /**
   * `onChange`: told at once of every change of `state` (before the host re-renders); the
   * listeners: of every change of a file transfer, of one's recording starting and stopping.
   */
  constructor(host: ReactiveControllerHost, onChange?: () => void, listeners: SessionListeners = {}) {
    this.#host = host;
    this.#onChange = onChange;
    this.#listeners = listeners;
    host.addController(this);
  }

  // Closing the tab or navigating away is leaving: tell the room at once.
  #onPageHide = () => {
    this.#preconnection?.release();
    void this.leave();
  };

  hostConnected(): void {
    window.addEventListener('pagehide', this.#onPageHide);
  }

  hostDisconnected(): void {
    window.removeEventListener('pagehide', this.#onPageHide);
    this.#dropPreconnection();
    void this.leave();
  }

  /**
   * Connects to `server` for `roomId` ahead of Join (again after an idle release: call it on
   * every interaction). A different room or server starts over.
   */
  preconnect(server: URL, roomId: string): void {
    if (this.#session) return;
    const current = this.#preconnection;
    if (!current || current.server.href !== server.href || current.roomId !== roomId) {
      this.#dropPreconnection();
      const preconnection = (this.#preconnection = new Preconnection(server, roomId));
      preconnection.on('preview', (preview) => {
        this.preview = preview;
        this.#host.requestUpdate();
      });
    }
    this.#preconnection!.start();
  }

  async join(options: Omit<CallSessionOptions, 'preconnection'>): Promise<void> {
    await this.leave();
    const current = this.#preconnection;
    const usable = current && current.server.href === options.server.href && current.roomId === options.roomId;
    if (!usable) this.#dropPreconnection();
    this.#preconnection = undefined;
    this.preview = undefined;
    const session = new CallSession({ ...options, preconnection: usable ? current : undefined });
    this.#session = session;
    session.on('change', (state) => {
      this.state = state;
      this.#host.requestUpdate();
      this.#onChange?.();
    });
    session.onFile((transfer) => this.#listeners.onFile?.(transfer));
    session.onRecording((file, reason) => this.#listeners.onRecording?.(file, reason));
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
    this.#onChange?.();
  }

  #dropPreconnection() {
    this.#preconnection?.close();
    this.#preconnection = undefined;
    this.preview = undefined;
  }
}
