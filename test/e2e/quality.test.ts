/**
 * The connection-quality indicator (issue 12), in real Chromium. A direct loopback call is
 * "good" and says so in its details. A relay-only call through Debian's coturn, with each
 * session capped at 8 KB/s (`--max-bps`, far below what a camera sends), goes "poor", says
 * "Relayed through TURN", and the sender is told its connection is unstable.
 * (CDP's network emulation does not touch WebRTC, hence the real relay with a real cap.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { clickJoin, eventually, launchBrowser, openCall, type Participant } from '../helpers/browser.js';
import { startCoturn, type Coturn } from '../helpers/coturn.js';
import { startServer, uniqueId, type TestServer } from '../helpers/server.js';

const SECRET = 'quality-secret';

/** The quality the first remote tile shows, and its details once opened. */
const tileQuality = (p: Participant) =>
  p.page.locator('call-room').evaluate((el) => {
    const tile = el.shadowRoot?.querySelector('call-stage')?.shadowRoot?.querySelector('video-tile[data-peer-id]') as
      (HTMLElement & { quality: string; qualityDetails: string[] }) | null;
    return tile ? { level: tile.quality, details: tile.qualityDetails } : null;
  });

async function twoInACall(browser: Browser, url: string): Promise<[Participant, Participant]> {
  const a = await openCall(browser, url, { name: 'Ana' });
  const b = await openCall(browser, url, { name: 'Ben' });
  await clickJoin(a);
  await a.page.getByText('Only you so far').waitFor({ timeout: 20_000 });
  await clickJoin(b);
  return [a, b];
}

describe('the connection-quality indicator', () => {
  let browser: Browser;
  let coturn: Coturn;
  let server: TestServer;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await coturn?.stop();
  });

  it('a direct call on loopback is good, and the details name the route', async () => {
    server = await startServer();
    const [a, b] = await twoInACall(browser, `${server.url}/r/${uniqueId('room')}`);
    await eventually(async () => (await tileQuality(b))?.level === 'good', 20_000, 'Ben to rate Ana good');
    const { details } = (await tileQuality(b))!;
    assert.ok(
      details.some((l) => /^\d+×\d+, \d+ fps$/.test(l)),
      details.join(' | '),
    );
    assert.ok(details.includes('Direct (local network)'), details.join(' | '));
    // The details view opens from the indicator, a button.
    const button = b.page.getByRole('button', { name: 'Connection: good' });
    await button.click();
    await b.page.getByRole('group', { name: 'Connection details for Ana' }).waitFor();
    // Past a new connection's ramp-up (10 s) and two more readings: a perfect network is not "unstable".
    await a.page.waitForTimeout(15_000);
    assert.equal(await a.page.getByText('Your connection is unstable').isVisible(), false);
    assert.equal(await b.page.getByText('Your connection is unstable').isVisible(), false);
    await Promise.all([a.context.close(), b.context.close()]);
    await server.close();
  });

  it('a relayed call squeezed to 8 KB/s goes poor, says it is relayed, and the sender hears it is unstable', async () => {
    coturn = await startCoturn(SECRET, ['--max-bps=8000']);
    server = await startServer({ TURN_SECRET: SECRET, TURN_URLS: coturn.url, ICE_TRANSPORT_POLICY: 'relay' });
    const [a, b] = await twoInACall(browser, `${server.url}/r/${uniqueId('room')}`);
    // One reading that is poor and names the relay (the route is read from the selected pair).
    await eventually(
      async () => {
        const q = await tileQuality(b);
        return q?.level === 'poor' && q.details.includes('Relayed through TURN');
      },
      30_000,
      'Ben to rate Ana poor, relayed through TURN',
    );
    // The sender's bandwidth estimate takes its time to fall to the relay's cap (it passed in 10
    // to 30 s; one CI run needed more): a minute, not a timing assertion.
    await a.page.getByText('Your connection is unstable').waitFor({ timeout: 60_000 });
    await Promise.all([a.context.close(), b.context.close()]);
  });
});
