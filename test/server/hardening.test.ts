/** Headers, TLS, limits, rate limits, ICE/TURN credentials and metrics, over real HTTP and WebSocket clients. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { loadConfig } from '../../server/config.js';
import type { Ack, IceServers, JoinedRoom } from '../../protocol/contract.js';
import { connectPeer, connectSocket, startServer, uniqueId, type TestServer } from '../helpers/server.js';

describe('security headers', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it('sends a CSP without inline script, a Permissions-Policy for devices, and no HSTS over plain HTTP', async () => {
    for (const pathname of ['/', '/r/some-room', '/api/config']) {
      const response = await fetch(`${server.url}${pathname}`);
      const csp = response.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'/, pathname);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, pathname);
      assert.match(response.headers.get('permissions-policy') ?? '', /camera=\(self\), microphone=\(self\), display-capture=\(self\)/);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('strict-transport-security'), null);
    }
  });

  it('serves health, readiness and Prometheus metrics that count joins and refusals', async () => {
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    assert.deepEqual(await (await fetch(`${server.url}/readyz`)).json(), { ready: true });
    const socket = await connectSocket(server.url);
    const peer = await connectPeer(server.url, uniqueId());
    await socket.emitWithAck('join-room', uniqueId('room'), peer.id, { peerToken: peer.token });
    await socket.emitWithAck('join-room', 'bad room', peer.id);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(text, /^callroom_joins_total 1$/m);
    assert.match(text, /^callroom_rooms 1$/m);
    assert.match(text, /^callroom_participants 1$/m);
    assert.match(text, /^callroom_sockets 1$/m);
    assert.match(text, /^callroom_peers 1$/m);
    assert.match(text, /^callroom_rejected_events_total\{event="join-room",reason="invalid-room"\} 1$/m);
    assert.match(text, /^callroom_events_total\{event="join-room"\} 2$/m);
    socket.close();
    peer.close();
  });
});

describe('limits', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it('rate-limits joins per socket with a clear error, then lets the socket in again', async () => {
    const socket = await connectSocket(server.url);
    const peer = await connectPeer(server.url, uniqueId());
    const room = uniqueId('room');
    const answers = (await Promise.all(
      Array.from({ length: 12 }, () => socket.emitWithAck('join-room', room, peer.id, { peerToken: peer.token })),
    )) as Array<Ack<JoinedRoom>>;
    const limited = answers.filter((a) => !a.ok && a.error.code === 'rate-limited');
    assert.ok(limited.length >= 6, `${limited.length} of 12 joins refused`);
    assert.match((!limited[0]!.ok && limited[0]!.error.message) || '', /Too many requests/);
    await new Promise((r) => setTimeout(r, 1200));
    const again = (await socket.emitWithAck('join-room', room, peer.id, { peerToken: peer.token })) as Ack<JoinedRoom>;
    assert.ok(again.ok);
    // Another socket was never affected.
    const other = await connectSocket(server.url);
    const otherPeer = await connectPeer(server.url, uniqueId());
    assert.ok(((await other.emitWithAck('join-room', room, otherPeer.id, { peerToken: otherPeer.token })) as Ack<JoinedRoom>).ok);
    [socket, other].forEach((s) => s.close());
    [peer, otherPeer].forEach((p) => p.close());
  });

  it('ignores events named like Object.prototype members (a crash found by the fuzz test)', async () => {
    const socket = await connectSocket(server.url);
    for (const event of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      (socket.emit as (...a: unknown[]) => void)(event, 'x', () => {});
    }
    // Unknown events get no answer; the server and this very socket keep working.
    const answer = (await socket.emitWithAck('update-media', { audio: true, video: true })) as Ack<unknown>;
    assert.equal(!answer.ok && answer.error.code, 'not-in-room');
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    socket.close();
  });

  it('closes a Socket.IO client that sends more than 64 KB in one message', async () => {
    const socket = await connectSocket(server.url);
    const closed = new Promise<string>((resolve) => socket.on('disconnect', (reason) => resolve(reason)));
    socket.emit('join-room', 'x'.repeat(70 * 1024), 'p');
    assert.equal(await closed, 'transport close');
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  });

  it('closes a PeerServer client that sends a frame over 64 KB, and refuses malformed peer ids', async () => {
    const peer = await connectPeer(server.url, uniqueId());
    const code = await new Promise<number>((resolve) => {
      peer.ws.on('close', (c) => resolve(c));
      peer.ws.send(JSON.stringify({ type: 'OFFER', dst: 'x', payload: 'y'.repeat(70 * 1024) }));
    });
    assert.equal(code, 1009);
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/peerjs/peerjs?key=peerjs&id=${'z'.repeat(100)}&token=t`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    assert.equal(status, 400);
  });
});

describe('ICE servers and TURN credentials', () => {
  const getIce = async (url: string) => {
    const socket = await connectSocket(url, { extraHeaders: { origin: url } });
    try {
      const answer = (await socket.emitWithAck('get-ice')) as Ack<IceServers>;
      assert.ok(answer.ok, JSON.stringify(answer));
      return answer.data;
    } finally {
      socket.close();
    }
  };

  it('hands out the configured ICE servers over the signaling connection, and none by default', async () => {
    const plain = await startServer();
    assert.deepEqual(await getIce(plain.url), { iceServers: [], iceTransportPolicy: 'all' });
    await plain.close();
    const stun = await startServer({ ICE_SERVERS: '[{"urls":"stun:stun.example.org:3478"}]' });
    assert.deepEqual((await getIce(stun.url)).iceServers, [{ urls: 'stun:stun.example.org:3478' }]);
    await stun.close();
  });

  it('issues short-lived TURN credentials coturn can check (expiry:id, HMAC-SHA1 of it)', async () => {
    const server = await startServer({
      TURN_SECRET: 's3cret',
      TURN_URLS: 'turn:127.0.0.1:3478',
      TURN_TTL: '600',
      ICE_TRANSPORT_POLICY: 'relay',
    });
    const answer = await getIce(server.url);
    assert.equal(answer.iceTransportPolicy, 'relay');
    assert.equal(answer.ttlSeconds, 600);
    const turn = answer.iceServers[0]!;
    assert.deepEqual(turn.urls, ['turn:127.0.0.1:3478']);
    const [expiry] = turn.username!.split(':');
    const lifetime = Number(expiry) - Date.now() / 1000;
    assert.ok(lifetime > 590 && lifetime <= 600, `lifetime ${lifetime}`);
    assert.equal(turn.credential, createHmac('sha1', 's3cret').update(turn.username!).digest('base64'));
    const again = await getIce(server.url);
    assert.notEqual(again.iceServers[0]!.username, turn.username, 'fresh credentials each time');
    await server.close();
  });

  it('defaults TURN credentials to 10 minutes and refuses more than 12 h or a missing URL', () => {
    assert.equal(loadConfig({ TURN_SECRET: 'x', TURN_URLS: 'turn:h:3478' }).turn?.ttlSeconds, 600);
    assert.throws(() => loadConfig({ TURN_SECRET: 'x', TURN_URLS: 'turn:h', TURN_TTL: String(13 * 3600) }), /TURN_TTL/);
    assert.throws(() => loadConfig({ TURN_SECRET: 'x' }), /TURN_URLS/);
    assert.throws(() => loadConfig({ TLS_CERT: 'a.pem' }), /TLS_CERT and TLS_KEY/);
    assert.throws(() => loadConfig({ ALLOWED_ORIGINS: 'https://a.example/path' }), /ALLOWED_ORIGINS/);
  });
});

describe('TLS', () => {
  let server: TestServer;
  before(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'callroom-tls-'));
    const [certFile, keyFile] = [path.join(dir, 'cert.pem'), path.join(dir, 'key.pem')];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { stdio: 'ignore' },
    );
    server = await startServer({ TLS_CERT: certFile, TLS_KEY: keyFile });
  });
  after(() => server.close());

  it('serves HTTPS with HSTS, and Socket.IO and PeerJS over wss', async () => {
    assert.match(server.url, /^https:/);
    const headers = await new Promise<import('node:http').IncomingHttpHeaders>((resolve, reject) => {
      httpsGet(`${server.url}/healthz`, { rejectUnauthorized: false }, (res) => {
        res.resume();
        resolve(res.headers);
      }).on('error', reject);
    });
    assert.match(String(headers['strict-transport-security']), /max-age=31536000/);
    const socket = await connectSocket(server.url, { rejectUnauthorized: false });
    assert.equal(socket.io.engine.transport.name, 'websocket');
    socket.close();
    const ws = new WebSocket(`${server.url.replace('https', 'wss')}/peerjs/peerjs?key=peerjs&id=tlspeer&token=t1`, {
      rejectUnauthorized: false,
    });
    const first = await new Promise<string>((resolve, reject) => {
      ws.on('message', (d) => resolve(JSON.parse(String(d)).type));
      ws.on('error', reject);
    });
    assert.equal(first, 'OPEN');
    ws.close();
  });
});
