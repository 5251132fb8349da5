/**
 * The Socket.IO server for room signaling, attached to the app's HTTP server: limits, origin
 * checks, the event guard and the room handlers.
 */
import type { Server as HttpServer } from 'node:http';
import { Server as SocketIOServer } from 'socket.io';
import type { Config } from '../config.js';
import type { SignalingMetrics } from '../http/metrics.js';
import { iceAnswer } from '../http/ice.js';
import { AddressRateLimit, ConnectionCounter, addressResolver } from '../http/per-address.js';
import { createEventGuard } from './event-guard.js';
import type { SharedState } from '../cluster/shared.js';
import type { Logger, PeerDirectory, RoomServer } from './context.js';
import { registerRoomHandlers, type RoomHandlers } from './register.js';

export const SOCKET_IO_PATH = '/socket.io/';

export interface SocketServerDeps {
  config: Config;
  /** The rooms, ringing, identities, knocks and (with several nodes) the adapter. */
  shared: SharedState;
  peers: PeerDirectory;
  metrics: SignalingMetrics;
  log: Logger;
  isOriginAllowed: (origin: string | undefined, host: string | undefined) => boolean;
}

export interface SocketServer {
  io: RoomServer;
  handlers: RoomHandlers;
}

/** The parts of engine.io's socket we read to see how much is waiting to go out. */
interface EngineSocket {
  request: import('node:http').IncomingMessage;
  transport: { socket?: { bufferedAmount?: number; terminate?: () => void } };
  on(event: 'packetCreate', listener: (packet: { data?: unknown }) => void): void;
  on(event: 'flush' | 'close', listener: () => void): void;
  close(discard?: boolean): void;
}

const packetBytes = (packet: { data?: unknown }) =>
  typeof packet.data === 'string' || packet.data instanceof Buffer ? packet.data.length : 0;

export function createSocketServer(httpServer: HttpServer, deps: SocketServerDeps): SocketServer {
  const { config, isOriginAllowed } = deps;
  const connections = new ConnectionCounter(config.limits.connectionsPerAddress);
  const addressOf = addressResolver(config.trustProxy);
  const io: RoomServer = new SocketIOServer(httpServer, {
    path: SOCKET_IO_PATH,
    maxHttpBufferSize: config.maxMessageBytes,
    ...(deps.shared.adapter ? { adapter: deps.shared.adapter } : {}),
    // We route upgrades ourselves (server/http/upgrades.ts); engine.io must not close the PeerServer's.
    destroyUpgrade: false,
    pingInterval: 10_000,
    pingTimeout: 5_000,
    cors: {
      origin: (origin, callback) => callback(null, origin !== undefined && config.allowedOrigins.includes(origin)),
    },
    allowRequest: (req, callback) => {
      if (!isOriginAllowed(req.headers.origin, req.headers.host)) {
        deps.metrics.rejected('handshake', 'origin');
        return callback('origin not allowed', false);
      }
      if (connections.count(addressOf(req)) >= connections.perAddress) {
        deps.metrics.rejected('handshake', 'too-many-connections');
        return callback('too many connections from this address', false);
      }
      callback(null, true);
    },
  });
  io.engine.on('connection', (engine: EngineSocket) => {
    const address = addressOf(engine.request);
    if (!connections.tryOpen(address)) {
      // Two handshakes raced past allowRequest: the later one goes.
      deps.metrics.rejected('handshake', 'too-many-connections');
      engine.close();
      return;
    }
    engine.on('close', () => connections.close(address));
    // A client that stops reading must not make us hold its messages without end.
    // Unread = what waits in engine.io's write buffer (counted as it fills, zero once it is
    // flushed to the transport) plus what the transport's socket has not sent yet.
    let queued = 0;
    let cutOff = false;
    engine.on('flush', () => (queued = 0));
    engine.on('packetCreate', (packet) => {
      queued += packetBytes(packet);
      if (cutOff || queued + (engine.transport.socket?.bufferedAmount ?? 0) <= config.limits.maxBufferedBytes) return;
      cutOff = true;
      deps.metrics.rejected('slow-reader', 'buffer-full');
      deps.log.warn({ address }, 'disconnected a client that stopped reading');
      // No closing handshake: it would wait on the very reader that stopped reading.
      const ws = engine.transport.socket;
      if (ws?.terminate) ws.terminate();
      else engine.close(true);
    });
  });
  const handlers = registerRoomHandlers(
    io,
    {
      store: deps.shared.store,
      node: deps.shared.peerCluster ? deps.shared.node : undefined,
      addressOf,
      ringStore: deps.shared.ringStore,
      peers: deps.peers,
      identities: deps.shared.identities,
      knocks: deps.shared.knocks,
      capacity: config.roomCapacity,
      log: deps.log,
      metrics: deps.metrics,
      reconnectGraceMs: config.reconnectGraceMs,
      joinChatBytes: config.limits.joinChatBytes,
      ringDirectory: config.ringDirectory,
      ringTimeoutMs: config.ringTimeoutMs,
      ringRetryMs: config.limits.ringRetryMs,
      ice: { answer: () => iceAnswer(config), limit: new AddressRateLimit(config.limits.icePerAddress) },
    },
    createEventGuard({ limits: config.rateLimits, metrics: deps.metrics, log: deps.log }),
  );
  return { io, handlers };
}
