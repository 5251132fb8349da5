/**
 * Membership over Socket.IO: joining (the identity checks of server/signaling/identities.ts, then
 * the room rules), media state, leaving, and the reconnect grace a dropped member keeps.
 */
import type { ChatMessage, JoinedRoom, Participant, RoomPreview } from '../../protocol/contract.js';
import type { Result } from '../rooms/result.js';
import {
  expireAway,
  joinRoom,
  leaveRoom,
  markAway,
  newParticipant,
  previewRoom,
  roomInfo,
  updateMedia,
  type Left,
  type Room,
  type RuleResult,
} from '../rooms/rooms.js';
import {
  addressOfClient,
  answerKnocker,
  clearGrace,
  detach,
  retrying,
  memberOf,
  parse,
  serially,
  toPeer,
  type HandlerContext,
  type HandlerTable,
  type Member,
  type Registry,
  type RoomHandlerDeps,
  type RoomServer,
} from './context.js';
import { digestToken, type Binding } from './identities.js';
import { fail } from '../rooms/result.js';
import { isValidRoomId, parseJoinArgs, parseMediaState, parseViewSizes } from './validate.js';

const DEFAULT_JOIN_CHAT_BYTES = 32 * 1024;
const DEFAULT_GRACE_MS = 30_000;

/** Only an explicit goodbye is leaving; every other drop (a closed transport, a ping timeout, a
 * server restart) may come back within the reconnect grace. */
function isExplicitLeave(socketReason: string): boolean {
  return socketReason === 'client namespace disconnect';
}

/** The newest messages whose JSON fits in `maxBytes`, oldest first. */
export function recentChat(chat: ChatMessage[], maxBytes: number): ChatMessage[] {
  let bytes = 0;
  let first = chat.length;
  while (first > 0) {
    bytes += Buffer.byteLength(JSON.stringify(chat[first - 1]));
    if (bytes > maxBytes) break;
    first -= 1;
  }
  return chat.slice(first);
}

/**
 * A participant leaves `roomId` for good: the binding ends, the room hears it, the host role
 * passes on, and people still knocking on a room that emptied are told the call ended.
 */
async function depart(
  io: RoomServer,
  registry: Registry,
  deps: RoomHandlerDeps,
  roomId: string,
  peerId: string,
  /** The socket that spoke for the participant (undefined while it was away). */
  socketId: string | undefined,
  reason: 'left' | 'disconnected',
  rule: (room: Room | undefined) => RuleResult<Left | undefined>,
) {
  const result = await retrying(deps.log, 'a departure', () => deps.store.update(roomId, rule));
  if (!result.ok || !result.value) return;
  await retrying(deps.log, 'releasing a binding', () => registry.identities.release(peerId, roomId, socketId));
  clearGrace(registry, peerId);
  io.to(roomId).emit('user-disconnected', peerId, reason);
  deps.log.info({ room: roomId, peer: peerId, reason }, 'participant left');
  if (result.value.newHost && result.room) {
    io.to(roomId).emit('room-updated', roomInfo(result.room));
    // The new host now answers the knocks that were waiting for the old one.
    const host = await toPeer(io, registry, result.value.newHost);
    result.room.lobby.forEach((knock) => host?.emit('knocking', knock));
  }
  // Nobody inherits an empty room's lobby: its lock is gone with it, so those waiting are told.
  for (const knock of result.value.orphanedKnocks) {
    await answerKnocker(io, registry, knock.knockId, { admitted: false, reason: 'ended' });
  }
}

/** This socket leaves its room, if it is in one and still speaks for its participant. */
async function leave(ctx: HandlerContext, reason: 'left' | 'disconnected') {
  const { io, socket, registry, deps } = ctx;
  const member = memberOf(socket);
  if (!member) return;
  detach(io, socket.id, member.roomId);
  // Taken over from another node meanwhile: the participant is someone else's to end.
  const bound = await registry.identities.get(member.peerId);
  if (bound && bound.roomId === member.roomId && bound.socketId !== socket.id) return;
  await depart(io, registry, deps, member.roomId, member.peerId, socket.id, reason, (room) => leaveRoom(room, member.peerId));
}

/** A drop: the seat, the host role and the admission wait for the same token to come back. */
async function keepSeat(ctx: HandlerContext, member: Member, reason: string) {
  const { io, socket, registry, deps, now } = ctx;
  detach(io, socket.id, member.roomId);
  // Only the socket that speaks for the participant may put it away: one taken over is done.
  if (!(await retrying(deps.log, 'putting a member away', () => registry.identities.markAway(member.peerId, socket.id)))) return;
  deps.log.info({ room: member.roomId, peer: member.peerId, reason }, 'participant away');
  await startGrace(io, registry, deps, member, now());
}

export function defineMembershipHandlers(on: HandlerTable): void {
  // Classic clients send (roomId, peerId) only; richer ones add options and an ack.
  on.request(
    'join-room',
    ([roomId, peerId, options]) => parseJoinArgs(roomId, peerId, options),
    async (ctx, { roomId, peerId, options }): Promise<Result<JoinedRoom>> => {
      const { io, socket, registry, deps, now } = ctx;
      const { store, peers, capacity, log } = deps;
      const { identities } = registry;
      const taken = { ok: false, error: { code: 'peer-taken', message: 'That peer id belongs to someone in a call' } } as const;
      const notConnected = {
        ok: false,
        error: { code: 'peer-not-connected', message: 'Connect to the PeerServer with this peer id before joining' },
      } as const;
      // The token is the proof of identity: an id bound to a member opens only to its token.
      const heldByAnother = async () => {
        const bound = await identities.get(peerId);
        return !!bound && (options.peerToken === undefined || digestToken(options.peerToken) !== bound.tokenDigest);
      };
      if (await heldByAnother()) return taken;
      const connection = await peers.waitForPeer(peerId, deps.peerWaitMs ?? 3000);
      if (!connection) return notConnected;
      if (await heldByAnother()) return taken; // again: the wait let other events run
      // A classic client sends no token and proves nothing but where it connects from: it takes
      // on the token of a PeerServer connection only if that connection comes from its own address.
      if (options.peerToken === undefined && connection.address !== addressOfClient(ctx)) return taken;
      if (options.peerToken !== undefined && digestToken(options.peerToken) !== connection.tokenDigest) {
        return { ok: false, error: { code: 'invalid-peer', message: 'That peer id belongs to someone else' } };
      }
      const { tokenDigest } = connection;
      const bound = await identities.get(peerId);

      if (bound && bound.socketId !== socket.id) {
        // The proven owner, from another socket (on any node). Into the same room it is a
        // reconnect: the old socket stops speaking for it. Into another room it is a move: a
        // proper leave first.
        if (bound.socketId) detach(io, bound.socketId, bound.roomId, { disconnect: true });
        if (bound.roomId !== roomId) {
          await depart(io, registry, deps, bound.roomId, peerId, bound.socketId, 'left', (room) => leaveRoom(room, peerId));
        }
      }
      const current = memberOf(socket);
      if (current && (current.roomId !== roomId || current.peerId !== peerId)) await leave(ctx, 'left');

      const candidate = newParticipant(peerId, options, now());
      const access = { tokenDigest, clientId: options.clientId, ticket: options.ticket };
      const result = await store.update(roomId, (room) => joinRoom(room, roomId, candidate, capacity, access));
      if (!result.ok) return result;
      const room = result.room!;
      const { self, others, rejoined, stoppedRecording } = result.value;
      clearGrace(registry, peerId);
      // Bound before anyone hears of it, so their calls to this peer are relayed at once.
      await identities.bind({ peerId, roomId, tokenDigest, socketId: socket.id });
      socket.data.roomId = roomId;
      socket.data.peerId = peerId;
      await socket.join(roomId);
      if (rejoined) socket.to(roomId).emit('participant-updated', self);
      else socket.to(roomId).emit('user-connected', peerId, self);
      for (const stopped of stoppedRecording) socket.to(roomId).emit('participant-updated', stopped);
      log.info({ room: roomId, peer: peerId, rejoined }, 'participant joined');
      deps.metrics?.joined();
      return {
        ok: true,
        value: {
          roomId,
          self,
          participants: others,
          capacity: room.capacity,
          room: roomInfo(room),
          chat: recentChat(room.chat, deps.joinChatBytes ?? DEFAULT_JOIN_CHAT_BYTES),
          lobby: room.hostPeerId === peerId ? room.lobby : [],
        },
      };
    },
  );

  // The pre-join screen's "Ada and 2 others are here": only what a join would tell.
  on.request(
    'peek-room',
    ([roomId]): Result<string> =>
      isValidRoomId(roomId) ? { ok: true, value: roomId } : fail('invalid-room', 'Room ids are 1 to 64 letters, digits, "-" or "_"'),
    async ({ deps }, roomId): Promise<Result<RoomPreview>> => ({ ok: true, value: previewRoom(await deps.store.get(roomId)) }),
    { queued: false },
  );

  // Receiver-driven sending: how a member shows the others' video, told to the room.
  on.member(
    'view',
    ([sizes]) => parseViewSizes(sizes),
    ({ socket }, sizes, { roomId, peerId }): Result<null> => {
      socket.to(roomId).emit('view', peerId, sizes);
      return { ok: true, value: null };
    },
    { queued: false },
  );

  on.member(
    'update-media',
    ([media]) => parseMediaState(media),
    async ({ socket, deps }, media, { roomId, peerId }): Promise<Result<Participant>> => {
      const result = await deps.store.update(roomId, (room) => updateMedia(room, peerId, media));
      if (result.ok) socket.to(roomId).emit('participant-updated', result.value);
      return result;
    },
  );

  on.request('leave-room', parse.nothing, async (ctx) => {
    await leave(ctx, 'left');
    return { ok: true, value: null };
  });

  on.onDisconnecting((ctx, reason) =>
    serially(ctx, 'disconnecting', undefined, async () => {
      const member = memberOf(ctx.socket);
      if (!member) return;
      const graceMs = ctx.deps.reconnectGraceMs ?? DEFAULT_GRACE_MS;
      if (isExplicitLeave(reason) || graceMs === 0) return leave(ctx, isExplicitLeave(reason) ? 'left' : 'disconnected');
      await keepSeat(ctx, member, reason);
    }),
  );
}

/**
 * `member` is away since `since`: it keeps its seat for the grace, then leaves unless a socket (on
 * any node) speaks for it again by then.
 */
async function startGrace(io: RoomServer, registry: Registry, deps: RoomHandlerDeps, member: Member, since: number) {
  const away = await retrying(deps.log, 'keeping a seat', () =>
    deps.store.update(member.roomId, (room) => markAway(room, member.peerId, since)),
  );
  if (!away.ok || !away.value) {
    // No seat to keep (removed meanwhile): nothing is bound to this socket any more.
    await retrying(deps.log, 'releasing a binding', () => registry.identities.release(member.peerId, member.roomId));
    return;
  }
  clearGrace(registry, member.peerId);
  const timer = setTimeout(() => {
    registry.graceTimers.delete(member.peerId);
    void expire(member, since).catch((error: unknown) => deps.log.warn({ err: error }, 'grace expiry failed'));
  }, deps.reconnectGraceMs ?? DEFAULT_GRACE_MS);
  timer.unref();
  registry.graceTimers.set(member.peerId, timer);

  /** The grace is over: still away (no socket speaks for it, on any node), the participant leaves. */
  async function expire(member: Member, since: number) {
    const bound = await retrying(deps.log, 'a grace that ends', () => registry.identities.get(member.peerId));
    if (bound?.socketId && bound.roomId === member.roomId) return;
    await depart(io, registry, deps, member.roomId, member.peerId, undefined, 'disconnected', (room) =>
      expireAway(room, member.peerId, since),
    );
  }
}

/**
 * Another node stopped (its heartbeat lapsed): this node takes on the members it held. Each is
 * away from now, and keeps its seat for the grace, as after any drop; those who reconnect through
 * a live node meanwhile are recognised by their tokens.
 */
export async function adoptMembers(io: RoomServer, registry: Registry, deps: RoomHandlerDeps, bindings: Binding[]): Promise<void> {
  const since = (deps.now ?? Date.now)();
  for (const binding of bindings) {
    const current = await registry.identities.get(binding.peerId);
    // Moved on, or taken over by a socket on a live node meanwhile: theirs now.
    if (current && (current.roomId !== binding.roomId || (current.socketId && current.socketId !== binding.socketId))) continue;
    if (current?.socketId) await registry.identities.markAway(binding.peerId, current.socketId);
    // Away already, or its binding lapsed: the room may still list it, so the grace starts all the same.
    await startGrace(io, registry, deps, { roomId: binding.roomId, peerId: binding.peerId }, since);
  }
}

/**
 * The shared store is back after an outage longer than a binding's lifetime, or this node finds it
 * was taken for lost (its heartbeat lapsed while it stalled): each of its sockets that is in a
 * room, and that the room still lists with a token digest, is bound again. The room, not the
 * socket's own word, decides: someone removed meanwhile is not.
 */
export async function reassertBindings(io: RoomServer, registry: Registry, deps: RoomHandlerDeps): Promise<void> {
  for (const socket of io.sockets.sockets.values()) {
    const member = memberOf(socket);
    if (!member) continue;
    // Bound to a socket (this one, or one that took over): nothing to do. Missing, or put away
    // by a node that took this one for lost while it was still here: bound again.
    const bound = await registry.identities.get(member.peerId);
    if (bound?.socketId || (bound && bound.roomId !== member.roomId)) continue;
    const room = await deps.store.get(member.roomId);
    const credential = room?.credentials.find((c) => c.peerId === member.peerId);
    if (!credential || !room?.participants.some((p) => p.peerId === member.peerId)) continue;
    await registry.identities.bind({ ...member, tokenDigest: credential.tokenDigest, socketId: socket.id });
    deps.log.info({ room: member.roomId, peer: member.peerId }, 'bound again after an outage');
  }
}
