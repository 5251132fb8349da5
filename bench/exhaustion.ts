/**
 * Exhaustion attacks against the real server (a child process on loopback), each bounded in
 * count and time: a PeerServer reader that never reads, a Socket.IO reader that never reads, 200
 * connections from one address, and 1,000 reachable handles re-registering. For each: the
 * server's heap and RSS through the attack (from its own /metrics), whether it cut the attacker
 * off, and how long an honest newcomer's join took meanwhile, from another loopback address.
 *
 * test/server/exhaustion.test.ts runs the same scenarios and asserts the bounds and that the
 * honest join completes; the times are figures for BENCHMARKS.md, never assertions.
 *   node --import tsx bench/exhaustion.ts
 */
import { io as ioClient } from 'socket.io-client';
import WebSocket from 'ws';
import type { Ack, JoinedRoom } from '../protocol/contract.js';
import { freePort, spawnServer, type ServerProcess } from '../test/helpers/process.js';
import type { ClientSocket } from '../test/helpers/server.js';

/** Honest people come from another loopback address than the attacker. */
const HONEST_ADDRESS = '127.0.0.2';

export interface ExhaustionResult {
  scenario: string;
  /** Server heap used before the attack and at its highest during it (MiB). */
  heapBeforeMiB: number;
  heapPeakMiB: number;
  rssBeforeMiB: number;
  rssPeakMiB: number;
  /** What the server did to the attacker, in its own metrics' words. */
  cutOff: Record<string, number>;
  /** An honest join's ack, during or right after the attack (ms). */
  honestJoinMs: number;
  honestJoined: boolean;
  /** The same join on the same server before the attack: the reference for the ratio. */
  quietJoinMs: number;
  notes: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function metrics(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(\S+) (\S+)$/.exec(line);
    if (match) values.set(match[1]!, Number(match[2]));
  }
  return values;
}

/** Samples the server's heap and RSS every 100 ms while `work` runs. */
async function watchMemory<T>(url: string, work: () => Promise<T>) {
  const first = await metrics(url);
  const before = {
    heap: first.get('callroom_nodejs_heap_size_used_bytes') ?? 0,
    rss: first.get('callroom_process_resident_memory_bytes') ?? 0,
  };
  const peak = { ...before };
  let running = true;
  const sampler = (async () => {
    while (running) {
      const m = await metrics(url).catch(() => undefined);
      if (m) {
        peak.heap = Math.max(peak.heap, m.get('callroom_nodejs_heap_size_used_bytes') ?? 0);
        peak.rss = Math.max(peak.rss, m.get('callroom_process_resident_memory_bytes') ?? 0);
      }
      await sleep(100);
    }
  })();
  try {
    return { value: await work(), before, peak };
  } finally {
    running = false;
    await sampler;
  }
}

function connect(url: string, localAddress?: string): Promise<ClientSocket> {
  const socket: ClientSocket = ioClient(url, { transports: ['websocket'], reconnection: false, localAddress } as object);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

interface RawPeer {
  id: string;
  token: string;
  ws: WebSocket;
}

function connectPeer(url: string, id: string, localAddress?: string): Promise<RawPeer> {
  const token = `tok${id.replace(/\W/g, '')}`.slice(0, 60);
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/peerjs/peerjs?key=peerjs&id=${id}&token=${token}`, { localAddress });
  return new Promise((resolve, reject) => {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.type === 'OPEN') resolve({ id, token, ws });
      if (message.type === 'ERROR' || message.type === 'ID-TAKEN') reject(new Error(JSON.stringify(message)));
    });
    ws.on('error', reject);
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

let counter = 0;
const newId = (prefix: string) => `${prefix}${process.pid}x${++counter}x${Math.random().toString(36).slice(2, 8)}`;

async function joinRoom(url: string, roomId: string, name: string, localAddress?: string) {
  const peer = await connectPeer(url, newId(name), localAddress);
  const socket = await connect(url, localAddress);
  const answer = (await socket
    .timeout(10_000)
    .emitWithAck('join-room', roomId, peer.id, { name, peerToken: peer.token })) as Ack<JoinedRoom>;
  if (!answer.ok) throw new Error(`${name} could not join: ${answer.error.message}`);
  return { peer, socket };
}

/** An honest newcomer joins a room of its own, from another address; returns the time to its ack. */
async function honestJoin(url: string): Promise<{ ms: number; ok: boolean }> {
  const started = performance.now();
  try {
    const { peer, socket } = await joinRoom(url, newId('honest'), 'Honest', HONEST_ADDRESS);
    const ms = performance.now() - started;
    socket.close();
    peer.ws.close();
    return { ms, ok: true };
  } catch {
    return { ms: performance.now() - started, ok: false };
  }
}

/** Polls until `check` holds, for at most `ms` (a guard against hanging, not a timing). */
async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(100);
  }
  return check();
}

function counters(m: Map<string, number>, prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of m) if (key.startsWith(prefix)) out[key.slice(prefix.length)] = value;
  return out;
}

async function withServer<T>(env: Record<string, string>, run: (server: ServerProcess) => Promise<T>): Promise<T> {
  const server = await spawnServer(await freePort(), { LOG_LEVEL: 'error', ...env });
  try {
    return await run(server);
  } finally {
    await server.kill();
  }
}

const SMALL_BUFFER = { MAX_BUFFERED_BYTES: String(256 * 1024) };

/** A member of a room pauses its PeerServer socket; another member floods it with 60 KB frames. */
export function peerServerSlowReader(): Promise<ExhaustionResult> {
  return withServer(SMALL_BUFFER, async (server) => {
    const roomId = newId('room');
    const sender = await joinRoom(server.url, roomId, 'Sender');
    const reader = await joinRoom(server.url, roomId, 'Reader');
    (reader.peer.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const candidate = 'c'.repeat(60_000);
    await honestJoin(server.url); // warm-up: the first join on a fresh process pays for JIT
    const quiet = await honestJoin(server.url);
    const { before, peak, value } = await watchMemory(server.url, async () => {
      // The sender's whole burst (200 frames, 12 MB), then the steady rate for 4 s more.
      for (let i = 0; i < 400; i++) {
        sender.peer.ws.send(
          JSON.stringify({ type: 'CANDIDATE', dst: reader.peer.id, payload: { candidate, type: 'media', connectionId: 'mc_x' } }),
        );
        if (i >= 200) await sleep(20);
      }
      await until(
        async () => ((await metrics(server.url)).get('callroom_peer_frames_dropped_total{reason="slow-reader"}') ?? 0) > 0,
        10_000,
      );
      return honestJoin(server.url);
    });
    const m = await metrics(server.url);
    sender.socket.close();
    return result(
      'PeerServer reader that never reads',
      before,
      peak,
      quiet,
      counters(m, 'callroom_peer_frames_dropped_total'),
      value,
      '400 frames of 60 KB (24 MB) sent to a reader that reads nothing; MAX_BUFFERED_BYTES 256 KiB',
    );
  });
}

/** A member of a room pauses its Socket.IO socket; another floods the room with long chat messages. */
export function socketIoSlowReader(): Promise<ExhaustionResult> {
  const open = { RATE_CHAT_BURST: '10000', RATE_CHAT_PER_SECOND: '10000', RATE_EVENTS_BURST: '10000', RATE_EVENTS_PER_SECOND: '10000' };
  return withServer({ ...SMALL_BUFFER, ...open }, async (server) => {
    const roomId = newId('room');
    const sender = await joinRoom(server.url, roomId, 'Sender');
    const reader = await joinRoom(server.url, roomId, 'Reader');
    const transport = reader.socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } };
    transport.ws._socket.pause();
    const text = '汉'.repeat(2000); // 6 KB of UTF-8 per message
    await honestJoin(server.url); // warm-up: the first join on a fresh process pays for JIT
    const quiet = await honestJoin(server.url);
    const { before, peak, value } = await watchMemory(server.url, async () => {
      for (let batch = 0; batch < 300; batch++) {
        await Promise.all(
          Array.from({ length: 10 }, () =>
            sender.socket
              .timeout(10_000)
              .emitWithAck('chat-message', text)
              .catch(() => null),
          ),
        );
      }
      await until(
        async () => ((await metrics(server.url)).get('callroom_rejected_events_total{event="slow-reader",reason="buffer-full"}') ?? 0) > 0,
        10_000,
      );
      return honestJoin(server.url);
    });
    const m = await metrics(server.url);
    sender.socket.close();
    return result(
      'Socket.IO reader that never reads',
      before,
      peak,
      quiet,
      counters(m, 'callroom_rejected_events_total{event="slow-reader"'),
      value,
      '3,000 chat messages of 6 KB (18 MB) to a room with a reader that reads nothing; MAX_BUFFERED_BYTES 256 KiB',
    );
  });
}

/** 200 Socket.IO and 200 PeerServer connections from one address (the limit is 100 of each). */
export function manyConnections(): Promise<ExhaustionResult> {
  return withServer({}, async (server) => {
    const sockets: ClientSocket[] = [];
    const peers: RawPeer[] = [];
    let refusedSockets = 0;
    let refusedPeers = 0;
    await honestJoin(server.url); // warm-up: the first join on a fresh process pays for JIT
    const quiet = await honestJoin(server.url);
    const { before, peak, value } = await watchMemory(server.url, async () => {
      for (let batch = 0; batch < 10; batch++) {
        await Promise.all(
          Array.from({ length: 20 }, async () => {
            await connect(server.url).then(
              (s) => sockets.push(s),
              () => (refusedSockets += 1),
            );
            await connectPeer(server.url, newId('flood')).then(
              (p) => peers.push(p),
              () => (refusedPeers += 1),
            );
          }),
        );
      }
      return honestJoin(server.url);
    });
    sockets.forEach((s) => s.close());
    peers.forEach((p) => p.ws.close());
    return result(
      '200 connections from one address',
      before,
      peak,
      quiet,
      {
        'socket.io accepted': sockets.length,
        'socket.io refused': refusedSockets,
        'peerserver accepted': peers.length,
        'peerserver refused': refusedPeers,
      },
      value,
      '200 Socket.IO and 200 PeerServer connections from 127.0.0.1; CONNECTIONS_PER_ADDRESS 100 (the default)',
    );
  });
}

/** 1,000 handles become reachable, then each re-registers from a new socket (a reload). */
export function reachableHandles(): Promise<ExhaustionResult> {
  return withServer({ CONNECTIONS_PER_ADDRESS: '3000', RATE_JOIN_BURST: '100' }, async (server) => {
    const tag = Math.random().toString(36).slice(2, 6);
    let sockets: ClientSocket[] = [];
    let ringOk = false;
    const register = async (i: number) => {
      const socket = await connect(server.url);
      const answer = (await socket
        .timeout(10_000)
        .emitWithAck('become-reachable', `h${tag}-${i}`, { name: `Person ${i}`, deviceKey: `device-${tag}-${i}` })) as Ack<unknown>;
      if (!answer.ok) throw new Error(answer.error.message);
      return socket;
    };
    await honestJoin(server.url); // warm-up: the first join on a fresh process pays for JIT
    const quiet = await honestJoin(server.url);
    const { before, peak, value } = await watchMemory(server.url, async () => {
      for (let round = 0; round < 2; round++) {
        const next: ClientSocket[] = [];
        for (let batch = 0; batch < 20; batch++) {
          next.push(...(await Promise.all(Array.from({ length: 50 }, (_, j) => register(batch * 50 + j)))));
          // The previous round's tab of these handles closes as the reloaded one registers.
          sockets.slice(batch * 50, batch * 50 + 50).forEach((s) => s.close());
        }
        sockets = next;
      }
      // An honest ring to one of the handles still rings.
      const caller = await connect(server.url, HONEST_ADDRESS);
      const rung = new Promise<boolean>((resolve) => {
        sockets[500]!.once('incoming-ring', () => resolve(true));
        setTimeout(() => resolve(false), 5000);
      });
      const ring = (await caller.timeout(5000).emitWithAck('ring', `h${tag}-500`, { name: 'Caller' })) as Ack<unknown>;
      ringOk = ring.ok && (await rung);
      caller.close();
      return honestJoin(server.url);
    });
    sockets.forEach((s) => s.close());
    return result(
      '1,000 reachable handles re-registering',
      before,
      peak,
      quiet,
      { 'honest ring rang': ringOk ? 1 : 0 },
      value,
      '1,000 handles registered, then all re-registered from new sockets, 50 at a time',
    );
  });
}

function result(
  scenario: string,
  before: { heap: number; rss: number },
  peak: { heap: number; rss: number },
  quiet: { ms: number },
  cutOff: Record<string, number>,
  join: { ms: number; ok: boolean },
  notes: string,
): ExhaustionResult {
  return {
    scenario,
    heapBeforeMiB: mib(before.heap),
    heapPeakMiB: mib(peak.heap),
    rssBeforeMiB: mib(before.rss),
    rssPeakMiB: mib(peak.rss),
    cutOff,
    honestJoinMs: Math.round(join.ms * 10) / 10,
    honestJoined: join.ok,
    quietJoinMs: Math.round(quiet.ms * 10) / 10,
    notes,
  };
}

export const SCENARIOS = [peerServerSlowReader, socketIoSlowReader, manyConnections, reachableHandles];

if (import.meta.url === `file://${process.argv[1]}`) {
  const { writeResult } = await import('./lib.js');
  const results: ExhaustionResult[] = [];
  for (const scenario of SCENARIOS) {
    const r = await scenario();
    results.push(r);
    console.log(`\n${r.scenario} (${r.notes})`);
    console.log(`  heap ${r.heapBeforeMiB} → peak ${r.heapPeakMiB} MiB; RSS ${r.rssBeforeMiB} → peak ${r.rssPeakMiB} MiB`);
    console.log(
      `  honest join: ${r.honestJoined ? 'ok' : 'FAILED'} in ${r.honestJoinMs} ms (${(r.honestJoinMs / r.quietJoinMs).toFixed(2)}× the same join before the attack, ${r.quietJoinMs} ms)`,
    );
    console.log(`  ${JSON.stringify(r.cutOff)}`);
  }
  await writeResult('exhaustion', { results });
  process.exit(0);
}
