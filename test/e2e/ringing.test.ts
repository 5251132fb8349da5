/** Ringing a person through the real UI: accept, decline, busy, no answer, cancel. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { decodedFrames, eventually, launchBrowser, openCall, remoteNames, type Participant } from '../helpers/browser.js';
import { startServer, uniqueId, type TestServer } from '../helpers/server.js';

describe('ringing a person', { concurrency: false }, () => {
  let server: TestServer;
  let browser: Browser;
  const opened: Participant[] = [];
  const closeAll = () => Promise.all(opened.splice(0).map((p) => p.context.close().catch(() => {})));

  before(async () => {
    server = await startServer({ RING_TIMEOUT_SECONDS: '5', RING_RETRY_SECONDS: '1' });
    browser = await launchBrowser();
  });
  after(async () => {
    await closeAll();
    await browser?.close();
    await server?.close();
  });

  /** A person on the home screen, reachable as `handle`. */
  async function reachable(name: string, handle: string): Promise<Participant> {
    const p = await openCall(browser, `${server.url}/`, { name });
    opened.push(p);
    await p.page.evaluate((n) => localStorage.setItem('callroom:name', n), name);
    await p.page.getByRole('textbox', { name: 'Your handle' }).fill(handle);
    await p.page.getByRole('button', { name: 'Be reachable' }).click();
    await p.page.getByText(`You are reachable as @${handle}`).waitFor();
    return p;
  }

  async function caller(name: string, handle: string): Promise<Participant> {
    const p = await openCall(browser, `${server.url}/call/${handle}`, { name });
    opened.push(p);
    return p;
  }

  const joinPrivateCall = (page: Page) => page.getByRole('button', { name: 'Join', exact: true }).click();

  it('accepted: both land in a new private room and see each other', async () => {
    const handle = uniqueId('ana').toLowerCase().slice(0, 30);
    const callee = await reachable('Ana Callee', handle);
    // The caller's name comes from this device's remembered name.
    const from = await openCall(browser, `${server.url}/`, { name: 'Carl' });
    opened.push(from);
    await from.page.evaluate(() => localStorage.setItem('callroom:name', 'Carl'));
    await from.page.getByRole('textbox', { name: 'Handle to call' }).fill(`@${handle}`);
    await from.page.getByRole('button', { name: 'Call', exact: true }).click();
    await from.page.getByText('Ringing Ana Callee…').waitFor();
    const incoming = callee.page.locator('incoming-call');
    await callee.page.getByText('Carl is calling').waitFor();
    assert.equal(await incoming.getAttribute('ringing'), '', 'the ringtone sounds');
    await callee.page.getByRole('button', { name: 'Accept' }).click();
    await from.page.waitForURL(/\/r\/[A-Za-z0-9_-]{22}\?ticket=/);
    await callee.page.waitForURL(/\/r\/[A-Za-z0-9_-]{22}\?ticket=/);
    const room = new URL(from.page.url()).pathname;
    assert.equal(new URL(callee.page.url()).pathname, room, 'the same room');
    await joinPrivateCall(from.page);
    await joinPrivateCall(callee.page);
    await eventually(
      async () => (await remoteNames(from)).length === 1 && (await remoteNames(callee)).length === 1,
      20_000,
      'both in the call',
    );
    await eventually(async () => (await decodedFrames(from)).some((f) => f > 0), 20_000, 'media');
    // Nobody else can enter: the link alone is not enough.
    const intruder = await openCall(browser, `${server.url}${room}`, { name: 'Intruder' });
    opened.push(intruder);
    await intruder.page.getByRole('button', { name: 'Join', exact: true }).click();
    await intruder.page.getByText('This is a private call').waitFor();
    await closeAll();
  });

  it('declined, busy, no answer and cancelled each tell the caller, and the ringing stops', async () => {
    const handle = uniqueId('bo').toLowerCase().slice(0, 30);
    const callee = await reachable('Bo Callee', handle);

    // Declined.
    const c1 = await caller('Dee', handle);
    await callee.page.getByText('Dee is calling').waitFor();
    await callee.page.getByRole('button', { name: 'Decline' }).click();
    await c1.page.getByText('Bo Callee declined the call').waitFor();
    assert.equal(await callee.page.locator('incoming-call').count(), 0);

    // Ringing again at once is refused: a declined caller backs off (1 s here, 60 s by default, doubling).
    await c1.page.getByRole('button', { name: 'Call again' }).click();
    await c1.page.getByText('You can call Bo Callee again in').waitFor();
    await new Promise((r) => setTimeout(r, 1200));

    // No answer (the server's ring timeout is 5 s here, 30 s by default).
    await c1.page.getByRole('button', { name: 'Call again' }).click();
    await callee.page.getByText('Dee is calling').waitFor();
    await c1.page.getByText('Bo Callee did not answer').waitFor({ timeout: 10_000 });
    await callee.page.locator('incoming-call').waitFor({ state: 'detached' });

    // Cancelled by the caller (after the doubled back-off): the ringing stops on the other side.
    await new Promise((r) => setTimeout(r, 2200));
    await c1.page.getByRole('button', { name: 'Call again' }).click();
    await callee.page.getByText('Dee is calling').waitFor();
    await c1.page.getByRole('button', { name: 'Cancel' }).click();
    await c1.page.getByText('Call cancelled').waitFor();
    await callee.page.locator('incoming-call').waitFor({ state: 'detached' });

    // Busy: the callee is in a call (in this tab, which stays reachable).
    await callee.page.goto(`${server.url}/r/${uniqueId('room')}`);
    await callee.page.getByRole('button', { name: 'Join', exact: true }).click();
    await callee.page.getByRole('button', { name: 'Leave call' }).waitFor();
    await new Promise((r) => setTimeout(r, 300));
    await c1.page.getByRole('button', { name: 'Call again' }).click();
    await c1.page.getByText('is in another call').waitFor();

    // Not reachable.
    const c2 = await caller('Eve', 'nobody-by-this-name');
    await c2.page.getByText('Nobody is reachable as @nobody-by-this-name').waitFor();
    await closeAll();
  });

  it('a taken handle gets a clear error', async () => {
    const handle = uniqueId('cy').toLowerCase().slice(0, 30);
    await reachable('First', handle);
    const second = await openCall(browser, `${server.url}/`, { name: 'Second' });
    opened.push(second);
    await second.page.getByRole('textbox', { name: 'Your handle' }).fill(handle);
    await second.page.getByRole('button', { name: 'Be reachable' }).click();
    await second.page.getByText(`"${handle}" is taken: choose another handle`).waitFor();
    await closeAll();
  });
});
