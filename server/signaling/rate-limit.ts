/**
 * Token buckets, one per socket and kind of event: a burst, refilled steadily. Plain data and a
 * clock passed in, so it is tested without waiting.
 */
import type { RateLimit } from '../config.js';

export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  constructor(
    readonly limit: RateLimit,
    now: number,
  ) {
    this.#tokens = limit.burst;
    this.#updatedAt = now;
  }

  /** Takes one token if there is one. */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.#updatedAt) / 1000;
    this.#tokens = Math.min(this.limit.burst, this.#tokens + elapsed * this.limit.perSecond);
    this.#updatedAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
