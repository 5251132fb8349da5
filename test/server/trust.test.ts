/**
 * The trust model, tried as an attacker would against the real server on loopback: one test per
 * hole that was found (ghost seats, id takeover, frames across rooms, odd upgrade paths, repeated
 * PeerServer query parameters, reconnects in locked and private rooms).
 */
import assert from 'node:assert/strict';
import { connect as tcpConnect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import type { Ack, KnockAnswer, Participant } from '../../protocol/contract.js';
import { dropConnection, eventuallyMatches, join, member, record, until } from '../helpers/members.js';
import { freePort, spawnServer } from '../helpers/process.js';
import { connectPeer, connectSocket, once, startServer, uniqueId, type TestServer } from '../helpers/server.js';

/** A raw HTTP upgrade; resolves with the status line and whether the server closed the socket. */
function rawUpgrade(port: number, path: string): Promise<{ status: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    let data = '';
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: data.split('\r\n')[0] ?? '', closed });
    };
    // Not a timing assertion: a socket that hangs open for 3 s is one that would hang for ever.
    const timer = setTimeout(() => finish(false), 3000);
    socket.on('data', (chunk) => {
      data += chunk;
      if (data.startsWith('HTTP/1.1 101')) finish(true);
    });
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
}

describe('one identity, one room', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ ROOM_CAPACITY: '6', RECONNECT_GRACE_SECONDS: '30' });
  });
  after(() => server.close());

  it('1. ghost seats: moving a peer id to another room is a proper leave of the old one', async () => {
    const roomX = uniqueId('x');
    const roomY = uniqueId('y');
    // The attacker is first in X (so host), an honest person joins after.
    const attacker = await member(server, roomX, 'Mallory');
    const honest = await member(server, roomX, 'Ada');
    const heard = record(honest.socket);
    const left = once<[string]>(honest.socket, 'user-disconnected');
    const hostChange = once<[{ hostPeerId: string }]>(honest.socket, 'room-updated');
    // From a second socket, with its own token, the attacker takes its id to room Y.
    const second = await connectSocket(server.url);
    const moved = await join(second, roomY, attacker.peer.id, { peerToken: attacker.peer.token });
    assert.ok(moved.ok);
    assert.equal((await left)[0], attacker.peer.id, 'X is told the attacker left');
    assert.equal((await hostChange)[0].hostPeerId, honest.peer.id, 'the host role passed on');
    assert.ok(!heard.some(([e]) => e === 'user-connected'));

    // Five more moves cannot fill X: every seat freed is a seat an honest newcomer gets.
    for (let i = 0; i < 5; i++) {
      const ghost = await member(server, roomX, `Ghost${i}`);
      const away = await connectSocket(server.url);
      assert.ok((await join(away, roomY, ghost.peer.id, { peerToken: ghost.peer.token })).ok);
    }
    for (let i = 0; i < 5; i++) await member(server, roomX, `Newcomer${i}`);
  });

  it("2. id takeover: while the owner's PeerServer link blips, nobody else can register or join with its id", async () => {
    const roomId = uniqueId('room');
    const owner = await member(server, roomId, 'Olive');
    const other = await member(server, roomId, 'Bob');
    const heard = record(other.socket);
    // The blip: the owner's PeerServer connection goes away.
    owner.peer.close();
    await new Promise((r) => owner.peer.ws.once('close', r));
    // Mallory knows the id (every co-participant does) and registers it with her own token.
    await assert.rejects(connectPeer(server.url, owner.peer.id, 'mallorytoken'), /ID-TAKEN/);
    const mallory = await connectSocket(server.url);
    const withToken = await join(mallory, roomId, owner.peer.id, { name: 'Mallory', peerToken: 'mallorytoken' });
    assert.equal(!withToken.ok && withToken.error.code, 'peer-taken');
    const classic = await join(mallory, roomId, owner.peer.id, { name: 'Mallory' });
    assert.equal(!classic.ok && classic.error.code, 'peer-taken');
    // The owner comes back with its own token, and nobody ever heard of "Mallory".
    const back = await connectPeer(server.url, owner.peer.id, owner.peer.token);
    assert.ok(owner.socket.connected, 'the owner keeps its signaling connection');
    assert.ok(!heard.some(([, args]) => JSON.stringify(args).includes('Mallory')));
    back.close();
  });

  it('2b. a removed person cannot come back into a locked room through its old id', async () => {
    const roomId = uniqueId('room');
    const host = await member(server, roomId, 'Host');
    const removed = await member(server, roomId, 'Rex', { clientId: 'rex-browser-1' });
    assert.ok(((await host.socket.emitWithAck('lock-room', true)) as Ack<unknown>).ok);
    assert.ok(((await host.socket.emitWithAck('remove-participant', removed.peer.id)) as Ack<unknown>).ok);
    const again = await connectSocket(server.url);
    const answer = await join(again, roomId, removed.peer.id, { peerToken: removed.peer.token, clientId: 'another-browser' });
    assert.equal(!answer.ok && answer.error.code, 'room-locked');
  });

  it('2c. a classic client (no token) may only take an id that no membership holds', async () => {
    const roomId = uniqueId('room');
    const owner = await member(server, roomId, 'Olive');
    const classic = await connectSocket(server.url);
    const answer = await join(classic, roomId, owner.peer.id);
    assert.equal(!answer.ok && answer.error.code, 'peer-taken');
    // Its own fresh id works as the classic protocol always did.
    const own = await connectPeer(server.url, uniqueId('classic'));
    const connected = once<[string]>(owner.socket, 'user-connected');
    classic.emit('join-room', roomId, own.id);
    assert.equal((await connected)[0], own.id);
  });

  it('3. frames from outside the room never reach a member', async () => {
    const roomId = uniqueId('room');
    const alice = await member(server, roomId, 'Alice');
    const bob = await member(server, roomId, 'Bob');
    const stranger = await connectPeer(server.url, uniqueId('stranger'));
    const elsewhere = await member(server, uniqueId('other'), 'Eve');
    for (const sender of [stranger, elsewhere.peer]) {
      sender.ws.send(
        JSON.stringify({
          type: 'OFFER',
          dst: alice.peer.id,
          payload: { sdp: { type: 'offer', sdp: 'v=0' }, type: 'data', connectionId: 'dc_x' },
        }),
      );
      sender.ws.send(
        JSON.stringify({ type: 'CANDIDATE', dst: alice.peer.id, payload: { candidate: {}, type: 'data', connectionId: 'dc_x' } }),
      );
      // Dressed as a heartbeat (which skips the line of frames waiting for their check): the last
      // of two "type" keys is the one PeerServer reads.
      sender.ws.send(`{"type":"HEARTBEAT","type":"OFFER","dst":${JSON.stringify(alice.peer.id)},"payload":{"connectionId":"dc_hb"}}`);
    }
    // A frame from a member of the room, sent after, arrives: so the strangers' had their chance.
    const arrived = new Promise<void>((resolve) =>
      alice.peer.ws.on('message', (data) => JSON.parse(String(data)).src === bob.peer.id && resolve()),
    );
    bob.peer.ws.send(
      JSON.stringify({ type: 'CANDIDATE', dst: alice.peer.id, payload: { candidate: {}, type: 'media', connectionId: 'mc_y' } }),
    );
    await arrived;
    const relayed = alice.peer.messages.filter((m) => m.src === stranger.id || m.src === elsewhere.peer.id);
    assert.deepEqual(relayed, [], 'nothing from outside the room was relayed');
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /callroom_peer_frames_dropped_total\{reason="sender-not-in-room"\} [1-9]/);
    assert.match(metrics, /callroom_peer_frames_dropped_total\{reason="other-room"\} [1-9]/);
  });

  it('4. upgrades on paths that normalize differently are refused with 400 and closed', async () => {
    for (const path of [
      '/./socket.io/?EIO=4&transport=websocket',
      '/peerjs/../socket.io/?EIO=4&transport=websocket',
      '/%2e/socket.io/?EIO=4&transport=websocket',
      '/socket.io/../peerjs/peerjs?key=peerjs&id=abc&token=def',
    ]) {
      const answer = await rawUpgrade(server.port, path);
      assert.equal(answer.status, 'HTTP/1.1 400 Bad Request', path);
      assert.ok(answer.closed, `${path} is closed, not left hanging`);
    }
    for (const path of ['/nowhere', '/peerjs//peerjs?key=peerjs&id=abc&token=def']) {
      const unknown = await rawUpgrade(server.port, path);
      assert.equal(unknown.status, 'HTTP/1.1 404 Not Found', path);
      assert.ok(unknown.closed, path);
    }
    // The real paths still upgrade.
    assert.equal((await rawUpgrade(server.port, '/socket.io/?EIO=4&transport=websocket')).status, 'HTTP/1.1 101 Switching Protocols');
    assert.equal((await rawUpgrade(server.port, '/peerjs/peerjs?key=peerjs&id=abc1&token=def')).status, 'HTTP/1.1 101 Switching Protocols');
  });

  it('5. PeerServer query parameters are checked as PeerServer reads them (repeated ones refused)', async () => {
    const status = (query: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`${server.url.replace('http', 'ws')}/peerjs/peerjs?${query}`);
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => {
          ws.close();
          resolve(101);
        });
        ws.on('error', () => undefined);
      });
    const long = 'z'.repeat(300);
    assert.equal(await status(`key=peerjs&id=good1&id=${long}&token=t`), 400, 'a second id');
    assert.equal(await status(`key=peerjs&id=good2&token=t&token=u`), 400, 'a second token');
    assert.equal(await status(`key=peerjs&id=good3&token=${long}`), 400, 'a 300-character token');
    assert.equal(await status(`key=peerjs&key=peerjs&id=good4&token=t`), 400, 'a second key');
    assert.equal(await status(`key=peerjs&id=good5&token=t`), 101);
  });

  it('3b. a PeerServer socket that left cannot speak for the id someone else registers next', async () => {
    const roomId = uniqueId('room');
    const member1 = await member(server, roomId, 'Mia');
    const id = uniqueId('victim');
    const attacker = await connectPeer(server.url, id, 'attackertoken');
    attacker.ws.send(JSON.stringify({ type: 'LEAVE' })); // PeerServer forgets the id; the socket stayed open
    await new Promise((r) => setTimeout(r, 200));
    const victimPeer = await connectPeer(server.url, id, 'victimtoken');
    const victim = await connectSocket(server.url);
    assert.ok((await join(victim, roomId, id, { peerToken: victimPeer.token })).ok);
    if (attacker.ws.readyState === WebSocket.OPEN) {
      attacker.ws.send(
        JSON.stringify({
          type: 'OFFER',
          dst: member1.peer.id,
          payload: { sdp: { type: 'offer', sdp: 'v=0' }, type: 'data', connectionId: 'dc_evil' },
        }),
      );
    }
    const arrived = new Promise<void>((resolve) =>
      member1.peer.ws.on('message', (data) => JSON.parse(String(data)).type === 'CANDIDATE' && resolve()),
    );
    victimPeer.ws.send(
      JSON.stringify({ type: 'CANDIDATE', dst: member1.peer.id, payload: { candidate: {}, type: 'media', connectionId: 'mc_ok' } }),
    );
    await arrived;
    assert.deepEqual(
      member1.peer.messages.filter((m) => m.type === 'OFFER'),
      [],
      'no frame from the old socket',
    );
  });

  it('2d. a classic join cannot adopt the PeerServer connection of someone at another address', async () => {
    const victim = await connectPeer(server.url, uniqueId('notyetjoined'));
    const elsewhere = await connectSocket(server.url, { localAddress: '127.0.0.2' } as object);
    const answer = await join(elsewhere, uniqueId('room'), victim.id);
    assert.equal(!answer.ok && answer.error.code, 'peer-taken');
    // The victim itself still joins with its token.
    const own = await connectSocket(server.url);
    assert.ok((await join(own, uniqueId('room'), victim.id, { peerToken: victim.token })).ok);
  });

  it('a client that resets the connection during a refused upgrade does not take the server down', async () => {
    // Its own process, so that a crash is seen as a crash (an exit), not as a test-runner warning.
    const child = await spawnServer(await freePort());
    try {
      const port = Number(new URL(child.url).port);
      for (let i = 0; i < 10; i++) {
        for (const path of ['/nowhere', '/./socket.io/?EIO=4&transport=websocket', '/peerjs/peerjs?key=peerjs&id=a&id=b&token=t']) {
          const socket = tcpConnect(port, '127.0.0.1');
          await new Promise((r) => socket.once('connect', r));
          socket.write(
            `GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
          );
          socket.resetAndDestroy();
        }
      }
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(child.child.exitCode, null, 'the server is still running');
      assert.equal((await fetch(`${child.url}/healthz`)).status, 200);
    } finally {
      await child.kill();
    }
  });

  it('errors show no stack traces and no framework headers', async () => {
    const response = await fetch(`${server.url}/peerjs/%E0%A4%A/id`);
    const body = await response.text();
    assert.doesNotMatch(body, /\bat \S+ \(|node_modules|Error:/);
    assert.equal(response.headers.get('x-powered-by'), null);
    const info = await fetch(`${server.url}/peerjs/`);
    assert.equal(info.headers.get('x-powered-by'), null);
  });
});

describe('reconnect grace', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ RECONNECT_GRACE_SECONDS: '2' });
  });
  after(() => server.close());

  async function lockedRoomWithGuest() {
    const roomId = uniqueId('room');
    const host = await member(server, roomId, 'Host');
    assert.ok(((await host.socket.emitWithAck('lock-room', true)) as Ack<unknown>).ok);
    const guestPeer = await connectPeer(server.url, uniqueId('guest'));
    const guestSocket = await connectSocket(server.url);
    const knocking = once<[{ knockId: string }]>(host.socket, 'knocking');
    const knock = (await guestSocket.emitWithAck('knock', roomId, { name: 'Guest' })) as Ack<{ knockId: string }>;
    assert.ok(knock.ok);
    const answer = once<[KnockAnswer]>(guestSocket, 'knock-answered');
    await host.socket.emitWithAck('answer-knock', (await knocking)[0].knockId, true);
    const { ticket } = (await answer)[0];
    const joined = await join(guestSocket, roomId, guestPeer.id, { name: 'Guest', peerToken: guestPeer.token, ticket });
    assert.ok(joined.ok);
    return { roomId, host, guest: { socket: guestSocket, peer: guestPeer } };
  }

  it('6a. a guest of a locked room who drops comes back with its token: no ticket, no knock, no leave seen', async () => {
    const { roomId, host, guest } = await lockedRoomWithGuest();
    const heard = record(host.socket);
    dropConnection(guest.socket);
    const back = await connectSocket(server.url);
    const updated = once<[Participant]>(host.socket, 'participant-updated');
    const answer = await join(back, roomId, guest.peer.id, { name: 'Guest', peerToken: guest.peer.token });
    assert.ok(answer.ok, JSON.stringify(answer));
    assert.equal((await updated)[0].peerId, guest.peer.id);
    assert.ok(!heard.some(([e]) => e === 'user-disconnected' || e === 'user-connected'), 'others never saw a leave and a join');
  });

  it('6b. the host keeps its role and its lobby while it is away; a knock waits for it', async () => {
    const roomId = uniqueId('room');
    const host = await member(server, roomId, 'Host');
    assert.ok(((await host.socket.emitWithAck('lock-room', true)) as Ack<unknown>).ok);
    dropConnection(host.socket);
    const knocker = await connectSocket(server.url);
    const heard = record(knocker);
    const knock = (await knocker.emitWithAck('knock', roomId, { name: 'Kim' })) as Ack<{ knockId: string }>;
    assert.ok(knock.ok, 'the room is still locked: the knock waits');
    const back = await connectSocket(server.url);
    const answer = await join(back, roomId, host.peer.id, { peerToken: host.peer.token });
    assert.ok(answer.ok);
    assert.equal(answer.data.room.hostPeerId, host.peer.id, 'still the host');
    assert.ok(answer.data.room.locked, 'still locked');
    assert.deepEqual(
      answer.data.lobby.map((k) => k.knockId),
      [knock.data.knockId],
      'the knock waits for the host',
    );
    assert.ok(!heard.some(([e]) => e === 'knock-answered'), 'the knocker was not let into the room');
  });

  it('6c. after the grace the leave is announced, and knockers on the emptied room are told it ended', async () => {
    const { roomId, host, guest } = await lockedRoomWithGuest();
    const left = once<[string, string]>(host.socket, 'user-disconnected', 10_000);
    dropConnection(guest.socket);
    assert.deepEqual(await left, [guest.peer.id, 'disconnected']);
    const knocker = await connectSocket(server.url);
    assert.ok(((await knocker.emitWithAck('knock', roomId, { name: 'Kim' })) as Ack<unknown>).ok);
    const told = once<[KnockAnswer]>(knocker, 'knock-answered', 10_000);
    dropConnection(host.socket);
    assert.deepEqual((await told)[0], { admitted: false, reason: 'ended' });
    // The guest's old token opens nothing any more: the room is gone with its lock.
    const late = await connectSocket(server.url);
    const answer = await join(late, roomId, guest.peer.id, { peerToken: guest.peer.token });
    assert.ok(answer.ok && !answer.data.room.locked, 'a fresh, unlocked room: nothing was inherited');
  });

  it('6d. the host of a private ring room drops and comes back in without a ticket', async () => {
    const reach = async (handle: string) => {
      const socket = await connectSocket(server.url);
      assert.ok(
        ((await socket.emitWithAck('become-reachable', handle, { name: handle, deviceKey: `device-${handle}` })) as Ack<unknown>).ok,
      );
      return socket;
    };
    const handle = uniqueId('h').toLowerCase().slice(0, 30);
    const callee = await reach(handle);
    const caller = await connectSocket(server.url);
    const incoming = once<[{ ringId: string }]>(callee, 'incoming-ring');
    const ended = once<[{ roomId: string; ticket: string }]>(caller, 'ring-ended');
    assert.ok(((await caller.emitWithAck('ring', handle, { name: 'Caller' })) as Ack<unknown>).ok);
    const accepted = (await callee.emitWithAck('answer-ring', (await incoming)[0].ringId, true)) as Ack<{ roomId: string; ticket: string }>;
    assert.ok(accepted.ok);
    const { roomId, ticket } = (await ended)[0];
    const callerPeer = await connectPeer(server.url, uniqueId('caller'));
    assert.ok((await join(caller, roomId, callerPeer.id, { peerToken: callerPeer.token, ticket })).ok);
    const calleePeer = await connectPeer(server.url, uniqueId('callee'));
    const calleeSocket = await connectSocket(server.url);
    assert.ok((await join(calleeSocket, roomId, calleePeer.id, { peerToken: calleePeer.token, ticket: accepted.data.ticket })).ok);
    const heard = record(calleeSocket);
    dropConnection(caller);
    const back = await connectSocket(server.url);
    const answer = await join(back, roomId, callerPeer.id, { peerToken: callerPeer.token });
    assert.ok(answer.ok, JSON.stringify(answer));
    assert.equal(answer.data.room.hostPeerId, callerPeer.id);
    assert.ok(!heard.some(([e]) => e === 'user-disconnected'));
  });
});

describe('limits on what a client can make the server hold or hand out', () => {
  it('7a. frames for a member who is away are held within PEER_QUEUE_PER_PEER, the rest dropped', async () => {
    const server = await startServer({ PEER_QUEUE_PER_PEER: '20' });
    try {
      const roomId = uniqueId('room');
      const alice = await member(server, roomId, 'Alice');
      const bob = await member(server, roomId, 'Bob');
      // Bob's PeerServer link drops; he is still a member (his socket is up), so frames are held.
      bob.peer.close();
      await new Promise((r) => bob.peer.ws.once('close', r));
      for (let i = 0; i < 50; i++)
        alice.peer.ws.send(JSON.stringify({ type: 'CANDIDATE', dst: bob.peer.id, payload: { candidate: { i } } }));
      await eventuallyMatches(server.url, /callroom_peer_frames_dropped_total\{reason="queue-full"\} 30\b/);
      // Bob comes back and gets the 20 that were held.
      const back = await connectPeer(server.url, bob.peer.id, bob.peer.token);
      await until(() => back.messages.filter((m) => m.type === 'CANDIDATE').length >= 20);
      await new Promise((r) => setTimeout(r, 200)); // no more than the 20 held ones follow
      assert.equal(back.messages.filter((m) => m.type === 'CANDIDATE').length, 20);
      back.close();
    } finally {
      await server.close();
    }
  });

  it('7b. TURN credentials: only over a live connection from a page, rate-limited per address, never over plain HTTP', async () => {
    const server = await startServer({ TURN_SECRET: 's3cret', TURN_URLS: 'turn:127.0.0.1:3478', ICE_PER_ADDRESS_BURST: '3' });
    try {
      assert.equal((await fetch(`${server.url}/api/ice`)).status, 404, 'no HTTP endpoint hands them out');
      const noOrigin = await connectSocket(server.url);
      const refused = (await noOrigin.emitWithAck('get-ice')) as Ack<unknown>;
      assert.equal(!refused.ok && refused.error.code, 'invalid-payload', 'a client that shows no Origin gets none');
      const page = await connectSocket(server.url, { extraHeaders: { origin: server.url } });
      const codes = [];
      for (let i = 0; i < 5; i++) {
        const answer = (await page.emitWithAck('get-ice')) as Ack<unknown>;
        codes.push(answer.ok ? 'ok' : answer.error.code);
      }
      assert.deepEqual(codes, ['ok', 'ok', 'ok', 'rate-limited', 'rate-limited']);
      // Another connection from the same address shares the budget.
      const another = await connectSocket(server.url, { extraHeaders: { origin: server.url } });
      const again = (await another.emitWithAck('get-ice')) as Ack<unknown>;
      assert.equal(!again.ok && again.error.code, 'rate-limited');
      // A page of another origin cannot even connect.
      await assert.rejects(connectSocket(server.url, { extraHeaders: { origin: 'https://evil.example' } }));
    } finally {
      await server.close();
    }
  });

  it('7c. /metrics can be protected with a bearer token', async () => {
    const server = await startServer({ METRICS_TOKEN: 'a-long-scrape-token-123' });
    try {
      assert.equal((await fetch(`${server.url}/metrics`)).status, 401);
      assert.equal((await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status, 401);
      const ok = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer a-long-scrape-token-123' } });
      assert.equal(ok.status, 200);
      assert.match(await ok.text(), /callroom_sockets/);
    } finally {
      await server.close();
    }
  });

  it('7e. behind a trusted proxy each client has its own share; anyone else’s X-Forwarded-For is ignored', async () => {
    const from = (server: TestServer, forwardedFor: string) =>
      connectSocket(server.url, { extraHeaders: { 'x-forwarded-for': forwardedFor } }).then(
        (socket) => socket,
        () => undefined,
      );
    const behindProxy = await startServer({ CONNECTIONS_PER_ADDRESS: '2', TRUST_PROXY: '127.0.0.1' });
    const direct = await startServer({ CONNECTIONS_PER_ADDRESS: '2', TRUST_PROXY: '10.9.9.9' });
    try {
      // The proxy (127.0.0.1, trusted) forwards three clients from 10.0.0.1 and one from 10.0.0.2.
      const a = await Promise.all([from(behindProxy, '10.0.0.1'), from(behindProxy, '203.0.113.7, 10.0.0.1')]);
      assert.ok(a.every(Boolean), 'two from 10.0.0.1 (the rightmost untrusted hop counts, not what the client claimed)');
      assert.equal(await from(behindProxy, '10.0.0.1'), undefined, 'a third from 10.0.0.1 is refused');
      const other = await from(behindProxy, '10.0.0.2');
      assert.ok(other, '10.0.0.2 has its own share');
      // A client that is not a trusted proxy cannot pick its address: the header is ignored.
      const b = await Promise.all([from(direct, '10.0.0.1'), from(direct, '10.0.0.2')]);
      assert.ok(b.every(Boolean));
      assert.equal(await from(direct, '10.0.0.3'), undefined, 'all three are 127.0.0.1 to a server that does not trust it');
      for (const socket of [...a, other, ...b]) socket?.close();
    } finally {
      await behindProxy.close();
      await direct.close();
    }
  });

  it('7d. a join answer carries at most JOIN_CHAT_BYTES of chat history', async () => {
    const server = await startServer({ JOIN_CHAT_BYTES: '16384', RATE_CHAT_BURST: '100' });
    try {
      const roomId = uniqueId('room');
      const talker = await member(server, roomId, 'Talker');
      for (let i = 0; i < 50; i++) await talker.socket.emitWithAck('chat-message', '汉'.repeat(2000));
      const late = await member(server, roomId, 'Late');
      const bytes = late.joined.chat.reduce((n, m) => n + Buffer.byteLength(JSON.stringify(m)), 0);
      assert.ok(late.joined.chat.length > 0 && bytes <= 16384, `${late.joined.chat.length} messages, ${bytes} bytes`);
    } finally {
      await server.close();
    }
  });
});
