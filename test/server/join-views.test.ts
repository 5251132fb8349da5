/**
 * Everyone's view of a room agrees with the room, however joins interleave: what a newcomer's
 * ack lists plus the user-connected it hears is exactly who else is in the room. (A join landing
 * between another's store update and its Socket.IO room join would be told to nobody; with the
 * rooms in Redis every step of a join is a round trip, so both stores are tried.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Ack, JoinedRoom } from '../../protocol/contract.js';
import { startRedis } from '../helpers/redis.js';
import { connectPeer, connectSocket, startServer, uniqueId, type ClientSocket, type RawPeer, type TestServer } from '../helpers/server.js';

export async function viewsAgree(url: string, rounds: number, people: number): Promise<string[]> {
  const problems: string[] = [];
  for (let round = 0; round < rounds; round++) {
    const room = uniqueId('room');
    const clients: Array<{ socket: ClientSocket; peer: RawPeer; seen: Set<string> }> = [];
    for (let i = 0; i < people; i++) {
      const socket = await connectSocket(url);
      const peer = await connectPeer(url, uniqueId());
      const seen = new Set<string>();
      socket.on('user-connected', (id) => seen.add(id));
      socket.on('user-disconnected', (id) => seen.delete(id));
      clients.push({ socket, peer, seen });
    }
    // Everyone at once.
    const acks = await Promise.all(
      clients.map(
        ({ socket, peer }) => socket.emitWithAck('join-room', room, peer.id, { peerToken: peer.token }) as Promise<Ack<JoinedRoom>>,
      ),
    );
    acks.forEach((ack, i) => {
      assert.ok(ack.ok, JSON.stringify(ack));
      for (const p of ack.data.participants) clients[i]!.seen.add(p.peerId);
    });
    await new Promise((r) => setTimeout(r, 100));
    clients.forEach(({ peer, seen }, i) => {
      const others = clients.filter((c) => c.peer !== peer).map((c) => c.peer.id);
      const missing = others.filter((id) => !seen.has(id));
      if (missing.length) problems.push(`round ${round}: client ${i} never heard of ${missing.length}`);
    });
    clients.forEach(({ socket, peer }) => {
      socket.close();
      peer.close();
    });
  }
  return problems;
}

describe('concurrent joins', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ RATE_JOIN_BURST: '1000', CONNECTIONS_PER_ADDRESS: '1000' });
  });
  after(() => server.close());

  it('everyone hears of everyone, however the joins interleave (30 rounds of 6 at once)', async () => {
    assert.deepEqual(await viewsAgree(server.url, 30, 6), []);
  });

  it('… also with the rooms in Redis, where every step of a join is a round trip', async () => {
    const redis = await startRedis();
    const onRedis = await startServer({ REDIS_URL: redis.url, RATE_JOIN_BURST: '1000', CONNECTIONS_PER_ADDRESS: '1000' });
    try {
      assert.deepEqual(await viewsAgree(onRedis.url, 30, 6), []);
    } finally {
      await onRedis.close();
      await redis.stop();
    }
  });
});
