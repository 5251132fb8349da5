/**
 * Limits keyed by the client's address: how many connections it holds open, and how fast it may
 * ask for something costly. Both forget an address as soon as it holds nothing, so a flood of
 * addresses cannot grow them without bound.
 */
import type { IncomingMessage } from 'node:http';
import type { RateLimit } from '../config.js';
import { TokenBucket } from '../signaling/rate-limit.js';

/** The address a request came from (the proxy's, behind a reverse proxy: see README). */
export function clientAddress(req: Pick<IncomingMessage, 'socket'>): string {
  return req.socket.remoteAddress ?? 'unknown';
}

export class ConnectionCounter {
  readonly #open = new Map<string, number>();

  constructor(readonly perAddress: number) {}

  /** Counts one more connection from `address`, or returns false when it already has its share. */
  tryOpen(address: string): boolean {
    const open = this.#open.get(address) ?? 0;
    if (open >= this.perAddress) return false;
    this.#open.set(address, open + 1);
    return true;
  }

  close(address: string): void {
    const open = (this.#open.get(address) ?? 0) - 1;
    if (open > 0) this.#open.set(address, open);
    else this.#open.delete(address);
  }

  count(address: string): number {
    return this.#open.get(address) ?? 0;
  }
}

/** A token bucket per address, kept for at most `maxAddresses` (the least recently used go). */
export class AddressRateLimit {
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(
    readonly limit: RateLimit,
    readonly maxAddresses = 10_000,
  ) {}

  take(address: string, now: number): boolean {
    let bucket = this.#buckets.get(address);
    if (bucket)
      this.#buckets.delete(address); // re-inserted below: Map order is recency
    else bucket = new TokenBucket(this.limit, now);
    this.#buckets.set(address, bucket);
    if (this.#buckets.size > this.maxAddresses) this.#buckets.delete(this.#buckets.keys().next().value!);
    return bucket.take(now);
  }
}
