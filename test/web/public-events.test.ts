/**
 * <call-room>'s public events from the room's state (web/api/public-events.ts), one layer in
 * Node: the order on a join (state, call-joined, everyone already there), a reconnect
 * (connection-state both ways), updates with what changed, a refusal (call-error, call-left).
 * The whole flow in a browser is test/e2e/embed-api.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JoinedRoom, Participant } from '../../protocol/contract.js';
import { PublicEvents, type Snapshot } from '../../web/api/public-events.js';
import { initialRoomState, reduceRoom, type RoomEvent, type RoomState } from '../../web/rtc/room-state.js';

const person = (peerId: string, name: string, extra: Partial<Participant> = {}): Participant => ({
  peerId,
  name,
  audio: true,
  video: true,
  joinedAt: 1,
  ...extra,
});

const joined: JoinedRoom = {
  roomId: 'standup',
  self: person('me', 'Ada'),
  participants: [person('bo', 'Bo')],
  capacity: 6,
  room: { hostPeerId: 'me', locked: false, capacity: 6 },
  chat: [],
  lobby: [],
};

function recorder() {
  const fired: string[] = [];
  const events = new PublicEvents((name, detail) => {
    const d = detail as Record<string, unknown>;
    const who = (d.participant as { name?: string } | undefined)?.name;
    const extra = d.state ?? d.reason ?? d.code ?? (d.changed as string[] | undefined)?.join('+') ?? '';
    fired.push([name, who, extra].filter(Boolean).join(' '));
  });
  let room: RoomState = initialRoomState;
  const step = (state: Snapshot['state'], ...changes: RoomEvent[]) => {
    room = changes.reduce(reduceRoom, room);
    events.update({ roomId: 'standup', state, status: room.status, room, self: { audio: true, video: true } });
  };
  return { fired, step };
}

describe('public events', () => {
  it('a join, a reconnect, updates and leaving, in order', () => {
    const { fired, step } = recorder();
    step('prejoin');
    step('joining', { type: 'joining' });
    step('joined', { type: 'joined', joined });
    step('joined', { type: 'participant-joined', participant: person('cy', 'Cy') });
    step('joined', { type: 'participant-updated', participant: person('bo', 'Bo', { audio: false, handRaisedAt: 5 }) });
    step('reconnecting', { type: 'connection', connected: false });
    step('joined', { type: 'connection', connected: true });
    step('joined', { type: 'participant-left', peerId: 'cy' });
    step('left', { type: 'ended', status: 'left' });
    assert.deepEqual(fired, [
      'state-change joining',
      'state-change joined',
      'call-joined',
      'participant-joined Bo',
      'participant-joined Cy',
      'participant-updated Bo audio+handRaised',
      'hand-raised Bo',
      'state-change reconnecting',
      'connection-state reconnecting',
      'state-change joined',
      'connection-state connected',
      'participant-left Cy left',
      'state-change left',
      'call-left left',
    ]);
  });

  it('a refused join: call-error with the code, then call-left ended', () => {
    const { fired, step } = recorder();
    step('prejoin');
    step('joining', { type: 'joining' });
    step('left', { type: 'ended', status: 'failed', error: { code: 'room-full', message: 'This call is full (6 of 6)' } });
    assert.deepEqual(fired, ['state-change joining', 'state-change left', 'call-error room-full', 'call-left ended']);
  });
});
