/** Unit tests of the room-life rules: host, lock, lobby, removal, chat, hands; with their races. */
import assert from 'node:assert/strict';
import type { Participant } from '../../protocol/contract.js';
import { describe, it } from 'node:test';
import { addChatMessage, isReaction, raiseHand, raisedHands } from '../../server/rooms/chat.js';
import { LOBBY_MAX, answerKnock, knock, removeParticipant, setLocked, withdrawKnock } from '../../server/rooms/lobby.js';
import { joinRoom, leaveRoom, newParticipant, type Access, type Room } from '../../server/rooms/rooms.js';
import { MemoryRoomStore } from '../../server/rooms/store.js';

/** Joins as the owner of the peer id: each peer proves itself with its own token. */
const join = (room: Room | undefined, roomId: string, candidate: Participant, capacity: number, access: Partial<Access> = {}) =>
  joinRoom(room, roomId, candidate, capacity, { tokenDigest: `token-${candidate.peerId}`, ...access });

let ticketCount = 0;
const ticket = () => `t${++ticketCount}`;
const person = (peerId: string, at: number) => newParticipant(peerId, { name: peerId.toUpperCase() }, at);

function ok<T>(result: { ok: true; room: Room | undefined; value: T } | { ok: false; error: { code: string } }) {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}`);
  return result;
}
function code(result: { ok: boolean; error?: { code: string } }) {
  return result.ok ? 'ok' : result.error!.code;
}

/** A room with a (host, 1), b (2), c (3); a's browser is "ca", b's "cb", c's "cc". */
function roomOfThree(): Room {
  let room = ok(join(undefined, 'r', person('a', 1), 6, { clientId: 'ca' })).room;
  room = ok(join(room, 'r', person('b', 2), 6, { clientId: 'cb' })).room;
  return ok(join(room, 'r', person('c', 3), 6, { clientId: 'cc' })).room!;
}

describe('host', () => {
  it('the first participant is host; when the host leaves, the longest-present becomes host', () => {
    const room = roomOfThree();
    assert.equal(room.hostPeerId, 'a');
    const left = ok(leaveRoom(room, 'a'));
    assert.equal(left.value?.newHost, 'b');
    assert.equal(left.room?.hostPeerId, 'b');
    const another = ok(leaveRoom(left.room, 'c'));
    assert.equal(another.value?.newHost, undefined, 'a non-host leaving changes nothing');
    assert.equal(another.room?.hostPeerId, 'b');
  });

  it('only the host can lock, admit, deny or remove', () => {
    const room = roomOfThree();
    assert.equal(code(setLocked(room, 'b', true, ticket)), 'not-host');
    assert.equal(code(setLocked(room, 'zz', true, ticket)), 'not-in-room');
    const locked = ok(setLocked(room, 'a', true, ticket)).room!;
    const knocked = ok(knock(locked, { knockId: 'k1', name: 'Kay', at: 5 }, 'ck')).room!;
    assert.equal(code(answerKnock(knocked, 'b', 'k1', true, ticket)), 'not-host');
    assert.equal(code(removeParticipant(knocked, 'c', 'b')), 'not-host');
    assert.equal(code(removeParticipant(knocked, 'a', 'a')), 'no-such-participant');
  });
});

describe('lock and lobby', () => {
  it('a locked room refuses newcomers; a knock admitted gives a one-time ticket', () => {
    const locked = ok(setLocked(roomOfThree(), 'a', true, ticket)).room!;
    assert.equal(code(join(locked, 'r', person('d', 4), 6, { clientId: 'cd' })), 'room-locked');
    const knocked = ok(knock(locked, { knockId: 'k1', name: 'Dee', at: 4 }, 'cd')).room!;
    assert.deepEqual(
      knocked.lobby.map((k) => k.knockId),
      ['k1'],
    );
    const admitted = ok(answerKnock(knocked, 'a', 'k1', true, ticket));
    const pass = admitted.value.ticket!;
    assert.ok(pass);
    assert.deepEqual(admitted.room?.lobby, []);
    const joined = ok(join(admitted.room, 'r', person('d', 5), 6, { clientId: 'cd', ticket: pass }));
    assert.equal(joined.room?.participants.length, 4);
    // The ticket is spent: it does not let a second person in.
    assert.equal(code(join(joined.room, 'r', person('e', 6), 6, { ticket: pass })), 'room-locked');
  });

  it('a denied knock gets no ticket; a second answer to one knock finds nothing (two admits)', () => {
    const locked = ok(setLocked(roomOfThree(), 'a', true, ticket)).room!;
    const knocked = ok(knock(locked, { knockId: 'k1', name: 'Dee', at: 4 }, undefined)).room!;
    const denied = ok(answerKnock(knocked, 'a', 'k1', false, ticket));
    assert.equal(denied.value.ticket, undefined);
    assert.equal(code(answerKnock(denied.room, 'a', 'k1', true, ticket)), 'no-such-knock');
  });

  it('two admits of one knock racing through the store: exactly one succeeds, one ticket exists', async () => {
    const store = new MemoryRoomStore();
    const locked = ok(setLocked(roomOfThree(), 'a', true, ticket)).room!;
    await store.update('r', () => ({ ok: true, room: locked, value: null }));
    await store.update('r', (room) => knock(room, { knockId: 'k1', name: 'Dee', at: 4 }, undefined));
    const answers = await Promise.all([
      store.update('r', (room) => answerKnock(room, 'a', 'k1', true, ticket)),
      store.update('r', (room) => answerKnock(room, 'a', 'k1', true, ticket)),
    ]);
    assert.deepEqual(answers.map(code).sort(), ['no-such-knock', 'ok']);
    assert.equal((await store.get('r'))?.tickets.length, 1);
  });

  it('the host leaving while someone knocks: the knock waits for the new host, who can admit it', () => {
    const locked = ok(setLocked(roomOfThree(), 'a', true, ticket)).room!;
    const knocked = ok(knock(locked, { knockId: 'k1', name: 'Dee', at: 4 }, undefined)).room!;
    const left = ok(leaveRoom(knocked, 'a'));
    assert.equal(left.value?.newHost, 'b');
    assert.deepEqual(
      left.room?.lobby.map((k) => k.knockId),
      ['k1'],
    );
    assert.equal(code(answerKnock(left.room, 'a', 'k1', true, ticket)), 'not-in-room');
    assert.equal(code(answerKnock(left.room, 'b', 'k1', true, ticket)), 'ok');
  });

  it('the last one leaving a locked room frees whoever was knocking', () => {
    let room = ok(join(undefined, 'r', person('a', 1), 6)).room;
    room = ok(setLocked(room, 'a', true, ticket)).room;
    room = ok(knock(room, { knockId: 'k1', name: 'Dee', at: 2 }, undefined)).room;
    const left = ok(leaveRoom(room, 'a'));
    assert.equal(left.room, undefined);
    assert.deepEqual(
      left.value?.orphanedKnocks.map((k) => k.knockId),
      ['k1'],
    );
  });

  it('unlocking admits everyone waiting; knocking an unlocked room is refused; the lobby is bounded', () => {
    let room = ok(setLocked(roomOfThree(), 'a', true, ticket)).room!;
    room = ok(knock(room, { knockId: 'k1', name: 'Dee', at: 4 }, undefined)).room!;
    room = ok(knock(room, { knockId: 'k2', name: 'Eve', at: 5 }, undefined)).room!;
    const withdrawn = ok(withdrawKnock(room, 'k2'));
    assert.equal(withdrawn.value?.knockId, 'k2');
    room = ok(knock(withdrawn.room, { knockId: 'k3', name: 'Fay', at: 6 }, undefined)).room!;
    const unlocked = ok(setLocked(room, 'a', false, ticket));
    assert.deepEqual(
      unlocked.value.admitted.map((a) => a.knock.knockId),
      ['k1', 'k3'],
    );
    assert.deepEqual(unlocked.room?.lobby, []);
    assert.equal(code(knock(unlocked.room, { knockId: 'k4', name: 'G', at: 7 }, undefined)), 'not-locked');
    // Locked again before those admitted came in: their tickets still open the room.
    let full = ok(setLocked(unlocked.room, 'a', true, ticket)).room!;
    const late = ok(join(full, 'r', person('k1', 8), 6, { ticket: unlocked.value.admitted[0]!.ticket }));
    assert.ok(
      late.value.self.peerId === 'k1' && !late.room?.tickets.includes(unlocked.value.admitted[0]!.ticket),
      'admitted once, ticket used up',
    );
    for (let i = 0; i < LOBBY_MAX; i++) full = ok(knock(full, { knockId: `q${i}`, name: 'Q', at: i }, undefined)).room!;
    assert.equal(code(knock(full, { knockId: 'over', name: 'Q', at: 99 }, undefined)), 'lobby-full');
  });

  it('a removed participant cannot come back while the room is locked', () => {
    const room = roomOfThree();
    const removed = ok(removeParticipant(room, 'a', 'c'));
    assert.deepEqual(
      removed.room?.participants.map((p) => p.peerId),
      ['a', 'b'],
    );
    const locked = ok(setLocked(removed.room, 'a', true, ticket)).room!;
    assert.equal(code(join(locked, 'r', person('c2', 9), 6, { clientId: 'cc' })), 'removed');
    assert.equal(code(knock(locked, { knockId: 'k9', name: 'C', at: 9 }, 'cc')), 'removed');
    // Even with a ticket meant for someone else.
    const other = ok(knock(locked, { knockId: 'k8', name: 'D', at: 9 }, 'cd')).room!;
    const pass = ok(answerKnock(other, 'a', 'k8', true, ticket));
    assert.equal(code(join(pass.room, 'r', person('c3', 10), 6, { clientId: 'cc', ticket: pass.value.ticket })), 'removed');
    // Unlocked, they may come back.
    const open = ok(setLocked(locked, 'a', false, ticket)).room!;
    assert.equal(code(join(open, 'r', person('c4', 11), 6, { clientId: 'cc' })), 'ok');
  });
});

describe('chat, hands and reactions', () => {
  it('keeps the last 50 messages, refuses empty and over-long ones, and only from members', () => {
    let room: Room | undefined = roomOfThree();
    for (let i = 0; i < 60; i++) room = ok(addChatMessage(room, 'b', `m${i}`, `id${i}`, i)).room;
    assert.equal(room!.chat.length, 50);
    assert.equal(room!.chat[0]!.text, 'm10');
    assert.equal(room!.chat.at(-1)!.name, 'B');
    assert.equal(code(addChatMessage(room, 'b', 'x'.repeat(2001), 'big', 1)), 'message-too-long');
    assert.equal(code(addChatMessage(room, 'b', 'x'.repeat(2000), 'max', 1)), 'ok');
    assert.equal(code(addChatMessage(room, 'b', '   ', 'blank', 1)), 'invalid-payload');
    assert.equal(code(addChatMessage(room, 'zz', 'hi', 'stranger', 1)), 'not-in-room');
    // Text is kept as typed: escaping is the UI's job, and it renders text, never HTML.
    assert.equal(ok(addChatMessage(room, 'b', '<img src=x onerror=alert(1)>', 'h', 1)).value.text, '<img src=x onerror=alert(1)>');
  });

  it("a room's history is dropped when it empties", () => {
    let room: Room | undefined = ok(join(undefined, 'r', person('a', 1), 6)).room;
    room = ok(addChatMessage(room, 'a', 'hello', 'm1', 2)).room;
    assert.equal(ok(leaveRoom(room, 'a')).room, undefined);
    const fresh = ok(join(undefined, 'r', person('b', 3), 6));
    assert.deepEqual(fresh.room?.chat, []);
  });

  it('orders raised hands by when they went up; raising twice keeps the first time', () => {
    let room: Room | undefined = roomOfThree();
    room = ok(raiseHand(room, 'c', true, 10)).room;
    room = ok(raiseHand(room, 'a', true, 20)).room;
    room = ok(raiseHand(room, 'c', true, 30)).room;
    assert.deepEqual(
      raisedHands(room!.participants).map((p) => p.peerId),
      ['c', 'a'],
    );
    room = ok(raiseHand(room, 'c', false, 40)).room;
    assert.deepEqual(
      raisedHands(room!.participants).map((p) => p.peerId),
      ['a'],
    );
    assert.equal(code(raiseHand(room, 'zz', true, 1)), 'not-in-room');
  });

  it('accepts only the listed reactions', () => {
    assert.ok(isReaction('👍'));
    assert.ok(!isReaction('<script>'));
    assert.ok(!isReaction('__proto__'));
  });
});
