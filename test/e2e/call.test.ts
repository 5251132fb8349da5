/**
 * End to end: real headless Chromium (fake camera and mic) against the real server. Proves the
 * mesh survives every join order and timing, and that leaving cleans up for everyone.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  RECORD_LOCAL_TRACKS,
  clickJoin,
  cspViolations,
  decodedFrames,
  eventually,
  launchBrowser,
  localTracksEnded,
  openCall,
  remoteNames,
  remoteVideosPlaying,
  type Participant,
} from '../helpers/browser.js';
import { startServer, uniqueId, type TestServer } from '../helpers/server.js';

const SCREENSHOTS = 'test-results/screenshots';

/** Everyone shows a tile for each of the others, and decodes real video from each. */
async function assertFullMesh(people: Participant[]) {
  const others = (p: Participant) =>
    people
      .filter((q) => q !== p)
      .map((q) => q.name)
      .sort();
  for (const p of people) {
    await eventually(
      async () => JSON.stringify(await remoteNames(p)) === JSON.stringify(others(p)),
      20_000,
      `${p.name} to show ${others(p)}`,
    );
  }
  for (const p of people) {
    await eventually(
      async () => {
        const frames = await decodedFrames(p);
        return frames.length === people.length - 1 && frames.every((f) => f > 0);
      },
      25_000,
      `${p.name} to decode video from ${people.length - 1} peers`,
    );
    await eventually(async () => (await remoteVideosPlaying(p)).every(Boolean), 10_000, `${p.name}'s remote videos to play`);
  }
}

describe('a call through a shared link', { concurrency: false }, () => {
  let server: TestServer;
  let browser: Browser;
  const opened: Participant[] = [];
  const open = async (url: string, name: string, extra: Partial<Parameters<typeof openCall>[2]> = {}) => {
    const p = await openCall(browser, url, { name, initScript: RECORD_LOCAL_TRACKS, ...extra });
    opened.push(p);
    return p;
  };
  const closeAll = async () => {
    await Promise.all(opened.splice(0).map((p) => p.context.close().catch(() => {})));
  };

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  after(async () => {
    await closeAll();
    await browser?.close();
    await server?.close();
  });

  it('three people join one link one after another and all see and hear each other', async () => {
    const url = `${server.url}/r/${uniqueId('room')}`;
    const ada = await open(url, 'Ada');
    await clickJoin(ada);
    await ada.page.getByText('Only you so far').waitFor();
    const bob = await open(url, 'Bob');
    await clickJoin(bob);
    const cy = await open(url, 'Cy');
    await clickJoin(cy);
    await assertFullMesh([ada, bob, cy]);
    // The whole call ran under the Content-Security-Policy without tripping it.
    for (const p of [ada, bob, cy]) assert.deepEqual(await cspViolations(p), [], `${p.name}: CSP violations`);
    await closeAll();
  });

  it('three people who click Join at the same moment all connect', async () => {
    const url = `${server.url}/r/${uniqueId('room')}`;
    const people = [await open(url, 'Ann'), await open(url, 'Ben'), await open(url, 'Cat')];
    await Promise.all(people.map((p) => p.page.getByRole('button', { name: 'Join', exact: true }).waitFor()));
    await Promise.all(people.map(clickJoin));
    await assertFullMesh(people);
    await closeAll();
  });

  it('a camera that starts a second late still reaches everyone', async () => {
    const url = `${server.url}/r/${uniqueId('room')}`;
    const dee = await open(url, 'Dee');
    await clickJoin(dee);
    // Eve joins before her camera is ready; Fay joins while Eve's media is still missing.
    const eve = await open(url, 'Eve', { cameraDelayMs: 1000 });
    await clickJoin(eve);
    const fay = await open(url, 'Fay', { cameraDelayMs: 1000 });
    await clickJoin(fay);
    await assertFullMesh([dee, eve, fay]);
    await closeAll();
  });

  it('when the first joiner leaves, the others drop its tile, keep each other, and its camera is released', async () => {
    const url = `${server.url}/r/${uniqueId('room')}`;
    const gus = await open(url, 'Gus');
    await clickJoin(gus);
    const hal = await open(url, 'Hal', { viewport: { width: 1280, height: 800 } });
    await clickJoin(hal);
    const ivy = await open(url, 'Ivy', { viewport: { width: 390, height: 844 } });
    await clickJoin(ivy);
    await assertFullMesh([gus, hal, ivy]);
    await hal.page.screenshot({ path: `${SCREENSHOTS}/call-desktop-1280x800.png` });
    await ivy.page.screenshot({ path: `${SCREENSHOTS}/call-phone-390x844.png` });

    const leftAt = Date.now();
    await gus.page.getByRole('button', { name: 'Leave call' }).click();
    await gus.page.getByText('You left the call').waitFor();
    await gus.page.getByRole('button', { name: 'Rejoin' }).waitFor();
    for (const p of [hal, ivy]) {
      await eventually(async () => !(await remoteNames(p)).includes('Gus'), 2000, `${p.name} to drop Gus within 2 s`);
    }
    assert.ok(Date.now() - leftAt < 2500);
    const report = await localTracksEnded(gus);
    assert.ok(report.total >= 2, 'Gus had a camera and a microphone');
    assert.equal(report.live, 0, 'every track Gus opened has ended');
    // Hal and Ivy still see and hear each other.
    await assertFullMesh([hal, ivy]);
    await closeAll();
  });

  it('closing a tab removes that person for everyone within 2 s', async () => {
    const url = `${server.url}/r/${uniqueId('room')}`;
    const jo = await open(url, 'Jo');
    await clickJoin(jo);
    const kim = await open(url, 'Kim');
    await clickJoin(kim);
    await eventually(async () => (await remoteNames(jo)).includes('Kim'), 20_000, 'Jo to see Kim');
    await kim.page.close();
    await eventually(async () => (await remoteNames(jo)).length === 0, 2000, 'Kim gone within 2 s');
    await closeAll();
  });
});
