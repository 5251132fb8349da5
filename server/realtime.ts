/**
 * The realtime half of the app on the shared HTTP server: the identity authority, the PeerServer
 * that obeys it, the Socket.IO room signaling that writes it, the upgrade routing between the
 * two, their metrics, and their shutdown.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { createMetrics, type AppMetrics } from './http/metrics.js';
import { originPolicy } from './http/origins.js';
import { addressResolver } from './http/per-address.js';
import { routeUpgrades } from './http/upgrades.js';
import { mountPeerServer } from './peer/peer-server.js';
import type { SharedState } from './cluster/shared.js';
import type { RoomServer } from './signaling/context.js';
import { SOCKET_IO_PATH, createSocketServer } from './signaling/socket-server.js';

export const PEER_PATH = '/peerjs';

declare module 'fastify' {
  interface FastifyInstance {
    io: RoomServer;
  }
}

export function registerRealtime(app: FastifyInstance, config: Config, shared: SharedState): { metrics: AppMetrics } {
  const isOriginAllowed = originPolicy(config.allowedOrigins);
  // One authority over who is who: the room signaling writes it, the PeerServer obeys it.
  const { identities } = shared;
  const peerServer = mountPeerServer(app.server, {
    path: PEER_PATH,
    key: config.peerKey,
    maxPayload: config.maxMessageBytes,
    limits: config.limits,
    policy: identities,
    isOriginAllowed,
    onDrop: (reason) => metrics.peerFrameDropped(reason),
    onRefused: (reason) => metrics.signaling.rejected('peer-connection', reason),
    log: app.log,
    cluster: shared.peerCluster,
    addressOf: addressResolver(config.trustProxy),
  });
  const metrics = createMetrics({ sockets: () => io.engine.clientsCount, peers: () => peerServer.connectedCount(), shared });
  const { io, handlers } = createSocketServer(app.server, {
    config,
    peers: peerServer,
    shared,
    metrics: metrics.signaling,
    log: app.log,
    isOriginAllowed,
  });
  app.decorate('io', io);
  // A failed adoption (Redis went away mid-way) is retried by the next heartbeat.
  shared.onNodeLost?.((node, bindings) => handlers.adopt(node, bindings));
  // After a Redis outage (or a stall) this node's members are bound again where they lapsed.
  shared.onHeartbeatLapsed?.(() => {
    handlers.reassert().catch((error: unknown) => app.log.warn({ err: error }, 'binding members again failed'));
  });
  // A node restarted under the same NODE_ID takes on what its previous run left, before it listens.
  app.addHook('onReady', async () => {
    const leftovers = await shared.leftovers?.();
    if (leftovers) await handlers.adopt(shared.node, leftovers);
  });
  routeUpgrades(app.server, SOCKET_IO_PATH, { path: peerServer.wsPath, handle: peerServer.handleUpgrade });

  // Long-lived connections close before Fastify waits for requests to end.
  app.addHook('preClose', async () => {
    io.emit('server-shutdown');
    io.disconnectSockets(true);
    io.engine.close();
    handlers.close();
    peerServer.close();
  });
  app.addHook('onClose', () => shared.close());

  // The PeerServer's own HTTP endpoints (its id and info routes) answer on its path.
  const peerHandler = (request: { raw: IncomingMessage }, reply: { hijack(): void; raw: ServerResponse }) => {
    reply.hijack();
    peerServer.handleHttp(request.raw, reply.raw);
  };
  app.all(PEER_PATH, peerHandler);
  app.all(`${PEER_PATH}/*`, peerHandler);
  return { metrics };
}
