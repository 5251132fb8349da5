/**
 * Who is who: the one authority over identity. A participant is one binding of a peer id to the
 * token that proved it, the room it is in and the socket that speaks for it. The room signaling
 * writes bindings as people join and leave; the PeerServer reads them to decide who may register
 * an id and whose frames it relays. A binding lasts as long as the membership, reconnect grace
 * included.
 *
 * This is the in-process index. With a shared store the same bindings live beside the rooms
 * (each room's `credentials`), and this index is each node's view of them.
 */
import { createHash } from 'node:crypto';

export interface Binding<S> {
  peerId: string;
  roomId: string;
  /** SHA-256 of the PeerJS token that proved the id; classic clients' is learned from the PeerServer. */
  tokenDigest: string;
  /** The socket that speaks for it; undefined while it is away, within the reconnect grace. */
  socket: S | undefined;
}

/** Why the PeerServer would not relay a frame. */
export type RelayRefusal = 'sender-not-in-room' | 'recipient-not-in-room' | 'other-room';

/** What the PeerServer asks of the identity authority. */
export interface PeerPolicy {
  /** May a PeerServer client register `peerId` with the token of digest `tokenDigest`? Only its owner's, while bound. */
  mayRegister(peerId: string, tokenDigest: string): boolean;
  /** May `src`, connected with the token of digest `srcDigest`, signal `dst`? Only within one room. */
  relayRefusal(src: string, srcDigest: string, dst: string): RelayRefusal | undefined;
}

export const digestToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

export class Identities<S> implements PeerPolicy {
  // A Map: peer ids such as `__proto__` are plain keys here.
  readonly #byPeer = new Map<string, Binding<S>>();

  get(peerId: string): Binding<S> | undefined {
    return this.#byPeer.get(peerId);
  }

  bind(binding: Binding<S>): void {
    this.#byPeer.set(binding.peerId, binding);
  }

  /** Ends a binding, but only the one for `roomId`: a binding the id has since moved on from is kept. */
  release(peerId: string, roomId: string): void {
    if (this.#byPeer.get(peerId)?.roomId === roomId) this.#byPeer.delete(peerId);
  }

  /** The socket speaking for `peerId` now, if it is bound and connected. */
  socketOf(peerId: string | undefined): S | undefined {
    return peerId === undefined ? undefined : this.#byPeer.get(peerId)?.socket;
  }

  mayRegister(peerId: string, tokenDigest: string): boolean {
    const bound = this.#byPeer.get(peerId);
    return !bound || bound.tokenDigest === tokenDigest;
  }

  relayRefusal(src: string, srcDigest: string, dst: string): RelayRefusal | undefined {
    const from = this.#byPeer.get(src);
    if (!from || from.tokenDigest !== srcDigest) return 'sender-not-in-room';
    const to = this.#byPeer.get(dst);
    if (!to) return 'recipient-not-in-room';
    return from.roomId === to.roomId ? undefined : 'other-room';
  }
}
