/**
 * Stands in for `webrtc-adapter` in the app's bundle (scripts/build.ts aliases it here).
 *
 * PeerJS imports webrtc-adapter only to read `browserDetails` (its `util.supports.browser`,
 * which nothing in PeerJS acts on) and, through the import, applies the adapter's shims for
 * older browsers. Every browser the app supports has the standard API those shims provide
 * (unified plan, promise-based getUserMedia, `track` events, `connectionState`), and the
 * adapter with its SDP parser was a fifth of a first visit's JavaScript. This keeps the one
 * thing PeerJS reads: the browser's name and major version, as the adapter reports them.
 */
function detect(): { browser: string; version: number | null } {
  const ua = typeof navigator === 'undefined' ? '' : navigator.userAgent;
  const match =
    /Firefox\/(\d+)/.exec(ua) ??
    /Chrom(?:e|ium)\/(\d+)/.exec(ua) ??
    (/Version\/\d+.*Safari\//.test(ua) ? /AppleWebKit\/(\d+)/.exec(ua) : null);
  if (!match) return { browser: 'Not a supported browser.', version: null };
  const browser = match[0].startsWith('Firefox') ? 'firefox' : match[0].startsWith('Chrom') ? 'chrome' : 'safari';
  return { browser, version: Number(match[1]) };
}

export default { browserDetails: detect() };
