/**
 * Unit tests of the ringing rules added against exhaustion: the retry back-off (per caller
 * address and handle), and the indexes that keep every ringing event constant time, checked for
 * consistency and against the earlier scanning implementation on random sequences of events.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ErrorBody } from '../../protocol/contract.js';
import {
  RETRY_BASE_MS,
  RETRY_MAX_MS,
  RETRY_MEMORY_MS,
  RETRY_RECORDS_MAX,
  becomeReachable,
  dropSocket,
  endRing,
  handleOfSocket,
  newRingState,
  noteRingOutcome,
  retryKey,
  retryWaitMs,
  setBusy,
  startRing,
  waitText,
  type Reachable,
  type Ring,
  type RingState,
} from '../../server/rooms/ringing.js';

const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);
const message = (r: { ok: boolean; error?: { message: string } }) => (r.ok ? '' : r.error!.message);

let ringCount = 0;
const ring = (handle: string, callerSocket: string, at: number, callerAddress?: string): Ring => ({
  ringId: `r${++ringCount}`,
  handle,
  callerSocket,
  callerName: 'Caller',
  startedAt: at,
  callerAddress,
});

/** Every index agrees with the lists and the rings it indexes. */
function assertConsistent(state: RingState): void {
  let tabs = 0;
  for (const [handle, entry] of state.reachable) {
    assert.equal(entry.handle, handle);
    assert.ok(entry.sockets.length > 0, `${handle}: a handle without tabs is not reachable`);
    assert.equal(new Set(entry.sockets).size, entry.sockets.length, `${handle}: a tab listed twice`);
    entry.sockets.forEach((s, i) => assert.deepEqual([state.tabs.get(s)?.handle, state.tabs.get(s)?.slot], [handle, i], `tab ${s}`));
    assert.equal(new Set(entry.busySockets).size, entry.busySockets.length);
    entry.busySockets.forEach((s, i) => {
      assert.ok(entry.sockets.includes(s), `busy ${s} is one of ${handle}'s tabs`);
      assert.equal(state.tabs.get(s)?.busySlot, i, `busy slot of ${s}`);
    });
    tabs += entry.sockets.length;
  }
  assert.equal(state.tabs.size, tabs, 'every indexed socket is a listed tab');
  for (const [s, tab] of state.tabs) {
    if (tab.busySlot < 0) assert.ok(!state.reachable.get(tab.handle)!.busySockets.includes(s), `${s} is not busy`);
  }
  for (const [ringId, r] of state.rings) {
    assert.equal(r.ringId, ringId);
    assert.equal(state.ringByHandle.get(r.handle), ringId, `ring to ${r.handle}`);
    assert.equal(state.ringByCaller.get(r.callerSocket), ringId, `ring by ${r.callerSocket}`);
  }
  assert.equal(state.ringByHandle.size, state.rings.size);
  assert.equal(state.ringByCaller.size, state.rings.size);
}

/** A ring from `address` to bob, ended the way given, at `at`. */
function ringAndEnd(
  state: RingState,
  address: string,
  at: number,
  outcome: 'declined' | 'no-answer' | 'accepted' | 'cancelled',
  baseMs?: number,
  handle = 'bob',
) {
  const r = ring(handle, `c-${address}`, at, address);
  const started = startRing(state, r);
  assert.equal(code(started), 'ok', message(started));
  const by =
    outcome === 'no-answer'
      ? ('timeout' as const)
      : outcome === 'cancelled'
        ? { socketId: r.callerSocket, role: 'caller' as const }
        : { socketId: `${handle}-tab`, role: 'callee' as const };
  assert.equal(code(endRing(state, r.ringId, by)), 'ok');
  noteRingOutcome(state, r, outcome, at, baseMs);
}

function withBob(): RingState {
  const state = newRingState();
  becomeReachable(state, 'bob', 'Bob', 'device-bob', 'bob-tab');
  return state;
}

describe('retry back-off', () => {
  it('after a decline, the same caller address must wait 60 s; the refusal says for how long', () => {
    const state = withBob();
    ringAndEnd(state, '10.0.0.1', 1_000, 'declined');
    const again = startRing(state, ring('bob', 'new-socket', 1_000, '10.0.0.1'));
    assert.equal(code(again), 'rate-limited');
    assert.match(message(again), /You can call Bob again in 1 minute\b/);
    const later = startRing(state, ring('bob', 'new-socket', 1_000 + 15_500, '10.0.0.1'));
    assert.match(message(later), /You can call Bob again in 45 seconds/);
    assert.equal(code(startRing(state, ring('bob', 'new-socket', 1_000 + RETRY_BASE_MS - 1, '10.0.0.1'))), 'rate-limited');
    assert.equal(code(startRing(state, ring('bob', 'new-socket', 1_000 + RETRY_BASE_MS, '10.0.0.1'))), 'ok');
    assertConsistent(state);
  });

  it('after no answer too; a cancel by the caller does not count', () => {
    const state = withBob();
    ringAndEnd(state, '10.0.0.1', 0, 'cancelled');
    assert.equal(retryWaitMs(state, '10.0.0.1', 'bob', 0), 0);
    assert.equal(state.retries.size, 0);
    ringAndEnd(state, '10.0.0.1', 0, 'no-answer');
    assert.equal(retryWaitMs(state, '10.0.0.1', 'bob', 0), RETRY_BASE_MS);
    assert.equal(code(startRing(state, ring('bob', 'x', 30_000, '10.0.0.1'))), 'rate-limited');
  });

  it('doubles on each further declined or unanswered ring of the pair, capped at an hour', () => {
    const state = withBob();
    let at = 0;
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      ringAndEnd(state, '10.0.0.1', at, i % 2 ? 'declined' : 'no-answer');
      const wait = retryWaitMs(state, '10.0.0.1', 'bob', at);
      waits.push(wait / 1000);
      assert.equal(code(startRing(state, ring('bob', 'x', at + wait - 1, '10.0.0.1'))), 'rate-limited');
      at += wait; // rings again as soon as allowed
    }
    assert.deepEqual(waits, [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
    assert.match(message(startRing(state, ring('bob', 'x', at - RETRY_MAX_MS, '10.0.0.1'))), /again in 1 hour\b/);
    assert.match(message(startRing(state, ring('bob', 'x', at - 1_890_000, '10.0.0.1'))), /again in 32 minutes/);
  });

  it('an accepted ring clears the record: the next decline waits the base again', () => {
    const state = withBob();
    ringAndEnd(state, '10.0.0.1', 0, 'declined');
    ringAndEnd(state, '10.0.0.1', 60_000, 'declined');
    assert.equal(retryWaitMs(state, '10.0.0.1', 'bob', 60_000), 120_000);
    ringAndEnd(state, '10.0.0.1', 180_000, 'accepted');
    assert.equal(state.retries.size, 0);
    ringAndEnd(state, '10.0.0.1', 200_000, 'declined');
    assert.equal(retryWaitMs(state, '10.0.0.1', 'bob', 200_000), 60_000);
  });

  it('is keyed by caller address and handle: another address, or another handle, is not held back', () => {
    const state = withBob();
    becomeReachable(state, 'cy', 'Cy', 'device-cy', 'cy-tab');
    ringAndEnd(state, '10.0.0.1', 0, 'declined');
    assert.equal(
      code(startRing(state, ring('bob', 'other-socket-same-address', 1, '10.0.0.1'))),
      'rate-limited',
      'a new socket does not escape it',
    );
    const fromElsewhere = ring('bob', 'c2', 1, '10.0.0.2');
    assert.equal(code(startRing(state, fromElsewhere)), 'ok', 'another address');
    endRing(state, fromElsewhere.ringId, { socketId: 'c2', role: 'caller' });
    const toCy = ring('cy', 'c3', 1, '10.0.0.1');
    assert.equal(code(startRing(state, toCy)), 'ok', 'another handle');
    assert.deepEqual([...state.retries.keys()], [retryKey('10.0.0.1', 'bob')]);
    // Without an address (as in the plain rules tests) there is no back-off at all.
    endRing(state, toCy.ringId, 'timeout');
    noteRingOutcome(state, { ...toCy, callerAddress: undefined }, 'declined', 1);
    assert.equal(state.retries.size, 1);
  });

  it('the other refusals come first: busy and not reachable are still told as such', () => {
    const state = withBob();
    ringAndEnd(state, '10.0.0.1', 0, 'declined');
    setBusy(state, 'bob-tab', true);
    assert.equal(code(startRing(state, ring('bob', 'x', 1, '10.0.0.1'))), 'busy');
    dropSocket(state, 'bob-tab');
    assert.equal(code(startRing(state, ring('bob', 'x', 1, '10.0.0.1'))), 'not-reachable');
  });

  it('a short base (from the handler deps) is honoured', () => {
    const state = withBob();
    ringAndEnd(state, '10.0.0.1', 0, 'declined', 200);
    assert.equal(retryWaitMs(state, '10.0.0.1', 'bob', 0), 200);
    assert.equal(code(startRing(state, ring('bob', 'x', 199, '10.0.0.1'))), 'rate-limited');
    ringAndEnd(state, '10.0.0.1', 200, 'no-answer', 200);
    assert.equal(retryWaitMs(state, '10.0.0.1', 'bob', 200), 400);
  });

  it('forgets a pair an hour after its wait ended, and drops a forgotten record when touched', () => {
    const state = withBob();
    ringAndEnd(state, '10.0.0.1', 0, 'declined');
    ringAndEnd(state, '10.0.0.1', 60_000, 'declined');
    const forgetAt = 60_000 + 120_000 + RETRY_MEMORY_MS;
    assert.equal(retryWaitMs(state, '10.0.0.1', 'bob', forgetAt - 1), 0, 'the wait is over...');
    assert.equal(state.retries.size, 1, '...but the count is remembered');
    assert.equal(retryWaitMs(state, '10.0.0.1', 'bob', forgetAt), 0);
    assert.equal(state.retries.size, 0, 'dropped when touched');
    ringAndEnd(state, '10.0.0.1', forgetAt, 'declined');
    assert.equal(retryWaitMs(state, '10.0.0.1', 'bob', forgetAt), 60_000, 'counting starts over');
    // Recording also drops the oldest record once it is forgotten.
    ringAndEnd(state, '10.0.0.9', forgetAt + 60_000 + RETRY_MEMORY_MS, 'declined');
    assert.deepEqual([...state.retries.keys()], [retryKey('10.0.0.9', 'bob')]);
  });

  it(`keeps at most ${RETRY_RECORDS_MAX} records, dropping the least recently refused`, () => {
    const state = withBob();
    for (let i = 0; i <= RETRY_RECORDS_MAX; i++) {
      noteRingOutcome(state, ring('bob', 's', 0, `a${i}`), 'declined', i);
    }
    assert.equal(state.retries.size, RETRY_RECORDS_MAX);
    assert.equal(retryWaitMs(state, 'a0', 'bob', RETRY_RECORDS_MAX), 0, 'the oldest went');
    assert.ok(retryWaitMs(state, `a${RETRY_RECORDS_MAX}`, 'bob', RETRY_RECORDS_MAX) > 0);
    // A refusal again makes a pair the most recent: it is not the next to go.
    noteRingOutcome(state, ring('bob', 's', 0, 'a1'), 'declined', RETRY_RECORDS_MAX + 1);
    noteRingOutcome(state, ring('bob', 's', 0, 'new'), 'declined', RETRY_RECORDS_MAX + 2);
    assert.ok(retryWaitMs(state, 'a1', 'bob', RETRY_RECORDS_MAX + 2) > 0);
    assert.equal(retryWaitMs(state, 'a2', 'bob', RETRY_RECORDS_MAX + 2), 0);
    assert.equal(state.retries.size, RETRY_RECORDS_MAX);
  });

  it('tells the wait in words a person reads', () => {
    assert.equal(waitText(1), '1 second');
    assert.equal(waitText(45_000), '45 seconds');
    assert.equal(waitText(59_001), '1 minute');
    assert.equal(waitText(60_000), '1 minute');
    assert.equal(waitText(60_001), '2 minutes');
    assert.equal(waitText(3_600_000), '1 hour');
  });
});

describe('indexes', () => {
  it('stay consistent through drops, re-registrations, busy toggles and a socket switching handle', () => {
    const state = newRingState();
    becomeReachable(state, 'ada', 'Ada', 'dev-a', 's1');
    becomeReachable(state, 'ada', 'Ada', 'dev-a', 's2');
    becomeReachable(state, 'ada', 'Ada L.', 'dev-a', 's3');
    becomeReachable(state, 'ada', 'Ada L.', 'dev-a', 's2'); // again: no second entry
    assertConsistent(state);
    assert.deepEqual(state.reachable.get('ada')?.sockets, ['s1', 's2', 's3']);
    assert.equal(state.reachable.get('ada')?.name, 'Ada L.');
    setBusy(state, 's1', true);
    setBusy(state, 's3', true);
    setBusy(state, 's3', true);
    setBusy(state, 'stranger', true);
    assertConsistent(state);
    assert.deepEqual(state.reachable.get('ada')?.busySockets, ['s1', 's3']);
    dropSocket(state, 's1'); // busy and first: both lists move their last one in
    assertConsistent(state);
    assert.deepEqual(new Set(state.reachable.get('ada')?.sockets), new Set(['s2', 's3']));
    assert.deepEqual(state.reachable.get('ada')?.busySockets, ['s3']);
    setBusy(state, 's3', false);
    setBusy(state, 's2', true);
    assertConsistent(state);
    // s2 switches handle: it leaves ada (and its busy mark) behind.
    assert.equal(code(becomeReachable(state, 'bea', 'Bea', 'dev-a', 's2')), 'ok');
    assertConsistent(state);
    assert.equal(handleOfSocket(state, 's2'), 'bea');
    assert.deepEqual(state.reachable.get('ada')?.sockets, ['s3']);
    assert.deepEqual(state.reachable.get('ada')?.busySockets, []);
    assert.deepEqual(state.reachable.get('bea')?.busySockets, []);
    // A taken handle leaves the socket where it was.
    becomeReachable(state, 'cy', 'Cy', 'dev-c', 'c1');
    assert.equal(code(becomeReachable(state, 'cy', 'Cy?', 'dev-a', 's3')), 'handle-taken');
    assert.equal(handleOfSocket(state, 's3'), 'ada');
    assertConsistent(state);
    dropSocket(state, 's3');
    dropSocket(state, 's3');
    dropSocket(state, 'never-seen');
    assertConsistent(state);
    assert.equal(state.reachable.has('ada'), false);
    // Re-registration of a dropped socket and handle starts clean.
    becomeReachable(state, 'ada', 'Ada', 'dev-z', 's3');
    assertConsistent(state);
    assert.deepEqual(state.reachable.get('ada'), {
      handle: 'ada',
      name: 'Ada',
      deviceKey: 'dev-z',
      sockets: ['s3'],
      busySockets: [],
    } satisfies Reachable);
  });

  it('rings: one per handle, one per caller; dropping either side ends them and frees the indexes', () => {
    const state = newRingState();
    becomeReachable(state, 'bob', 'Bob', 'dev-b', 'b1');
    becomeReachable(state, 'bob', 'Bob', 'dev-b', 'b2');
    becomeReachable(state, 'cy', 'Cy', 'dev-c', 'c1');
    const r1 = ring('bob', 'x1', 0);
    assert.equal(code(startRing(state, r1)), 'ok');
    assert.equal(code(startRing(state, ring('bob', 'x2', 0))), 'busy');
    const already = startRing(state, ring('cy', 'x1', 0));
    assert.equal(code(already), 'rate-limited');
    assert.equal(message(already), 'You are already calling someone');
    assertConsistent(state);
    // One of two tabs closes: the ring goes on.
    assert.deepEqual(dropSocket(state, 'b1'), { placed: [], orphaned: [] });
    assert.equal(code(endRing(state, r1.ringId, { socketId: 'b1', role: 'callee' })), 'no-such-ring', 'a closed tab cannot answer');
    assertConsistent(state);
    // The last tab closes: the ring ends for the caller (orphaned).
    assert.deepEqual(dropSocket(state, 'b2'), { placed: [], orphaned: [r1] });
    assertConsistent(state);
    assert.equal(state.rings.size, 0);
    // The caller closes: its ring ends for the callee (placed).
    const r2 = ring('cy', 'x1', 0);
    assert.equal(code(startRing(state, r2)), 'ok');
    assert.deepEqual(dropSocket(state, 'x1'), { placed: [r2], orphaned: [] });
    assertConsistent(state);
    // A callee's only tab moving to another handle ends the ring to the old one.
    const r3 = ring('cy', 'x3', 0);
    startRing(state, r3);
    const moved = becomeReachable(state, 'cy2', 'Cy', 'dev-c', 'c1');
    assert.deepEqual(moved.ok && moved.value.orphaned, [r3]);
    assertConsistent(state);
    assert.equal(state.rings.size, 0);
    assert.equal(code(startRing(state, ring('cy2', 'c1', 0))), 'invalid-payload', 'no calling yourself');
  });

  it('agree with the earlier scanning rules on random sequences of events', () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const random = mulberry32(seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
      const state = newRingState();
      const reference = new ScanningRules();
      const sockets = Array.from({ length: 10 }, (_, i) => `s${i}`);
      const handles = ['ada', 'bob', 'cy', 'dee'];
      const devices = ['dev-1', 'dev-2', 'dev-3'];
      for (let step = 0; step < 3000; step++) {
        const op = pick(['reach', 'reach', 'drop', 'busy', 'ring', 'ring', 'end'] as const);
        const where = `seed ${seed} step ${step} ${op}`;
        if (op === 'reach') {
          const args = [pick(handles), pick(['A', 'B']), pick(devices), pick(sockets)] as const;
          const got = becomeReachable(state, ...args);
          const want = reference.becomeReachable(...args);
          assert.equal(code(got), code(want.result), where);
          assert.deepEqual(got.ok ? got.value.orphaned.map((r) => r.ringId) : [], want.orphaned, where);
        } else if (op === 'drop') {
          const s = pick(sockets);
          const got = dropSocket(state, s);
          const want = reference.forgetSocket(s);
          assert.deepEqual([got.placed.map((r) => r.ringId), got.orphaned.map((r) => r.ringId)], [want.placed, want.orphaned], where);
        } else if (op === 'busy') {
          const [s, busy] = [pick(sockets), random() < 0.5];
          setBusy(state, s, busy);
          reference.setBusy(s, busy);
        } else if (op === 'ring') {
          const r = ring(pick([...handles, 'nobody']), pick(sockets), step);
          assert.equal(code(startRing(state, r)), code(reference.startRing({ ...r })), where);
        } else {
          const ids = [...reference.rings.keys(), 'r-none'];
          const ringId = pick(ids);
          const by = random() < 0.3 ? ('timeout' as const) : { socketId: pick(sockets), role: pick(['caller', 'callee'] as const) };
          assert.equal(code(endRing(state, ringId, by)), code(reference.endRing(ringId, by)), where);
        }
        assertConsistent(state);
        assert.deepEqual(observable(state), observable(reference), where);
      }
    }
  });
});

/** What the rules expose, with the order of tabs left out (it is not part of the rules). */
function observable(state: Pick<RingState, 'reachable' | 'rings'>) {
  const reachable = [...state.reachable.values()]
    .map((r) => ({ ...r, sockets: [...r.sockets].sort(), busySockets: [...r.busySockets].sort() }))
    .sort((a, b) => a.handle.localeCompare(b.handle));
  const rings = [...state.rings.values()].sort((a, b) => a.ringId.localeCompare(b.ringId));
  return { reachable, rings };
}

/**
 * The rules as they were before the indexes (scanning every handle and every ring), with the
 * adapter's clean-up of rings to a handle that lost its last tab. One deliberate difference: that
 * clean-up ran on any socket's disconnect, so a ring to a handle whose only tab moved to another
 * handle lingered until then (or its timeout); the new rules end it at once, so the reference
 * runs the clean-up after becomeReachable too.
 */
class ScanningRules {
  reachable = new Map<string, Reachable>();
  rings = new Map<string, Ring>();

  becomeReachable(
    handle: string,
    name: string,
    deviceKey: string,
    socketId: string,
  ): { result: { ok: boolean; error?: ErrorBody }; orphaned: string[] } {
    const current = this.reachable.get(handle);
    if (current && current.deviceKey !== deviceKey)
      return { result: { ok: false, error: { code: 'handle-taken', message: '' } }, orphaned: [] };
    for (const other of [...this.reachable.values()]) if (other.handle !== handle) this.#removeSocket(other, socketId);
    const entry: Reachable = current ?? { handle, name, deviceKey, sockets: [], busySockets: [] };
    entry.name = name;
    if (!entry.sockets.includes(socketId)) entry.sockets.push(socketId);
    this.reachable.set(handle, entry);
    return { result: { ok: true }, orphaned: this.#endOrphaned() };
  }

  forgetSocket(socketId: string): { placed: string[]; orphaned: string[] } {
    for (const entry of [...this.reachable.values()]) this.#removeSocket(entry, socketId);
    const placed = [...this.rings.values()].filter((r) => r.callerSocket === socketId);
    placed.forEach((r) => this.rings.delete(r.ringId));
    return { placed: placed.map((r) => r.ringId), orphaned: this.#endOrphaned() };
  }

  #endOrphaned(): string[] {
    const ended: string[] = [];
    for (const [ringId, r] of this.rings) {
      if (!this.reachable.has(r.handle)) {
        this.rings.delete(ringId);
        ended.push(ringId);
      }
    }
    return ended;
  }

  #removeSocket(entry: Reachable, socketId: string) {
    entry.sockets = entry.sockets.filter((s) => s !== socketId);
    entry.busySockets = entry.busySockets.filter((s) => s !== socketId);
    if (!entry.sockets.length) this.reachable.delete(entry.handle);
  }

  setBusy(socketId: string, busy: boolean): void {
    for (const entry of this.reachable.values()) {
      if (!entry.sockets.includes(socketId)) continue;
      entry.busySockets = entry.busySockets.filter((s) => s !== socketId);
      if (busy) entry.busySockets.push(socketId);
    }
  }

  startRing(ring: Ring): { ok: boolean; error?: { code: string } } {
    const callee = this.reachable.get(ring.handle);
    if (!callee) return { ok: false, error: { code: 'not-reachable' } };
    if (callee.sockets.includes(ring.callerSocket)) return { ok: false, error: { code: 'invalid-payload' } };
    const alreadyRinging = [...this.rings.values()].some((r) => r.handle === ring.handle);
    if (callee.busySockets.length || alreadyRinging) return { ok: false, error: { code: 'busy' } };
    if ([...this.rings.values()].some((r) => r.callerSocket === ring.callerSocket)) return { ok: false, error: { code: 'rate-limited' } };
    this.rings.set(ring.ringId, ring);
    return { ok: true };
  }

  endRing(ringId: string, by: { socketId: string; role: 'caller' | 'callee' } | 'timeout'): { ok: boolean; error?: { code: string } } {
    const ring = this.rings.get(ringId);
    if (!ring) return { ok: false, error: { code: 'no-such-ring' } };
    const callee = this.reachable.get(ring.handle);
    if (by !== 'timeout') {
      const allowed = by.role === 'caller' ? ring.callerSocket === by.socketId : !!callee?.sockets.includes(by.socketId);
      if (!allowed) return { ok: false, error: { code: 'no-such-ring' } };
    }
    this.rings.delete(ringId);
    return { ok: true };
  }
}

/** A small seeded generator, so a failing sequence can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
