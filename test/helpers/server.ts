/** Starts the real app (Socket.IO, PeerServer, static web) on an ephemeral loopback port. */
import WebSocket from 'ws';
import { io as ioClient, type Socket } from 'socket.io-client';
import { buildServer } from '../../server/build.js';
import { loadConfig, type Config } from '../../server/config.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../../protocol/contract.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TestServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The real app with `env` as its settings; PORT defaults to any free port. */
export async function startServer(
  env: Record<string, string> = {},
  webRoot?: string,
  logStream?: { write(line: string): void },
): Promise<TestServer> {
  env = { PORT: '0', ...env };
  const config: Config = loadConfig({ LOG_LEVEL: 'silent', ...env });
  // The same factory as server.ts: what the tests run is what runs.
  const app = await buildServer(config, { webRoot, logStream });
  const address = await app.listen({ port: config.port, host: '127.0.0.1' });
  const port = Number(new URL(address).port);
  return { url: address, port, close: () => app.close() };
}

/** A socket.io-client on the websocket transport only, so a broken upgrade route fails loudly. */
export function connectSocket(url: string, extra: Parameters<typeof ioClient>[1] = {}): Promise<ClientSocket> {
  const socket: ClientSocket = ioClient(url, { transports: ['websocket'], reconnection: false, ...extra });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

export interface RawPeer {
  id: string;
  token: string;
  ws: WebSocket;
  messages: Array<{ type: string; [k: string]: unknown }>;
  close(): void;
}

/** Connects to the PeerServer the way the PeerJS client does, and waits for its OPEN. */
export function connectPeer(
  url: string,
  id: string,
  token = 'tok' + id.replace(/\W/g, ''),
  headers: Record<string, string> = {},
): Promise<RawPeer> {
  const wsUrl = `${url.replace(/^http/, 'ws')}/peerjs/peerjs?key=peerjs&id=${encodeURIComponent(id)}&token=${token}`;
  const ws = new WebSocket(wsUrl, { headers });
  const messages: RawPeer['messages'] = [];
  return new Promise((resolve, reject) => {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data));
      messages.push(message);
      if (message.type === 'OPEN') resolve({ id, token, ws, messages, close: () => ws.close() });
      if (message.type === 'ERROR' || message.type === 'ID-TAKEN') reject(new Error(JSON.stringify(message)));
    });
    ws.on('error', reject);
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

export function once<T extends unknown[]>(socket: ClientSocket, event: keyof ServerToClientEvents, ms = 3000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    socket.once(event, ((...args: T) => {
      clearTimeout(timer);
      resolve(args);
    }) as never);
  });
}

let counter = 0;
export function uniqueId(prefix = 'peer'): string {
  counter += 1;
  return `${prefix}${process.pid}x${counter}x${Math.random().toString(36).slice(2, 8)}`;
}
