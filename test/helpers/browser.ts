/** Real headless Chromium (Debian's) with a synthetic camera and microphone, via playwright-core. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROME_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  // Three or four tabs share two cores: keep background tabs from being throttled.
  '--disable-renderer-backgrounding',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
];

/** A browser with a real (non-incognito) profile in a fresh temporary folder. */
export async function launchPersistent(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'callroom-profile-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/** Records every RTCPeerConnection a page makes, so tests can read its stats. */
const RECORD_PEER_CONNECTIONS = `(() => {
  const Native = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = function (...args) {
    const pc = new Native(...args);
    window.__pcs.push(pc);
    return pc;
  };
  window.RTCPeerConnection.prototype = Native.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, Native);
  // How many descriptions each connection applied: a call sets one, a renegotiation more.
  const setRemote = Native.prototype.setRemoteDescription;
  Native.prototype.setRemoteDescription = function (...args) {
    this.__remoteDescriptions = (this.__remoteDescriptions || 0) + 1;
    return setRemote.apply(this, args);
  };
})();`;

const RECORD_CSP_VIOLATIONS = `(() => {
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
})();`;

/** What the Content-Security-Policy blocked on this page (should be nothing). */
export function cspViolations(p: Participant): Promise<string[]> {
  return p.page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
}

/** Makes the camera take `ms` to start, like a slow USB webcam. */
const slowCamera = (ms: number) => `(() => {
  const media = navigator.mediaDevices;
  const original = media.getUserMedia.bind(media);
  media.getUserMedia = async (constraints) => {
    if (constraints && constraints.video) await new Promise((r) => setTimeout(r, ${ms}));
    return original(constraints);
  };
})();`;

export interface Participant {
  name: string;
  context: BrowserContext;
  page: Page;
}

export interface OpenOptions {
  name: string;
  viewport?: { width: number; height: number };
  cameraDelayMs?: number;
  /** Extra init script (runs before the page's own scripts). */
  initScript?: string;
  /** The browser's language (navigator.languages), e.g. 'zh-CN'. */
  locale?: string;
}

export async function openCall(browser: Browser, url: string, options: OpenOptions): Promise<Participant> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 640, height: 480 }, locale: options.locale });
  await context.addInitScript(RECORD_PEER_CONNECTIONS);
  await context.addInitScript(RECORD_CSP_VIOLATIONS);
  if (options.cameraDelayMs) await context.addInitScript(slowCamera(options.cameraDelayMs));
  if (options.initScript) await context.addInitScript(options.initScript);
  const page = await context.newPage();
  const separator = url.includes('?') ? '&' : '?';
  await page.goto(`${url}${separator}name=${encodeURIComponent(options.name)}`);
  return { name: options.name, context, page };
}

export async function clickJoin(p: Participant): Promise<void> {
  await p.page.getByRole('button', { name: 'Join', exact: true }).click();
}

/** True when `p` decodes new frames from each of its `n` connections within a short window. */
export async function mediaFlowing(p: Participant, n: number): Promise<boolean> {
  const before = await decodedFrames(p);
  await new Promise((r) => setTimeout(r, 600));
  const after = await decodedFrames(p);
  return after.length === n && before.length === n && after.every((f, i) => f > before[i]!);
}

/** Remote tiles shown in the grid (the own tile has no peer id). */
export function remoteTiles(p: Participant) {
  return p.page.locator('call-room video-tile[data-peer-id]');
}

/** Names on the remote tiles, sorted. */
export async function remoteNames(p: Participant): Promise<string[]> {
  const names = await remoteTiles(p).evaluateAll((tiles) => tiles.map((t) => (t as HTMLElement & { name: string }).name));
  return names.sort();
}

/** For each connected peer connection: the sum of one inbound-rtp counter over its `kind` streams. */
async function inboundCounts(p: Participant, kind: 'audio' | 'video', counter: 'framesDecoded' | 'packetsReceived'): Promise<number[]> {
  return p.page.evaluate(
    async ([kind, counter]) => {
      const pcs = ((window as unknown as { __pcs: RTCPeerConnection[] }).__pcs ?? []).filter((pc) => pc.connectionState === 'connected');
      const counts: number[] = [];
      for (const pc of pcs) {
        const stats = await pc.getStats();
        let total = 0;
        stats.forEach((s) => {
          if (s.type === 'inbound-rtp' && s.kind === kind) total += s[counter] ?? 0;
        });
        counts.push(total);
      }
      return counts;
    },
    [kind, counter] as const,
  );
}

/** The remote descriptions each of the page's connections applied, closed ones included (0: never used for a call). */
export const remoteDescriptions = (p: Participant): Promise<number[]> =>
  p.page.evaluate(() =>
    (window as unknown as { __pcs: Array<{ __remoteDescriptions?: number }> }).__pcs.map((pc) => pc.__remoteDescriptions ?? 0),
  );

/** For each connected peer connection: frames of video decoded so far. */
export const decodedFrames = (p: Participant): Promise<number[]> => inboundCounts(p, 'video', 'framesDecoded');

/** True when `p` receives more audio from each connection within a short window: it hears them. */
export async function hearing(p: Participant): Promise<boolean> {
  const before = await inboundCounts(p, 'audio', 'packetsReceived');
  await new Promise((r) => setTimeout(r, 600));
  const after = await inboundCounts(p, 'audio', 'packetsReceived');
  return after.length > 0 && after.length === before.length && after.every((n, i) => n > before[i]!);
}

/** Each remote tile's <video> has real frames (its width is known and it is playing). */
export async function remoteVideosPlaying(p: Participant): Promise<boolean[]> {
  return remoteTiles(p).evaluateAll((tiles) =>
    tiles.map((tile) => {
      const video = tile.shadowRoot?.querySelector('video');
      return !!video && video.videoWidth > 0 && !video.paused && !video.hidden;
    }),
  );
}

/** Sends a chat message through the chat panel (opening it if it is closed). */
export async function sendChat(p: Participant, text: string): Promise<void> {
  const chatOpen = await p.page.locator('chat-panel').isVisible();
  if (!chatOpen) await p.page.getByRole('button', { name: /^Chat/ }).click();
  await p.page.getByRole('textbox', { name: 'Message' }).fill(text);
  await p.page.getByRole('textbox', { name: 'Message' }).press('Enter');
}

/** The texts of the chat messages `p` sees, oldest first. */
export const chatTexts = (p: Participant): Promise<string[]> =>
  p.page.locator('chat-panel li .text').evaluateAll((nodes) => nodes.map((n) => n.textContent ?? ''));

/** Polls `check` until it returns true (or throws the last failure after `ms`). */
export async function eventually(check: () => Promise<boolean> | boolean, ms = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Every local track the page still holds is ended (camera light off). */
export async function localTracksEnded(p: Participant): Promise<{ live: number; total: number }> {
  return p.page.evaluate(() => (window as unknown as { __trackReport: () => { live: number; total: number } }).__trackReport());
}

/** Records every track getUserMedia hands out, so a test can check they all end on hang-up. */
export const RECORD_LOCAL_TRACKS = `(() => {
  const tracks = [];
  const media = navigator.mediaDevices;
  const original = media.getUserMedia.bind(media);
  media.getUserMedia = async (constraints) => {
    const stream = await original(constraints);
    tracks.push(...stream.getTracks());
    return stream;
  };
  window.__trackReport = () => ({ live: tracks.filter((t) => t.readyState === 'live').length, total: tracks.length });
})();`;
