/**
 * Recording in the open (issue 14), in real Chromium: Ana records a 2-person call with the
 * Record button; Ben sees "Ana is recording" (banner and people panel) before the recording's
 * first chunk is written; a newcomer sees it too; Stop offers a WebM that plays, 1280×720, with
 * a VP8 video and an Opus audio track that is not silent. The host turns recording off: Ben's
 * recording stops, and starting again is refused. Screenshots go to test-results/recording/.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { clickJoin, eventually, launchBrowser, openCall, type Participant } from '../helpers/browser.js';
import { startServer, uniqueId, type TestServer } from '../helpers/server.js';

const SHOTS = 'test-results/recording';

/** When the page's first MediaRecorder chunk arrived, and when its element heard someone start recording. */
const WATCH = `(() => {
  const Native = window.MediaRecorder;
  window.MediaRecorder = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('dataavailable', (e) => { if (e.data.size && !window.__firstChunkAt) window.__firstChunkAt = Date.now(); });
    }
  };
  window.__recordingSeenAt = undefined;
  window.__stopped = [];
  document.addEventListener('participant-updated', (e) => {
    if (e.detail.changed.includes('recording') && e.detail.participant.recording && !window.__recordingSeenAt) window.__recordingSeenAt = Date.now();
  });
  document.addEventListener('recording-stopped', (e) => window.__stopped.push(e.detail.reason));
})();`;

const read = <T>(p: Participant, name: string) => p.page.evaluate((n) => (window as unknown as Record<string, T>)[n], name);
const api = <T>(p: Participant, call: string) =>
  p.page.evaluate(
    (c) =>
      (document.querySelector('call-room') as unknown as Record<string, () => Promise<unknown>>)[c]!().then(
        () => 'ok',
        (e: { code?: string }) => e.code ?? 'error',
      ),
    call,
  ) as Promise<T>;

describe('recording in the open', () => {
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    await mkdir(SHOTS, { recursive: true });
    server = await startServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('tells everyone before the first chunk, and gives a playable WebM with video and audio', async () => {
    const url = `${server.url}/r/${uniqueId('room')}`;
    const ana = await openCall(browser, url, { name: 'Ana', initScript: WATCH, viewport: { width: 1280, height: 800 } });
    await clickJoin(ana);
    const ben = await openCall(browser, url, { name: 'Ben', initScript: WATCH, viewport: { width: 390, height: 844 } });
    await clickJoin(ben);
    for (const p of [ana, ben]) {
      await eventually(async () => (await p.page.locator('video-tile[data-peer-id]').count()) === 1, 30_000, `${p.name} sees the other`);
    }
    await ana.page.getByRole('button', { name: 'Record', exact: true }).click();
    await ana.page.getByRole('button', { name: 'Stop recording' }).waitFor({ timeout: 15_000 });
    await ben.page.getByText('Ana is recording').waitFor({ timeout: 5000 });
    await eventually(async () => (await read<number>(ana, '__firstChunkAt')) !== undefined, 10_000, 'a first chunk');
    const seen = await read<number>(ben, '__recordingSeenAt');
    const firstChunk = await read<number>(ana, '__firstChunkAt');
    assert.ok(seen && seen <= firstChunk, `Ben knew at ${seen}, the first chunk was written at ${firstChunk}`);
    await ana.page.getByText('You are recording. Everyone in the call sees this.').waitFor();
    // The people panel says it too, and a newcomer (in Chinese) sees it on arrival.
    await ben.page.locator('media-controls button[aria-label="People"]').click();
    await ben.page.locator('people-panel li', { hasText: 'Ana' }).getByText('Recording').waitFor();
    await ben.page.screenshot({ path: `${SHOTS}/notice-390x844.png` });
    await ana.page.screenshot({ path: `${SHOTS}/recording-1280x800.png` });
    const cy = await openCall(browser, url, { name: 'Cy', locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
    await cy.page.locator('call-room').evaluate((el) => (el as unknown as { join(): Promise<void> }).join());
    await cy.page.getByText('Ana 正在录制').waitFor({ timeout: 20_000 });
    await cy.page.screenshot({ path: `${SHOTS}/notice-zh-CN-1280x800.png` });
    await cy.context.close();

    // About 5 s of recording, then Stop: a WebM to save.
    await ana.page.waitForTimeout(5000);
    await ana.page.getByRole('button', { name: 'Stop recording' }).click();
    await ben.page.getByText('Ana is recording').waitFor({ state: 'hidden', timeout: 10_000 });
    const save = ana.page.locator('file-transfers li.recording a', { hasText: 'Save' });
    await save.waitFor({ timeout: 10_000 });
    const download = ana.page.waitForEvent('download');
    await save.click();
    const saved = await readFile(await (await download).path());
    assert.match((await download).suggestedFilename(), /^callroom-.+\.webm$/);
    assert.equal(saved.subarray(0, 4).toString('hex'), '1a45dfa3', 'a WebM (EBML) file');
    assert.ok(saved.includes('V_VP8') && saved.includes('A_OPUS'), 'a VP8 video track and an Opus audio track');

    // It plays: frames decode at the canvas's size, and the audio is not silence.
    // (A string: the test's compiler would wrap named functions in a helper the page lacks.)
    const played = (await ana.page.evaluate(`(async (base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const blob = new Blob([bytes], { type: 'video/webm' });
      const video = document.createElement('video');
      video.muted = true;
      video.src = URL.createObjectURL(blob);
      let frames = 0;
      const onFrame = () => {
        frames++;
        video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
      await video.play();
      await new Promise((r) => setTimeout(r, 2000));
      video.pause();
      const audio = await new AudioContext().decodeAudioData(await blob.arrayBuffer());
      const samples = audio.getChannelData(0);
      let peak = 0;
      for (const s of samples) peak = Math.max(peak, Math.abs(s));
      return { width: video.videoWidth, height: video.videoHeight, frames, seconds: audio.duration, peak };
    })(${JSON.stringify(saved.toString('base64'))})`)) as { width: number; height: number; frames: number; seconds: number; peak: number };
    assert.deepEqual([played.width, played.height], [1280, 720]);
    assert.ok(played.frames >= 10, `frames played: ${played.frames}`);
    assert.ok(played.seconds >= 4, `audio lasts ${played.seconds} s`);
    assert.ok(played.peak > 0.01, `the voices are in it (peak ${played.peak})`);
    await Promise.all([ana.context.close(), ben.context.close()]);
  });

  it('the host turns recording off: a recording stops, and a new one is refused', async () => {
    const url = `${server.url}/r/${uniqueId('room')}`;
    const host = await openCall(browser, url, { name: 'Host', initScript: WATCH, viewport: { width: 1280, height: 800 } });
    await clickJoin(host);
    await host.page.locator('call-stage').waitFor({ timeout: 20_000 });
    const ben = await openCall(browser, url, { name: 'Ben', initScript: WATCH, viewport: { width: 1280, height: 800 } });
    await clickJoin(ben);
    for (const p of [host, ben]) {
      await eventually(async () => (await p.page.locator('video-tile[data-peer-id]').count()) === 1, 30_000, `${p.name} sees the other`);
    }
    assert.equal(await api<string>(ben, 'startRecording'), 'ok');
    await host.page.getByText('Ben is recording').waitFor({ timeout: 5000 });
    await host.page.locator('media-controls button[aria-label="People"]').click();
    await host.page.getByRole('button', { name: 'Turn recording off' }).click();
    await eventually(async () => (await read<string[]>(ben, '__stopped')).join() === 'forbidden', 10_000, "Ben's recording stopped");
    await ben.page.getByText('The host turned recording off, so your recording stopped.').waitFor();
    await host.page.getByText('Ben is recording').waitFor({ state: 'hidden' });
    assert.equal(await ben.page.getByRole('button', { name: 'Record', exact: true }).isVisible(), false, 'no Record button');
    assert.equal(await api<string>(ben, 'startRecording'), 'recording-forbidden');
    await ben.page.screenshot({ path: `${SHOTS}/forbidden-1280x800.png` });
    // Allowed again, it works.
    await host.page.getByRole('button', { name: 'Allow recording' }).click();
    await ben.page.getByRole('button', { name: 'Record', exact: true }).waitFor();
    assert.equal(await api<string>(ben, 'startRecording'), 'ok');
    assert.equal(await api<string>(ben, 'stopRecording'), 'ok');
    await Promise.all([host.context.close(), ben.context.close()]);
  });
});
