/**
 * Navigation to a usable pre-join screen: a first visit to a call link (a fresh browser context,
 * nothing cached, no service worker) in headless Chromium against the real server on loopback,
 * until the Join button is enabled and the camera preview plays. Also when the first chunk's
 * request started, and DOMContentLoaded, all from the page's own clock (performance.now()).
 *
 *   npm run build && node --import tsx bench/prejoin-ready.ts     (BENCH_RUNS, default 15)
 *
 * Run it on two builds (this commit and the one before) to compare: the figures are ratios to
 * each other, never targets in themselves.
 */
import { launchBrowser } from '../test/helpers/browser.js';
import { startServer, uniqueId } from '../test/helpers/server.js';
import { fmt, heading, runMain, summarize, table, waitForQuiet, writeResult } from './lib.js';
import { PAGE_PROBES } from './page-probes.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);

runMain(async () => {
  await waitForQuiet();
  const server = await startServer();
  const browser = await launchBrowser();
  const samples: Array<{ chunkStart: number; domContentLoaded: number; joinReady: number }> = [];
  try {
    for (let run = 0; run < RUNS + 1; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
      await context.addInitScript(PAGE_PROBES);
      const page = await context.newPage();
      await page.goto(`${server.url}/r/${uniqueId('ready')}`);
      await page.waitForFunction(() => (window as unknown as { __benchJoinReady(): boolean }).__benchJoinReady(), undefined, {
        polling: 2,
        timeout: 20_000,
      });
      const joinReady = (await page.evaluate('performance.now()')) as number;
      const timing = (await page.evaluate(`(() => {
        const chunk = performance.getEntriesByType('resource').find((e) => e.name.includes('/chunks/'));
        const nav = performance.getEntriesByType('navigation')[0];
        return { chunkStart: chunk ? chunk.startTime : NaN, domContentLoaded: nav.domContentLoadedEventEnd };
      })()`)) as { chunkStart: number; domContentLoaded: number };
      if (run > 0) samples.push({ ...timing, joinReady }); // the first run warms the server
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
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
          ['Join enabled and preview playing', of('joinReady')],
        ] as const
      ).map(([label, s]) => [label, fmt(s.median, 1), fmt(s.p95, 1), fmt(s.min, 1), fmt(s.max, 1)]),
    ),
  );
  await writeResult('prejoin-ready', { runs: RUNS, samples });
});
