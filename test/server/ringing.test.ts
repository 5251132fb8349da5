/** Ringing a person: the rules, then every outcome over real Socket.IO clients. */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Server } from 'socket.io';
import { loadConfig } from '../../server/config.js';
import type { Ack, JoinedRoom, RingEnd } from '../../protocol/contract.js';
import { defineRingHandlers, type RingDeps } from '../../server/signaling/ring-handlers.js';
import { HandlerTable, type Registry, type RoomHandlerDeps, type RoomServer } from '../../server/signaling/context.js';
import {
  becomeReachable,
  dropNode,
  dropSocket,
  endRing,
  newRingState,
  normalizeHandle,
  setBusy,
  startRing,
} from '../../server/rooms/ringing.js';
import { MemoryRingStore } from '../../server/rooms/store.js';
import { connectPeer, connectSocket, once, startServer, uniqueId, type ClientSocket, type TestServer } from '../helpers/server.js';

const ring = (ringId: string, handle: string, callerSocket: string) => ({
  ringId,
  handle,
  callerSocket,
  callerName: 'Caller',
  startedAt: 0,
});
const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);

describe('ringing rules', () => {
  it('rings for 30 s by default, and lists nobody unless the directory is turned on', () => {
    const config = loadConfig({});
    assert.equal(config.ringTimeoutMs, 30_000);
    assert.equal(config.ringDirectory, false);
    assert.equal(loadConfig({ RING_DIRECTORY: 'on' }).ringDirectory, true);
    assert.throws(() => loadConfig({ RING_DIRECTORY: 'maybe' }), /RING_DIRECTORY/);
  });

  it('normalizes handles and keeps them unique among reachable people', () => {
    assert.equal(normalizeHandle(' @Ada_1 '), 'ada_1');
    assert.equal(normalizeHandle('a'), undefined);
    assert.equal(normalizeHandle('has space'), undefined);
    assert.equal(normalizeHandle('<script>'), undefined);
    const state = newRingState();
    assert.equal(code(becomeReachable(state, 'ada', 'Ada', 'device-a1', 's1')), 'ok');
    assert.equal(code(becomeReachable(state, 'ada', 'Imposter', 'device-b1', 's2')), 'handle-taken');
    // Another tab of the same browser shares the handle.
    assert.equal(code(becomeReachable(state, 'ada', 'Ada', 'device-a1', 's3')), 'ok');
    assert.deepEqual(state.reachable.get('ada')?.sockets, ['s1', 's3']);
    dropSocket(state, 's1');
    dropSocket(state, 's3');
    assert.equal(state.reachable.has('ada'), false, 'the last tab closing frees the handle');
  });

  it('a lost node takes its tabs and its callers’ rings with it, and nothing else', () => {
    const state = newRingState();
    becomeReachable(state, 'bob', 'Bob', 'device-b1', 'b1', 'node-x'); // Bob's only tab, on the lost node
    becomeReachable(state, 'cy', 'Cy', 'device-c1', 'c1', 'node-x');
    becomeReachable(state, 'cy', 'Cy', 'device-c1', 'c2', 'node-y'); // Cy also has a tab elsewhere
    assert.equal(code(startRing(state, { ...ring('r1', 'bob', 'caller-y'), callerNode: 'node-y' })), 'ok');
    assert.equal(code(startRing(state, { ...ring('r2', 'cy', 'caller-x'), callerNode: 'node-x' })), 'ok');
    const dropped = dropNode(state, 'node-x');
    assert.deepEqual(
      dropped.orphaned.map((r) => r.ringId),
      ['r1'],
      'the ring to Bob ends: his last tab is gone',
    );
    assert.deepEqual(
      dropped.placed.map((r) => r.ringId),
      ['r2'],
      'the ring its caller placed ends',
    );
    assert.equal(state.reachable.has('bob'), false);
    assert.deepEqual(state.reachable.get('cy')?.sockets, ['c2'], "Cy's tab on another node stays");
    assert.equal(state.rings.size, 0);
    assert.deepEqual(dropNode(state, 'node-x'), { placed: [], orphaned: [] });
  });

  it('rings: not reachable, busy in a call, busy being rung, and only the right side may end a ring', () => {
    const state = newRingState();
    becomeReachable(state, 'bob', 'Bob', 'device-b1', 'b1');
    assert.equal(code(startRing(state, ring('r0', 'nobody', 'c1'))), 'not-reachable');
    assert.equal(code(startRing(state, ring('r1', 'bob', 'c1'))), 'ok');
    assert.equal(code(startRing(state, ring('r2', 'bob', 'c2'))), 'busy', 'already being rung');
    assert.equal(code(endRing(state, 'r1', { socketId: 'c2', role: 'caller' })), 'no-such-ring');
    assert.equal(code(endRing(state, 'r1', { socketId: 'c1', role: 'callee' })), 'no-such-ring');
    assert.equal(code(endRing(state, 'r1', { socketId: 'b1', role: 'callee' })), 'ok');
    assert.equal(code(endRing(state, 'r1', { socketId: 'b1', role: 'callee' })), 'no-such-ring', 'answered once');
    setBusy(state, 'b1', true);
    assert.equal(code(startRing(state, ring('r3', 'bob', 'c1'))), 'busy');
    setBusy(state, 'b1', false);
    assert.equal(code(startRing(state, ring('r4', 'bob', 'b1'))), 'invalid-payload', 'no calling yourself');
  });
});

describe('ringing over Socket.IO', () => {
  let server: TestServer;
  const sockets: ClientSocket[] = [];
  const open = async () => {
    const s = await connectSocket(server.url);
    sockets.push(s);
    return s;
  };
  const reachable = async (handle: string, name: string, deviceKey = `device-${handle}`) => {
    const s = await open();
    const ack = (await s.emitWithAck('become-reachable', handle, { name, deviceKey })) as Ack<{ handle: string }>;
    assert.ok(ack.ok, JSON.stringify(ack));
    return s;
  };
  before(async () => {
    server = await startServer({ RING_TIMEOUT_SECONDS: '5', RATE_JOIN_BURST: '100' });
  });
  after(async () => {
    sockets.forEach((s) => s.close());
    await server.close();
  });

  it('accepted: both get the same private room, which only their tickets open', async () => {
    const callee = await reachable('carol', 'Carol');
    const otherTab = await open();
    await otherTab.emitWithAck('become-reachable', 'carol', { name: 'Carol', deviceKey: 'device-carol' });
    const caller = await open();
    const incoming = once<[{ ringId: string; callerName: string }]>(callee, 'incoming-ring');
    const otherTabRings = once<[{ ringId: string }]>(otherTab, 'incoming-ring');
    const started = (await caller.emitWithAck('ring', 'Carol', { name: 'Dave' })) as Ack<{ ringId: string; calleeName: string }>;
    assert.ok(started.ok && started.data.calleeName === 'Carol');
    const [{ ringId, callerName }] = await incoming;
    assert.equal(callerName, 'Dave');
    await otherTabRings;
    const callerHears = once<[RingEnd]>(caller, 'ring-ended');
    const otherTabHears = once<[RingEnd]>(otherTab, 'ring-ended');
    const answer = (await callee.emitWithAck('answer-ring', ringId, true)) as Ack<RingEnd>;
    assert.ok(answer.ok && answer.data.outcome === 'accepted');
    const [end] = await callerHears;
    assert.equal(end.outcome, 'accepted');
    assert.equal(end.roomId, answer.data.roomId);
    assert.equal((await otherTabHears)[0].outcome, 'answered-elsewhere');

    // Only the two tickets open the room; a third person can neither join nor knock.
    const join = async (ticket?: string) => {
      const s = await open();
      const p = await connectPeer(server.url, uniqueId());
      return (await s.emitWithAck('join-room', end.roomId!, p.id, { peerToken: p.token, ticket })) as Ack<JoinedRoom>;
    };
    assert.ok((await join(end.ticket)).ok);
    const stranger = await join();
    assert.equal(!stranger.ok && stranger.error.message, 'This is a private call');
    assert.ok((await join(answer.data.ticket)).ok);
    const knock = (await (await open()).emitWithAck('knock', end.roomId!, { name: 'Nosy' })) as Ack<unknown>;
    assert.equal(knock.ok, false);
  });

  it('declined, busy, not reachable, taken handle', async () => {
    const callee = await reachable('erin', 'Erin');
    const caller = await open();
    const incoming = once<[{ ringId: string }]>(callee, 'incoming-ring');
    await caller.emitWithAck('ring', 'erin', { name: 'Fred' });
    const ended = once<[RingEnd]>(caller, 'ring-ended');
    await callee.emitWithAck('answer-ring', (await incoming)[0].ringId, false);
    assert.equal((await ended)[0].outcome, 'declined');

    callee.emit('set-busy', true);
    await new Promise((r) => setTimeout(r, 50));
    const busy = (await caller.emitWithAck('ring', 'erin', { name: 'Fred' })) as Ack<unknown>;
    assert.equal(!busy.ok && busy.error.code, 'busy');
    assert.match((!busy.ok && busy.error.message) || '', /Erin is in another call/);

    const nobody = (await caller.emitWithAck('ring', 'nobody-here', {})) as Ack<unknown>;
    assert.equal(!nobody.ok && nobody.error.code, 'not-reachable');
    const taken = (await (
      await open()
    ).emitWithAck('become-reachable', 'erin', { name: 'X', deviceKey: 'another-device' })) as Ack<unknown>;
    assert.equal(!taken.ok && taken.error.code, 'handle-taken');
  });

  it('cancelled by the caller stops the ringing; no answer ends it after the timeout', async () => {
    const callee = await reachable('gina', 'Gina');
    const caller = await open();
    const incoming = once<[{ ringId: string }]>(callee, 'incoming-ring');
    const started = (await caller.emitWithAck('ring', 'gina', { name: 'Hank' })) as Ack<{ ringId: string }>;
    await incoming;
    const calleeHears = once<[RingEnd]>(callee, 'ring-ended');
    assert.ok(started.ok);
    await caller.emitWithAck('cancel-ring', started.data.ringId);
    assert.equal((await calleeHears)[0].outcome, 'cancelled');

    const second = once<[RingEnd]>(caller, 'ring-ended', 8000);
    const calleeTimeout = once<[RingEnd]>(callee, 'ring-ended', 8000);
    await caller.emitWithAck('ring', 'gina', { name: 'Hank' });
    assert.equal((await second)[0].outcome, 'no-answer');
    assert.equal((await calleeTimeout)[0].outcome, 'no-answer');
  });

  it('stopping being reachable while rung ends the ring for the caller, as closing the tab does', async () => {
    const callee = await reachable('jill', 'Jill');
    const caller = await open();
    const incoming = once<[{ ringId: string }]>(callee, 'incoming-ring');
    await caller.emitWithAck('ring', 'jill', { name: 'Kurt' });
    await incoming;
    const ended = once<[RingEnd]>(caller, 'ring-ended');
    await callee.emitWithAck('stop-reachable');
    assert.equal((await ended)[0].outcome, 'no-answer');
    const again = (await caller.emitWithAck('ring', 'jill', {})) as Ack<unknown>;
    assert.equal(!again.ok && again.error.code, 'not-reachable');
  });

  it('after a decline, ringing the same person again is refused for a while, even from a new connection', async () => {
    const callee = await reachable('nell', 'Nell');
    const caller = await open();
    const incoming = once<[{ ringId: string }]>(callee, 'incoming-ring');
    await caller.emitWithAck('ring', 'nell', { name: 'Otto' });
    const ended = once<[RingEnd]>(caller, 'ring-ended');
    await callee.emitWithAck('answer-ring', (await incoming)[0].ringId, false);
    assert.equal((await ended)[0].outcome, 'declined');

    let rung = 0;
    callee.on('incoming-ring', () => (rung += 1));
    const again = (await caller.emitWithAck('ring', 'nell', { name: 'Otto' })) as Ack<unknown>;
    assert.equal(!again.ok && again.error.code, 'rate-limited');
    // The server's default back-off (60 s; RING_RETRY_SECONDS is not set here).
    assert.match((!again.ok && again.error.message) || '', /You can call Nell again in 1 minute\b/);
    caller.close();
    const reconnected = await open();
    const fromNewSocket = (await reconnected.emitWithAck('ring', '@Nell', { name: 'Otto' })) as Ack<unknown>;
    assert.equal(!fromNewSocket.ok && fromNewSocket.error.code, 'rate-limited', 'reconnecting does not escape it');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(rung, 0, 'Nell was not rung again');
  });

  it('keeps the directory private unless the server turns it on', async () => {
    const s = await open();
    const off = (await s.emitWithAck('list-reachable')) as Ack<unknown>;
    assert.equal(!off.ok && off.error.code, 'directory-off');
    const listed = await startServer({ RING_DIRECTORY: 'on' });
    const a = await connectSocket(listed.url);
    await a.emitWithAck('become-reachable', 'ivy', { name: 'Ivy', deviceKey: 'device-ivy' });
    const on = (await a.emitWithAck('list-reachable')) as Ack<Array<{ handle: string }>>;
    assert.deepEqual(on.ok && on.data.map((d) => d.handle), ['ivy']);
    a.close();
    await listed.close();
  });
});

describe('ring handlers with a back-off from their deps', () => {
  // The ring handlers alone, on a bare Socket.IO server with a clock the test moves.
  let io: RoomServer;
  let url: string;
  let clock = 1_000_000;
  const sockets: ClientSocket[] = [];
  const ringStore = new MemoryRingStore();
  const ringDeps: RingDeps = { store: ringStore, timers: new Map(), directoryOn: false, retryBaseMs: 200 };
  before(async () => {
    const http = createServer();
    io = new Server(http) as RoomServer;
    const log = { info() {}, warn() {} };
    const deps = { log, now: () => clock } as unknown as RoomHandlerDeps;
    const table = new HandlerTable(io, {} as Registry, deps);
    defineRingHandlers(table, ringDeps);
    io.on('connection', (socket) => table.attach(socket));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  after(async () => {
    sockets.forEach((s) => s.close());
    ringDeps.timers.forEach((t) => clearTimeout(t));
    await io.close();
  });
  const open = async () => {
    const s = await connectSocket(url);
    sockets.push(s);
    return s;
  };

  it('waits retryBaseMs after a decline, then twice that after a second one, keyed by the client address', async () => {
    const callee = await open();
    assert.ok(((await callee.emitWithAck('become-reachable', 'pia', { name: 'Pia', deviceKey: 'device-pia' })) as Ack<unknown>).ok);
    const decline = async (caller: ClientSocket) => {
      const incoming = once<[{ ringId: string }]>(callee, 'incoming-ring');
      const started = (await caller.emitWithAck('ring', 'pia', { name: 'Quin' })) as Ack<unknown>;
      assert.ok(started.ok, JSON.stringify(started));
      await callee.emitWithAck('answer-ring', (await incoming)[0].ringId, false);
    };
    const ringCode = async (caller: ClientSocket) => {
      const ack = (await caller.emitWithAck('ring', 'pia', { name: 'Quin' })) as Ack<{ ringId: string }>;
      if (ack.ok) await caller.emitWithAck('cancel-ring', ack.data.ringId);
      return ack.ok ? 'ok' : ack.error.code;
    };
    await decline(await open());
    const [address] = await ringStore.apply((state) => [...state.retries.keys()]);
    assert.match(address ?? '', /127\.0\.0\.1 pia$/, 'keyed by the handshake address and the handle');
    clock += 199;
    assert.equal(await ringCode(await open()), 'rate-limited');
    clock += 1;
    const caller = await open();
    assert.equal(await ringCode(caller), 'ok', 'a cancel does not count');
    await decline(caller);
    clock += 399;
    assert.equal(await ringCode(caller), 'rate-limited');
    clock += 1;
    assert.equal(await ringCode(caller), 'ok');
  });
});
