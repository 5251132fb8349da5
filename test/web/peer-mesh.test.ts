/**
 * Who calls whom in the mesh (web/rtc/peer-mesh.ts), with a fake PeerJS Peer and fake timers:
 * members call newcomers; a newcomer calls whoever has not called within 4 s; calls from peers
 * the room has not introduced are held 5 s, then refused; a failed connection is repaired by
 * the smaller peer id first.
 *   node --import tsx --test test/web/peer-mesh.test.ts
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import {
  NEWCOMER_FALLBACK_CALL_MS,
  PeerMesh,
  REPAIR_FALLBACK_MS,
  REPAIR_FIRST_MS,
  UNKNOWN_CALLER_GRACE_MS,
  type MeshCall,
  type MeshPeer,
} from '../../web/rtc/peer-mesh.js';

/** The part of RTCPeerConnection the mesh reads. */
class FakePeerConnection {
  connectionState: RTCPeerConnectionState = 'new';
  signalingState: RTCSignalingState = 'stable';
  #listeners = new Map<string, Array<() => void>>();

  addEventListener(type: string, listener: () => void) {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }

  getTransceivers(): RTCRtpTransceiver[] {
    return [];
  }

  setConfiguration() {}

  getConfiguration() {
    return {};
  }

  /** Moves to `state` and tells the listeners, as the browser would. */
  become(state: RTCPeerConnectionState) {
    this.connectionState = state;
    for (const listener of this.#listeners.get('connectionstatechange') ?? []) listener();
  }
}

class FakeCall implements MeshCall {
  readonly pc = new FakePeerConnection();
  answered = false;
  closed = false;
  #listeners = new Map<string, Array<(...args: unknown[]) => void>>();

  constructor(
    readonly peer: string,
    readonly direction: 'outgoing' | 'incoming',
  ) {}

  get peerConnection() {
    return this.pc as unknown as RTCPeerConnection;
  }

  answer() {
    this.answered = true;
  }

  close() {
    this.closed = true;
  }

  on(event: string, listener: (...args: never[]) => void) {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener as (...args: unknown[]) => void]);
    return this;
  }
}

class FakePeer implements MeshPeer {
  open = false;
  disconnected = false;
  destroyed = false;
  options = { config: {} };
  /** Every call this peer placed, in order. */
  placed: FakeCall[] = [];
  #listeners = new Map<string, Array<(...args: never[]) => void>>();

  call(peerId: string): MeshCall {
    const call = new FakeCall(peerId, 'outgoing');
    this.placed.push(call);
    return call;
  }

  on(event: string, listener: (...args: never[]) => void) {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener]);
    return this;
  }

  once(event: string, listener: (...args: never[]) => void) {
    return this.on(event, listener);
  }

  reconnect() {}

  destroy() {
    this.destroyed = true;
  }

  /** The PeerServer registered our id. */
  registered(id: string) {
    this.open = true;
    for (const listener of this.#listeners.get('open') ?? []) (listener as (id: string) => void)(id);
  }

  /** Someone calls us. */
  ring(from: string): FakeCall {
    const call = new FakeCall(from, 'incoming');
    for (const listener of this.#listeners.get('call') ?? []) (listener as (call: MeshCall) => void)(call);
    return call;
  }
}

/** Smaller than any PeerJS id the mesh makes for itself (20 letters or digits). */
const SMALLER_ID = '0';
/** Larger than any PeerJS id the mesh makes for itself. */
const LARGER_ID = 'zzzzzzzzzzzzzzzzzzzzz';

describe('the mesh: who calls whom', () => {
  let peer: FakePeer;
  let mesh: PeerMesh;
  let room: Set<string>;

  beforeEach(async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    peer = new FakePeer();
    room = new Set();
    mesh = new PeerMesh({
      server: new URL('http://callroom.test'),
      peerPath: '/peerjs',
      peerKey: 'peerjs',
      iceServers: [],
      isInRoom: (peerId) => room.has(peerId),
      getLocalTracks: () => ({ audio: undefined, video: undefined }),
      createPeer: () => peer,
      createPlaceholders: () => ({ getTracks: () => [] }) as unknown as MediaStream,
    });
    const opened = mesh.open();
    peer.registered(mesh.peerId);
    await opened;
  });

  afterEach(() => {
    mesh.close();
    mock.timers.reset();
  });

  const callsTo = (peerId: string) => peer.placed.filter((c) => c.peer === peerId);

  it('a member calls each classic newcomer at once', () => {
    room.add('newcomer');
    mesh.welcome({ peerId: 'newcomer' });
    assert.equal(callsTo('newcomer').length, 1);
    assert.ok(mesh.has('newcomer'));
  });

  it('a member does not call again someone it is still connected to (they only rejoined)', () => {
    room.add('bo');
    mesh.welcome({ peerId: 'bo' });
    callsTo('bo')[0]!.pc.become('connected');
    mesh.welcome({ peerId: 'bo' });
    assert.equal(callsTo('bo').length, 1);
  });

  it('a newcomer waits for classic members’ calls, and calls those whose call has not come within 4 s', () => {
    room.add('al').add('bo');
    mesh.joinedWith([{ peerId: 'al' }, { peerId: 'bo' }]);
    assert.equal(peer.placed.length, 0, 'nobody called at once');
    const fromAl = peer.ring('al');
    assert.ok(fromAl.answered, 'a member’s call is answered');
    mock.timers.tick(NEWCOMER_FALLBACK_CALL_MS - 1);
    assert.equal(peer.placed.length, 0);
    mock.timers.tick(1);
    assert.deepEqual(
      peer.placed.map((c) => c.peer),
      ['bo'],
    );
  });

  it('a newcomer does not call a member who left during those 4 s', () => {
    room.add('al');
    mesh.joinedWith([{ peerId: 'al' }]);
    room.delete('al');
    mock.timers.tick(NEWCOMER_FALLBACK_CALL_MS);
    assert.equal(peer.placed.length, 0);
  });

  it('a newcomer calls at once every member whose client waits for it, and waits for the classic ones', () => {
    room.add('ours1').add('classic').add('ours2');
    mesh.joinedWith([{ peerId: 'ours1', offers: true }, { peerId: 'classic' }, { peerId: 'ours2', offers: true }]);
    assert.deepEqual(
      peer.placed.map((c) => c.peer),
      ['ours1', 'ours2'],
    );
    // The classic member calls us, as the classic protocol has it: one connection, not two.
    assert.ok(peer.ring('classic').answered);
    mock.timers.tick(NEWCOMER_FALLBACK_CALL_MS);
    assert.equal(callsTo('classic').length, 0);
    assert.equal(callsTo('ours1').length, 1);
    assert.equal(peer.placed.length, 2);
  });

  it('a member waits for a newcomer that calls members, and calls it only if no call came within 4 s', () => {
    room.add('fast').add('silent');
    mesh.welcome({ peerId: 'fast', offers: true });
    mesh.welcome({ peerId: 'silent', offers: true });
    assert.equal(peer.placed.length, 0, 'nobody called at once');
    assert.ok(peer.ring('fast').answered);
    mock.timers.tick(NEWCOMER_FALLBACK_CALL_MS);
    assert.deepEqual(
      peer.placed.map((c) => c.peer),
      ['silent'],
    );
  });

  it('a newcomer’s call that arrives before the room introduces it is answered once it does', () => {
    const early = peer.ring('early');
    assert.equal(early.answered, false, 'held: not in the room yet');
    room.add('early');
    mesh.welcome({ peerId: 'early', offers: true });
    assert.ok(early.answered);
    mock.timers.tick(NEWCOMER_FALLBACK_CALL_MS);
    assert.equal(peer.placed.length, 0, 'its call is the connection: no second one');
  });

  it('answers a call from someone in the room', () => {
    room.add('al');
    const call = peer.ring('al');
    assert.ok(call.answered);
    assert.ok(mesh.has('al'));
  });

  it('holds a call from a stranger until the room introduces them', () => {
    const call = peer.ring('stranger');
    assert.equal(call.answered, false);
    assert.equal(mesh.has('stranger'), false);
    mock.timers.tick(UNKNOWN_CALLER_GRACE_MS - 1);
    room.add('stranger');
    mesh.admitted('stranger');
    assert.ok(call.answered);
    assert.equal(call.closed, false);
    assert.ok(mesh.has('stranger'));
  });

  it('refuses a stranger’s call the room has not introduced within 5 s', () => {
    const call = peer.ring('stranger');
    mock.timers.tick(UNKNOWN_CALLER_GRACE_MS);
    assert.ok(call.closed);
    assert.equal(call.answered, false);
    mesh.admitted('stranger');
    assert.equal(call.answered, false, 'too late');
  });

  it('refuses every call once closed', () => {
    room.add('al');
    mesh.close();
    const call = peer.ring('al');
    assert.ok(call.closed);
    assert.equal(call.answered, false);
  });

  describe('repair after a failure', () => {
    it('the smaller peer id calls again first (0.5 s)', () => {
      room.add(LARGER_ID);
      mesh.welcome({ peerId: LARGER_ID });
      callsTo(LARGER_ID)[0]!.pc.become('failed');
      mock.timers.tick(REPAIR_FIRST_MS - 1);
      assert.equal(callsTo(LARGER_ID).length, 1);
      mock.timers.tick(1);
      assert.equal(callsTo(LARGER_ID).length, 2);
    });

    it('the larger peer id waits (4 s), and calls only if the other side did not repair it', () => {
      room.add(SMALLER_ID);
      peer.ring(SMALLER_ID).pc.become('failed');
      mock.timers.tick(REPAIR_FIRST_MS);
      assert.equal(callsTo(SMALLER_ID).length, 0, 'leaves the first move to the smaller id');
      mock.timers.tick(REPAIR_FALLBACK_MS - REPAIR_FIRST_MS);
      assert.equal(callsTo(SMALLER_ID).length, 1);
    });

    it('the larger peer id does not call when the other side’s fresh call came in time', () => {
      room.add(SMALLER_ID);
      peer.ring(SMALLER_ID).pc.become('failed');
      mock.timers.tick(REPAIR_FIRST_MS);
      const fresh = peer.ring(SMALLER_ID);
      assert.ok(fresh.answered);
      mock.timers.tick(REPAIR_FALLBACK_MS);
      assert.equal(callsTo(SMALLER_ID).length, 0);
    });

    it('does not repair a connection with someone who left the room', () => {
      room.add(LARGER_ID);
      mesh.welcome({ peerId: LARGER_ID });
      callsTo(LARGER_ID)[0]!.pc.become('failed');
      room.delete(LARGER_ID);
      mesh.hangUp(LARGER_ID);
      mock.timers.tick(REPAIR_FALLBACK_MS);
      assert.equal(callsTo(LARGER_ID).length, 1);
    });
  });

  it('when both call at once, both keep the call placed by the smaller peer id', () => {
    room.add(LARGER_ID).add(SMALLER_ID);
    // We are the smaller id here: our own call stays, theirs is closed.
    mesh.welcome({ peerId: LARGER_ID });
    const theirs = peer.ring(LARGER_ID);
    assert.ok(theirs.closed);
    assert.equal(theirs.answered, false);
    // We are the larger id here: their call wins over ours.
    mesh.welcome({ peerId: SMALLER_ID });
    const ours = callsTo(SMALLER_ID)[0]!;
    const winning = peer.ring(SMALLER_ID);
    assert.ok(winning.answered);
    assert.ok(ours.closed);
  });
});
