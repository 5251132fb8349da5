/**
 * What the nodes of one deployment share: the rooms, the ringing state, who is who, who waits
 * behind each knock, the PeerServers' relay and Socket.IO's broadcasts. One process keeps them
 * in memory (the default: nothing else to run); several processes keep them in Redis
 * (server/cluster/redis.ts, when REDIS_URL is set).
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { ServerOptions } from 'socket.io';
import type { PeerCluster } from '../peer/peer-server.js';
import { MemoryRingStore, MemoryRoomStore, type RingStore, type RoomStore } from '../rooms/store.js';
import { MemoryIdentities, type Binding, type IdentityDirectory } from '../signaling/identities.js';
import { MemoryKnocks, type KnockDirectory } from '../signaling/knocks.js';

export interface SharedState {
  /** This process's name among the nodes: a label on every metric. */
  node: string;
  store: RoomStore;
  ringStore: RingStore;
  identities: IdentityDirectory;
  knocks: KnockDirectory;
  /** The other nodes' PeerServers; absent with one node. */
  peerCluster?: PeerCluster;
  /** Socket.IO's adapter between the nodes; absent with one node. */
  adapter?: ServerOptions['adapter'];
  /** False while the shared store is unreachable: /readyz says so. */
  ready(): boolean;
  /** One round trip to the shared store, in seconds (for /metrics); absent with one node. */
  latency?(): Promise<number>;
  /**
   * Calls `listener` with the bindings of a node that stopped (its heartbeat lapsed), so that a
   * live node starts their reconnect grace. Absent with one node.
   */
  onNodeLost?(listener: (node: string, bindings: Binding[]) => Promise<void>): void;
  /**
   * Calls `listener` when this node finds its own heartbeat had lapsed: Redis was away (or lost
   * its data) for longer than a heartbeat, or this process stalled. Absent with one node.
   */
  onHeartbeatLapsed?(listener: () => void): void;
  /** The bindings a previous run of this node left (a restart under the same NODE_ID). */
  leftovers?(): Promise<Binding[]>;
  close(): Promise<void>;
}

/** A name for this process: NODE_ID, or host, pid and a few random bytes. */
export function nodeName(given: string | undefined): string {
  return given || `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** Everything in this process: the embedded default. */
export function memoryState(node: string, store: RoomStore = new MemoryRoomStore()): SharedState {
  return {
    node,
    store,
    ringStore: new MemoryRingStore(),
    identities: new MemoryIdentities(),
    knocks: new MemoryKnocks(),
    ready: () => true,
    close: async () => {},
  };
}
