/**
 * Runs before every event a socket sends: counts it, and refuses it when the socket is over its
 * budget (an error ack where the event has one; nothing queued, nothing changed).
 */
import type { Config } from '../config.js';
import type { SignalingMetrics } from '../http/metrics.js';
import type { ErrorBody } from '../../protocol/contract.js';
import { TokenBucket } from './rate-limit.js';
import type { Logger, RoomSocket } from './context.js';

// A Map, not an object literal: an event named `__proto__` or `constructor` must find nothing.
const BUCKET_OF = new Map<string, 'join' | 'media' | 'chat'>([
  ['join-room', 'join'],
  ['knock', 'join'],
  ['ring', 'join'],
  ['become-reachable', 'join'],
  ['update-media', 'media'],
  ['raise-hand', 'media'],
  ['chat-message', 'chat'],
  ['reaction', 'chat'],
]);

export function guardEvents(
  socket: RoomSocket,
  deps: { limits: Config['rateLimits']; metrics: SignalingMetrics; log: Logger; now?: () => number },
): void {
  const now = deps.now ?? Date.now;
  const buckets = {
    any: new TokenBucket(deps.limits.any, now()),
    join: new TokenBucket(deps.limits.join, now()),
    media: new TokenBucket(deps.limits.media, now()),
    chat: new TokenBucket(deps.limits.chat, now()),
  };
  const warned = new Set<string>();

  socket.use((packet, next) => {
    const [event, ...args] = packet as [unknown, ...unknown[]];
    const name = typeof event === 'string' ? event : 'unknown';
    deps.metrics.received(name);
    const specific = BUCKET_OF.get(name);
    const t = now();
    if (buckets.any.take(t) && (!specific || buckets[specific].take(t))) return next();

    deps.metrics.rejected(name, 'rate-limited');
    if (!warned.has(name)) {
      warned.add(name); // once per socket and event: a flood must not flood the logs too
      deps.log.warn({ socket: socket.id, event: name }, 'rate limited');
    }
    const ack = args[args.length - 1];
    if (typeof ack === 'function') {
      const error: ErrorBody = { code: 'rate-limited', message: 'Too many requests: wait a moment and try again' };
      (ack as (r: unknown) => void)({ ok: false, error });
    }
  });
}
