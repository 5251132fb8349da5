/**
 * The device around a call, while the call screen is shown:
 * - a Screen Wake Lock, so the screen does not sleep mid-call (taken again when the page comes
 *   back into view: the browser drops it whenever the page is hidden);
 * - Media Session actions (`togglemicrophone`, `togglecamera`, `hangup`), so a headset's buttons
 *   and the system's own call controls work, with the microphone and camera states they show.
 * Each is used where the browser has it, and silently left out where it does not.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface OsActions {
  toggleMicrophone(): void;
  toggleCamera(): void;
  hangUp(): void;
}

type Action = 'togglemicrophone' | 'togglecamera' | 'hangup';

/** Media Session as Chromium has it (the call actions are not in TypeScript's DOM types yet). */
interface CallMediaSession {
  setActionHandler(action: Action, handler: (() => void) | null): void;
  setMicrophoneActive?(active: boolean): void;
  setCameraActive?(active: boolean): void;
}

export class OsIntegrationController implements ReactiveController {
  #actions: OsActions;
  #lock: WakeLockSentinel | undefined;
  #connected = false;
  #reflected: string | undefined;

  constructor(host: ReactiveControllerHost, actions: OsActions) {
    this.#actions = actions;
    host.addController(this);
  }

  hostConnected(): void {
    this.#connected = true;
    void this.#keepAwake();
    document.addEventListener('visibilitychange', this.#onVisibility);
    const session = mediaSession();
    if (!session) return;
    const handlers: Record<Action, () => void> = {
      togglemicrophone: () => this.#actions.toggleMicrophone(),
      togglecamera: () => this.#actions.toggleCamera(),
      hangup: () => this.#actions.hangUp(),
    };
    for (const [action, handler] of Object.entries(handlers) as Array<[Action, () => void]>) {
      try {
        session.setActionHandler(action, handler);
      } catch {
        // This browser does not know the action.
      }
    }
  }

  hostDisconnected(): void {
    this.#connected = false;
    document.removeEventListener('visibilitychange', this.#onVisibility);
    void this.#lock?.release().catch(() => {});
    this.#lock = undefined;
    this.#reflected = undefined;
    const session = mediaSession();
    for (const action of ['togglemicrophone', 'togglecamera', 'hangup'] as const) {
      try {
        session?.setActionHandler(action, null);
      } catch {
        // Never set.
      }
    }
  }

  /** Shows the system one's microphone and camera state (call from the host's `updated`). */
  reflect(microphone: boolean, camera: boolean): void {
    const key = `${microphone}${camera}`;
    if (key === this.#reflected) return;
    this.#reflected = key;
    const session = mediaSession();
    session?.setMicrophoneActive?.(microphone);
    session?.setCameraActive?.(camera);
  }

  #onVisibility = () => {
    if (document.visibilityState === 'visible') void this.#keepAwake();
  };

  async #keepAwake() {
    if (!('wakeLock' in navigator) || (this.#lock && !this.#lock.released)) return;
    try {
      const lock = await navigator.wakeLock.request('screen');
      // The call may have ended while the browser decided.
      if (this.#connected) this.#lock = lock;
      else void lock.release();
    } catch {
      // Refused (hidden page, power saving, a policy): the screen may sleep as usual.
    }
  }
}

function mediaSession(): CallMediaSession | undefined {
  return 'mediaSession' in navigator ? (navigator.mediaSession as unknown as CallMediaSession) : undefined;
}
