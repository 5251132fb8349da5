/** Room members as raw clients (a Socket.IO socket and a PeerServer link), for black-box server tests. */
import assert from 'node:assert/strict';
import type { Ack, JoinedRoom, JoinOptions } from '../../protocol/contract.js';
import { connectPeer, connectSocket, uniqueId, type ClientSocket, type RawPeer, type TestServer } from './server.js';

export interface Member {
  socket: ClientSocket;
  peer: RawPeer;
  joined: JoinedRoom;
}

export const join = async (socket: ClientSocket, roomId: string, peerId: string, options: JoinOptions = {}) =>
  (await socket.timeout(5000).emitWithAck('join-room', roomId, peerId, options)) as Ack<JoinedRoom>;

export async function member(server: Pick<TestServer, 'url'>, roomId: string, name: string, extra: JoinOptions = {}): Promise<Member> {
  const peer = await connectPeer(server.url, uniqueId(name));
  const socket = await connectSocket(server.url);
  const answer = await join(socket, roomId, peer.id, { name, peerToken: peer.token, ...extra });
  assert.ok(answer.ok, `${name} joins: ${JSON.stringify(answer)}`);
  return { socket, peer, joined: answer.data };
}

/** Collects what a socket hears, to assert later that something never arrived. */
export function record(socket: ClientSocket) {
  const heard: Array<[string, unknown[]]> = [];
  socket.onAny((event: string, ...args: unknown[]) => heard.push([event, args]));
  return heard;
}

/** Waits (at most 5 s: a guard against hanging, not a timing) until `check` holds. */
export async function until(check: () => boolean | Promise<boolean>, what = 'condition never held'): Promise<void> {
  for (let i = 0; i < 50 && !(await check()); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(await check(), what);
}

export const eventuallyMatches = (url: string, pattern: RegExp) =>
  until(async () => pattern.test(await (await fetch(`${url}/metrics`)).text()));

/** Drops a socket's connection the way a network change does: no goodbye, the transport just closes. */
export function dropConnection(socket: ClientSocket) {
  (socket.io.engine as unknown as { close(): void }).close();
}
