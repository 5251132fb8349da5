/**
 * Recording in the open (issue 14), against the real Socket.IO server: a recording starts only
 * after everyone else acknowledged the notice (and is refused, undone, when one does not); a
 * newcomer sees who records; the host forbids it (stopping one under way), nobody else can; a
 * classic client in the room, who cannot be told, blocks it, and one arriving stops it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Ack, Participant, RoomInfo } from '../../protocol/contract.js';
import { member, record, until } from '../helpers/members.js';
import { connectPeer, connectSocket, once, startServer, uniqueId, type TestServer } from '../helpers/server.js';

/** Our app as it joins: it calls members itself, shows recording notices, takes files. */
const TOLD = { offers: true, features: ['files', 'recording-notice'] };

const setRecording = (m: Awaited<ReturnType<typeof member>>, on: unknown) =>
  m.socket.timeout(10_000).emitWithAck('set-recording', on as boolean) as Promise<Ack<Participant>>;
const forbid = (m: Awaited<ReturnType<typeof member>>, on: boolean) =>
  m.socket.timeout(5000).emitWithAck('forbid-recording', on) as Promise<Ack<RoomInfo>>;

/** Answers every recording notice, noting when; `hold` keeps the answer back. */
function acknowledge(m: Awaited<ReturnType<typeof member>>, log: string[], hold = false) {
  m.socket.on('recording-notice', (p: Participant, ack: () => void) => {
    log.push(`${m.joined.self.name} told ${p.recordingSince ? 'on' : 'off'}`);
    if (!hold) ack();
  });
}

describe('recording in the open', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it('starts only once everyone else acknowledged the notice; a newcomer sees it; a stop is told', async () => {
    const room = uniqueId('room');
    const [ana, ben, cy] = [
      await member(server, room, 'Ana', TOLD),
      await member(server, room, 'Ben', TOLD),
      await member(server, room, 'Cy', TOLD),
    ];
    const log: string[] = [];
    acknowledge(ben, log);
    acknowledge(cy, log);
    const started = await setRecording(ana, true);
    log.push('Ana acked');
    assert.ok(started.ok && started.data.recordingSince! > 0);
    // Both were told, and answered, before Ana's ack came back.
    assert.deepEqual(log.slice(0, 2).sort(), ['Ben told on', 'Cy told on']);
    assert.equal(log[2], 'Ana acked');
    const dan = await member(server, room, 'Dan', TOLD);
    assert.ok(dan.joined.participants.find((p) => p.name === 'Ana')!.recordingSince);
    const stopped = once<[Participant]>(ben.socket, 'participant-updated');
    assert.ok((await setRecording(ana, false)).ok);
    assert.equal((await stopped)[0].recordingSince, undefined);
    for (const m of [ana, ben, cy, dan]) m.socket.close();
  });

  it('is refused, and undone, when someone does not acknowledge; bad input is refused', async () => {
    const room = uniqueId('room');
    const [ana, ben] = [await member(server, room, 'Ana', TOLD), await member(server, room, 'Ben', TOLD)];
    const log: string[] = [];
    acknowledge(ben, log, true);
    const heard = record(ben.socket);
    const refused = await setRecording(ana, true);
    assert.equal(!refused.ok && refused.error.code, 'recording-unannounced');
    // Ben, told of a recording that never began, hears it undone.
    await until(() => heard.some(([e, [p]]) => e === 'participant-updated' && !(p as Participant).recordingSince));
    const bad = await setRecording(ana, 'yes');
    assert.equal(!bad.ok && bad.error.code, 'invalid-payload');
    const peek = await member(server, room, 'Cy', TOLD);
    assert.equal(peek.joined.participants.find((p) => p.name === 'Ana')!.recordingSince, undefined);
    for (const m of [ana, ben, peek]) m.socket.close();
  });

  it('the host forbids it, stopping one under way; nobody else can; allowed again it works', async () => {
    const room = uniqueId('room');
    const [host, ben] = [await member(server, room, 'Host', TOLD), await member(server, room, 'Ben', TOLD)];
    acknowledge(host, []);
    acknowledge(ben, []);
    assert.ok((await setRecording(ben, true)).ok);
    const notHost = await forbid(ben, true);
    assert.equal(!notHost.ok && notHost.error.code, 'not-host');
    const stopped = once<[Participant]>(ben.socket, 'participant-updated');
    const roomUpdated = once<[RoomInfo]>(ben.socket, 'room-updated');
    const forbidden = await forbid(host, true);
    assert.ok(forbidden.ok && forbidden.data.recordingForbidden);
    assert.equal((await roomUpdated)[0].recordingForbidden, true);
    const [self] = await stopped;
    assert.deepEqual([self.name, self.recordingSince], ['Ben', undefined]);
    const again = await setRecording(ben, true);
    assert.equal(!again.ok && again.error.code, 'recording-forbidden');
    const newcomer = await member(server, room, 'Cy', TOLD);
    assert.equal(newcomer.joined.room.recordingForbidden, true);
    acknowledge(newcomer, []);
    assert.ok((await forbid(host, false)).ok);
    assert.ok((await setRecording(ben, true)).ok);
    for (const m of [host, ben, newcomer]) m.socket.close();
  });

  it('the host forbidding it, or someone who cannot be told arriving, while everyone is being told: refused', async () => {
    const room = uniqueId('room');
    const [host, ben, cy] = [
      await member(server, room, 'Host', TOLD),
      await member(server, room, 'Ben', TOLD),
      await member(server, room, 'Cy', TOLD),
    ];
    acknowledge(host, []);
    // Cy takes a moment to answer; meanwhile the host says no.
    let release: (() => void) | undefined;
    cy.socket.on('recording-notice', (_p: Participant, ack: () => void) => (release = ack));
    const starting = setRecording(ben, true);
    await until(() => release !== undefined, 'Cy was told');
    assert.ok((await forbid(host, true)).ok);
    release!();
    const answer = await starting;
    assert.equal(!answer.ok && answer.error.code, 'recording-forbidden');
    const late = await member(server, room, 'Dan', TOLD);
    assert.equal(late.joined.participants.find((p) => p.name === 'Ben')!.recordingSince, undefined, 'nobody is shown recording');
    for (const m of [host, ben, cy, late]) m.socket.close();
  });

  it('an older app (no recording-notice feature) blocks it, and stops it by joining', async () => {
    const room = uniqueId('room');
    const ana = await member(server, room, 'Ana', TOLD);
    const older = await member(server, room, 'Old', { offers: true });
    const refused = await setRecording(ana, true);
    assert.equal(!refused.ok && refused.error.code, 'recording-unannounced');
    older.socket.close();
    await until(async () => (await setRecording(ana, true)).ok, 'recording once the older app left');
    const stopped = once<[Participant]>(ana.socket, 'participant-updated');
    const again = await member(server, room, 'Old2', { offers: true });
    const [self] = await stopped;
    assert.deepEqual([self.name, self.recordingSince], ['Ana', undefined]);
    for (const m of [ana, again]) m.socket.close();
  });

  it('a classic client, who cannot be told, blocks it; one arriving stops it', async () => {
    const room = uniqueId('room');
    const ana = await member(server, room, 'Ana', TOLD);
    const classic = async () => {
      const peer = await connectPeer(server.url, uniqueId('classic'));
      const socket = await connectSocket(server.url);
      const arrived = once(ana.socket, 'user-connected');
      socket.emit('join-room', room, peer.id);
      await arrived;
      return socket;
    };
    const first = await classic();
    const refused = await setRecording(ana, true);
    assert.equal(!refused.ok && refused.error.code, 'recording-unannounced');
    first.close();
    await until(async () => (await setRecording(ana, true)).ok, 'recording once the classic client left');
    const stopped = once<[Participant]>(ana.socket, 'participant-updated');
    const second = await classic();
    const [self] = await stopped;
    assert.deepEqual([self.name, self.recordingSince], ['Ana', undefined]);
    ana.socket.close();
    second.close();
  });
});
