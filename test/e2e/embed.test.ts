/**
 * callroom from other pages: <call-room> embedded on another origin, a page written against the
 * classic join-room / user-connected / user-disconnected protocol, and origins that are refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import type { Browser } from 'playwright-core';
import { clickJoin, decodedFrames, eventually, launchBrowser, openCall, remoteNames } from '../helpers/browser.js';
import { startOtherOrigin, type OtherOrigin } from '../helpers/other-origin.js';
import { connectSocket, startServer, uniqueId, type TestServer } from '../helpers/server.js';

describe('embedding and the classic protocol', () => {
  let server: TestServer;
  let allowed: OtherOrigin;
  let stranger: OtherOrigin;
  let browser: Browser;

  before(async () => {
    allowed = await startOtherOrigin();
    stranger = await startOtherOrigin();
    server = await startServer({ ALLOWED_ORIGINS: allowed.origin });
    allowed.setCallServer(server.url);
    stranger.setCallServer(server.url);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await allowed?.close();
    await stranger?.close();
  });

  it('a <call-room> embedded on an allowed origin calls someone on the app', async () => {
    const room = uniqueId('room');
    const host = await openCall(browser, `${server.url}/r/${room}`, { name: 'On App' });
    await clickJoin(host);
    const embedded = await openCall(browser, `${allowed.origin}/embed.html?room=${room}`, { name: 'Embedded Em' });
    assert.equal(new URL(embedded.page.url()).origin, allowed.origin);
    await clickJoin(embedded);
    await eventually(async () => (await remoteNames(host)).includes('Embedded Em'), 20_000, 'the app to see the embed');
    await eventually(async () => (await remoteNames(embedded)).includes('On App'), 20_000, 'the embed to see the app');
    for (const p of [host, embedded]) {
      await eventually(async () => (await decodedFrames(p)).some((f) => f > 0), 20_000, `${p.name} to decode video`);
    }
    await host.context.close();
    await embedded.context.close();
  });

  it('refuses an embedding page whose origin is not in ALLOWED_ORIGINS', async () => {
    const embedded = await openCall(browser, `${stranger.origin}/embed.html?room=${uniqueId('room')}`, { name: 'Stranger' });
    await clickJoin(embedded);
    await embedded.page.getByText('Could not join the call').waitFor({ timeout: 15_000 });
    await embedded.context.close();

    // The same refusal seen by raw clients: Socket.IO handshake and PeerServer upgrade.
    await assert.rejects(connectSocket(server.url, { extraHeaders: { origin: stranger.origin } }));
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/peerjs/peerjs?key=peerjs&id=strangerx&token=t1`, {
        headers: { origin: stranger.origin },
      });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => resolve(-1));
    });
    assert.equal(status, 403);
    // The allowed origin and the server's own pass.
    (await connectSocket(server.url, { extraHeaders: { origin: allowed.origin } })).close();
    (await connectSocket(server.url, { extraHeaders: { origin: server.url } })).close();
  });

  it('a page written for the classic protocol calls an app user through our server', async () => {
    const room = uniqueId('room');
    const classic = await openCall(browser, `${allowed.origin}/classic.html?room=${room}`, { name: 'Classic' });
    // The classic page joins as soon as its camera and peer are ready.
    await eventually(() => classic.page.evaluate(() => document.querySelectorAll('video').length === 1), 10_000, 'classic camera');
    await new Promise((r) => setTimeout(r, 500));
    const modern = await openCall(browser, `${server.url}/r/${room}`, { name: 'Modern' });
    await clickJoin(modern);
    // Our app shows the classic participant (as "Guest": the classic protocol sends no name).
    await eventually(async () => (await remoteNames(modern)).length === 1, 20_000, 'the app to show the classic peer');
    await eventually(async () => (await decodedFrames(modern)).some((f) => f > 0), 20_000, 'the app to decode classic video');
    await eventually(
      () =>
        classic.page.evaluate(() => (window as unknown as { remoteVideos: HTMLVideoElement[] }).remoteVideos.some((v) => v.videoWidth > 0)),
      20_000,
      'the classic page to play our video',
    );
    // Leaving is announced with user-disconnected, which the classic page understands.
    await modern.page.getByRole('button', { name: 'Leave call' }).click();
    await classic.context.close();
    await modern.context.close();
  });
});
