/**
 * Call setup: how long from pressing Join until the newcomer sees the others' video, in headless
 * Chromium (fake camera) against the real server and the real app on loopback, compared with the
 * floor: two RTCPeerConnections in one page, negotiated directly, no server.
 *
 *   npm run bench:setup          (builds the app first)
 *   BENCH_RUNS=10 BENCH_RUNS_4=10 BENCH_RUNS_4_TOGETHER=5 node --import tsx bench/call-setup.ts
 */
import type { Browser, Page } from 'playwright-core';
import { eventually, launchBrowser, openCall, type Participant } from '../test/helpers/browser.js';
import { startServer, uniqueId, type TestServer } from '../test/helpers/server.js';
import {
  DISTURBED_PERCENT,
  busyPercent,
  cpuTimes,
  fmt,
  foreignCpu,
  heading,
  runMain,
  sleep,
  summarize,
  table,
  verdict,
  waitForQuiet,
  writeResult,
  type Summary,
} from './lib.js';
import { SEND_SETTLE_MS } from '../web/rtc/peer-mesh.js';
import { PAGE_PROBES } from './page-probes.js';

const RUNS_2 = Number(process.env.BENCH_RUNS ?? 10);
const RUNS_4 = Number(process.env.BENCH_RUNS_4 ?? 10);
const RUNS_4_TOGETHER = Number(process.env.BENCH_RUNS_4_TOGETHER ?? 5);
const RUNS_FLOOR = Number(process.env.BENCH_RUNS_FLOOR ?? RUNS_2);
const RUN_TIMEOUT_MS = 30_000;

interface Mark {
  name: string;
  t: number;
}
interface WatchState {
  expected: number;
  tiles: Record<string, { name: string; seenAt: number; streamAt: number | null; frameAt: number | null; via: string | null }>;
  allAt: number | null;
  maxTiles: number;
}

/**
 * The phases of one 2-person join, in the order they happen (page: n = newcomer, h = host).
 * The newcomer connected to the PeerServer and Socket.IO on the pre-join screen, so a join is
 * join-room, then the newcomer's OFFER (it calls the members its join ack lists), then the
 * member's ANSWER. Phases before the click (the early connections) show as not seen.
 */
const PHASES: Array<{ label: string; page: 'n' | 'h'; mark: string }> = [
  { label: 'join-room sent', page: 'n', mark: 'sio-send-join-room' },
  { label: 'join ack received', page: 'n', mark: 'sio-ack' },
  { label: 'RTCPeerConnection created', page: 'n', mark: 'pc-create' },
  { label: 'offer created (setLocalDescription)', page: 'n', mark: 'pc-setLocalDescription-offer' },
  { label: 'OFFER sent', page: 'n', mark: 'peer-send-OFFER' },
  { label: 'host: user-connected received', page: 'h', mark: 'sio-event-user-connected' },
  { label: 'host: OFFER arrives', page: 'h', mark: 'peer-msg-OFFER' },
  { label: 'host: answering RTCPeerConnection created', page: 'h', mark: 'pc-create' },
  { label: 'host: offer applied (setRemoteDescription)', page: 'h', mark: 'pc-setRemoteDescription-offer' },
  { label: 'host: answer created (setLocalDescription)', page: 'h', mark: 'pc-setLocalDescription-answer' },
  { label: 'host: ANSWER sent', page: 'h', mark: 'peer-send-ANSWER' },
  { label: 'ANSWER arrives', page: 'n', mark: 'peer-msg-ANSWER' },
  { label: 'remote video track', page: 'n', mark: 'pc-track-video' },
  { label: 'ICE connected', page: 'n', mark: 'pc-ice-connected' },
  { label: 'DTLS done (connectionState connected)', page: 'n', mark: 'pc-conn-connected' },
  { label: 'remote tile has its stream', page: 'n', mark: 'tile-stream' },
  { label: 'first remote frame shown', page: 'n', mark: 'first-frame' },
];

const marksOf = (page: Page) => page.evaluate('window.__benchMarks') as Promise<Mark[]>;
const watchState = (page: Page) => page.evaluate('window.__benchWatchState') as Promise<WatchState | undefined>;

async function open(browser: Browser, url: string, name: string): Promise<Participant> {
  return openCall(browser, url, { name, initScript: PAGE_PROBES });
}

/** Camera preview playing, Join enabled, service worker installed: ready for the click. */
async function readyToJoin(p: Participant): Promise<void> {
  await eventually(() => p.page.evaluate('window.__benchJoinReady()') as Promise<boolean>, 20_000, `${p.name} ready to join`);
  await Promise.race([p.page.evaluate('navigator.serviceWorker && navigator.serviceWorker.ready.then(() => true)'), sleep(10_000)]);
}

const clickJoin = (p: Participant) => p.page.evaluate('window.__benchClickJoin()') as Promise<number>;
const watch = (p: Participant, expected: number) => p.page.evaluate(`window.__benchWatch(${expected})`);

async function allShown(p: Participant): Promise<WatchState> {
  let state: WatchState | undefined;
  try {
    await eventually(async () => !!(state = await watchState(p.page))?.allAt, RUN_TIMEOUT_MS, `${p.name} to show every remote video`);
  } catch (error) {
    throw new Error(`${String(error)}; ${await diagnose(p)}`);
  }
  return state!;
}

/** For a failed run: the page's connections, its tiles and the signaling it saw. */
async function diagnose(p: Participant): Promise<string> {
  return p.page
    .evaluate(
      `JSON.stringify({
        pcs: (window.__pcs || []).map((pc) => [pc.signalingState, pc.iceConnectionState, pc.connectionState]),
        tiles: window.__benchWatchState && window.__benchWatchState.tiles,
        marks: (window.__benchMarks || []).slice(-40).map((m) => m.name),
      })`,
    )
    .catch((e) => `no diagnosis: ${String(e)}`) as Promise<string>;
}

/** Joins `people` one after another, each waiting until the call is complete for it. */
async function joinInTurn(people: Participant[]): Promise<void> {
  for (let i = 0; i < people.length; i++) {
    const p = people[i]!;
    await readyToJoin(p);
    await watch(p, i);
    await clickJoin(p);
    if (i === 0) await p.page.getByText('Only you so far').waitFor({ timeout: RUN_TIMEOUT_MS });
    for (const q of people.slice(0, i + 1)) {
      await watch(q, i);
      await allShown(q);
    }
  }
}

interface TwoPersonRun {
  ms: number;
  /** Both cores' busy share from the click to the first frame. */
  cpuBusyPercent: number;
  via: string | null;
  phases: Record<string, number | null>;
}

/** `waitMs`: how long the newcomer stays on the pre-join screen after Join is enabled. */
async function twoPersonRun(browser: Browser, server: TestServer, waitMs: number): Promise<TwoPersonRun> {
  const url = `${server.url}/r/${uniqueId('setup')}`;
  const host = await open(browser, url, 'Host');
  const newcomer = await open(browser, url, 'Newcomer');
  try {
    await joinInTurn([host]);
    await readyToJoin(newcomer);
    await sleep(waitMs);
    await watch(newcomer, 1);
    const cpu0 = cpuTimes();
    const clickAt = await clickJoin(newcomer);
    const state = await allShown(newcomer);
    const cpuBusy = busyPercent(cpu0, cpuTimes());
    const tile = Object.values(state.tiles)[0]!;
    const [n, h] = await Promise.all([marksOf(newcomer.page), marksOf(host.page)]);
    n.push({ name: 'tile-stream', t: tile.streamAt ?? NaN }, { name: 'first-frame', t: tile.frameAt ?? NaN });
    const first = (marks: Mark[], name: string) => marks.find((m) => m.name === name && m.t >= clickAt)?.t;
    const phases: Record<string, number | null> = {};
    for (const phase of PHASES) {
      const t = first(phase.page === 'n' ? n : h, phase.mark);
      phases[phase.label] = t === undefined ? null : t - clickAt;
    }
    return { ms: state.allAt! - clickAt, cpuBusyPercent: cpuBusy, via: tile.via, phases };
  } finally {
    await Promise.all([host.context.close(), newcomer.context.close()]);
  }
}

interface FourPersonRun {
  ms: number;
  /** Per person (Ana, Ben, Cai, Dev): when all 3 remote tiles showed frames, after the last click. */
  perPerson: number[];
  maxTiles: number;
  /** Both cores' busy share from the last click until everyone showed everyone. */
  cpuBusyPercent: number;
  /** Both cores' busy share during 2 s of the established 4-person call. */
  steadyCpuBusyPercent: number;
  /** 4th joins: when the slowest of each step happened (ms after the click). */
  steps?: Record<string, number | null>;
}

/** The n-th (1-based) mark called `name` at or after `from`, relative to `from`. */
function nth(marks: Mark[], name: string, n: number, from: number): number | null {
  const t = marks.filter((m) => m.name === name && m.t >= from)[n - 1]?.t;
  return t === undefined ? null : t - from;
}
const latest = (values: Array<number | null>) => (values.some((v) => v === null) ? null : Math.max(...(values as number[])));

export const FOUR_STEPS = [
  'newcomer: join ack',
  'newcomer: last OFFER sent',
  'hosts: last user-connected received',
  'hosts: last ANSWER sent',
  'newcomer: last ANSWER arrives',
  'newcomer: last ICE connected',
  'newcomer: last DTLS connected',
  'newcomer: all 3 remote tiles showing',
  'hosts: last to show the newcomer',
] as const;

/** `together`: all four press Join at once; otherwise three are in a call and the fourth joins. */
async function fourPersonRun(browser: Browser, server: TestServer, together: boolean): Promise<FourPersonRun> {
  const url = `${server.url}/r/${uniqueId('setup4')}`;
  const people: Participant[] = [];
  for (const name of ['Ana', 'Ben', 'Cai', 'Dev']) people.push(await open(browser, url, name));
  try {
    let lastClick: number;
    let cpu0 = cpuTimes();
    if (together) {
      for (const p of people) await readyToJoin(p);
      await sleep(300);
      await Promise.all(people.map((p) => watch(p, 3)));
      cpu0 = cpuTimes();
      lastClick = Math.max(...(await Promise.all(people.map(clickJoin))));
    } else {
      await joinInTurn(people.slice(0, 3));
      const last = people[3]!;
      await readyToJoin(last);
      await sleep(300);
      await Promise.all(people.map((p) => watch(p, 3)));
      cpu0 = cpuTimes();
      lastClick = await clickJoin(last);
    }
    const states = await Promise.all(people.map(allShown));
    const cpuBusy = busyPercent(cpu0, cpuTimes());
    const perPerson = states.map((s) => s.allAt! - lastClick);
    let steps: FourPersonRun['steps'];
    if (!together) {
      const marks = await Promise.all(people.map((p) => marksOf(p.page)));
      const hosts = marks.slice(0, 3);
      const newcomer = marks[3]!;
      const values = [
        nth(newcomer, 'sio-ack', 1, lastClick),
        nth(newcomer, 'peer-send-OFFER', 3, lastClick),
        latest(hosts.map((m) => nth(m, 'sio-event-user-connected', 1, lastClick))),
        latest(hosts.map((m) => nth(m, 'peer-send-ANSWER', 1, lastClick))),
        nth(newcomer, 'peer-msg-ANSWER', 3, lastClick),
        nth(newcomer, 'pc-ice-connected', 3, lastClick),
        nth(newcomer, 'pc-conn-connected', 3, lastClick),
        perPerson[3]!,
        Math.max(...perPerson.slice(0, 3)),
      ];
      steps = Object.fromEntries(FOUR_STEPS.map((label, i) => [label, values[i] ?? null]));
    }
    // Steady: after the senders took each viewer's tile size (SEND_SETTLE_MS after connecting).
    await sleep(SEND_SETTLE_MS + 1000);
    const steady0 = cpuTimes();
    await sleep(2000);
    const steadyCpuBusyPercent = busyPercent(steady0, cpuTimes());
    return {
      ms: Math.max(...perPerson),
      perPerson,
      maxTiles: Math.max(...states.map((s) => s.maxTiles)),
      cpuBusyPercent: cpuBusy,
      steadyCpuBusyPercent,
      steps,
    };
  } finally {
    await Promise.all(people.map((p) => p.context.close()));
  }
}

/**
 * The floor: in one page, two RTCPeerConnections, both sending the fake camera and microphone
 * (as in a call), offer/answer and ICE candidates handed over directly. From the first
 * createOffer to the first frame shown by a <video> playing pc2's remote stream.
 */
const FLOOR = String.raw`(async () => {
  const abs = () => performance.now();
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24, max: 30 } } });
  await new Promise((r) => setTimeout(r, 300));
  const pc1 = new RTCPeerConnection();
  const pc2 = new RTCPeerConnection();
  const video = document.createElement('video');
  video.autoplay = true; video.muted = true; video.playsInline = true;
  document.body.append(video);
  const marks = {};
  const at = (name) => { marks[name] ??= abs() - t0; };
  pc1.onicecandidate = (e) => e.candidate && pc2.addIceCandidate(e.candidate);
  pc2.onicecandidate = (e) => e.candidate && pc1.addIceCandidate(e.candidate);
  pc2.oniceconnectionstatechange = () => pc2.iceConnectionState === 'connected' && at('ice connected');
  pc2.onconnectionstatechange = () => pc2.connectionState === 'connected' && at('DTLS done');
  const shown = new Promise((resolve) => {
    pc2.ontrack = (event) => {
      if (event.track.kind !== 'video') return;
      at('remote video track');
      video.srcObject = event.streams[0] || new MediaStream([event.track]);
      video.play().catch(() => {});
      video.requestVideoFrameCallback(() => resolve(abs()));
      const poll = () => (video.videoWidth > 0 && video.currentTime > 0 ? resolve(abs()) : setTimeout(poll, 4));
      poll();
    };
  });
  for (const track of stream.getTracks()) { pc1.addTrack(track, stream); pc2.addTrack(track, stream); }
  const t0 = abs();
  const offer = await pc1.createOffer();
  await pc1.setLocalDescription(offer);
  await pc2.setRemoteDescription(offer);
  const answer = await pc2.createAnswer();
  await pc2.setLocalDescription(answer);
  await pc1.setRemoteDescription(answer);
  at('offer/answer done');
  const t1 = await shown;
  pc1.close(); pc2.close(); video.remove();
  stream.getTracks().forEach((t) => t.stop());
  return { ms: t1 - t0, marks };
})()`;

async function floorRun(browser: Browser, server: TestServer): Promise<{ ms: number; marks: Record<string, number> }> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}/healthz`);
    return (await page.evaluate(FLOOR)) as { ms: number; marks: Record<string, number> };
  } finally {
    await context.close();
  }
}

/**
 * Runs `once` `runs` times after one warm-up. A run during which other processes used more than
 * DISTURBED_PERCENT of the machine is thrown away and repeated (at most `runs` extra times).
 */
async function repeat<T>(
  label: string,
  runs: number,
  once: () => Promise<T>,
  show: (r: T) => string,
): Promise<{ results: T[]; failures: string[]; disturbed: number }> {
  const results: T[] = [];
  const failures: string[] = [];
  let disturbed = 0;
  try {
    await once(); // warm-up: not counted (first contexts, code caches, the fake devices)
  } catch (error) {
    failures.push(`warm-up: ${String(error)}`);
  }
  let failed = 0;
  while (results.length + failed < runs) {
    const n = results.length + failed + 1;
    const foreign = foreignCpu();
    try {
      const result = await once();
      const share = foreign();
      if (share > DISTURBED_PERCENT && disturbed < runs) {
        disturbed += 1;
        console.log(`  ${label} run ${n}/${runs}: ${show(result)}, disturbed (other processes used ${fmt(share)} % of the CPU): repeating`);
        await waitForQuiet();
      } else {
        results.push(result);
        console.log(`  ${label} run ${n}/${runs}: ${show(result)}`);
      }
    } catch (error) {
      failed += 1;
      failures.push(String(error));
      console.log(`  ${label} run ${n}/${runs}: FAILED ${String(error).split('\n')[0]}`);
    }
    await sleep(500);
  }
  return { results, failures, disturbed };
}

const row = (label: string, s: Summary, failures: string[]) => [
  label,
  s.n,
  fmt(s.median),
  fmt(s.p95),
  fmt(s.min),
  fmt(s.max),
  failures.filter((f) => !f.startsWith('warm-up')).length,
];

runMain(async () => {
  const quiet = await waitForQuiet();
  const foreign = foreignCpu();
  // Every browser here comes from 127.0.0.1, where real people come from addresses of their own:
  // the per-address TURN credential budget (30 a minute) would refuse joins the bench makes.
  const server = await startServer({ ICE_PER_ADDRESS_BURST: '10000', ICE_PER_ADDRESS_PER_MINUTE: '100000' });
  const browser = await launchBrowser();
  try {
    console.log(`call setup: real server ${server.url}, headless Chromium ${browser.version()}`);

    const floor = await repeat(
      'floor',
      RUNS_FLOOR,
      () => floorRun(browser, server),
      (r) => `${fmt(r.ms)} ms`,
    );
    const two = await repeat(
      '2 people, Join 300 ms after it is enabled',
      RUNS_2,
      () => twoPersonRun(browser, server, 300),
      (r) => `${fmt(r.ms)} ms (${r.via})`,
    );
    const twoWaited = await repeat(
      '2 people, Join after 3 s on the pre-join screen',
      RUNS_2,
      () => twoPersonRun(browser, server, 3000),
      (r) => `${fmt(r.ms)} ms (${r.via})`,
    );
    const fourSeq = await repeat(
      '4 people, 4th joins',
      RUNS_4,
      () => fourPersonRun(browser, server, false),
      (r) => `${fmt(r.ms)} ms`,
    );
    const fourTogether = await repeat(
      '4 people, together',
      RUNS_4_TOGETHER,
      () => fourPersonRun(browser, server, true),
      (r) => `${fmt(r.ms)} ms`,
    );

    const sFloor = summarize(floor.results.map((r) => r.ms));
    const s2 = summarize(two.results.map((r) => r.ms));
    const s2w = summarize(twoWaited.results.map((r) => r.ms));
    const ratioWaited = s2w.median / sFloor.median;
    const s4 = summarize(fourSeq.results.map((r) => r.ms));
    const s4t = summarize(fourTogether.results.map((r) => r.ms));
    /** The 4th person's own three tiles (the target), apart from the others showing it. */
    const s4own = summarize(fourSeq.results.map((r) => r.perPerson[3]!));
    const ratio = s2.median / sFloor.median;

    const cpu = (runs: Array<{ cpuBusyPercent: number }>) => `${fmt(summarize(runs.map((r) => r.cpuBusyPercent)).median)} %`;
    heading('Call setup (ms)');
    console.log(
      table(
        ['scenario', 'runs', 'median', 'p95', 'min', 'max', 'failed', 'CPU busy (2 cores)'],
        [
          [...row('2 people: Join 300 ms after enabled → first remote frame', s2, two.failures), cpu(two.results)],
          [...row('2 people: Join after 3 s on the pre-join screen → first remote frame', s2w, twoWaited.failures), cpu(twoWaited.results)],
          [...row('floor: 2 RTCPeerConnections in one page, no server', sFloor, floor.failures), '–'],
          [...row('4 people: 4th joins a 3-person call → all 12 tiles playing', s4, fourSeq.failures), cpu(fourSeq.results)],
          [...row('4 people: all click Join together → all 12 tiles playing', s4t, fourTogether.failures), cpu(fourTogether.results)],
        ],
      ),
    );
    const steady = summarize([...fourSeq.results, ...fourTogether.results].map((r) => r.steadyCpuBusyPercent));
    console.log(
      `\nAn established 4-person call (4 tabs, 12 streams) keeps the machine ${fmt(steady.median)} % busy (median over 2 s samples).`,
    );
    const duplicates = [...fourSeq.results, ...fourTogether.results].filter((r) => r.maxTiles > 3).length;
    if (duplicates) console.log(`Duplicate tiles: ${duplicates} runs showed more than 3 remote tiles at some point.`);

    heading('4 people, 4th joins: slowest of each step (ms after the click; median [min–max])');
    const fourStepRows = FOUR_STEPS.map((label) => {
      const values = fourSeq.results.map((r) => r.steps?.[label]).filter((v): v is number => typeof v === 'number');
      const st = summarize(values);
      return [label, fmt(st.median), `${fmt(st.min)}–${fmt(st.max)}`];
    });
    console.log(table(['step', 'median', 'range'], fourStepRows));

    const targets = {
      waitedWithin1_5xFloor: ratioWaited <= 1.5,
      quickWithin2xFloor: ratio <= 2,
      fourMedianLt1500: s4.median < 1500,
      fourthOwnTilesLt1500: s4own.median < 1500,
      fourTogetherMedianLt1500: s4t.median < 1500,
    };
    heading('Targets');
    console.log(
      table(
        ['target', 'measured', 'verdict'],
        [
          [
            'waited 3 s on the pre-join screen: median ≤ 1.5 × floor',
            `${fmt(ratioWaited, 2)} × (${fmt(s2w.median)} ms; floor ${fmt(sFloor.median)} ms)`,
            verdict(targets.waitedWithin1_5xFloor),
          ],
          [
            'Join 300 ms after enabled: median ≤ 2 × floor',
            `${fmt(ratio, 2)} × (${fmt(s2.median)} ms; floor ${fmt(sFloor.median)} ms)`,
            verdict(targets.quickWithin2xFloor),
          ],
          [
            '4th joins a 3-person call: its 3 tiles playing < 1500 ms (median)',
            `${fmt(s4own.median)} ms`,
            verdict(targets.fourthOwnTilesLt1500),
          ],
          [
            '4-person median < 1500 ms after the last Join (4th joins, all 12 tiles)',
            `${fmt(s4.median)} ms`,
            verdict(targets.fourMedianLt1500),
          ],
          ['4-person median < 1500 ms after the last Join (together)', `${fmt(s4t.median)} ms`, verdict(targets.fourTogetherMedianLt1500)],
        ],
      ),
    );

    heading('2-person join (Join after 3 s), phase by phase (ms after the Join click; median [min–max] over the runs)');
    const phaseRowsOf = (runs: TwoPersonRun[]) =>
      PHASES.map((phase) => {
        const values = runs.map((r) => r.phases[phase.label]).filter((v): v is number => v !== null && Number.isFinite(v));
        const s = summarize(values);
        return [phase.label, fmt(s.median), `${fmt(s.min)}–${fmt(s.max)}`, `${values.length}/${runs.length}`];
      });
    const phaseRows = phaseRowsOf(twoWaited.results);
    console.log(table(['phase', 'median', 'range', 'seen'], phaseRows));
    heading('2-person join (Join 300 ms after enabled), phase by phase');
    const quickPhaseRows = phaseRowsOf(two.results);
    console.log(table(['phase', 'median', 'range', 'seen'], quickPhaseRows));

    heading('Floor, phase by phase (ms after createOffer; median)');
    const floorPhases = ['offer/answer done', 'remote video track', 'ice connected', 'DTLS done'];
    console.log(
      table(
        ['phase', 'median'],
        [
          ...floorPhases.map((name) => [name, fmt(summarize(floor.results.map((r) => r.marks[name] ?? NaN)).median)]),
          ['first frame shown', fmt(sFloor.median)],
        ],
      ),
    );

    const foreignShare = foreign();
    const repeated = floor.disturbed + two.disturbed + twoWaited.disturbed + fourSeq.disturbed + fourTogether.disturbed;
    console.log(`\n${repeated} runs were repeated because other processes used more than ${DISTURBED_PERCENT} % of the CPU during them.`);
    const file = await writeResult('call-setup', {
      quiet: { ...quiet, foreignCpuPercentDuringRun: Math.round(foreignShare) },
      runs: { two: RUNS_2, four: RUNS_4, fourTogether: RUNS_4_TOGETHER, floor: RUNS_FLOOR, warmUp: 1, disturbedPercent: DISTURBED_PERCENT },
      disturbedRunsRepeated: {
        floor: floor.disturbed,
        two: two.disturbed,
        twoWaited: twoWaited.disturbed,
        fourSeq: fourSeq.disturbed,
        fourTogether: fourTogether.disturbed,
      },
      twoPerson: { summary: s2, ratioToFloor: ratio, runs: two.results, failures: two.failures },
      twoPersonWaited: { summary: s2w, ratioToFloor: ratioWaited, runs: twoWaited.results, failures: twoWaited.failures },
      floor: { summary: sFloor, runs: floor.results, failures: floor.failures },
      fourPersonFourthJoins: { summary: s4, runs: fourSeq.results, failures: fourSeq.failures },
      fourPersonTogether: { summary: s4t, runs: fourTogether.results, failures: fourTogether.failures },
      phases: Object.fromEntries(phaseRows.map((r) => [r[0], { median: Number(r[1]), range: r[2] }])),
      quickPhases: Object.fromEntries(quickPhaseRows.map((r) => [r[0], { median: Number(r[1]), range: r[2] }])),
      fourSteps: Object.fromEntries(fourStepRows.map((r) => [r[0], { median: Number(r[1]), range: r[2] }])),
      steadyFourPersonCpuBusyPercent: steady,
      targets,
    });
    console.log(`\nwrote ${file}`);
  } finally {
    await browser.close();
    await server.close();
  }
});
