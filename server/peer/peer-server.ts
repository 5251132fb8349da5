/**
 * The PeerJS PeerServer (`peer` package), mounted on our own HTTP server and made to obey the
 * rooms. PeerServer on its own lets any client take any free id and relays any frame to any id;
 * here a frame reaches its recipient only when both are members of one room, an id bound to a
 * member can be registered only with that member's token, and nothing a client sends can make us
 * hold memory without bound.
 *
 * PeerServer normally attaches its WebSocketServer to the HTTP server, where it answers 400 to
 * every upgrade it does not own (breaking Socket.IO's websocket transport). We hand it a
 * `noServer` WebSocketServer instead and route upgrades ourselves (server/http/upgrades.ts).
 */
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import express from 'express';
import { ExpressPeerServer } from 'peer';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Limits, RateLimit } from '../config.js';
import { ConnectionCounter, clientAddress, type AddressOf } from '../http/per-address.js';
import { refuseUpgrade } from '../http/upgrades.js';
import { digestToken, type PeerPolicy } from '../signaling/identities.js';
import { isValidPeerId } from '../signaling/validate.js';
import { TokenBucket } from '../signaling/rate-limit.js';
import type { Logger, PeerConnection, PeerDirectory } from '../signaling/context.js';

/** Signaling messages (offers, answers, ICE candidates) a peer may send: generous bursts. */
const PEER_MESSAGE_LIMIT: RateLimit = { burst: 200, perSecond: 50 };
/** Frames PeerServer relays between peers (EXPIRE is the server's own: no client sends it). */
const RELAYED = new Set(['OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE']);
/** PeerServer drops a queue nobody read for 5 s, checking every second. */
const QUEUE_LIFETIME_MS = 6000;
const TOKEN_PATTERN = /^[A-Za-z0-9]{1,64}$/;
const KEY_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Frames of one PeerServer client waiting for their room check, at most. */
const MAX_FRAMES_WAITING = 64;
/** How long a new PeerServer connection waits for an unreachable identity directory. */
const REGISTER_WAIT_MS = 30_000;

/** Why a frame was not relayed (a label of callroom_peer_frames_dropped_total). */
export type DropReason =
  | 'rate-limited'
  | 'malformed'
  | 'unknown-type'
  | 'no-recipient'
  | 'sender-not-in-room'
  | 'recipient-not-in-room'
  | 'other-room'
  | 'queue-full'
  | 'slow-reader'
  | 'unavailable';

/** A frame as PeerServer relays it: the sender's id set by the server, never by the client. */
export interface RelayedFrame {
  type: string;
  src: string;
  dst: string;
  payload?: unknown;
}

/**
 * The other nodes' PeerServers, through Redis (server/cluster/peer-cluster.ts); absent with one
 * node. Each node announces the peers connected to it, and forwards a frame for a peer on
 * another node to that node, which delivers it.
 */
export interface PeerCluster {
  announce(peerId: string, connection: PeerConnection): Promise<void>;
  withdraw(peerId: string): Promise<void>;
  /** `peerId`'s connection and the node it is on, wherever it is. */
  lookup(peerId: string): Promise<(PeerConnection & { node: string }) | undefined>;
  readonly node: string;
  forward(node: string, frame: RelayedFrame): Promise<void>;
  /** Frames other nodes forward to this node's peers. */
  onForward(deliver: (frame: RelayedFrame) => void): void;
}

/** What PeerServer's realm tells us about each connected peer. */
interface PeerClient {
  getId(): string;
  getToken(): string;
  getSocket(): object | null;
}

export interface PeerServerOptions {
  /** URL path clients pass as `path` to `new Peer()`. */
  path: string;
  key: string;
  maxPayload: number;
  limits: Pick<Limits, 'connectionsPerAddress' | 'peerQueuePerPeer' | 'peerQueueTotal' | 'maxBufferedBytes'>;
  /** Who may register which id, and who may signal whom: the rooms decide. */
  policy: PeerPolicy;
  isOriginAllowed: (origin: string | undefined, host: string | undefined) => boolean;
  onDrop?: (reason: DropReason) => void;
  onRefused?: (reason: string) => void;
  log?: Pick<Logger, 'warn'>;
  /** The PeerServers of the other nodes, when there are several. */
  cluster?: PeerCluster;
  /** The client's address (behind trusted proxies, from X-Forwarded-For). */
  addressOf?: AddressOf;
}

export interface MountedPeerServer extends PeerDirectory {
  /** The path of the PeerServer's WebSocket endpoint. */
  readonly wsPath: string;
  /** Handles `/peerjs/...` HTTP requests (the id and info endpoints). */
  handleHttp(req: IncomingMessage, res: ServerResponse): void;
  /** Takes an upgrade whose path is `wsPath`. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  connectedCount(): number;
  close(): void;
}

/** Frames held for absent recipients, counted the way PeerServer holds them. */
class QueueAccount {
  readonly #byPeer = new Map<string, { count: number; since: number }>();
  #total = 0;
  readonly #sweeper: ReturnType<typeof setInterval>;

  constructor(
    private readonly perPeer: number,
    private readonly total: number,
  ) {
    this.#sweeper = setInterval(() => this.#sweep(Date.now()), 2000);
    this.#sweeper.unref();
  }

  /** Counts one more frame for `peerId`, or returns false when its queue or all queues are full. */
  tryQueue(peerId: string, now: number): boolean {
    let entry = this.#byPeer.get(peerId);
    if (entry && now - entry.since > QUEUE_LIFETIME_MS) {
      this.forget(peerId);
      entry = undefined;
    }
    if (this.#total >= this.total || (entry?.count ?? 0) >= this.perPeer) return false;
    if (!entry) this.#byPeer.set(peerId, (entry = { count: 0, since: now }));
    entry.count += 1;
    this.#total += 1;
    return true;
  }

  /** The peer connected (PeerServer delivered its queue) or its queue expired. */
  forget(peerId: string): void {
    const entry = this.#byPeer.get(peerId);
    if (!entry) return;
    this.#total -= entry.count;
    this.#byPeer.delete(peerId);
  }

  #sweep(now: number) {
    for (const [peerId, entry] of this.#byPeer) if (now - entry.since > QUEUE_LIFETIME_MS) this.forget(peerId);
  }

  close() {
    clearInterval(this.#sweeper);
  }
}

/**
 * The query as PeerServer reads it (`Object.fromEntries`, so the last of a repeated name wins),
 * checked before PeerServer sees it: one of each, and each of the shape PeerJS sends.
 */
export function parsePeerQuery(url: string | undefined): { id: string; token: string; key: string } | undefined {
  const { searchParams } = new URL(url ?? '', 'https://peerjs');
  for (const name of ['id', 'token', 'key']) if (searchParams.getAll(name).length !== 1) return undefined;
  const { id, token, key } = Object.fromEntries(searchParams.entries()) as Record<string, string>;
  if (!isValidPeerId(id) || !TOKEN_PATTERN.test(token!) || !KEY_PATTERN.test(key!)) return undefined;
  return { id, token: token!, key: key! };
}

export function mountPeerServer(httpServer: HttpServer, options: PeerServerOptions): MountedPeerServer {
  const { limits, policy } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload });
  const clients = new Map<string, PeerClient>();
  const waiting = new Map<string, Set<() => void>>();
  /** The client address of each PeerServer socket (a classic join must come from its peer's). */
  const socketAddresses = new WeakMap<object, string>();
  const connections = new ConnectionCounter(limits.connectionsPerAddress);
  const queues = new QueueAccount(limits.peerQueuePerPeer, limits.peerQueueTotal);
  const drop = (reason: DropReason) => options.onDrop?.(reason);

  const peerApp = ExpressPeerServer(httpServer, {
    path: options.path,
    key: options.key,
    allow_discovery: false,
    // PeerServer hands back its `noServer` socket; we feed it upgrades ourselves.
    createWebSocketServer: () => wss,
    corsOptions: {
      origin: (origin: string | undefined, callback: (err: Error | null, allow?: boolean) => void) =>
        callback(null, options.isOriginAllowed(origin, undefined)),
    },
  } as Parameters<typeof ExpressPeerServer>[1]);
  peerApp.disable('x-powered-by');
  // ExpressPeerServer builds its routes and WebSocket server when mounted into an Express app.
  const host = express();
  host.disable('x-powered-by');
  host.set('env', 'production');
  host.use(peerApp);
  // Express's own error page shows stack traces outside production: answer plainly instead.
  host.use((_error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(400).type('text/plain').send('Bad request');
  });

  const { cluster } = options;
  /**
   * Frames for a peer on no node yet (it is reconnecting): held a few seconds, counted in
   * `queues`, and sent in order once it is back. While some are held for a peer, its newer frames
   * join the line behind them, so none overtakes another.
   */
  const held = new Map<string, { since: number; frames: RelayedFrame[]; flushing: boolean }>();

  peerApp.on('connection', (client: PeerClient) => {
    const id = client.getId();
    clients.set(id, client);
    queues.forget(id); // PeerServer just delivered what it held for this peer
    if (cluster) {
      const connection = { tokenDigest: digestToken(client.getToken()), address: socketAddresses.get(client.getSocket() ?? {}) };
      void cluster.announce(id, connection).catch(() => {});
    }
    const resolvers = waiting.get(id);
    waiting.delete(id);
    resolvers?.forEach((resolve) => resolve());
    if (held.has(id)) void flush(id);
  });
  peerApp.on('disconnect', (client: PeerClient) => {
    if (clients.get(client.getId()) !== client) return;
    clients.delete(client.getId());
    void cluster?.withdraw(client.getId()).catch(() => {});
  });
  // A malformed frame must not take the process down; PeerServer re-emits socket errors here.
  peerApp.on('error', () => {});

  /** Sends a frame to a peer connected here, as PeerServer would. */
  function deliverHere(frame: RelayedFrame): boolean {
    const socket = clients.get(frame.dst)?.getSocket() as WebSocket | null | undefined;
    if (!socket) return false;
    socket.send(JSON.stringify(frame));
    return true;
  }
  cluster?.onForward((frame) => {
    if (held.has(frame.dst) || !deliverHere(frame)) queueFor(frame, Date.now());
  });

  /** A frame for a peer on another node goes there; for a peer on no node, it waits a little. */
  async function relayAcross(frame: RelayedFrame, now: number) {
    const there = await cluster!.lookup(frame.dst);
    if (there && there.node !== cluster!.node) return cluster!.forward(there.node, frame);
    if (deliverHere(frame)) return;
    queueFor(frame, now);
  }

  /** Holds a frame behind those already held for its peer, and tries to send them all. */
  function queueFor(frame: RelayedFrame, now: number) {
    if (frame.type === 'LEAVE' && !held.has(frame.dst)) return; // as PeerServer: a leave to nobody is dropped
    if (!queues.tryQueue(frame.dst, now)) return drop('queue-full');
    const entry = held.get(frame.dst) ?? { since: now, frames: [], flushing: false };
    entry.frames.push(frame);
    held.set(frame.dst, entry);
    void flush(frame.dst);
  }

  /**
   * Sends what is held for `dst`, oldest first, once it is connected to some node; frames that
   * come meanwhile join the line. After PeerServer's own queue lifetime, each sender hears EXPIRE
   * as it would from PeerServer.
   */
  async function flush(dst: string) {
    const entry = held.get(dst);
    if (!entry || entry.flushing) return;
    if (Date.now() - entry.since > QUEUE_LIFETIME_MS) {
      held.delete(dst);
      queues.forget(dst);
      for (const frame of entry.frames) deliverHere({ type: 'EXPIRE', src: frame.dst, dst: frame.src });
      return;
    }
    entry.flushing = true;
    try {
      const there = clients.has(dst) ? undefined : await cluster!.lookup(dst);
      const remote = there && there.node !== cluster!.node ? there.node : undefined;
      if (!remote && !clients.has(dst)) return; // nowhere yet: the next tick tries again
      while (entry.frames.length) {
        const frame = entry.frames[0]!;
        if (remote) await cluster!.forward(remote, frame);
        else if (!deliverHere(frame)) return;
        entry.frames.shift();
      }
      held.delete(dst);
      queues.forget(dst);
    } catch {
      drop('unavailable');
    } finally {
      entry.flushing = false;
    }
  }

  const retry = cluster ? setInterval(() => held.forEach((_entry, dst) => void flush(dst)), 250) : undefined;
  retry?.unref();

  /**
   * Decides each frame before PeerServer sees it: relayed only inside a room, queued within
   * bounds. Resolves true when PeerServer should take the frame; frames for peers on other
   * nodes are sent there here, and resolve false.
   */
  async function admitFrame(ws: WebSocket, srcId: string, srcDigest: string, data: unknown): Promise<boolean> {
    const now = Date.now();
    let frame: unknown;
    try {
      frame = JSON.parse(String(data));
    } catch {
      return (drop('malformed'), false);
    }
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return (drop('malformed'), false);
    const { type, dst, payload } = frame as { type?: unknown; dst?: unknown; payload?: unknown };
    if (type === 'HEARTBEAT') return true;
    if (typeof type !== 'string' || !RELAYED.has(type)) return (drop('unknown-type'), false);
    if (dst === undefined || dst === null || dst === '') {
      // A LEAVE with no recipient is a peer leaving the PeerServer: it closes, so no open socket
      // is left behind to speak for an id someone else registers next.
      if (type === 'LEAVE') ws.close();
      return (drop('no-recipient'), false);
    }
    if (typeof dst !== 'string') return (drop('malformed'), false);
    // Checked on every frame, not only at the upgrade: a socket PeerServer has forgotten must not
    // speak for an id that another token now holds.
    const refusal = await policy.relayRefusal(srcId, srcDigest, dst);
    if (refusal) return (drop(refusal), false);
    if (cluster && held.has(dst)) {
      queueFor({ type, src: srcId, dst, payload }, now);
      return false;
    }
    if (clients.has(dst)) return true;
    if (cluster) {
      await relayAcross({ type, src: srcId, dst, payload }, now);
      return false;
    }
    if (type !== 'LEAVE' && !queues.tryQueue(dst, now)) return (drop('queue-full'), false);
    return true;
  }

  function guard(ws: WebSocket, srcId: string, srcDigest: string) {
    const bucket = new TokenBucket(PEER_MESSAGE_LIMIT, Date.now());
    let warned = false;
    // Frames are decided one after another, so they reach PeerServer in the order they came. The
    // line is bounded (a slow shared store must not let frames pile up), rate-limited as frames
    // arrive, and a heartbeat does not wait in it.
    let line: Promise<unknown> = Promise.resolve();
    let waiting = 0;
    const emit = ws.emit.bind(ws);
    ws.emit = ((event: string, ...args: unknown[]) => {
      if (event !== 'message') return emit(event, ...args);
      if (!bucket.take(Date.now())) return (drop('rate-limited'), false);
      // Exactly what PeerJS sends (a prefix could smuggle another type in a duplicate key).
      if (String(args[0]) === '{"type":"HEARTBEAT"}') return emit(event, ...args);
      if (waiting >= MAX_FRAMES_WAITING) return (drop('rate-limited'), false);
      waiting += 1;
      line = line
        .then(() => admitFrame(ws, srcId, srcDigest, args[0]))
        .finally(() => (waiting -= 1))
        .then(
          (admitted) => {
            if (admitted) return emit(event, ...args);
            if (!warned) options.log?.warn({ peer: srcId }, 'PeerServer frame dropped');
            warned = true;
          },
          () => drop('unavailable'),
        );
      return true;
    }) as typeof ws.emit;
    // A peer that stops reading is cut off before its unread frames pile up here.
    const send = ws.send.bind(ws);
    ws.send = ((...args: Parameters<WebSocket['send']>) => {
      if (ws.bufferedAmount > limits.maxBufferedBytes) {
        drop('slow-reader');
        ws.terminate();
        return;
      }
      send(...args);
    }) as WebSocket['send'];
  }

  const wsPath = `${options.path.replace(/\/$/, '')}/peerjs`;

  /**
   * Hands the socket to PeerServer once the id is known to be this token's to take, or answers
   * ID-TAKEN. While the identity directory cannot be reached (Redis is down) the socket waits,
   * asking again every half second for at most REGISTER_WAIT_MS, then closes (1013, try again):
   * an id is never handed out unchecked.
   */
  async function decideRegistration(ws: WebSocket, req: IncomingMessage, peerId: string, tokenDigest: string) {
    const deadline = Date.now() + REGISTER_WAIT_MS;
    for (;;) {
      try {
        // PeerServer refuses a duplicate id on its own node; an id connected to another node with
        // another token is taken just the same.
        const elsewhere = cluster ? await cluster.lookup(peerId) : undefined;
        const takenElsewhere = !!elsewhere && elsewhere.node !== cluster!.node && elsewhere.tokenDigest !== tokenDigest;
        const allowed = !takenElsewhere && (await policy.mayRegister(peerId, tokenDigest));
        if (ws.readyState !== ws.OPEN) return;
        if (allowed) return void wss.emit('connection', ws, req);
        options.onRefused?.('id-taken');
        ws.send(JSON.stringify({ type: 'ID-TAKEN', payload: { msg: 'ID is taken' } }));
        return ws.close();
      } catch {
        if (ws.readyState !== ws.OPEN) return;
        if (Date.now() > deadline) {
          options.onRefused?.('unavailable');
          return ws.close(1013, 'Try again later');
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  /** This node's connection of `peerId`, if it has one. */
  function localConnection(peerId: string): PeerConnection | undefined {
    const client = clients.get(peerId);
    if (!client) return undefined;
    // The socket PeerServer holds for the id now: an ID-TAKEN attempt's socket is never it.
    return { tokenDigest: digestToken(client.getToken()), address: socketAddresses.get(client.getSocket() ?? {}) };
  }

  /** Resolves once `peerId` connects here, or after `ms`. */
  function connectsHere(peerId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waiting.get(peerId)?.delete(done);
        if (waiting.get(peerId)?.size === 0) waiting.delete(peerId);
        resolve();
      };
      const timer = setTimeout(done, ms);
      if (!waiting.has(peerId)) waiting.set(peerId, new Set());
      waiting.get(peerId)!.add(done);
    });
  }

  return {
    wsPath,
    handleHttp: (req, res) => host(req, res),

    handleUpgrade(req, socket, head) {
      if (!options.isOriginAllowed(req.headers.origin, req.headers.host)) {
        options.onRefused?.('origin');
        return refuseUpgrade(socket, '403 Forbidden');
      }
      // PeerServer accepts any id and token; ours are PeerJS-shaped and short, so neither can
      // grow memory, and each is read exactly as PeerServer will read it.
      const query = parsePeerQuery(req.url);
      if (!query) {
        options.onRefused?.('invalid-query');
        return refuseUpgrade(socket, '400 Bad Request');
      }
      const address = (options.addressOf ?? clientAddress)(req);
      if (!connections.tryOpen(address)) {
        options.onRefused?.('too-many-connections');
        return refuseUpgrade(socket, '429 Too Many Requests');
      }
      socket.once('close', () => connections.close(address));
      wss.handleUpgrade(req, socket, head, (ws) => {
        const tokenDigest = digestToken(query.token);
        guard(ws, query.id, tokenDigest);
        socketAddresses.set(ws, address);
        // An id bound to a member belongs to that member's token, even while its link is down.
        void decideRegistration(ws, req, query.id, tokenDigest);
      });
    },

    async waitForPeer(peerId, ms) {
      const deadline = Date.now() + ms;
      for (;;) {
        const here = localConnection(peerId);
        if (here) return here;
        const there = await cluster?.lookup(peerId);
        if (there) return { tokenDigest: there.tokenDigest, address: there.address };
        const left = deadline - Date.now();
        if (left <= 0) return undefined;
        // With other nodes, look again every 100 ms: the peer may connect to any of them.
        await connectsHere(peerId, cluster ? Math.min(left, 100) : left);
      }
    },

    connectedCount: () => clients.size,

    close() {
      queues.close();
      clearInterval(retry);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
