/**
 * The installable app: Chromium reports no installability errors, the shell reloads offline,
 * and realtime traffic never lands in a cache.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { clickJoin, eventually, launchBrowser, launchPersistent, openCall, remoteNames } from '../helpers/browser.js';
import { startServer, uniqueId, type TestServer } from '../helpers/server.js';

describe('installable PWA shell', () => {
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

  it('has a manifest Chromium accepts and no installability errors', async () => {
    // Incognito windows cannot install apps: use a real profile.
    const profile = await launchPersistent();
    const context = profile.context;
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.evaluate(() => navigator.serviceWorker.ready);
    const cdp = await context.newCDPSession(page);
    const manifest = (await cdp.send('Page.getAppManifest')) as { errors: unknown[]; url: string };
    assert.deepEqual(manifest.errors, []);
    assert.match(manifest.url, /manifest\.webmanifest$/);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: unknown[] };
    assert.deepEqual(installabilityErrors, []);
    await profile.close();
  });

  it('reloads a call link offline from the cached shell, and never caches realtime traffic', async () => {
    const url = `${server.url}/r/${uniqueId('room')}`;
    const first = await openCall(browser, url, { name: 'Offline Olga' });
    await first.page.evaluate(() => navigator.serviceWorker.ready);
    // The page is controlled once the worker has claimed it; a reload guarantees that.
    await first.page.reload();
    await eventually(() => first.page.evaluate(() => !!navigator.serviceWorker.controller), 10_000, 'a controlling service worker');
    // Be in a call for a moment, so Socket.IO and PeerJS traffic passes the worker.
    await clickJoin(first);
    const second = await openCall(browser, url, { name: 'Online Otto' });
    await clickJoin(second);
    await eventually(async () => (await remoteNames(first)).includes('Online Otto'), 20_000, 'the call to connect');

    const cached = await first.page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) {
        for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
      }
      return urls;
    });
    assert.ok(cached.includes('/index.html'), `shell precached (${cached.join(', ')})`);
    assert.ok(cached.some((p) => p.endsWith('.js')));
    assert.deepEqual(
      cached.filter((p) => /^\/(socket\.io|peerjs|api)\//.test(p)),
      [],
    );

    await second.context.close();
    await first.page.getByRole('button', { name: 'Leave call' }).click();
    await first.context.setOffline(true);
    await first.page.reload();
    await first.page.getByRole('button', { name: 'Join', exact: true }).waitFor({ timeout: 10_000 });
    assert.equal(await first.page.locator('call-room').getAttribute('room'), null); // set as a property
    assert.equal(await first.page.locator('call-room').evaluate((el) => (el as HTMLElement & { room: string }).room), url.split('/r/')[1]);
    // The API stays network-only: offline, it fails instead of answering from a cache.
    const apiOffline = await first.page.evaluate(() =>
      fetch('/api/config').then(
        () => 'answered',
        () => 'failed',
      ),
    );
    assert.equal(apiOffline, 'failed');
    await first.context.close();
  });
});
