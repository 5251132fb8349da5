/**
 * Who is talking: polls the audio level of each participant a few times a second and marks a
 * participant as speaking while it is above a threshold (holding briefly, so the indicator does
 * not flicker between words).
 *
 * Remote levels come from WebRTC itself when the call offers them (the level each packet
 * carries, which costs nothing more); only the streams without one (one's own microphone) get an
 * audio graph of ours. Four Web Audio analysers per tab cost the 4-person bench several per cent
 * of the machine.
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

  #measured: (() => Map<string, number>) | undefined;
  #measuredKeys = new Set<string>();

  /**
   * The streams to listen to, by participant key (call from the host's `updated`), and the levels
   * measured elsewhere (WebRTC's): a key found there is not listened to here.
   */
  track(streams: Map<string, MediaStream | undefined>, measured?: { keys: Set<string>; levels: () => Map<string, number> }): void {
    this.#measured = measured?.levels;
    this.#measuredKeys = measured?.keys ?? new Set();
    for (const [key, stream] of streams) this.#levels.watch(key, this.#measuredKeys.has(key) ? undefined : stream);
    this.#levels.retain(new Set([...streams.keys()].filter((key) => !this.#measuredKeys.has(key))));
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
    for (const [key, level] of this.#measured?.() ?? []) if (level > THRESHOLD && this.#measuredKeys.has(key)) this.#lastLoud.set(key, now);
    const speaking = new Set([...this.#lastLoud].filter(([, at]) => now - at < HOLD_MS).map(([key]) => key));
    if (speaking.size !== this.speaking.size || [...speaking].some((k) => !this.speaking.has(k))) {
      this.speaking = speaking;
      this.#host.requestUpdate();
    }
  }
}
