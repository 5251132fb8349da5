/**
 * No camera, or camera/mic permission denied: a clear message, and the person can still join
 * with what they have.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { clickJoin, decodedFrames, eventually, launchBrowser, openCall, remoteNames } from '../helpers/browser.js';
import { startServer, uniqueId, type TestServer } from '../helpers/server.js';

const rejectMedia = (name: string, onlyVideo: boolean) => `(() => {
  const media = navigator.mediaDevices;
  const original = media.getUserMedia.bind(media);
  media.getUserMedia = async (constraints) => {
    if (${!onlyVideo} || (constraints && constraints.video)) throw new DOMException('refused', ${JSON.stringify(name)});
    return original(constraints);
  };
})();`;

async function receivedAudio(page: import('playwright-core').Page): Promise<number> {
  return page.evaluate(async () => {
    let bytes = 0;
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      (await pc.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') bytes += s.bytesReceived ?? 0;
      });
    }
    return bytes;
  });
}

describe('calls without a camera', () => {
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

  it('with camera and mic blocked: says how to fix it, and joins to watch and listen', async () => {
    const url = `${server.url}/r/${uniqueId('room')}`;
    const host = await openCall(browser, url, { name: 'Host' });
    await clickJoin(host);
    const blocked = await openCall(browser, url, { name: 'Blocked', initScript: rejectMedia('NotAllowedError', false) });
    const alert = blocked.page.getByRole('alert').filter({ hasText: 'blocked' });
    await alert.waitFor();
    assert.match(await alert.innerText(), /allow it in the address bar/);
    await clickJoin(blocked);
    await eventually(async () => (await remoteNames(host)).includes('Blocked'), 20_000, 'host to see Blocked');
    await eventually(
      () => host.page.locator('video-tile[data-peer-id]').evaluate((t) => t.hasAttribute('video-off') && t.hasAttribute('audio-off')),
      10_000,
      'the blocked person shown with camera and mic off',
    );
    // They still see the host.
    await eventually(async () => (await decodedFrames(blocked)).some((f) => f > 0), 20_000, 'Blocked to decode the host');
    await host.context.close();
    await blocked.context.close();
  });

  it('with no camera at all: joins with the microphone, and others hear them', async () => {
    const url = `${server.url}/r/${uniqueId('room')}`;
    const host = await openCall(browser, url, { name: 'Host' });
    await clickJoin(host);
    const noCam = await openCall(browser, url, { name: 'No Cam', initScript: rejectMedia('NotFoundError', true) });
    await noCam.page.getByRole('alert').filter({ hasText: 'No camera was found' }).waitFor();
    await clickJoin(noCam);
    await eventually(
      () => host.page.locator('video-tile[data-peer-id]').evaluate((t) => t.hasAttribute('video-off') && !t.hasAttribute('audio-off')),
      20_000,
      'No Cam shown with camera off and mic on',
    );
    await eventually(async () => (await receivedAudio(host.page)) > 1000, 20_000, 'host to receive No Cam audio');
    await host.context.close();
    await noCam.context.close();
  });
});
