/**
 * Limits keyed by the client's address: how many connections it holds open, and how fast it may
 * ask for something costly. Both forget an address as soon as it holds nothing, so a flood of
 * addresses cannot grow them without bound.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { RateLimit } from '../config.js';
import { TokenBucket } from '../signaling/rate-limit.js';

export type AddressOf = (req: Pick<IncomingMessage, 'socket' | 'headers'>) => string;

/** `::ffff:127.0.0.1` is 127.0.0.1. */
const plain = (address: string) => (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address);

/**
 * Where a request came from. Behind reverse proxies listed in `trustedProxies` (TRUST_PROXY),
 * the client's own address from X-Forwarded-For: read from the right, skipping the trusted
 * proxies; anything that is not an IP address ends the walk at the last proxy. A header from
 * anyone else is ignored: a client cannot choose its own address.
 */
export function addressResolver(trustedProxies: readonly string[] = []): AddressOf {
  const trusted = new Set(trustedProxies.map(plain));
  return (req) => {
    let address = plain(req.socket.remoteAddress ?? 'unknown');
    if (!trusted.has(address)) return address;
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = plain(hops[i]!.trim());
      if (!isIP(hop)) return address;
      address = hop;
      if (!trusted.has(address)) return address;
    }
    return address;
  };
}

/** The address a connection came from, with no proxy trusted. */
export const clientAddress: AddressOf = addressResolver();

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
