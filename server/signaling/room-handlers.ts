/**
 * The Socket.IO adapter for the room rules: it parses each event, asks the store to apply a rule,
 * and turns the outcome into emits and acks. Room logic itself lives in rooms.ts, lobby.ts and
 * chat.ts; this file holds what every domain's handlers share, and membership (join and leave).
 */
import { randomBytes } from 'node:crypto';
import type { Server, Socket } from 'socket.io';
import type {
  Ack,
  ClientToServerEvents,
  ErrorBody,
  ServerToClientEvents,
  SocketData,
} from './contract.js';
import { attachChatHandlers } from './chat-handlers.js';
import { attachHostHandlers } from './host-handlers.js';
import { attachRingHandlers } from './ring-handlers.js';
import { newRingState } from './ringing.js';
import { joinRoom, leaveRoom, newParticipant, roomInfo, updateMedia } from './rooms.js';
import type { RoomStore } from './store.js';
import type { SignalingMetrics } from '../http/metrics.js';
import { parseJoinArgs, parseMediaState } from './validate.js';

export type RoomServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type RoomSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** What the signaling layer needs to know about the PeerServer. */
export interface PeerDirectory {
  /** Resolves true once `peerId` is connected to the PeerServer (waiting at most `ms`). */
  waitForPeer(peerId: string, ms: number): Promise<boolean>;
  tokenMatches(peerId: string, token: string): boolean;
}

export interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface RoomHandlerDeps {
  store: RoomStore;
  peers: PeerDirectory;
  capacity: number;
  log: Logger;
  metrics?: SignalingMetrics;
  now?: () => number;
  /** How long a join waits for its peer id to reach the PeerServer. */
  peerWaitMs?: number;
  /** Lists reachable handles to anyone who asks (off by default: privacy). */
  ringDirectory?: boolean;
  ringTimeoutMs?: number;
}

/** A closed tab or page closes its connection: that is leaving. A silent drop may come back. */
function departureReason(socketReason: string): 'left' | 'disconnected' {
  return socketReason === 'ping timeout' || socketReason === 'transport error' ? 'disconnected' : 'left';
}

const MAX_PENDING_EVENTS = 16;

/** Server-wide lookups the handlers share: who holds each peer id, who waits behind each knock. */
export interface Registry {
  claims: Map<string, RoomSocket>;
  knocks: Map<string, RoomSocket>;
}

/** What one socket's handlers share. */
export interface HandlerContext {
  io: RoomServer;
  socket: RoomSocket;
  registry: Registry;
  deps: RoomHandlerDeps;
  now: () => number;
  /** Runs `work` after this socket's earlier events, refusing when too many are waiting. */
  serially(event: string, ack: unknown, work: () => Promise<unknown>): void;
  reject(ack: unknown, event: string, error: ErrorBody): void;
  succeed<T>(ack: unknown, data: T): void;
  /** The room and peer id this socket is in, or an error for the ack. */
  member(): { roomId: string; peerId: string } | undefined;
  leave(reason: 'left' | 'disconnected'): Promise<void>;
}

export const newSecret = () => randomBytes(18).toString('base64url');

export function registerRoomHandlers(io: RoomServer, deps: RoomHandlerDeps): void {
  const registry: Registry = { claims: new Map(), knocks: new Map() };
  const ringing = { state: newRingState(), timers: new Map(), directoryOn: deps.ringDirectory ?? false, timeoutMs: deps.ringTimeoutMs };
  io.on('connection', (socket) => {
    const ctx = createContext(io, socket, registry, deps);
    attachMembershipHandlers(ctx);
    attachChatHandlers(ctx);
    attachHostHandlers(ctx);
    attachRingHandlers(ctx, ringing);
  });
}

function createContext(io: RoomServer, socket: RoomSocket, registry: Registry, deps: RoomHandlerDeps): HandlerContext {
  const { store, log } = deps;
  const now = deps.now ?? Date.now;
  // One event at a time per socket, so a leave can never overtake the join before it; and a
  // bounded line, so a client cannot queue work without end (joins may wait for the PeerServer).
  let queue: Promise<unknown> = Promise.resolve();
  let pending = 0;

  const ctx: HandlerContext = {
    io,
    socket,
    registry,
    deps,
    now,
    serially(event, ack, work) {
      if (pending >= MAX_PENDING_EVENTS && event !== 'disconnecting') {
        return ctx.reject(ack, event, { code: 'rate-limited', message: 'Too many requests in progress: wait for the answers' });
      }
      pending += 1;
      queue = queue
        .then(work)
        .catch((error: unknown) => log.warn({ err: error, socket: socket.id, event }, 'room handler failed'))
        .finally(() => (pending -= 1));
    },
    reject(ack, event, error) {
      log.warn({ socket: socket.id, event, code: error.code }, 'rejected event');
      deps.metrics?.rejected(event, error.code);
      if (typeof ack === 'function') (ack as (r: Ack<never>) => void)({ ok: false, error });
    },
    succeed(ack, data) {
      if (typeof ack === 'function') (ack as (r: Ack<typeof data>) => void)({ ok: true, data });
    },
    member() {
      const { roomId, peerId } = socket.data;
      return roomId && peerId ? { roomId, peerId } : undefined;
    },
    async leave(reason) {
      const { roomId, peerId } = socket.data;
      if (!roomId || !peerId) return;
      socket.data.roomId = undefined;
      socket.data.peerId = undefined;
      if (registry.claims.get(peerId) === socket) registry.claims.delete(peerId);
      void socket.leave(roomId);
      const result = await store.update(roomId, (room) => leaveRoom(room, peerId));
      if (!result.ok || !result.value) return;
      io.to(roomId).emit('user-disconnected', peerId, reason);
      log.info({ room: roomId, peer: peerId, reason }, 'participant left');
      if (result.value.newHost && result.room) {
        io.to(roomId).emit('room-updated', roomInfo(result.room));
        // The new host now answers the knocks that were waiting for the old one.
        const host = registry.claims.get(result.value.newHost);
        result.room.lobby.forEach((knock) => host?.emit('knocking', knock));
      }
      // The room emptied with people in its lobby: it is open again, let them in.
      for (const knock of result.value.orphanedKnocks) {
        registry.knocks.get(knock.knockId)?.emit('knock-answered', { admitted: true });
      }
    },
  };
  return ctx;
}

function attachMembershipHandlers(ctx: HandlerContext) {
  const { io, socket, registry, deps, now } = ctx;
  const { store, peers, capacity, log } = deps;

  socket.on('join-room', (rawRoomId, rawPeerId, rawOptions, rawAck) => {
    // Classic clients send (roomId, peerId) only; an ack may stand in the third place.
    const ack = typeof rawOptions === 'function' ? rawOptions : rawAck;
    const options = typeof rawOptions === 'function' ? undefined : rawOptions;
    ctx.serially('join-room', ack, async () => {
      const parsed = parseJoinArgs(rawRoomId, rawPeerId, options);
      if (!parsed.ok) return ctx.reject(ack, 'join-room', parsed.error);
      const { roomId, peerId, options: joinOptions } = parsed.value;

      if (!(await peers.waitForPeer(peerId, deps.peerWaitMs ?? 3000))) {
        return ctx.reject(ack, 'join-room', {
          code: 'peer-not-connected',
          message: 'Connect to the PeerServer with this peer id before joining',
        });
      }
      const proven = joinOptions.peerToken !== undefined && peers.tokenMatches(peerId, joinOptions.peerToken);
      if (joinOptions.peerToken !== undefined && !proven) {
        return ctx.reject(ack, 'join-room', { code: 'invalid-peer', message: 'That peer id belongs to someone else' });
      }
      const holder = registry.claims.get(peerId);
      if (holder && holder !== socket && holder.connected) {
        // Only the owner of the PeerJS token may take over its own id (a reconnect).
        if (!proven) {
          return ctx.reject(ack, 'join-room', { code: 'peer-taken', message: 'That peer id is already in a room' });
        }
        // Forget the old socket's room first, so its departure does not announce a leave.
        holder.data.roomId = undefined;
        holder.data.peerId = undefined;
        holder.disconnect(true);
      }
      if (socket.data.roomId && (socket.data.roomId !== roomId || socket.data.peerId !== peerId)) {
        await ctx.leave('left');
      }

      const candidate = newParticipant(peerId, joinOptions, now());
      const access = { clientId: joinOptions.clientId, ticket: joinOptions.ticket };
      const result = await store.update(roomId, (room) => joinRoom(room, roomId, candidate, capacity, access));
      if (!result.ok) return ctx.reject(ack, 'join-room', result.error);
      const room = result.room!;
      const { self, others, rejoined } = result.value;
      socket.data.roomId = roomId;
      socket.data.peerId = peerId;
      registry.claims.set(peerId, socket);
      await socket.join(roomId);
      if (rejoined) socket.to(roomId).emit('participant-updated', self);
      else socket.to(roomId).emit('user-connected', peerId, self);
      log.info({ room: roomId, peer: peerId, rejoined }, 'participant joined');
      deps.metrics?.joined();
      ctx.succeed(ack, {
        roomId,
        self,
        participants: others,
        capacity: room.capacity,
        room: roomInfo(room),
        chat: room.chat,
        lobby: room.hostPeerId === peerId ? room.lobby : [],
      });
    });
  });

  socket.on('update-media', (rawMedia, ack) => {
    ctx.serially('update-media', ack, async () => {
      const parsed = parseMediaState(rawMedia);
      if (!parsed.ok) return ctx.reject(ack, 'update-media', parsed.error);
      const member = ctx.member();
      if (!member) return ctx.reject(ack, 'update-media', { code: 'not-in-room', message: 'Join the room first' });
      const result = await store.update(member.roomId, (room) => updateMedia(room, member.peerId, parsed.value));
      if (!result.ok) return ctx.reject(ack, 'update-media', result.error);
      socket.to(member.roomId).emit('participant-updated', result.value);
      ctx.succeed(ack, result.value);
    });
  });

  socket.on('leave-room', (ack) => {
    ctx.serially('leave-room', ack, async () => {
      await ctx.leave('left');
      ctx.succeed(ack, null);
    });
  });

  socket.on('disconnecting', (reason) => ctx.serially('disconnecting', undefined, () => ctx.leave(departureReason(reason))));

}
