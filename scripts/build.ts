/**
 * Builds the web app into dist/web: esbuild bundles (minified, split so the app and the
 * embeddable call-room.js share one copy of Lit/PeerJS/Socket.IO), static files, then the
 * service worker with workbox-build's precache manifest injected; call-room.d.ts for pages that
 * embed the element. Prints the JS weight, and fails when a call link's first visit would load
 * more than FIRST_VISIT_BUDGET bytes of Brotli-compressed JavaScript.
 */
import { build, type Metafile } from 'esbuild';
import { injectManifest } from 'workbox-build';
import { spawnSync } from 'node:child_process';
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { checkTranslations } from './check-translations.js';
import { writePseudoLocale } from './pseudo-locale.js';
import path from 'node:path';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';

/** Where the web app goes: dist/web, or CALLROOM_WEB_OUT (the update test builds two versions). */
const OUT = process.env.CALLROOM_WEB_OUT ?? 'dist/web';
/** What this build calls itself, in the shell's <meta name="callroom-version">. */
const VERSION = process.env.CALLROOM_VERSION ?? JSON.parse(await readFile('package.json', 'utf8')).version;
/** A call link's first visit: app.js and every chunk it imports statically, Brotli-compressed. */
const FIRST_VISIT_BUDGET = 60_000;

async function main() {
  await localize();
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

  const shell = (await readFile('web/index.html', 'utf8')).replace(
    '<meta charset="utf-8" />',
    `<meta charset="utf-8" />\n    <meta name="callroom-version" content="${VERSION}" />`,
  );
  await writeFile(`${OUT}/index.html`, withModulePreloads(shell, metafile));
  await writeFile(`${OUT}/call-room.d.ts`, await declarations());
  await elementsManifest();
  await cp('web/app.css', `${OUT}/app.css`);
  await cp('manifest.webmanifest', `${OUT}/manifest.webmanifest`);
  await cp('web/public', OUT, { recursive: true });

  await build({
    entryPoints: ['sw/sw.ts'],
    outfile: `${OUT}-sw-src.js`,
    bundle: true,
    format: 'iife',
    minify: true,
    target: 'es2022',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  const { count, size, warnings } = await injectManifest({
    swSrc: `${OUT}-sw-src.js`,
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
  await reportWeight(metafile);
}

/**
 * The locales: every message translated in web/i18n/xliff (else the build fails, naming what is
 * missing), then web/i18n/generated built from them by lit-localize (committed, so the type check
 * before a build sees them; .ci/run fails if a build changes them).
 */
async function localize() {
  writePseudoLocale();
  const problems = checkTranslations();
  if (problems.length) throw new Error(`translations missing:\n${problems.join('\n')}`);
  // A message in the code that was never extracted would show in English in every locale.
  const result = spawnSync(process.execPath, ['node_modules/@lit/localize-tools/bin/lit-localize.js', 'build'], { encoding: 'utf8' });
  const said = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) throw new Error(`lit-localize build failed:\n${said}`);
  const missing = said.split('\n').filter((line) => /is missing/.test(line));
  if (missing.length) throw new Error(`messages not extracted yet (npm run i18n:extract, then translate them):\n${missing.join('\n')}`);
}

/**
 * custom-elements.json beside call-room.js (for editors and documentation tools), from the
 * components' JSDoc by @custom-elements-manifest/analyzer with its Lit plugin. Called as a
 * library: its command line writes relative to the working directory whatever the path, and
 * adds a field to package.json.
 */
async function elementsManifest() {
  // Its type declarations do not name these two (the plugin has none): typed here.
  const { create, ts } = (await import('@custom-elements-manifest/analyzer/index.js' as string)) as {
    create(options: { modules: unknown[]; plugins: unknown[]; context: object }): unknown;
    ts: typeof import('typescript');
  };
  const { litPlugin } = (await import('@custom-elements-manifest/analyzer/src/features/framework-plugins/lit/lit.js' as string)) as {
    litPlugin: () => unknown[];
  };
  const components = ['web/components/call-room.ts', 'web/components/video-tile.ts', 'web/components/media-controls.ts'];
  const modules = await Promise.all(
    components.map(async (file) => ts.createSourceFile(file, await readFile(file, 'utf8'), ts.ScriptTarget.ES2015, true)),
  );
  const manifest = create({ modules, plugins: litPlugin(), context: { dev: false } });
  await writeFile(`${OUT}/custom-elements.json`, `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * The element's public types for embedding pages: web/api/types.ts (types only, no imports, so
 * already a declaration file) and the global declarations that make the tag and its events
 * known to a page's TypeScript.
 */
async function declarations(): Promise<string> {
  const types = await readFile('web/api/types.ts', 'utf8');
  if (/^import /m.test(types)) throw new Error('web/api/types.ts must stay free of imports: it is shipped as call-room.d.ts');
  return `${types}
declare global {
  interface HTMLElementTagNameMap {
    'call-room': CallRoomElement;
  }
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends CallRoomEventMap {}
  // They bubble and are composed: a listener on the document sees them too.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DocumentEventMap extends CallRoomEventMap {}
}
`;
}

/**
 * The app shell names every chunk app.js imports statically, directly or through another chunk,
 * as a modulepreload: the browser fetches them alongside app.js instead of after parsing it.
 * Chunks a screen imports on demand (the home screen, ringing, the call stage) are not named.
 */
function withModulePreloads(html: string, metafile: Metafile): string {
  const links = staticImports(metafile)
    .map((chunk) => `<link rel="modulepreload" href="/${path.relative(OUT, chunk)}" />`)
    .join('\n    ');
  const entry = '<script type="module" src="/app.js"></script>';
  if (!html.includes(entry)) throw new Error('web/index.html no longer loads /app.js as expected');
  return html.replace(entry, `${links}\n    ${entry}`);
}

/** Every chunk app.js imports statically, directly or through another chunk. */
function staticImports(metafile: Metafile): string[] {
  const chunks = new Set<string>();
  const visit = (output: string) => {
    for (const { path: imported, kind } of metafile.outputs[output]?.imports ?? []) {
      if (kind !== 'import-statement' || chunks.has(imported)) continue;
      chunks.add(imported);
      visit(imported);
    }
  };
  visit(`${OUT}/app.js`);
  return [...chunks];
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

async function reportWeight(metafile: Metafile) {
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

  // What a call link's first visit loads: app.js and its modulepreloads, as the server sends them.
  const firstVisit = [`${OUT}/app.js`, ...staticImports(metafile)];
  let bytes = 0;
  for (const file of firstVisit) bytes += (await stat(`${file}.br`)).size;
  console.log(
    `first visit (a call link): ${bytes.toLocaleString('en')} B of JavaScript, Brotli, in ${firstVisit.length} files (budget ${FIRST_VISIT_BUDGET.toLocaleString('en')} B)`,
  );
  if (bytes > FIRST_VISIT_BUDGET) throw new Error(`the first visit is over its budget: load what a screen needs on demand`);
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
