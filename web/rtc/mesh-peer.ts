/**
 * The parts of PeerJS the mesh uses: a seam, so the mesh's rules run in Node with fakes
 * (test/web/peer-mesh.test.ts) and in the browser with PeerJS itself (peerjs-peer.ts).
 */

/** The part of a PeerJS MediaConnection the mesh uses (a seam for tests). */
export interface MeshCall {
  readonly peer: string;
  /** What the caller said the call is (`{screen: true}` for a shared screen). */
  readonly metadata?: unknown;
  readonly peerConnection: RTCPeerConnection | undefined;
  answer(stream?: MediaStream, options?: { sdpTransform?: (sdp: string) => string }): void;
  close(): void;
  on(event: 'stream', listener: (stream: MediaStream) => void): unknown;
  on(event: 'close' | 'error', listener: () => void): unknown;
}

/** The part of a PeerJS DataConnection the mesh uses (files: file-transfer.ts). */
export interface MeshData {
  readonly peer: string;
  readonly metadata?: unknown;
  readonly open: boolean;
  readonly dataChannel: RTCDataChannel | undefined;
  send(data: string | ArrayBuffer): void;
  close(): void;
  on(event: 'data', listener: (data: unknown) => void): unknown;
  on(event: 'open' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  off(event: 'data', listener: (data: unknown) => void): unknown;
}

/** The part of a PeerJS Peer the mesh uses (a seam for tests). */
export interface MeshPeer {
  readonly open: boolean;
  readonly disconnected: boolean;
  readonly destroyed: boolean;
  readonly options: { config?: unknown };
  call(peerId: string, stream: MediaStream, options?: { metadata?: unknown; sdpTransform?: (sdp: string) => string }): MeshCall | undefined;
  /** A data channel of its own (an RTCPeerConnection apart from the call's): files. */
  connect?(peerId: string, options: { reliable: boolean; serialization: 'raw'; metadata: unknown }): MeshData | undefined;
  on(event: 'call', listener: (call: MeshCall) => void): unknown;
  on(event: 'connection', listener: (connection: MeshData) => void): unknown;
  on(event: 'open', listener: (id: string) => void): unknown;
  on(event: 'disconnected', listener: () => void): unknown;
  on(event: 'error', listener: (error: { type?: string }) => void): unknown;
  once(event: 'open', listener: (id: string) => void): unknown;
  reconnect(): void;
  destroy(): void;
}
