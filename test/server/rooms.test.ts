import assert from 'node:assert/strict';
import type { Participant } from '../../protocol/contract.js';
import { describe, it } from 'node:test';
import { expireAway, joinRoom, leaveRoom, markAway, newParticipant, type Access, normalizeName, updateMedia, type Room } from '../../server/signaling/rooms.js';
import { Identities, digestToken } from '../../server/signaling/identities.js';
import { recentChat } from '../../server/signaling/room-handlers.js';
import { MemoryRoomStore } from '../../server/signaling/store.js';
import { parseJoinArgs, parseMediaState } from '../../server/signaling/validate.js';

/** Joins as the owner of the peer id: each peer proves itself with its own token. */
const join = (room: Room | undefined, roomId: string, candidate: Participant, capacity: number, access: Partial<Access> = {}) =>
  joinRoom(room, roomId, candidate, capacity, { tokenDigest: `token-${candidate.peerId}`, ...access });

const person = (peerId: string, at = 1, name = peerId) => newParticipant(peerId, { name }, at);

function joined(room: Room | undefined, peerId: string, capacity = 6, at = 1): Room {
  const result = join(room, 'r', person(peerId, at), capacity);
  assert.ok(result.ok && result.room);
  return result.room;
}

describe('room rules', () => {
  it('creates a room on first join and lists others oldest first', () => {
    let room = joined(undefined, 'a', 6, 1);
    room = joined(room, 'b', 6, 2);
    const third = join(room, 'r', person('c', 3), 6);
    assert.ok(third.ok);
    assert.deepEqual(third.value.others.map((p) => p.peerId), ['a', 'b']);
    assert.equal(third.value.rejoined, false);
    assert.deepEqual(third.room?.participants.map((p) => p.peerId), ['a', 'b', 'c']);
  });

  it('treats a second join of the same peer as a rejoin that keeps its place', () => {
    let room = joined(undefined, 'a', 6, 1);
    room = joined(room, 'b', 6, 2);
    const again = join(room, 'r', newParticipant('a', { name: 'Ada', video: false }, 99), 6);
    assert.ok(again.ok);
    assert.equal(again.value.rejoined, true);
    assert.equal(again.value.self.joinedAt, 1);
    assert.equal(again.value.self.video, false);
    assert.deepEqual(again.room?.participants.map((p) => p.peerId), ['a', 'b']);
  });

  it('answers "full" at capacity and leaves the room untouched', () => {
    const room = joined(joined(undefined, 'a', 2), 'b', 2);
    const refused = join(room, 'r', person('c'), 2);
    assert.equal(refused.ok, false);
    assert.deepEqual(!refused.ok && refused.error, { code: 'room-full', message: 'This call is full (2 of 2)' });
    // A member rejoining a full room is not refused.
    assert.ok(join(room, 'r', person('a'), 2).ok);
  });

  it('gives exactly one of two racers the last seat through the store', async () => {
    const store = new MemoryRoomStore();
    await store.update('r', (room) => join(room, 'r', person('a'), 2));
    const [x, y] = await Promise.all([
      store.update('r', (room) => join(room, 'r', person('x'), 2)),
      store.update('r', (room) => join(room, 'r', person('y'), 2)),
    ]);
    assert.deepEqual([x.ok, y.ok].sort(), [false, true]);
    assert.equal((await store.get('r'))?.participants.length, 2);
  });

  it('drops an empty room, and leaving twice is harmless', async () => {
    const store = new MemoryRoomStore();
    await store.update('r', (room) => join(room, 'r', person('a'), 6));
    const left = await store.update('r', (room) => leaveRoom(room, 'a'));
    assert.ok(left.ok && left.value?.participant.peerId === 'a');
    assert.equal(await store.get('r'), undefined);
    const again = await store.update('r', (room) => leaveRoom(room, 'a'));
    assert.ok(again.ok && again.value === undefined);
    assert.deepEqual(await store.counts(), { rooms: 0, participants: 0 });
  });

  it('keeps rooms apart, even rooms named like Object.prototype members', async () => {
    const store = new MemoryRoomStore();
    for (const id of ['__proto__', 'constructor', 'toString']) {
      await store.update(id, (room) => join(room, id, person('p' + id.length), 6));
    }
    assert.deepEqual(await store.counts(), { rooms: 3, participants: 3 });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('updates media only for members', () => {
    const room = joined(undefined, 'a');
    const updated = updateMedia(room, 'a', { audio: false, video: true });
    assert.ok(updated.ok && updated.value.audio === false);
    const stranger = updateMedia(room, 'zz', { audio: false, video: false });
    assert.equal(!stranger.ok && stranger.error.code, 'not-in-room');
  });

  it('normalizes names: trims, strips control characters, caps at 40, never empty', () => {
    assert.equal(normalizeName('  Grace   Hopper  '), 'Grace Hopper');
    assert.equal(normalizeName('a\u0000b\u202Ec'), 'abc');
    assert.equal(normalizeName('x'.repeat(100)).length, 40);
    assert.equal(normalizeName('   '), 'Guest');
    assert.equal(normalizeName(42), 'Guest');
    assert.equal(normalizeName('<b>hi</b>'), '<b>hi</b>');
  });
});

describe('payload validation', () => {
  it('accepts classic and rich join arguments', () => {
    assert.ok(parseJoinArgs('room-1_A', 'peer1', undefined).ok);
    assert.ok(parseJoinArgs('room', 'peer-1', { name: 'Ann', audio: true, video: false, peerToken: 'abc123' }).ok);
  });

  it('rejects wrong types, bad ids, odd prototypes and oversize values', () => {
    const cases: unknown[][] = [
      [null, 'p'],
      ['', 'p'],
      ['a b', 'p'],
      ['r', ''],
      ['r', 'p'.repeat(65)],
      ['r', { toString: () => 'p' }],
      ['r', 'p', []],
      ['r', 'p', Object.create({ name: 'inherited' })],
      ['r', 'p', { name: 'x'.repeat(201) }],
      ['r', 'p', { peerToken: 'has space' }],
      ['r', 'p', { video: 1 }],
    ];
    for (const [room, peer, options] of cases) {
      assert.equal(parseJoinArgs(room, peer, options).ok, false, JSON.stringify([room, peer, options]));
    }
    assert.equal(parseMediaState({ audio: true }).ok, false);
    assert.equal(parseMediaState('on').ok, false);
    assert.ok(parseMediaState({ audio: true, video: false, extra: 1 }).ok);
  });
});

function awayNow(room: Room | undefined, peerId: string, at: number): Room | undefined {
  const result = markAway(room, peerId, at);
  assert.ok(result.ok);
  return result.room;
}

describe('identity and the reconnect grace (rules)', () => {
  it('lets only the token that proved a peer id come back as it', () => {
    const room = joined(undefined, 'a');
    const impostor = joinRoom(room, 'r', person('a'), 6, { tokenDigest: 'someone-else' });
    assert.equal(!impostor.ok && impostor.error.code, 'peer-taken');
    const owner = joinRoom(room, 'r', person('a'), 6, { tokenDigest: 'token-a' });
    assert.ok(owner.ok && owner.value.rejoined);
  });

  it('keeps an away member seated until the grace ends, and a rejoin cancels the expiry', () => {
    let room = joined(joined(undefined, 'a', 2, 1), 'b', 2, 2);
    const away = markAway(room, 'a', 100);
    assert.ok(away.ok && away.value);
    room = away.room!;
    // Seat kept: the room is still full.
    assert.equal(!joinRoom(room, 'r', person('c'), 2, { tokenDigest: 'token-c' }).ok && 'full', 'full');
    // Back before the grace ends: the expiry that was scheduled finds nothing to do.
    const back = joinRoom(room, 'r', person('a'), 2, { tokenDigest: 'token-a' });
    assert.ok(back.ok);
    const expired = expireAway(back.room, 'a', 100);
    assert.ok(expired.ok && expired.value === undefined);
    assert.equal(expired.room?.participants.length, 2);
    // Away again and not back: the expiry is a leave, and the host role passes to someone present.
    const gone = expireAway(awayNow(back.room, 'a', 200), 'a', 200);
    assert.ok(gone.ok && gone.value?.newHost === 'b');
  });

  it('passes the host role to a present member before one who is away', () => {
    let room = joined(joined(joined(undefined, 'h', 6, 1), 'b', 6, 2), 'c', 6, 3);
    room = awayNow(room, 'b', 10)!;
    const left = leaveRoom(room, 'h');
    assert.ok(left.ok && left.value?.newHost === 'c');
  });
});

describe('the chat in a join answer', () => {
  it('carries the newest messages that fit in the byte budget, oldest first', () => {
    const chat = Array.from({ length: 50 }, (_, i) => ({ id: `m${i}`, peerId: 'p', name: 'P', text: '汉'.repeat(2000), sentAt: i }));
    const recent = recentChat(chat, 32 * 1024);
    const bytes = recent.reduce((n, m) => n + Buffer.byteLength(JSON.stringify(m)), 0);
    assert.ok(bytes <= 32 * 1024 && recent.length === 5, `${recent.length} messages, ${bytes} bytes`);
    assert.deepEqual(recent.map((m) => m.id), ['m45', 'm46', 'm47', 'm48', 'm49']);
    assert.deepEqual(recentChat(chat.slice(0, 3).map((m) => ({ ...m, text: 'hi' })), 32 * 1024).length, 3);
    assert.deepEqual(recentChat(chat, 0), []);
  });
});

describe('identities', () => {
  it('binds an id to one token and relays only within one room', () => {
    const ids = new Identities<string>();
    ids.bind({ peerId: 'a', roomId: 'r1', tokenDigest: digestToken('ta'), socket: 's1' });
    ids.bind({ peerId: 'b', roomId: 'r1', tokenDigest: digestToken('tb'), socket: 's2' });
    ids.bind({ peerId: 'c', roomId: 'r2', tokenDigest: digestToken('tc'), socket: undefined });
    assert.ok(ids.mayRegister('a', digestToken('ta')));
    assert.ok(!ids.mayRegister('a', digestToken('tx')));
    assert.ok(ids.mayRegister('free', digestToken('anything')));
    assert.equal(ids.relayRefusal('a', digestToken('ta'), 'b'), undefined);
    assert.equal(ids.relayRefusal('a', digestToken('ta'), 'c'), 'other-room');
    assert.equal(ids.relayRefusal('x', digestToken('tx'), 'a'), 'sender-not-in-room');
    assert.equal(ids.relayRefusal('a', digestToken('ta'), 'x'), 'recipient-not-in-room');
    assert.equal(ids.relayRefusal('a', digestToken('an-old-socket'), 'b'), 'sender-not-in-room', 'only the bound token speaks for the id');
    // Releasing for a room the id has moved on from keeps the newer binding.
    ids.bind({ peerId: 'a', roomId: 'r2', tokenDigest: digestToken('ta'), socket: 's3' });
    ids.release('a', 'r1');
    assert.equal(ids.get('a')?.roomId, 'r2');
    ids.release('a', 'r2');
    assert.equal(ids.get('a'), undefined);
    assert.ok(ids.mayRegister('__proto__', digestToken('t')) && ids.relayRefusal('__proto__', digestToken('t'), 'constructor') === 'sender-not-in-room');
  });
});
