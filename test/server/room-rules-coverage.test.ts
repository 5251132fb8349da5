/**
 * Room rules a mutation check of the server found no test for, tried over real Socket.IO clients:
 * unlocking lets the lobby in, the per-socket limit on events in flight, and the host's
 * `knock-withdrawn` for every way a knock stops waiting (answered, cancelled, knocker gone).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Ack, JoinedRoom, JoinOptions, Knock, KnockAnswer, RoomInfo } from '../../protocol/contract.js';
import {
  connectPeer,
  connectSocket,
  once,
  startServer,
  uniqueId,
  type ClientSocket,
  type RawPeer,
  type TestServer,
} from '../helpers/server.js';

const must = <T>(ack: Ack<T>): T => {
  if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
  return ack.data;
};

describe('room rules the mutation check found uncovered', () => {
  let server: TestServer;
  const opened: Array<{ close(): void }> = [];
  before(async () => {
    // High budgets: here only the rules under test may refuse, never the per-socket rate limits.
    server = await startServer({ RATE_JOIN_BURST: '200', RATE_EVENTS_BURST: '200', RATE_MEDIA_BURST: '200', RATE_CHAT_BURST: '200' });
  });
  after(async () => {
    opened.forEach((o) => o.close());
    await server.close();
  });

  async function newPeer(): Promise<RawPeer> {
    const peer = await connectPeer(server.url, uniqueId());
    opened.push(peer);
    return peer;
  }
  async function newSocket(): Promise<ClientSocket> {
    const socket = await connectSocket(server.url);
    opened.push(socket);
    return socket;
  }
  const join = async (socket: ClientSocket, room: string, peer: RawPeer, extra: JoinOptions = {}) =>
    (await socket.timeout(10_000).emitWithAck('join-room', room, peer.id, { peerToken: peer.token, ...extra })) as Ack<JoinedRoom>;

  async function joined(room: string, name: string) {
    const socket = await newSocket();
    const peer = await newPeer();
    const ack = must(await join(socket, room, peer, { name }));
    return { socket, peer, ack };
  }

  /** A host alone in a room it has locked. */
  async function lockedRoom() {
    const room = uniqueId('room');
    const host = await joined(room, 'Host');
    const info = must((await host.socket.emitWithAck('lock-room', true)) as Ack<RoomInfo>);
    assert.equal(info.locked, true);
    return { room, host };
  }

  /** A new socket knocks on `room`; resolves once the host has heard it. */
  async function knocker(room: string, host: ClientSocket, name: string) {
    const socket = await newSocket();
    const heard = once<[Knock]>(host, 'knocking');
    const { knockId } = must((await socket.emitWithAck('knock', room, { name })) as Ack<{ knockId: string }>);
    const [knock] = await heard;
    assert.equal(knock.knockId, knockId);
    assert.equal(knock.name, name);
    return { socket, knockId };
  }

  it('unlocking lets everyone waiting in: each knocker gets a ticket and joins with it', async () => {
    const { room, host } = await lockedRoom();
    const waiting = [await knocker(room, host.socket, 'Kay'), await knocker(room, host.socket, 'Lee')];
    const answers = waiting.map((k) => once<[KnockAnswer]>(k.socket, 'knock-answered'));

    const info = must((await host.socket.emitWithAck('lock-room', false)) as Ack<RoomInfo>);
    assert.equal(info.locked, false);

    const tickets: string[] = [];
    for (const [i, k] of waiting.entries()) {
      const [answer] = await answers[i]!;
      assert.equal(answer.admitted, true);
      assert.match(answer.ticket ?? '', /^[A-Za-z0-9_-]{1,64}$/);
      tickets.push(answer.ticket!);
      const peer = await newPeer();
      const arrived = once<[string]>(host.socket, 'user-connected');
      const inside = must(await join(k.socket, room, peer, { name: i ? 'Lee' : 'Kay', ticket: answer.ticket }));
      assert.equal(inside.self.peerId, peer.id);
      assert.equal((await arrived)[0], peer.id);
    }
    assert.notEqual(tickets[0], tickets[1], 'one ticket each');
    // The lobby emptied with the unlock: nothing is left for the host to answer.
    const stale = (await host.socket.emitWithAck('answer-knock', waiting[0]!.knockId, true)) as Ack<null>;
    assert.equal(!stale.ok && stale.error.code, 'no-such-knock');
  });

  it('refuses the events past 16 in flight on one socket as "in progress", and takes events again once they are answered', async () => {
    const socket = await newSocket();
    const room = uniqueId('room');
    // Not connected to the PeerServer yet: the first join waits for it, the others queue behind.
    const peerId = uniqueId('late');
    const peerToken = 'tok' + peerId;
    const acks = Array.from(
      { length: 20 },
      () => socket.timeout(10_000).emitWithAck('join-room', room, peerId, { name: 'Late', peerToken }) as Promise<Ack<JoinedRoom>>,
    );
    // The refusals come at once, while the first 16 are still waiting.
    const refused = await Promise.all(acks.slice(16));
    for (const ack of refused) {
      assert.deepEqual(!ack.ok && ack.error, { code: 'rate-limited', message: 'Too many requests in progress: wait for the answers' });
    }
    // The peer arrives: every one of the 16 queued joins is answered, and answered yes.
    await connectPeer(server.url, peerId, peerToken).then((peer) => opened.push(peer));
    const queued = await Promise.all(acks.slice(0, 16));
    assert.deepEqual(
      queued.map((ack) => ack.ok),
      Array(16).fill(true),
      JSON.stringify(queued.filter((a) => !a.ok)),
    );
    assert.equal(queued.filter((ack) => ack.ok && ack.data.self.peerId === peerId).length, 16);
    // All answered: the socket's line is empty again and a new event is taken.
    const media = (await socket.emitWithAck('update-media', { audio: false, video: true })) as Ack<unknown>;
    assert.ok(media.ok, JSON.stringify(media));
  });

  it('a disconnect is never refused by the in-flight limit: the member still leaves', async () => {
    const room = uniqueId('room');
    const observer = await joined(room, 'Observer');
    const member = await joined(room, 'Member');
    // 16 in flight: a join that waits for a peer id the PeerServer has not seen, then 15 quick events.
    const absentId = uniqueId('absent');
    // (Plain acks: they are simply dropped when the socket disconnects with them unanswered.)
    member.socket.emit('join-room', uniqueId('room'), absentId, { peerToken: 'tokright' }, () => {});
    for (let i = 0; i < 15; i++) member.socket.emit('raise-hand', true, () => {});
    const full = (await member.socket.emitWithAck('raise-hand', true)) as Ack<unknown>;
    assert.equal(!full.ok && full.error.message, 'Too many requests in progress: wait for the answers');

    const gone = once<[string, string]>(observer.socket, 'user-disconnected', 10_000);
    member.socket.disconnect();
    // The waiting join ends (its peer id shows up with another token) and the queue drains.
    opened.push(await connectPeer(server.url, absentId, 'tokwrong'));
    assert.deepEqual(await gone, [member.peer.id, 'left']);
  });

  it('tells the host a knock is withdrawn once the host has answered it, admitted or denied', async () => {
    const { room, host } = await lockedRoom();
    for (const admit of [true, false]) {
      const k = await knocker(room, host.socket, admit ? 'Yes' : 'No');
      const answered = once<[KnockAnswer]>(k.socket, 'knock-answered');
      const withdrawn = once<[string]>(host.socket, 'knock-withdrawn');
      must((await host.socket.emitWithAck('answer-knock', k.knockId, admit)) as Ack<null>);
      assert.deepEqual(await withdrawn, [k.knockId]);
      assert.equal((await answered)[0].admitted, admit);
    }
  });

  it('tells the host a knock is withdrawn when the knocker cancels or disconnects', async () => {
    const { room, host } = await lockedRoom();

    const cancelling = await knocker(room, host.socket, 'Cancels');
    const cancelled = once<[string]>(host.socket, 'knock-withdrawn');
    must((await cancelling.socket.emitWithAck('cancel-knock')) as Ack<null>);
    assert.deepEqual(await cancelled, [cancelling.knockId]);

    const leaving = await knocker(room, host.socket, 'Leaves');
    const left = once<[string]>(host.socket, 'knock-withdrawn');
    leaving.socket.disconnect();
    assert.deepEqual(await left, [leaving.knockId]);

    // Both are out of the lobby too: there is nothing left to answer.
    for (const { knockId } of [cancelling, leaving]) {
      const late = (await host.socket.emitWithAck('answer-knock', knockId, true)) as Ack<null>;
      assert.equal(!late.ok && late.error.code, 'no-such-knock');
    }
  });
});
