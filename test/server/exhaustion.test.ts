/**
 * Exhaustion attacks on loopback, each bounded in count and time (bench/exhaustion.ts runs the
 * same and reports the figures): the server cuts the attacker off, its memory stays within the
 * bound stated here, and an honest newcomer still joins. How fast is a figure in BENCHMARKS.md,
 * not an assertion here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { manyConnections, peerServerSlowReader, reachableHandles, socketIoSlowReader } from '../../bench/exhaustion.js';

/** Heap growth the server may show under any one of these attacks. */
const HEAP_GROWTH_BOUND_MIB = 64;

describe('exhaustion', { timeout: 120_000 }, () => {
  it('a PeerServer reader that never reads is cut off, and memory stays bounded', async () => {
    const r = await peerServerSlowReader();
    assert.ok((r.cutOff['{reason="slow-reader"}'] ?? 0) >= 1, JSON.stringify(r.cutOff));
    assert.ok(r.heapPeakMiB - r.heapBeforeMiB < HEAP_GROWTH_BOUND_MIB, `heap ${r.heapBeforeMiB} → ${r.heapPeakMiB} MiB`);
    assert.ok(r.honestJoined);
  });

  it('a Socket.IO reader that never reads is disconnected, and memory stays bounded', async () => {
    const r = await socketIoSlowReader();
    assert.ok((r.cutOff[',reason="buffer-full"}'] ?? 0) >= 1, JSON.stringify(r.cutOff));
    assert.ok(r.heapPeakMiB - r.heapBeforeMiB < HEAP_GROWTH_BOUND_MIB, `heap ${r.heapBeforeMiB} → ${r.heapPeakMiB} MiB`);
    assert.ok(r.honestJoined);
  });

  it('200 connections from one address: 100 of each kind are taken, the rest refused', async () => {
    const r = await manyConnections();
    assert.deepEqual(r.cutOff, {
      'socket.io accepted': 100,
      'socket.io refused': 100,
      'peerserver accepted': 100,
      'peerserver refused': 100,
    });
    assert.ok(r.heapPeakMiB - r.heapBeforeMiB < HEAP_GROWTH_BOUND_MIB, `heap ${r.heapBeforeMiB} → ${r.heapPeakMiB} MiB`);
    assert.ok(r.honestJoined, 'someone at another address still joins');
  });

  it('1,000 reachable handles re-registering: memory stays bounded and a ring still rings', async () => {
    const r = await reachableHandles();
    assert.equal(r.cutOff['honest ring rang'], 1);
    assert.ok(r.heapPeakMiB - r.heapBeforeMiB < HEAP_GROWTH_BOUND_MIB, `heap ${r.heapBeforeMiB} → ${r.heapPeakMiB} MiB`);
    assert.ok(r.honestJoined);
  });
});
