/**
 * Builds the callroom app as a Fastify plugin: the web app, the room signaling (Socket.IO) and
 * the PeerServer, all on one port and origin. server.ts alone creates the instance and listens.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Config } from './config.js';
import { registerApiRoutes } from './http/api.js';
import { createMetrics } from './http/metrics.js';
import { originPolicy } from './http/origins.js';
import { PERMISSIONS_POLICY, securityHeaders } from './http/security.js';
import { routeUpgrades } from './http/upgrades.js';
import { mountPeerServer } from './peer/peer-server.js';
import { bearerMatches } from './http/bearer.js';
import { Identities } from './signaling/identities.js';
import type { RoomServer, RoomSocket } from './signaling/room-handlers.js';
import { SOCKET_IO_PATH, createSocketServer } from './signaling/socket-server.js';
import { MemoryRoomStore, type RoomStore } from './signaling/store.js';
import { isValidRoomId } from './signaling/validate.js';

export const PEER_PATH = '/peerjs';
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../dist/web/', import.meta.url));

export interface AppOptions {
  config: Config;
  store?: RoomStore;
  /** The built web app (`npm run build` writes it to dist/web). */
  webRoot?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    io: RoomServer;
  }
}

const INVALID_ROOM_PAGE = `<!doctype html><html lang="en"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Not a call link · callroom</title>
<link rel="stylesheet" href="/app.css"><body class="plain-page">
<h1>This is not a valid call link</h1>
<p>Call links look like <code>/r/</code> followed by up to 64 letters, digits, “-” or “_”.
Check the link you were sent, or start a new call.</p><p><a href="/">Start a new call</a></p></body></html>`;

export const callroomApp: FastifyPluginAsync<AppOptions> = async (app: FastifyInstance, options) => {
  const { config } = options;
  const webRoot = options.webRoot ?? DEFAULT_WEB_ROOT;
  const store = options.store ?? new MemoryRoomStore();
  const isOriginAllowed = originPolicy(config.allowedOrigins);
  let ready = false;

  // One authority over who is who: the room signaling writes it, the PeerServer obeys it.
  const identities = new Identities<RoomSocket>();
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
  });
  const metrics = createMetrics({ sockets: () => io.engine.clientsCount, peers: () => peerServer.connectedCount(), store });
  const { io, handlers } = createSocketServer(app.server, { config, store, peers: peerServer, identities, metrics: metrics.signaling, log: app.log, isOriginAllowed });
  app.decorate('io', io);
  routeUpgrades(app.server, SOCKET_IO_PATH, { path: peerServer.wsPath, handle: peerServer.handleUpgrade });

  app.addHook('onReady', async () => {
    ready = true;
  });
  app.addHook('preClose', async () => {
    ready = false;
    io.emit('server-shutdown');
    io.disconnectSockets(true);
    io.engine.close();
    handlers.close();
    peerServer.close();
  });

  await app.register(fastifyHelmet, securityHeaders(config));
  // Not one of helmet's headers.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('permissions-policy', PERMISSIONS_POLICY);
  });

  const peerHandler = (request: { raw: import('node:http').IncomingMessage }, reply: { hijack(): void; raw: import('node:http').ServerResponse }) => {
    reply.hijack();
    peerServer.handleHttp(request.raw, reply.raw);
  };
  app.all(PEER_PATH, peerHandler);
  app.all(`${PEER_PATH}/*`, peerHandler);

  registerApiRoutes(app, config, PEER_PATH);

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_request, reply) => (ready ? { ready: true } : reply.code(503).send({ ready: false })));
  app.get('/metrics', async (request, reply) => {
    if (config.metricsToken && !bearerMatches(request.headers.authorization, config.metricsToken)) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'A bearer token is needed for /metrics' });
    }
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  await app.register(fastifyStatic, {
    root: webRoot,
    index: ['index.html'],
    wildcard: true,
    // dist/web holds .br and .gz copies of every text asset (scripts/build.ts).
    preCompressed: true,
    cacheControl: false,
    setHeaders(res, filePath) {
      // Precompressed copies arrive here as name.js.br or name.js.gz.
      const name = filePath.replace(/\.(br|gz)$/, '');
      // Module scripts load in CORS mode: embedding pages on other origins need this.
      if (name.endsWith('.js')) res.setHeader('access-control-allow-origin', '*');
      // Chunks are named by content hash: cache them for good. Everything else revalidates.
      const hashed = /[\\/]chunks[\\/][^\\/]+-[A-Z0-9]{8}\.js$/.test(name);
      res.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });

  let shellHtml: string | undefined;
  const shell = async (reply: import('fastify').FastifyReply) => {
    shellHtml ??= await readFile(path.join(webRoot, 'index.html'), 'utf8');
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(shellHtml);
  };
  app.get<{ Params: { roomId: string } }>('/r/:roomId', async (request, reply) => {
    if (!isValidRoomId(request.params.roomId)) {
      return reply.code(404).type('text/html; charset=utf-8').send(INVALID_ROOM_PAGE);
    }
    return shell(reply);
  });
  // Ringing a person: the app shell rings them (an unknown handle is answered in the page).
  app.get('/call/:handle', async (_request, reply) => shell(reply));
};
