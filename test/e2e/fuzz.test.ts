/**
 * Thousands of malformed events, through real Socket.IO clients and raw PeerServer WebSocket
 * frames, at a server that is carrying a two-person call. Afterwards the server still answers,
 * its state and memory are back where they were, and the call never stopped.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import type { Browser } from 'playwright-core';
import { clickJoin, decodedFrames, eventually, launchBrowser, openCall, remoteNames, type Participant } from '../helpers/browser.js';
import { freePort, spawnServer, type ServerProcess } from '../helpers/process.js';
import { connectSocket, uniqueId, type ClientSocket } from '../helpers/server.js';

/** A small deterministic PRNG, so a failure can be replayed with the same seed. */
function prng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

function deep(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

function malformedValue(random: () => number, victimRoom: string): unknown {
  const pick = Math.floor(random() * 16);
  switch (pick) {
    case 0:
      return '__proto__';
    case 1:
      return 'constructor';
    case 2:
      return 'x'.repeat(Math.floor(random() * 60_000));
    case 3:
      return deep(Math.floor(random() * 1000)); // deeper overflows the client's own encoder
    case 4:
      return JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}');
    case 5:
      return Buffer.from('binary where text is due');
    case 6:
      return Math.floor(random() * 2 ** 53) * (random() < 0.5 ? -1 : 1);
    case 7:
      return null;
    case 8:
      return undefined;
    case 9:
      return [victimRoom, victimRoom];
    case 10:
      return { name: '<script>alert(1)</script>', audio: 'yes', video: {}, peerToken: 42 };
    case 11:
      return victimRoom; // try to reach the call's room with junk
    case 12:
      return random() < 0.5;
    case 13:
      return { toString: 'not a function', valueOf: 1 };
    case 14:
      return 'room-' + Math.floor(random() * 1000);
    default:
      return NaN;
  }
}

const EVENTS = [
  'join-room',
  'leave-room',
  'update-media',
  'user-connected',
  'participant-updated',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  'x'.repeat(300),
  '',
];

/** Frames a broken or hostile PeerJS client might send. */
function malformedFrame(random: () => number, victims: string[]): string | Buffer {
  const pick = Math.floor(random() * 9);
  const dst = random() < 0.3 ? victims[Math.floor(random() * victims.length)] : `nobody${Math.floor(random() * 1e9)}`;
  switch (pick) {
    case 0:
      return 'not json {';
    case 1:
      return 'null';
    case 2:
      return '[1,2,3]';
    case 3:
      return Buffer.from([0, 1, 2, 255]);
    case 4:
      return JSON.stringify({ type: 'OFFER', dst, payload: { sdp: 'garbage', type: 'media', connectionId: 'mc_x' } });
    case 5:
      return JSON.stringify({ type: 'CANDIDATE', dst, payload: { candidate: { candidate: 'junk' }, connectionId: 'mc_y' } });
    case 6:
      return JSON.stringify({ type: 'LEAVE', dst });
    case 7:
      return JSON.stringify({ type: 'HEARTBEAT', __proto__: { polluted: 1 } });
    default:
      return JSON.stringify({ type: 'ANSWER', dst, payload: 'x'.repeat(Math.floor(random() * 30_000)) });
  }
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : NaN;
}

describe('fuzzing the server during a call', () => {
  let server: ServerProcess;
  let browser: Browser;
  before(async () => {
    server = await spawnServer(await freePort());
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.kill();
  });

  it('survives thousands of malformed events and frames without harming the call', async () => {
    const room = uniqueId('room');
    const url = `${server.url}/r/${room}`;
    const a = await openCall(browser, url, { name: 'Steady A' });
    await clickJoin(a);
    const b = await openCall(browser, url, { name: 'Steady B' });
    await clickJoin(b);
    const people: Participant[] = [a, b];
    for (const p of people) {
      await eventually(async () => (await decodedFrames(p)).some((f) => f > 0), 20_000, `${p.name} media`);
    }
    const victims = await a.page
      .locator('video-tile[data-peer-id]')
      .evaluateAll((tiles) => tiles.map((t) => t.getAttribute('data-peer-id')!));
    victims.push(
      ...(await b.page.locator('video-tile[data-peer-id]').evaluateAll((tiles) => tiles.map((t) => t.getAttribute('data-peer-id')!))),
    );

    // Watch the call the whole time: every second, both sides must have decoded new frames.
    const stalls: string[] = [];
    const last = new Map<Participant, number>();
    for (const p of people)
      last.set(
        p,
        (await decodedFrames(p)).reduce((x, y) => x + y, 0),
      );
    const watcher = setInterval(async () => {
      for (const p of people) {
        const now = (await decodedFrames(p).catch(() => [0])).reduce((x, y) => x + y, 0);
        if (now <= last.get(p)!) stalls.push(`${p.name} at ${new Date().toISOString()}`);
        last.set(p, now);
      }
    }, 1000);

    await new Promise((r) => setTimeout(r, 1500));
    const heapBefore = await metric(server.url, 'callroom_nodejs_heap_size_used_bytes');
    const random = prng(20261121);
    let sent = 0;

    // Socket.IO: 10 clients × 300 events of every kind. The server closes a client whose message
    // is over 64 KB; the fuzzer then comes back on a new connection.
    const clients: ClientSocket[] = [];
    let closedForSize = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        let client = await connectSocket(server.url, { reconnection: false });
        clients.push(client);
        for (let n = 0; n < 300; n++) {
          if (!client.connected) {
            closedForSize++;
            client = await connectSocket(server.url, { reconnection: false });
            clients.push(client);
          }
          const event = EVENTS[Math.floor(random() * EVENTS.length)]!;
          const args = Array.from({ length: Math.floor(random() * 5) }, () => malformedValue(random, room));
          if (random() < 0.5) args.push(() => {}); // an ack, sometimes
          (client.emit as (...a: unknown[]) => void)(event, ...args);
          sent++;
          if (n % 25 === 0) await new Promise((r) => setTimeout(r, 20));
        }
      }),
    );

    // PeerServer: 5 raw WebSocket clients × 200 frames, some aimed at the call's peers.
    await Promise.all(
      Array.from({ length: 5 }, async (_, i) => {
        const ws = new WebSocket(`${server.url.replace('http', 'ws')}/peerjs/peerjs?key=peerjs&id=fuzzer${i}x${Date.now()}&token=tok${i}`);
        await new Promise((resolve, reject) => {
          ws.once('message', resolve);
          ws.once('error', reject);
        });
        for (let n = 0; n < 200 && ws.readyState === WebSocket.OPEN; n++) {
          ws.send(malformedFrame(random, victims));
          sent++;
          if (n % 25 === 0) await new Promise((r) => setTimeout(r, 20));
        }
        ws.close();
      }),
    );
    clients.forEach((c) => c.close());
    assert.ok(sent >= 3500, `sent ${sent}`);

    // The server answers, and keeps nothing of the junk (PeerServer drops queued junk after 5 s).
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    await eventually(async () => (await metric(server.url, 'callroom_sockets')) === 2, 10_000, 'fuzz sockets gone');
    await new Promise((r) => setTimeout(r, 7000));
    clearInterval(watcher);
    assert.equal(await metric(server.url, 'callroom_rooms'), 1);
    assert.equal(await metric(server.url, 'callroom_participants'), 2);
    assert.equal(await metric(server.url, 'callroom_peers'), 2);
    const heapAfter = await metric(server.url, 'callroom_nodejs_heap_size_used_bytes');
    const growthMb = (heapAfter - heapBefore) / 2 ** 20;
    console.log(
      `sent ${sent} malformed events/frames (${closedForSize} clients closed for oversize messages); heap ${(heapBefore / 2 ** 20).toFixed(1)} → ${(heapAfter / 2 ** 20).toFixed(1)} MiB`,
    );
    assert.ok(growthMb < 30, `heap grew by ${growthMb.toFixed(1)} MiB`);

    // The call never stopped, and still has exactly its two people.
    assert.deepEqual(stalls, [], 'media never stalled');
    assert.deepEqual(await remoteNames(a), ['Steady B']);
    assert.deepEqual(await remoteNames(b), ['Steady A']);
    // And the server still takes new people.
    const c = await openCall(browser, url, { name: 'Late C' });
    await clickJoin(c);
    await eventually(async () => (await remoteNames(c)).length === 2, 20_000, 'a newcomer after the fuzzing');
    for (const p of [a, b, c]) await p.context.close();
  });
});
