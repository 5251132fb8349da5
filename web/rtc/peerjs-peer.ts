/**
 * The mesh's PeerServer connection is PeerJS's Peer. Kept apart from peer-mesh.ts so the mesh's
 * rules run in Node with a fake Peer (peerjs itself cannot be imported there as ESM).
 */
import { Peer, type PeerOptions } from 'peerjs';
import type { MeshPeer } from './mesh-peer.js';

export const createPeerJsPeer = (peerId: string, options: PeerOptions): MeshPeer => new Peer(peerId, options);
