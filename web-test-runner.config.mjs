// Component tests: web/**/*.test.ts in real headless Chromium (Debian's, never a downloaded one),
// with a fake camera and microphone. Run with `npm run test:web` or `npx web-test-runner`.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { a11ySnapshotPlugin } from '@web/test-runner-commands/plugins';

/**
 * Lit prints this once per page in dev mode (the dev server resolves the "development" export
 * condition). It is the only warning a test page may print.
 */
const DEV_MODE_NOTICE = 'Lit is in dev mode';

/**
 * Runs first on every test page, before Lit or any test module loads, so warnings printed while
 * modules load ("Multiple versions of Lit loaded", class-field shadowing, ...) are caught too.
 * Every console.warn other than the dev-mode notice is kept in window.__unexpectedWarnings.
 */
const collectWarnings = `<script>
  (() => {
    const unexpected = (window.__unexpectedWarnings = []);
    const warn = console.warn;
    console.warn = function (...args) {
      const text = args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
      if (!text.includes(${JSON.stringify(DEV_MODE_NOTICE)})) unexpected.push(text);
      return warn.apply(this, args);
    };
  })();
</script>`;

/**
 * Appended to every test file (after its own code, so line numbers stay right), as root-level
 * mocha hooks that apply to all of the file's tests:
 *
 * - `after`: fails the file, and so the run (exit code 1), if any unexpected warning was printed,
 *   quoting it.
 * - `afterEach`: keeps a failed assertion about a DOM node or a MediaStream a failure instead of a
 *   hang. The runner sends each error's `actual`/`expected` through structuredClone, which throws
 *   on such objects, and the page then never reports back (modernweb-dev/web#2802, #2772; still so
 *   in @web/dev-server-core 0.7.5). The assertion's message already describes both values.
 */
const testFileEpilogue = `
afterEach(function () {
  const error = this.currentTest && this.currentTest.err;
  if (!error) return;
  for (const key of ['actual', 'expected']) {
    try {
      structuredClone(error[key]);
    } catch {
      delete error[key];
    }
  }
});
after('no console warnings other than "${DEV_MODE_NOTICE}"', () => {
  const warnings = window.__unexpectedWarnings ?? [];
  if (warnings.length) throw new Error('Unexpected console warnings:\\n- ' + warnings.join('\\n- '));
});
`;

const testFileChecks = {
  name: 'test-file-checks',
  transform(context) {
    if (!context.path.endsWith('.test.ts')) return undefined;
    return { body: `${context.body}\n${testFileEpilogue}` };
  },
};

/**
 * peerjs imports webrtc-adapter, which does `import SDPUtils from 'sdp'`; but `sdp` is CommonJS
 * only (`module.exports = SDPUtils`). The app's esbuild bundle converts it; the test server
 * serves files as they are, so give that one file an ES default export. (@rollup/plugin-commonjs
 * through @web/dev-server-rollup only works up to v18, which wants rollup 2: modernweb-dev/web#1700.)
 */
const sdpAsModule = {
  name: 'sdp-as-es-module',
  transform(context) {
    if (!context.path.endsWith('/node_modules/sdp/sdp.js')) return undefined;
    return { body: `const module = { exports: {} };\n${context.body}\nexport default module.exports;\n` };
  },
};

/**
 * Under the "development" export condition (kept for Lit's dev mode) socket.io-parser resolves to
 * its debug build, which imports the CommonJS-only `debug`. The app's bundle, built without that
 * condition, gets the plain ES build; so do the tests.
 */
const socketIoParserWithoutDebug = {
  name: 'socket.io-parser-without-debug',
  transformImport({ source }) {
    if (!source.includes('/socket.io-parser/build/esm-debug/')) return undefined;
    return source.replace('/socket.io-parser/build/esm-debug/', '/socket.io-parser/build/esm/');
  },
};

export default {
  files: ['web/**/*.test.ts'],
  // As the app's esbuild bundle (platform: browser): honour package.json "browser" fields, so
  // engine.io-client (socket.io-client) gets its browser WebSocket transport, not Node's `ws`.
  // Export conditions stay the dev server's default, ['development'] (Lit in dev mode).
  nodeResolve: { browser: true },
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: './web/tsconfig.json' }),
    sdpAsModule,
    socketIoParserWithoutDebug,
    // a11ySnapshot(): Chromium's own accessibility tree (roles, names, pressed), for the tests.
    a11ySnapshotPlugin(),
    testFileChecks,
  ],
  // The dev-mode notice on every page is noise; every other browser log is shown.
  filterBrowserLogs: ({ args }) => !(typeof args[0] === 'string' && args[0].includes(DEV_MODE_NOTICE)),
  testRunnerHtml: (testFramework) =>
    `<!DOCTYPE html><html><head>${collectWarnings}</head><body><script type="module" src="${testFramework}"></script></body></html>`,
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--no-first-run',
          '--use-fake-device-for-media-stream',
          '--use-fake-ui-for-media-stream',
        ],
      },
    }),
  ],
  // Two cores: one page at a time keeps camera start-up and timings steady.
  concurrency: 1,
  concurrentBrowsers: 1,
  testFramework: { config: { timeout: 10_000 } },
  browserStartTimeout: 60_000,
  testsStartTimeout: 60_000,
  testsFinishTimeout: 120_000,
};
