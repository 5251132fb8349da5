/**
 * The Socket.IO adapter for the room rules: it parses each event, asks the store to apply a rule,
 * and turns the outcome into emits and acks. Room logic itself lives in rooms.ts, lobby.ts and
 * chat.ts; this file holds what every domain's handlers share, and membership (join and leave).
 */
import { randomBytes } from 'node:crypto';
import type { Server, Socket } from 'socket.io';
import type {
  Ack,
  ChatMessage,
  ClientToServerEvents,
  ErrorBody,
  ServerToClientEvents,
  SocketData,
} from '../../protocol/contract.js';
import { attachChatHandlers } from './chat-handlers.js';
import { attachHostHandlers } from './host-handlers.js';
import { attachRingHandlers } from './ring-handlers.js';
import { newRingState } from './ringing.js';
import { expireAway, joinRoom, leaveRoom, markAway, newParticipant, roomInfo, updateMedia, type Left, type Room, type RuleResult } from './rooms.js';
import { digestToken, type Identities } from './identities.js';
import type { AddressRateLimit } from '../http/per-address.js';
import type { IceAnswer } from '../http/ice.js';
import type { RoomStore } from './store.js';
import type { SignalingMetrics } from '../http/metrics.js';
import { parseJoinArgs, parseMediaState } from './validate.js';

export type RoomServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type RoomSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** What the signaling layer needs to know about the PeerServer. */
export interface PeerDirectory {
  /** Resolves true once `peerId` is connected to the PeerServer (waiting at most `ms`). */
  waitForPeer(peerId: string, ms: number): Promise<boolean>;
  /** The token `peerId` is connected to the PeerServer with, if it is connected. */
  tokenOf(peerId: string): string | undefined;
  /** The client address `peerId` is connected to the PeerServer from, if it is connected. */
  addressOf(peerId: string): string | undefined;
}

export interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface RoomHandlerDeps {
  store: RoomStore;
  peers: PeerDirectory;
  /** Who is who; shared with the PeerServer, which obeys it. */
  identities: Identities<RoomSocket>;
  capacity: number;
  log: Logger;
  metrics?: SignalingMetrics;
  now?: () => number;
  /** How long a join waits for its peer id to reach the PeerServer. */
  peerWaitMs?: number;
  /** How long a dropped member keeps its seat, host role and admission (0: leave at once). */
  reconnectGraceMs?: number;
  /** The chat history a join's answer carries, in bytes of JSON (the newest messages that fit). */
  joinChatBytes?: number;
  /** Lists reachable handles to anyone who asks (off by default: privacy). */
  ringDirectory?: boolean;
  ringTimeoutMs?: number;
  ringRetryMs?: number;
  /** TURN credentials for a connected client, and how often one address may have them. */
  ice?: { answer: () => IceAnswer; limit: AddressRateLimit };
}

/** Only an explicit goodbye is leaving; every other drop (a closed transport, a ping timeout, a
 * server restart) may come back within the reconnect grace. */
function isExplicitLeave(socketReason: string): boolean {
  return socketReason === 'client namespace disconnect';
}

const MAX_PENDING_EVENTS = 16;
const DEFAULT_JOIN_CHAT_BYTES = 32 * 1024;

/** Server-wide lookups the handlers share: who is who, who waits behind each knock, grace timers. */
export interface Registry {
  identities: Identities<RoomSocket>;
  knocks: Map<string, RoomSocket>;
  graceTimers: Map<string, ReturnType<typeof setTimeout>>;
}

/** The member is back, or gone for good: its grace timer, if any, is off. */
export function clearGrace(registry: Registry, peerId: string): void {
  clearTimeout(registry.graceTimers.get(peerId));
  registry.graceTimers.delete(peerId);
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

export interface RoomHandlers {
  /** Stops the grace timers (the app is closing). */
  close(): void;
}

export function registerRoomHandlers(io: RoomServer, deps: RoomHandlerDeps): RoomHandlers {
  const registry: Registry = { identities: deps.identities, knocks: new Map(), graceTimers: new Map() };
  const ringing = {
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
    if (deps.ice) attachIceHandler(ctx, deps.ice);
  });
  return {
    close() {
      registry.graceTimers.forEach((timer) => clearTimeout(timer));
      registry.graceTimers.clear();
      ringing.timers.forEach((timer: ReturnType<typeof setTimeout>) => clearTimeout(timer));
    },
  };
}

/**
 * A participant leaves `roomId` for good: the binding ends, the room hears it, the host role
 * passes on, and people still knocking on a room that emptied are told the call ended.
 */
async function depart(io: RoomServer, registry: Registry, deps: RoomHandlerDeps, roomId: string, peerId: string, reason: 'left' | 'disconnected', rule: (room: Room | undefined) => RuleResult<Left | undefined>) {
  const result = await deps.store.update(roomId, rule);
  if (!result.ok || !result.value) return;
  registry.identities.release(peerId, roomId);
  clearGrace(registry, peerId);
  io.to(roomId).emit('user-disconnected', peerId, reason);
  deps.log.info({ room: roomId, peer: peerId, reason }, 'participant left');
  if (result.value.newHost && result.room) {
    io.to(roomId).emit('room-updated', roomInfo(result.room));
    // The new host now answers the knocks that were waiting for the old one.
    const host = registry.identities.socketOf(result.value.newHost);
    result.room.lobby.forEach((knock) => host?.emit('knocking', knock));
  }
  // Nobody inherits an empty room's lobby: its lock is gone with it, so those waiting are told.
  for (const knock of result.value.orphanedKnocks) {
    const knocker = registry.knocks.get(knock.knockId);
    registry.knocks.delete(knock.knockId);
    if (knocker) knocker.data.knock = undefined;
    knocker?.emit('knock-answered', { admitted: false, reason: 'ended' });
  }
}

/** A socket stops speaking for its participant (taken over, moved, removed): quietly, no leave announced. */
export function detach(socket: RoomSocket, roomId: string) {
  socket.data.roomId = undefined;
  socket.data.peerId = undefined;
  void socket.leave(roomId);
}

function createContext(io: RoomServer, socket: RoomSocket, registry: Registry, deps: RoomHandlerDeps): HandlerContext {
  const { log } = deps;
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
      detach(socket, roomId);
      await depart(io, registry, deps, roomId, peerId, reason, (room) => leaveRoom(room, peerId));
    },
  };
  return ctx;
}

/** The newest messages whose JSON fits in `maxBytes`, oldest first. */
export function recentChat(chat: ChatMessage[], maxBytes: number): ChatMessage[] {
  let bytes = 0;
  let first = chat.length;
  while (first > 0) {
    bytes += Buffer.byteLength(JSON.stringify(chat[first - 1]));
    if (bytes > maxBytes) break;
    first -= 1;
  }
  return chat.slice(first);
}

function attachMembershipHandlers(ctx: HandlerContext) {
  const { io, socket, registry, deps, now } = ctx;
  const { store, peers, capacity, log } = deps;
  const { identities } = registry;
  const graceMs = deps.reconnectGraceMs ?? 30_000;

  socket.on('join-room', (rawRoomId, rawPeerId, rawOptions, rawAck) => {
    // Classic clients send (roomId, peerId) only; an ack may stand in the third place.
    const ack = typeof rawOptions === 'function' ? rawOptions : rawAck;
    const options = typeof rawOptions === 'function' ? undefined : rawOptions;
    ctx.serially('join-room', ack, async () => {
      const parsed = parseJoinArgs(rawRoomId, rawPeerId, options);
      if (!parsed.ok) return ctx.reject(ack, 'join-room', parsed.error);
      const { roomId, peerId, options: joinOptions } = parsed.value;
      const taken = { code: 'peer-taken', message: 'That peer id belongs to someone in a call' } as const;
      const notConnected = { code: 'peer-not-connected', message: 'Connect to the PeerServer with this peer id before joining' } as const;
      // The token is the proof of identity: an id bound to a member opens only to its token.
      const heldByAnother = () => {
        const bound = identities.get(peerId);
        return !!bound && (joinOptions.peerToken === undefined || digestToken(joinOptions.peerToken) !== bound.tokenDigest);
      };
      if (heldByAnother()) return ctx.reject(ack, 'join-room', taken);
      if (!(await peers.waitForPeer(peerId, deps.peerWaitMs ?? 3000))) return ctx.reject(ack, 'join-room', notConnected);
      if (heldByAnother()) return ctx.reject(ack, 'join-room', taken); // again: the wait let other events run
      let token = joinOptions.peerToken;
      if (token === undefined) {
        // A classic client sends none and proves nothing but where it connects from: it takes on
        // the token of a PeerServer connection only if that connection comes from its own address.
        if (peers.addressOf(peerId) !== socket.handshake.address) return ctx.reject(ack, 'join-room', taken);
        token = peers.tokenOf(peerId);
      } else if (peers.tokenOf(peerId) !== token) {
        return ctx.reject(ack, 'join-room', { code: 'invalid-peer', message: 'That peer id belongs to someone else' });
      }
      if (token === undefined) return ctx.reject(ack, 'join-room', notConnected);
      const tokenDigest = digestToken(token);
      const bound = identities.get(peerId);

      if (bound && bound.socket !== socket) {
        // The proven owner, from another socket. Into the same room it is a reconnect: the old
        // socket stops speaking for it. Into another room it is a move: a proper leave first.
        if (bound.socket) {
          detach(bound.socket, bound.roomId);
          bound.socket.disconnect(true);
        }
        if (bound.roomId !== roomId) {
          await depart(io, registry, deps, bound.roomId, peerId, 'left', (room) => leaveRoom(room, peerId));
        }
      }
      if (socket.data.roomId && (socket.data.roomId !== roomId || socket.data.peerId !== peerId)) {
        await ctx.leave('left');
      }

      const candidate = newParticipant(peerId, joinOptions, now());
      const access = { tokenDigest, clientId: joinOptions.clientId, ticket: joinOptions.ticket };
      const result = await store.update(roomId, (room) => joinRoom(room, roomId, candidate, capacity, access));
      if (!result.ok) return ctx.reject(ack, 'join-room', result.error);
      const room = result.room!;
      const { self, others, rejoined } = result.value;
      clearGrace(registry, peerId);
      // Bound before anyone hears of it, so their calls to this peer are relayed at once.
      identities.bind({ peerId, roomId, tokenDigest, socket });
      socket.data.roomId = roomId;
      socket.data.peerId = peerId;
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
        chat: recentChat(room.chat, deps.joinChatBytes ?? DEFAULT_JOIN_CHAT_BYTES),
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

  socket.on('disconnecting', (reason) =>
    ctx.serially('disconnecting', undefined, async () => {
      const member = ctx.member();
      if (!member) return;
      if (isExplicitLeave(reason) || graceMs === 0) return ctx.leave(isExplicitLeave(reason) ? 'left' : 'disconnected');
      // A drop: the seat, the host role and the admission wait for the same token to come back.
      detach(socket, member.roomId);
      const since = now();
      const away = await store.update(member.roomId, (room) => markAway(room, member.peerId, since));
      const binding = identities.get(member.peerId);
      if (!away.ok || !away.value) {
        // No seat to keep (removed meanwhile): nothing is bound to this socket any more.
        if (binding?.socket === socket) identities.release(member.peerId, member.roomId);
        return;
      }
      if (binding?.socket === socket) binding.socket = undefined;
      log.info({ room: member.roomId, peer: member.peerId, reason }, 'participant away');
      clearGrace(registry, member.peerId);
      const timer = setTimeout(() => {
        registry.graceTimers.delete(member.peerId);
        void depart(io, registry, deps, member.roomId, member.peerId, 'disconnected', (room) => expireAway(room, member.peerId, since))
          .catch((error: unknown) => log.warn({ err: error }, 'grace expiry failed'));
      }, graceMs);
      timer.unref();
      registry.graceTimers.set(member.peerId, timer);
    }),
  );
}

/** TURN credentials over the live, origin-checked connection: never to a stranger with curl. */
function attachIceHandler(ctx: HandlerContext, ice: NonNullable<RoomHandlerDeps['ice']>) {
  ctx.socket.on('get-ice', (ack) => {
    // The handshake checked any Origin it carried; a client that showed none is not a page of ours.
    if (!ctx.socket.handshake.headers.origin) {
      return ctx.reject(ack, 'get-ice', { code: 'invalid-payload', message: 'Relay credentials are for pages of an allowed origin' });
    }
    if (!ice.limit.take(ctx.socket.handshake.address, ctx.now())) {
      return ctx.reject(ack, 'get-ice', { code: 'rate-limited', message: 'Too many requests for relay credentials: wait a minute' });
    }
    ctx.succeed(ack, ice.answer());
  });
}
