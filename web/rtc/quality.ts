/**
 * How good each connection is, from `getStats` every 2 s: round-trip time, packet loss, jitter,
 * frames per second, frozen video, and the route (host, srflx or relay). And one's own uplink:
 * "unstable" when the encoder is held back by bandwidth or the others report losing our packets.
 *
 * One's uplink counts as unstable only after a connection's first 10 s (a new connection's
 * bandwidth estimate starts low and ramps up, and is "bandwidth"-limited meanwhile even on a
 * perfect network) and for two readings in a row.
 *
 * The levels (`assess`), written down:
 * - **poor**: loss ≥ 10 %, or RTT ≥ 600 ms, or jitter ≥ 100 ms, or the camera is on but fewer
 *   than 5 frames a second arrive (frozen, or nearly).
 * - **good**: loss < 5 %, RTT < 300 ms, jitter < 30 ms, and (camera on) at least 15 frames a second.
 * - **fair**: anything between.
 * Loss and RTT are Daily's pre-call test thresholds (good under 5 % and 300 ms; bad at 10 % and
 * 600 ms). The frame rates are ours: a camera sends 20–30 frames a second, and under 5 a face
 * looks frozen. The bitrate is shown but not judged: a shared slide or a small camera sends
 * little by design, so Daily's 700 kbit/s floor would call healthy calls poor.
 */
import { msg, str } from '@lit/localize';

export type QualityLevel = 'good' | 'fair' | 'poor';

/** One connection's figures over the last interval (undefined: not measured). */
export interface QualitySample {
  rttMs?: number;
  lossPercent?: number;
  jitterMs?: number;
  fps?: number;
  width?: number;
  height?: number;
  bitrateKbps?: number;
  codec?: string;
  /** The route's candidate type: `relay` when either side's is. */
  path?: string;
  /** Whether the other side's camera is on (frames are expected). */
  videoExpected: boolean;
}

export interface QualityReport extends QualitySample {
  level: QualityLevel;
}

export function assess(sample: QualitySample): QualityLevel {
  const { rttMs = 0, lossPercent = 0, jitterMs = 0, fps, videoExpected } = sample;
  const frames = videoExpected ? (fps ?? 0) : undefined;
  if (lossPercent >= 10 || rttMs >= 600 || jitterMs >= 100 || (frames !== undefined && frames < 5)) return 'poor';
  if (lossPercent < 5 && rttMs < 300 && jitterMs < 30 && (frames === undefined || frames >= 15)) return 'good';
  return 'fair';
}

/** The details view, in words: resolution, frame rate, bitrate, codec, RTT, loss, the route. */
export function describeQuality(q: QualityReport): string[] {
  const lines: string[] = [];
  if (q.width && q.height) {
    const { width, height } = q;
    if (q.fps !== undefined) {
      const fps = Math.round(q.fps);
      lines.push(msg(str`${width}×${height}, ${fps} fps`, { desc: 'Connection details: video resolution and frames per second' }));
    } else {
      lines.push(`${width}×${height}`);
    }
  }
  if (q.bitrateKbps !== undefined) {
    const kbps = Math.round(q.bitrateKbps);
    const codec = q.codec;
    lines.push(
      codec
        ? msg(str`${kbps} kbit/s · ${codec}`, { desc: 'Connection details: bitrate, then the video codec (e.g. VP8)' })
        : msg(str`${kbps} kbit/s`, { desc: 'Connection details: bitrate' }),
    );
  }
  if (q.rttMs !== undefined) {
    const ms = Math.round(q.rttMs);
    lines.push(msg(str`Round trip ${ms} ms`, { desc: 'Connection details: network round-trip time' }));
  }
  if (q.lossPercent !== undefined) {
    const percent = q.lossPercent.toFixed(1);
    lines.push(msg(str`Packet loss ${percent} %`, { desc: 'Connection details' }));
  }
  if (q.jitterMs !== undefined) {
    const ms = Math.round(q.jitterMs);
    lines.push(msg(str`Jitter ${ms} ms`, { desc: 'Connection details: variation in packet arrival time' }));
  }
  if (q.path) lines.push(describePath(q.path));
  return lines;
}

/** The route in words: relayed, direct on the local network, or direct by another candidate type. */
function describePath(path: string): string {
  if (path === 'relay') return msg('Relayed through TURN', { desc: 'Connection details: the media goes through a relay server' });
  if (path === 'host') return msg('Direct (local network)', { desc: 'Connection details: the route' });
  return msg(str`Direct (${path})`, { desc: 'Connection details: the route; the ICE candidate type, e.g. “srflx” (not translated)' });
}

interface Previous {
  at: number;
  received: number;
  lost: number;
  bytes: number;
  frames: number;
}

type StatsEntry = Record<string, unknown> & { type: string; id: string };

/** Reads one connection's stats into a sample, against the previous reading. */
export async function sampleConnection(
  pc: RTCPeerConnection,
  previous: Previous | undefined,
  videoExpected: boolean,
): Promise<{ sample: QualitySample; reading: Previous; uplinkUnstable: boolean }> {
  const report = await pc.getStats();
  const all = new Map<string, StatsEntry>();
  report.forEach((s: StatsEntry) => all.set(s.id, s));
  let received = 0;
  let lost = 0;
  let bytes = 0;
  let frames = 0;
  let jitter: number | undefined;
  let fps: number | undefined;
  let width: number | undefined;
  let height: number | undefined;
  let codec: string | undefined;
  let rtt: number | undefined;
  let path: string | undefined;
  let uplinkUnstable = false;
  for (const s of all.values()) {
    if (s.type === 'inbound-rtp') {
      received += Number(s.packetsReceived ?? 0);
      lost += Math.max(0, Number(s.packetsLost ?? 0));
      bytes += Number(s.bytesReceived ?? 0);
      if (s.kind === 'video') {
        frames = Number(s.framesDecoded ?? 0);
        jitter = Number(s.jitter ?? 0) * 1000;
        width = s.frameWidth as number | undefined;
        height = s.frameHeight as number | undefined;
        const mime = all.get(String(s.codecId))?.mimeType;
        codec = typeof mime === 'string' ? mime.replace(/^video\//, '') : undefined;
      }
    } else if (s.type === 'outbound-rtp' && s.kind === 'video' && s.qualityLimitationReason === 'bandwidth') {
      uplinkUnstable = true;
    } else if (s.type === 'remote-inbound-rtp' && Number(s.fractionLost ?? 0) > 0.1) {
      uplinkUnstable = true;
    }
  }
  // The route: the transport's selected pair (or, without one, a nominated pair that works).
  const selectedId = [...all.values()].find((s) => s.type === 'transport' && s.selectedCandidatePairId)?.selectedCandidatePairId;
  const pair =
    (selectedId ? all.get(String(selectedId)) : undefined) ??
    [...all.values()].find((s) => s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded');
  if (pair) {
    rtt = pair.currentRoundTripTime !== undefined ? Number(pair.currentRoundTripTime) * 1000 : undefined;
    const types = [all.get(String(pair.localCandidateId))?.candidateType, all.get(String(pair.remoteCandidateId))?.candidateType];
    path = types.includes('relay') ? 'relay' : String(types[0] ?? '') || undefined;
  }
  const now = performance.now();
  const reading = { at: now, received, lost, bytes, frames };
  const sample: QualitySample = { rttMs: rtt, jitterMs: jitter, width, height, codec, path, videoExpected };
  if (previous) {
    const seconds = (now - previous.at) / 1000;
    const got = received - previous.received;
    const missed = lost - previous.lost;
    sample.lossPercent = got + missed > 0 ? (100 * missed) / (got + missed) : 0;
    sample.bitrateKbps = seconds > 0 ? ((bytes - previous.bytes) * 8) / 1000 / seconds : undefined;
    fps = seconds > 0 ? (frames - previous.frames) / seconds : undefined;
    sample.fps = fps;
  }
  return { sample, reading, uplinkUnstable };
}

/**
 * Polls every connection every `intervalMs` and reports each one's level and one's own uplink.
 * The first report for a connection comes after two readings (a rate needs an interval).
 */
/** A new connection's ramp-up, during which a bandwidth limit says nothing about the network. */
const RAMP_UP_MS = 10_000;

export class QualityMonitor {
  #previous = new Map<RTCPeerConnection, Previous>();
  #firstSeen = new Map<RTCPeerConnection, number>();
  #unstableStreak = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly connections: () => Array<{ peerId: string; pc: RTCPeerConnection; videoExpected: boolean }>,
    private readonly report: (peerId: string, quality: QualityReport) => void,
    private readonly uplink: (unstable: boolean) => void,
    private readonly intervalMs = 2000,
  ) {}

  start(): void {
    this.#timer ??= setInterval(() => void this.#poll(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#previous.clear();
    this.#firstSeen.clear();
  }

  async #poll() {
    let unstable = false;
    const seen = new Set<RTCPeerConnection>();
    for (const { peerId, pc, videoExpected } of this.connections()) {
      if (pc.connectionState !== 'connected') continue;
      seen.add(pc);
      const { sample, reading, uplinkUnstable } = await sampleConnection(pc, this.#previous.get(pc), videoExpected).catch(() => ({
        sample: undefined,
        reading: undefined,
        uplinkUnstable: false,
      }));
      if (!reading || !sample) continue;
      const first = !this.#previous.has(pc);
      this.#previous.set(pc, reading);
      if (!this.#firstSeen.has(pc)) this.#firstSeen.set(pc, reading.at);
      unstable ||= uplinkUnstable && reading.at - this.#firstSeen.get(pc)! >= RAMP_UP_MS;
      if (!first) this.report(peerId, { ...sample, level: assess(sample) });
    }
    for (const pc of this.#previous.keys()) {
      if (seen.has(pc)) continue;
      this.#previous.delete(pc);
      this.#firstSeen.delete(pc);
    }
    this.#unstableStreak = unstable ? this.#unstableStreak + 1 : 0;
    if (this.#timer) this.uplink(this.#unstableStreak >= 2);
  }
}
