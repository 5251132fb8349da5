/**
 * Files, person to person: each file goes to each recipient over a WebRTC data channel of its
 * own (a PeerJS DataConnection, so it reaches them the way the call does: directly, or through
 * the TURN relay), never through the server. The server only passes the connection's offer and
 * answer, as for any call; the file's name travels in the channel.
 *
 * On the channel, in order (JSON text, then binary chunks):
 * - sender: `{t: "offer", name, size, type}`;
 * - receiver: `{t: "accept"}` or `{t: "decline", reason?}`;
 * - sender: the bytes in chunks of CHUNK_BYTES, then `{t: "done", sha256}`;
 * - receiver: `{t: "received"}` when its own SHA-256 of what arrived matches, else
 *   `{t: "refused", reason: "hash"}`;
 * - either side, any time: `{t: "cancel"}`, then closes the channel.
 *
 * Flow control: the sender reads the file a block at a time and stops while the channel holds
 * more than HIGH_WATER bytes, until `bufferedamountlow` (LOW_WATER): a large file never sits in
 * memory on the sending side. The receiving side keeps what arrived in memory until it is saved,
 * so an offer over the size limit (MAX_FILE_MB on the server, 500 by default) is declined at
 * once, on both sides, with that reason.
 *
 * A channel is a claim too: whoever opens one must be in our room (the mesh checks), an offer
 * must be well formed, and bytes beyond the announced size, or a done that does not add up, end
 * the transfer as failed. Nobody else's transfer is touched.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { Emitter, randomAlphanumeric } from './emitter.js';
import type { MeshData } from './mesh-peer.js';

/** One message on the wire: a 64 KiB chunk (every browser takes 64 KiB messages). */
export const CHUNK_BYTES = 64 * 1024;
/** What the sender reads from the file at once. */
const READ_BYTES = 1024 * 1024;
/** The sender waits while the channel holds more than this, until it is down to LOW_WATER. */
export const HIGH_WATER = 4 * 1024 * 1024;
export const LOW_WATER = 1024 * 1024;
/** A channel that has not opened by then will not. */
const OPEN_TIMEOUT_MS = 30_000;
/** After a last message (a cancel, a decline, received) the channel closes once it is sent, or after this. */
const CLOSE_AFTER_MS = 3000;
/** How often progress is told (and the speed measured over). */
const PROGRESS_MS = 250;
/** Channels from one person waiting for an offer or an answer at once; more are closed unseen. */
const MAX_PENDING_OFFERS = 8;
/** A channel that has offered nothing by then is closed. */
const OFFER_WITHIN_MS = 10_000;
/** The longest file name kept. */
const MAX_NAME = 255;

/** The part of a data channel a transfer uses (a PeerJS DataConnection in the browser; a fake in tests). */
export interface FileChannel {
  /** The other side's peer id. */
  readonly peer: string;
  /** Resolves once the channel is open; rejects if it never opens. */
  readonly opened: Promise<void>;
  readonly bufferedAmount: number;
  /** Resolves once bufferedAmount is down to LOW_WATER. */
  drained(): Promise<void>;
  send(data: string | ArrayBuffer): void;
  onMessage(listener: (data: unknown) => void): void;
  onClose(listener: () => void): void;
  close(): void;
}

export type TransferStatus =
  /** Ours: the channel is being opened, or the offer waits for an answer. */
  | 'waiting'
  /** Theirs: waits for Accept or Decline. */
  | 'offered'
  | 'sending'
  | 'receiving'
  /** Received, and the SHA-256s match; or sent, and the receiver said so. */
  | 'done'
  | 'declined'
  | 'cancelled'
  | 'failed';

/** Why a transfer ended without the file. */
export type TransferProblem =
  /** The SHA-256 of what arrived was not the sender's. */
  | 'hash-mismatch'
  /** Over MAX_FILE_MB. */
  | 'too-large'
  /** The connection was lost, or could not be made. */
  | 'connection'
  /** The other side broke the protocol (more bytes than announced, a done that does not add up). */
  | 'protocol';

export interface FileTransfer {
  readonly id: string;
  readonly direction: 'in' | 'out';
  /** The other side's peer id. */
  readonly peerId: string;
  readonly name: string;
  readonly size: number;
  readonly type: string;
  status: TransferStatus;
  /** Bytes that reached the other side (ours) or arrived (theirs). */
  bytes: number;
  /** Over the last moment. */
  bytesPerSecond: number;
  /** Who ended it: us or them (declined, cancelled). */
  endedBy?: 'self' | 'peer';
  problem?: TransferProblem;
  /** The received file, once its hash matched (theirs only). */
  file?: File;
  /** Hex SHA-256 of the file, once known. */
  sha256?: string;
}

export interface FileTransferEvents extends Record<string, unknown[]> {
  /** A transfer changed: a new offer, progress, an end. */
  update: [FileTransfer];
}

type Wire =
  | { t: 'offer'; name: string; size: number; type: string }
  | { t: 'accept' }
  | { t: 'decline'; reason?: string }
  | { t: 'done'; sha256: string }
  | { t: 'received' }
  | { t: 'refused'; reason: string }
  | { t: 'cancel' };

/** A message from the other side, or undefined when it is not one we know. */
function parseWire(data: unknown): Wire | undefined {
  if (typeof data !== 'string' || data.length > 2048) return undefined;
  try {
    const value = JSON.parse(data) as Record<string, unknown>;
    if (!value || typeof value !== 'object' || typeof value.t !== 'string') return undefined;
    if (value.t === 'offer') {
      const { name, size, type } = value;
      if (typeof name !== 'string' || !name.trim() || typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return undefined;
      return { t: 'offer', name: cleanName(name), size, type: typeof type === 'string' && type.length < 128 ? type : '' };
    }
    if (value.t === 'done')
      return typeof value.sha256 === 'string' && /^[0-9a-f]{64}$/.test(value.sha256) ? { t: 'done', sha256: value.sha256 } : undefined;
    if (value.t === 'decline' || value.t === 'refused')
      return { t: value.t, reason: typeof value.reason === 'string' ? value.reason.slice(0, 32) : '' };
    if (value.t === 'accept' || value.t === 'received' || value.t === 'cancel') return { t: value.t };
    return undefined;
  } catch {
    return undefined;
  }
}

/** A file name as a name: no path, no control or direction characters, not too long. */
export function cleanName(name: string): string {
  const base = name
    .split(/[\\/]/)
    .pop()!
    // Control characters, and bidirectional overrides that would show "invoice‮fdp.exe" as
    // "invoiceexe.pdf".
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .trim();
  return (base || 'file').slice(0, MAX_NAME);
}

interface Entry {
  transfer: FileTransfer;
  channel: FileChannel;
  /** Theirs: the chunks so far. */
  chunks: ArrayBuffer[];
  hash: ReturnType<typeof sha256.create>;
  /** Ours: the file being sent. */
  source?: Blob;
  /** Ours: bytes handed to the channel. */
  handed: number;
  /** Progress: when and at how many bytes it was last told. */
  toldAt: number;
  toldBytes: number;
  settle?: () => void;
  /** Ours: every byte and the hash went out (only then may the other side say it received it). */
  doneSent?: boolean;
}

export interface FileTransfersOptions {
  /** Opens a channel to `peerId` for one file. */
  openChannel: (peerId: string) => FileChannel;
  /** The largest file, in bytes, sent or received (MAX_FILE_MB). */
  maxBytes: number;
  /** How often progress is told, at most (PROGRESS_MS). */
  progressMs?: number;
}

export class FileTransfers extends Emitter<FileTransferEvents> {
  #entries = new Map<string, Entry>();
  /** Channels each person opened to us that have not offered anything yet. */
  #waitingChannels = new Map<string, number>();
  #options: FileTransfersOptions;
  #closed = false;

  constructor(options: FileTransfersOptions) {
    super();
    this.#options = options;
  }

  get maxBytes(): number {
    return this.#options.maxBytes;
  }

  /** Every transfer of this call, oldest first. */
  list(): FileTransfer[] {
    return [...this.#entries.values()].map((e) => e.transfer);
  }

  get(id: string): FileTransfer | undefined {
    return this.#entries.get(id)?.transfer;
  }

  /** Bytes received and still held in memory for transfers under way (for tests). */
  heldBytes(): number {
    let held = 0;
    for (const entry of this.#entries.values()) for (const chunk of entry.chunks) held += chunk.byteLength;
    return held;
  }

  /**
   * Offers `file` to each of `peerIds`, one transfer each; resolves once every transfer has
   * ended (done, declined, cancelled or failed), with them. Throws `too-large` at once.
   */
  send(file: Blob & { name?: string }, peerIds: string[]): { transfers: FileTransfer[]; settled: Promise<FileTransfer[]> } {
    if (file.size > this.#options.maxBytes)
      throw Object.assign(new Error('The file is larger than this call allows'), { code: 'file-too-large' });
    const transfers = peerIds.map((peerId) => this.#sendTo(file, peerId));
    const settled = Promise.all(transfers.map((t) => this.#settled(t.id))).then(() => transfers);
    return { transfers, settled };
  }

  #sendTo(file: Blob & { name?: string }, peerId: string): FileTransfer {
    const channel = this.#options.openChannel(peerId);
    const transfer: FileTransfer = {
      id: randomAlphanumeric(16),
      direction: 'out',
      peerId,
      name: cleanName(file.name ?? 'file'),
      size: file.size,
      type: file.type,
      status: 'waiting',
      bytes: 0,
      bytesPerSecond: 0,
    };
    const entry = this.#add(transfer, channel);
    entry.source = file;
    this.emit('update', transfer);
    channel.opened.then(
      () => {
        if (this.#isOver(entry)) return;
        channel.send(JSON.stringify({ t: 'offer', name: transfer.name, size: transfer.size, type: transfer.type }));
      },
      () => this.#end(entry, 'failed', { problem: 'connection' }),
    );
    return transfer;
  }

  /**
   * A channel someone opened to us (the mesh checked they are in our room). One that says
   * nothing within OFFER_WITHIN_MS is closed; so is one beyond MAX_PENDING_OFFERS from the same
   * person (each is a connection of its own: a flood must not exhaust ours).
   */
  incoming(channel: FileChannel): void {
    if (this.#closed) return channel.close();
    const waiting = (this.#waitingChannels.get(channel.peer) ?? 0) + 1;
    const pending = this.list().filter((t) => t.direction === 'in' && t.peerId === channel.peer && t.status === 'offered').length;
    if (waiting + pending > MAX_PENDING_OFFERS) return channel.close();
    this.#waitingChannels.set(channel.peer, waiting);
    let entry: Entry | undefined;
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const left = (this.#waitingChannels.get(channel.peer) ?? 1) - 1;
      if (left > 0) this.#waitingChannels.set(channel.peer, left);
      else this.#waitingChannels.delete(channel.peer);
    };
    const timer = setTimeout(() => {
      settle();
      if (!entry) channel.close();
    }, OFFER_WITHIN_MS);
    channel.onClose(settle);
    channel.onMessage((data) => {
      if (entry) return;
      settle();
      const wire = parseWire(data);
      if (wire?.t !== 'offer') return channel.close();
      const transfer: FileTransfer = {
        id: randomAlphanumeric(16),
        direction: 'in',
        peerId: channel.peer,
        name: wire.name,
        size: wire.size,
        type: wire.type,
        status: 'offered',
        bytes: 0,
        bytesPerSecond: 0,
      };
      entry = this.#add(transfer, channel);
      if (wire.size > this.#options.maxBytes) return this.#decline(entry, 'too-large');
      this.emit('update', transfer);
    });
  }

  /**
   * Says yes to an offer: the bytes start coming. What is being received at once stays within
   * the size limit in all (each file is held in memory until saved): beyond it, the offer is
   * declined as too large.
   */
  accept(id: string): void {
    const entry = this.#entries.get(id);
    if (!entry || entry.transfer.direction !== 'in' || entry.transfer.status !== 'offered') return;
    const receiving = this.list().reduce((sum, t) => sum + (t.direction === 'in' && t.status === 'receiving' ? t.size : 0), 0);
    if (receiving + entry.transfer.size > this.#options.maxBytes) return this.#decline(entry, 'too-large');
    entry.transfer.status = 'receiving';
    entry.toldAt = Date.now();
    entry.channel.send(JSON.stringify({ t: 'accept' }));
    this.emit('update', entry.transfer);
  }

  decline(id: string): void {
    const entry = this.#entries.get(id);
    if (entry?.transfer.direction === 'in' && entry.transfer.status === 'offered') this.#decline(entry);
  }

  /** Stops a transfer either way, and tells the other side. */
  cancel(id: string): void {
    const entry = this.#entries.get(id);
    if (!entry || this.#isOver(entry)) return;
    this.#send(entry, { t: 'cancel' });
    this.#end(entry, 'cancelled', { endedBy: 'self' });
  }

  /** Forgets an ended transfer (and the received file it holds). */
  dismiss(id: string): void {
    const entry = this.#entries.get(id);
    if (entry && this.#isOver(entry)) this.#entries.delete(id);
  }

  /** `peerId` left the call: what is under way with them ends (cancelled, by them). */
  endWith(peerId: string): void {
    for (const entry of this.#entries.values()) {
      if (entry.transfer.peerId === peerId && !this.#isOver(entry)) this.#end(entry, 'cancelled', { endedBy: 'peer' });
    }
  }

  /** The call ended: everything under way is cancelled. */
  close(): void {
    this.#closed = true;
    for (const entry of this.#entries.values()) if (!this.#isOver(entry)) this.cancel(entry.transfer.id);
  }

  #add(transfer: FileTransfer, channel: FileChannel): Entry {
    const entry: Entry = { transfer, channel, chunks: [], hash: sha256.create(), handed: 0, toldAt: Date.now(), toldBytes: 0 };
    this.#entries.set(transfer.id, entry);
    channel.onMessage((data) => this.#onMessage(entry, data));
    channel.onClose(() => {
      if (!this.#isOver(entry)) this.#end(entry, 'failed', { problem: 'connection' });
    });
    return entry;
  }

  #settled(id: string): Promise<void> {
    const entry = this.#entries.get(id)!;
    if (this.#isOver(entry)) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = entry.settle;
      entry.settle = () => {
        previous?.();
        resolve();
      };
    });
  }

  #isOver(entry: Entry): boolean {
    return ['done', 'declined', 'cancelled', 'failed'].includes(entry.transfer.status);
  }

  #send(entry: Entry, wire: Wire) {
    try {
      entry.channel.send(JSON.stringify(wire));
    } catch {
      // Closed already: the other side learns from the close.
    }
  }

  #decline(entry: Entry, reason?: TransferProblem | 'busy') {
    this.#send(entry, { t: 'decline', reason });
    this.#end(entry, 'declined', { endedBy: 'self', problem: reason === 'too-large' ? 'too-large' : undefined });
  }

  #onMessage(entry: Entry, data: unknown) {
    const { transfer } = entry;
    if (this.#isOver(entry)) return;
    if (data instanceof ArrayBuffer) {
      if (transfer.direction !== 'in' || transfer.status !== 'receiving') return this.#fail(entry, 'protocol');
      if (transfer.bytes + data.byteLength > transfer.size) return this.#fail(entry, 'protocol');
      entry.chunks.push(data);
      entry.hash.update(new Uint8Array(data));
      transfer.bytes += data.byteLength;
      this.#progress(entry);
      return;
    }
    const wire = parseWire(data);
    if (!wire) return;
    if (transfer.direction === 'out') {
      if (wire.t === 'accept' && transfer.status === 'waiting') void this.#pump(entry);
      else if (wire.t === 'decline' && transfer.status === 'waiting')
        this.#end(entry, 'declined', { endedBy: 'peer', problem: wire.reason === 'too-large' ? 'too-large' : undefined });
      else if (wire.t === 'received' && entry.doneSent) {
        transfer.bytes = transfer.size;
        this.#end(entry, 'done');
      } else if (wire.t === 'refused') this.#end(entry, 'failed', { problem: wire.reason === 'hash' ? 'hash-mismatch' : 'protocol' });
      else if (wire.t === 'cancel') this.#end(entry, 'cancelled', { endedBy: 'peer' });
      return;
    }
    if (wire.t === 'cancel') return this.#end(entry, 'cancelled', { endedBy: 'peer' });
    if (wire.t === 'done' && transfer.status === 'receiving') {
      if (transfer.bytes !== transfer.size) return this.#fail(entry, 'protocol');
      const mine = bytesToHex(entry.hash.digest());
      if (mine !== wire.sha256) {
        this.#send(entry, { t: 'refused', reason: 'hash' });
        return this.#end(entry, 'failed', { problem: 'hash-mismatch' });
      }
      transfer.sha256 = mine;
      // Never the type the sender claims: a blob URL of theirs as text/html would render it, in
      // the page's origin (the claimed type stays in `type`, for showing).
      transfer.file = new File(entry.chunks, transfer.name, { type: 'application/octet-stream' });
      this.#send(entry, { t: 'received' });
      this.#end(entry, 'done');
    }
  }

  #fail(entry: Entry, problem: TransferProblem) {
    this.#send(entry, { t: 'cancel' });
    this.#end(entry, 'failed', { problem });
  }

  /** Sends the file: a block read at a time, waiting whenever the channel holds HIGH_WATER. */
  async #pump(entry: Entry) {
    const { transfer, channel, source } = entry;
    transfer.status = 'sending';
    entry.toldAt = Date.now();
    this.emit('update', transfer);
    try {
      for (let offset = 0; offset < transfer.size; offset += READ_BYTES) {
        const block = await source!.slice(offset, offset + READ_BYTES).arrayBuffer();
        entry.hash.update(new Uint8Array(block));
        for (let at = 0; at < block.byteLength; at += CHUNK_BYTES) {
          while (channel.bufferedAmount > HIGH_WATER) {
            await channel.drained();
            if (this.#isOver(entry)) return;
            this.#sentProgress(entry);
          }
          if (this.#isOver(entry)) return;
          const chunk = block.slice(at, at + CHUNK_BYTES);
          channel.send(chunk);
          entry.handed += chunk.byteLength;
        }
        this.#sentProgress(entry);
      }
      if (this.#isOver(entry)) return;
      transfer.sha256 = bytesToHex(entry.hash.digest());
      channel.send(JSON.stringify({ t: 'done', sha256: transfer.sha256 }));
      entry.doneSent = true;
      this.#sentProgress(entry);
    } catch {
      if (!this.#isOver(entry)) this.#fail(entry, 'connection');
    }
  }

  /** Ours: what has left the channel is what the other side has (or is about to). */
  #sentProgress(entry: Entry) {
    entry.transfer.bytes = Math.max(entry.transfer.bytes, entry.handed - entry.channel.bufferedAmount);
    this.#progress(entry);
  }

  #progress(entry: Entry) {
    const now = Date.now();
    const { transfer } = entry;
    if (now - entry.toldAt < (this.#options.progressMs ?? PROGRESS_MS) && transfer.bytes < transfer.size) return;
    const seconds = Math.max((now - entry.toldAt) / 1000, 0.001);
    transfer.bytesPerSecond = Math.round((transfer.bytes - entry.toldBytes) / seconds);
    entry.toldAt = now;
    entry.toldBytes = transfer.bytes;
    this.emit('update', transfer);
  }

  #end(entry: Entry, status: TransferStatus, how: { endedBy?: 'self' | 'peer'; problem?: TransferProblem } = {}) {
    const { transfer } = entry;
    transfer.status = status;
    if (how.endedBy) transfer.endedBy = how.endedBy;
    if (how.problem) transfer.problem = how.problem;
    // What arrived is let go at once (the received file holds its own copy).
    entry.chunks = [];
    entry.source = undefined;
    closeWhenSent(entry.channel);
    this.emit('update', transfer);
    entry.settle?.();
  }
}

/**
 * Closes `channel` once what was queued on it has gone (a last cancel or decline must arrive: a
 * close takes the whole connection down at once), or after CLOSE_AFTER_MS.
 */
function closeWhenSent(channel: FileChannel) {
  const started = Date.now();
  const check = () => {
    if (channel.bufferedAmount === 0 || Date.now() - started > CLOSE_AFTER_MS) channel.close();
    else setTimeout(check, 50);
  };
  setTimeout(check, 50);
}

/**
 * A PeerJS DataConnection as a FileChannel. `early`: what arrived before anyone listened (the
 * offer can come while this module loads), given to the first listener.
 */
export function fileChannelOf(connection: MeshData, early: unknown[] = []): FileChannel {
  const listeners: Array<(data: unknown) => void> = [];
  const deliver = (data: unknown) => {
    for (const listener of [...listeners]) listener(data);
  };
  connection.on('data', deliver);
  const opened = new Promise<void>((resolve, reject) => {
    if (connection.open) return resolve();
    const timer = setTimeout(() => reject(new Error('The file channel did not open')), OPEN_TIMEOUT_MS);
    connection.on('open', () => {
      clearTimeout(timer);
      resolve();
    });
    connection.on('close', () => reject(new Error('The file channel closed')));
    connection.on('error', () => reject(new Error('The file channel failed')));
  });
  opened.catch(() => {});
  let closed = false;
  return {
    peer: connection.peer,
    opened,
    get bufferedAmount() {
      return connection.dataChannel?.bufferedAmount ?? 0;
    },
    drained() {
      const dc = connection.dataChannel;
      if (!dc || dc.readyState !== 'open' || dc.bufferedAmount <= LOW_WATER) return Promise.resolve();
      dc.bufferedAmountLowThreshold = LOW_WATER;
      return new Promise((resolve) => {
        const done = () => {
          dc.removeEventListener('bufferedamountlow', done);
          dc.removeEventListener('close', done);
          resolve();
        };
        dc.addEventListener('bufferedamountlow', done);
        dc.addEventListener('close', done);
      });
    },
    send(data) {
      const dc = connection.dataChannel;
      if (!dc || dc.readyState !== 'open') throw new Error('The file channel is closed');
      // Straight onto the channel: PeerJS's own queue would hide bufferedAmount from the flow control.
      dc.send(data as string);
    },
    onMessage(listener) {
      listeners.push(listener);
      // What came early goes to every listener there is by then (a listener the offer adds sees
      // a cancel that followed it), before anything that arrives later.
      if (listeners.length === 1 && early.length) queueMicrotask(() => early.splice(0).forEach(deliver));
    },
    onClose(listener) {
      connection.on('close', () => {
        if (!closed) listener();
      });
    },
    close() {
      if (closed) return;
      closed = true;
      connection.close();
    },
  };
}
