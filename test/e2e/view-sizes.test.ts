/**
 * Receiver-driven sending (issue 12), in real Chromium: a receiver whose tab is hidden tells the
 * senders (`view`), which pause their video to it (`active: false`: no encoding at all), and
 * resume when it is visible again. Shown with the sender's outbound `framesEncoded`. The server
 * refuses malformed view sizes. The uplink budget is split over the connections, a shared screen
 * first (the split's rules: test/web/media-tuning.test.ts), and every connection's Opus has FEC
 * and DTX on.
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

/** What `page` sends on each live connection: its video encoding, and whether that is a screen. */
const sending = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs
      .filter((pc) => pc.connectionState === 'connected')
      .flatMap((pc) =>
        pc
          .getSenders()
          .filter((s) => s.track?.kind === 'video')
          .map((s) => {
            const encoding = s.getParameters().encodings[0] ?? {};
            const screen = 'displaySurface' in (s.track?.getSettings() ?? {});
            return { screen, maxBitrate: encoding.maxBitrate ?? 0, priority: encoding.priority ?? '' };
          }),
      ),
  );

/** The Opus format parameters of every live connection's two descriptions. */
const opusParameters = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs
      .filter((pc) => pc.connectionState === 'connected')
      .flatMap((pc) =>
        [pc.localDescription?.sdp ?? '', pc.remoteDescription?.sdp ?? ''].map((sdp) => {
          const pt = /a=rtpmap:(\d+) opus\/48000/.exec(sdp)?.[1];
          return new RegExp(`a=fmtp:${pt} (.*)`).exec(sdp)?.[1]?.trim() ?? '';
        }),
      ),
  );

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

  it('asks for video one size smaller while the CPU is under serious pressure, and full size again at nominal', async () => {
    const url = `${server.url}/r/${uniqueId('room')}`;
    // Small windows: Ben's tile is smaller than Ana's camera, so each size he asks for shows.
    const ana = await openCall(browser, url, { name: 'Ana' });
    const ben = await openCall(browser, url, { name: 'Ben' });
    // The browser's own CPU pressure for Ben, overridden through the DevTools protocol before
    // his call starts watching it (a real PressureObserver in his page sees what we set).
    const cdp = await ben.context.newCDPSession(ben.page);
    await cdp.send('Emulation.setPressureSourceOverrideEnabled', { source: 'cpu', enabled: true });
    await cdp.send('Emulation.setPressureStateOverride', { source: 'cpu', state: 'nominal' });
    await clickJoin(ana);
    await ana.page.getByText('Only you so far').waitFor({ timeout: 20_000 });
    await clickJoin(ben);
    await ben.page.bringToFront();
    await eventually(async () => (await decodedFrames(ben)).some((f) => f > 0), 20_000, 'Ben to see Ana');
    // How much Ana scales her camera down for Ben: what Ben asked for.
    const scale = () =>
      ana.page.evaluate(
        () =>
          (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs
            .filter((pc) => pc.connectionState === 'connected')
            .flatMap((pc) => pc.getSenders().filter((s) => s.track?.kind === 'video'))
            .map((s) => s.getParameters().encodings[0]?.scaleResolutionDownBy ?? 1)[0] ?? 0,
      );
    await eventually(async () => (await scale()) > 0, 15_000, 'Ana sending to Ben');
    // A new connection sends full size for its first 2 s (SEND_SETTLE_MS), then what Ben asked for.
    await ana.page.waitForTimeout(3000);
    const normal = await scale();
    await cdp.send('Emulation.setPressureStateOverride', { source: 'cpu', state: 'serious' });
    await eventually(async () => (await scale()) > normal, 20_000, 'Ana to send Ben less under his CPU pressure');
    const constrained = await scale();
    // Fair is not enough to step back up; nominal is.
    await cdp.send('Emulation.setPressureStateOverride', { source: 'cpu', state: 'fair' });
    await ben.page.waitForTimeout(3000);
    assert.equal(await scale(), constrained, 'still constrained at fair');
    await cdp.send('Emulation.setPressureStateOverride', { source: 'cpu', state: 'nominal' });
    await eventually(async () => (await scale()) === normal, 20_000, 'full size again at nominal');
    await Promise.all([ana.context.close(), ben.context.close()]);
  });

  it('splits the uplink budget over the connections, a shared screen first; Opus has FEC and DTX', async () => {
    const budget = await startServer({ UPLINK_BUDGET_KBPS: '1200' });
    try {
      const url = `${budget.url}/r/${uniqueId('room')}`;
      const viewport = { width: 1280, height: 800 };
      const [ana, ben, cai] = await Promise.all(['Ana', 'Ben', 'Cai'].map((name) => openCall(browser, url, { name, viewport })));
      await clickJoin(ana!);
      await ana!.page.getByText('Only you so far').waitFor({ timeout: 20_000 });
      await clickJoin(ben!);
      await clickJoin(cai!);
      for (const p of [ben!, cai!]) {
        await eventually(async () => (await decodedFrames(p)).filter((f) => f > 0).length === 2, 20_000, `${p.name} to see both`);
      }
      // Once the connections have settled (SEND_SETTLE_MS), each has its share.
      await eventually(
        async () => {
          const cameras = await sending(ana!.page);
          return cameras.length === 2 && cameras.every((c) => c.maxBitrate > 0);
        },
        15_000,
        'Ana’s two camera connections to have their shares',
      );
      const cameras = await sending(ana!.page);
      const total = cameras.reduce((a, c) => a + c.maxBitrate, 0);
      assert.ok(total <= 1_200_000, `the cameras' shares (${total}) stay within the budget`);

      for (const p of [ana!, ben!, cai!]) {
        const params = await opusParameters(p.page);
        assert.equal(params.length, 4, `${p.name}: two connections, two descriptions each`);
        for (const line of params) {
          assert.match(line, /(^|;)useinbandfec=1(;|$)/, `${p.name}: FEC in ${line}`);
          assert.match(line, /(^|;)usedtx=1(;|$)/, `${p.name}: DTX in ${line}`);
        }
      }

      // Ana shares her screen: it goes first, and the cameras give way.
      await ana!.page.getByRole('button', { name: 'Share screen' }).click();
      await eventually(
        async () => {
          const now = await sending(ana!.page);
          const screens = now.filter((s) => s.screen);
          const cams = now.filter((s) => !s.screen);
          return (
            screens.length === 2 &&
            screens.every((s) => s.priority === 'high' && cams.every((c) => s.maxBitrate > c.maxBitrate)) &&
            now.reduce((a, s) => a + s.maxBitrate, 0) <= 1_200_000
          );
        },
        20_000,
        'the screen to take the larger share, within the budget',
      );
      const during = (await sending(ana!.page)).filter((s) => !s.screen);
      assert.ok(during.reduce((a, c) => a + c.maxBitrate, 0) < total, 'the cameras send less while the screen is shared');
      await Promise.all([ana, ben, cai].map((p) => p!.context.close()));
    } finally {
      await budget.close();
    }
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
