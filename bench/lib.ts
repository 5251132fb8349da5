/**
 * Shared bits for the benchmarks: statistics, tables, the machine description and the JSON
 * results in bench/results/. Benchmarks print and compare; they never fail on a timing.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(BENCH_DIR, '..');
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface Summary {
  n: number;
  min: number;
  median: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank quantile of already sorted values (q in 0..1). */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    min: sorted[0] ?? NaN,
    median: sorted.length % 2 ? quantile(sorted, 0.5) : ((sorted[sorted.length / 2 - 1] ?? NaN) + (sorted[sorted.length / 2] ?? NaN)) / 2,
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? NaN,
    mean: sorted.length ? sum / sorted.length : NaN,
  };
}

export const fmt = (n: number | undefined | null, digits = 0): string =>
  n === undefined || n === null || !Number.isFinite(n) ? '–' : n.toFixed(digits);
export const kib = (bytes: number, digits = 1): string => `${(bytes / 1024).toFixed(digits)} KiB`;

/** A Markdown table (readable in a terminal, pasteable into BENCHMARKS.md). */
export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = rows.map((row) => row.map(String));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) => `| ${row.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(headers), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...cells.map(line)].join('\n');
}

export function verdict(met: boolean | undefined): string {
  return met === undefined ? 'n/a' : met ? 'met' : 'MISSED';
}

export function quiet(command: string, args: string[]): string | undefined {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], cwd: ROOT }).trim();
  } catch {
    return undefined;
  }
}

export interface Machine {
  nproc: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  chromium: string | undefined;
  platform: string;
  git: { commit: string | undefined; dirtyFiles: number };
  /** BENCH_SOURCE, when the figures come from a copy of the tree rather than this checkout. */
  source: string | undefined;
}

/** What the figures were measured on (and which source tree: the working tree may be dirty). */
export function machine(): Machine {
  const status = quiet('git', ['status', '--porcelain']);
  return {
    nproc: Number(quiet('nproc', [])) || cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    chromium: quiet(process.env.CHROME_PATH || '/usr/bin/chromium', ['--version']),
    platform: `${process.platform} ${quiet('uname', ['-r']) ?? ''}`.trim(),
    git: { commit: quiet('git', ['rev-parse', '--short', 'HEAD']), dirtyFiles: status ? status.split('\n').length : 0 },
    source: process.env.BENCH_SOURCE,
  };
}

export async function writeResult(name: string, data: object): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  const body = { benchmark: name, date: new Date().toISOString(), machine: machine(), ...data };
  await writeFile(file, JSON.stringify(body, null, 2) + '\n');
  return path.relative(ROOT, file);
}

/** A port that was free a moment ago (the kernel picks it), on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Busy time of all CPUs from /proc/stat (Linux); `busyPercent(a, b)` is 0..100 of the whole machine. */
export function cpuTimes(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    const total = values.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: NaN, total: NaN };
  }
}

export function busyPercent(a: { busy: number; total: number }, b: { busy: number; total: number }): number {
  return ((b.busy - a.busy) / (b.total - a.total)) * 100;
}

/** CPU ticks of every process, and its parent, from /proc (Linux). */
export function processTicks(): Map<number, { ppid: number; ticks: number }> {
  const out = new Map<number, { ppid: number; ticks: number }>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return out;
  }
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
      out.set(Number(entry), { ppid: Number(fields[1]), ticks });
    } catch {
      // The process ended meanwhile.
    }
  }
  return out;
}

function ours(table: Map<number, { ppid: number }>, pid: number): boolean {
  for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
    if (p === process.pid) return true;
    p = table.get(p)?.ppid ?? 0;
  }
  return false;
}

const TICKS_PER_SECOND = 100;

/**
 * Starts measuring the CPU used by processes that are not this benchmark or its children (another
 * test run on the same 2 cores skews every figure). Returns a function giving that share so far,
 * in % of the whole machine.
 */
export function foreignCpu(): () => number {
  const start = processTicks();
  const started = Date.now();
  return () => {
    const now = processTicks();
    let ticks = 0;
    for (const [pid, { ticks: t }] of now) {
      if (ours(now, pid)) continue;
      ticks += Math.max(0, t - (start.get(pid)?.ticks ?? 0)); // a new process: all of its time
    }
    const seconds = (Date.now() - started) / 1000;
    return (ticks / TICKS_PER_SECOND / seconds / (cpus().length || 1)) * 100;
  };
}

/**
 * Waits (up to BENCH_QUIET_WAIT_S, default 600 s) until other processes use under 10 % of the
 * machine, so the figures are ours. Returns what it saw.
 */
export async function waitForQuiet(): Promise<{ waitedSeconds: number; foreignCpuPercent: number; loadavg: number[] }> {
  const maxWait = Number(process.env.BENCH_QUIET_WAIT_S ?? 600) * 1000;
  const started = Date.now();
  let share = 0;
  for (;;) {
    const measure = foreignCpu();
    await sleep(2000);
    share = measure();
    if (share < 10 || Date.now() - started >= maxWait) break;
    console.log(`  waiting for a quiet machine: other processes use ${share.toFixed(0)} % of the CPU`);
  }
  if (share >= 10) console.log(`  WARNING: measuring on a busy machine (other processes use ${share.toFixed(0)} % of the CPU)`);
  return { waitedSeconds: Math.round((Date.now() - started) / 1000), foreignCpuPercent: Math.round(share), loadavg: loadavg() };
}

/** Runs disturbed by other processes above this share of the machine are repeated. */
export const DISTURBED_PERCENT = Number(process.env.BENCH_DISTURBED_PERCENT ?? 15);

export function heading(text: string): void {
  console.log(`\n## ${text}\n`);
}

/** Stops the benchmark on an unexpected error (exit 1: something is broken, not slow). */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
