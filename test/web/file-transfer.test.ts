/**
 * Files person to person, the protocol alone (web/rtc/file-transfer.ts) over in-memory channels
 * that keep a bufferedAmount like a data channel's: a file arrives whole with the sender's
 * SHA-256 and progress in between, never more than HIGH_WATER queued; a decline, a cancel from
 * either side (memory let go), an offer over the limit, a tampered chunk (refused by hash), bytes
 * beyond the announced size, and a flood of offers. The real data channels are in
 * test/e2e/files.test.ts.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { CHUNK_BYTES, HIGH_WATER, LOW_WATER, FileTransfers, type FileChannel, type FileTransfer } from '../../web/rtc/file-transfer.js';

interface FakeEnd extends FileChannel {
  bufferedAmount: number;
  maxBuffered: number;
  closed: boolean;
  other: FakeEnd;
  closers: Array<() => void>;
  deliver(data: unknown): void;
}

/** Two ends of a channel: what one sends the other receives a tick later; bufferedAmount counts what is on the way. */
function channelPair(a: string, b: string, options: { tamper?: (chunk: ArrayBuffer, index: number) => ArrayBuffer } = {}) {
  let sentChunks = 0;
  const make = (peer: string): FakeEnd => {
    const listeners: Array<(data: unknown) => void> = [];
    const closers: Array<() => void> = [];
    const drains: Array<() => void> = [];
    const end: FakeEnd = {
      peer,
      opened: Promise.resolve(),
      bufferedAmount: 0,
      maxBuffered: 0,
      closed: false,
      other: undefined as unknown as FakeEnd,
      drained: () => (end.bufferedAmount <= LOW_WATER ? Promise.resolve() : new Promise<void>((resolve) => drains.push(resolve))),
      send(data: string | ArrayBuffer) {
        if (end.closed) throw new Error('closed');
        let payload = data;
        if (data instanceof ArrayBuffer && options.tamper) payload = options.tamper(data, sentChunks++);
        const size = typeof data === 'string' ? data.length : data.byteLength;
        end.bufferedAmount += size;
        end.maxBuffered = Math.max(end.maxBuffered, end.bufferedAmount);
        setImmediate(() => {
          end.bufferedAmount -= size;
          if (end.bufferedAmount <= LOW_WATER) drains.splice(0).forEach((d) => d());
          if (!end.other.closed) end.other.deliver(payload);
        });
      },
      deliver: (data: unknown) => [...listeners].forEach((l) => l(data)),
      onMessage: (listener: (data: unknown) => void) => void listeners.push(listener),
      onClose: (listener: () => void) => void closers.push(listener),
      close() {
        if (end.closed) return;
        end.closed = true;
        drains.splice(0).forEach((d) => d());
        setImmediate(() => {
          if (!end.other.closed) {
            end.other.closed = true;
            end.other.closers.forEach((c) => c());
          }
        });
      },
      closers,
    };
    return end;
  };
  // `sender` lives at a (its peer is b); `receiver` lives at b.
  const sender = make(b);
  const receiver = make(a);
  sender.other = receiver;
  receiver.other = sender;
  return { sender, receiver };
}

/** Ada sends to Ben (and maybe Cy); each end's FileTransfers, and the channels made. */
function call(maxBytes = 100 * 1024 * 1024, options: Parameters<typeof channelPair>[2] = {}) {
  const sides: Record<string, FileTransfers> = {};
  const channels: Array<ReturnType<typeof channelPair>> = [];
  const events: Record<string, FileTransfer[]> = { ada: [], ben: [], cy: [] };
  for (const name of ['ada', 'ben', 'cy']) {
    sides[name] = new FileTransfers({
      maxBytes,
      progressMs: 0,
      openChannel: (peerId) => {
        const pair = channelPair(name, peerId, options);
        channels.push(pair);
        sides[peerId]!.incoming(pair.receiver);
        return pair.sender;
      },
    });
    sides[name].on('update', (t) => events[name]!.push({ ...t }));
  }
  return { sides, channels, events };
}

const bytes = (n: number) => {
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = (i * 31 + (i >> 8)) & 255;
  return data;
};
const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const offerTo = async (side: FileTransfers) => {
  for (let i = 0; i < 100 && !side.list().some((t) => t.status === 'offered'); i++) await new Promise((r) => setImmediate(r));
  const offer = side.list().find((t) => t.status === 'offered');
  assert.ok(offer, 'an offer arrived');
  return offer;
};
const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 10_000 && !check(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(check(), what);
};

describe('file transfer', () => {
  it('sends a file whole, with its SHA-256, progress in between and no more than HIGH_WATER queued', async () => {
    const { sides, channels, events } = call();
    const data = bytes(9 * 1024 * 1024 + 123);
    const { transfers, settled } = sides.ada!.send(new File([data], 'notes.bin', { type: 'application/octet-stream' }), ['ben']);
    assert.equal(transfers.length, 1);
    const offer = await offerTo(sides.ben!);
    assert.deepEqual(
      [offer.name, offer.size, offer.type, offer.direction, offer.peerId],
      ['notes.bin', data.length, 'application/octet-stream', 'in', 'ada'],
    );
    sides.ben!.accept(offer.id);
    const [sent] = await settled;
    assert.equal(sent!.status, 'done');
    const got = sides.ben!.get(offer.id)!;
    assert.equal(got.status, 'done');
    assert.equal(got.sha256, sha(data));
    assert.equal(sent!.sha256, sha(data));
    assert.deepEqual(new Uint8Array(await got.file!.arrayBuffer()), data);
    assert.ok(channels[0]!.sender.maxBuffered <= HIGH_WATER + CHUNK_BYTES, `queued at most ${channels[0]!.sender.maxBuffered}`);
    // Progress on both sides, rising, before the end.
    for (const side of ['ada', 'ben']) {
      const progress = events[side]!.filter((t) => t.status === 'sending' || t.status === 'receiving').map((t) => t.bytes);
      assert.ok(
        progress.some((b) => b > 0 && b < data.length),
        `${side} saw progress: ${progress.join()}`,
      );
      assert.deepEqual(
        progress,
        [...progress].sort((x, y) => x - y),
      );
    }
    // Nobody else heard of it.
    assert.deepEqual(sides.cy!.list(), []);
    assert.equal(sides.ben!.heldBytes(), 0);
  });

  it('a decline ends it on both sides; an empty file arrives', async () => {
    const { sides } = call();
    const declined = sides.ada!.send(new File(['x'], 'a.txt'), ['ben']);
    sides.ben!.decline((await offerTo(sides.ben!)).id);
    const [t] = await declined.settled;
    assert.deepEqual([t!.status, t!.endedBy], ['declined', 'peer']);
    const empty = sides.ada!.send(new File([], 'empty.txt'), ['ben']);
    const offer = await offerTo(sides.ben!);
    sides.ben!.accept(offer.id);
    assert.equal((await empty.settled)[0]!.status, 'done');
    assert.equal(sides.ben!.get(offer.id)!.file!.size, 0);
  });

  for (const who of ['sender', 'receiver'] as const) {
    it(`a cancel by the ${who} in the middle ends it on both sides and lets what arrived go`, async () => {
      const { sides } = call();
      const { settled } = sides.ada!.send(new File([bytes(20 * 1024 * 1024)], 'big.bin'), ['ben']);
      const offer = await offerTo(sides.ben!);
      sides.ben!.accept(offer.id);
      await until(() => sides.ben!.heldBytes() > 2 * 1024 * 1024, 'some bytes arrived');
      const out = sides.ada!.list()[0]!;
      if (who === 'sender') sides.ada!.cancel(out.id);
      else sides.ben!.cancel(offer.id);
      const [t] = await settled;
      assert.equal(t!.status, 'cancelled');
      await until(() => sides.ben!.get(offer.id)!.status === 'cancelled', 'the receiver knows');
      assert.equal(sides.ben!.heldBytes(), 0);
      assert.equal(sides.ben!.get(offer.id)!.file, undefined);
      assert.equal(t!.endedBy, who === 'sender' ? 'self' : 'peer');
      assert.equal(sides.ben!.get(offer.id)!.endedBy, who === 'sender' ? 'peer' : 'self');
    });
  }

  it('refuses a file whose SHA-256 does not match, and says so on both sides', async () => {
    const { sides } = call(undefined, {
      tamper: (chunk, index) => {
        if (index !== 3) return chunk;
        const copy = new Uint8Array(chunk.slice(0));
        copy[10]! ^= 1;
        return copy.buffer;
      },
    });
    const { settled } = sides.ada!.send(new File([bytes(1024 * 1024)], 'x.bin'), ['ben']);
    const offer = await offerTo(sides.ben!);
    sides.ben!.accept(offer.id);
    const [t] = await settled;
    assert.deepEqual([t!.status, t!.problem], ['failed', 'hash-mismatch']);
    const got = sides.ben!.get(offer.id)!;
    assert.deepEqual([got.status, got.problem, got.file], ['failed', 'hash-mismatch', undefined]);
  });

  it('declines an offer over the limit at once, and will not send one', async () => {
    const { sides } = call(1000);
    assert.throws(() => sides.ada!.send(new File([bytes(2000)], 'big.bin'), ['ben']), /larger/);
    // A sender that claims a smaller size is stopped at the first byte beyond it.
    const channel = channelPair('mallory', 'ben');
    sides.ben!.incoming(channel.receiver);
    const answers: unknown[] = [];
    channel.sender.onMessage((d) => answers.push(d));
    channel.sender.send(JSON.stringify({ t: 'offer', name: '../../etc/passwd', size: 5000, type: 'text/plain' }));
    await until(() => answers.length > 0, 'an answer');
    assert.deepEqual(JSON.parse(answers[0] as string), { t: 'decline', reason: 'too-large' });
    const refused = sides.ben!.list()[0]!;
    assert.deepEqual([refused.status, refused.problem, refused.name], ['declined', 'too-large', 'passwd']);
  });

  it('ends a transfer whose sender sends more than it announced; ignores what is not an offer', async () => {
    const { sides } = call();
    const channel = channelPair('mallory', 'ben');
    sides.ben!.incoming(channel.receiver);
    channel.sender.send(JSON.stringify({ t: 'offer', name: 'a.bin', size: 10 }));
    const offer = await offerTo(sides.ben!);
    sides.ben!.accept(offer.id);
    channel.sender.send(new ArrayBuffer(64));
    await until(() => sides.ben!.get(offer.id)!.status === 'failed', 'failed');
    assert.equal(sides.ben!.get(offer.id)!.problem, 'protocol');
    assert.equal(sides.ben!.heldBytes(), 0);
    // Garbage first: the channel is closed, no transfer made.
    const junk = channelPair('mallory', 'ben');
    sides.ben!.incoming(junk.receiver);
    junk.sender.send('<img src=x onerror=alert(1)>');
    await until(() => junk.receiver.closed, 'closed');
    assert.equal(sides.ben!.list().length, 1);
  });

  it('closes channels beyond eight waiting from one person, unseen', async () => {
    const { sides } = call();
    const channels = [];
    for (let i = 0; i < 10; i++) {
      const channel = channelPair('mallory', 'ben');
      channels.push(channel);
      sides.ben!.incoming(channel.receiver);
      if (!channel.receiver.closed) channel.sender.send(JSON.stringify({ t: 'offer', name: `f${i}`, size: 1 }));
    }
    await until(() => sides.ben!.list().length === 8, 'eight offers seen');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      sides.ben!.list().map((t) => t.status),
      Array(8).fill('offered'),
    );
    assert.equal(channels.filter((c) => c.receiver.closed).length, 2, 'the other two closed, no card for them');
  });

  it('a received file is never of the type the sender claims; names lose direction overrides', async () => {
    const { sides } = call();
    const { settled } = sides.ada!.send(new File(['<script>alert(1)</script>'], 'invoice\u202Efdp.html', { type: 'text/html' }), ['ben']);
    const offer = await offerTo(sides.ben!);
    assert.equal(offer.name, 'invoicefdp.html');
    assert.equal(offer.type, 'text/html', 'the claimed type, to show');
    sides.ben!.accept(offer.id);
    await settled;
    assert.equal(sides.ben!.get(offer.id)!.file!.type, 'application/octet-stream');
  });

  it('a cancel right behind the offer is not lost; a "received" before any bytes is ignored', async () => {
    const { sides } = call();
    const channel = channelPair('mallory', 'ben');
    sides.ben!.incoming(channel.receiver);
    channel.sender.send(JSON.stringify({ t: 'offer', name: 'a.bin', size: 10 }));
    channel.sender.send(JSON.stringify({ t: 'cancel' }));
    await until(() => sides.ben!.list()[0]?.status === 'cancelled', 'cancelled');
    // A receiver (modified) that says "received" before anything was sent is not believed.
    const pair = channelPair('ada', 'mallory');
    const ada = new FileTransfers({ maxBytes: 1e6, progressMs: 0, openChannel: () => pair.sender });
    const { settled } = ada.send(new File([bytes(1000)], 'x.bin'), ['mallory']);
    const heard: unknown[] = [];
    pair.receiver.onMessage((d) => heard.push(d));
    await until(() => heard.length === 1, 'the offer');
    pair.receiver.send(JSON.stringify({ t: 'received' }));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    assert.equal(ada.list()[0]!.status, 'waiting');
    pair.receiver.send(JSON.stringify({ t: 'accept' }));
    await until(() => heard.some((d) => typeof d === 'string' && d.includes('"done"')), 'all sent');
    pair.receiver.send(JSON.stringify({ t: 'received' }));
    assert.equal((await settled)[0]!.status, 'done');
  });

  it('declines, as too large, what would take the files being received past the limit together', async () => {
    const { sides } = call(1000);
    const first = sides.ada!.send(new File([bytes(700)], 'a.bin'), ['ben']);
    const a = await offerTo(sides.ben!);
    const second = sides.ada!.send(new File([bytes(700)], 'b.bin'), ['ben']);
    await until(() => sides.ben!.list().filter((t) => t.status === 'offered').length === 2, 'two offers');
    const b = sides.ben!.list().find((t) => t.id !== a.id)!;
    // Both accepted at once: the second would pass 1000 bytes held.
    sides.ben!.accept(a.id);
    sides.ben!.accept(b.id);
    assert.deepEqual([sides.ben!.get(b.id)!.status, sides.ben!.get(b.id)!.problem], ['declined', 'too-large']);
    assert.equal((await first.settled)[0]!.status, 'done');
    assert.equal((await second.settled)[0]!.status, 'declined');
  });
});
