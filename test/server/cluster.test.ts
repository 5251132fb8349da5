/**
 * Several nodes on one Redis behave as one server: two real app instances (Socket.IO, the
 * PeerServer, the room rules) on their own ports, a real redis-server started here, and raw
 * clients on either node. The browser tests of the same (media across nodes, a node killed behind
 * nginx, Redis restarted mid-call) are in test/e2e/cluster.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Ack, KnockAnswer, Participant, RingEnd } from '../../protocol/contract.js';
import { dropConnection, eventuallyMatches, join, member, record, until } from '../helpers/members.js';
import { freePort, spawnServer, type ServerProcess } from '../helpers/process.js';
import { startNginx } from '../helpers/nginx.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { connectPeer, connectSocket, once, startServer, uniqueId, type RawPeer, type TestServer } from '../helpers/server.js';

const GRACE_SECONDS = 3;

/** A frame from `from` to `to`, as PeerJS sends one. */
const offer = (from: RawPeer, to: string, n: number) =>
  from.ws.send(JSON.stringify({ type: 'OFFER', dst: to, payload: { sdp: { type: 'offer', sdp: `v=0 #${n}` }, connectionId: `mc_${n}` } }));
const closeAll = (members: Array<{ socket: { close(): void }; peer: { close(): void } }>) =>
  members.forEach((m) => {
    m.socket.close();
    m.peer.close();
  });
const offersFrom = (peer: RawPeer, src: string) => peer.messages.filter((m) => m.type === 'OFFER' && m.src === src);

describe('two nodes on one Redis', () => {
  let redis: RedisServer;
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    redis = await startRedis();
    const env = {
      REDIS_URL: redis.url,
      ROOM_CAPACITY: '2',
      RECONNECT_GRACE_SECONDS: String(GRACE_SECONDS),
      RING_TIMEOUT_SECONDS: '30',
      // nginx, in the classic client's test, is a trusted proxy on this machine.
      TRUST_PROXY: '127.0.0.1',
    };
    a = await startServer({ ...env, NODE_ID: 'node-a' });
    b = await startServer({ ...env, NODE_ID: 'node-b' });
  });
  after(async () => {
    await a.close();
    await b.close();
    await redis.stop();
  });

  it('one room spans both nodes: join, media state, chat and leave reach the other node', async () => {
    const roomId = uniqueId('room');
    const alice = await member(a, roomId, 'Alice');
    const connected = once<[string, Participant]>(alice.socket, 'user-connected');
    const bob = await member(b, roomId, 'Bob');
    assert.deepEqual(
      bob.joined.participants.map((p) => p.peerId),
      [alice.peer.id],
    );
    assert.equal((await connected)[0], bob.peer.id, 'node A hears of the join on node B');

    const updated = once<[Participant]>(alice.socket, 'participant-updated');
    assert.ok(((await bob.socket.emitWithAck('update-media', { audio: false, video: true })) as Ack<unknown>).ok);
    assert.equal((await updated)[0].audio, false);

    const chat = once<[{ text: string }]>(bob.socket, 'chat-message');
    assert.ok(((await alice.socket.emitWithAck('chat-message', 'hello from A')) as Ack<unknown>).ok);
    assert.equal((await chat)[0].text, 'hello from A');

    const raised = once<[Participant]>(alice.socket, 'participant-updated');
    assert.ok(((await bob.socket.emitWithAck('raise-hand', true)) as Ack<unknown>).ok);
    assert.ok((await raised)[0].handRaisedAt);

    const left = once<[string, string]>(alice.socket, 'user-disconnected');
    await bob.socket.emitWithAck('leave-room');
    assert.deepEqual(await left, [bob.peer.id, 'left']);
    closeAll([alice, bob]);
  });

  it('PeerServer frames cross nodes within a room, and never into another room', async () => {
    const roomId = uniqueId('room');
    const alice = await member(a, roomId, 'Alice');
    const bob = await member(b, roomId, 'Bob');
    const stranger = await member(b, uniqueId('other'), 'Mallory');
    offer(alice.peer, bob.peer.id, 1);
    offer(bob.peer, alice.peer.id, 2);
    await until(() => offersFrom(bob.peer, alice.peer.id).length === 1 && offersFrom(alice.peer, bob.peer.id).length === 1);
    // From another room, on the other node: dropped by the node it was sent to.
    offer(stranger.peer, alice.peer.id, 3);
    // And a sender that claims someone else's id in the frame still gets its own as src.
    stranger.peer.ws.send(JSON.stringify({ type: 'OFFER', src: bob.peer.id, dst: alice.peer.id, payload: {} }));
    await eventuallyMatches(b.url, /callroom_peer_frames_dropped_total\{reason="other-room",node="node-b"\} 2\b/);
    offer(bob.peer, alice.peer.id, 4); // a later frame in the same room still arrives, after them
    await until(() => offersFrom(alice.peer, bob.peer.id).length === 2);
    assert.equal(alice.peer.messages.filter((m) => m.type === 'OFFER').length, 2, 'nothing from the stranger arrived');
    closeAll([alice, bob, stranger]);
  });

  it('frames for a member who is reconnecting wait for it, and reach it on whichever node it comes back to', async () => {
    const roomId = uniqueId('room');
    const alice = await member(a, roomId, 'Alice');
    const bob = await member(a, roomId, 'Bob');
    // Bob's PeerServer link drops; he is still a member (his socket is up), so frames wait.
    bob.peer.close();
    await new Promise((r) => bob.peer.ws.once('close', r));
    for (let n = 0; n < 3; n++) offer(alice.peer, bob.peer.id, 100 + n);
    const back = await connectPeer(b.url, bob.peer.id, bob.peer.token);
    await until(() => offersFrom(back, alice.peer.id).length === 3, 'the held frames never arrived on node B');
    assert.deepEqual(
      offersFrom(back, alice.peer.id).map((m) => (m.payload as { connectionId: string }).connectionId),
      ['mc_100', 'mc_101', 'mc_102'],
      'in order',
    );
    closeAll([alice]);
    bob.socket.close();
    back.close();
  });

  it('a classic client on HTTP long-polling works through nginx with the documented configuration (one node per address)', async () => {
    const nginx = await startNginx([a.port, b.port]);
    try {
      const roomId = uniqueId('room');
      const alice = await member(a, roomId, 'Alice');
      const peer = await connectPeer(nginx.url, uniqueId('classic'));
      // socket.io-client's defaults: long-polling first, then an upgrade.
      const classic = await connectSocket(nginx.url, { transports: ['polling', 'websocket'], upgrade: true });
      const heard = once<[string]>(alice.socket, 'user-connected');
      classic.emit('join-room', roomId, peer.id);
      assert.equal((await heard)[0], peer.id);
      const chat = once<[{ text: string }]>(classic, 'chat-message');
      await alice.socket.emitWithAck('chat-message', 'to the classic client');
      assert.equal((await chat)[0].text, 'to the classic client');
      classic.close();
      peer.close();
      closeAll([alice]);
    } finally {
      await nginx.stop();
    }
  });

  it('an id connected to one node cannot be registered on the other with another token, bound or not', async () => {
    const held = await connectPeer(a.url, uniqueId('held'));
    await new Promise((r) => setTimeout(r, 100)); // announced to the others as it connects
    await assert.rejects(connectPeer(b.url, held.id, 'someoneelse'), /ID-TAKEN/);
    held.close();
  });

  it('an id held on one node cannot be taken on the other, even while its link is down', async () => {
    const roomId = uniqueId('room');
    const alice = await member(a, roomId, 'Alice');
    await assert.rejects(connectPeer(b.url, alice.peer.id, 'mallorystoken'), /ID-TAKEN/);
    alice.peer.close();
    await new Promise((r) => alice.peer.ws.once('close', r));
    await assert.rejects(connectPeer(b.url, alice.peer.id, 'mallorystoken'), /ID-TAKEN/);
    const mallory = await connectSocket(b.url);
    const taken = await join(mallory, roomId, alice.peer.id, { peerToken: 'mallorystoken' });
    assert.equal(!taken.ok && taken.error.code, 'peer-taken');
    alice.socket.close();
    mallory.close();
  });

  it('a member who reconnects through the other node is the same participant', async () => {
    const roomId = uniqueId('room');
    const alice = await member(a, roomId, 'Alice');
    const bob = await member(a, roomId, 'Bob');
    const heard = record(bob.socket);
    // Alice's network changes: both links drop, and she comes back through node B with her token.
    dropConnection(alice.socket);
    alice.peer.close();
    const peer = await connectPeer(b.url, alice.peer.id, alice.peer.token);
    const socket = await connectSocket(b.url);
    const back = await join(socket, roomId, alice.peer.id, { name: 'Alice', peerToken: alice.peer.token });
    assert.ok(back.ok, JSON.stringify(back));
    assert.equal(back.data.room.hostPeerId, alice.peer.id, 'still the host');
    await until(() => heard.some(([e]) => e === 'participant-updated'));
    // Well past the grace: nobody was told she left, and frames reach her on her new node.
    await new Promise((r) => setTimeout(r, GRACE_SECONDS * 1000 + 500));
    assert.ok(!heard.some(([e]) => e === 'user-disconnected' || e === 'user-connected'), JSON.stringify(heard));
    offer(bob.peer, alice.peer.id, 5);
    await until(() => offersFrom(peer, bob.peer.id).length === 1);
    for (const s of [socket, bob.socket]) s.close();
    for (const p of [peer, bob.peer]) p.close();
  });

  it('lock, knock, admit and remove work across the nodes', async () => {
    const roomId = uniqueId('room');
    const host = await member(a, roomId, 'Host');
    assert.ok(((await host.socket.emitWithAck('lock-room', true)) as Ack<unknown>).ok);
    const knockerPeer = await connectPeer(b.url, uniqueId('knocker'));
    const knocker = await connectSocket(b.url);
    const refused = await join(knocker, roomId, knockerPeer.id, { peerToken: knockerPeer.token });
    assert.equal(!refused.ok && refused.error.code, 'room-locked');
    const knocking = once<[{ knockId: string; name: string }]>(host.socket, 'knocking');
    const answered = once<[KnockAnswer]>(knocker, 'knock-answered');
    assert.ok(((await knocker.emitWithAck('knock', roomId, { name: 'Knocker' })) as Ack<unknown>).ok);
    const [knock] = await knocking;
    assert.equal(knock.name, 'Knocker', 'the host on node A hears the knock on node B');
    assert.ok(((await host.socket.emitWithAck('answer-knock', knock.knockId, true)) as Ack<unknown>).ok);
    const [answer] = await answered;
    assert.ok(answer.admitted && answer.ticket, 'the knocker on node B hears the answer');
    const joined = await join(knocker, roomId, knockerPeer.id, { peerToken: knockerPeer.token, ticket: answer.ticket });
    assert.ok(joined.ok, JSON.stringify(joined));

    const removed = once(knocker, 'removed');
    const left = once<[string]>(host.socket, 'user-disconnected');
    assert.ok(((await host.socket.emitWithAck('remove-participant', knockerPeer.id)) as Ack<unknown>).ok);
    await removed;
    assert.equal((await left)[0], knockerPeer.id);
    // The removed person's socket on node B speaks for nobody now: not in the chat, and not with a
    // reaction (which no room rule checks).
    const heard = record(host.socket);
    const chat = (await knocker.emitWithAck('chat-message', 'still here?')) as Ack<unknown>;
    assert.ok(!chat.ok);
    const reaction = (await knocker.emitWithAck('reaction', '👍')) as Ack<unknown>;
    assert.equal(!reaction.ok && reaction.error.code, 'not-in-room');
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(!heard.some(([e]) => e === 'reaction' || e === 'chat-message'), JSON.stringify(heard));
    host.socket.close();
    host.peer.close();
    knocker.close();
    knockerPeer.close();
  });

  it('a ring from node A is answered on node B, and the callee’s tab on node A hears "answered elsewhere"', async () => {
    const handle = `h${Math.random().toString(36).slice(2, 10)}`;
    const tabOnB = await connectSocket(b.url);
    const tabOnA = await connectSocket(a.url);
    for (const tab of [tabOnB, tabOnA]) {
      assert.ok(((await tab.emitWithAck('become-reachable', handle, { name: 'Callee', deviceKey: 'device-callee' })) as Ack<unknown>).ok);
    }
    const caller = await connectSocket(a.url);
    const incomingB = once<[{ ringId: string; callerName: string }]>(tabOnB, 'incoming-ring');
    const incomingA = once<[{ ringId: string }]>(tabOnA, 'incoming-ring');
    const ring = (await caller.emitWithAck('ring', handle, { name: 'Caller' })) as Ack<{ ringId: string }>;
    assert.ok(ring.ok, JSON.stringify(ring));
    assert.equal((await incomingB)[0].callerName, 'Caller');
    await incomingA;
    // A second caller on node B hears "busy": the ring state is one across the nodes.
    const second = await connectSocket(b.url);
    const busy = (await second.emitWithAck('ring', handle, { name: 'Other' })) as Ack<unknown>;
    assert.equal(!busy.ok && busy.error.code, 'busy');
    const callerHears = once<[RingEnd]>(caller, 'ring-ended');
    const elsewhere = once<[RingEnd]>(tabOnA, 'ring-ended');
    const answer = (await tabOnB.emitWithAck('answer-ring', ring.data.ringId, true)) as Ack<RingEnd>;
    assert.ok(answer.ok && answer.data.outcome === 'accepted');
    const [end] = await callerHears;
    assert.equal(end.outcome, 'accepted');
    assert.equal((await elsewhere)[0].outcome, 'answered-elsewhere');
    // The private room is the same room on both nodes.
    assert.ok(end.outcome === 'accepted' && answer.data.outcome === 'accepted' && end.roomId === answer.data.roomId);
    for (const s of [tabOnA, tabOnB, caller, second]) s.close();
  });

  it('capacity race: two joins on two nodes for the last seat, 50 times, exactly one wins each time', async () => {
    for (let i = 0; i < 50; i++) {
      const roomId = uniqueId('race');
      const first = await member(a, roomId, 'First');
      const [peerA, peerB] = await Promise.all([connectPeer(a.url, uniqueId('ra')), connectPeer(b.url, uniqueId('rb'))]);
      const [socketA, socketB] = await Promise.all([connectSocket(a.url), connectSocket(b.url)]);
      const answers = await Promise.all([
        join(socketA, roomId, peerA.id, { peerToken: peerA.token }),
        join(socketB, roomId, peerB.id, { peerToken: peerB.token }),
      ]);
      const won = answers.filter((r) => r.ok).length;
      const full = answers.filter((r) => !r.ok && r.error.code === 'room-full').length;
      assert.deepEqual([won, full], [1, 1], `round ${i}: ${JSON.stringify(answers.map((r) => (r.ok ? 'ok' : r.error.code)))}`);
      for (const s of [first.socket, socketA, socketB]) s.close();
      for (const p of [first.peer, peerA, peerB]) p.close();
    }
  });

  it('says which node answers, and how far Redis is, in /readyz and /metrics', async () => {
    assert.deepEqual(await (await fetch(`${a.url}/readyz`)).json(), { ready: true, node: 'node-a' });
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    assert.match(metrics, /callroom_redis_latency_seconds\{node="node-b"\} 0\.\d+/);
    assert.match(metrics, /callroom_sockets\{node="node-b"\} \d+/);
  });
});

describe('a node that dies', () => {
  let redis: RedisServer;
  let a: TestServer;
  let doomed: ServerProcess;
  before(async () => {
    redis = await startRedis();
    const env = { REDIS_URL: redis.url, RECONNECT_GRACE_SECONDS: String(GRACE_SECONDS) };
    a = await startServer({ ...env, NODE_ID: 'survivor' });
    doomed = await spawnServer(await freePort(), { ...env, NODE_ID: 'doomed' });
  });
  after(async () => {
    await doomed.kill();
    await a.close();
    await redis.stop();
  });

  it('keeps its members’ seats for the grace: one who comes back through a live node stays, one who does not leaves', async () => {
    const roomId = uniqueId('room');
    const watcher = await member(a, roomId, 'Watcher');
    const returning = await member(doomed, roomId, 'Returning');
    const lost = await member(doomed, roomId, 'Lost');
    const heard = record(watcher.socket);
    // The doomed node also holds someone's only reachable tab.
    const handle = `h${Math.random().toString(36).slice(2, 10)}`;
    const tab = await connectSocket(doomed.url);
    assert.ok(((await tab.emitWithAck('become-reachable', handle, { name: 'Gone', deviceKey: 'device-gone' })) as Ack<unknown>).ok);
    await doomed.kill('SIGKILL');
    // Returning comes back through the live node with her token, within the grace.
    const peer = await connectPeer(a.url, returning.peer.id, returning.peer.token);
    const socket = await connectSocket(a.url);
    const back = await join(socket, roomId, returning.peer.id, { peerToken: returning.peer.token });
    assert.ok(back.ok, JSON.stringify(back));
    // Not sooner than the grace: right after the death the lost member still has a seat.
    assert.deepEqual(back.data.participants.map((p) => p.peerId).sort(), [watcher.peer.id, lost.peer.id].sort());
    // Lost never does: once a live node notices the node is gone (a few heartbeats) and the grace
    // has passed, the room hears it. (Waited for at most 30 s: a guard, not a timing.)
    const lostLeft = () => heard.some(([e, args]) => e === 'user-disconnected' && args[0] === lost.peer.id);
    for (let i = 0; i < 300 && !lostLeft(); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(lostLeft(), 'the lost member never left');
    assert.ok(!heard.some(([e, args]) => e === 'user-disconnected' && args[0] === returning.peer.id));
    const late = await member(a, roomId, 'Late');
    assert.deepEqual(late.joined.participants.map((p) => p.peerId).sort(), [watcher.peer.id, returning.peer.id].sort());
    // Its reachable tab went with it: a ring does not ring a dead tab.
    const ring = (await watcher.socket.emitWithAck('ring', handle, { name: 'Watcher' })) as Ack<unknown>;
    assert.equal(!ring.ok && ring.error.code, 'not-reachable');
    late.socket.close();
    late.peer.close();
    socket.close();
    peer.close();
    watcher.socket.close();
    watcher.peer.close();
  });
});

describe('a node that stalls longer than its heartbeat', () => {
  it('is taken for lost, and when it wakes it binds its members again before their grace ends', async () => {
    const redis = await startRedis();
    const env = { REDIS_URL: redis.url, RECONNECT_GRACE_SECONDS: '10' };
    const awake = await startServer({ ...env, NODE_ID: 'awake' });
    const sleepy = await spawnServer(await freePort(), { ...env, NODE_ID: 'sleepy' });
    try {
      await new Promise((r) => setTimeout(r, 8500)); // the awake node judges others only after a while
      const roomId = uniqueId('room');
      const watcher = await member(awake, roomId, 'Watcher');
      const dozer = await member(sleepy, roomId, 'Dozer');
      const heard = record(watcher.socket);
      sleepy.child.kill('SIGSTOP');
      await new Promise((r) => setTimeout(r, 8000)); // its key lapses at 6 s; it is adopted
      sleepy.child.kill('SIGCONT');
      // Past the end of the grace the adoption started (10 s from ~6–8 s after the stall).
      await new Promise((r) => setTimeout(r, 12_000));
      assert.ok(!heard.some(([e]) => e === 'user-disconnected'), JSON.stringify(heard));
      offer(watcher.peer, dozer.peer.id, 9);
      await until(() => offersFrom(dozer.peer, watcher.peer.id).length === 1, 'frames no longer reach the node that stalled');
      closeAll([watcher, dozer]);
    } finally {
      sleepy.child.kill('SIGCONT');
      await sleepy.kill();
      await awake.close();
      await redis.stop();
    }
  });
});

describe('a node restarted under the same NODE_ID', () => {
  it('ends the grace of the members its previous run held, who did not come back', async () => {
    const redis = await startRedis();
    const env = { REDIS_URL: redis.url, RECONNECT_GRACE_SECONDS: String(GRACE_SECONDS), NODE_ID: 'phoenix' };
    const port = await freePort();
    let node = await spawnServer(port, env);
    const observer = await startServer({ REDIS_URL: redis.url, NODE_ID: 'observer', RECONNECT_GRACE_SECONDS: String(GRACE_SECONDS) });
    try {
      const roomId = uniqueId('room');
      const watcher = await member(observer, roomId, 'Watcher');
      const gone = await member(node, roomId, 'Gone');
      const heard = record(watcher.socket);
      await node.kill('SIGKILL');
      node = await spawnServer(port, env); // back at once: nobody noticed it was lost
      const left = () => heard.some(([e, args]) => e === 'user-disconnected' && args[0] === gone.peer.id);
      for (let i = 0; i < 200 && !left(); i++) await new Promise((r) => setTimeout(r, 100));
      assert.ok(left(), 'the member the previous run held left after the grace');
      closeAll([watcher]);
    } finally {
      await node.kill();
      await observer.close();
      await redis.stop();
    }
  });
});

describe('a Redis outage longer than a heartbeat, with two nodes', () => {
  it('takes no live node for lost, and binds the members again: everyone is still in the call afterwards', async () => {
    const redis = await startRedis({ persist: true });
    const env = { REDIS_URL: redis.url, RECONNECT_GRACE_SECONDS: String(GRACE_SECONDS) };
    const a = await startServer({ ...env, NODE_ID: 'outage-a' });
    const b = await startServer({ ...env, NODE_ID: 'outage-b' });
    try {
      const roomId = uniqueId('room');
      const ada = await member(a, roomId, 'Ada');
      const bo = await member(b, roomId, 'Bo');
      const heard = [record(ada.socket), record(bo.socket)];
      await redis.stop();
      // Longer than a node's heartbeat lasts (6 s), and than a binding's lifetime (1.5 × grace + 10 s).
      await new Promise((r) => setTimeout(r, 16_000));
      await redis.start();
      await until(async () => (await fetch(`${a.url}/readyz`)).ok && (await fetch(`${b.url}/readyz`)).ok, 'both ready again');
      // Long enough for a wrong adoption to have ended its victims' grace.
      await new Promise((r) => setTimeout(r, 8000 + GRACE_SECONDS * 1000 + 1000));
      assert.ok(!heard.flat().some(([e]) => e === 'user-disconnected'), JSON.stringify(heard));
      const late = await member(a, roomId, 'Late');
      assert.deepEqual(late.joined.participants.map((p) => p.peerId).sort(), [ada.peer.id, bo.peer.id].sort());
      // And frames still cross the nodes between them.
      offer(ada.peer, bo.peer.id, 7);
      await until(() => offersFrom(bo.peer, ada.peer.id).length === 1);
      closeAll([ada, bo, late]);
    } finally {
      await a.close();
      await b.close();
      await redis.stop();
    }
  });
});

describe('Redis outages', () => {
  let redis: RedisServer;
  let node: TestServer;
  before(async () => {
    redis = await startRedis({ persist: true });
    node = await startServer({ REDIS_URL: redis.url, NODE_ID: 'solo' });
  });
  after(async () => {
    await node.close();
    await redis.stop();
  });

  it('is not ready and answers "unavailable" while Redis is down, and works again when it is back, with no restart', async () => {
    const roomId = uniqueId('room');
    const alice = await member(node, roomId, 'Alice');
    await redis.stop();
    await until(async () => (await fetch(`${node.url}/readyz`)).status === 503, 'readiness never went red');
    const socket = await connectSocket(node.url);
    const refused = await join(socket, roomId, uniqueId('late'), { peerToken: 'latetoken' });
    assert.equal(!refused.ok && refused.error.code, 'unavailable');
    assert.match(!refused.ok ? refused.error.message : '', /having trouble; retrying/);

    await redis.start();
    await until(async () => (await fetch(`${node.url}/readyz`)).status === 200, 'readiness never went green');
    const late = await member(node, roomId, 'Late');
    assert.deepEqual(
      late.joined.participants.map((p) => p.peerId),
      [alice.peer.id],
      'the room outlived the outage',
    );
    closeAll([alice, late]);
    socket.close();
  });
});
