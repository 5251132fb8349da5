/**
 * The server side of bench/signaling.ts, run as its own process so its heap, RSS and CPU are
 * measured alone: `node --expose-gc --import tsx bench/signaling-server.ts app|bare`.
 *
 * - `app`: Fastify + Socket.IO (the app's Socket.IO options) + the app's room handlers
 *   (registerRoomHandlers with the in-memory store), with a PeerDirectory stub that accepts every
 *   peer id: this measures the room signaling, not the PeerServer. The event guard (rate limits,
 *   default budgets) is in, as in the app.
 * - `bare`: the same Fastify + Socket.IO with no rules: join-room joins the Socket.IO room, tells
 *   the room `user-connected` and acks; leave-room the reverse.
 * - `redis`: `app` with everything shared through Redis (REDIS_URL), as the app runs with
 *   several nodes: the Redis room store, ringing, identities and knocks, and the Socket.IO
 *   Redis streams adapter. Run one per node, each with its own NODE_ID.
 *
 * It prints `LISTENING <port>` and answers `GET /__bench/stats[?gc=1]` with its own
 * process.memoryUsage() and process.cpuUsage() (after a full GC with gc=1). That endpoint exists
 * only in this bench script, never in the app.
 */
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import Fastify from 'fastify';
import { Server as SocketIOServer } from 'socket.io';
import type { RoomServer } from '../server/signaling/context.js';
import { registerRoomHandlers } from '../server/signaling/register.js';
import { digestToken } from '../server/signaling/identities.js';
import { createEventGuard } from '../server/signaling/event-guard.js';
import { loadConfig } from '../server/config.js';
import { connectRedis } from '../server/cluster/redis.js';
import { memoryState } from '../server/cluster/shared.js';
import { MemoryRoomStore } from '../server/rooms/store.js';

const mode = process.argv[2];
if (mode !== 'app' && mode !== 'bare' && mode !== 'redis') {
  console.error('usage: signaling-server.ts app|bare|redis (redis: REDIS_URL and NODE_ID in the environment)');
  process.exit(2);
}

const silentLogger = { info() {}, warn() {} };

async function main() {
  const app = Fastify({ logger: false });
  const shared =
    mode === 'redis'
      ? await connectRedis({ url: process.env.REDIS_URL!, node: process.env.NODE_ID!, reconnectGraceMs: 30_000, log: silentLogger })
      : memoryState('bench', new MemoryRoomStore());
  // The app's Socket.IO options (server/signaling/socket-server.ts), minus the origin checks.
  const io: RoomServer = new SocketIOServer(app.server, {
    path: '/socket.io/',
    maxHttpBufferSize: 64 * 1024,
    pingInterval: 10_000,
    pingTimeout: 5_000,
    ...(shared.adapter ? { adapter: shared.adapter } : {}),
  });

  if (mode === 'app' || mode === 'redis') {
    registerRoomHandlers(
      io,
      {
        store: shared.store,
        ringStore: shared.ringStore,
        // The bench's clients are peer-<i> with token tok<i>: a PeerServer that knows them all.
        peers: { waitForPeer: async (peerId) => ({ tokenDigest: digestToken(`tok${peerId.split('x').pop()}`), address: undefined }) },
        identities: shared.identities,
        knocks: shared.knocks,
        capacity: 6,
        log: silentLogger,
      },
      // The app's rate limits (the event guard), with their default budgets.
      createEventGuard({ limits: loadConfig({}).rateLimits, log: silentLogger }),
    );
  } else {
    io.on('connection', (socket) => {
      socket.on('join-room', (roomId, peerId, options, ack) => {
        const reply = typeof options === 'function' ? options : ack;
        void socket.join(roomId);
        socket.data.roomId = roomId;
        socket.data.peerId = peerId;
        socket.to(roomId).emit('user-connected', peerId, undefined as never);
        if (typeof reply === 'function') reply({ ok: true, data: undefined as never });
      });
      socket.on('leave-room', (ack) => {
        const { roomId, peerId } = socket.data;
        if (roomId && peerId) {
          void socket.leave(roomId);
          socket.to(roomId).emit('user-disconnected', peerId, 'left');
        }
        if (typeof ack === 'function') ack({ ok: true, data: null });
      });
    });
  }

  // Event-loop delay and GC pauses since the last `?reset=1`: what the server itself adds to a join.
  const loop = monitorEventLoopDelay({ resolution: 2 });
  loop.enable();
  let gcPauses: number[] = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcPauses.push(entry.duration);
  }).observe({ entryTypes: ['gc'] });

  app.get<{ Querystring: { gc?: string; reset?: string } }>('/__bench/stats', async (request) => {
    if (request.query.gc && typeof globalThis.gc === 'function') {
      globalThis.gc();
      globalThis.gc();
    }
    const stats = {
      memory: process.memoryUsage(),
      cpu: process.cpuUsage(),
      clients: io.engine.clientsCount,
      uptime: process.uptime(),
      loopDelayMs: { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
      gcPausesMs: { count: gcPauses.length, max: Math.max(0, ...gcPauses), total: gcPauses.reduce((a, b) => a + b, 0) },
    };
    if (request.query.reset) {
      loop.reset();
      gcPauses = [];
    }
    return stats;
  });

  app.get('/__bench/heap-snapshot', async () => {
    globalThis.gc?.();
    return { file: path.resolve(writeHeapSnapshot(path.join(tmpdir(), `callroom-bench-${process.pid}-${Date.now()}.heapsnapshot`))) };
  });

  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  console.log(`LISTENING ${new URL(address).port}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
