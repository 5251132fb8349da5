/**
 * One listener decides who owns each WebSocket upgrade, by path. Socket.IO's engine listens for
 * its own path (we turned off its habit of closing the rest); the PeerServer takes its path;
 * anything else is refused at once instead of hanging.
 *
 * The path is read raw, as engine.io's own check reads it (`req.url` starts with its path). A
 * path that a URL parser would normalize to something else (`/./socket.io/`,
 * `/peerjs/../socket.io/`, `\socket.io`, `%2e`) is refused with 400: otherwise one reader would
 * route it where the other would not take it, and it would hang open for ever.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';

export interface UpgradeRoute {
  path: string;
  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

export function refuseUpgrade(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** The path exactly as sent, or undefined when it is not already in normal form. */
export function rawPath(url: string | undefined): string | undefined {
  const raw = (url ?? '').split('?', 1)[0]!;
  let normalized: string;
  try {
    normalized = new URL(raw, 'http://x').pathname;
  } catch {
    return undefined;
  }
  return raw.startsWith('/') && normalized === raw ? raw : undefined;
}

export function routeUpgrades(server: HttpServer, socketIoPath: string, ...routes: UpgradeRoute[]): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // An upgrading socket has no error listener of its own: a client resetting it mid-refusal
    // would otherwise be an uncaught exception.
    socket.on('error', () => socket.destroy());
    // engine.io's own listener takes every raw URL under its path, whatever follows.
    if ((req.url ?? '').startsWith(socketIoPath)) return;
    const pathname = rawPath(req.url);
    if (pathname === undefined) return refuseUpgrade(socket, '400 Bad Request');
    const route = routes.find((r) => r.path === pathname);
    if (route) return route.handle(req, socket, head);
    refuseUpgrade(socket, '404 Not Found');
  });
}
