/**
 * Builds the web app into dist/web: esbuild bundles (minified, split so the app and the
 * embeddable call-room.js share one copy of Lit/PeerJS/Socket.IO), static files, then the
 * service worker with workbox-build's precache manifest injected. Prints the JS weight.
 */
import { build, type Metafile } from 'esbuild';
import { injectManifest } from 'workbox-build';
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';

const OUT = 'dist/web';

async function main() {
  await rm(OUT, { recursive: true, force: true });
  await mkdir(OUT, { recursive: true });

  const { metafile } = await build({
    entryPoints: { app: 'web/main.ts', 'call-room': 'web/embed.ts' },
    outdir: OUT,
    bundle: true,
    splitting: true,
    format: 'esm',
    minify: true,
    target: 'es2022',
    chunkNames: 'chunks/[name]-[hash]',
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    // PeerJS reads only the browser's name from webrtc-adapter: see web/rtc/webrtc-adapter-lite.ts.
    alias: { 'webrtc-adapter': './web/rtc/webrtc-adapter-lite.ts' },
  });

  await writeFile(`${OUT}/index.html`, withModulePreloads(await readFile('web/index.html', 'utf8'), metafile));
  await cp('web/app.css', `${OUT}/app.css`);
  await cp('manifest.webmanifest', `${OUT}/manifest.webmanifest`);
  await cp('web/public', OUT, { recursive: true });

  await build({
    entryPoints: ['sw/sw.ts'],
    outfile: 'dist/sw-src.js',
    bundle: true,
    format: 'iife',
    minify: true,
    target: 'es2022',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  const { count, size, warnings } = await injectManifest({
    swSrc: 'dist/sw-src.js',
    swDest: `${OUT}/sw.js`,
    globDirectory: OUT,
    globPatterns: ['index.html', 'app.css', 'manifest.webmanifest', '*.js', 'chunks/*.js', 'icons/*.png'],
    globIgnores: ['sw.js'],
    // Chunks are named by content hash and served immutable: the HTTP cache copy from the first
    // page load is the right one, so precaching need not fetch them a second time.
    dontCacheBustURLsMatching: /-[A-Z0-9]{8}\.js$/,
  });
  if (warnings.length) throw new Error(`workbox: ${warnings.join('\n')}`);
  console.log(`service worker precaches ${count} files (${(size / 1024).toFixed(1)} KiB)`);

  await precompress();
  await reportWeight();
}

/**
 * The app shell names every chunk app.js imports statically, directly or through another chunk,
 * as a modulepreload: the browser fetches them alongside app.js instead of after parsing it.
 * Chunks a screen imports on demand (the home screen, ringing, the call stage) are not named.
 */
function withModulePreloads(html: string, metafile: Metafile): string {
  const chunks = new Set<string>();
  const visit = (output: string) => {
    for (const { path: imported, kind } of metafile.outputs[output]?.imports ?? []) {
      if (kind !== 'import-statement' || chunks.has(imported)) continue;
      chunks.add(imported);
      visit(imported);
    }
  };
  visit(`${OUT}/app.js`);
  const links = [...chunks].map((chunk) => `<link rel="modulepreload" href="/${path.relative(OUT, chunk)}" />`).join('\n    ');
  const entry = '<script type="module" src="/app.js"></script>';
  if (!html.includes(entry)) throw new Error('web/index.html no longer loads /app.js as expected');
  return html.replace(entry, `${links}\n    ${entry}`);
}

/** Brotli and gzip copies beside each text asset; the server sends the one the browser accepts. */
async function precompress() {
  for (const file of await listFiles(OUT)) {
    if (!/\.(js|css|html|webmanifest)$/.test(file)) continue;
    const data = await readFile(file);
    await writeFile(`${file}.br`, brotliCompressSync(data, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } }));
    await writeFile(`${file}.gz`, gzipSync(data, { level: 9 }));
  }
}

async function reportWeight() {
  const files = (await listFiles(OUT)).filter((f) => f.endsWith('.js'));
  let raw = 0;
  let gz = 0;
  let br = 0;
  for (const file of files) {
    if (file.endsWith('sw.js')) continue;
    const data = await readFile(file);
    raw += data.length;
    gz += gzipSync(data, { level: 9 }).length;
    br += brotliCompressSync(data).length;
  }
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`web JS (app + call-room.js + chunks): ${kb(raw)} raw, ${kb(gz)} gzip, ${kb(br)} brotli`);
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir)) {
    const full = path.join(dir, entry);
    if ((await stat(full)).isDirectory()) out.push(...(await listFiles(full)));
    else out.push(full);
  }
  return out;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
