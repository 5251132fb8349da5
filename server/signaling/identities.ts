/**
 * Who is who: the one authority over identity. A participant is one binding of a peer id to the
 * token that proved it, the room it is in and the socket that speaks for it. The room signaling
 * writes bindings as people join and leave; the PeerServer reads them to decide who may register
 * an id and whose frames it relays. A binding lasts as long as the membership, reconnect grace
 * included.
 *
 * Sockets are named by id, not held: with several nodes (server/cluster/) the socket may live on
 * another node, and Socket.IO reaches it by id through the adapter. `MemoryIdentities` is the
 * embedded default; `RedisIdentities` shares the same bindings between nodes.
 */
import { createHash } from 'node:crypto';

export interface Binding {
  peerId: string;
  roomId: string;
  /** SHA-256 of the PeerJS token that proved the id; classic clients' is learned from the PeerServer. */
  tokenDigest: string;
  /** The Socket.IO socket that speaks for it; undefined while it is away, within the reconnect grace. */
  socketId: string | undefined;
}

/** Why the PeerServer would not relay a frame. */
export type RelayRefusal = 'sender-not-in-room' | 'recipient-not-in-room' | 'other-room';

/** What the PeerServer asks of the identity authority. */
export interface PeerPolicy {
  /** May a PeerServer client register `peerId` with the token of digest `tokenDigest`? Only its owner's, while bound. */
  mayRegister(peerId: string, tokenDigest: string): Promise<boolean>;
  /** May `src`, connected with the token of digest `srcDigest`, signal `dst`? Only within one room. */
  relayRefusal(src: string, srcDigest: string, dst: string): Promise<RelayRefusal | undefined>;
}

export interface IdentityDirectory extends PeerPolicy {
  get(peerId: string): Promise<Binding | undefined>;
  bind(binding: Binding): Promise<void>;
  /**
   * Ends a binding, but only the one for `roomId`, and only while no socket other than
   * `socketId` speaks for it (none, when `socketId` is undefined): a binding the id has since moved
   * on from, or that a reconnect on another node has just made, is kept.
   */
  release(peerId: string, roomId: string, socketId?: string): Promise<void>;
  /**
   * `socketId` stops speaking for `peerId` (the member is away, within the grace). Only if it is
   * still the binding's socket: false when another socket has taken over, or nothing is bound.
   */
  markAway(peerId: string, socketId: string): Promise<boolean>;
}

export const digestToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

/** The relay rule, shared by every directory: both bound, the sender by this token, in one room. */
export function relayRefusal(from: Binding | undefined, srcDigest: string, to: Binding | undefined): RelayRefusal | undefined {
  if (!from || from.tokenDigest !== srcDigest) return 'sender-not-in-room';
  if (!to) return 'recipient-not-in-room';
  return from.roomId === to.roomId ? undefined : 'other-room';
}

export class MemoryIdentities implements IdentityDirectory {
  // A Map: peer ids such as `__proto__` are plain keys here.
  readonly #byPeer = new Map<string, Binding>();

  async get(peerId: string) {
    return this.#byPeer.get(peerId);
  }

  async bind(binding: Binding) {
    this.#byPeer.set(binding.peerId, { ...binding });
  }

  async release(peerId: string, roomId: string, socketId?: string) {
    const bound = this.#byPeer.get(peerId);
    if (bound?.roomId === roomId && (bound.socketId === undefined || bound.socketId === socketId)) this.#byPeer.delete(peerId);
  }

  async markAway(peerId: string, socketId: string) {
    const bound = this.#byPeer.get(peerId);
    if (!bound || bound.socketId !== socketId) return false;
    bound.socketId = undefined;
    return true;
  }

  async mayRegister(peerId: string, tokenDigest: string) {
    const bound = this.#byPeer.get(peerId);
    return !bound || bound.tokenDigest === tokenDigest;
  }

  async relayRefusal(src: string, srcDigest: string, dst: string) {
    return relayRefusal(this.#byPeer.get(src), srcDigest, this.#byPeer.get(dst));
  }
}
