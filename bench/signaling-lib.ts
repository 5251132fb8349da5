/**
 * What the signaling benchmarks share: a bench server (bench/signaling-server.ts) in its own
 * process, and a timed join.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { ClientSocket } from '../test/helpers/server.js';
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
