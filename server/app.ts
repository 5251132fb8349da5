/**
 * Builds the callroom app as a Fastify plugin: the web app, the room signaling (Socket.IO) and
 * the PeerServer, all on one port and origin. server.ts alone creates the instance and listens.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { Server as SocketIOServer } from 'socket.io';
import type { Config } from './config.js';
import { originPolicy } from './http/origins.js';
import { routeUpgrades } from './http/upgrades.js';
import { mountPeerServer } from './peer/peer-server.js';
import { registerRoomHandlers, type RoomServer } from './signaling/room-handlers.js';
import { MemoryRoomStore, type RoomStore } from './signaling/store.js';
import { isValidRoomId } from './signaling/validate.js';

export const PEER_PATH = '/peerjs';
export const SOCKET_IO_PATH = '/socket.io/';
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

export interface ClientConfig {
  iceServers: Config['iceServers'];
  peer: { path: string; key: string };
}

const INVALID_ROOM_PAGE = `<!doctype html><html lang="en"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Not a call link · callroom</title>
<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem">
<h1>This is not a valid call link</h1>
<p>Call links look like <code>/r/</code> followed by up to 64 letters, digits, “-” or “_”.
Check the link you were sent, or start a new call.</p><p><a href="/">Start a new call</a></p></body></html>`;

export const callroomApp: FastifyPluginAsync<AppOptions> = async (app: FastifyInstance, options) => {
  const { config } = options;
  const webRoot = options.webRoot ?? DEFAULT_WEB_ROOT;
  const store = options.store ?? new MemoryRoomStore();
  const isOriginAllowed = originPolicy(config.allowedOrigins);
  const corsOrigin = (origin: string | undefined, callback: (err: Error | null, allow?: boolean) => void) =>
    callback(null, origin !== undefined && config.allowedOrigins.includes(origin));

  const io: RoomServer = new SocketIOServer(app.server, {
    path: SOCKET_IO_PATH,
    maxHttpBufferSize: config.maxMessageBytes,
    // We route upgrades ourselves; engine.io must not close the PeerServer's.
    destroyUpgrade: false,
    pingInterval: 10_000,
    pingTimeout: 5_000,
    cors: { origin: corsOrigin },
    allowRequest: (req, callback) => {
      const allowed = isOriginAllowed(req.headers.origin, req.headers.host);
      callback(allowed ? null : 'origin not allowed', allowed);
    },
  });
  app.decorate('io', io);

  const peerServer = mountPeerServer(app.server, {
    path: PEER_PATH,
    key: config.peerKey,
    maxPayload: config.maxMessageBytes,
    isOriginAllowed,
  });
  routeUpgrades(app.server, SOCKET_IO_PATH, peerServer.handleUpgrade);

  registerRoomHandlers(io, {
    store,
    peers: peerServer,
    capacity: config.roomCapacity,
    log: app.log,
  });

  app.addHook('preClose', async () => {
    io.emit('server-shutdown');
    io.disconnectSockets(true);
    io.engine.close();
    peerServer.close();
  });

  const peerHandler = (request: { raw: import('node:http').IncomingMessage }, reply: { hijack(): void; raw: import('node:http').ServerResponse }) => {
    reply.hijack();
    peerServer.handleHttp(request.raw, reply.raw);
  };
  app.all(PEER_PATH, peerHandler);
  app.all(`${PEER_PATH}/*`, peerHandler);

  app.get('/api/config', {
    schema: {
      response: {
        200: {
          type: 'object',
          required: ['iceServers', 'peer'],
          properties: {
            iceServers: { type: 'array', items: { type: 'object', additionalProperties: true } },
            peer: {
              type: 'object',
              required: ['path', 'key'],
              properties: { path: { type: 'string' }, key: { type: 'string' } },
            },
          },
        },
      },
    },
  }, async (request, reply): Promise<ClientConfig> => {
    const origin = request.headers.origin;
    if (origin && config.allowedOrigins.includes(origin)) {
      reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    }
    reply.header('cache-control', 'no-store');
    return { iceServers: config.iceServers, peer: { path: PEER_PATH, key: config.peerKey } };
  });

  app.get('/healthz', async () => ({ ok: true }));

  await app.register(fastifyStatic, {
    root: webRoot,
    index: ['index.html'],
    wildcard: true,
    setHeaders(res, filePath) {
      // Module scripts load in CORS mode: embedding pages on other origins need this.
      if (filePath.endsWith('.js')) res.setHeader('access-control-allow-origin', '*');
      if (filePath.endsWith('sw.js') || filePath.endsWith('.html') || filePath.endsWith('.webmanifest')) {
        res.setHeader('cache-control', 'no-cache');
      }
    },
  });

  let shell: string | undefined;
  app.get<{ Params: { roomId: string } }>('/r/:roomId', async (request, reply) => {
    if (!isValidRoomId(request.params.roomId)) {
      return reply.code(404).type('text/html; charset=utf-8').send(INVALID_ROOM_PAGE);
    }
    shell ??= await readFile(path.join(webRoot, 'index.html'), 'utf8');
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(shell);
  });
};
