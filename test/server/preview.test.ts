/**
 * What the pre-join screen may learn about a room before joining (`peek-room`), and which
 * members call newcomers (`offers`), over the real Socket.IO server and PeerServer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Ack, JoinedRoom, JoinOptions, Participant, RingEnd, RoomPreview } from '../../protocol/contract.js';
import { connectPeer, connectSocket, once, startServer, uniqueId, type ClientSocket, type TestServer } from '../helpers/server.js';

describe('the pre-join preview and who calls whom', () => {
  let server: TestServer;
  const sockets: ClientSocket[] = [];
  const open = async () => {
    const socket = await connectSocket(server.url);
    sockets.push(socket);
    return socket;
  };
  const peek = async (roomId: unknown, socket?: ClientSocket) =>
    (await (socket ?? (await open())).emitWithAck('peek-room', roomId as string)) as Ack<RoomPreview>;
  const join = async (roomId: string, options: JoinOptions = {}) => {
    const socket = await open();
    const peer = await connectPeer(server.url, uniqueId());
    const ack = (await socket.emitWithAck('join-room', roomId, peer.id, { peerToken: peer.token, ...options })) as Ack<JoinedRoom>;
    return { socket, peer, ack };
  };

  before(async () => {
    server = await startServer({ ROOM_CAPACITY: '4', RATE_JOIN_BURST: '200', RATE_EVENTS_BURST: '500', RING_TIMEOUT_SECONDS: '5' });
  });
  after(async () => {
    sockets.forEach((s) => s.close());
    await server.close();
  });

  it('an open room: how many, and the first three names as sent (oldest first); nobody yet for a new room', async () => {
    const room = uniqueId('room');
    assert.deepEqual(await peek(room), { ok: true, data: { state: 'open', count: 0, names: [] } });
    for (const name of ['Ada', '<b>Ben</b>', 'Cai']) assert.ok((await join(room, { name })).ack.ok);
    assert.deepEqual(await peek(room), { ok: true, data: { state: 'open', count: 3, names: ['Ada', '<b>Ben</b>', 'Cai'] } });
  });

  it('a full room says "full" and names nobody', async () => {
    const room = uniqueId('room');
    for (const name of ['A', 'B', 'C', 'D']) assert.ok((await join(room, { name })).ack.ok);
    assert.deepEqual(await peek(room), { ok: true, data: { state: 'full', capacity: 4 } });
    const fifth = await join(room);
    assert.equal(!fifth.ack.ok && fifth.ack.error.code, 'room-full');
  });

  it('a locked room says "locked" and names nobody', async () => {
    const room = uniqueId('room');
    const host = await join(room, { name: 'Host' });
    assert.ok((await host.socket.emitWithAck('lock-room', true)).ok);
    assert.deepEqual(await peek(room), { ok: true, data: { state: 'locked' } });
  });

  it('a private call (an accepted ring) shows nothing, to a stranger or to one of its two', async () => {
    const callee = await open();
    assert.ok(
      ((await callee.emitWithAck('become-reachable', 'preview-callee', { name: 'Callee', deviceKey: 'dk-preview' })) as Ack<unknown>).ok,
    );
    const caller = await open();
    const incoming = once<[{ ringId: string }]>(callee, 'incoming-ring');
    await caller.emitWithAck('ring', 'preview-callee', { name: 'Caller' });
    const answer = (await callee.emitWithAck('answer-ring', (await incoming)[0].ringId, true)) as Ack<RingEnd>;
    assert.ok(answer.ok && answer.data.roomId);
    const roomId = answer.data.roomId;
    assert.ok((await join(roomId, { name: 'Callee', ticket: answer.data.ticket })).ack.ok);
    assert.deepEqual(await peek(roomId), { ok: true, data: { state: 'private' } });
    assert.deepEqual(await peek(roomId, caller), { ok: true, data: { state: 'private' } });
  });

  it('refuses a bad room id and survives a peek with no ack; peeks spend the join budget', async () => {
    const socket = await open();
    const bad = await peek({ toString: 1 }, socket);
    assert.equal(!bad.ok && bad.error.code, 'invalid-room');
    (socket.emit as (...args: unknown[]) => void)('peek-room', uniqueId('room')); // no ack: nothing to answer, nothing breaks
    assert.ok((await peek(uniqueId('room'), socket)).ok);

    const limited = await startServer({ RATE_JOIN_BURST: '3' });
    try {
      const s = await connectSocket(limited.url);
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push((await s.emitWithAck('peek-room', 'r1')) as Ack<RoomPreview>);
      assert.equal(answers.filter((a) => !a.ok && a.error.code === 'rate-limited').length, 2);
      s.close();
    } finally {
      await limited.close();
    }
  });

  it('marks members whose client calls newcomers itself: only with a token, never for a classic join', async () => {
    const room = uniqueId('room');
    const first = await join(room, { name: 'Ours', offers: true });
    assert.equal(first.ack.ok && first.ack.data.self.offers, true);
    // A classic page: no options, so no token and no offers.
    const classic = await open();
    const classicPeer = await connectPeer(server.url, uniqueId());
    const heard = once<[string, Participant]>(first.socket, 'user-connected');
    classic.emit('join-room', room, classicPeer.id);
    const [, classicParticipant] = await heard;
    assert.equal(classicParticipant.offers, undefined);
    // A bad value is refused; `offers` without a token is ignored.
    const bad = await join(room, { offers: 'yes' as unknown as boolean });
    assert.equal(!bad.ack.ok && bad.ack.error.code, 'invalid-payload');
    const third = await join(room, { name: 'Newcomer', offers: true });
    assert.ok(third.ack.ok);
    assert.deepEqual(
      third.ack.data.participants.map((p) => [p.name, p.offers ?? false]),
      [
        ['Ours', true],
        ['Guest', false],
      ],
    );
  });
});
