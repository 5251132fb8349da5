/**
 * Receiver-driven sending (issue 12), in real Chromium: a receiver whose tab is hidden tells the
 * senders (`view`), which pause their video to it (`active: false`: no encoding at all), and
 * resume when it is visible again. Shown with the sender's outbound `framesEncoded`. The server
 * refuses malformed view sizes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Ack } from '../../protocol/contract.js';
import { clickJoin, decodedFrames, eventually, launchBrowser, openCall } from '../helpers/browser.js';
import { connectPeer, connectSocket, startServer, uniqueId, type TestServer } from '../helpers/server.js';

/** Video frames this page has encoded, over its live connections. */
const encoded = (page: Page) =>
  page.evaluate(async () => {
    let frames = 0;
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s) => {
        if (s.type === 'outbound-rtp' && s.kind === 'video') frames += s.framesEncoded ?? 0;
      });
    }
    return frames;
  });

/** Whether `page` encodes new frames over `ms`. */
async function encoding(page: Page, ms = 1500): Promise<boolean> {
  const before = await encoded(page);
  await page.waitForTimeout(ms);
  return (await encoded(page)) > before;
}

describe('receiver-driven sending', () => {
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('pauses the video to a receiver whose tab is hidden, and resumes when it is visible', async () => {
    const url = `${server.url}/r/${uniqueId('room')}`;
    const ana = await openCall(browser, url, { name: 'Ana' });
    const ben = await openCall(browser, url, { name: 'Ben' });
    await clickJoin(ana);
    await ana.page.getByText('Only you so far').waitFor({ timeout: 20_000 });
    await clickJoin(ben);
    await eventually(async () => (await decodedFrames(ben)).some((f) => f > 0), 20_000, 'Ben to see Ana');
    assert.ok(await encoding(ana.page), 'Ana encodes for Ben');

    // Headless Chromium keeps every tab visible (neither another tab in front nor a minimised
    // window hides it), so Ben's page is told it is hidden the way a browser tells it: the
    // visibilityState and a visibilitychange event. The rest is real: the view over Socket.IO,
    // Ana's encoder, her stats.
    const setHidden = (hidden: boolean) =>
      ben.page.evaluate(`(() => {
        Object.defineProperty(document, 'visibilityState', { configurable: true, get() { return ${hidden ? "'hidden'" : "'visible'"}; } });
        document.dispatchEvent(new Event('visibilitychange'));
      })()`);
    await setHidden(true);
    await eventually(async () => !(await encoding(ana.page)), 15_000, 'Ana to stop encoding for Ben');

    await setHidden(false);
    await eventually(() => encoding(ana.page), 15_000, 'Ana to encode for Ben again');
    await eventually(async () => (await decodedFrames(ben)).some((f) => f > 0), 10_000, 'Ben to see Ana again');
    await Promise.all([ana.context.close(), ben.context.close()]);
  });

  it('refuses malformed view sizes, and only members may send them', async () => {
    const socket = await connectSocket(server.url);
    const notMember = (await socket.emitWithAck('view', {})) as Ack<null>;
    assert.equal(!notMember.ok && notMember.error.code, 'not-in-room');
    const peer = await connectPeer(server.url, uniqueId());
    assert.ok(((await socket.emitWithAck('join-room', uniqueId('room'), peer.id, { peerToken: peer.token })) as Ack<unknown>).ok);
    for (const bad of [null, [1], { __proto__x: 1 }, { abc: -1 }, { abc: 1.5 }, { abc: 5000 }, { abc: '360' }]) {
      const answer = (await socket.emitWithAck('view', bad as never)) as Ack<null>;
      assert.equal(!answer.ok && answer.error.code, 'invalid-payload', JSON.stringify(bad));
    }
    assert.ok(((await socket.emitWithAck('view', { abc: 360 })) as Ack<null>).ok);
    socket.close();
    peer.close();
  });
});
