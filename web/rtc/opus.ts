/**
 * Opus as a call wants it: in-band forward error correction (a lost packet is rebuilt from the
 * next one) and discontinuous transmission (silence costs almost nothing). Both are Opus format
 * parameters (RFC 7587) that a receiver states in its own description and the other side's
 * encoder follows, so every description we make states them.
 */
const WANTED = ['useinbandfec=1', 'usedtx=1'];

/** `sdp` with FEC and DTX asked for on every Opus payload type. */
export function tuneOpus(sdp: string): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(eol);
  const opus = new Set<string>();
  for (const line of lines) {
    const match = /^a=rtpmap:(\d+) opus\/48000/i.exec(line);
    if (match) opus.add(match[1]!);
  }
  const out: string[] = [];
  const tuned = new Set<string>();
  for (const line of lines) {
    const fmtp = /^a=fmtp:(\d+) (.*)$/.exec(line);
    if (fmtp && opus.has(fmtp[1]!)) {
      const params = fmtp[2]!.split(';').filter((p) => p && !WANTED.some((w) => p.split('=')[0] === w.split('=')[0]));
      out.push(`a=fmtp:${fmtp[1]} ${[...params, ...WANTED].join(';')}`);
      tuned.add(fmtp[1]!);
      continue;
    }
    out.push(line);
  }
  // An Opus payload type without format parameters gets a line of its own, after its rtpmap.
  for (const pt of opus) {
    if (tuned.has(pt)) continue;
    const at = out.findIndex((l) => new RegExp(`^a=rtpmap:${pt} `).test(l));
    out.splice(at + 1, 0, `a=fmtp:${pt} ${WANTED.join(';')}`);
  }
  return out.join(eol);
}
