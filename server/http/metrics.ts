/**
 * Prometheus metrics (prom-client), one registry per app so several apps can live in one
 * process (tests). Gauges are read from the live state at scrape time.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { RoomStore } from '../rooms/store.js';

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

export function createMetrics(sources: { sockets: () => number; peers: () => number; store: RoomStore }): AppMetrics {
  const registry = new Registry();
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
      this.set((await sources.store.counts()).rooms);
    },
  });
  new Gauge({
    name: 'callroom_participants',
    help: 'Participants in rooms',
    registers: [registry],
    async collect() {
      this.set((await sources.store.counts()).participants);
    },
  });
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
