/**
 * Reaching people behind NAT: with ICE_TRANSPORT_POLICY=relay, two browsers can only connect
 * through TURN, here Debian's coturn checking the short-lived credentials our server issues.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { clickJoin, decodedFrames, eventually, launchBrowser, openCall, remoteNames, type Participant } from '../helpers/browser.js';
import { startCoturn, type Coturn } from '../helpers/coturn.js';
import { startServer, uniqueId } from '../helpers/server.js';

const SECRET = 'coturn-shared-secret';

/** The candidate types of each connected pair's selected route. */
async function selectedCandidateTypes(p: Participant): Promise<string[]> {
  return p.page.evaluate(async () => {
    const types: string[] = [];
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState !== 'connected') continue;
      const stats = await pc.getStats();
      stats.forEach((s) => {
        if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') {
          types.push(`${stats.get(s.localCandidateId)?.candidateType}/${stats.get(s.remoteCandidateId)?.candidateType}`);
        }
      });
    }
    return types;
  });
}

describe('calls through a TURN relay (coturn)', () => {
  let coturn: Coturn;
  let browser: Browser;
  before(async () => {
    coturn = await startCoturn(SECRET);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await coturn?.stop();
  });

  it('connects two relay-only browsers through coturn with the server-issued credentials', async () => {
    // Credentials live 60 s (the shortest allowed): browsers must fetch fresh ones at 80%.
    const server = await startServer({ TURN_SECRET: SECRET, TURN_URLS: coturn.url, ICE_TRANSPORT_POLICY: 'relay', TURN_TTL: '60' });
    const url = `${server.url}/r/${uniqueId('room')}`;
    const a = await openCall(browser, url, { name: 'Relay A' });
    const iceFetches: number[] = [];
    // Credentials come over the signaling socket (`get-ice`), never from a plain HTTP endpoint.
    a.page.on('websocket', (ws) => {
      ws.on('framesent', (frame) => {
        if (typeof frame.payload === 'string' && frame.payload.includes('"get-ice"')) iceFetches.push(Date.now());
      });
    });
    await clickJoin(a);
    const b = await openCall(browser, url, { name: 'Relay B' });
    await clickJoin(b);
    for (const p of [a, b]) {
      await eventually(async () => (await remoteNames(p)).length === 1, 20_000, `${p.name} sees the other`);
      await eventually(async () => (await decodedFrames(p)).some((f) => f > 0), 30_000, `${p.name} decodes video through the relay`);
      const types = await selectedCandidateTypes(p);
      assert.ok(types.length > 0 && types.every((t) => t.startsWith('relay/')), `${p.name} route: ${types}`);
    }
    // Before the first credentials expire, the browser has fetched new ones; the call goes on.
    await eventually(() => iceFetches.length >= 2, 60_000, 'a credential refresh before expiry');
    const lifetime = (iceFetches[1]! - iceFetches[0]!) / 1000;
    assert.ok(lifetime >= 40 && lifetime < 60, `refreshed after ${lifetime} s of a 60 s lifetime`);
    await eventually(async () => (await decodedFrames(a)).some((f) => f > 0), 10_000, 'media after the refresh');
    await a.context.close();
    await b.context.close();
    await server.close();
  });

  it('says the call could not connect through the relay when the TURN secret is wrong', async () => {
    const server = await startServer({ TURN_SECRET: 'not-the-secret', TURN_URLS: coturn.url, ICE_TRANSPORT_POLICY: 'relay' });
    const url = `${server.url}/r/${uniqueId('room')}`;
    const a = await openCall(browser, url, { name: 'Wrong A' });
    await clickJoin(a);
    const b = await openCall(browser, url, { name: 'Wrong B' });
    await clickJoin(b);
    for (const p of [a, b]) {
      await p.page.getByText('Could not connect through the relay server').first().waitFor({ timeout: 30_000 });
      assert.deepEqual(await decodedFrames(p), []);
    }
    await a.context.close();
    await b.context.close();
    await server.close();
  });
});
