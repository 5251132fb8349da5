/**
 * Server settings, read once from the environment and checked at start: a bad value stops the
 * server with a message that names the variable, instead of failing later mid-call.
 */
import { isIP } from 'node:net';

export interface Config {
  port: number;
  host: string;
  /** Origins (besides the server's own) whose pages may embed <call-room>. */
  allowedOrigins: string[];
  /** Handed to every client as RTCConfiguration.iceServers. */
  iceServers: RTCIceServerConfig[];
  peerKey: string;
  roomCapacity: number;
  /** Largest Socket.IO message and PeerServer WebSocket frame, in bytes. */
  maxMessageBytes: number;
  logLevel: string;
  /** Short-lived TURN credentials (coturn `use-auth-secret`), when TURN_SECRET is set. */
  turn: TurnConfig | undefined;
  /** `relay` forces every call through TURN (privacy, or testing the relay). */
  iceTransportPolicy: 'all' | 'relay';
  /** HTTPS served directly (cameras need a secure origin other than localhost). */
  tls: { certFile: string; keyFile: string } | undefined;
  /** Lists reachable handles on the home screen (off by default: privacy). */
  ringDirectory: boolean;
  /** How long an unanswered ring rings. */
  ringTimeoutMs: number;
  /** Per-socket event budgets: a burst, refilled at `perSecond`. */
  rateLimits: { join: RateLimit; media: RateLimit; chat: RateLimit; any: RateLimit };
  /** A dropped member keeps seat, host role and admission this long, waiting to come back. */
  reconnectGraceMs: number;
  /** How long a pre-join screen's early connections stay open without a Join (ClientConfig). */
  preconnectIdleSeconds: number;
  /** What a client's camera and screen may send over all its connections together (ClientConfig). */
  uplinkBudgetKbps: number;
  /** MAX_FILE_MB: the largest file sent person to person in a call (the receiver holds it in memory). */
  maxFileMb: number;
  limits: Limits;
  /** Bearer token /metrics asks for; open when unset. */
  metricsToken: string | undefined;
  /** Several nodes share rooms, identities, ringing and the PeerServer relay through this Redis. */
  redisUrl: string | undefined;
  /** This node's name (a label on /metrics); host, pid and random bytes when unset. */
  nodeId: string | undefined;
  /** Reverse proxies whose X-Forwarded-For names the client (per-address limits, classic joins). */
  trustProxy: string[];
}

/** Bounds on what one client address or one slow client can make the server hold. */
export interface Limits {
  /** Open Socket.IO connections from one client address (and, separately, PeerServer ones). */
  connectionsPerAddress: number;
  /** Frames the PeerServer holds for one absent peer, and for all of them together. */
  peerQueuePerPeer: number;
  peerQueueTotal: number;
  /** Outgoing bytes a client may leave unread before it is disconnected (both sockets). */
  maxBufferedBytes: number;
  /** The chat history a join's answer carries, newest first, in bytes of JSON. */
  joinChatBytes: number;
  /** TURN credentials handed to one client address: a burst, refilled per minute. */
  icePerAddress: RateLimit;
  /** Back-off before a caller may ring the same person again after a decline or no answer. */
  ringRetryMs: number;
}

export interface TurnConfig {
  secret: string;
  urls: string[];
  ttlSeconds: number;
}

export interface RateLimit {
  burst: number;
  perSecond: number;
}

export interface RTCIceServerConfig {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

function origins(env: Env): string[] {
  const raw = env.ALLOWED_ORIGINS ?? '';
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((origin) => {
      let parsed: URL;
      try {
        parsed = new URL(origin);
      } catch {
        throw new ConfigError(`ALLOWED_ORIGINS: "${origin}" is not an origin like https://example.com`);
      }
      if (parsed.origin !== origin.replace(/\/$/, '')) {
        throw new ConfigError(`ALLOWED_ORIGINS: "${origin}" must be scheme://host[:port] with no path`);
      }
      return parsed.origin;
    });
}

function iceServers(env: Env): RTCIceServerConfig[] {
  const raw = env.ICE_SERVERS;
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('ICE_SERVERS must be JSON, e.g. [{"urls":"stun:stun.example.org:3478"}]');
  }
  const valid =
    Array.isArray(parsed) &&
    parsed.every(
      (s) =>
        typeof s === 'object' &&
        s !== null &&
        (typeof s.urls === 'string' || (Array.isArray(s.urls) && s.urls.every((u: unknown) => typeof u === 'string'))) &&
        (s.username === undefined || typeof s.username === 'string') &&
        (s.credential === undefined || typeof s.credential === 'string'),
    );
  if (!valid) throw new ConfigError('ICE_SERVERS must be an array of {urls, username?, credential?}');
  return parsed as RTCIceServerConfig[];
}

function turn(env: Env): TurnConfig | undefined {
  const secret = env.TURN_SECRET;
  if (!secret) return undefined;
  const urls = (env.TURN_URLS ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  if (!urls.length || !urls.every((u) => /^turns?:/.test(u))) {
    throw new ConfigError('TURN_URLS must list turn: or turns: URLs (comma-separated) when TURN_SECRET is set');
  }
  return { secret, urls, ttlSeconds: integer(env, 'TURN_TTL', 600, 60, 12 * 3600) };
}

function flag(env: Env, name: string): boolean {
  const value = (env[name] ?? '').toLowerCase();
  if (['', '0', 'off', 'false', 'no'].includes(value)) return false;
  if (['1', 'on', 'true', 'yes'].includes(value)) return true;
  throw new ConfigError(`${name} is on or off`);
}

function policy(env: Env): 'all' | 'relay' {
  const value = env.ICE_TRANSPORT_POLICY || 'all';
  if (value !== 'all' && value !== 'relay') throw new ConfigError('ICE_TRANSPORT_POLICY is "all" or "relay"');
  return value;
}

function tls(env: Env): Config['tls'] {
  const certFile = env.TLS_CERT;
  const keyFile = env.TLS_KEY;
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) throw new ConfigError('TLS_CERT and TLS_KEY go together: set both, or neither');
  return { certFile, keyFile };
}

function rate(env: Env, name: string, burst: number, perSecond: number): RateLimit {
  return {
    burst: integer(env, `RATE_${name}_BURST`, burst, 1, 10_000),
    perSecond: integer(env, `RATE_${name}_PER_SECOND`, perSecond, 1, 10_000),
  };
}

function metricsToken(env: Env): string | undefined {
  const token = env.METRICS_TOKEN;
  if (!token) return undefined;
  if (token.length < 16 || /\s/.test(token)) throw new ConfigError('METRICS_TOKEN must be at least 16 characters with no spaces');
  return token;
}

function redisUrl(env: Env): string | undefined {
  const raw = env.REDIS_URL;
  if (!raw) return undefined;
  if (!/^rediss?:\/\/[^\s]+$/.test(raw)) throw new ConfigError('REDIS_URL must be redis://host:port (or rediss:// for TLS)');
  return raw;
}

function trustProxy(env: Env): string[] {
  const list = (env.TRUST_PROXY ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const address of list) {
    if (!isIP(address)) throw new ConfigError(`TRUST_PROXY lists proxy addresses like 127.0.0.1 (got "${address}")`);
  }
  return list;
}

function nodeId(env: Env): string | undefined {
  const raw = env.NODE_ID;
  if (!raw) return undefined;
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(raw)) throw new ConfigError('NODE_ID must be 1 to 64 letters, digits, ".", "-" or "_"');
  return raw;
}

export function loadConfig(env: Env = process.env): Config {
  const peerKey = env.PEER_KEY ?? 'peerjs';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(peerKey)) {
    throw new ConfigError('PEER_KEY must be 1 to 64 letters, digits, "-" or "_"');
  }
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    allowedOrigins: origins(env),
    iceServers: iceServers(env),
    peerKey,
    roomCapacity: integer(env, 'ROOM_CAPACITY', 6, 2, 50),
    maxMessageBytes: integer(env, 'MAX_MESSAGE_BYTES', 64 * 1024, 1024, 64 * 1024),
    logLevel: env.LOG_LEVEL || 'info',
    turn: turn(env),
    iceTransportPolicy: policy(env),
    tls: tls(env),
    ringDirectory: flag(env, 'RING_DIRECTORY'),
    ringTimeoutMs: integer(env, 'RING_TIMEOUT_SECONDS', 30, 5, 120) * 1000,
    rateLimits: {
      join: rate(env, 'JOIN', 5, 1),
      media: rate(env, 'MEDIA', 20, 5),
      chat: rate(env, 'CHAT', 10, 2),
      any: rate(env, 'EVENTS', 60, 20),
    },
    reconnectGraceMs: integer(env, 'RECONNECT_GRACE_SECONDS', 30, 0, 600) * 1000,
    preconnectIdleSeconds: integer(env, 'PRECONNECT_IDLE_SECONDS', 120, 1, 3600),
    uplinkBudgetKbps: integer(env, 'UPLINK_BUDGET_KBPS', 2500, 300, 100_000),
    maxFileMb: integer(env, 'MAX_FILE_MB', 500, 1, 4096),
    limits: {
      connectionsPerAddress: integer(env, 'CONNECTIONS_PER_ADDRESS', 100, 1, 1_000_000),
      peerQueuePerPeer: integer(env, 'PEER_QUEUE_PER_PEER', 100, 1, 10_000),
      peerQueueTotal: integer(env, 'PEER_QUEUE_TOTAL', 10_000, 1, 1_000_000),
      maxBufferedBytes: integer(env, 'MAX_BUFFERED_BYTES', 1024 * 1024, 64 * 1024, 64 * 1024 * 1024),
      joinChatBytes: integer(env, 'JOIN_CHAT_BYTES', 32 * 1024, 0, 1024 * 1024),
      icePerAddress: {
        burst: integer(env, 'ICE_PER_ADDRESS_BURST', 10, 1, 10_000),
        perSecond: integer(env, 'ICE_PER_ADDRESS_PER_MINUTE', 30, 1, 100_000) / 60,
      },
      ringRetryMs: integer(env, 'RING_RETRY_SECONDS', 60, 1, 3600) * 1000,
    },
    metricsToken: metricsToken(env),
    redisUrl: redisUrl(env),
    nodeId: nodeId(env),
    trustProxy: trustProxy(env),
  };
}
