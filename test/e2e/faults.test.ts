/**
 * What real networks do to a call: the server dies and comes back, a participant's network drops
 * for 10 s, a peer connection breaks. Media must keep flowing or come back by itself, with no
 * duplicate tiles.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  clickJoin,
  decodedFrames,
  eventually,
  launchBrowser,
  mediaFlowing,
  openCall,
  remoteNames,
  type Participant,
} from '../helpers/browser.js';
import { freePort, spawnServer, type ServerProcess } from '../helpers/process.js';
import { uniqueId } from '../helpers/server.js';

/** Sum of video frames decoded from every live connection. */
const frames = async (p: Participant) => (await decodedFrames(p)).reduce((a, b) => a + b, 0);

describe('faults during a call', { concurrency: false }, () => {
  let browser: Browser;
  let port: number;
  let server: ServerProcess;
  before(async () => {
    browser = await launchBrowser();
    port = await freePort();
    server = await spawnServer(port);
  });
  after(async () => {
    await browser?.close();
    await server?.kill();
  });

  async function twoPersonCall(room = uniqueId('room')) {
    const url = `${server.url}/r/${room}`;
    const a = await openCall(browser, url, { name: 'Ana' });
    await clickJoin(a);
    const b = await openCall(browser, url, { name: 'Bo' });
    await clickJoin(b);
    for (const [p, other] of [
      [a, 'Bo'],
      [b, 'Ana'],
    ] as const) {
      await eventually(async () => JSON.stringify(await remoteNames(p)) === JSON.stringify([other]), 20_000, `${p.name} sees ${other}`);
      await eventually(() => mediaFlowing(p, 1), 20_000, `${p.name} receives media`);
    }
    return [a, b] as const;
  }

  it('the server is killed and restarted mid-call: media keeps flowing, everyone is back within 5 s', async () => {
    const [a, b] = await twoPersonCall();
    const peerIdsBefore = await a.page.locator('video-tile[data-peer-id]').getAttribute('data-peer-id');
    await server.kill('SIGKILL');
    await a.page.getByText('Reconnecting…').waitFor({ timeout: 20_000 });
    // Browser to browser, the media does not need the server.
    assert.ok(await mediaFlowing(a, 1), 'media flows while the server is down');
    assert.ok(await mediaFlowing(b, 1));

    server = await spawnServer(port);
    const backAt = Date.now();
    await eventually(
      async () => {
        const metrics = await (await fetch(`${server.url}/metrics`)).text();
        return /^callroom_participants 2$/m.test(metrics) && /^callroom_peers 2$/m.test(metrics);
      },
      5000,
      'both participants back in the room and on the PeerServer within 5 s',
    );
    await eventually(async () => !(await a.page.getByText('Reconnecting…').isVisible()), 5000, 'the banner to clear');
    assert.ok(Date.now() - backAt < 6000);
    for (const p of [a, b]) {
      assert.equal((await remoteNames(p)).length, 1, `${p.name}: one remote tile, no duplicate`);
      assert.ok(await mediaFlowing(p, 1), `${p.name}: media after the restart`);
    }
    // Same participant as before: the peer id survived the restart.
    assert.equal(await a.page.locator('video-tile[data-peer-id]').getAttribute('data-peer-id'), peerIdsBefore);
    await a.context.close();
    await b.context.close();
  });

  it('a participant loses its network for 10 s and comes back without a duplicate tile', async () => {
    const [a, b] = await twoPersonCall();
    let maxTilesSeen = 1;
    const watch = setInterval(async () => {
      const n = (await remoteNames(a).catch(() => [])).length;
      maxTilesSeen = Math.max(maxTilesSeen, n);
    }, 200);
    await b.context.setOffline(true);
    await new Promise((r) => setTimeout(r, 10_000));
    await b.context.setOffline(false);
    const restoredAt = Date.now();
    await eventually(() => mediaFlowing(a, 1), 20_000, 'Ana to receive Bo again');
    await eventually(() => mediaFlowing(b, 1), 20_000, 'Bo to receive Ana again');
    await eventually(async () => !(await b.page.getByText('Reconnecting…').isVisible()), 15_000, 'Bo reconnected');
    clearInterval(watch);
    assert.equal(maxTilesSeen, 1, 'never two tiles for Bo');
    assert.deepEqual(await remoteNames(a), ['Bo']);
    assert.deepEqual(await remoteNames(b), ['Ana']);
    console.log(`media back ${Date.now() - restoredAt} ms after the network returned`);
    await a.context.close();
    await b.context.close();
  });

  it('a broken peer connection is repaired without anyone doing anything', async () => {
    const [a, b] = await twoPersonCall();
    const framesBefore = await frames(b);
    // Ana's browser drops the connection on the floor (no goodbye reaches Bo).
    await a.page.evaluate(() => (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.forEach((pc) => pc.close()));
    await eventually(() => mediaFlowing(a, 1), 30_000, 'Ana to receive Bo on a new connection');
    await eventually(() => mediaFlowing(b, 1), 30_000, 'Bo to receive Ana on a new connection');
    assert.ok((await frames(b)) >= 0 && framesBefore > 0);
    assert.deepEqual(await remoteNames(a), ['Bo']);
    assert.deepEqual(await remoteNames(b), ['Ana']);
    await a.context.close();
    await b.context.close();
  });
});
