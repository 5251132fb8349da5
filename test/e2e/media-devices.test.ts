/**
 * Choosing devices (issue 12), in real Chromium with three fake cameras and microphones: on the
 * pre-join screen, mid-call (the others keep decoding; no renegotiation), remembered on this
 * device, and the fall-back when the device in use goes away.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  clickJoin,
  decodedFrames,
  eventually,
  hearing,
  launchBrowser,
  openCall,
  remoteDescriptions,
  type Participant,
} from '../helpers/browser.js';
import { startServer, uniqueId, type TestServer } from '../helpers/server.js';

/** The label of the track this page sends, of `kind`, on its (first live) connection. */
const sending = (page: Page, kind: 'audio' | 'video') =>
  page.evaluate((kind) => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((pc) => pc.connectionState !== 'closed');
    for (const pc of pcs) {
      const track = pc.getSenders().find((s) => s.track?.kind === kind)?.track;
      if (track) return track.label;
    }
    return null;
  }, kind);

/** How many descriptions this page ever applied: a renegotiation would add some. */
const descriptions = async (p: Participant) => (await remoteDescriptions(p)).reduce((a, b) => a + b, 0);

const select = (page: Page, label: string) => page.locator('call-room').getByRole('combobox', { name: label, exact: true });
const previewLabel = (page: Page, kind: 'audio' | 'video') =>
  page.locator('call-room').evaluate((el, kind) => {
    const tile = el.shadowRoot!.querySelector('video-tile.preview, video-tile.self') as unknown as { stream?: MediaStream };
    return (kind === 'audio' ? tile.stream?.getAudioTracks() : tile.stream?.getVideoTracks())?.[0]?.label ?? null;
  }, kind);

describe('choosing devices', () => {
  let server: TestServer;
  let browser: Browser;
  const opened: Participant[] = [];
  before(async () => {
    server = await startServer();
    // The last value of a switch wins: three fake cameras (and Chromium's three fake microphones).
    browser = await launchBrowser(['--use-fake-device-for-media-stream=device-count=3']);
  });
  after(async () => {
    await Promise.all(opened.map((p) => p.context.close().catch(() => {})));
    await browser?.close();
    await server?.close();
  });
  async function open(url: string, name: string) {
    const p = await openCall(browser, url, { name });
    opened.push(p);
    return p;
  }

  it('the pre-join screen lists the cameras and microphones, switches the preview, and remembers the choice', async () => {
    const p = await open(`${server.url}/r/${uniqueId('room')}`, 'Chooser');
    const cameras = select(p.page, 'Camera');
    await cameras.waitFor({ timeout: 10_000 });
    const options = await cameras.locator('option').allTextContents();
    assert.equal(options.length, 3, options.join(', '));
    const mics = await select(p.page, 'Microphone').locator('option').allTextContents();
    assert.ok(mics.length >= 2, mics.join(', '));
    assert.ok(await p.page.locator('call-room').getByRole('meter', { name: 'Microphone level' }).isVisible());

    const before = await previewLabel(p.page, 'video');
    await cameras.selectOption({ index: 2 });
    await eventually(async () => (await previewLabel(p.page, 'video')) === options[2], 10_000, 'the preview on the third camera');
    assert.notEqual(before, options[2]);
    await select(p.page, 'Microphone').selectOption({ index: 1 });
    await eventually(async () => (await previewLabel(p.page, 'audio')) === mics[1], 10_000, 'the second microphone');

    // Remembered on this device: a new visit opens the same camera and microphone.
    await p.page.reload();
    await eventually(async () => (await previewLabel(p.page, 'video')) === options[2], 10_000, 'the third camera again');
    assert.equal(await previewLabel(p.page, 'audio'), mics[1]);
    await p.context.close();
  });

  it('switching camera and microphone mid-call: the new device is sent, the old one stops, no renegotiation, sound keeps coming', async () => {
    const url = `${server.url}/r/${uniqueId('room')}`;
    const a = await open(url, 'Ana');
    const b = await open(url, 'Ben');
    await clickJoin(a);
    await a.page.getByText('Only you so far').waitFor({ timeout: 20_000 });
    await clickJoin(b);
    await eventually(async () => (await decodedFrames(b)).some((f) => f > 0), 20_000, 'Ben to decode Ana');
    await eventually(async () => (await sending(a.page, 'video')) !== null, 10_000, 'Ana sending');
    const negotiated = [await descriptions(a), await descriptions(b)];
    const oldLabel = await sending(a.page, 'video');
    // Keep a handle on the track in use now, to see it stop.
    await a.page.locator('call-room').evaluate((el) => {
      const tile = el.shadowRoot!.querySelector('call-stage')!.shadowRoot!.querySelector('video-tile.self') as unknown as {
        stream: MediaStream;
      };
      (window as unknown as { __oldCamera: MediaStreamTrack }).__oldCamera = tile.stream.getVideoTracks()[0]!;
    });

    await a.page.getByRole('button', { name: 'Settings' }).click();
    const cameras = select(a.page, 'Camera');
    const labels = await cameras.locator('option').allTextContents();
    const next = labels.find((l) => l !== oldLabel)!;
    await cameras.selectOption({ label: next });
    await eventually(async () => (await sending(a.page, 'video')) === next, 10_000, 'Ana to send the new camera');
    assert.equal(
      await a.page.evaluate(() => (window as unknown as { __oldCamera: MediaStreamTrack }).__oldCamera.readyState),
      'ended',
      'the old camera is stopped (its light goes off)',
    );
    // Headless Chromium's fake cameras do not feed an encoder after replaceTrack from one fake
    // device to another (a clone, the same device or a canvas do; see the issue note), so the
    // video side is shown by the sender's track; the connection stays up.
    assert.equal(
      await b.page.evaluate(
        () => (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((pc) => pc.connectionState === 'connected').length,
      ),
      1,
    );

    const mics = select(a.page, 'Microphone');
    const micLabels = await mics.locator('option').allTextContents();
    const oldMic = await sending(a.page, 'audio');
    const nextMic = micLabels.find((l) => l !== oldMic)!;
    await mics.selectOption({ label: nextMic });
    await eventually(async () => (await sending(a.page, 'audio')) === nextMic, 10_000, 'Ana to send the new microphone');
    await eventually(() => hearing(b), 10_000, 'Ben to keep receiving sound');

    // replaceTrack only: nobody applied a new description.
    assert.deepEqual([await descriptions(a), await descriptions(b)], negotiated);
    await Promise.all([a.context.close(), b.context.close()]);
  });

  it('the camera in use goes away: back to the default, and it says so', async () => {
    const p = await open(`${server.url}/r/${uniqueId('room')}`, 'Unplugger');
    const cameras = select(p.page, 'Camera');
    await cameras.waitFor({ timeout: 10_000 });
    const labels = await cameras.locator('option').allTextContents();
    await cameras.selectOption({ index: 1 });
    await eventually(async () => (await previewLabel(p.page, 'video')) === labels[1], 10_000, 'the second camera');
    // Headless Chromium cannot unplug a fake camera: the browser is told the device list lost it
    // (enumerateDevices no longer names it, and a devicechange event), as an unplug would.
    await p.page.evaluate((gone) => {
      const media = navigator.mediaDevices;
      const list = media.enumerateDevices.bind(media);
      media.enumerateDevices = async () => (await list()).filter((d) => d.label !== gone);
      media.dispatchEvent(new Event('devicechange'));
    }, labels[1]!);
    const notice = p.page.locator('call-room').getByText(`Your ${labels[1]} was disconnected; using`);
    await notice.waitFor({ timeout: 10_000 });
    assert.notEqual(await previewLabel(p.page, 'video'), labels[1]);
    // Worded in the language shown now: switching the menu rewords it.
    await p.page.locator('language-select select').first().selectOption('de');
    const shown = p.page.locator('call-room').locator('.device-notice');
    await eventually(
      async () => {
        const text = (await shown.textContent()) ?? '';
        return text.includes(labels[1]!) && !text.includes('was disconnected');
      },
      10_000,
      'the notice in German',
    );
    await p.context.close();
  });
});
