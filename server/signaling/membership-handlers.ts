/**
 * Membership over Socket.IO: joining (the identity checks of server/signaling/identities.ts, then
 * the room rules), media state, leaving, and the reconnect grace a dropped member keeps.
 */
import type { ChatMessage, JoinedRoom, Participant } from '../../protocol/contract.js';
import type { Result } from '../rooms/result.js';
import {
  expireAway,
  joinRoom,
  leaveRoom,
  markAway,
  newParticipant,
  roomInfo,
  updateMedia,
  type Left,
  type Room,
  type RuleResult,
} from '../rooms/rooms.js';
import {
  answerKnocker,
  clearGrace,
  detach,
  handle,
  handleMember,
  parse,
  type HandlerContext,
  type Member,
  type Registry,
  type RoomHandlerDeps,
  type RoomServer,
} from './context.js';
import { digestToken } from './identities.js';
import { parseJoinArgs, parseMediaState } from './validate.js';

const DEFAULT_JOIN_CHAT_BYTES = 32 * 1024;

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
  reason: 'left' | 'disconnected',
  rule: (room: Room | undefined) => RuleResult<Left | undefined>,
) {
  const result = await deps.store.update(roomId, rule);
  if (!result.ok || !result.value) return;
  registry.identities.release(peerId, roomId);
  clearGrace(registry, peerId);
  io.to(roomId).emit('user-disconnected', peerId, reason);
  deps.log.info({ room: roomId, peer: peerId, reason }, 'participant left');
  if (result.value.newHost && result.room) {
    io.to(roomId).emit('room-updated', roomInfo(result.room));
    // The new host now answers the knocks that were waiting for the old one.
    const host = registry.identities.socketOf(result.value.newHost);
    result.room.lobby.forEach((knock) => host?.emit('knocking', knock));
  }
  // Nobody inherits an empty room's lobby: its lock is gone with it, so those waiting are told.
  for (const knock of result.value.orphanedKnocks) answerKnocker(registry, knock.knockId, { admitted: false, reason: 'ended' });
}

export function attachMembershipHandlers(ctx: HandlerContext): void {
  const { io, socket, registry, deps, now } = ctx;
  const { store, peers, capacity, log } = deps;
  const { identities } = registry;
  const graceMs = deps.reconnectGraceMs ?? 30_000;

  /** This socket leaves its room, if it is in one. */
  async function leave(reason: 'left' | 'disconnected') {
    const member = ctx.member();
    if (!member) return;
    detach(socket, member.roomId);
    await depart(io, registry, deps, member.roomId, member.peerId, reason, (room) => leaveRoom(room, member.peerId));
  }

  // Classic clients send (roomId, peerId) only; richer ones add options and an ack.
  handle(
    ctx,
    'join-room',
    ([roomId, peerId, options]) => parseJoinArgs(roomId, peerId, options),
    async ({ roomId, peerId, options }): Promise<Result<JoinedRoom>> => {
      const taken = { ok: false, error: { code: 'peer-taken', message: 'That peer id belongs to someone in a call' } } as const;
      const notConnected = {
        ok: false,
        error: { code: 'peer-not-connected', message: 'Connect to the PeerServer with this peer id before joining' },
      } as const;
      // The token is the proof of identity: an id bound to a member opens only to its token.
      const heldByAnother = () => {
        const bound = identities.get(peerId);
        return !!bound && (options.peerToken === undefined || digestToken(options.peerToken) !== bound.tokenDigest);
      };
      if (heldByAnother()) return taken;
      if (!(await peers.waitForPeer(peerId, deps.peerWaitMs ?? 3000))) return notConnected;
      if (heldByAnother()) return taken; // again: the wait let other events run
      let token = options.peerToken;
      if (token === undefined) {
        // A classic client sends none and proves nothing but where it connects from: it takes on
        // the token of a PeerServer connection only if that connection comes from its own address.
        if (peers.addressOf(peerId) !== socket.handshake.address) return taken;
        token = peers.tokenOf(peerId);
      } else if (peers.tokenOf(peerId) !== token) {
        return { ok: false, error: { code: 'invalid-peer', message: 'That peer id belongs to someone else' } };
      }
      if (token === undefined) return notConnected;
      const tokenDigest = digestToken(token);
      const bound = identities.get(peerId);

      if (bound && bound.socket !== socket) {
        // The proven owner, from another socket. Into the same room it is a reconnect: the old
        // socket stops speaking for it. Into another room it is a move: a proper leave first.
        if (bound.socket) {
          detach(bound.socket, bound.roomId);
          bound.socket.disconnect(true);
        }
        if (bound.roomId !== roomId) {
          await depart(io, registry, deps, bound.roomId, peerId, 'left', (room) => leaveRoom(room, peerId));
        }
      }
      const current = ctx.member();
      if (current && (current.roomId !== roomId || current.peerId !== peerId)) await leave('left');

      const candidate = newParticipant(peerId, options, now());
      const access = { tokenDigest, clientId: options.clientId, ticket: options.ticket };
      const result = await store.update(roomId, (room) => joinRoom(room, roomId, candidate, capacity, access));
      if (!result.ok) return result;
      const room = result.room!;
      const { self, others, rejoined } = result.value;
      clearGrace(registry, peerId);
      // Bound before anyone hears of it, so their calls to this peer are relayed at once.
      identities.bind({ peerId, roomId, tokenDigest, socket });
      socket.data.roomId = roomId;
      socket.data.peerId = peerId;
      await socket.join(roomId);
      if (rejoined) socket.to(roomId).emit('participant-updated', self);
      else socket.to(roomId).emit('user-connected', peerId, self);
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

  handleMember(
    ctx,
    'update-media',
    ([media]) => parseMediaState(media),
    async (media, { roomId, peerId }): Promise<Result<Participant>> => {
      const result = await store.update(roomId, (room) => updateMedia(room, peerId, media));
      if (result.ok) socket.to(roomId).emit('participant-updated', result.value);
      return result;
    },
  );

  handle(ctx, 'leave-room', parse.nothing, async () => {
    await leave('left');
    return { ok: true, value: null };
  });

  socket.on('disconnecting', (reason) =>
    ctx.serially('disconnecting', undefined, async () => {
      const member = ctx.member();
      if (!member) return;
      if (isExplicitLeave(reason) || graceMs === 0) return leave(isExplicitLeave(reason) ? 'left' : 'disconnected');
      await keepSeat(member, reason);
    }),
  );

  /** A drop: the seat, the host role and the admission wait for the same token to come back. */
  async function keepSeat(member: Member, reason: string) {
    detach(socket, member.roomId);
    const since = now();
    const away = await store.update(member.roomId, (room) => markAway(room, member.peerId, since));
    const binding = identities.get(member.peerId);
    if (!away.ok || !away.value) {
      // No seat to keep (removed meanwhile): nothing is bound to this socket any more.
      if (binding?.socket === socket) identities.release(member.peerId, member.roomId);
      return;
    }
    if (binding?.socket === socket) binding.socket = undefined;
    log.info({ room: member.roomId, peer: member.peerId, reason }, 'participant away');
    clearGrace(registry, member.peerId);
    const timer = setTimeout(() => {
      registry.graceTimers.delete(member.peerId);
      void depart(io, registry, deps, member.roomId, member.peerId, 'disconnected', (room) => expireAway(room, member.peerId, since)).catch(
        (error: unknown) => log.warn({ err: error }, 'grace expiry failed'),
      );
    }, graceMs);
    timer.unref();
    registry.graceTimers.set(member.peerId, timer);
  }
}
