/**
 * The safety code of a connection: a short code from the two DTLS certificate fingerprints the
 * connection actually uses (ours, and the one the other side presented), so two people can
 * check, out loud, that nobody sits in the middle. The media is encrypted with keys negotiated
 * against those certificates; the fingerprints travel through the signaling server, so a server
 * that lies could put itself in between, each side then seeing a different remote fingerprint,
 * and so a different code.
 *
 * The code: the two fingerprints in a canonical order (sorted), SHA-256 of "a|b", shown as five
 * groups of five digits and as five emoji. Both sides compute the same code; a relay that
 * terminates DTLS on each side gives each side a different one.
 */

/** 64 emoji, each easy to name out loud; 6 bits each. */
const EMOJI = [
  ...'🐶🐱🐭🐹🐰🦊🐻🐼🐨🐯🦁🐮🐷🐸🐵🐔🐧🐦🦆🦉🐴🦄🐝🐛🦋🐌🐞🐢🐍🐙🦀🐬🐳🦈🐘🦒🌵🌲🌻🍄🌙⭐🔥🌈⚡🍎🍌🍇🍓🍒🍍🥕🌽🍞🧀🍕🎈🎁⚽🎸🚲🚀⛵🔑',
];
if (EMOJI.length !== 64) throw new Error(`safety code: ${EMOJI.length} emoji, not 64`);

export interface SafetyCode {
  /** Five groups of five digits: "12345 67890 …". */
  digits: string;
  /** Five emoji. */
  emoji: string;
}

/** A fingerprint as the stats give it ("AB:CD:…"), normalised: upper case, no spaces. */
const normalise = (fingerprint: string) => fingerprint.trim().toUpperCase().replace(/\s+/g, '');

export async function safetyCode(fingerprintA: string, fingerprintB: string): Promise<SafetyCode> {
  const [first, second] = [normalise(fingerprintA), normalise(fingerprintB)].sort();
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${first}|${second}`)));
  const groups: string[] = [];
  for (let i = 0; i < 5; i++) {
    // Four bytes per group, as a number below 2^32, taken to five digits.
    const value = ((hash[i * 4]! << 24) | (hash[i * 4 + 1]! << 16) | (hash[i * 4 + 2]! << 8) | hash[i * 4 + 3]!) >>> 0;
    groups.push(String(value % 100_000).padStart(5, '0'));
  }
  const emoji = [20, 21, 22, 23, 24].map((i) => EMOJI[hash[i]! & 63]).join('');
  return { digits: groups.join(' '), emoji };
}

/** The two fingerprints a connection uses now (from its selected transport), if it is connected. */
export async function connectionFingerprints(pc: RTCPeerConnection): Promise<{ local: string; remote: string } | undefined> {
  const stats = await pc.getStats();
  let local: string | undefined;
  let remote: string | undefined;
  stats.forEach((s) => {
    if (s.type === 'transport' && s.localCertificateId && s.remoteCertificateId) {
      local = stats.get(s.localCertificateId)?.fingerprint;
      remote = stats.get(s.remoteCertificateId)?.fingerprint;
    }
  });
  return local && remote ? { local, remote } : undefined;
}

const VERIFIED_KEY = 'callroom:verified';

function verifiedPairs(): Set<string> {
  try {
    return new Set(JSON.parse(localStorage.getItem(VERIFIED_KEY) ?? '[]') as string[]);
  } catch {
    return new Set();
  }
}

/** Whether this person marked this pair of certificates ("ours|theirs") verified on this device. */
export function isVerified(pair: string): boolean {
  return verifiedPairs().has(pair);
}

export function setVerified(pair: string, verified: boolean): void {
  const pairs = verifiedPairs();
  if (verified) pairs.add(pair);
  else pairs.delete(pair);
  try {
    // The most recent 500 are kept.
    localStorage.setItem(VERIFIED_KEY, JSON.stringify([...pairs].slice(-500)));
  } catch {
    // Not kept (storage blocked): verified for this call only.
  }
}
