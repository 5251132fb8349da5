/**
 * Recovery: a 2-person call in headless Chromium while (1) the server process is killed
 * (SIGKILL) and restarted a second later on the same port, and (2) one participant's network is
 * cut for 10 s (Playwright's context.setOffline). Measures whether media stopped, how long after
 * the server (or the network) came back media flowed again, when the app left "Reconnecting…",
 * and whether tiles went missing or doubled. After a restart, a third person joins to check that
 * the server knows the room again.
 *
 *   npm run bench:recovery       (builds the app first)
 *   BENCH_RESTART_RUNS=5 BENCH_OFFLINE_RUNS=3 node --import tsx bench/recovery.ts
 *
 * The server runs as a child process: `node --import tsx server/server.ts` with PORT fixed and
 * HOST=127.0.0.1. Pages are sampled every ~100 ms from this process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Browser } from 'playwright-core';
import { clickJoin, eventually, launchBrowser, openCall, remoteNames, type Participant } from '../test/helpers/browser.js';
import { uniqueId } from '../test/helpers/server.js';
import {
  RESULTS_DIR,
  ROOT,
  fmt,
  foreignCpu,
  freePort,
  heading,
  runMain,
  sleep,
  summarize,
  table,
  verdict,
  waitForQuiet,
  writeResult,
} from './lib.js';

const RESTART_RUNS = Number(process.env.BENCH_RESTART_RUNS ?? 5);
const OFFLINE_RUNS = Number(process.env.BENCH_OFFLINE_RUNS ?? 3);
const SAMPLE_MS = 100;
/** A gap this long without a new decoded frame counts as media having stopped. */
const STALL_MS = 1000;
const OBSERVE_AFTER_MS = 15_000;
const OFFLINE_MS = 10_000;

// ---------------------------------------------------------------------------------------------
// The server as a child process

class ServerProcess {
  #child: ChildProcess | undefined;
  #log = createWriteStream(path.join(RESULTS_DIR, 'recovery-server.log'), { flags: 'a' });

  constructor(readonly port: number) {}

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the server; resolves when /healthz answers (the server is back), with that time. */
  async start(): Promise<number> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/server.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(this.port), HOST: '127.0.0.1', LOG_LEVEL: process.env.BENCH_SERVER_LOG_LEVEL ?? 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    child.stdout!.pipe(this.#log, { end: false });
    child.stderr!.pipe(this.#log, { end: false });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} (see bench/results/recovery-server.log)`);
      try {
        const response = await fetch(`${this.url}/healthz`);
        if (response.ok) return performance.now();
      } catch {
        // Not listening yet.
      }
      await sleep(20);
    }
    throw new Error('server did not start within 30 s');
  }

  kill(): Promise<void> {
    const child = this.#child;
    return new Promise((resolve) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Sampling a page: per RTCPeerConnection its state and decoded video frames; the remote tiles.

interface PageSample {
  pcs: Array<{ i: number; state: string; frames: number }>;
  tiles: Array<{ name: string; peerId: string; time: number; width: number }>;
  reconnecting: boolean;
  status: string;
}

const SAMPLE = String.raw`(async () => {
  const pcs = window.__pcs || [];
  const out = [];
  for (let i = 0; i < pcs.length; i++) {
    const pc = pcs[i];
    let frames = 0;
    if (pc.connectionState !== 'closed') {
      try {
        (await pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded || 0; });
      } catch {}
    }
    out.push({ i, state: pc.connectionState, frames });
  }
  const root = document.querySelector('call-room')?.shadowRoot;
  const tiles = [...(root?.querySelectorAll('video-tile[data-peer-id]') ?? [])].map((t) => {
    const v = t.shadowRoot?.querySelector('video');
    return { name: t.name, peerId: t.dataset.peerId, time: v ? v.currentTime : 0, width: v ? v.videoWidth : 0 };
  });
  const banner = root?.querySelector('.banner');
  const count = root?.querySelector('.count');
  return { pcs: out, tiles, reconnecting: !!banner && !banner.hidden, status: count ? count.textContent.trim() : '' };
})()`;

interface Sample {
  t: number;
  pages: Array<PageSample | null>;
}

/** Samples every page every SAMPLE_MS until stopped. */
function sampler(people: Participant[]) {
  const samples: Sample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const pages = await Promise.all(people.map((p) => (p.page.evaluate(SAMPLE) as Promise<PageSample>).catch(() => null)));
      samples.push({ t: (started + performance.now()) / 2, pages });
      await sleep(Math.max(0, SAMPLE_MS - (performance.now() - started)));
    }
  })();
  return {
    samples,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/** For each page and sample: did video frames advance since the sample before (same connection)? */
function flowing(samples: Sample[], page: number): boolean[] {
  return samples.map((s, k) => {
    const now = s.pages[page];
    const before = samples[k - 1]?.pages[page];
    if (!now || !before) return false;
    const framesUp = now.pcs.some(
      (pc) => pc.state === 'connected' && pc.frames > (before.pcs.find((b) => b.i === pc.i)?.frames ?? Infinity),
    );
    const tileUp = now.tiles.some(
      (tile) => tile.width > 0 && tile.time > (before.tiles.find((b) => b.peerId === tile.peerId)?.time ?? Infinity),
    );
    return framesUp && tileUp;
  });
}

interface Analysis {
  /** Longest time without new frames, per page, from the disruption to the end (ms). */
  longestStallMs: number[];
  mediaStopped: boolean;
  /** From the server (or network) being back until both pages had media again; 0 if it never stopped. */
  mediaBackMs: number | null;
  /** From back until no page showed "Reconnecting…" any more (null: still showing at the end). */
  signalingBackMs: number | null;
  /** Whether "Reconnecting…" showed at all. */
  reconnectingShown: boolean;
  maxRemoteTiles: number;
  minRemoteTiles: number;
  finalRemoteTiles: number[];
  finalStatus: string[];
  /** What changed when, per page (ms from the disruption): tiles, media, banner, connections. */
  timeline: string[];
}

function timelineOf(samples: Sample[], from: number, perPage: boolean[][], names: string[]): string[] {
  const events: string[] = [];
  const last: string[] = [];
  samples.forEach((s, k) => {
    if (s.t < from - 500) return;
    s.pages.forEach((p, page) => {
      const state = p
        ? `tiles ${p.tiles.length}, media ${perPage[page]![k] ? 'flowing' : 'stopped'}, ${p.reconnecting ? 'Reconnecting… shown' : 'no banner'}, pcs [${p.pcs.map((pc) => pc.state).join(' ')}]`
        : 'no sample';
      if (state !== last[page]) events.push(`${fmt(s.t - from).padStart(6)} ms ${names[page]}: ${state}`);
      last[page] = state;
    });
  });
  return events;
}

function analyse(samples: Sample[], from: number, backAt: number, people: number, names: string[]): Analysis {
  const perPage = Array.from({ length: people }, (_, page) => flowing(samples, page));
  const window = samples.map((s, k) => ({ s, k })).filter(({ s }) => s.t >= from);
  const longestStallMs = perPage.map((flow) => {
    let last = from;
    let longest = 0;
    for (const { s, k } of window) {
      if (flow[k]) {
        longest = Math.max(longest, s.t - last);
        last = s.t;
      }
    }
    return Math.max(longest, (window.at(-1)?.s.t ?? from) - last);
  });
  const mediaStopped = longestStallMs.some((ms) => ms >= STALL_MS);
  const tileCounts = window.flatMap(({ s }) => s.pages.map((p) => p?.tiles.length ?? 0));
  const ok = (k: number) => perPage.every((flow) => flow[k]) && samples[k]!.pages.every((p) => p?.tiles.length === people - 1);
  let mediaBackMs: number | null = null;
  if (!mediaStopped) mediaBackMs = 0;
  else {
    // The first moment after `backAt` from which media flowed on both sides for a second.
    for (const { s, k } of window) {
      if (s.t < backAt || !ok(k)) continue;
      const next = window.filter(({ s: later }) => later.t > s.t && later.t <= s.t + 1000);
      if (next.every(({ k: j }) => ok(j))) {
        mediaBackMs = Math.max(0, s.t - backAt);
        break;
      }
    }
  }
  const reconnectingShown = window.some(({ s }) => s.pages.some((p) => p?.reconnecting));
  let signalingBackMs: number | null = null;
  const lastReconnecting = [...window].reverse().find(({ s }) => s.pages.some((p) => !p || p.reconnecting));
  if (!lastReconnecting) signalingBackMs = 0;
  else if (lastReconnecting !== window.at(-1)) {
    const after = window.find(({ s }) => s.t > lastReconnecting.s.t)!;
    signalingBackMs = Math.max(0, after.s.t - backAt);
  }
  const last = window.at(-1)?.s.pages ?? [];
  return {
    longestStallMs,
    mediaStopped,
    mediaBackMs,
    signalingBackMs,
    reconnectingShown,
    maxRemoteTiles: Math.max(...tileCounts),
    minRemoteTiles: Math.min(...tileCounts),
    finalRemoteTiles: last.map((p) => p?.tiles.length ?? -1),
    finalStatus: last.map((p) => (p ? (p.reconnecting ? 'Reconnecting…' : p.status) : 'page gone')),
    timeline: [
      `${fmt(backAt - from).padStart(6)} ms back (server answering / network on)`,
      ...timelineOf(samples, from, perPage, names),
    ].sort((a, b) => Number(a.trim().split(' ')[0]) - Number(b.trim().split(' ')[0])),
  };
}

// ---------------------------------------------------------------------------------------------

async function callOfTwo(browser: Browser, server: ServerProcess): Promise<{ url: string; people: Participant[] }> {
  const url = `${server.url}/r/${uniqueId('recovery')}`;
  const ada = await openCall(browser, url, { name: 'Ada' });
  await clickJoin(ada);
  await ada.page.getByText('Only you so far').waitFor({ timeout: 20_000 });
  const bob = await openCall(browser, url, { name: 'Bob' });
  await clickJoin(bob);
  const people = [ada, bob];
  for (const p of people) {
    await eventually(async () => (await remoteNames(p)).length === 1, 20_000, `${p.name} to see the other`);
  }
  // Media flowing both ways for a second before anything happens.
  const probe = sampler(people);
  await eventually(
    () => {
      const recent = probe.samples.slice(-10);
      return recent.length === 10 && people.every((_, page) => flowing(recent, page).slice(1).every(Boolean));
    },
    20_000,
    'media both ways',
  );
  await probe.stop();
  return { url, people };
}

interface RestartRun extends Analysis {
  killToBackMs: number;
  thirdJoinerMs: number | null;
  thirdJoinerSees: string[];
  othersSeeThird: boolean;
}

async function restartRun(browser: Browser, server: ServerProcess): Promise<RestartRun> {
  const { url, people } = await callOfTwo(browser, server);
  const s = sampler(people);
  try {
    await sleep(1000);
    const killAt = performance.now();
    await server.kill();
    await sleep(1000);
    const backAt = await server.start();
    await sleep(OBSERVE_AFTER_MS);
    await s.stop();
    const analysis = analyse(
      s.samples,
      killAt,
      backAt,
      people.length,
      people.map((p) => p.name),
    );

    // Does the restarted server know the room? A third person joins and should see both.
    const cy = await openCall(browser, url, { name: 'Cy' });
    people.push(cy);
    const clicked = performance.now();
    await clickJoin(cy);
    let thirdJoinerMs: number | null = null;
    try {
      await eventually(async () => (await remoteNames(cy)).length === 2, 15_000, 'Cy to see Ada and Bob');
      thirdJoinerMs = performance.now() - clicked;
    } catch {
      // Reported below.
    }
    await sleep(1000);
    const thirdJoinerSees = await remoteNames(cy);
    const othersSeeThird = (await Promise.all(people.slice(0, 2).map(remoteNames))).every((names) => names.includes('Cy'));
    return { ...analysis, killToBackMs: backAt - killAt, thirdJoinerMs, thirdJoinerSees, othersSeeThird };
  } finally {
    await Promise.all(people.map((p) => p.context.close()));
  }
}

type OfflineRun = Analysis;

async function offlineRun(browser: Browser, server: ServerProcess): Promise<OfflineRun> {
  const { people } = await callOfTwo(browser, server);
  const s = sampler(people);
  try {
    await sleep(1000);
    const offAt = performance.now();
    await people[1]!.context.setOffline(true);
    await sleep(OFFLINE_MS);
    await people[1]!.context.setOffline(false);
    const backAt = performance.now();
    await sleep(OBSERVE_AFTER_MS);
    await s.stop();
    return analyse(
      s.samples,
      offAt,
      backAt,
      people.length,
      people.map((p) => p.name),
    );
  } finally {
    await Promise.all(people.map((p) => p.context.close()));
  }
}

const ms = (v: number | null) => (v === null ? 'never (within 15 s)' : `${fmt(v)} ms`);
const media = (r: Analysis) => (r.mediaStopped ? ms(r.mediaBackMs) : '0 ms (media never stopped)');

runMain(async () => {
  await mkdir(RESULTS_DIR, { recursive: true });
  const quiet = await waitForQuiet();
  const foreign = foreignCpu();
  const server = new ServerProcess(await freePort());
  await server.start();
  const browser = await launchBrowser();
  try {
    const restarts: RestartRun[] = [];
    const restartFailures: string[] = [];
    for (let i = 0; i < RESTART_RUNS; i++) {
      try {
        const r = await restartRun(browser, server);
        restarts.push(r);
        console.log(
          `  restart ${i + 1}/${RESTART_RUNS}: server back ${fmt(r.killToBackMs)} ms after the kill; media ${media(r)} ` +
            `(longest stall ${r.longestStallMs.map((v) => fmt(v)).join('/')} ms); "Reconnecting…" gone ${ms(r.signalingBackMs)}; ` +
            `remote tiles ${r.minRemoteTiles}–${r.maxRemoteTiles}; third joiner sees [${r.thirdJoinerSees.join(', ')}], others see it: ${r.othersSeeThird}`,
        );
      } catch (error) {
        restartFailures.push(String(error));
        console.log(`  restart ${i + 1}/${RESTART_RUNS}: FAILED ${String(error).split('\n')[0]}`);
        await server.start().catch(() => undefined);
      }
    }

    const offlines: OfflineRun[] = [];
    const offlineFailures: string[] = [];
    for (let i = 0; i < OFFLINE_RUNS; i++) {
      try {
        const r = await offlineRun(browser, server);
        offlines.push(r);
        console.log(
          `  offline ${i + 1}/${OFFLINE_RUNS}: media ${media(r)} (longest stall ${r.longestStallMs.map((v) => fmt(v)).join('/')} ms); ` +
            `"Reconnecting…" shown: ${r.reconnectingShown}, gone ${ms(r.signalingBackMs)}; remote tiles ${r.minRemoteTiles}–${r.maxRemoteTiles}`,
        );
      } catch (error) {
        offlineFailures.push(String(error));
        console.log(`  offline ${i + 1}/${OFFLINE_RUNS}: FAILED ${String(error).split('\n')[0]}`);
      }
    }

    const summaryRow = (label: string, runs: Analysis[], failures: number) => {
      const back = summarize(runs.map((r) => r.mediaBackMs ?? Infinity));
      const never = runs.filter((r) => r.mediaBackMs === null).length;
      const stopped = runs.filter((r) => r.mediaStopped).length;
      const signaling = summarize(runs.map((r) => r.signalingBackMs ?? NaN));
      return [
        label,
        runs.length,
        `${stopped}/${runs.length}`,
        never ? `${fmt(back.median)} ms (${never} never)` : `${fmt(back.median)} ms (max ${fmt(back.max)})`,
        `${fmt(Math.max(...runs.flatMap((r) => r.longestStallMs)))} ms`,
        `${runs.filter((r) => r.reconnectingShown).length}/${runs.length}`,
        `${fmt(signaling.median)} ms (${runs.filter((r) => r.signalingBackMs === null).length} stuck)`,
        `${Math.min(...runs.map((r) => r.minRemoteTiles))}–${Math.max(...runs.map((r) => r.maxRemoteTiles))}`,
        failures,
      ];
    };
    heading('Recovery of a 2-person call (times from the server / network being back)');
    console.log(
      table(
        [
          'disruption',
          'runs',
          'media stopped',
          'media back (median)',
          'longest stall',
          '"Reconnecting…" shown',
          '"Reconnecting…" gone (median)',
          'remote tiles seen',
          'failed',
        ],
        [
          summaryRow('server SIGKILL, restarted after 1 s', restarts, restartFailures.length),
          summaryRow('one participant offline 10 s', offlines, offlineFailures.length),
        ],
      ),
    );
    if (restarts.length) {
      console.log(
        `\nServer back (answering /healthz) ${fmt(summarize(restarts.map((r) => r.killToBackMs)).median)} ms after the kill (median; includes the 1 s pause).`,
      );
      const thirdOk = restarts.filter((r) => r.thirdJoinerMs !== null && r.othersSeeThird).length;
      console.log(
        `After the restart, a third joiner saw both and both saw it in ${thirdOk}/${restarts.length} runs (median ${fmt(summarize(restarts.map((r) => r.thirdJoinerMs ?? NaN)).median)} ms).`,
      );
    }
    const all = [...restarts, ...offlines];
    const targets = { mediaBackWithin5s: all.length > 0 && all.every((r) => r.mediaBackMs !== null && r.mediaBackMs <= 5000) };
    heading('Targets');
    console.log(
      table(
        ['target', 'measured', 'verdict'],
        [
          [
            'media back within 5 s (every run)',
            `worst ${ms(all.some((r) => r.mediaBackMs === null) ? null : Math.max(...all.map((r) => r.mediaBackMs!)))}`,
            verdict(targets.mediaBackWithin5s),
          ],
        ],
      ),
    );
    // The first run of each kind as a timeline (all of them with BENCH_TIMELINE=1; every run's is in the JSON).
    for (const [label, runs] of [
      ['server restart', restarts],
      ['offline', offlines],
    ] as const) {
      runs.slice(0, process.env.BENCH_TIMELINE ? runs.length : 1).forEach((r, i) => {
        heading(`Timeline, ${label} run ${i + 1} (ms from the disruption; changes only)`);
        console.log(r.timeline.join('\n'));
      });
    }
    const foreignShare = foreign();
    console.log(`\nOther processes used ${fmt(foreignShare)} % of the machine during the run.`);

    const file = await writeResult('recovery', {
      setup: { sampleMs: SAMPLE_MS, stallMs: STALL_MS, observeAfterMs: OBSERVE_AFTER_MS, offlineMs: OFFLINE_MS, port: server.port },
      quiet: { ...quiet, foreignCpuPercentDuringRun: Math.round(foreignShare) },
      serverRestart: { runs: restarts, failures: restartFailures },
      offline: { runs: offlines, failures: offlineFailures },
      targets,
    });
    console.log(`wrote ${file}`);
  } finally {
    await browser.close();
    await server.kill();
  }
});
