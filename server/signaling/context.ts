/**
 * What every domain's Socket.IO handlers share: the typed server and socket, the dependencies,
 * the server-wide registry, and the `HandlerTable` each domain defines its events in, once per
 * server. `request()` does for every request-like event what each would otherwise repeat: parse,
 * check membership, run after the socket's earlier events, answer the ack once, count a refusal.
 * Every socket shares the table's functions: a connection carries no closures of ours.
 *
 * The domains (membership, chat, host, ringing, ICE) import this file; it imports none of them.
 */
import { randomBytes } from 'node:crypto';
import type { Server, Socket } from 'socket.io';
import type { Ack, ClientToServerEvents, ErrorBody, KnockAnswer, ServerToClientEvents, SocketData } from '../../protocol/contract.js';
import type { IceAnswer } from '../http/ice.js';
import type { SignalingMetrics } from '../http/metrics.js';
import { clientAddress, type AddressOf, type AddressRateLimit } from '../http/per-address.js';
import { fail, type Result } from '../rooms/result.js';
import type { RingStore, RoomStore } from '../rooms/store.js';
import type { IdentityDirectory } from './identities.js';
import type { KnockDirectory } from './knocks.js';

export type RoomServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type RoomSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type ClientEvent = keyof ClientToServerEvents;

/** A peer id's live PeerServer connection, on whichever node holds it. */
export interface PeerConnection {
  /** SHA-256 of the token it connected with. */
  tokenDigest: string;
  /** The client address it connected from. */
  address: string | undefined;
}

/** What the signaling layer needs to know about the PeerServer. */
export interface PeerDirectory {
  /** `peerId`'s PeerServer connection once it is there (waiting at most `ms`), or undefined. */
  waitForPeer(peerId: string, ms: number): Promise<PeerConnection | undefined>;
}

export interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface RoomHandlerDeps {
  store: RoomStore;
  /** This node's name, with several nodes: rings and reachable tabs remember it. */
  node?: string;
  /** Where ringing state lives (in this process unless given). */
  ringStore?: RingStore;
  peers: PeerDirectory;
  /** Who is who; shared with the PeerServer, which obeys it. */
  identities: IdentityDirectory;
  /** Who waits behind each knock (a socket id, on any node). */
  knocks: KnockDirectory;
  capacity: number;
  log: Logger;
  metrics?: SignalingMetrics;
  now?: () => number;
  /** How long a join waits for its peer id to reach the PeerServer. */
  peerWaitMs?: number;
  /** How long a dropped member keeps its seat, host role and admission (0: leave at once). */
  reconnectGraceMs?: number;
  /** The chat history a join's answer carries, in bytes of JSON (the newest messages that fit). */
  joinChatBytes?: number;
  /** Lists reachable handles to anyone who asks (off by default: privacy). */
  ringDirectory?: boolean;
  ringTimeoutMs?: number;
  ringRetryMs?: number;
  /** The client's address (behind trusted proxies, from X-Forwarded-For); the connection's by default. */
  addressOf?: AddressOf;
  /** TURN credentials for a connected client, and how often one address may have them. */
  ice?: { answer: () => IceAnswer; limit: AddressRateLimit };
}

/** Server-wide lookups the handlers share: who is who, who waits behind each knock, grace timers. */
export interface Registry {
  identities: IdentityDirectory;
  knocks: KnockDirectory;
  /** This node's reconnect-grace timers, by peer id. */
  graceTimers: Map<string, ReturnType<typeof setTimeout>>;
}

export interface Member {
  roomId: string;
  peerId: string;
}

/**
 * What a handler gets for one event: the server, the socket it came from, and what every socket
 * shares. Made afresh for each event and dropped after it: a connected socket holds nothing of it.
 */
export interface HandlerContext {
  io: RoomServer;
  socket: RoomSocket;
  registry: Registry;
  deps: RoomHandlerDeps;
  now: () => number;
}

const MAX_PENDING_EVENTS = 16;

/** What a client hears when the shared store cannot be reached: it may retry. */
export const UNAVAILABLE = { code: 'unavailable', message: 'The call server is having trouble; retrying…' } as const;

export const newSecret = () => randomBytes(18).toString('base64url');

const RETRY_EVERY_MS = 2000;
const RETRY_ATTEMPTS = 150;

/**
 * Runs `step` until it succeeds, every 2 s for about 5 minutes: for the steps that must not be
 * lost when the shared store is briefly unreachable (a departure, a grace that ends). A person
 * waits for no answer from them.
 */
export async function retrying<T>(log: Logger, what: string, step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (attempt >= RETRY_ATTEMPTS) throw error;
      if (attempt === 1) log.warn({ err: error }, `${what} failed; retrying`);
      await new Promise((resolve) => setTimeout(resolve, RETRY_EVERY_MS).unref());
    }
  }
}

/** The member is back, or gone for good: its grace timer, if any, is off. */
export function clearGrace(registry: Registry, peerId: string): void {
  clearTimeout(registry.graceTimers.get(peerId));
  registry.graceTimers.delete(peerId);
}

/** Tells whoever waits behind `knockId` the answer, on whichever node; they wait no more. */
export async function answerKnocker(io: RoomServer, registry: Registry, knockId: string, answer: KnockAnswer): Promise<void> {
  const socketId = await registry.knocks.take(knockId);
  if (!socketId) return;
  const local = io.sockets.sockets.get(socketId);
  if (local) local.data.knock = undefined;
  io.to(socketId).emit('knock-answered', answer);
}

/** Where to emit to reach the socket speaking for `peerId` now, on any node (nowhere while it is away). */
export async function toPeer(
  io: RoomServer,
  registry: Registry,
  peerId: string | undefined,
): Promise<ReturnType<RoomServer['to']> | undefined> {
  const socketId = peerId === undefined ? undefined : (await registry.identities.get(peerId))?.socketId;
  return socketId ? io.to(socketId) : undefined;
}

/**
 * A socket stops speaking for its participant (taken over, moved, removed): quietly, no leave
 * announced. A socket on this node forgets its room at once. One on another node leaves the
 * Socket.IO room through the adapter but keeps its room data there: what it sends next meets the
 * room rules (which check membership), its leave and drop check the binding, and a reaction (no
 * rule) checks the binding too.
 */
export function detach(io: RoomServer, socketId: string, roomId: string, options: { disconnect?: boolean } = {}): void {
  const local = io.sockets.sockets.get(socketId);
  if (local) {
    local.data.roomId = undefined;
    local.data.peerId = undefined;
    void local.leave(roomId);
    if (options.disconnect) local.disconnect(true);
    return;
  }
  io.in(socketId).socketsLeave(roomId);
  if (options.disconnect) io.in(socketId).disconnectSockets(true);
}

/** What is kept per socket, made on its first event: its line of events waiting to run. */
interface SocketLine {
  queue: Promise<unknown>;
  pending: number;
}
const lines = new WeakMap<RoomSocket, SocketLine>();

/**
 * Runs `work` after the socket's earlier events, so a leave can never overtake the join before
 * it; and a bounded line, so a client cannot queue work without end (joins may wait for the
 * PeerServer).
 */
export function serially(ctx: HandlerContext, event: string, ack: unknown, work: () => Promise<unknown>): void {
  let line = lines.get(ctx.socket);
  if (!line) lines.set(ctx.socket, (line = { queue: Promise.resolve(), pending: 0 }));
  if (line.pending >= MAX_PENDING_EVENTS && event !== 'disconnecting') {
    return reject(ctx, ack, event, { code: 'rate-limited', message: 'Too many requests in progress: wait for the answers' });
  }
  const current = line;
  current.pending += 1;
  current.queue = current.queue
    .then(work)
    .catch((error: unknown) => ctx.deps.log.warn({ err: error, socket: ctx.socket.id, event }, 'room handler failed'))
    .finally(() => (current.pending -= 1));
}

export function reject(ctx: HandlerContext, ack: unknown, event: string, error: ErrorBody): void {
  ctx.deps.log.warn({ socket: ctx.socket.id, event, code: error.code }, 'rejected event');
  ctx.deps.metrics?.rejected(event, error.code);
  if (typeof ack === 'function') (ack as (r: Ack<never>) => void)({ ok: false, error });
}

function succeed<T>(ack: unknown, data: T): void {
  if (typeof ack === 'function') (ack as (r: Ack<T>) => void)({ ok: true, data });
}

/** The address the socket's client connects from, as the per-address limits see it. */
export const addressOfClient = ({ socket, deps }: HandlerContext): string => (deps.addressOf ?? clientAddress)(socket.request);

/** The room and peer id a socket is in, if it is in one. */
export function memberOf(socket: RoomSocket): Member | undefined {
  const { roomId, peerId } = socket.data;
  return roomId && peerId ? { roomId, peerId } : undefined;
}

export interface HandleOptions {
  /** Run after this socket's earlier events (the default). Off for moments with no state, like a reaction. */
  queued?: boolean;
}

/** Decides, before any handler, whether a socket may send this event now (rate limits). */
export type EventGuard = (socket: RoomSocket, event: string, args: unknown[]) => boolean;

type Listener = (ctx: HandlerContext, args: unknown[]) => void;

const NOT_IN_ROOM = { code: 'not-in-room', message: 'Join the room first' } as const;

/**
 * Every domain's handlers, defined once per server and shared by all its sockets. A socket gets
 * one dispatcher (`onAny`) and two lifecycle listeners, the same functions for every socket: no
 * closures per socket, so a connection costs little more than Socket.IO's own.
 */
export class HandlerTable {
  readonly #events = new Map<string, Listener>();
  readonly #disconnecting: Array<(ctx: HandlerContext, reason: string) => void> = [];
  readonly #disconnect: Array<(ctx: HandlerContext) => void> = [];
  readonly #dispatch: (this: RoomSocket, event: unknown, ...args: unknown[]) => void;
  readonly #onDisconnecting: (this: RoomSocket, reason: string) => void;
  readonly #onDisconnect: (this: RoomSocket) => void;

  constructor(
    readonly io: RoomServer,
    readonly registry: Registry,
    readonly deps: RoomHandlerDeps,
    guard: EventGuard = () => true,
  ) {
    const context = (socket: RoomSocket): HandlerContext => ({ io, socket, registry, deps, now: deps.now ?? Date.now });
    const events = this.#events;
    const disconnecting = this.#disconnecting;
    const disconnect = this.#disconnect;
    // Socket.IO calls these with the socket as `this`.
    this.#dispatch = function (event, ...args) {
      const name = typeof event === 'string' ? event : 'unknown';
      if (!guard(this, name, args)) return;
      events.get(name)?.(context(this), args);
    };
    this.#onDisconnecting = function (reason) {
      const ctx = context(this);
      disconnecting.forEach((listener) => listener(ctx, reason));
    };
    this.#onDisconnect = function () {
      const ctx = context(this);
      disconnect.forEach((listener) => listener(ctx));
    };
  }

  attach(socket: RoomSocket): void {
    socket.onAny(this.#dispatch);
    socket.on('disconnecting', this.#onDisconnecting);
    socket.on('disconnect', this.#onDisconnect);
  }

  /**
   * A request-like event: `parse` checks the arguments (the ack, when the client sent one, is
   * taken off the end first), `run` does the work and returns the answer. A refusal from either
   * is acked as `{ok: false, error}`, logged and counted; a success as `{ok: true, data}`; a
   * failure to reach the shared store as `unavailable`.
   */
  request<P, T>(
    event: ClientEvent,
    parse: (args: unknown[]) => Result<P>,
    run: (ctx: HandlerContext, input: P) => Result<T> | Promise<Result<T>>,
    options: HandleOptions = {},
  ): void {
    this.#events.set(event, (ctx, args) => {
      const ack = typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
      const work = async () => {
        const parsed = parse(args);
        if (!parsed.ok) return reject(ctx, ack, event, parsed.error);
        let result: Result<T>;
        try {
          result = await run(ctx, parsed.value);
        } catch (error) {
          // The shared store is unreachable (Redis is down): the client hears it and retries.
          ctx.deps.log.warn({ err: error, socket: ctx.socket.id, event }, 'room handler failed');
          return reject(ctx, ack, event, UNAVAILABLE);
        }
        if (!result.ok) return reject(ctx, ack, event, result.error);
        succeed(ack, result.value);
      };
      if (options.queued === false) void work();
      else serially(ctx, event, ack, work);
    });
  }

  /** `request()` for an event only a member of a room may send: `run` gets its room and peer id. */
  member<P, T>(
    event: ClientEvent,
    parse: (args: unknown[]) => Result<P>,
    run: (ctx: HandlerContext, input: P, member: Member) => Result<T> | Promise<Result<T>>,
    options: HandleOptions = {},
  ): void {
    this.request(
      event,
      parse,
      (ctx, input) => {
        const member = memberOf(ctx.socket);
        return member ? run(ctx, input, member) : { ok: false, error: NOT_IN_ROOM };
      },
      options,
    );
  }

  /** An event with no answer (like `set-busy`). */
  signal(event: ClientEvent, listener: Listener): void {
    this.#events.set(event, listener);
  }

  /** The socket is going: its rooms are still known. */
  onDisconnecting(listener: (ctx: HandlerContext, reason: string) => void): void {
    this.#disconnecting.push(listener);
  }

  /** The socket is gone. */
  onDisconnect(listener: (ctx: HandlerContext) => void): void {
    this.#disconnect.push(listener);
  }
}

/** Parsers for the simple argument lists; richer payloads have theirs in validate.ts. */
export const parse = {
  nothing: (): Result<null> => ({ ok: true, value: null }),
  boolean:
    (what: string) =>
    ([value]: unknown[]): Result<boolean> =>
      typeof value === 'boolean' ? { ok: true, value } : fail('invalid-payload', `"${what}" is true or false`),
  string:
    (message: string) =>
    ([value]: unknown[]): Result<string> =>
      typeof value === 'string' ? { ok: true, value } : fail('invalid-payload', message),
};
