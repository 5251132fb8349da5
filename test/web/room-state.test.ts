/**
 * The room state reducer (web/rtc/room-state.ts): an event in, a new state out, in plain Node.
 *   node --import tsx --test test/web/room-state.test.ts
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatMessage, JoinedRoom, Knock, Participant } from '../../protocol/contract.js';
import { CHAT_KEPT, initialRoomState, reduceRoom, type RoomEvent, type RoomState } from '../../web/rtc/room-state.js';

const person = (peerId: string, joinedAt: number, extra: Partial<Participant> = {}): Participant => ({
  peerId,
  name: peerId.toUpperCase(),
  audio: true,
  video: true,
  joinedAt,
  ...extra,
});

const message = (id: string, peerId = 'bo'): ChatMessage => ({ id, peerId, name: peerId, text: `text ${id}`, sentAt: 1 });

const knock = (knockId: string): Knock => ({ knockId, name: `Knocker ${knockId}`, at: 1 });

/** A stand-in for a MediaStream: the reducer only carries it. */
const stream = (id: string) => ({ id }) as unknown as MediaStream;

function joinedRoom(overrides: Partial<JoinedRoom> = {}): JoinedRoom {
  return {
    roomId: 'standup',
    self: person('me', 5),
    participants: [person('cy', 3), person('bo', 2)],
    capacity: 8,
    room: { hostPeerId: 'me', locked: false, capacity: 8 },
    chat: [message('m1')],
    lobby: [],
    ...overrides,
  } as JoinedRoom;
}

const run = (events: RoomEvent[], from: RoomState = initialRoomState) => events.reduce(reduceRoom, from);
const inCall = (overrides: Partial<JoinedRoom> = {}) => run([{ type: 'joining' }, { type: 'joined', joined: joinedRoom(overrides) }]);
const peerIds = (state: RoomState) => state.participants.map((p) => p.peerId);

describe('room state', () => {
  it('starts idle and empty', () => {
    assert.equal(initialRoomState.status, 'idle');
    assert.deepEqual(initialRoomState.participants, []);
  });

  it('joins: everyone else in joining order, connecting, no streams yet; chat and lobby from the server', () => {
    const state = inCall({ lobby: [knock('k1')] });
    assert.equal(state.status, 'joined');
    assert.deepEqual(peerIds(state), ['bo', 'cy']);
    assert.ok(state.participants.every((p) => p.connection === 'connecting' && p.stream === undefined));
    assert.deepEqual(
      state.chat.map((m) => [m.id, m.status]),
      [['m1', 'sent']],
    );
    assert.deepEqual(state.lobby, [knock('k1')]);
    assert.equal(state.room?.hostPeerId, 'me');
  });

  it("keeps no copy of one's own microphone and camera: LocalMedia owns them", () => {
    const state = inCall();
    assert.equal(state.self?.peerId, 'me');
    assert.ok(state.self && !('audio' in state.self) && !('video' in state.self));
    const raised = reduceRoom(state, { type: 'self-updated', self: person('me', 5, { handRaisedAt: 9, audio: false }) });
    assert.equal(raised.self?.handRaisedAt, 9);
    assert.ok(raised.self && !('audio' in raised.self));
  });

  it('adds a newcomer in joining order, and keeps the stream of someone who joins again', () => {
    let state = inCall();
    state = run([{ type: 'participant-joined', participant: person('al', 1) }], state);
    assert.deepEqual(peerIds(state), ['al', 'bo', 'cy']);
    state = run(
      [
        { type: 'stream', peerId: 'bo', stream: stream('s-bo') },
        { type: 'connection-state', peerId: 'bo', connection: 'connected' },
        { type: 'participant-joined', participant: person('bo', 7, { name: 'Bo again' }) },
      ],
      state,
    );
    assert.deepEqual(peerIds(state), ['al', 'cy', 'bo']);
    const bo = state.participants.find((p) => p.peerId === 'bo')!;
    assert.equal(bo.name, 'Bo again');
    assert.deepEqual(bo.stream, stream('s-bo'));
    assert.equal(bo.connection, 'connected');
  });

  it('updates and removes participants it knows, and ignores news of strangers', () => {
    const state = inCall();
    const muted = reduceRoom(state, { type: 'participant-updated', participant: person('bo', 2, { audio: false }) });
    assert.equal(muted.participants.find((p) => p.peerId === 'bo')?.audio, false);
    assert.equal(reduceRoom(state, { type: 'participant-updated', participant: person('zed', 1) }), state);
    assert.equal(reduceRoom(state, { type: 'stream', peerId: 'zed', stream: stream('x') }), state);
    assert.equal(reduceRoom(state, { type: 'connection-state', peerId: 'zed', connection: 'failed' }), state);
    assert.equal(reduceRoom(state, { type: 'participant-left', peerId: 'zed' }), state);
    assert.deepEqual(peerIds(reduceRoom(state, { type: 'participant-left', peerId: 'bo' })), ['cy']);
  });

  it('after a reconnect, keeps those still connected whom the restarted server forgot, and drops the rest', () => {
    let state = inCall();
    state = run(
      [
        { type: 'stream', peerId: 'bo', stream: stream('s-bo') },
        { type: 'connection', connected: false },
      ],
      state,
    );
    assert.equal(state.status, 'reconnecting');
    const rejoined = reduceRoom(state, {
      type: 'rejoined',
      joined: joinedRoom({ participants: [person('dee', 4)] }),
      stillConnected: ['bo'],
    });
    assert.equal(rejoined.status, 'joined');
    assert.deepEqual(peerIds(rejoined), ['bo', 'dee']);
    assert.deepEqual(rejoined.participants[0]!.stream, stream('s-bo'));
  });

  it('goes reconnecting and back only while in the call', () => {
    assert.equal(reduceRoom(initialRoomState, { type: 'connection', connected: false }), initialRoomState);
    const state = inCall();
    const down = reduceRoom(state, { type: 'connection', connected: false });
    assert.equal(down.status, 'reconnecting');
    assert.equal(reduceRoom(down, { type: 'connection', connected: true }).status, 'joined');
    const left = reduceRoom(state, { type: 'ended', status: 'left' });
    assert.equal(reduceRoom(left, { type: 'connection', connected: true }), left);
  });

  it('knocks, then joins or ends', () => {
    const knocking = run([{ type: 'joining' }, { type: 'knocking' }]);
    assert.equal(knocking.status, 'knocking');
    const ended = reduceRoom(knocking, { type: 'ended', status: 'failed', error: { code: 'ended', message: 'The call ended' } });
    assert.equal(ended.status, 'failed');
    assert.equal(ended.error?.code, 'ended');
    assert.equal(reduceRoom(knocking, { type: 'ended', status: 'denied' }).status, 'denied');
  });

  it('ending empties the call and keeps the reason', () => {
    const ended = reduceRoom(inCall(), { type: 'ended', status: 'removed' });
    assert.equal(ended.status, 'removed');
    assert.deepEqual(ended.participants, []);
    assert.equal(ended.error, undefined);
  });

  it('returns the same state when nothing changed', () => {
    const state = inCall();
    assert.equal(reduceRoom(state, { type: 'connection', connected: true }), state);
    const knocking = run([{ type: 'knocking' }]);
    assert.equal(reduceRoom(knocking, { type: 'knocking' }), knocking);
    const noticed = reduceRoom(state, { type: 'notice', notice: 'relay-failed' });
    assert.equal(noticed.notice, 'relay-failed');
    assert.equal(reduceRoom(noticed, { type: 'notice', notice: 'relay-failed' }), noticed);
  });

  it("forgets the server's trouble once a join is answered, but not a relay problem", () => {
    const troubled = run([{ type: 'joining' }, { type: 'notice', notice: 'server-trouble' }]);
    assert.equal(troubled.notice, 'server-trouble');
    assert.equal(reduceRoom(troubled, { type: 'joined', joined: joinedRoom() }).notice, undefined);
    const relay = reduceRoom(inCall(), { type: 'notice', notice: 'relay-failed' });
    assert.equal(reduceRoom(relay, { type: 'rejoined', joined: joinedRoom(), stillConnected: [] }).notice, 'relay-failed');
    const again = reduceRoom(inCall(), { type: 'notice', notice: 'server-trouble' });
    assert.equal(reduceRoom(again, { type: 'rejoined', joined: joinedRoom(), stillConnected: [] }).notice, undefined);
  });

  describe('chat', () => {
    it('adds messages from the room, keeping the last ones', () => {
      let state = inCall({ chat: [] });
      for (let i = 0; i < CHAT_KEPT + 5; i++) state = reduceRoom(state, { type: 'chat-received', message: message(`m${i}`) });
      assert.equal(state.chat.length, CHAT_KEPT);
      assert.equal(state.chat[0]!.id, 'm5');
      assert.equal(state.chat.at(-1)!.id, `m${CHAT_KEPT + 4}`);
    });

    it('shows one’s own message at once, then sent with the server’s id', () => {
      const entry = { ...message('local-1', 'me'), status: 'sending' as const };
      let state = reduceRoom(inCall({ chat: [] }), { type: 'chat-sending', entry });
      assert.deepEqual(
        state.chat.map((m) => [m.id, m.status]),
        [['local-1', 'sending']],
      );
      state = reduceRoom(state, { type: 'chat-sent', localId: 'local-1', message: message('srv-1', 'me') });
      assert.deepEqual(
        state.chat.map((m) => [m.id, m.status]),
        [['srv-1', 'sent']],
      );
    });

    it('marks a failed message with why, and a retry takes its place', () => {
      const entry = { ...message('local-1', 'me'), status: 'sending' as const };
      let state = run(
        [
          { type: 'chat-sending', entry },
          { type: 'chat-received', message: message('m2') },
          { type: 'chat-failed', localId: 'local-1', problem: 'The call server did not answer in time' },
        ],
        inCall({ chat: [] }),
      );
      assert.equal(state.chat[0]!.status, 'failed');
      assert.equal(state.chat[0]!.problem, 'The call server did not answer in time');
      state = reduceRoom(state, { type: 'chat-sending', entry: { ...entry, sentAt: 2 }, replaces: 'local-1' });
      assert.deepEqual(
        state.chat.map((m) => [m.id, m.status]),
        [
          ['local-1', 'sending'],
          ['m2', 'sent'],
        ],
      );
    });
  });

  describe('lobby', () => {
    it('adds each knock once and drops it when withdrawn or answered', () => {
      let state = run([{ type: 'knock-arrived', knock: knock('k1') }], inCall());
      assert.equal(reduceRoom(state, { type: 'knock-arrived', knock: knock('k1') }), state);
      state = reduceRoom(state, { type: 'knock-arrived', knock: knock('k2') });
      state = reduceRoom(state, { type: 'knock-gone', knockId: 'k1' });
      assert.deepEqual(
        state.lobby.map((k) => k.knockId),
        ['k2'],
      );
      assert.equal(reduceRoom(state, { type: 'knock-gone', knockId: 'nope' }), state);
    });

    it('is only the host’s: handing over the room drops it', () => {
      let state = run([{ type: 'knock-arrived', knock: knock('k1') }], inCall());
      state = reduceRoom(state, { type: 'room-updated', room: { hostPeerId: 'me', locked: true, capacity: 8 } });
      assert.equal(state.lobby.length, 1);
      assert.equal(state.room?.locked, true);
      state = reduceRoom(state, { type: 'room-updated', room: { hostPeerId: 'bo', locked: true, capacity: 8 } });
      assert.deepEqual(state.lobby, []);
    });
  });
});
