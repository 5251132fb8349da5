/**
 * The one place that registers every domain's Socket.IO handlers on each connection. The domains
 * (membership, chat, host, recording, ringing, ICE) share server/signaling/context.ts and import nothing
 * back from here.
 */
import { MemoryRingStore } from '../rooms/store.js';
import { defineChatHandlers } from './chat-handlers.js';
import { HandlerTable, type EventGuard, type Registry, type RoomHandlerDeps, type RoomServer } from './context.js';
import { defineHostHandlers } from './host-handlers.js';
import { defineIceHandlers } from './ice-handlers.js';
import type { Binding } from './identities.js';
import { adoptMembers, defineMembershipHandlers, reassertBindings } from './membership-handlers.js';
import { defineRecordingHandlers } from './recording-handlers.js';
import { defineRingHandlers, dropLostNode, type RingDeps } from './ring-handlers.js';

export interface RoomHandlers {
  /**
   * A node stopped (another one, or this one's previous run): this node starts the reconnect
   * grace of the members it held, and forgets its reachable tabs and the rings its callers placed.
   */
  adopt(node: string, bindings: Binding[]): Promise<void>;
  /** Binds again this node's members whose bindings lapsed while the shared store was away. */
  reassert(): Promise<void>;
  /** Stops the grace and ring timers (the app is closing). */
  close(): void;
}

export function registerRoomHandlers(io: RoomServer, deps: RoomHandlerDeps, guard?: EventGuard): RoomHandlers {
  const registry: Registry = { identities: deps.identities, knocks: deps.knocks, graceTimers: new Map() };
  const ringing: RingDeps = {
    store: deps.ringStore ?? new MemoryRingStore(),
    timers: new Map(),
    directoryOn: deps.ringDirectory ?? false,
    timeoutMs: deps.ringTimeoutMs,
    retryBaseMs: deps.ringRetryMs,
  };
  // Defined once; each socket only gets the table's shared dispatcher.
  const table = new HandlerTable(io, registry, deps, guard);
  defineMembershipHandlers(table);
  defineChatHandlers(table);
  defineHostHandlers(table);
  defineRecordingHandlers(table);
  defineRingHandlers(table, ringing);
  if (deps.ice) defineIceHandlers(table, deps.ice);
  io.on('connection', (socket) => table.attach(socket));
  return {
    reassert: () => reassertBindings(io, registry, deps),
    async adopt(node, bindings) {
      await adoptMembers(io, registry, deps, bindings);
      await dropLostNode(io, ringing, node, (deps.now ?? Date.now)());
    },
    close() {
      registry.graceTimers.forEach((timer) => clearTimeout(timer));
      registry.graceTimers.clear();
      ringing.timers.forEach((timer) => clearTimeout(timer));
      ringing.timers.clear();
    },
  };
}
