/**
 * Signaling capacity across nodes: real socket.io-client clients in rooms of 4 against the room
 * handlers (bench/signaling-server.ts), in three set-ups measured in one run on one machine:
 *
 * - `one node, memory`: the embedded default (the reference);
 * - `one node, Redis`: the same node with everything shared through Redis;
 * - `two nodes, Redis`: two such nodes on one Redis, clients alternating between them, so every
 *   room of 4 has two people on each node and every broadcast crosses nodes.
 *
 *   npm run bench:cluster
 *   BENCH_CLIENTS=2000 node --import tsx bench/cluster.ts
 *
 * Per set-up: join ack p50/p99 while ramping up (batches of 200 joins at once) and at steady state
 * (one member of a room leaves and joins again, 100 times a second for 5 s), heap and RSS per
 * client summed over the nodes (after a full GC, minus the empty nodes), and Redis's idle load
 * with everyone connected (commands a second over 20 s: heartbeats, binding refreshes, the
 * adapter). Then, on a quiet node with 400 clients, Redis's own per-command counts
 * (INFO commandstats) over 100 leaves and joins one after another: what one costs.
 */
import { performance } from 'node:perf_hooks';
import { createClient } from '@redis/client';
import { startRedis } from '../test/helpers/redis.js';
import { connectSocket, type ClientSocket } from '../test/helpers/server.js';
import { fmt, heading, runMain, sleep, summarize, table, waitForQuiet, writeResult, type Summary } from './lib.js';
import {
  ROOM_SIZE,
  clientsOf,
  join,
  leavesAndJoins,
  rampUp,
  startBenchServer,
  warmUp,
  type BenchServer,
  type Mode,
} from './signaling-lib.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 10_000);
const PROBE_RATE = 100;
const PROBE_SECONDS = 5;

interface Setup {
  name: string;
  mode: Mode;
  nodes: number;
}

const SETUPS: Setup[] = [
  { name: 'one node, memory', mode: 'app', nodes: 1 },
  { name: 'one node, Redis', mode: 'redis', nodes: 1 },
  { name: 'two nodes, Redis', mode: 'redis', nodes: 2 },
];

interface Result {
  setup: string;
  clients: number;
  rampJoin: Summary;
  steadyJoin: Summary;
  heapPerClient: number;
  rssPerClient: number;
  /** Redis commands a second with everyone connected and silent. */
  redisIdlePerSecond: number | undefined;
}

async function measure(setup: Setup, redisUrl: string): Promise<Result> {
  const redis = createClient({ url: redisUrl });
  await redis.connect();
  await redis.sendCommand(['FLUSHALL']);
  const commands = async () => Number(/total_commands_processed:(\d+)/.exec(String(await redis.sendCommand(['INFO', 'stats'])))?.[1]);
  const servers: BenchServer[] = [];
  const sockets: ClientSocket[] = [];
  try {
    for (let n = 0; n < setup.nodes; n++) servers.push(await startBenchServer(setup.mode, { REDIS_URL: redisUrl, NODE_ID: `bench-${n}` }));
    // Alternating between the nodes: with two, every room has two people on each.
    const urls = servers.map((s) => s.url);
    const tag = Date.now().toString(36);
    const members = clientsOf(urls, tag);
    await warmUp(clientsOf(urls, tag, 'warm'));
    await sleep(1500);
    const base = await Promise.all(servers.map((s) => s.stats({ gc: true })));

    const ramp = (await rampUp(CLIENTS, members, sockets)).flat();
    await sleep(2000);
    const loaded = await Promise.all(servers.map((s) => s.stats({ gc: true })));

    // Redis's idle load (heartbeats, binding refreshes every ~18 s, the adapter's reads) over 20 s.
    const idle0 = await commands();
    const idleStarted = performance.now();
    await sleep(20_000);
    const idlePerSecond = (((await commands()) - idle0) / (performance.now() - idleStarted)) * 1000;

    const steady = await leavesAndJoins(sockets, members, PROBE_RATE, PROBE_SECONDS);
    const sum = (list: typeof base, key: 'heapUsed' | 'rss') => list.reduce((acc, s) => acc + s.memory[key], 0);
    return {
      setup: setup.name,
      clients: CLIENTS,
      rampJoin: summarize(ramp),
      steadyJoin: summarize(steady),
      heapPerClient: (sum(loaded, 'heapUsed') - sum(base, 'heapUsed')) / CLIENTS,
      rssPerClient: (sum(loaded, 'rss') - sum(base, 'rss')) / CLIENTS,
      redisIdlePerSecond: setup.mode === 'redis' ? idlePerSecond : undefined,
    };
  } finally {
    for (const server of servers) await server.kill();
    for (const socket of sockets) socket.close();
    await redis.close();
    await sleep(1500);
  }
}

/** Redis's per-command counts for one leave and join, on a quiet node with 400 clients in rooms of 4. */
async function commandsPerJoin(redisUrl: string): Promise<Record<string, number>> {
  const redis = createClient({ url: redisUrl });
  await redis.connect();
  await redis.sendCommand(['FLUSHALL']);
  const server = await startBenchServer('redis', { REDIS_URL: redisUrl, NODE_ID: 'bench-breakdown' });
  const sockets = await Promise.all(Array.from({ length: 400 }, () => connectSocket(server.url, { forceNew: true })));
  try {
    await Promise.all(sockets.map((s, i) => join(s, `room-${Math.floor(i / ROOM_SIZE)}`, `bx${i}`, i)));
    await sleep(1000);
    const stats = async () => {
      const counts: Record<string, number> = {};
      for (const [, name, calls] of String(await redis.sendCommand(['INFO', 'commandstats'])).matchAll(/^cmdstat_(\S+):calls=(\d+)/gm)) {
        counts[name!] = Number(calls);
      }
      return counts;
    };
    const before = await stats();
    const rounds = 100;
    for (let k = 0; k < rounds; k++) {
      const i = k * ROOM_SIZE;
      await sockets[i]!.timeout(10_000).emitWithAck('leave-room');
      await join(sockets[i]!, `room-${k}`, `bx${i}`, i);
    }
    const after = await stats();
    const perJoin: Record<string, number> = {};
    for (const [name, calls] of Object.entries(after)) {
      const spent = (calls - (before[name] ?? 0)) / rounds;
      if (spent >= 0.05 && name !== 'info') perJoin[name] = Math.round(spent * 100) / 100;
    }
    return perJoin;
  } finally {
    await server.kill();
    for (const socket of sockets) socket.close();
    await redis.close();
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KiB`;

runMain(async () => {
  const redis = await startRedis();
  const results: Result[] = [];
  let breakdown: Record<string, number> = {};
  try {
    for (const setup of SETUPS) {
      await waitForQuiet();
      console.log(`  ${setup.name}: ${CLIENTS} clients…`);
      const result = await measure(setup, redis.url);
      console.log(`  ${setup.name}: steady join p99 ${fmt(result.steadyJoin.p99, 1)} ms, heap ${kb(result.heapPerClient)}/client`);
      results.push(result);
    }
    await waitForQuiet();
    breakdown = await commandsPerJoin(redis.url);
  } finally {
    await redis.stop();
  }
  const reference = results[0]!;
  heading(`Signaling across nodes: ${CLIENTS} clients in rooms of 4 (ratios: against one node in memory, same run)`);
  console.log(
    table(
      [
        'set-up',
        'ramp join p50 / p99',
        'steady join p50 / p99',
        'steady p99 ÷ memory',
        'heap / client',
        'RSS / client',
        'Redis idle commands/s',
      ],
      results.map((r) => [
        r.setup,
        `${fmt(r.rampJoin.median, 1)} / ${fmt(r.rampJoin.p99, 1)} ms`,
        `${fmt(r.steadyJoin.median, 1)} / ${fmt(r.steadyJoin.p99, 1)} ms`,
        `${fmt(r.steadyJoin.p99 / reference.steadyJoin.p99, 2)} ×`,
        kb(r.heapPerClient),
        kb(r.rssPerClient),
        r.redisIdlePerSecond === undefined ? '–' : fmt(r.redisIdlePerSecond, 0),
      ]),
    ),
  );
  const total = Object.values(breakdown).reduce((a, b) => a + b, 0);
  heading(
    `Redis commands for one leave and one join (INFO commandstats, 100 of each; commands inside Lua scripts counted): ${fmt(total, 1)}`,
  );
  console.log(
    table(
      ['command', 'per leave + join'],
      Object.entries(breakdown)
        .sort((a, b) => b[1] - a[1])
        .map(([name, calls]) => [name, fmt(calls, 2)]),
    ),
  );
  await writeResult('cluster', { clients: CLIENTS, results, commandsPerLeaveAndJoin: breakdown });
});
