/**
 * Camera and microphone for a component: opened when the host connects (for the preview),
 * released when it disconnects, so a removed <call-room> never leaves the camera light on.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { LocalMedia, type LocalMediaState } from '../rtc/local-media.js';

export class LocalMediaController implements ReactiveController {
  #host: ReactiveControllerHost;
  #unsubscribe: (() => void) | undefined;
  #wanted: { audio: boolean; video: boolean };
  #enabled: () => boolean;
  media: LocalMedia;
  state: LocalMediaState;

  /** `enabled`: whether the host wants devices at all now (see `sync()`). */
  constructor(host: ReactiveControllerHost, wanted = { audio: true, video: true }, enabled: () => boolean = () => true) {
    this.#host = host;
    this.#wanted = wanted;
    this.#enabled = enabled;
    this.media = new LocalMedia(wanted);
    this.state = this.media.state;
    host.addController(this);
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
    this.#wanted = { audio: this.state.audioEnabled || this.#wanted.audio, video: this.#wanted.video };
    this.media = new LocalMedia(this.#wanted);
    this.#subscribe();
    void this.media.start();
  }

  async setAudioEnabled(enabled: boolean) {
    this.#wanted.audio = enabled;
    await this.media.setAudioEnabled(enabled);
  }

  async setVideoEnabled(enabled: boolean) {
    this.#wanted.video = enabled;
    await this.media.setVideoEnabled(enabled);
  }

  #subscribe() {
    this.state = this.media.state;
    this.#unsubscribe = this.media.on('change', (state) => {
      this.state = state;
      this.#host.requestUpdate();
    });
    this.#host.requestUpdate();
  }
}
