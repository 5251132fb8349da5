/**
 * axe-core on every screen of the app, end to end in real Chromium (issue 13): home, pre-join,
 * the call with 1 and 4 people, chat, people, settings, a screen share, files and recording, a knock (the host's
 * request and the knocker's wait), ringing (outgoing and incoming), ended, full, removed, and
 * a link that is not a call. axe walks open shadow roots. Zero violations is the bar.
 *
 * axe is injected as a script, which the app's Content-Security-Policy forbids: these pages'
 * contexts bypass the CSP (the CSP itself is tested in embed-api.test.ts and pwa.test.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { eventually, launchBrowser } from '../helpers/browser.js';
import { startServer, uniqueId, type TestServer } from '../helpers/server.js';

const AXE = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');

interface Violation {
  id: string;
  help: string;
  nodes: Array<{ target: unknown; failureSummary?: string }>;
}

/** axe's violations on the page as it is now (WCAG 2.1 A and AA, and axe's best practices). */
async function violations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
  const found = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)`)) as Violation[];
  return found.map((v) => `${v.id} (${v.help}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

async function accessible(page: Page, screen: string) {
  assert.deepEqual(await violations(page), [], `axe on the ${screen}`);
}

describe('accessibility of every screen (axe-core)', () => {
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    server = await startServer({ ROOM_CAPACITY: '4' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(path: string, name: string, viewport = { width: 1280, height: 800 }) {
    const context = await browser.newContext({ bypassCSP: true, viewport });
    const page = await context.newPage();
    await page.goto(`${server.url}${path}${path.includes('?') ? '&' : '?'}name=${encodeURIComponent(name)}`);
    return page;
  }
  const join = async (page: Page) => {
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await page.locator('call-stage').waitFor({ timeout: 20_000 });
  };

  it('home, pre-join, the call alone and with four, its panels, a screen share, full, ended, removed', async () => {
    const home = await open('/', 'Ana');
    await home.locator('call-home button').first().waitFor();
    await accessible(home, 'home screen');
    await home.context().close();

    const invalid = await open('/r/not%20a%20room', 'Ana');
    await invalid.getByText('This is not a valid call link').waitFor();
    await accessible(invalid, 'page for a link that is not a call');
    await invalid.context().close();

    const room = `/r/${uniqueId('room')}`;
    const ana = await open(room, 'Ana');
    await ana.getByRole('button', { name: 'Join', exact: true }).waitFor();
    await accessible(ana, 'pre-join screen');
    await join(ana);
    await ana.getByText('Only you so far').waitFor();
    await accessible(ana, 'call with one person');

    const others: Page[] = [];
    for (const name of ['Ben', 'Cai', 'Dev']) {
      const page = await open(room, name);
      await join(page);
      others.push(page);
    }
    await eventually(async () => (await ana.locator('video-tile[data-peer-id]').count()) === 3, 20_000, 'four in the call');
    await accessible(ana, 'call with four people');
    for (const panel of ['Chat', 'People', 'Settings']) {
      await ana.locator('media-controls').getByRole('button', { name: panel, exact: true }).click();
      await accessible(ana, `${panel} panel`);
    }
    await ana.locator('media-controls').getByRole('button', { name: 'Settings', exact: true }).click();
    await ana.locator('media-controls').getByRole('button', { name: 'Share screen' }).click();
    await ana.locator('video-tile.screen').waitFor();
    await eventually(async () => (await others[0]!.locator('video-tile.screen').count()) === 1, 20_000, 'Ben to see the screen');
    await accessible(ana, 'call while sharing a screen');
    await accessible(others[0]!, 'call showing someone’s screen');

    // A file offered to Ben, and Ana recording: the cards and the notice.
    const element = (page: Page, call: string, ...args: unknown[]) =>
      page
        .locator('call-room')
        .evaluate(
          (el, [c, a]) =>
            void (el as unknown as Record<string, (...x: unknown[]) => Promise<unknown>>)[c as string]!(...(a as unknown[])).catch(
              () => {},
            ),
          [call, args] as const,
        );
    const benId = await ana
      .locator('call-room')
      .evaluate(
        (el) => (el as unknown as { participants: Array<{ id: string; name: string }> }).participants.find((p) => p.name === 'Ben')!.id,
      );
    await ana.evaluate(() => ((window as unknown as { __file: File }).__file = new File(['notes'], 'notes.txt', { type: 'text/plain' })));
    await ana
      .locator('call-room')
      .evaluate(
        (el, id) =>
          void (el as unknown as { sendFile(f: File, to: string): Promise<unknown> })
            .sendFile((window as unknown as { __file: File }).__file, id)
            .catch(() => {}),
        benId,
      );
    await others[0]!.getByRole('button', { name: 'Accept notes.txt' }).waitFor({ timeout: 20_000 });
    await accessible(others[0]!, 'file offered');
    await accessible(ana, 'file waiting for an answer');
    await element(ana, 'startRecording');
    await others[0]!.getByText('Ana is recording').waitFor({ timeout: 20_000 });
    await accessible(others[0]!, 'call with someone recording');
    await accessible(ana, 'call while recording');
    await ana.getByRole('button', { name: 'Stop recording' }).click();
    await ana.locator('file-transfers li.recording').waitFor({ timeout: 10_000 });
    await accessible(ana, 'recording ready to save');

    // A fifth person: the call is full.
    const full = await open(room, 'Eve');
    await join(full).catch(() => {});
    await full
      .getByText(/This call is full/)
      .first()
      .waitFor({ timeout: 20_000 });
    await accessible(full, 'call is full screen');
    await full.context().close();

    // Ana, the host, removes Dev; Ben leaves.
    await ana.locator('media-controls').getByRole('button', { name: 'People', exact: true }).click();
    await ana.getByRole('button', { name: 'Remove Dev' }).click();
    await others[2]!.getByText('You were removed').waitFor({ timeout: 20_000 });
    await accessible(others[2]!, 'removed screen');
    await others[0]!.locator('media-controls').getByRole('button', { name: 'Leave call' }).click();
    await others[0]!.getByText('You left the call').waitFor();
    await accessible(others[0]!, 'screen after leaving');
    for (const page of [ana, ...others]) await page.context().close();
  });

  it('a knock at a locked call, on both sides', async () => {
    const room = `/r/${uniqueId('room')}`;
    const host = await open(room, 'Ana');
    await join(host);
    await host.locator('media-controls').getByRole('button', { name: 'People', exact: true }).click();
    await host.getByRole('button', { name: 'Lock room' }).click();
    const knocker = await open(room, 'Kay');
    await knocker.getByRole('button', { name: 'Join', exact: true }).click();
    await knocker.getByText('Waiting for the host to let you in').waitFor({ timeout: 20_000 });
    await accessible(knocker, 'waiting at a locked call');
    await host.getByRole('button', { name: 'Admit Kay' }).waitFor({ timeout: 20_000 });
    await accessible(host, 'host’s knock request');
    await host.context().close();
    await knocker.context().close();
  });

  it('ringing: the caller’s screen and the callee’s incoming call', async () => {
    const handle = uniqueId('ana').toLowerCase().slice(0, 30);
    const callee = await open('/', 'Ana Callee');
    await callee.getByRole('textbox', { name: 'Your handle' }).fill(handle);
    await callee.getByRole('button', { name: 'Be reachable' }).click();
    await callee.getByText(`You are reachable as @${handle}`).waitFor();
    const caller = await open(`/call/${handle}`, 'Carl');
    await callee.locator('incoming-call').waitFor({ timeout: 20_000 });
    await accessible(callee, 'incoming call');
    await accessible(caller, 'outgoing call');
    await callee.context().close();
    await caller.context().close();
  });
});
