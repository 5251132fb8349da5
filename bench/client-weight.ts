/**
 * Client weight: what a first visit to a call link (/r/<id>) transfers, split by JavaScript, CSS
 * and the rest, then a repeat visit once the service worker controls the page; compared with
 * Lit + PeerJS + socket.io-client bundled alone.
 *
 *   npm run bench:weight         (builds the app first)
 *
 * Bytes are counted twice: per response by Chromium (CDP Network.loadingFinished
 * encodedDataLength: headers + body as received), and in total by a byte-counting TCP proxy
 * between the browser and the server (everything the server sent, including the service
 * worker's own precache requests and its update check, which no page sees).
 */
import { readFile } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { BrowserContext, Page } from 'playwright-core';
import { launchPersistent } from '../test/helpers/browser.js';
import { startServer, uniqueId } from '../test/helpers/server.js';
import { ROOT, heading, kib, runMain, sleep, table, verdict, waitForQuiet, writeResult } from './lib.js';

const WEB_ROOT = path.join(ROOT, 'dist/web');

interface ProxiedRequest {
  method: string;
  path: string;
  /** Response bytes (headers + body) that followed this request on its connection. */
  bytes: number;
}

/**
 * A TCP proxy that counts the bytes the server sends back (responses, headers included), and
 * which request each response answered (HTTP/1.1: one after another on a connection).
 */
async function countingProxy(
  targetPort: number,
): Promise<{ port: number; bytes(): number; requests(): ProxiedRequest[]; reset(): void; close(): Promise<void> }> {
  let bytes = 0;
  let log: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let current: ProxiedRequest | undefined;
    client.on('data', (chunk: Buffer) => {
      const line = /^([A-Z]+) (\S+) HTTP\/1\.[01]\r\n/.exec(chunk.toString('latin1', 0, 2048));
      if (line) log.push((current = { method: line[1]!, path: line[2]!, bytes: 0 }));
    });
    upstream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (current) current.bytes += chunk.length;
    });
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    bytes: () => bytes,
    requests: () => [...log],
    reset: () => {
      bytes = 0;
      log = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}

interface Transfer {
  url: string;
  path: string;
  type: string;
  status: number;
  /** Bytes received over the network for this response (headers + body as sent), per Chromium. */
  encodedDataLength: number;
  /** Of which the response headers (HTTP/1.1 header text). */
  headerBytes: number;
  contentEncoding: string | undefined;
  fromServiceWorker: boolean;
  fromCache: boolean;
}

type Kind = 'JavaScript' | 'CSS' | 'other';
const kindOf = (t: Transfer): Kind => (t.type === 'Script' ? 'JavaScript' : t.type === 'Stylesheet' ? 'CSS' : 'other');

/** Records every response a page receives (CDP Network domain). */
async function recordNetwork(context: BrowserContext, page: Page): Promise<() => Transfer[]> {
  const cdp = await context.newCDPSession(page);
  const requests = new Map<string, Partial<Transfer>>();
  const done: Transfer[] = [];
  cdp.on('Network.requestWillBeSent', (e) => {
    if (e.request.url.startsWith('data:')) return;
    requests.set(e.requestId, { url: e.request.url, path: new URL(e.request.url).pathname, type: e.type ?? 'Other', fromCache: false });
  });
  const headerBytes = new Map<string, number>();
  cdp.on('Network.responseReceivedExtraInfo', (e) => {
    if (e.headersText) headerBytes.set(e.requestId, Buffer.byteLength(e.headersText, 'latin1'));
  });
  cdp.on('Network.requestServedFromCache', (e) => {
    const r = requests.get(e.requestId);
    if (r) r.fromCache = true;
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = requests.get(e.requestId);
    if (!r) return;
    r.status = e.response.status;
    r.fromServiceWorker = !!e.response.fromServiceWorker;
    r.fromCache ||= !!e.response.fromDiskCache || !!e.response.fromPrefetchCache;
    const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    r.contentEncoding = headers['content-encoding'];
    r.type = e.type ?? r.type;
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = requests.get(e.requestId);
    if (!r) return;
    done.push({ ...(r as Transfer), encodedDataLength: e.encodedDataLength, headerBytes: headerBytes.get(e.requestId) ?? 0 });
  });
  await cdp.send('Network.enable');
  return () => [...done];
}

const overNetwork = (t: Transfer) => !t.fromServiceWorker && !t.fromCache && t.encodedDataLength > 0;

/** The file dist/web serves for a path (call links get the shell). */
async function bodyOf(urlPath: string): Promise<Buffer | undefined> {
  const file = /^\/r\//.test(urlPath) || urlPath === '/' ? 'index.html' : urlPath.replace(/^\//, '');
  try {
    return await readFile(path.join(WEB_ROOT, file));
  } catch {
    return undefined;
  }
}

/** Bytes as B and KiB (1024) and kB (1000): "60 KB" can mean either. */
const bytes = (n: number) => `${n} B (${(n / 1024).toFixed(1)} KiB)`;

const gzipSize = (data: Buffer) => gzipSync(data, { level: 9 }).length;
const brotliSize = (data: Buffer) =>
  brotliCompressSync(data, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: data.length } }).length;

/** Lit + PeerJS + socket.io-client in one minified ESM bundle, through a tiny entry using each. */
async function librariesAlone() {
  const entry = `
    import { LitElement, html, css } from 'lit';
    import { Peer } from 'peerjs';
    import { io } from 'socket.io-client';
    class Demo extends LitElement {
      static styles = css\`:host { display: block }\`;
      render() { return html\`<p>\${this.title}</p>\`; }
    }
    customElements.define('lib-demo', Demo);
    export const socket = io('/', { autoConnect: false, transports: ['websocket'] });
    export const peer = () => new Peer({ host: location.hostname, path: '/peerjs' });
  `;
  const result = await build({
    stdin: { contents: entry, resolveDir: ROOT, sourcefile: 'libraries.js', loader: 'js' },
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2022',
    legalComments: 'none',
    write: false,
    logLevel: 'warning',
  });
  const data = Buffer.from(result.outputFiles[0]!.contents);
  return { raw: data.length, gzip: gzipSize(data), brotli: brotliSize(data) };
}

interface KindRow {
  kind: Kind;
  requests: number;
  transferred: number;
  /** transferred minus the response headers: the (compressed, if served so) bodies. */
  bodiesOnWire: number;
  body: number;
  gzip: number;
  brotli: number;
}

function byKind(transfers: Transfer[], bodies: Map<string, Buffer | undefined>): KindRow[] {
  const rows: KindRow[] = (['JavaScript', 'CSS', 'other'] as Kind[]).map((kind) => ({
    kind,
    requests: 0,
    transferred: 0,
    bodiesOnWire: 0,
    body: 0,
    gzip: 0,
    brotli: 0,
  }));
  for (const t of transfers) {
    const row = rows.find((r) => r.kind === kindOf(t))!;
    const body = bodies.get(t.path);
    row.requests += 1;
    row.transferred += t.encodedDataLength;
    row.bodiesOnWire += t.encodedDataLength - t.headerBytes;
    row.body += body?.length ?? 0;
    row.gzip += body ? gzipSize(body) : 0;
    row.brotli += body ? brotliSize(body) : 0;
  }
  return rows;
}

runMain(async () => {
  const quiet = await waitForQuiet();
  const server = await startServer();
  const proxy = await countingProxy(server.port);
  const origin = `http://127.0.0.1:${proxy.port}`;
  const profile = await launchPersistent();
  try {
    const { context } = profile;

    // First visit: a fresh profile (empty HTTP cache, no service worker).
    const page = await context.newPage();
    const firstTransfers = await recordNetwork(context, page);
    proxy.reset();
    await page.goto(`${origin}/r/${uniqueId('weight')}`, { waitUntil: 'networkidle' });
    await page.getByRole('button', { name: 'Join', exact: true }).waitFor();
    const pageBytesAtLoad = proxy.bytes();
    // The service worker installs (precaching the shell) and activates in the background.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await sleep(1500);
    const first = firstTransfers().filter(overNetwork);
    const firstTotalServerBytes = proxy.bytes();
    const firstServerLog = proxy.requests();
    await page.close();

    // Repeat visit: same profile, a new tab on another call link, served by the service worker.
    const again = await context.newPage();
    const repeatTransfers = await recordNetwork(context, again);
    proxy.reset();
    await again.goto(`${origin}/r/${uniqueId('weight')}`, { waitUntil: 'networkidle' });
    await again.getByRole('button', { name: 'Join', exact: true }).waitFor();
    const controlled = await again.evaluate(() => !!navigator.serviceWorker.controller);
    const repeatAtLoad = proxy.bytes();
    await sleep(3000); // a service worker update check, if any, comes after the navigation
    const repeatAll = repeatTransfers();
    const repeatNetwork = repeatAll.filter(overNetwork);
    const repeatTotalServerBytes = proxy.bytes();
    const repeatServerLog = proxy.requests();
    await again.close();

    const bodies = new Map<string, Buffer | undefined>();
    for (const t of [...first, ...repeatAll]) if (!bodies.has(t.path)) bodies.set(t.path, await bodyOf(t.path));
    const firstRows = byKind(first, bodies);
    const firstSum = firstRows.reduce(
      (a, r) => ({
        requests: a.requests + r.requests,
        transferred: a.transferred + r.transferred,
        bodiesOnWire: a.bodiesOnWire + r.bodiesOnWire,
        body: a.body + r.body,
        gzip: a.gzip + r.gzip,
        brotli: a.brotli + r.brotli,
      }),
      { requests: 0, transferred: 0, bodiesOnWire: 0, body: 0, gzip: 0, brotli: 0 },
    );
    const js = firstRows.find((r) => r.kind === 'JavaScript')!;
    const jsEncodings = [...new Set(first.filter((t) => kindOf(t) === 'JavaScript').map((t) => t.contentEncoding ?? 'none'))];
    const libs = await librariesAlone();

    heading('First visit to /r/<id> (fresh profile)');
    console.log(
      table(
        ['', 'requests', 'on the wire (headers + bodies)', 'bodies as served', 'uncompressed', 'if gzip -9', 'if brotli 11'],
        [...firstRows, { kind: 'total', ...firstSum }].map((r) => [
          r.kind,
          r.requests,
          bytes(r.transferred),
          bytes(r.bodiesOnWire),
          bytes(r.body),
          bytes(r.gzip),
          bytes(r.brotli),
        ]),
      ),
    );
    console.log(`\nJavaScript is served with content-encoding: ${jsEncodings.join(', ')}.`);
    const swBytes = firstTotalServerBytes - firstSum.transferred;
    const seen = new Set<string>();
    let duplicateBytes = 0;
    const duplicatePaths = new Set<string>();
    for (const r of firstServerLog) {
      const key = r.path.replace(/\/r\/[^?]*/, '/index.html');
      if (seen.has(key)) {
        duplicateBytes += r.bytes;
        duplicatePaths.add(key);
      }
      seen.add(key);
    }
    console.log(
      `The server sent ${bytes(firstTotalServerBytes)} in all: ${bytes(firstSum.transferred)} to the page, ${bytes(swBytes)} to the service worker ` +
        `(sw.js and its precache, in the background). ${bytes(duplicateBytes)} of it answered a second request for the same file (${[...duplicatePaths].join(', ')}).`,
    );
    console.log('\nResponses the page received:');
    console.log(
      table(
        ['path', 'type', 'transferred', 'encoding'],
        first.map((t) => [t.path.replace(/\/r\/.*/, '/r/<id>'), t.type, `${t.encodedDataLength} B`, t.contentEncoding ?? 'none']),
      ),
    );
    console.log('\nEvery request the server answered (page and service worker, seen by the proxy):');
    console.log(
      table(
        ['request', 'response bytes'],
        firstServerLog.map((r) => [`${r.method} ${r.path.replace(/\/r\/[^?]*/, '/r/<id>')}`, r.bytes]),
      ),
    );

    heading('Repeat visit (same profile, service worker in control)');
    console.log(
      table(
        ['path', 'type', 'from service worker', 'over the network'],
        repeatAll.map((t) => [
          t.path.replace(/\/r\/.*/, '/r/<id>'),
          t.type,
          t.fromServiceWorker ? 'yes' : 'no',
          overNetwork(t) ? `${t.encodedDataLength} B` : '0 B',
        ]),
      ),
    );
    console.log(
      `\nControlled by the service worker: ${controlled}. Page responses over the network: ${repeatNetwork.length} (${repeatNetwork.reduce((a, t) => a + t.encodedDataLength, 0)} B).`,
    );
    console.log(
      `Bytes the server sent during the repeat visit: ${repeatAtLoad} B until ready, ${repeatTotalServerBytes} B within 3 s after.`,
    );
    if (repeatServerLog.length) {
      console.log(
        table(
          ['request during the repeat visit', 'response bytes'],
          repeatServerLog.map((r) => [`${r.method} ${r.path.replace(/\/r\/[^?]*/, '/r/<id>')}`, r.bytes]),
        ),
      );
    }

    heading('Libraries alone (lit + peerjs + socket.io-client, esbuild --minify, ESM)');
    console.log(
      table(
        ['', 'raw', 'gzip -9', 'brotli 11'],
        [
          ['libraries alone', kib(libs.raw), kib(libs.gzip), kib(libs.brotli)],
          ['our first-visit JavaScript', kib(js.body), kib(js.gzip), kib(js.brotli)],
          ['ours − libraries', kib(js.body - libs.raw), kib(js.gzip - libs.gzip), kib(js.brotli - libs.brotli)],
        ],
      ),
    );

    const targets = {
      /** Compressed JavaScript bodies as served, against 60 kB (60,000 B, the stricter reading). */
      firstVisitJsLe60KB: js.bodiesOnWire <= 60_000,
      /** The same with the HTTP headers counted, against 60 KiB (61,440 B). */
      firstVisitJsWithHeadersLe60KiB: js.transferred <= 60 * 1024,
      firstVisitJsLe60KBIfBrotli: js.brotli <= 60_000,
      firstVisitJsLe60KBIfGzip: js.gzip <= 60_000,
      repeatVisitZeroShellBytes: repeatNetwork.length === 0,
    };
    heading('Targets');
    console.log(
      table(
        ['target', 'measured', 'verdict'],
        [
          [
            'first-visit JavaScript ≤ 60 KB compressed: bodies as served, vs 60,000 B',
            bytes(js.bodiesOnWire),
            verdict(targets.firstVisitJsLe60KB),
          ],
          ['  … headers included, vs 60 KiB (61,440 B)', bytes(js.transferred), verdict(targets.firstVisitJsWithHeadersLe60KiB)],
          ['  … bodies if served with gzip -9, vs 60,000 B', bytes(js.gzip), verdict(targets.firstVisitJsLe60KBIfGzip)],
          ['  … bodies if served with brotli 11, vs 60,000 B', bytes(js.brotli), verdict(targets.firstVisitJsLe60KBIfBrotli)],
          [
            'repeat visit: 0 network bytes for the shell',
            `${repeatNetwork.reduce((a, t) => a + t.encodedDataLength, 0)} B in ${repeatNetwork.length} responses`,
            verdict(targets.repeatVisitZeroShellBytes),
          ],
        ],
      ),
    );

    const file = await writeResult('client-weight', {
      quiet,
      firstVisit: {
        byKind: firstRows,
        total: firstSum,
        jsContentEncoding: jsEncodings,
        serverBytesUntilReady: pageBytesAtLoad,
        serverBytesWithPrecache: firstTotalServerBytes,
        serviceWorkerBytes: swBytes,
        duplicateBytes,
        duplicatePaths: [...duplicatePaths],
        responses: first,
        serverLog: firstServerLog,
      },
      repeatVisit: {
        controlled,
        responses: repeatAll,
        networkResponses: repeatNetwork,
        serverBytesUntilReady: repeatAtLoad,
        serverBytesWithin3s: repeatTotalServerBytes,
        serverLog: repeatServerLog,
      },
      librariesAlone: libs,
      targets,
    });
    console.log(`\nwrote ${file}`);
  } finally {
    await profile.close();
    await proxy.close();
    await server.close();
  }
});
