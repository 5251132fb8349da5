/**
 * The PeerJS PeerServer (`peer` package), mounted on our own HTTP server. PeerServer normally
 * attaches its WebSocketServer to the HTTP server, where it answers 400 to every upgrade it does
 * not own (breaking Socket.IO's websocket transport). We hand it a `noServer` WebSocketServer
 * instead and route upgrades by path ourselves (see server/http/upgrades.ts).
 */
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import express from 'express';
import { ExpressPeerServer } from 'peer';
import { WebSocketServer } from 'ws';
import type { RateLimit } from '../config.js';
import { isValidPeerId } from '../signaling/validate.js';
import { TokenBucket } from '../signaling/rate-limit.js';
import type { Logger, PeerDirectory } from '../signaling/room-handlers.js';

/** Signaling messages (offers, answers, ICE candidates) a peer may send: generous bursts. */
const PEER_MESSAGE_LIMIT: RateLimit = { burst: 200, perSecond: 50 };

/** What PeerServer's realm tells us about each connected peer. */
interface PeerClient {
  getId(): string;
  getToken(): string;
}

export interface PeerServerOptions {
  /** URL path clients pass as `path` to `new Peer()`. */
  path: string;
  key: string;
  maxPayload: number;
  isOriginAllowed: (origin: string | undefined, host: string | undefined) => boolean;
  log?: Pick<Logger, 'warn'>;
}

export interface MountedPeerServer extends PeerDirectory {
  /** Handles `/peerjs/...` HTTP requests (the id and info endpoints). */
  handleHttp(req: IncomingMessage, res: ServerResponse): void;
  /** Takes the upgrade if its path belongs to the PeerServer; returns false otherwise. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  connectedCount(): number;
  close(): void;
}

export function mountPeerServer(httpServer: HttpServer, options: PeerServerOptions): MountedPeerServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload });
  const clients = new Map<string, PeerClient>();
  const waiting = new Map<string, Set<() => void>>();

  const peerApp = ExpressPeerServer(httpServer, {
    path: options.path,
    key: options.key,
    allow_discovery: false,
    // PeerServer hands back its `noServer` socket; we feed it upgrades ourselves.
    createWebSocketServer: () => wss,
    corsOptions: {
      origin: (origin: string | undefined, callback: (err: Error | null, allow?: boolean) => void) =>
        callback(null, options.isOriginAllowed(origin, undefined)),
    },
  } as Parameters<typeof ExpressPeerServer>[1]);
  // ExpressPeerServer builds its routes and WebSocket server when mounted into an Express app.
  const host = express();
  host.disable('x-powered-by');
  host.use(peerApp);

  peerApp.on('connection', (client: PeerClient) => {
    clients.set(client.getId(), client);
    const resolvers = waiting.get(client.getId());
    waiting.delete(client.getId());
    resolvers?.forEach((resolve) => resolve());
  });
  peerApp.on('disconnect', (client: PeerClient) => {
    if (clients.get(client.getId()) === client) clients.delete(client.getId());
  });
  // A malformed frame must not take the process down; PeerServer re-emits socket errors here.
  peerApp.on('error', () => {});

  const wsPath = `${options.path.replace(/\/$/, '')}/peerjs`;

  return {
    handleHttp: (req, res) => host(req, res),

    handleUpgrade(req, socket, head) {
      const pathname = new URL(req.url ?? '/', 'http://x').pathname;
      if (pathname !== wsPath) return false;
      if (!options.isOriginAllowed(req.headers.origin, req.headers.host)) {
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
        return true;
      }
      // PeerServer accepts any id; ours are PeerJS-shaped and short, so ids cannot grow memory.
      const id = new URL(req.url ?? '/', 'http://x').searchParams.get('id');
      if (id !== null && !isValidPeerId(id)) {
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
        return true;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        limitMessages(ws, options.log);
        wss.emit('connection', ws, req);
      });
      return true;
    },

    waitForPeer(peerId, ms) {
      if (clients.has(peerId)) return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (connected: boolean) => {
          clearTimeout(timer);
          waiting.get(peerId)?.delete(onConnect);
          if (waiting.get(peerId)?.size === 0) waiting.delete(peerId);
          resolve(connected);
        };
        const onConnect = () => done(true);
        const timer = setTimeout(() => done(false), ms);
        if (!waiting.has(peerId)) waiting.set(peerId, new Set());
        waiting.get(peerId)!.add(onConnect);
      });
    },

    tokenMatches: (peerId, token) => clients.get(peerId)?.getToken() === token,
    connectedCount: () => clients.size,

    close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

/**
 * PeerServer relays every frame it gets, and queues frames for peers that are not connected.
 * A peer over its budget has the extra frames dropped before PeerServer sees them.
 */
function limitMessages(ws: import('ws').WebSocket, log: Pick<Logger, 'warn'> | undefined) {
  const bucket = new TokenBucket(PEER_MESSAGE_LIMIT, Date.now());
  let warned = false;
  const emit = ws.emit.bind(ws);
  ws.emit = ((event: string, ...args: unknown[]) => {
    if (event === 'message' && !bucket.take(Date.now())) {
      if (!warned) log?.warn({}, 'PeerServer client rate limited');
      warned = true;
      return false;
    }
    return emit(event, ...args);
  }) as typeof ws.emit;
}
