/**
 * Files person to person (issue 14), in real Chromium through the real server and PeerServer:
 * - 50 MB from Ana to Ben in a 3-person call arrives with the sender's SHA-256, with progress
 *   on both sides in between; Cy, not addressed, gets no offer and no data channel at all;
 * - a cancel in the middle closes the channel on both sides and gives back the memory (V8's
 *   ArrayBuffer backing stores, after a garbage collection, by the DevTools protocol);
 * - through the UI: People → Send a file, Accept, Save (a real download); a file dropped on the
 *   call goes to everyone, and a Decline is seen by the sender;
 * - the same over a relay-only call through coturn.
 * Screenshots of the cards go to test-results/files/.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { clickJoin, eventually, launchBrowser, openCall, type Participant } from '../helpers/browser.js';
import { startCoturn, type Coturn } from '../helpers/coturn.js';
import { startServer, uniqueId, type TestServer } from '../helpers/server.js';

const SHOTS = 'test-results/files';
const MB = 1024 * 1024;

interface FileEvent {
  type: string;
  transfer: {
    id: string;
    status: string;
    bytes: number;
    size: number;
    bytesPerSecond: number;
    sha256?: string;
    endedBy?: string;
    participantId: string;
  };
  sha256?: string;
}

/** Records the element's file events on the page (and, with `accept`, accepts every offer by the API). */
const RECORD_FILE_EVENTS = (accept: boolean) => `(() => {
  window.__files = [];
  for (const type of ['file-offer', 'file-progress', 'file-received', 'file-sent', 'file-ended']) {
    document.addEventListener(type, async (e) => {
      const entry = { type, transfer: JSON.parse(JSON.stringify(e.detail.transfer)) };
      window.__files.push(entry);
      if (type === 'file-offer' && ${accept}) e.target.acceptFile(e.detail.transfer.id);
      if (type === 'file-received') {
        const digest = await crypto.subtle.digest('SHA-256', await e.detail.file.arrayBuffer());
        entry.sha256 = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
        entry.fileSize = e.detail.file.size;
      }
    });
  }
})();`;

const fileEvents = (p: Participant): Promise<FileEvent[]> => p.page.evaluate(() => (window as unknown as { __files: FileEvent[] }).__files);

const idOf = (p: Participant, name: string): Promise<string> =>
  p.page.evaluate(
    (n) =>
      (document.querySelector('call-room') as unknown as { participants: Array<{ id: string; name: string }> }).participants.find(
        (x) => x.name === n,
      )!.id,
    name,
  );

/** Makes `mb` MB of reproducible bytes in the page as window.__file (the array itself let go); resolves with their SHA-256. */
async function makeFile(page: Page, mb: number, name = 'big.bin'): Promise<string> {
  return page.evaluate(
    async ({ size, name }) => {
      let data: Uint8Array<ArrayBuffer> | undefined = new Uint8Array(size);
      let x = 2463534242;
      const words = new Uint32Array(data.buffer);
      for (let i = 0; i < words.length; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        words[i] = x >>> 0;
      }
      const digest = await crypto.subtle.digest('SHA-256', data);
      (window as unknown as { __file: File }).__file = new File([data], name, { type: 'application/octet-stream' });
      data = undefined;
      return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    },
    { size: mb * MB, name },
  );
}

/** Sends window.__file to `to` by the API; resolves when the promise settles, with the transfers. */
const sendFile = (p: Participant, to?: string) =>
  p.page.evaluate(
    (recipient) =>
      (document.querySelector('call-room') as unknown as { sendFile(f: File, to?: string): Promise<unknown> })
        .sendFile((window as unknown as { __file: File }).__file, recipient)
        .then((t) => JSON.parse(JSON.stringify(t))),
    to,
  ) as Promise<Array<{ status: string; sha256?: string; endedBy?: string }>>;

/**
 * The state of each of the page's file channels: the negotiated RTCPeerConnections with no audio
 * or video (PeerJS gives each call a data channel too, so SCTP alone does not tell; and it makes
 * one connection of its own at start, to test what the browser supports, never negotiated).
 */
const dataConnections = (p: Participant): Promise<string[]> =>
  p.page.evaluate(() =>
    (window as unknown as { __pcs: Array<RTCPeerConnection & { __remoteDescriptions?: number }> }).__pcs
      .filter((pc) => pc.getTransceivers().length === 0 && pc.__remoteDescriptions)
      .map((pc) => pc.connectionState),
  );

/** Bytes in V8's ArrayBuffer backing stores after a full garbage collection (DevTools protocol). */
async function backingBytes(p: Participant): Promise<number> {
  const cdp = await p.context.newCDPSession(p.page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
  await cdp.detach();
  assert.ok(usage.backingStorageSize !== undefined, 'this Chromium reports backing storage');
  return usage.backingStorageSize;
}

async function joinAll(browser: Browser, url: string, names: string[], accept: boolean[], viewport?: { width: number; height: number }) {
  const people: Participant[] = [];
  for (const [i, name] of names.entries()) {
    const p = await openCall(browser, url, { name, initScript: RECORD_FILE_EVENTS(accept[i]!), viewport });
    await clickJoin(p);
    await p.page.locator('call-stage').waitFor({ timeout: 20_000 });
    people.push(p);
  }
  for (const p of people) {
    await eventually(
      async () => (await p.page.locator('video-tile[data-peer-id]').count()) === names.length - 1,
      30_000,
      `${p.name} sees everyone`,
    );
  }
  return people;
}

describe('files, person to person', () => {
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

  it('sends 50 MB to one person with an equal SHA-256 and progress in between; the third gets nothing', async () => {
    const [ana, ben, cy] = await joinAll(browser, `${server.url}/r/${uniqueId('room')}`, ['Ana', 'Ben', 'Cy'], [false, true, true]);
    const expected = await makeFile(ana!.page, 50);
    const sent = await sendFile(ana!, await idOf(ana!, 'Ben'));
    assert.deepEqual(
      sent.map((t) => [t.status, t.sha256]),
      [['done', expected]],
    );
    await eventually(
      async () => (await fileEvents(ben!)).some((e) => e.type === 'file-received' && e.sha256),
      30_000,
      'Ben hashed the file',
    );
    const got = await fileEvents(ben!);
    const received = got.find((e) => e.type === 'file-received')!;
    assert.equal(received.sha256, expected, 'the bytes Ben got hash to what Ana sent');
    assert.equal(received.transfer.sha256, expected);
    assert.equal(received.transfer.size, 50 * MB);
    for (const [p, events] of [
      [ben!, got],
      [ana!, await fileEvents(ana!)],
    ] as const) {
      const progress = events.filter((e) => e.type === 'file-progress').map((e) => e.transfer);
      const between = progress.filter((t) => t.bytes > 0 && t.bytes < t.size);
      assert.ok(between.length >= 2, `${p.name}: progress in between (${progress.map((t) => t.bytes).join()})`);
      assert.ok(
        between.some((t) => t.bytesPerSecond > 0),
        `${p.name}: a speed`,
      );
      assert.deepEqual(
        between.map((t) => t.bytes),
        [...between.map((t) => t.bytes)].sort((a, b) => a - b),
        'rising',
      );
    }
    assert.ok((await fileEvents(ana!)).some((e) => e.type === 'file-sent'));
    // Cy was not addressed: no offer, no event, not even a data channel.
    assert.deepEqual(await fileEvents(cy!), []);
    assert.deepEqual(await dataConnections(cy!), []);
    assert.equal((await dataConnections(ana!)).length, 1, 'one data channel, to Ben');
    await Promise.all([ana, ben, cy].map((p) => p!.context.close()));
  });

  it('a cancel in the middle ends it on both sides, closes the channel and frees the memory', async () => {
    const [ana, ben] = await joinAll(browser, `${server.url}/r/${uniqueId('room')}`, ['Ana', 'Ben'], [false, true]);
    await makeFile(ana!.page, 50);
    const anaBefore = await backingBytes(ana!);
    const benBefore = await backingBytes(ben!);
    const sending = sendFile(ana!, await idOf(ana!, 'Ben'));
    await eventually(
      async () => (await fileEvents(ben!)).some((e) => e.type === 'file-progress' && e.transfer.bytes > 12 * MB),
      60_000,
      'Ben has 12 MB',
    );
    const benDuring = await backingBytes(ben!);
    assert.ok(benDuring - benBefore > 10 * MB, `Ben holds what arrived: ${benDuring - benBefore} bytes`);
    const offer = (await fileEvents(ben!)).find((e) => e.type === 'file-offer')!;
    await ben!.page.evaluate(
      (id) => (document.querySelector('call-room') as unknown as { cancelFile(id: string): Promise<void> }).cancelFile(id),
      offer.transfer.id,
    );
    const [out] = await sending;
    assert.deepEqual([out!.status, out!.endedBy], ['cancelled', 'peer']);
    const ended = (await fileEvents(ben!)).find((e) => e.type === 'file-ended')!;
    assert.deepEqual([ended.transfer.status, ended.transfer.endedBy], ['cancelled', 'self']);
    assert.ok(!(await fileEvents(ben!)).some((e) => e.type === 'file-received'));
    for (const p of [ana!, ben!]) {
      await eventually(async () => (await dataConnections(p)).join() === 'closed', 10_000, `${p.name}'s file channel closed`);
    }
    const benAfter = await backingBytes(ben!);
    const anaAfter = await backingBytes(ana!);
    assert.ok(benAfter - benBefore < 2 * MB, `Ben let go of what arrived: ${benAfter - benBefore} bytes over before`);
    assert.ok(anaAfter - anaBefore < 2 * MB, `Ana holds nothing of the file: ${anaAfter - anaBefore} bytes over before`);
    await Promise.all([ana, ben].map((p) => p!.context.close()));
  });

  it('through the UI: Send a file, Accept, Save; a dropped file goes to everyone, and a Decline shows', async () => {
    const desktop = { width: 1280, height: 800 };
    const [ana, ben, cy] = await joinAll(
      browser,
      `${server.url}/r/${uniqueId('room')}`,
      ['Ana', 'Ben', 'Cy'],
      [false, false, false],
      desktop,
    );
    await ben!.page.setViewportSize({ width: 390, height: 844 });
    const text = 'Notes from the call\n'.repeat(50_000);
    // People → Send a file to Ben → the file chooser.
    await ana!.page.locator('media-controls button', { hasText: 'People' }).click();
    const chooser = ana!.page.waitForEvent('filechooser');
    await ana!.page.getByRole('button', { name: 'Send a file to Ben' }).click();
    await (await chooser).setFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from(text) });
    await ben!.page.getByText('Ana wants to send you notes.txt').waitFor({ timeout: 20_000 });
    await ana!.page.getByText('Waiting for Ben to accept notes.txt').waitFor();
    await ben!.page.screenshot({ path: `${SHOTS}/offer-390x844.png` });
    await ana!.page.screenshot({ path: `${SHOTS}/waiting-1280x800.png` });
    await ben!.page.getByRole('button', { name: 'Accept notes.txt' }).click();
    const save = ben!.page.getByRole('link', { name: 'Save notes.txt' });
    await save.waitFor({ timeout: 30_000 });
    const download = ben!.page.waitForEvent('download');
    await save.click();
    const saved = await (await download).path();
    assert.equal(
      createHash('sha256')
        .update(await readFile(saved))
        .digest('hex'),
      createHash('sha256').update(text).digest('hex'),
    );
    assert.equal((await download).suggestedFilename(), 'notes.txt');
    await ana!.page.getByText('Ben received notes.txt').waitFor({ timeout: 10_000 });
    await ben!.page.screenshot({ path: `${SHOTS}/received-390x844.png` });
    assert.equal(await cy!.page.locator('file-transfers li').count(), 0, 'Cy was not offered it');

    // A file dropped on the call goes to everyone; Cy declines, Ben accepts.
    await ana!.page.locator('call-stage').evaluate((stage) => {
      const data = new DataTransfer();
      data.items.add(new File(['a picture, say'], 'photo.jpg', { type: 'image/jpeg' }));
      const section = stage.shadowRoot!.querySelector('section.call')!;
      section.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, composed: true, cancelable: true }));
      section.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, composed: true, cancelable: true }));
    });
    await cy!.page.getByRole('button', { name: 'Decline photo.jpg' }).click({ timeout: 20_000 });
    await ben!.page.getByRole('button', { name: 'Accept photo.jpg' }).click({ timeout: 20_000 });
    await ana!.page.getByText('Cy declined').waitFor({ timeout: 10_000 });
    await ana!.page.getByText('Ben received photo.jpg').waitFor({ timeout: 10_000 });
    await ben!.page.getByRole('link', { name: 'Save photo.jpg' }).waitFor();
    await ana!.page.screenshot({ path: `${SHOTS}/sent-and-declined-1280x800.png` });
    // Dismissed, a card is gone.
    await ben!.page.getByRole('button', { name: 'Dismiss photo.jpg' }).click();
    await eventually(async () => (await ben!.page.getByRole('link', { name: 'Save photo.jpg' }).count()) === 0, 5000, 'dismissed');
    await Promise.all([ana, ben, cy].map((p) => p!.context.close()));
  });

  describe('over a relay-only call', () => {
    let coturn: Coturn;
    let relayServer: TestServer;
    before(async () => {
      coturn = await startCoturn('files-secret');
      relayServer = await startServer({ TURN_SECRET: 'files-secret', TURN_URLS: coturn.url, ICE_TRANSPORT_POLICY: 'relay' });
    });
    after(async () => {
      await relayServer?.close();
      await coturn?.stop();
    });

    it('sends a file through coturn, hash equal, the data channel relayed', async () => {
      const [ana, ben] = await joinAll(browser, `${relayServer.url}/r/${uniqueId('room')}`, ['Ana', 'Ben'], [false, false]);
      const expected = await makeFile(ana!.page, 8);
      const sending = sendFile(ana!, await idOf(ana!, 'Ben'));
      await eventually(async () => (await fileEvents(ben!)).some((e) => e.type === 'file-offer'), 30_000, 'the offer through the relay');
      // The file's own connection goes through the relay, like the call's (read while it is open).
      const routes = await ana!.page.evaluate(async () => {
        const out: string[] = [];
        for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
          if (!pc.sctp || pc.getTransceivers().length) continue;
          const stats = await pc.getStats();
          stats.forEach((s) => {
            if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded')
              out.push(stats.get(s.localCandidateId)?.candidateType);
          });
        }
        return out;
      });
      assert.ok(routes.length > 0 && routes.every((t) => t === 'relay'), `file channel routes: ${routes}`);
      const offer = (await fileEvents(ben!)).find((e) => e.type === 'file-offer')!;
      await ben!.page.evaluate(
        (id) => (document.querySelector('call-room') as unknown as { acceptFile(id: string): Promise<void> }).acceptFile(id),
        offer.transfer.id,
      );
      const sent = await sending;
      assert.deepEqual(
        sent.map((t) => [t.status, t.sha256]),
        [['done', expected]],
      );
      await eventually(async () => (await fileEvents(ben!)).some((e) => e.type === 'file-received' && e.sha256), 30_000, 'Ben hashed it');
      assert.equal((await fileEvents(ben!)).find((e) => e.type === 'file-received')!.sha256, expected);
      await Promise.all([ana, ben].map((p) => p!.context.close()));
    });
  });
});
