/**
 * Fresh TURN credentials before the old ones expire: asks again at 80% of their lifetime, and
 * every minute after a failed ask, until stopped.
 */
import type { IceServers } from '../../protocol/contract.js';

/** After a failed ask, try again this much later. */
const RETRY_SECONDS = 60;

export class IceRefresh {
  #fetch: () => Promise<IceServers>;
  #apply: (iceServers: IceServers['iceServers']) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(fetch: () => Promise<IceServers>, apply: (iceServers: IceServers['iceServers']) => void) {
    this.#fetch = fetch;
    this.#apply = apply;
  }

  /** Schedules the next ask for credentials that live `ttlSeconds` (none without TURN). */
  start(ttlSeconds: number | undefined): void {
    if (!ttlSeconds || this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#refresh(), ttlSeconds * 800);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  async #refresh() {
    try {
      const ice = await this.#fetch();
      if (this.#stopped) return;
      this.#apply(ice.iceServers);
      this.start(ice.ttlSeconds);
    } catch {
      this.start(RETRY_SECONDS);
    }
  }
}
