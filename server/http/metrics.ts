/**
 * Prometheus metrics (prom-client), one registry per app so several apps can live in one
 * process (tests). Gauges are read from the live state at scrape time.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { SharedState } from '../cluster/shared.js';

export const KNOWN_EVENTS = new Set([
  'join-room',
  'leave-room',
  'update-media',
  'chat-message',
  'raise-hand',
  'reaction',
  'lock-room',
  'knock',
  'cancel-knock',
  'answer-knock',
  'remove-participant',
  'peek-room',
  'view',
  'handshake',
  'become-reachable',
  'stop-reachable',
  'set-busy',
  'ring',
  'cancel-ring',
  'answer-ring',
  'list-reachable',
  'get-ice',
  'peer-connection',
  'slow-reader',
]);

export interface SignalingMetrics {
  joined(): void;
  rejected(event: string, reason: string): void;
  received(event: string): void;
}

export interface AppMetrics {
  registry: Registry;
  signaling: SignalingMetrics;
  /** A PeerServer frame that was not relayed, by why (another room, a full queue, …). */
  peerFrameDropped(reason: string): void;
}

export function createMetrics(sources: { sockets: () => number; peers: () => number; shared: SharedState }): AppMetrics {
  const { shared } = sources;
  const registry = new Registry();
  // With several nodes, every series says which node it is from (Prometheus scrapes each).
  if (shared.latency) registry.setDefaultLabels({ node: shared.node });
  collectDefaultMetrics({ register: registry, prefix: 'callroom_' });
  const eventLabel = (event: string) => (KNOWN_EVENTS.has(event) ? event : 'unknown');

  new Gauge({
    name: 'callroom_sockets',
    help: 'Connected Socket.IO clients',
    registers: [registry],
    collect() {
      this.set(sources.sockets());
    },
  });
  new Gauge({
    name: 'callroom_peers',
    help: 'Peers connected to the PeerServer',
    registers: [registry],
    collect() {
      this.set(sources.peers());
    },
  });
  new Gauge({
    name: 'callroom_rooms',
    help: 'Rooms with at least one participant',
    registers: [registry],
    async collect() {
      this.set((await shared.store.counts()).rooms);
    },
  });
  new Gauge({
    name: 'callroom_participants',
    help: 'Participants in rooms',
    registers: [registry],
    async collect() {
      this.set((await shared.store.counts()).participants);
    },
  });
  if (shared.latency) {
    const latency = shared.latency.bind(shared);
    new Gauge({
      name: 'callroom_redis_latency_seconds',
      help: 'One PING to Redis, measured at scrape time (-1: unreachable)',
      registers: [registry],
      async collect() {
        this.set(
          await Promise.race([latency(), new Promise<number>((resolve) => setTimeout(() => resolve(-1), 1000).unref())]).catch(() => -1),
        );
      },
    });
  }
  const joins = new Counter({ name: 'callroom_joins_total', help: 'Accepted room joins', registers: [registry] });
  const rejected = new Counter({
    name: 'callroom_rejected_events_total',
    help: 'Events refused, by event and reason',
    labelNames: ['event', 'reason'] as const,
    registers: [registry],
  });
  const events = new Counter({
    name: 'callroom_events_total',
    help: 'Socket.IO events received, by event (rate: use rate() over this)',
    labelNames: ['event'] as const,
    registers: [registry],
  });

  const droppedFrames = new Counter({
    name: 'callroom_peer_frames_dropped_total',
    help: 'PeerServer frames not relayed, by reason (other-room, recipient-not-in-room, queue-full, …)',
    labelNames: ['reason'] as const,
    registers: [registry],
  });

  return {
    registry,
    peerFrameDropped: (reason) => droppedFrames.inc({ reason }),
    signaling: {
      joined: () => joins.inc(),
      rejected: (event, reason) => rejected.inc({ event: eventLabel(event), reason }),
      received: (event) => events.inc({ event: eventLabel(event) }),
    },
  };
}
