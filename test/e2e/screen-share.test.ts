/**
 * Sharing a screen (issue 12), in real Chromium: `getDisplayMedia` gives headless Chromium's fake
 * screen. Three people, one joining during the share; Stop sharing; the browser's own stop; two
 * sharing at once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { clickJoin, decodedFrames, eventually, launchBrowser, openCall, type Participant } from '../helpers/browser.js';
import { startServer, uniqueId, type TestServer } from '../helpers/server.js';

/** The screen tiles `p` shows: whose, and whether each plays. */
const screens = (p: Participant) =>
  p.page.locator('call-room').evaluate((el) => {
    const stage = el.shadowRoot?.querySelector('call-stage')?.shadowRoot;
    return [...(stage?.querySelectorAll('video-tile.screen') ?? [])].map((tile) => {
      const video = tile.shadowRoot?.querySelector('video');
      return { name: (tile as unknown as { name: string }).name, playing: !!video && video.videoWidth > 0 };
    });
  });
const playingScreens = async (p: Participant) =>
  (await screens(p))
    .filter((s) => s.playing)
    .map((s) => s.name)
    .sort();
const shareButton = (p: Participant) => p.page.getByRole('button', { name: 'Share screen' });

describe('sharing a screen', () => {
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

  it('three people: a share seen by all (one joining during it), stopped two ways; two at once', async () => {
    const url = `${server.url}/r/${uniqueId('room')}`;
    const ana = await openCall(browser, url, { name: 'Ana', viewport: { width: 1280, height: 800 } });
    const ben = await openCall(browser, url, { name: 'Ben', viewport: { width: 1280, height: 800 } });
    await clickJoin(ana);
    await ana.page.getByText('Only you so far').waitFor({ timeout: 20_000 });
    await clickJoin(ben);
    await eventually(async () => (await decodedFrames(ben)).some((f) => f > 0), 20_000, 'Ben to see Ana');

    await shareButton(ana).click();
    await eventually(async () => (await shareButton(ana).getAttribute('aria-pressed')) === 'true', 10_000, 'Ana sharing');
    await eventually(async () => (await playingScreens(ben)).join() === 'Ana’s screen', 20_000, 'Ben to see Ana’s screen');
    assert.deepEqual(await playingScreens(ana), ['Ana (your screen)']);
    // Ana's camera keeps going beside it: Ben still decodes her camera on its own connection.
    const camera = (await decodedFrames(ben)).reduce((a, b) => a + b, 0);
    await eventually(async () => (await decodedFrames(ben)).reduce((a, b) => a + b, 0) > camera + 20, 10_000, 'the camera to keep going');

    // Cai joins during the share and sees it too.
    const cai = await openCall(browser, url, { name: 'Cai', viewport: { width: 1280, height: 800 } });
    await clickJoin(cai);
    await eventually(async () => (await playingScreens(cai)).join() === 'Ana’s screen', 20_000, 'Cai to see Ana’s screen');

    // Stop sharing: everyone is back to the grid.
    await shareButton(ana).click();
    for (const p of [ana, ben, cai]) await eventually(async () => (await screens(p)).length === 0, 15_000, `${p.name} back to the grid`);

    // Two share at once: both screens show.
    await shareButton(ben).click();
    await shareButton(ana).click();
    await eventually(async () => (await playingScreens(cai)).join() === 'Ana’s screen,Ben’s screen', 20_000, 'Cai to see both screens');

    // The browser's own "Stop sharing" ends the track: Ben's share ends for everyone.
    await ben.page.locator('call-room').evaluate((el) => {
      const stage = el.shadowRoot!.querySelector('call-stage') as unknown as { room: { screen: MediaStream } };
      const track = stage.room.screen.getVideoTracks()[0]!;
      track.stop();
      track.dispatchEvent(new Event('ended'));
    });
    await eventually(async () => (await playingScreens(cai)).join() === 'Ana’s screen', 15_000, 'only Ana’s screen left');
    await eventually(async () => (await shareButton(ben).getAttribute('aria-pressed')) === 'false', 10_000, 'Ben not sharing');
    await Promise.all([ana, ben, cai].map((p) => p.context.close()));
  });
});
