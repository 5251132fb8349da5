import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Ack, JoinedRoom } from '../../protocol/contract.js';
import { connectPeer, connectSocket, once, startServer, uniqueId, type ClientSocket, type TestServer } from '../helpers/server.js';

describe('room signaling over real Socket.IO and the real PeerServer', () => {
  let server: TestServer;
  const sockets: ClientSocket[] = [];
  const open = async (extra = {}) => {
    const socket = await connectSocket(server.url, extra);
    sockets.push(socket);
    return socket;
  };
  before(async () => {
    // These tests send many joins quickly: budgets are tested on their own below.
    server = await startServer({ RATE_JOIN_BURST: '100', RATE_EVENTS_BURST: '500' });
  });
  after(async () => {
    sockets.forEach((s) => s.close());
    await server.close();
  });

  it('upgrades Socket.IO to websocket and PeerJS connects on the same port', async () => {
    const socket = await open();
    assert.equal(socket.io.engine.transport.name, 'websocket');
    const peer = await connectPeer(server.url, uniqueId());
    assert.equal(peer.messages[0]?.type, 'OPEN');
    peer.close();
  });

  it('refuses upgrades on unknown paths instead of hanging', async () => {
    const WebSocket = (await import('ws')).default;
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/elsewhere`);
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
    });
    assert.equal(status, 404);
  });

  it('speaks the classic protocol: join-room(roomId, peerId) → user-connected / user-disconnected', async () => {
    const room = uniqueId('room');
    const [a, b] = [await open(), await open()];
    const [pa, pb] = [await connectPeer(server.url, uniqueId()), await connectPeer(server.url, uniqueId())];
    a.emit('join-room', room, pa.id);
    // A classic page learns of newcomers only through user-connected: give the join a moment.
    await new Promise((r) => setTimeout(r, 100));
    const connected = once<[string]>(a, 'user-connected');
    b.emit('join-room', room, pb.id);
    assert.equal((await connected)[0], pb.id);
    const disconnected = once<[string]>(a, 'user-disconnected');
    b.close();
    assert.equal((await disconnected)[0], pb.id);
    pa.close();
    pb.close();
  });

  it('acks a rich join with the participants already present, names cleaned', async () => {
    const room = uniqueId('room');
    const [a, b] = [await open(), await open()];
    const [pa, pb] = [await connectPeer(server.url, uniqueId()), await connectPeer(server.url, uniqueId())];
    const first = (await a.emitWithAck('join-room', room, pa.id, {
      name: '  Ada\u0000 ',
      peerToken: pa.token,
      video: false,
    })) as Ack<JoinedRoom>;
    assert.ok(first.ok);
    assert.deepEqual(first.data.participants, []);
    assert.equal(first.data.self.name, 'Ada');
    assert.equal(first.data.self.video, false);

    const announced = once<[string, { name: string }]>(a, 'user-connected');
    const second = (await b.emitWithAck('join-room', room, pb.id, {
      name: '<img src=x onerror=alert(1)>',
      peerToken: pb.token,
    })) as Ack<JoinedRoom>;
    assert.ok(second.ok);
    assert.deepEqual(
      second.data.participants.map((p) => p.peerId),
      [pa.id],
    );
    const [peerId, participant] = await announced;
    assert.equal(peerId, pb.id);
    // Names are data; the UI renders them as text.
    assert.equal(participant.name, '<img src=x onerror=alert(1)>');

    const updated = once<[{ peerId: string; audio: boolean }]>(a, 'participant-updated');
    const media = (await b.emitWithAck('update-media', { audio: false, video: true })) as Ack<unknown>;
    assert.ok(media.ok);
    assert.equal((await updated)[0].audio, false);

    const left = once<[string, string]>(a, 'user-disconnected');
    const leaveAck = (await b.emitWithAck('leave-room')) as Ack<null>;
    assert.ok(leaveAck.ok);
    assert.deepEqual(await left, [pb.id, 'left']);
    pa.close();
    pb.close();
  });

  it('refuses a peer id that is not connected to the PeerServer, or whose token is wrong', async () => {
    const socket = await open();
    const ghost = (await socket.emitWithAck('join-room', uniqueId('room'), uniqueId(), { peerToken: 'abc' })) as Ack<JoinedRoom>;
    assert.equal(ghost.ok, false);
    assert.equal(!ghost.ok && ghost.error.code, 'peer-not-connected');

    const peer = await connectPeer(server.url, uniqueId());
    const forged = (await socket.emitWithAck('join-room', uniqueId('room'), peer.id, { peerToken: 'forged' })) as Ack<JoinedRoom>;
    assert.equal(!forged.ok && forged.error.code, 'invalid-peer');
    peer.close();
  });

  it('refuses a peer id already held by another socket, unless the owner proves its token', async () => {
    const room = uniqueId('room');
    const peer = await connectPeer(server.url, uniqueId());
    const [owner, thief, reconnect] = [await open(), await open(), await open()];
    assert.ok(((await owner.emitWithAck('join-room', room, peer.id, { peerToken: peer.token })) as Ack<JoinedRoom>).ok);
    const stolen = (await thief.emitWithAck('join-room', room, peer.id, {})) as Ack<JoinedRoom>;
    assert.equal(!stolen.ok && stolen.error.code, 'peer-taken');

    // The owner coming back on a new socket (a reconnect) takes its place without a new tile.
    const watcher = await open();
    const wp = await connectPeer(server.url, uniqueId());
    await watcher.emitWithAck('join-room', room, wp.id, { peerToken: wp.token });
    let sawNewTile = false;
    watcher.on('user-connected', () => (sawNewTile = true));
    watcher.on('user-disconnected', () => (sawNewTile = true));
    const rejoined = (await reconnect.emitWithAck('join-room', room, peer.id, { peerToken: peer.token })) as Ack<JoinedRoom>;
    assert.ok(rejoined.ok);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(owner.connected, false);
    assert.equal(sawNewTile, false);
    peer.close();
    wp.close();
  });

  it('answers malformed joins with a clear error and keeps serving the room', async () => {
    const socket = await open();
    const bad: unknown[][] = [
      [123, 'x'],
      ['../etc', 'x'],
      ['a'.repeat(65), 'x'],
      ['room', '__proto__!'],
      ['room', 'p'.repeat(100)],
      ['room', 'abc', 'not-an-object'],
      ['room', 'abc', { name: 42 }],
      ['room', 'abc', { audio: 'yes' }],
      ['room', 'abc', { name: 'x'.repeat(10_000) }],
    ];
    for (const args of bad) {
      const response = (await (socket.timeout(2000).emitWithAck as (...a: unknown[]) => Promise<unknown>)(
        'join-room',
        ...args,
      )) as Ack<JoinedRoom>;
      assert.equal(response.ok, false, `expected ${JSON.stringify(args).slice(0, 60)} to be refused`);
      assert.match((!response.ok && response.error.message) || '', /\w/);
    }
    const media = (await socket.emitWithAck('update-media', { audio: true, video: true })) as Ack<unknown>;
    assert.equal(!media.ok && media.error.code, 'not-in-room');
    // Still serving: a good join after all of that works.
    const peer = await connectPeer(server.url, uniqueId());
    const good = (await socket.emitWithAck('join-room', uniqueId('room'), peer.id, { peerToken: peer.token })) as Ack<JoinedRoom>;
    assert.ok(good.ok);
    peer.close();
  });

  it('answers "full" when a room is at capacity', async () => {
    const small = await startServer({ ROOM_CAPACITY: '2' });
    const room = uniqueId('room');
    const clients = [await connectSocket(small.url), await connectSocket(small.url), await connectSocket(small.url)];
    const peers = [
      await connectPeer(small.url, uniqueId()),
      await connectPeer(small.url, uniqueId()),
      await connectPeer(small.url, uniqueId()),
    ];
    const results = [] as Array<Ack<JoinedRoom>>;
    for (const [i, c] of clients.entries()) {
      results.push((await c.emitWithAck('join-room', room, peers[i]!.id, { peerToken: peers[i]!.token })) as Ack<JoinedRoom>);
    }
    assert.deepEqual(
      results.map((r) => r.ok),
      [true, true, false],
    );
    const refused = results[2]!;
    assert.equal(!refused.ok && refused.error.message, 'This call is full (2 of 2)');
    clients.forEach((c) => c.close());
    peers.forEach((p) => p.close());
    await small.close();
  });
});
