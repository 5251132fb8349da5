/** The home screen and call links as a visitor meets them. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/server.js';

describe('home screen and call links', () => {
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

  it('"New call" opens an unguessable room link with a pre-join screen', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.getByRole('button', { name: 'New call' }).click();
    await page.waitForURL(/\/r\/[A-Za-z0-9_-]+$/);
    const id = new URL(page.url()).pathname.slice(3);
    assert.equal(id.length, 22, '128 random bits in base64url');
    await page.getByRole('textbox', { name: 'Your name' }).fill('Nia');
    await page.getByRole('button', { name: 'Join', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Copy link' }).waitFor();
    // Two new calls never share a room.
    await page.goto(`${server.url}/`);
    await page.getByRole('button', { name: 'New call' }).click();
    await page.waitForURL(/\/r\//);
    assert.notEqual(new URL(page.url()).pathname.slice(3), id);
    await page.close();
  });

  it('keeps the pre-join form clear of the preview on a short screen: it scrolls instead', async () => {
    for (const viewport of [
      { width: 640, height: 480 },
      { width: 844, height: 390 },
    ]) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      await page.goto(`${server.url}/r/short-screen`);
      await page.getByRole('button', { name: 'Join', exact: true }).waitFor();
      const [preview, form] = await Promise.all([
        page.locator('call-room .preview').boundingBox(),
        page.locator('call-room form').boundingBox(),
      ]);
      assert.ok(
        preview && form && form.y >= preview.y + preview.height,
        `${JSON.stringify(viewport)}: ${JSON.stringify({ preview, form })}`,
      );
      await page.getByRole('button', { name: 'Join', exact: true }).scrollIntoViewIfNeeded();
      assert.ok(await page.getByRole('button', { name: 'Join', exact: true }).isVisible());
      await context.close();
    }
  });

  it('names every chunk the app imports up front as a modulepreload, so none waits for app.js to be parsed', async () => {
    const html = await (await fetch(`${server.url}/r/preload-check`)).text();
    const preloaded = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)"/g)].map((m) => m[1]!);
    const app = await (await fetch(`${server.url}/app.js`)).text();
    // Static imports only (`import"./chunks/…"` and `from"./chunks/…"`), not import().
    const staticImports = [...app.matchAll(/(?:import|from)\s*"\.\/(chunks\/[^"]+)"/g)].map((m) => `/${m[1]}`);
    assert.ok(staticImports.length > 0);
    for (const chunk of staticImports) assert.ok(preloaded.includes(chunk), `${chunk} is preloaded`);
    assert.ok(!preloaded.some((href) => /call-home|ringing/.test(href)), 'screens loaded on demand are not');
    for (const href of preloaded) assert.equal((await fetch(`${server.url}${href}`)).status, 200, href);
  });

  it('serves scripts precompressed: Brotli when the browser accepts it, gzip otherwise', async () => {
    const html = await (await fetch(`${server.url}/r/some-room`)).text();
    const script = /src="(\/app\.js)"/.exec(html)![1]!;
    const br = await fetch(`${server.url}${script}`, { headers: { 'accept-encoding': 'br' } });
    assert.equal(br.headers.get('content-encoding'), 'br');
    // Embedding pages load it cross-origin, compressed or not.
    assert.equal(br.headers.get('access-control-allow-origin'), '*');
    const sw = await fetch(`${server.url}/sw.js`, { headers: { 'accept-encoding': 'br' } });
    assert.equal(sw.headers.get('cache-control'), 'no-cache');
    const appCode = await (await fetch(`${server.url}${script}`)).text();
    const chunk = /"\.\/(chunks\/[^"]+\.js)"/.exec(appCode)?.[1];
    const cached = await fetch(`${server.url}/${chunk}`, { headers: { 'accept-encoding': 'br' } });
    assert.equal(cached.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    const gz = await fetch(`${server.url}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gz.headers.get('content-encoding'), 'gzip');
    const plain = await fetch(`${server.url}${script}`, { headers: { 'accept-encoding': 'identity' } });
    assert.equal(plain.headers.get('content-encoding'), null);
    assert.match(await plain.text(), /call-room/);
  });

  it('remembers the name on this device, and ?name= pre-fills it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/r/remember-me?name=Zoe`);
    assert.equal(await page.getByRole('textbox', { name: 'Your name' }).inputValue(), 'Zoe');
    await page.getByRole('textbox', { name: 'Your name' }).fill('Zoe Q');
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await page.getByRole('button', { name: 'Leave call' }).click();
    await page.goto(`${server.url}/r/another-room`);
    assert.equal(await page.getByRole('textbox', { name: 'Your name' }).inputValue(), 'Zoe Q');
    await context.close();
  });

  it('joins a room from a pasted link or code on the home screen', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.getByRole('textbox', { name: 'Call link or code' }).fill('not a code!');
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await page.getByText('That is not a call link or code').waitFor();
    await page.getByRole('textbox', { name: 'Call link or code' }).fill(`${server.url}/r/pasted_room-1`);
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await page.waitForURL(/\/r\/pasted_room-1$/);
    await page.close();
  });

  it('answers an invalid room link with a clear page, not a crash', async () => {
    for (const bad of ['has%20space', 'a'.repeat(65), '%3Cscript%3E']) {
      const response = await fetch(`${server.url}/r/${bad}`);
      assert.equal(response.status, 404);
      assert.match(await response.text(), /This is not a valid call link/);
    }
    // Reached through the app shell (e.g. offline), the client says the same.
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.evaluate(() => history.pushState({}, '', '/r/bad%20room'));
    await page.reload();
    await page.getByText(/not a valid call link/).waitFor();
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    await page.close();
  });
});
