/**
 * What the signaling benchmarks share: a bench server (bench/signaling-server.ts) in its own
 * process, and a timed join.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { connectSocket, type ClientSocket } from '../test/helpers/server.js';
import { ROOT } from './lib.js';

export type Mode = 'app' | 'bare' | 'redis';

export interface ServerStats {
  memory: NodeJS.MemoryUsage;
  cpu: NodeJS.CpuUsage;
  clients: number;
  uptime: number;
  loopDelayMs: { p50: number; p99: number; max: number };
  gcPausesMs: { count: number; max: number; total: number };
}

export interface BenchServer {
  url: string;
  child: ChildProcess;
  stats(options?: { gc?: boolean; reset?: boolean }): Promise<ServerStats>;
  heapSnapshot(): Promise<string>;
  kill(): Promise<void>;
}

export async function startBenchServer(mode: Mode, env: Record<string, string> = {}): Promise<BenchServer> {
  const command = `ulimit -n 65535 2>/dev/null || ulimit -n $(ulimit -Hn); exec node --expose-gc --import tsx bench/signaling-server.ts ${mode}`;
  const child = spawn('bash', ['-c', command], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /LISTENING (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`bench server exited (${code})`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    child,
    async stats({ gc = false, reset = false } = {}) {
      const query = new URLSearchParams({ ...(gc && { gc: '1' }), ...(reset && { reset: '1' }) });
      const response = await fetch(`${url}/__bench/stats?${query}`);
      return (await response.json()) as ServerStats;
    },
    async heapSnapshot() {
      const response = await fetch(`${url}/__bench/heap-snapshot`);
      return ((await response.json()) as { file: string }).file;
    },
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

const joinOptions = (i: number) => ({ name: `Client ${i}`, audio: true, video: true, peerToken: `tok${i}` });

export async function join(socket: ClientSocket, roomId: string, peerId: string, i: number): Promise<number> {
  const started = performance.now();
  const answer = await socket.timeout(10_000).emitWithAck('join-room', roomId, peerId, joinOptions(i));
  if (!answer.ok) throw new Error(`join refused: ${answer.error.code}`);
  return performance.now() - started;
}

export const BATCH = 200;
export const ROOM_SIZE = 4;

/** Where client `i` connects, which room it joins, as which peer. */
export interface Clients {
  urlOf(i: number): string;
  roomOf(i: number): string;
  peerOf(i: number): string;
}

/**
 * Connects `count` clients in batches of BATCH and fires each batch's joins at once (rooms of
 * ROOM_SIZE); `sockets` receives them. Returns each batch's join latencies, in order.
 */
export async function rampUp(count: number, clients: Clients, sockets: ClientSocket[]): Promise<number[][]> {
  const batches: number[][] = [];
  for (let start = 0; start < count; start += BATCH) {
    const size = Math.min(BATCH, count - start);
    const batch = await Promise.all(Array.from({ length: size }, (_, k) => connectSocket(clients.urlOf(start + k), { forceNew: true })));
    sockets.push(...batch);
    batches.push(await Promise.all(batch.map((s, k) => join(s, clients.roomOf(start + k), clients.peerOf(start + k), start + k))));
  }
  return batches;
}

/** Warm-up, not measured: one batch joins and leaves, so what follows does not time the JIT. */
export async function warmUp(clients: Clients): Promise<void> {
  const warm: ClientSocket[] = [];
  await rampUp(BATCH, clients, warm);
  warm.forEach((s) => s.close());
}

/**
 * Steady state: one member of a room leaves and joins again, `rate` times a second for `seconds`,
 * spread over all `sockets`. Returns each join's latency.
 */
export async function leavesAndJoins(sockets: ClientSocket[], clients: Clients, rate: number, seconds: number): Promise<number[]> {
  const probes: Array<Promise<number>> = [];
  const total = rate * seconds;
  const started = performance.now();
  for (let k = 0; k < total; k++) {
    const wait = started + (k * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const i = Math.floor((k * sockets.length) / total); // spread over all rooms
    const socket = sockets[i]!;
    probes.push(
      socket
        .timeout(10_000)
        .emitWithAck('leave-room')
        .then(() => join(socket, clients.roomOf(i), clients.peerOf(i), i)),
    );
  }
  return Promise.all(probes);
}

/**
 * Clients on `urls` in turn (one server, or alternating between nodes), in rooms of ROOM_SIZE
 * named with `tag`. Peer ids end in `x<i>`: the bench server's stub PeerServer expects token tok<i>.
 */
export function clientsOf(urls: string[], tag: string, prefix = 'room'): Clients {
  return {
    urlOf: (i) => urls[i % urls.length]!,
    roomOf: (i) => `${prefix}-${tag}-${Math.floor(i / ROOM_SIZE)}`,
    peerOf: (i) => `${prefix[0]}${tag}x${i}`,
  };
}
