/**
 * One listener decides who owns each WebSocket upgrade, by path. Socket.IO's engine listens for
 * its own path (we turned off its habit of closing the rest); the PeerServer takes its path;
 * anything else is refused at once instead of hanging.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';

export function routeUpgrades(
  server: HttpServer,
  socketIoPath: string,
  ...handlers: Array<(req: IncomingMessage, socket: Duplex, head: Buffer) => boolean>
): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    if (pathname.startsWith(socketIoPath)) return; // engine.io's own upgrade listener
    for (const handle of handlers) if (handle(req, socket, head)) return;
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  });
}
