/**
 * Room signaling under load: real socket.io-client clients (websocket transport) from this
 * process join rooms of 4 on a server running in its own process (bench/signaling-server.ts),
 * at 1,000, 5,000 and 10,000 concurrent clients; the app's room handlers against a bare
 * Socket.IO server that only relays.
 *
 *   npm run bench:signaling
 *   BENCH_LEVELS=1000,5000 node --import tsx bench/signaling.ts
 *
 * Per level and server: join ack latency while ramping up (batches of 200 joins fired at once)
 * and at steady state (with everyone connected, one member of a room leaves and rejoins, 100
 * times a second for 5 s), heap and RSS per client (after a full GC, minus the empty server),
 * and the server's CPU over 10 s with everyone connected and idle; during the steady-state joins,
 * the server's event-loop delay and GC pauses. Then, on separate servers, heap snapshots before
 * and after 1,000 clients show what one client costs by kind of object (BENCH_HEAP_DETAIL=0: skip).
 * A level during which other processes used more than 15 % of the CPU is repeated (twice at most).
 */
import { rm } from 'node:fs/promises';
import { PerformanceObserver, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { ClientSocket } from '../test/helpers/server.js';
import { BATCH, ROOM_SIZE, clientsOf, leavesAndJoins, rampUp, startBenchServer, warmUp, type Mode } from './signaling-lib.js';
import { perClient, summarizeSnapshot } from './heap-summary.js';
import {
  DISTURBED_PERCENT,
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

const LEVELS = (process.env.BENCH_LEVELS ?? '1000,5000,10000').split(',').map(Number);
const MODES = ['app', 'bare'] as const satisfies readonly Mode[];
const IDLE_SECONDS = 10;
const PROBE_RATE = 100; // joins per second at steady state
const PROBE_SECONDS = 5;
const HEAP_DETAIL_CLIENTS = 1000;

type HeapDetail = Array<{ what: string; countPerClient: number; bytesPerClient: number }>;

/**
 * What one client adds to the server heap, by kind of object: heap snapshots of a fresh server
 * before and after `clients` clients joined (a separate server, so snapshots disturb no figure).
 */
async function heapDetail(mode: Mode, clients: number): Promise<HeapDetail> {
  const server = await startBenchServer(mode);
  const sockets: ClientSocket[] = [];
  try {
    const tag = `heap${mode}`;
    await warmUp(clientsOf([server.url], tag, 'warm'));
    await sleep(1000);
    const before = await server.heapSnapshot();
    await rampUp(clients, clientsOf([server.url], tag), sockets);
    await sleep(1000);
    const after = await server.heapSnapshot();
    const [a, b] = await Promise.all([summarizeSnapshot(before), summarizeSnapshot(after)]);
    await Promise.all([rm(before, { force: true }), rm(after, { force: true })]);
    return perClient(a, b, clients, 12);
  } finally {
    await server.kill();
    for (const socket of sockets) socket.close();
    await sleep(1000);
  }
}

interface LevelResult {
  mode: Mode;
  clients: number;
  rampSeconds: number;
  rampJoin: Summary;
  /** p99 of each batch of the ramp, in order. */
  rampBatchP99: number[];
  steadyJoin: Summary;
  /** Client process's event-loop delay during the steady-state probes (ms): our own noise. */
  clientLoopDelayP99: number;
  baseline: { heapUsed: number; rss: number };
  loaded: { heapUsed: number; rss: number };
  heapPerClient: number;
  rssPerClient: number;
  idleCpuPercent: number;
  /** During the steady-state probes: the server's event-loop delay and GC pauses, the client's GC pauses. */
  serverLoopDelayMs: { p50: number; p99: number; max: number };
  serverGcPausesMs: { count: number; max: number; total: number };
  clientGcPauseMaxMs: number;
  foreignCpuPercent: number;
}

async function measureLevel(mode: Mode, clients: number): Promise<LevelResult> {
  const server = await startBenchServer(mode);
  const sockets: ClientSocket[] = [];
  const foreign = foreignCpu();
  try {
    const tag = `${mode}${clients}x${Date.now().toString(36)}`;
    const members = clientsOf([server.url], tag);

    await warmUp(clientsOf([server.url], tag, 'warm'));
    await sleep(1000);
    const base = await server.stats({ gc: true });

    // Ramp up: connect a batch, then fire its joins at once.
    const rampStarted = performance.now();
    const batches = await rampUp(clients, members, sockets);
    const rampLatencies = batches.flat();
    const rampBatchP99 = batches.map((latencies) => Math.round(summarize(latencies).p99 * 10) / 10);
    const rampSeconds = (performance.now() - rampStarted) / 1000;

    await sleep(2000);
    const loaded = await server.stats({ gc: true });

    // Idle: everyone connected (pings every 10 s), nobody sends anything.
    const idle0 = await server.stats();
    const idleStarted = performance.now();
    await sleep(IDLE_SECONDS * 1000);
    const idle1 = await server.stats();
    const idleMs = performance.now() - idleStarted;
    const cpuMs = (idle1.cpu.user + idle1.cpu.system - idle0.cpu.user - idle0.cpu.system) / 1000;
    const idleCpuPercent = (cpuMs / idleMs) * 100;

    // Steady state: one member of a room leaves and rejoins, PROBE_RATE times a second.
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const clientGc: number[] = [];
    const gcObserver = new PerformanceObserver((list) => list.getEntries().forEach((e) => clientGc.push(e.duration)));
    gcObserver.observe({ entryTypes: ['gc'] });
    await server.stats({ reset: true });
    const steadyLatencies = await leavesAndJoins(sockets, members, PROBE_RATE, PROBE_SECONDS);
    loop.disable();
    gcObserver.disconnect();
    const probed = await server.stats();

    return {
      mode,
      clients,
      rampSeconds,
      rampJoin: summarize(rampLatencies),
      rampBatchP99,
      steadyJoin: summarize(steadyLatencies),
      clientLoopDelayP99: loop.percentile(99) / 1e6,
      baseline: { heapUsed: base.memory.heapUsed, rss: base.memory.rss },
      loaded: { heapUsed: loaded.memory.heapUsed, rss: loaded.memory.rss },
      heapPerClient: (loaded.memory.heapUsed - base.memory.heapUsed) / clients,
      rssPerClient: (loaded.memory.rss - base.memory.rss) / clients,
      idleCpuPercent,
      serverLoopDelayMs: probed.loopDelayMs,
      serverGcPausesMs: probed.gcPausesMs,
      clientGcPauseMaxMs: Math.max(0, ...clientGc),
      foreignCpuPercent: foreign(),
    };
  } finally {
    // Kill the server first: its side closes the connections, so our ports are not left in TIME_WAIT.
    await server.kill();
    for (const socket of sockets) socket.close();
    await sleep(1000);
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KiB`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

runMain(async () => {
  const quiet = await waitForQuiet();
  const results: LevelResult[] = [];
  let repeated = 0;
  for (const clients of LEVELS) {
    for (const mode of MODES) {
      console.log(`  ${mode}: ${clients} clients…`);
      let result = await measureLevel(mode, clients);
      for (let retry = 0; retry < 2 && result.foreignCpuPercent > DISTURBED_PERCENT; retry++) {
        repeated += 1;
        console.log(
          `  ${mode}: ${clients} clients: disturbed (other processes used ${fmt(result.foreignCpuPercent)} % of the CPU): repeating`,
        );
        await waitForQuiet();
        result = await measureLevel(mode, clients);
      }
      results.push(result);
      console.log(
        `  ${mode}: ${clients} clients: ramp join p99 ${fmt(result.rampJoin.p99, 1)} ms, steady join p99 ${fmt(result.steadyJoin.p99, 1)} ms, ` +
          `heap ${kb(result.heapPerClient)}/client, idle CPU ${fmt(result.idleCpuPercent, 1)} %`,
      );
    }
  }

  heading('Room signaling: rooms of 4, websocket transport, server in its own process');
  console.log(
    table(
      [
        'server',
        'clients',
        'ramp join p50',
        'ramp join p99',
        'steady join p50',
        'steady join p99',
        'heap/client',
        'RSS/client',
        'heap total',
        'RSS total',
        'idle CPU (10 s)',
      ],
      results.map((r) => [
        r.mode,
        r.clients,
        `${fmt(r.rampJoin.median, 1)} ms`,
        `${fmt(r.rampJoin.p99, 1)} ms`,
        `${fmt(r.steadyJoin.median, 1)} ms`,
        `${fmt(r.steadyJoin.p99, 1)} ms`,
        kb(r.heapPerClient),
        kb(r.rssPerClient),
        mb(r.loaded.heapUsed),
        mb(r.loaded.rss),
        `${fmt(r.idleCpuPercent, 1)} %`,
      ]),
    ),
  );

  heading('Where the steady-state join time goes (during the probes)');
  console.log(
    table(
      [
        'server',
        'clients',
        'steady join p99',
        'server event-loop delay p99 / max',
        'server GC pauses (count, longest)',
        'client GC longest',
        'client event-loop delay p99',
      ],
      results.map((r) => [
        r.mode,
        r.clients,
        `${fmt(r.steadyJoin.p99, 1)} ms`,
        `${fmt(r.serverLoopDelayMs.p99, 1)} / ${fmt(r.serverLoopDelayMs.max, 1)} ms`,
        `${r.serverGcPausesMs.count}, ${fmt(r.serverGcPausesMs.max, 1)} ms`,
        `${fmt(r.clientGcPauseMaxMs, 1)} ms`,
        `${fmt(r.clientLoopDelayP99, 1)} ms`,
      ]),
    ),
  );

  const heap: Partial<Record<Mode, HeapDetail>> = {};
  if (process.env.BENCH_HEAP_DETAIL !== '0') {
    for (const mode of MODES) {
      heap[mode] = await heapDetail(mode, HEAP_DETAIL_CLIENTS);
      heading(`What one client adds to the ${mode} server's heap (${HEAP_DETAIL_CLIENTS} clients, shallow sizes from heap snapshots)`);
      console.log(
        table(
          ['kind of object', 'count per client', 'bytes per client'],
          heap[mode].map((d) => [d.what, fmt(d.countPerClient, 2), fmt(d.bytesPerClient)]),
        ),
      );
    }
  }

  heading('app ÷ bare');
  const ratios = LEVELS.map((clients) => {
    const app = results.find((r) => r.mode === 'app' && r.clients === clients)!;
    const bare = results.find((r) => r.mode === 'bare' && r.clients === clients)!;
    return {
      clients,
      steadyJoinP99: app.steadyJoin.p99 / bare.steadyJoin.p99,
      rampJoinP99: app.rampJoin.p99 / bare.rampJoin.p99,
      heapPerClient: app.heapPerClient / bare.heapPerClient,
      rssPerClient: app.rssPerClient / bare.rssPerClient,
      idleCpu: app.idleCpuPercent / bare.idleCpuPercent,
    };
  });
  console.log(
    table(
      ['clients', 'steady join p99', 'ramp join p99', 'heap/client', 'RSS/client', 'idle CPU'],
      ratios.map((r) => [
        r.clients,
        `${fmt(r.steadyJoinP99, 2)} ×`,
        `${fmt(r.rampJoinP99, 2)} ×`,
        `${fmt(r.heapPerClient, 2)} ×`,
        `${fmt(r.rssPerClient, 2)} ×`,
        `${fmt(r.idleCpu, 2)} ×`,
      ]),
    ),
  );

  const top = results.find((r) => r.mode === 'app' && r.clients === Math.max(...LEVELS));
  const targets = top && {
    clients: top.clients,
    steadyJoinP99Lt50: top.steadyJoin.p99 < 50,
    rampJoinP99Lt50: top.rampJoin.p99 < 50,
    heapPerClientLt6KB: top.heapPerClient < 6 * 1024,
  };
  if (top && targets) {
    heading(`Targets (app, ${top.clients} clients)`);
    console.log(
      table(
        ['target', 'measured', 'verdict'],
        [
          ['join p99 < 50 ms (steady state)', `${fmt(top.steadyJoin.p99, 1)} ms`, verdict(targets.steadyJoinP99Lt50)],
          ['join p99 < 50 ms (ramp, 200 joins at once)', `${fmt(top.rampJoin.p99, 1)} ms`, verdict(targets.rampJoinP99Lt50)],
          ['heap < 6 KB per client (6,144 B)', kb(top.heapPerClient), verdict(targets.heapPerClientLt6KB)],
        ],
      ),
    );
  }
  const foreignMax = Math.max(...results.map((r) => r.foreignCpuPercent));
  console.log(
    `\nOther processes used up to ${fmt(foreignMax)} % of the machine during a level (${fmt(quiet.foreignCpuPercent)} % before starting); ${repeated} levels were repeated because of them.`,
  );

  const file = await writeResult('signaling', {
    setup: {
      batch: BATCH,
      roomSize: ROOM_SIZE,
      idleSeconds: IDLE_SECONDS,
      probeRate: PROBE_RATE,
      probeSeconds: PROBE_SECONDS,
      transport: 'websocket',
    },
    quiet,
    levelsRepeatedBecauseDisturbed: repeated,
    results,
    heapDetail: { clients: HEAP_DETAIL_CLIENTS, ...heap },
    ratios,
    targets,
  });
  console.log(`wrote ${file}`);
});
