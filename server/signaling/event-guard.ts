/**
 * Runs before every event a socket sends: counts it, and refuses it when the socket is over its
 * budget (an error ack where the event has one; nothing queued, nothing changed).
 */
import type { Config } from '../config.js';
import type { SignalingMetrics } from '../http/metrics.js';
import type { ErrorBody } from '../../protocol/contract.js';
import { TokenBucket } from './rate-limit.js';
import type { EventGuard, Logger, RoomSocket } from './context.js';

// A Map, not an object literal: an event named `__proto__` or `constructor` must find nothing.
const BUCKET_OF = new Map<string, Exclude<Kind, 'any'>>([
  ['join-room', 'join'],
  ['knock', 'join'],
  ['peek-room', 'join'],
  ['ring', 'join'],
  ['become-reachable', 'join'],
  ['update-media', 'media'],
  ['raise-hand', 'media'],
  ['view', 'media'],
  ['chat-message', 'chat'],
  ['reaction', 'chat'],
]);

type Kind = 'any' | 'join' | 'media' | 'chat';

/** One socket's budgets, each made on the socket's first event of that kind. */
interface Budgets {
  buckets: Partial<Record<Kind, TokenBucket>>;
  /** Events already warned about for this socket: a flood must not flood the logs too. */
  warned?: Set<string>;
}

const RATE_LIMITED: ErrorBody = { code: 'rate-limited', message: 'Too many requests: wait a moment and try again' };

/** The guard every socket's events pass first; made once per server, budgets kept per socket. */
export function createEventGuard(deps: {
  limits: Config['rateLimits'];
  metrics?: SignalingMetrics;
  log: Logger;
  now?: () => number;
}): EventGuard {
  const now = deps.now ?? Date.now;
  const budgets = new WeakMap<RoomSocket, Budgets>();
  const take = (budget: Budgets, kind: Kind, t: number) => (budget.buckets[kind] ??= new TokenBucket(deps.limits[kind], t)).take(t);

  return (socket, name, args) => {
    deps.metrics?.received(name);
    let budget = budgets.get(socket);
    if (!budget) budgets.set(socket, (budget = { buckets: {} }));
    const specific = BUCKET_OF.get(name);
    const t = now();
    if (take(budget, 'any', t) && (!specific || take(budget, specific, t))) return true;

    deps.metrics?.rejected(name, 'rate-limited');
    budget.warned ??= new Set();
    if (!budget.warned.has(name)) {
      budget.warned.add(name);
      deps.log.warn({ socket: socket.id, event: name }, 'rate limited');
    }
    const ack = args[args.length - 1];
    if (typeof ack === 'function') (ack as (r: unknown) => void)({ ok: false, error: RATE_LIMITED });
    return false;
  };
}
