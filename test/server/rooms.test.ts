import assert from 'node:assert/strict';
import type { Ack, ChatMessage, JoinedRoom, JoinOptions, Knock, KnockAnswer, Participant } from '../../protocol/contract.js';
import { after, before, describe, it } from 'node:test';
import {
  expireAway,
  joinRoom,
  leaveRoom,
  markAway,
  newParticipant,
  type Access,
  normalizeName,
  updateMedia,
  type Room,
} from '../../server/rooms/rooms.js';
import { MemoryIdentities, digestToken } from '../../server/signaling/identities.js';
import { recentChat } from '../../server/signaling/membership-handlers.js';
import { MemoryRoomStore } from '../../server/rooms/store.js';
import { addressResolver } from '../../server/http/per-address.js';
import { loadConfig } from '../../server/config.js';
import { parseJoinArgs, parseMediaState } from '../../server/signaling/validate.js';
import {
  connectPeer,
  connectSocket,
  once,
  startServer,
  uniqueId,
  type ClientSocket,
  type RawPeer,
  type TestServer,
} from '../helpers/server.js';

/** Joins as the owner of the peer id: each peer proves itself with its own token. */
const join = (room: Room | undefined, roomId: string, candidate: Participant, capacity: number, access: Partial<Access> = {}) =>
  joinRoom(room, roomId, candidate, capacity, { tokenDigest: `token-${candidate.peerId}`, ...access });

const person = (peerId: string, at = 1, name = peerId) => newParticipant(peerId, { name }, at);

function joined(room: Room | undefined, peerId: string, capacity = 6, at = 1): Room {
  const result = join(room, 'r', person(peerId, at), capacity);
  assert.ok(result.ok && result.room);
  return result.room;
}

/**
 * Join options that pollute Object.prototype if anything merges them naively: JSON.parse makes
 * `__proto__` an own key, as Socket.IO's parser does with a client's payload.
 */
const POLLUTING =
  '{"name":"Ann","audio":false,"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"prototype":{"polluted":true}}';
const pollutingOptions = () => JSON.parse(POLLUTING) as JoinOptions;

/**
 * Runs `work`, then checks that nothing reached Object.prototype, first of all (a polluted server
 * may fail in other ways, like never answering), and cleans it off for the tests after.
 */
async function unpolluted(work: () => Promise<void>): Promise<void> {
  assert.equal(Object.hasOwn(Object.prototype, 'polluted'), false, 'polluted before the test began');
  let failure: unknown;
  try {
    await work();
  } catch (error) {
    failure = error;
  }
  const seen = ({} as Record<string, unknown>).polluted;
  delete (Object.prototype as Record<string, unknown>).polluted;
  assert.equal(seen, undefined, `Object.prototype was polluted${failure ? `; then: ${String(failure)}` : ''}`);
  if (failure) throw failure;
}

describe('room rules', () => {
  it('creates a room on first join and lists others oldest first', () => {
    let room = joined(undefined, 'a', 6, 1);
    room = joined(room, 'b', 6, 2);
    const third = join(room, 'r', person('c', 3), 6);
    assert.ok(third.ok);
    assert.deepEqual(
      third.value.others.map((p) => p.peerId),
      ['a', 'b'],
    );
    assert.equal(third.value.rejoined, false);
    assert.deepEqual(
      third.room?.participants.map((p) => p.peerId),
      ['a', 'b', 'c'],
    );
  });

  it('treats a second join of the same peer as a rejoin that keeps its place', () => {
    let room = joined(undefined, 'a', 6, 1);
    room = joined(room, 'b', 6, 2);
    const again = join(room, 'r', newParticipant('a', { name: 'Ada', video: false }, 99), 6);
    assert.ok(again.ok);
    assert.equal(again.value.rejoined, true);
    assert.equal(again.value.self.joinedAt, 1);
    assert.equal(again.value.self.video, false);
    assert.deepEqual(
      again.room?.participants.map((p) => p.peerId),
      ['a', 'b'],
    );
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

  it('keeps rooms apart and Object.prototype clean, whatever keys the ids and options carry', async () => {
    await unpolluted(async () => {
      const store = new MemoryRoomStore();
      const ids = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];
      for (const id of ids) {
        for (const peerId of ['constructor', 'prototype']) {
          const parsed = parseJoinArgs(id, peerId, pollutingOptions());
          assert.ok(parsed.ok, `${id}/${peerId}: ${JSON.stringify(parsed)}`);
          const { options } = parsed.value;
          assert.equal(Object.getPrototypeOf(options), Object.prototype);
          assert.deepEqual(Object.keys(options).sort(), ['audio', 'clientId', 'name', 'offers', 'peerToken', 'ticket', 'video']);
          assert.equal(options.name, 'Ann');
          const candidate = newParticipant(peerId, pollutingOptions(), 1);
          const access = { ...pollutingOptions(), tokenDigest: `token-${peerId}`, clientId: '__proto__', ticket: 'constructor' } as Access;
          const result = await store.update(id, (room) => joinRoom(room, id, candidate, 6, access));
          assert.ok(result.ok, `${id}/${peerId}: ${JSON.stringify(result)}`);
          assert.deepEqual(Object.keys(result.value.self).sort(), ['audio', 'joinedAt', 'name', 'peerId', 'video']);
        }
      }
      assert.deepEqual(await store.counts(), { rooms: ids.length, participants: ids.length * 2 });
      for (const id of ids) {
        const room = await store.get(id);
        assert.equal(room?.id, id);
        assert.deepEqual(
          room?.participants.map((p) => [p.peerId, p.name]),
          [
            ['constructor', 'Ann'],
            ['prototype', 'Ann'],
          ],
        );
        assert.equal(room?.hostPeerId, 'constructor');
      }
      // Names a plain object would answer from its prototype are no rooms at all.
      for (const inherited of ['valueOf', 'isPrototypeOf', '__defineGetter__']) assert.equal(await store.get(inherited), undefined);
    });
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
    assert.deepEqual(
      recent.map((m) => m.id),
      ['m45', 'm46', 'm47', 'm48', 'm49'],
    );
    assert.deepEqual(
      recentChat(
        chat.slice(0, 3).map((m) => ({ ...m, text: 'hi' })),
        32 * 1024,
      ).length,
      3,
    );
    assert.deepEqual(recentChat(chat, 0), []);
  });
});

describe('client addresses behind proxies', () => {
  const req = (remoteAddress: string, forwardedFor?: string) => ({
    socket: { remoteAddress } as never,
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  });
  it('reads X-Forwarded-For from the right, only through trusted proxies', () => {
    const viaProxies = addressResolver(['127.0.0.1', '10.0.0.9']);
    assert.equal(viaProxies(req('::ffff:127.0.0.1', '198.51.100.4')), '198.51.100.4');
    assert.equal(
      viaProxies(req('127.0.0.1', '6.6.6.6, 198.51.100.4, 10.0.0.9')),
      '198.51.100.4',
      'skips trusted hops, not the first claim',
    );
    assert.equal(viaProxies(req('127.0.0.1')), '127.0.0.1', 'no header: the proxy itself');
    assert.equal(viaProxies(req('127.0.0.1', 'not-an-ip, 198.51.100.4')), '198.51.100.4');
    assert.equal(viaProxies(req('127.0.0.1', '198.51.100.4, not-an-ip')), '127.0.0.1', 'garbage ends the walk at the proxy');
    assert.equal(viaProxies(req('203.0.113.5', '1.2.3.4')), '203.0.113.5', 'an untrusted sender cannot choose its address');
    assert.equal(addressResolver()(req('127.0.0.1', '1.2.3.4')), '127.0.0.1', 'nothing trusted by default');
    assert.throws(() => loadConfig({ TRUST_PROXY: 'nginx' }), /TRUST_PROXY/);
  });
});

describe('identities', () => {
  it('binds an id to one token and relays only within one room', async () => {
    const ids = new MemoryIdentities();
    await ids.bind({ peerId: 'a', roomId: 'r1', tokenDigest: digestToken('ta'), socketId: 's1' });
    await ids.bind({ peerId: 'b', roomId: 'r1', tokenDigest: digestToken('tb'), socketId: 's2' });
    await ids.bind({ peerId: 'c', roomId: 'r2', tokenDigest: digestToken('tc'), socketId: undefined });
    assert.ok(await ids.mayRegister('a', digestToken('ta')));
    assert.ok(!(await ids.mayRegister('a', digestToken('tx'))));
    assert.ok(await ids.mayRegister('free', digestToken('anything')));
    assert.equal(await ids.relayRefusal('a', digestToken('ta'), 'b'), undefined);
    assert.equal(await ids.relayRefusal('a', digestToken('ta'), 'c'), 'other-room');
    assert.equal(await ids.relayRefusal('x', digestToken('tx'), 'a'), 'sender-not-in-room');
    assert.equal(await ids.relayRefusal('a', digestToken('ta'), 'x'), 'recipient-not-in-room');
    assert.equal(
      await ids.relayRefusal('a', digestToken('an-old-socket'), 'b'),
      'sender-not-in-room',
      'only the bound token speaks for the id',
    );
    // Only the socket that speaks for an id may put it away.
    assert.equal(await ids.markAway('a', 's-other'), false);
    assert.equal(await ids.markAway('a', 's1'), true);
    assert.equal((await ids.get('a'))?.socketId, undefined);
    // Releasing for a room the id has moved on from keeps the newer binding.
    await ids.bind({ peerId: 'a', roomId: 'r2', tokenDigest: digestToken('ta'), socketId: 's3' });
    await ids.release('a', 'r1');
    assert.equal((await ids.get('a'))?.roomId, 'r2');
    await ids.release('a', 'r2');
    assert.equal((await ids.get('a'))?.socketId, 's3', 'a release for no socket (a grace that ended) keeps a binding a socket holds');
    await ids.release('a', 'r2', 's-old');
    assert.equal((await ids.get('a'))?.socketId, 's3', 'and so does a release by another socket');
    await ids.release('a', 'r2', 's3');
    assert.equal(await ids.get('a'), undefined);
    assert.ok(
      (await ids.mayRegister('__proto__', digestToken('t'))) &&
        (await ids.relayRefusal('__proto__', digestToken('t'), 'constructor')) === 'sender-not-in-room',
    );
  });
});

describe('Object.prototype pollution over the real server', () => {
  let server: TestServer;
  const opened: Array<{ close(): void }> = [];
  before(async () => {
    server = await startServer({ RATE_JOIN_BURST: '100', RATE_EVENTS_BURST: '200', RATE_MEDIA_BURST: '100', RATE_CHAT_BURST: '100' });
  });
  after(async () => {
    opened.forEach((o) => o.close());
    await server.close();
  });

  const pollutingJson = () => JSON.parse(POLLUTING) as Record<string, unknown>;

  // A polluted server may hang instead of answering: every ack is awaited 5 s at most, the test 60 s.
  it(
    'takes room ids, peer ids and payloads keyed __proto__ / constructor / prototype without polluting, rooms intact',
    { timeout: 60_000 },
    async () => {
      await unpolluted(async () => {
        const roomIds = ['__proto__', 'constructor', 'prototype'];
        const peerIds = ['constructor', 'prototype', 'toString'];
        const members: Array<{ socket: ClientSocket; peer: RawPeer; roomId: string }> = [];
        for (const roomId of roomIds) {
          for (const peerId of peerIds) {
            // Peer ids are one per server: the bare names in __proto__, suffixed ("-room") elsewhere.
            const peer = await connectPeer(server.url, roomId === '__proto__' ? peerId : `${peerId}-${roomId}`);
            const socket = await connectSocket(server.url);
            opened.push(peer, socket);
            const options = { ...pollutingJson(), peerToken: peer.token };
            const ack = (await socket.timeout(5000).emitWithAck('join-room', roomId, peer.id, options as JoinOptions)) as Ack<JoinedRoom>;
            assert.ok(ack.ok, `${roomId}/${peer.id}: ${JSON.stringify(ack)}`);
            assert.equal(ack.data.roomId, roomId);
            assert.equal(ack.data.self.name, 'Ann');
            assert.deepEqual(Object.keys(ack.data.self).sort(), ['audio', 'joinedAt', 'name', 'peerId', 'video']);
            members.push({ socket, peer, roomId });
          }
        }
        // The same payloads as every other argument a member sends.
        for (const { socket } of members) {
          const chat = (await socket.timeout(5000).emitWithAck('chat-message', '__proto__')) as Ack<ChatMessage>;
          assert.ok(chat.ok && chat.data.text === '__proto__');
          const chatObject = (await socket.timeout(5000).emitWithAck('chat-message', pollutingJson() as never)) as Ack<ChatMessage>;
          assert.equal(!chatObject.ok && chatObject.error.code, 'invalid-payload');
          const media = (await socket
            .timeout(5000)
            .emitWithAck('update-media', { ...pollutingJson(), audio: true, video: false } as never)) as Ack<Participant>;
          assert.ok(media.ok && media.data.audio === true && media.data.video === false && !('polluted' in media.data));
          const badJoin = (await socket
            .timeout(5000)
            .emitWithAck(
              'join-room',
              pollutingJson() as never,
              pollutingJson() as never,
              pollutingJson() as JoinOptions,
            )) as Ack<JoinedRoom>;
          assert.equal(!badJoin.ok && badJoin.error.code, 'invalid-room');
        }
        // A knock whose options and name are the polluting object, on a locked __proto__ room.
        const host = members.find((m) => m.roomId === '__proto__')!.socket;
        assert.ok(((await host.timeout(5000).emitWithAck('lock-room', true)) as Ack<unknown>).ok);
        const knocker = await connectSocket(server.url);
        opened.push(knocker);
        const knock = (await knocker
          .timeout(5000)
          .emitWithAck('knock', '__proto__', { ...pollutingJson(), name: pollutingJson() } as never)) as Ack<{ knockId: string }>;
        assert.ok(knock.ok, JSON.stringify(knock));
        const answer = (await host.timeout(5000).emitWithAck('answer-knock', '__proto__', true)) as Ack<null>;
        assert.equal(!answer.ok && answer.error.code, 'no-such-knock');

        // Every room still holds exactly its own three members, in order: a newcomer to each sees them.
        for (const roomId of roomIds) {
          const peer = await connectPeer(server.url, uniqueId('late'));
          const socket = await connectSocket(server.url);
          opened.push(peer, socket);
          const roomHost = members.find((m) => m.roomId === roomId)!.socket;
          const ticket = roomId === '__proto__' ? await admitted(roomHost, socket, roomId) : undefined;
          const ack = (await socket
            .timeout(5000)
            .emitWithAck('join-room', roomId, peer.id, { peerToken: peer.token, ticket })) as Ack<JoinedRoom>;
          assert.ok(ack.ok, JSON.stringify(ack));
          const expected = members.filter((m) => m.roomId === roomId).map((m) => m.peer.id);
          assert.deepEqual(
            ack.data.participants.map((p) => p.peerId),
            expected,
          );
          assert.deepEqual(
            ack.data.participants.map((p) => p.name),
            ['Ann', 'Ann', 'Ann'],
          );
          assert.equal(ack.data.room.hostPeerId, expected[0]);
          assert.deepEqual(
            ack.data.chat.map((m) => m.text),
            ['__proto__', '__proto__', '__proto__'],
          );
        }
      });
    },
  );
});

/** Knocks on a locked room from `socket` and has `host` admit it; the ticket. */
async function admitted(host: ClientSocket, socket: ClientSocket, roomId: string): Promise<string> {
  const heard = once<[Knock]>(host, 'knocking').then(([k]) => k.knockId);
  const answered = once<[KnockAnswer]>(socket, 'knock-answered').then(([a]) => a.ticket);
  const knock = (await socket.timeout(5000).emitWithAck('knock', roomId, { name: 'Late' })) as Ack<{ knockId: string }>;
  assert.ok(knock.ok, JSON.stringify(knock));
  assert.equal(await heard, knock.data.knockId);
  assert.ok(((await host.timeout(5000).emitWithAck('answer-knock', knock.data.knockId, true)) as Ack<null>).ok);
  const ticket = await answered;
  assert.ok(ticket);
  return ticket;
}
