/**
 * The installable app: Chromium reports no installability errors, the manifest's shortcut and
 * share target open calls, the shell reloads offline, realtime traffic never lands in a cache,
 * and a new version is offered only outside a call.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { clickJoin, eventually, launchBrowser, launchPersistent, openCall, remoteNames, type Participant } from '../helpers/browser.js';
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
    const manifest = (await cdp.send('Page.getAppManifest')) as { errors: unknown[]; url: string; data: string };
    assert.deepEqual(manifest.errors, []);
    assert.match(manifest.url, /manifest\.webmanifest$/);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: unknown[] };
    assert.deepEqual(installabilityErrors, []);
    // What the install dialog and the installed app use, as Chromium fetched it.
    const data = JSON.parse(manifest.data) as {
      id: string;
      scope: string;
      shortcuts: Array<{ url: string }>;
      share_target: { action: string; params: Record<string, string> };
      screenshots: Array<{ src: string; form_factor: string }>;
    };
    assert.equal(data.id, '/');
    assert.equal(data.scope, '/');
    assert.deepEqual(
      data.shortcuts.map((s) => s.url),
      ['/new'],
    );
    assert.equal(data.share_target.action, '/share');
    assert.deepEqual(
      data.screenshots.map((s) => s.form_factor),
      ['wide', 'narrow'],
    );
    for (const shot of data.screenshots) assert.equal((await page.request.get(`${server.url}${shot.src}`)).status(), 200, shot.src);
    await profile.close();
  });

  it('opens a new call from the shortcut, and the call a shared link names', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/new`);
    await page.waitForURL(/\/r\/[A-Za-z0-9_-]{22}$/);
    await page.getByRole('button', { name: 'Join', exact: true }).waitFor();
    const room = uniqueId('room');
    await page.goto(`${server.url}/share?title=Standup&text=${encodeURIComponent(`Join us: ${server.url}/r/${room}`)}`);
    await page.waitForURL(`${server.url}/r/${room}`);
    // Nothing that names a call: the home screen.
    await page.goto(`${server.url}/share?text=${encodeURIComponent('no link here')}`);
    await page.waitForURL(`${server.url}/`);
    await page.close();
  });

  it('offers a new version only outside a call, and Reload serves it', async () => {
    // Two builds with different content; the server serves whichever `live` points at.
    const root = await mkdtemp(path.join(tmpdir(), 'callroom-update-'));
    for (const version of ['one', 'two']) {
      execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], {
        env: { ...process.env, CALLROOM_WEB_OUT: path.join(root, version), CALLROOM_VERSION: version },
        stdio: 'ignore',
      });
    }
    const live = path.join(root, 'live');
    await symlink(path.join(root, 'one'), live);
    const deployed = await startServer({}, live);
    const version = (p: Participant) => p.page.locator('meta[name="callroom-version"]').getAttribute('content');
    const prompt = (p: Participant) => p.page.getByRole('status').filter({ hasText: 'A new version of callroom is ready' });
    try {
      const una = await openCall(browser, `${deployed.url}/r/${uniqueId('room')}`, { name: 'Una' });
      await una.page.evaluate(() => navigator.serviceWorker.ready);
      await una.page.reload();
      await eventually(() => una.page.evaluate(() => !!navigator.serviceWorker.controller), 10_000, 'a controlling service worker');
      assert.equal(await version(una), 'one');
      await clickJoin(una);
      await una.page.getByText('Only you so far').waitFor({ timeout: 20_000 });

      // Deploy the second build; the page learns of it (as on its next check) while in the call.
      await rm(live);
      await symlink(path.join(root, 'two'), live);
      await una.page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
      await eventually(
        () => una.page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting?.state === 'installed'),
        30_000,
        'the new version to wait',
      );
      // In the call: no prompt, no reload; the call goes on, on the old version.
      assert.equal(await prompt(una).count(), 0, 'no prompt during a call');
      assert.equal(await version(una), 'one');
      await una.page.getByRole('button', { name: 'Leave call' }).waitFor();

      // The call ends: now it is offered.
      await una.page.getByRole('button', { name: 'Leave call' }).click();
      await prompt(una).waitFor({ timeout: 10_000 });
      assert.equal(await version(una), 'one', 'offered, not applied');
      await Promise.all([una.page.waitForEvent('load'), prompt(una).getByRole('button', { name: 'Reload' }).click()]);
      await eventually(async () => (await version(una)) === 'two', 10_000, 'the new version after Reload');
      await una.context.close();
    } finally {
      await deployed.close();
      await rm(root, { recursive: true, force: true });
    }
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
