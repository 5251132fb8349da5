/**
 * The mesh under load (issue 12): a steady 4-person call and a 6-person call, each person a tab
 * of one headless Chromium (fake camera at 20 frames/s), against the real server and app on
 * loopback. Each call size runs in a grid on a 1280×800 desktop viewport and on a 640×480 one
 * (four small windows side by side on one screen), and the 4-person call also in the speaker
 * view at 1280×800 (where the checkout has one). For each call, after everyone's tiles play and
 * the senders have settled:
 *
 * - the machine's CPU (both cores; the server, the browser and this script included);
 * - each remote stream's decoded frames per second, on every page, against the frames per
 *   second its sender encodes for that connection;
 * - whether everyone decodes everyone (the 6-person call "connects").
 *
 * Each checkout given is measured in the same run, one after the other, by starting its own
 * server (`node --import tsx server/server.ts`, with its own built dist/web), so the figures of
 * the code before and after a change sit side by side:
 *
 *   npm run bench:mesh                                  (this checkout)
 *   node --import tsx bench/mesh-load.ts /tmp/before .  (a built checkout of an earlier commit, then this one)
 *
 * BENCH_MESH_RUNS (default 3) runs per call size and checkout; BENCH_MESH_SIZES (default "4,6").
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { clickJoin, eventually, launchBrowser, openCall, type Participant } from '../test/helpers/browser.js';
import { uniqueId } from '../test/helpers/server.js';
import {
  ROOT,
  busyPercent,
  cpuTimes,
  fmt,
  foreignCpu,
  freePort,
  heading,
  processTicks,
  quiet,
  runMain,
  sleep,
  summarize,
  table,
  waitForQuiet,
  writeResult,
} from './lib.js';

const RUNS = Number(process.env.BENCH_MESH_RUNS ?? 3);
const SIZES = (process.env.BENCH_MESH_SIZES ?? '4,6').split(',').map(Number);

interface Scenario {
  size: number;
  viewport: { width: number; height: number };
  layout: 'grid' | 'speaker';
}
const DESKTOP = { width: 1280, height: 800 };
const SMALL = { width: 640, height: 480 };
const SCENARIOS: Scenario[] = SIZES.flatMap((size) => [
  { size, viewport: DESKTOP, layout: 'grid' as const },
  ...(size === 4 ? [{ size, viewport: DESKTOP, layout: 'speaker' as const }] : []),
  { size, viewport: SMALL, layout: 'grid' as const },
]);
const label = (s: Scenario) => `${s.size} people, ${s.viewport.width}×${s.viewport.height}, ${s.layout}`;
/** After the last tile plays: the senders take their viewers' sizes (SEND_SETTLE_MS, 2 s) and settle. */
const SETTLE_MS = 6000;
const SAMPLE_MS = 10_000;
const NAMES = ['Ana', 'Ben', 'Cai', 'Dev', 'Eli', 'Fay'];

interface Counters {
  /** Per remote stream (connection): video frames decoded so far. */
  decoded: number[];
  /** Per connection: video frames our camera encoded for it so far. */
  encoded: number[];
}

/** Every live connection's counters on `page`. */
const counters = (page: Page): Promise<Counters> =>
  page.evaluate(async () => {
    const decoded: number[] = [];
    const encoded: number[] = [];
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState !== 'connected') continue;
      let inFrames = 0;
      let outFrames = 0;
      (await pc.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') inFrames += s.framesDecoded ?? 0;
        if (s.type === 'outbound-rtp' && s.kind === 'video') outFrames += s.framesEncoded ?? 0;
      });
      decoded.push(inFrames);
      encoded.push(outFrames);
    }
    return { decoded, encoded };
  });

/** What a process is, from its command line: Chromium's process types, our server, the rest. */
function kindOf(pid: number): string {
  let cmd = '';
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return 'other'; // ended meanwhile
  }
  const type = /--type=(\S+)/.exec(cmd)?.[1];
  const sub = /--utility-sub-type=(\S+)/.exec(cmd)?.[1];
  if (cmd.includes('chromium'))
    return type === 'utility' ? `chromium ${sub?.split('.').slice(-2).join('.') ?? 'utility'}` : `chromium ${type ?? 'browser'}`;
  if (cmd.includes('server/server.ts')) return 'callroom server';
  return cmd.includes('mesh-load') ? 'this bench' : 'other';
}

/** CPU ticks of each process (lib.ts reads them), with what it is. */
function ticksByKind(): Map<number, { kind: string; ticks: number }> {
  return new Map([...processTicks()].map(([pid, { ticks }]) => [pid, { kind: kindOf(pid), ticks }]));
}

/** The machine's CPU (%, both cores = 100) by process kind between two `ticksByKind` samples. */
function cpuByKind(a: ReturnType<typeof ticksByKind>, b: ReturnType<typeof ticksByKind>, seconds: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [pid, { kind, ticks }] of b) {
    const used = ticks - (a.get(pid)?.ticks ?? 0);
    out[kind] = (out[kind] ?? 0) + (used / 100 / seconds / (cpus().length || 1)) * 100;
  }
  return Object.fromEntries(
    Object.entries(out)
      .filter(([, v]) => v >= 0.5)
      .sort((x, y) => y[1] - x[1]),
  );
}

interface Run {
  scenario: string;
  size: number;
  /** False when the checkout has no speaker view (the run is skipped). */
  ran: boolean;
  connected: boolean;
  /** ms from the last click to every page decoding every other person. */
  connectMs: number;
  cpuBusyPercent: number;
  /** Decoded frames/s of every remote stream on every page. */
  decodeFps: number[];
  /** Encoded frames/s of every sender connection. */
  sendFps: number[];
  foreignCpuPercent: number;
  /** Where the CPU went (% of the machine by process kind). */
  byKind: Record<string, number>;
}

async function runCall(browser: Browser, url: string, scenario: Scenario): Promise<Run> {
  const { size, viewport } = scenario;
  const room = `${url}/r/${uniqueId('mesh')}`;
  const people: Participant[] = [];
  try {
    for (const name of NAMES.slice(0, size)) people.push(await openCall(browser, room, { name, viewport }));
    for (const p of people) await p.page.getByRole('button', { name: 'Join', exact: true }).waitFor({ timeout: 20_000 });
    const start = Date.now();
    // One after the other, as people arrive (each waits for its own call screen).
    for (const p of people) {
      await clickJoin(p);
      await p.page.locator('call-stage').waitFor({ timeout: 20_000 });
    }
    let connected = true;
    try {
      await eventually(
        async () => {
          const all = await Promise.all(people.map((p) => counters(p.page)));
          return all.every((c) => c.decoded.length === size - 1 && c.decoded.every((f) => f > 0));
        },
        60_000,
        'everyone to decode everyone',
      );
    } catch {
      connected = false;
    }
    const connectMs = Date.now() - start;
    if (scenario.layout === 'speaker') {
      const buttons = people.map((p) => p.page.getByRole('button', { name: 'Speaker view' }));
      if (!(await buttons[0]!.count())) return { scenario: label(scenario), size, ran: false } as Run;
      for (const button of buttons) await button.click();
    }
    await sleep(SETTLE_MS);
    const foreign = foreignCpu();
    const before = await Promise.all(people.map((p) => counters(p.page)));
    const cpu0 = cpuTimes();
    const kinds0 = ticksByKind();
    const t0 = Date.now();
    await sleep(SAMPLE_MS);
    const cpuBusyPercent = busyPercent(cpu0, cpuTimes());
    const byKind = cpuByKind(kinds0, ticksByKind(), (Date.now() - t0) / 1000);
    const after = await Promise.all(people.map((p) => counters(p.page)));
    const seconds = (Date.now() - t0) / 1000;
    const rate = (a: number[], b: number[]) => b.map((v, i) => (v - (a[i] ?? 0)) / seconds);
    return {
      scenario: label(scenario),
      size,
      ran: true,
      connected,
      connectMs,
      cpuBusyPercent,
      decodeFps: after.flatMap((c, i) => (c.decoded.length === before[i]!.decoded.length ? rate(before[i]!.decoded, c.decoded) : [])),
      sendFps: after.flatMap((c, i) => (c.encoded.length === before[i]!.encoded.length ? rate(before[i]!.encoded, c.encoded) : [])),
      foreignCpuPercent: foreign(),
      byKind,
    };
  } finally {
    await Promise.all(people.map((p) => p.context.close()));
  }
}

/** Starts `checkout`'s own server on a free loopback port. */
async function startCheckout(checkout: string): Promise<{ url: string; commit: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/server.ts'], {
    cwd: checkout,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ROOM_CAPACITY: '6',
      // Every tab comes from one address: let the credential and join budgets allow that.
      ICE_PER_ADDRESS_BURST: '10000',
      ICE_PER_ADDRESS_PER_MINUTE: '100000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await eventually(
    async () => {
      try {
        return (await fetch(`${url}/healthz`)).ok;
      } catch {
        return false;
      }
    },
    60_000,
    `${checkout}'s server to start`,
  );
  return {
    url,
    commit: quiet('git', ['-C', checkout, 'rev-parse', '--short', 'HEAD']) ?? 'unknown',
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

interface CheckoutResult {
  checkout: string;
  commit: string;
  runs: Run[];
}

async function main() {
  const checkouts = process.argv.slice(2).length ? process.argv.slice(2) : ['.'];
  const results: CheckoutResult[] = [];
  const quietness = await waitForQuiet();
  for (const checkout of checkouts) {
    const dir = path.resolve(ROOT, checkout);
    const server = await startCheckout(dir);
    const browser = await launchBrowser();
    const result: CheckoutResult = { checkout: dir, commit: server.commit, runs: [] };
    try {
      heading(`${server.commit} (${dir})`);
      for (const scenario of SCENARIOS) {
        for (let n = 1; n <= RUNS; n++) {
          const run = await runCall(browser, server.url, scenario);
          result.runs.push(run);
          if (!run.ran) {
            console.log(`  ${label(scenario)}: no speaker view in this checkout`);
            break;
          }
          const fps = summarize(run.decodeFps);
          console.log(
            `  ${label(scenario)}, run ${n}/${RUNS}: ${run.connected ? 'connected' : 'NOT connected'} in ${fmt(run.connectMs)} ms, ` +
              `CPU ${fmt(run.cpuBusyPercent)} %, decode ${fmt(fps.min, 1)}–${fmt(fps.max, 1)} fps (median ${fmt(fps.median, 1)}) ` +
              `of ${fmt(summarize(run.sendFps).median, 1)} sent, others used ${fmt(run.foreignCpuPercent)} %`,
          );
          console.log(
            `    CPU by process: ${Object.entries(run.byKind)
              .map(([k, v]) => `${k} ${fmt(v)} %`)
              .join(', ')}`,
          );
        }
      }
    } finally {
      await browser.close();
      await server.stop();
    }
    results.push(result);
  }

  heading('Summary');
  const rows: Array<Array<string | number>> = [];
  for (const r of results) {
    for (const scenario of SCENARIOS) {
      const runs = r.runs.filter((run) => run.scenario === label(scenario) && run.ran);
      if (!runs.length) {
        rows.push([r.commit, label(scenario), 'n/a', '', '', '', '']);
        continue;
      }
      const cpu = summarize(runs.map((run) => run.cpuBusyPercent));
      const decode = runs.flatMap((run) => run.decodeFps);
      const send = runs.flatMap((run) => run.sendFps);
      const worstPerRun = runs.map((run) => Math.min(...run.decodeFps));
      rows.push([
        r.commit,
        label(scenario),
        `${runs.filter((run) => run.connected).length}/${runs.length}`,
        `${fmt(cpu.median)} % (${fmt(cpu.min)}–${fmt(cpu.max)})`,
        fmt(summarize(decode).median, 1),
        fmt(summarize(worstPerRun).median, 1),
        fmt(summarize(send).median, 1),
      ]);
    }
  }
  console.log(
    table(
      [
        'commit',
        'call',
        'connected',
        'CPU busy (2 cores), median (range)',
        'decode fps, median stream',
        'decode fps, worst stream (median over runs)',
        'sent fps, median connection',
      ],
      rows,
    ),
  );
  const file = await writeResult('mesh-load', {
    settings: { runs: RUNS, scenarios: SCENARIOS, sampleMs: SAMPLE_MS },
    quietness,
    results,
  });
  console.log(`\nWrote ${file}`);
}

runMain(main);
