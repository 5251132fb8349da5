/**
 * The one place that registers every domain's Socket.IO handlers on each connection. The domains
 * (membership, chat, host, ringing, ICE) share server/signaling/context.ts and import nothing
 * back from here.
 */
import { newRingState } from '../rooms/ringing.js';
import { attachChatHandlers } from './chat-handlers.js';
import { createContext, type Registry, type RoomHandlerDeps, type RoomServer } from './context.js';
import { attachHostHandlers } from './host-handlers.js';
import { attachIceHandlers } from './ice-handlers.js';
import { attachMembershipHandlers } from './membership-handlers.js';
import { attachRingHandlers, type RingDeps } from './ring-handlers.js';

export interface RoomHandlers {
  /** Stops the grace and ring timers (the app is closing). */
  close(): void;
}

export function registerRoomHandlers(io: RoomServer, deps: RoomHandlerDeps): RoomHandlers {
  const registry: Registry = { identities: deps.identities, knocks: new Map(), graceTimers: new Map() };
  const ringing: RingDeps = {
    state: newRingState(),
    timers: new Map(),
    directoryOn: deps.ringDirectory ?? false,
    timeoutMs: deps.ringTimeoutMs,
    retryBaseMs: deps.ringRetryMs,
  };
  io.on('connection', (socket) => {
    const ctx = createContext(io, socket, registry, deps);
    attachMembershipHandlers(ctx);
    attachChatHandlers(ctx);
    attachHostHandlers(ctx);
    attachRingHandlers(ctx, ringing);
    if (deps.ice) attachIceHandlers(ctx, deps.ice);
  });
  return {
    close() {
      registry.graceTimers.forEach((timer) => clearTimeout(timer));
      registry.graceTimers.clear();
      ringing.timers.forEach((timer) => clearTimeout(timer));
      ringing.timers.clear();
    },
  };
}
