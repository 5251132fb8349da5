/**
 * Camera and microphone for a component: opened when the host connects (for the preview),
 * released when it disconnects, so a removed <call-room> never leaves the camera light on.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { LocalMedia, type LocalMediaState } from '../rtc/local-media.js';

export class LocalMediaController implements ReactiveController {
  #host: ReactiveControllerHost;
  #unsubscribe: (() => void) | undefined;
  #enabled: () => boolean;
  media: LocalMedia;

  #onChange: (() => void) | undefined;

  /**
   * `enabled`: whether the host wants devices at all now (see `sync()`); `onChange`: told at
   * once of every change (before the host re-renders).
   */
  constructor(
    host: ReactiveControllerHost,
    wanted = { audio: true, video: true },
    enabled: () => boolean = () => true,
    onChange?: () => void,
  ) {
    this.#host = host;
    this.#enabled = enabled;
    this.#onChange = onChange;
    this.media = new LocalMedia(wanted);
    host.addController(this);
  }

  /** LocalMedia's state, read fresh (it alone knows whether the microphone and camera are on). */
  get state(): LocalMediaState {
    return this.media.state;
  }

  hostConnected(): void {
    this.#subscribe();
    if (this.#enabled()) void this.media.start();
  }

  /** Opens or releases the devices after what `enabled` depends on changed (from `willUpdate`). */
  sync(): void {
    if (!this.#enabled()) this.media.stop();
    else if (!this.state.stream && !this.state.starting) void this.media.start();
  }

  hostDisconnected(): void {
    this.media.stop();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  /** A fresh set of devices (after Leave, for Rejoin), with the same on/off choices. */
  restart(): void {
    this.#unsubscribe?.();
    this.media.stop();
    this.media = new LocalMedia(this.media.wanted);
    this.#subscribe();
    void this.media.start();
  }

  #subscribe() {
    this.#unsubscribe = this.media.on('change', () => {
      this.#host.requestUpdate();
      this.#onChange?.();
    });
    this.#host.requestUpdate();
  }
}
