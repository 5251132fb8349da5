/**
 * The Socket.IO adapter for the room rules: it parses each event, asks the store to apply a rule,
 * and turns the outcome into emits and acks. Room logic itself lives in rooms.ts.
 */
import type { Server, Socket } from 'socket.io';
import type {
  Ack,
  ClientToServerEvents,
  ErrorBody,
  ServerToClientEvents,
  SocketData,
} from './contract.js';
import { joinRoom, leaveRoom, newParticipant, updateMedia } from './rooms.js';
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
}

/** A closed tab or page closes its connection: that is leaving. A silent drop may come back. */
function departureReason(socketReason: string): 'left' | 'disconnected' {
  return socketReason === 'ping timeout' || socketReason === 'transport error' ? 'disconnected' : 'left';
}

const MAX_PENDING_EVENTS = 16;

/** Which socket holds each peer id, so no one else can join as it. */
type PeerClaims = Map<string, RoomSocket>;

export function registerRoomHandlers(io: RoomServer, deps: RoomHandlerDeps): void {
  const claims: PeerClaims = new Map();
  io.on('connection', (socket) => attachRoomHandlers(io, socket, claims, deps));
}

function attachRoomHandlers(io: RoomServer, socket: RoomSocket, claims: PeerClaims, deps: RoomHandlerDeps) {
  const { store, peers, capacity, log } = deps;
  const now = deps.now ?? Date.now;
  // One event at a time per socket, so a leave can never overtake the join before it; and a
  // bounded line, so a client cannot queue work without end (joins may wait for the PeerServer).
  let queue: Promise<unknown> = Promise.resolve();
  let pending = 0;
  const serially = (work: () => Promise<unknown>, ack?: unknown, event = 'event') => {
    if (pending >= MAX_PENDING_EVENTS && event !== 'disconnecting') {
      return reject(ack, event, { code: 'rate-limited', message: 'Too many requests in progress: wait for the answers' });
    }
    pending += 1;
    queue = queue
      .then(work)
      .catch((error: unknown) => log.warn({ err: error, socket: socket.id }, 'room handler failed'))
      .finally(() => (pending -= 1));
  };
  const reject = <T>(ack: unknown, event: string, error: ErrorBody) => {
    log.warn({ socket: socket.id, event, code: error.code }, 'rejected event');
    deps.metrics?.rejected(event, error.code);
    if (typeof ack === 'function') (ack as (r: Ack<T>) => void)({ ok: false, error });
  };

  const leave = async (reason: 'left' | 'disconnected') => {
    const { roomId, peerId } = socket.data;
    if (!roomId || !peerId) return;
    socket.data.roomId = undefined;
    socket.data.peerId = undefined;
    if (claims.get(peerId) === socket) claims.delete(peerId);
    void socket.leave(roomId);
    const result = await store.update(roomId, (room) => leaveRoom(room, peerId));
    if (result.ok && result.value) {
      io.to(roomId).emit('user-disconnected', peerId, reason);
      log.info({ room: roomId, peer: peerId, reason }, 'participant left');
    }
  };

  socket.on('join-room', (rawRoomId, rawPeerId, rawOptions, rawAck) => {
    // Classic clients send (roomId, peerId) only; an ack may stand in the third place.
    const ack = typeof rawOptions === 'function' ? rawOptions : rawAck;
    const options = typeof rawOptions === 'function' ? undefined : rawOptions;
    serially(async () => {
      const parsed = parseJoinArgs(rawRoomId, rawPeerId, options);
      if (!parsed.ok) return reject(ack, 'join-room', parsed.error);
      const { roomId, peerId, options: joinOptions } = parsed.value;

      if (!(await peers.waitForPeer(peerId, deps.peerWaitMs ?? 3000))) {
        return reject(ack, 'join-room', {
          code: 'peer-not-connected',
          message: 'Connect to the PeerServer with this peer id before joining',
        });
      }
      const proven = joinOptions.peerToken !== undefined && peers.tokenMatches(peerId, joinOptions.peerToken);
      if (joinOptions.peerToken !== undefined && !proven) {
        return reject(ack, 'join-room', { code: 'invalid-peer', message: 'That peer id belongs to someone else' });
      }
      const holder = claims.get(peerId);
      if (holder && holder !== socket && holder.connected) {
        // Only the owner of the PeerJS token may take over its own id (a reconnect).
        if (!proven) {
          return reject(ack, 'join-room', { code: 'peer-taken', message: 'That peer id is already in a room' });
        }
        // Forget the old socket's room first, so its departure does not announce a leave.
        holder.data.roomId = undefined;
        holder.data.peerId = undefined;
        holder.disconnect(true);
      }
      if (socket.data.roomId && (socket.data.roomId !== roomId || socket.data.peerId !== peerId)) {
        await leave('left');
      }

      const candidate = newParticipant(peerId, joinOptions, now());
      const result = await store.update(roomId, (room) => joinRoom(room, roomId, candidate, capacity));
      if (!result.ok) return reject(ack, 'join-room', result.error);
      const { self, others, rejoined } = result.value;
      socket.data.roomId = roomId;
      socket.data.peerId = peerId;
      claims.set(peerId, socket);
      await socket.join(roomId);
      if (rejoined) socket.to(roomId).emit('participant-updated', self);
      else socket.to(roomId).emit('user-connected', peerId, self);
      log.info({ room: roomId, peer: peerId, rejoined }, 'participant joined');
      deps.metrics?.joined();
      if (typeof ack === 'function') {
        ack({ ok: true, data: { roomId, self, participants: others, capacity: result.room?.capacity ?? capacity } });
      }
    }, ack, 'join-room');
  });

  socket.on('update-media', (rawMedia, ack) => {
    serially(async () => {
      const parsed = parseMediaState(rawMedia);
      if (!parsed.ok) return reject(ack, 'update-media', parsed.error);
      const { roomId, peerId } = socket.data;
      if (!roomId || !peerId) return reject(ack, 'update-media', { code: 'not-in-room', message: 'Join the room first' });
      const result = await store.update(roomId, (room) => updateMedia(room, peerId, parsed.value));
      if (!result.ok) return reject(ack, 'update-media', result.error);
      socket.to(roomId).emit('participant-updated', result.value);
      if (typeof ack === 'function') ack({ ok: true, data: result.value });
    }, ack, 'update-media');
  });

  socket.on('leave-room', (ack) => {
    serially(async () => {
      await leave('left');
      if (typeof ack === 'function') ack({ ok: true, data: null });
    }, ack, 'leave-room');
  });

  socket.on('disconnecting', (reason) => serially(() => leave(departureReason(reason)), undefined, 'disconnecting'));
}
