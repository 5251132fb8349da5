/**
 * The Socket.IO server for room signaling, attached to the app's HTTP server: limits, origin
 * checks, the event guard and the room handlers.
 */
import type { Server as HttpServer } from 'node:http';
import { Server as SocketIOServer } from 'socket.io';
import type { Config } from '../config.js';
import type { SignalingMetrics } from '../http/metrics.js';
import { guardEvents } from './event-guard.js';
import { registerRoomHandlers, type Logger, type PeerDirectory, type RoomServer } from './room-handlers.js';
import type { RoomStore } from './store.js';

export const SOCKET_IO_PATH = '/socket.io/';

export interface SocketServerDeps {
  config: Config;
  store: RoomStore;
  peers: PeerDirectory;
  metrics: SignalingMetrics;
  log: Logger;
  isOriginAllowed: (origin: string | undefined, host: string | undefined) => boolean;
}

export function createSocketServer(httpServer: HttpServer, deps: SocketServerDeps): RoomServer {
  const { config, isOriginAllowed } = deps;
  const io: RoomServer = new SocketIOServer(httpServer, {
    path: SOCKET_IO_PATH,
    maxHttpBufferSize: config.maxMessageBytes,
    // We route upgrades ourselves (server/http/upgrades.ts); engine.io must not close the PeerServer's.
    destroyUpgrade: false,
    pingInterval: 10_000,
    pingTimeout: 5_000,
    cors: {
      origin: (origin, callback) => callback(null, origin !== undefined && config.allowedOrigins.includes(origin)),
    },
    allowRequest: (req, callback) => {
      const allowed = isOriginAllowed(req.headers.origin, req.headers.host);
      if (!allowed) deps.metrics.rejected('handshake', 'origin');
      callback(allowed ? null : 'origin not allowed', allowed);
    },
  });
  io.on('connection', (socket) => guardEvents(socket, { limits: config.rateLimits, metrics: deps.metrics, log: deps.log }));
  registerRoomHandlers(io, {
    store: deps.store,
    peers: deps.peers,
    capacity: config.roomCapacity,
    log: deps.log,
    metrics: deps.metrics,
    ringDirectory: config.ringDirectory,
    ringTimeoutMs: config.ringTimeoutMs,
  });
  return io;
}
