/** The screen-share flag in update-media: told to the room, refused when malformed, cleared when omitted. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Ack, JoinedRoom, Participant } from '../../protocol/contract.js';
import { connectPeer, connectSocket, once, startServer, uniqueId, type TestServer } from '../helpers/server.js';

describe('sharing a screen: the room is told', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it('update-media {screen} reaches the others; a bad value is refused; leaving it out clears it', async () => {
    const room = uniqueId('room');
    const join = async () => {
      const socket = await connectSocket(server.url);
      const peer = await connectPeer(server.url, uniqueId());
      const ack = (await socket.emitWithAck('join-room', room, peer.id, { peerToken: peer.token, offers: true })) as Ack<JoinedRoom>;
      assert.ok(ack.ok);
      return socket;
    };
    const [a, b] = [await join(), await join()];
    const shared = once<[Participant]>(b, 'participant-updated');
    assert.ok(((await a.emitWithAck('update-media', { audio: true, video: true, screen: true })) as Ack<Participant>).ok);
    assert.equal((await shared)[0].screen, true);
    const bad = (await a.emitWithAck('update-media', { audio: true, video: true, screen: 'yes' } as never)) as Ack<Participant>;
    assert.equal(!bad.ok && bad.error.code, 'invalid-payload');
    const stopped = once<[Participant]>(b, 'participant-updated');
    await a.emitWithAck('update-media', { audio: true, video: false });
    const [after] = await stopped;
    assert.equal(after.screen, undefined);
    assert.equal(after.video, false);
    a.close();
    b.close();
  });
});
