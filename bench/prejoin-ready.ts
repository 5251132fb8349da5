/**
 * Navigation to a usable pre-join screen: a first visit to a call link (a fresh browser context,
 * nothing cached, no service worker) in headless Chromium against the real server on loopback,
 * until the Join button is enabled and the camera preview plays. Also when the first chunk's
 * request started, and DOMContentLoaded, all from the page's own clock (performance.now()).
 *
 *   npm run build && node --import tsx bench/prejoin-ready.ts     (BENCH_RUNS, default 15)
 *
 * In the same run, the reference: the seed-style tutorial page (test/helpers/other-origin.ts's
 * classic page: socket.io.js and peerjs.min.js as plain scripts, getUserMedia, then join-room)
 * until its own camera video plays. Also when our page's early connections were up (the
 * PeerServer's OPEN): from then on, Join is one round trip.
 *
 * Run it on two builds (this commit and the one before) to compare: the figures are ratios to
 * each other, never targets in themselves.
 */
import { launchBrowser } from '../test/helpers/browser.js';
import { startOtherOrigin } from '../test/helpers/other-origin.js';
import { startServer, uniqueId } from '../test/helpers/server.js';
import { fmt, heading, runMain, summarize, table, waitForQuiet, writeResult } from './lib.js';
import { PAGE_PROBES } from './page-probes.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);

runMain(async () => {
  await waitForQuiet();
  const tutorial = await startOtherOrigin();
  const server = await startServer({ ALLOWED_ORIGINS: tutorial.origin });
  tutorial.setCallServer(server.url);
  const browser = await launchBrowser();
  const samples: Array<{ chunkStart: number; domContentLoaded: number; joinReady: number; preconnected: number }> = [];
  const tutorialSamples: number[] = [];
  try {
    for (let run = 0; run < RUNS + 1; run++) {
      // The tutorial page first, in its own fresh context: navigation until its camera plays.
      const plain = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const tutorialPage = await plain.newPage();
      await tutorialPage.goto(`${tutorial.origin}/classic.html?room=${uniqueId('tutorial')}`);
      await tutorialPage.waitForFunction(() => (document.querySelector('video')?.videoWidth ?? 0) > 0, undefined, {
        polling: 2,
        timeout: 20_000,
      });
      const tutorialReady = (await tutorialPage.evaluate('performance.now()')) as number;
      if (run > 0) tutorialSamples.push(tutorialReady);
      await plain.close();

      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
      await context.addInitScript(PAGE_PROBES);
      const page = await context.newPage();
      await page.goto(`${server.url}/r/${uniqueId('ready')}`);
      await page.waitForFunction(() => (window as unknown as { __benchJoinReady(): boolean }).__benchJoinReady(), undefined, {
        polling: 2,
        timeout: 20_000,
      });
      const joinReady = (await page.evaluate('performance.now()')) as number;
      // Builds without early connections open the PeerServer only at Join: NaN for them.
      const preconnected = (await page
        .waitForFunction(
          () => (window as unknown as { __benchMarks: Array<{ name: string }> }).__benchMarks.some((m) => m.name === 'peer-msg-OPEN'),
          undefined,
          { timeout: 5000 },
        )
        .then(() => page.evaluate(`(window.__benchMarks.find((m) => m.name === 'peer-msg-OPEN').t - performance.timeOrigin)`))
        .catch(() => NaN)) as number;
      const timing = (await page.evaluate(`(() => {
        const chunk = performance.getEntriesByType('resource').find((e) => e.name.includes('/chunks/'));
        const nav = performance.getEntriesByType('navigation')[0];
        return { chunkStart: chunk ? chunk.startTime : NaN, domContentLoaded: nav.domContentLoadedEventEnd };
      })()`)) as { chunkStart: number; domContentLoaded: number };
      if (run > 0) samples.push({ ...timing, joinReady, preconnected }); // the first run warms the server
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
    await tutorial.close();
  }
  const of = (key: keyof (typeof samples)[number]) => summarize(samples.map((s) => s[key]));
  heading(`First visit to a call link, ${RUNS} runs (ms after navigation start, page clock)`);
  console.log(
    table(
      ['moment', 'median', 'p95', 'min', 'max'],
      (
        [
          ['first chunk request started', of('chunkStart')],
          ['DOMContentLoaded', of('domContentLoaded')],
          ['early connections up (PeerServer OPEN)', of('preconnected')],
          ['Join enabled and preview playing', of('joinReady')],
          ['reference: the tutorial page, its camera playing', summarize(tutorialSamples)],
        ] as const
      ).map(([label, s]) => [label, fmt(s.median, 1), fmt(s.p95, 1), fmt(s.min, 1), fmt(s.max, 1)]),
    ),
  );
  const ratio = of('joinReady').median / summarize(tutorialSamples).median;
  console.log(`\nA usable pre-join screen takes ${fmt(ratio, 2)} × the tutorial page's plain load (medians, same run).`);
  await writeResult('prejoin-ready', { runs: RUNS, samples, tutorialSamples, ratio });
});
