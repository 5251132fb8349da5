/**
 * What a ringing event costs the event loop as more people are reachable: the pure ringing rules
 * (server/signaling/ringing.ts, what the Socket.IO handlers call) on a state filled with 1,000 and
 * 10,000 reachable handles of one tab each, with a ring in progress for one handle in ten.
 *
 *   node --import tsx bench/ringing.ts
 *   node --expose-gc --import tsx bench/ringing.ts   (heap figures after a full GC)
 *   BENCH_LEVELS=1000,10000,100000 node --import tsx bench/ringing.ts
 *
 * Per level, the median and p99 of single calls timed with process.hrtime.bigint():
 * - disconnect: dropSocket of a reachable tab, and what the handler's forgetSocket does with its
 *   result besides emitting (the callee lookup of each placed ring, the back-off note of each
 *   orphaned one);
 * - re-registration: becomeReachable of an existing handle from a new socket;
 * - ring start + end: startRing, endRing (declined by the callee) and noteRingOutcome;
 * and the heap one reachable handle takes, and one back-off record. Writes
 * bench/results/ringing.json. Takes a few seconds.
 */
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  RETRY_RECORDS_MAX,
  becomeReachable,
  dropSocket,
  endRing,
  newRingState,
  noteRingOutcome,
  startRing,
  type RingState,
} from '../server/rooms/ringing.js';
import { fmt, heading, runMain, summarize, table, writeResult, type Summary } from './lib.js';

const LEVELS = (process.env.BENCH_LEVELS ?? '1000,10000').split(',').map(Number);
const SAMPLES = 20_000;
const WARMUP = 2_000;

const socketId = () => randomBytes(15).toString('base64url'); // 20 characters, like Socket.IO's
const deviceKey = () => randomBytes(16).toString('base64url');
const handleOf = (i: number) => `person-${String(i).padStart(6, '0')}`;

/** A full GC, when one can be had: --expose-gc, or the V8 flag set at run time. */
function collector(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}
const gc = collector();

interface Level {
  handles: number;
  state: RingState;
  /** The socket of each handle, by index. */
  sockets: string[];
  devices: string[];
}

function fill(handles: number, rings = true): Level {
  const state = newRingState();
  const sockets: string[] = [];
  const devices: string[] = [];
  for (let i = 0; i < handles; i++) {
    sockets.push(socketId());
    devices.push(deviceKey());
    becomeReachable(state, handleOf(i), `Person ${i}`, devices[i]!, sockets[i]!);
  }
  // One handle in ten is being rung, by callers that are not reachable themselves.
  for (let i = 0; rings && i < handles; i += 10) {
    startRing(state, {
      ringId: `bg${i}`,
      handle: handleOf(i),
      callerSocket: `caller-${i}`,
      callerName: 'Caller',
      startedAt: 0,
      callerAddress: `10.1.${i >> 8}.${i & 255}`,
    });
  }
  return { handles, state, sockets, devices };
}

function time(samples: number, setup: (i: number) => void, work: (i: number) => void, teardown: (i: number) => void): Summary {
  const micros: number[] = [];
  for (let i = 0; i < WARMUP + samples; i++) {
    setup(i);
    const start = process.hrtime.bigint();
    work(i);
    const ns = process.hrtime.bigint() - start;
    teardown(i);
    if (i >= WARMUP) micros.push(Number(ns) / 1000);
  }
  return summarize(micros);
}

/** A handle without a ring in progress (the background rings are on every tenth). */
const quietIndex = (level: Level, i: number) => {
  const n = (i * 7919) % level.handles;
  return n % 10 === 0 ? n + 1 : n;
};

function measureDisconnect(level: Level): Summary {
  const { state, sockets, devices } = level;
  let index = 0;
  return time(
    SAMPLES,
    (i) => (index = quietIndex(level, i)),
    () => {
      const { placed, orphaned } = dropSocket(state, sockets[index]!);
      for (const r of placed) state.reachable.get(r.handle);
      for (const r of orphaned) noteRingOutcome(state, r, 'no-answer', 0);
    },
    () => {
      // The same person comes back on a new tab, so the level stays full.
      sockets[index] = socketId();
      becomeReachable(state, handleOf(index), `Person ${index}`, devices[index]!, sockets[index]!);
    },
  );
}

function measureReregistration(level: Level): Summary {
  const { state, sockets, devices } = level;
  let index = 0;
  let fresh = '';
  return time(
    SAMPLES,
    (i) => {
      index = quietIndex(level, i);
      fresh = socketId();
    },
    () => becomeReachable(state, handleOf(index), `Person ${index}`, devices[index]!, fresh),
    () => {
      dropSocket(state, sockets[index]!); // the old tab closes
      sockets[index] = fresh;
    },
  );
}

function measureRing(level: Level): Summary {
  const { state, sockets } = level;
  let index = 0;
  return time(
    SAMPLES,
    (i) => (index = quietIndex(level, i)),
    (i) => {
      const ring = {
        ringId: `r${i}`,
        handle: handleOf(index),
        callerSocket: `c${i}`,
        callerName: 'Caller',
        startedAt: i,
        callerAddress: `10.2.${(i >> 8) & 255}.${i & 255}`,
      };
      const started = startRing(state, ring);
      if (!started.ok) throw new Error(`ring ${i}: ${started.error.code}`);
      const ended = endRing(state, ring.ringId, { socketId: sockets[index]!, role: 'callee' });
      if (!ended.ok) throw new Error(`end ${i}: ${ended.error.code}`);
      noteRingOutcome(state, ring, 'declined', i);
    },
    () => {},
  );
}

function heapUsed(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

/** Heap per reachable handle (one tab), and per back-off record, after a full GC. */
function measureHeap(handles: number): { perHandle: number; perRetryRecord: number } | undefined {
  if (!gc) return undefined;
  const before = heapUsed(); // the level's own arrays of ids are counted too: 16 B per handle
  const level = fill(handles, false);
  const filled = heapUsed();
  for (let i = 0; i < RETRY_RECORDS_MAX; i++) {
    noteRingOutcome(
      level.state,
      {
        ringId: 'x',
        handle: handleOf(i % handles),
        callerSocket: 'x',
        callerName: 'x',
        startedAt: 0,
        callerAddress: `10.3.${i >> 8}.${i & 255}`,
      },
      'declined',
      0,
    );
  }
  const withRecords = heapUsed();
  if (level.state.reachable.size !== handles || level.state.retries.size !== RETRY_RECORDS_MAX) throw new Error('state not as filled');
  return { perHandle: (filled - before) / handles, perRetryRecord: (withRecords - filled) / RETRY_RECORDS_MAX };
}

async function main(): Promise<void> {
  const started = Date.now();
  const results: Array<{
    handles: number;
    disconnect: Summary;
    reregistration: Summary;
    ringStartEnd: Summary;
    heap: ReturnType<typeof measureHeap>;
  }> = [];
  for (const handles of LEVELS) {
    const heap = measureHeap(handles);
    const level = fill(handles);
    const disconnect = measureDisconnect(level);
    const reregistration = measureReregistration(level);
    const ringStartEnd = measureRing(level);
    if (level.state.reachable.size !== handles) throw new Error(`expected ${handles} reachable, found ${level.state.reachable.size}`);
    results.push({ handles, disconnect, reregistration, ringStartEnd, heap });
  }

  heading(`Ringing rules: cost of one event (µs, ${SAMPLES} samples each)`);
  const us = (s: Summary) => `${fmt(s.median, 2)} / ${fmt(s.p99, 2)}`;
  console.log(
    table(
      [
        'reachable handles',
        'disconnect median / p99',
        're-registration median / p99',
        'ring start+end median / p99',
        'heap per handle',
        'heap per back-off record',
      ],
      results.map((r) => [
        r.handles.toLocaleString('en'),
        us(r.disconnect),
        us(r.reregistration),
        us(r.ringStartEnd),
        r.heap ? `${fmt(r.heap.perHandle)} B` : 'no gc',
        r.heap ? `${fmt(r.heap.perRetryRecord)} B` : 'no gc',
      ]),
    ),
  );
  const file = await writeResult('ringing', {
    unit: { time: 'µs per call', heap: 'bytes' },
    samples: SAMPLES,
    gc: gc ? 'full GC before each heap reading' : 'unavailable: heap not measured',
    levels: results,
    seconds: (Date.now() - started) / 1000,
  });
  console.log(`\nwrote ${file} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

runMain(main);
