/**
 * Who is talking: polls the audio level of each participant's stream a few times a second and
 * marks a participant as speaking while it is above a threshold (holding briefly, so the
 * indicator does not flicker between words).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { AudioLevels } from '../rtc/audio-levels.js';

const POLL_MS = 150;
const THRESHOLD = 0.02;
const HOLD_MS = 500;

export class SpeakingController implements ReactiveController {
  #host: ReactiveControllerHost;
  #levels = new AudioLevels();
  #timer: ReturnType<typeof setInterval> | undefined;
  #lastLoud = new Map<string, number>();
  speaking = new Set<string>();

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  /** The streams to listen to, by participant key (call from the host's `updated`). */
  track(streams: Map<string, MediaStream | undefined>): void {
    for (const [key, stream] of streams) this.#levels.watch(key, stream);
    this.#levels.retain(new Set(streams.keys()));
    if (streams.size && !this.#timer) this.#timer = setInterval(() => this.#poll(), POLL_MS);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#levels.close();
    this.#levels = new AudioLevels();
    this.speaking = new Set();
  }

  #poll() {
    const now = performance.now();
    for (const [key, level] of this.#levels.levels()) if (level > THRESHOLD) this.#lastLoud.set(key, now);
    const speaking = new Set([...this.#lastLoud].filter(([, at]) => now - at < HOLD_MS).map(([key]) => key));
    if (speaking.size !== this.speaking.size || [...speaking].some((k) => !this.speaking.has(k))) {
      this.speaking = speaking;
      this.#host.requestUpdate();
    }
  }
}
