/** Room life over real Socket.IO clients: chat stays in its room, host powers are checked by the server. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Ack, ChatMessage, IceServers, JoinedRoom, JoinOptions, Knock } from '../../protocol/contract.js';
import { connectPeer, connectSocket, once, startServer, uniqueId, type RawPeer, type TestServer } from '../helpers/server.js';

describe('room life over Socket.IO', () => {
  let server: TestServer;
  const opened: Array<{ close(): void }> = [];
  before(async () => {
    server = await startServer({ RATE_JOIN_BURST: '100', RATE_CHAT_BURST: '100' });
  });
  after(async () => {
    opened.forEach((o) => o.close());
    await server.close();
  });

  async function joined(room: string, name: string, extra: JoinOptions = {}) {
    const socket = await connectSocket(server.url);
    const peer = await connectPeer(server.url, uniqueId());
    opened.push(socket, peer);
    const ack = (await socket.emitWithAck('join-room', room, peer.id, { name, peerToken: peer.token, ...extra })) as Ack<JoinedRoom>;
    return { socket, peer, ack };
  }
  const must = <T>(ack: Ack<T>): T => {
    if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
    return ack.data;
  };

  it('delivers chat to the room only, acks the sender, and gives late joiners the history', async () => {
    const room = uniqueId('room');
    const a = await joined(room, 'Ada');
    const b = await joined(room, 'Bob');
    const elsewhere = await joined(uniqueId('room'), 'Eve');
    let leaked = false;
    elsewhere.socket.on('chat-message', () => (leaked = true));
    const received = once<[ChatMessage]>(b.socket, 'chat-message');
    const sent = must((await a.socket.emitWithAck('chat-message', 'hello <b>there</b>')) as Ack<ChatMessage>);
    assert.equal(sent.text, 'hello <b>there</b>');
    assert.equal(sent.name, 'Ada');
    assert.deepEqual((await received)[0], sent);
    const late = await joined(room, 'Cy');
    assert.deepEqual(
      must(late.ack).chat.map((m) => m.text),
      ['hello <b>there</b>'],
    );
    const tooLong = (await a.socket.emitWithAck('chat-message', 'x'.repeat(2001))) as Ack<ChatMessage>;
    assert.equal(!tooLong.ok && tooLong.error.code, 'message-too-long');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(leaked, false);
  });

  it('shares raised hands and reactions with the room', async () => {
    const room = uniqueId('room');
    const a = await joined(room, 'Ada');
    const b = await joined(room, 'Bob');
    const updated = once<[{ handRaisedAt?: number }]>(a.socket, 'participant-updated');
    must((await b.socket.emitWithAck('raise-hand', true)) as Ack<unknown>);
    assert.equal(typeof (await updated)[0].handRaisedAt, 'number');
    const reacted = once<[string, string]>(a.socket, 'reaction');
    must((await b.socket.emitWithAck('reaction', '🎉')) as Ack<unknown>);
    assert.deepEqual(await reacted, [b.peer.id, '🎉']);
    const bad = (await b.socket.emitWithAck('reaction', '<script>' as never)) as Ack<unknown>;
    assert.equal(!bad.ok && bad.error.code, 'invalid-payload');
  });

  it('lock, knock, admit and deny: only the host decides, whatever a client sends', async () => {
    const room = uniqueId('room');
    const host = await joined(room, 'Host');
    const guest = await joined(room, 'Guest');
    assert.equal(must(host.ack).room.hostPeerId, host.peer.id);
    const notHost = (await guest.socket.emitWithAck('lock-room', true)) as Ack<unknown>;
    assert.equal(!notHost.ok && notHost.error.code, 'not-host');
    const roomUpdate = once<[{ locked: boolean }]>(guest.socket, 'room-updated');
    must((await host.socket.emitWithAck('lock-room', true)) as Ack<unknown>);
    assert.equal((await roomUpdate)[0].locked, true);

    // A newcomer is refused, knocks, and the host hears it.
    const knocker = await connectSocket(server.url);
    const kp: RawPeer = await connectPeer(server.url, uniqueId());
    opened.push(knocker, kp);
    const refused = (await knocker.emitWithAck('join-room', room, kp.id, { name: 'Kay', peerToken: kp.token })) as Ack<JoinedRoom>;
    assert.equal(!refused.ok && refused.error.code, 'room-locked');
    const heard = once<[Knock]>(host.socket, 'knocking');
    const { knockId } = must((await knocker.emitWithAck('knock', room, { name: 'Kay' })) as Ack<{ knockId: string }>);
    assert.deepEqual((await heard)[0].name, 'Kay');
    // The guest cannot admit; the host can, once.
    const guestAdmit = (await guest.socket.emitWithAck('answer-knock', knockId, true)) as Ack<null>;
    assert.equal(!guestAdmit.ok && guestAdmit.error.code, 'not-host');
    const answered = once<[{ admitted: boolean; ticket?: string }]>(knocker, 'knock-answered');
    must((await host.socket.emitWithAck('answer-knock', knockId, true)) as Ack<null>);
    const twice = (await host.socket.emitWithAck('answer-knock', knockId, true)) as Ack<null>;
    assert.equal(!twice.ok && twice.error.code, 'no-such-knock');
    const { admitted, ticket } = (await answered)[0];
    assert.equal(admitted, true);
    const inside = (await knocker.emitWithAck('join-room', room, kp.id, { name: 'Kay', peerToken: kp.token, ticket })) as Ack<JoinedRoom>;
    assert.ok(inside.ok);

    // Denied: a clear no.
    const second = await connectSocket(server.url);
    opened.push(second);
    const heard2 = once<[Knock]>(host.socket, 'knocking');
    must((await second.emitWithAck('knock', room, { name: 'Nope' })) as Ack<unknown>);
    const denied = once<[{ admitted: boolean }]>(second, 'knock-answered');
    must((await host.socket.emitWithAck('answer-knock', (await heard2)[0].knockId, false)) as Ack<null>);
    assert.equal((await denied)[0].admitted, false);
  });

  it('the host removes a participant, who cannot come back while the room is locked', async () => {
    const room = uniqueId('room');
    const host = await joined(room, 'Host', { clientId: 'hostbrowser' });
    const target = await joined(room, 'Target', { clientId: 'targetbrowser' });
    const other = await joined(room, 'Other', { clientId: 'otherbrowser' });
    const told = once(target.socket, 'removed');
    const gone = once<[string, string]>(other.socket, 'user-disconnected');
    const notHost = (await other.socket.emitWithAck('remove-participant', host.peer.id)) as Ack<null>;
    assert.equal(!notHost.ok && notHost.error.code, 'not-host');
    must((await host.socket.emitWithAck('remove-participant', target.peer.id)) as Ack<null>);
    await told;
    assert.deepEqual(await gone, [target.peer.id, 'left']);
    must((await host.socket.emitWithAck('lock-room', true)) as Ack<unknown>);
    const back = (await target.socket.emitWithAck('join-room', room, target.peer.id, {
      peerToken: target.peer.token,
      clientId: 'targetbrowser',
    })) as Ack<JoinedRoom>;
    assert.equal(!back.ok && back.error.code, 'removed');
    const knock = (await target.socket.emitWithAck('knock', room, { name: 'Target', clientId: 'targetbrowser' })) as Ack<unknown>;
    assert.equal(!knock.ok && knock.error.code, 'removed');
  });

  it('passes the host role and the waiting knocks on when the host leaves', async () => {
    const room = uniqueId('room');
    const host = await joined(room, 'Host');
    const next = await joined(room, 'Next');
    must((await host.socket.emitWithAck('lock-room', true)) as Ack<unknown>);
    const knocker = await connectSocket(server.url);
    opened.push(knocker);
    const heardByOld = once<[Knock]>(host.socket, 'knocking');
    must((await knocker.emitWithAck('knock', room, { name: 'Waiting' })) as Ack<unknown>);
    await heardByOld;
    const newHostHears = once<[Knock]>(next.socket, 'knocking');
    const updated = once<[{ hostPeerId: string }]>(next.socket, 'room-updated');
    must((await host.socket.emitWithAck('leave-room')) as Ack<null>);
    assert.equal((await updated)[0].hostPeerId, next.peer.id);
    assert.equal((await newHostHears)[0].name, 'Waiting');
  });
});

describe('logs', () => {
  it('are JSON lines with room and peer ids, and never message text or credentials', async () => {
    const lines: string[] = [];
    const server = await startServer(
      { LOG_LEVEL: 'info', TURN_SECRET: 'turn-secret-value', TURN_URLS: 'turn:127.0.0.1:3478', RATE_CHAT_BURST: '1' },
      undefined,
      {
        write: (line: string) => void lines.push(line),
      },
    );
    const room = uniqueId('room');
    const socket = await connectSocket(server.url, { extraHeaders: { origin: server.url } });
    const peer = await connectPeer(server.url, uniqueId());
    await socket.emitWithAck('join-room', room, peer.id, { name: 'Logan', peerToken: peer.token });
    await socket.emitWithAck('chat-message', 'my secret plan');
    await socket.emitWithAck('chat-message', 'rate limited secret'); // refused: logged without its text
    const answer = (await socket.emitWithAck('get-ice')) as Ack<IceServers>;
    assert.ok(answer.ok);
    const ice = answer.data;
    socket.close();
    peer.close();
    await new Promise((r) => setTimeout(r, 100));
    await server.close();
    const text = lines.join('');
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(entries.some((e) => e.room === room && e.peer === peer.id && e.msg === 'participant joined'));
    for (const secret of ['my secret plan', 'rate limited secret', 'turn-secret-value', ice.iceServers[0]!.credential!, peer.token]) {
      assert.ok(!text.includes(secret), `logs must not contain ${secret}`);
    }
  });
});
