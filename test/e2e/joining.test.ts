/**
 * Joining fast (issue 11), in real Chromium against the real server: the pre-join screen's early
 * connections and what they say about the room, and who calls whom in rooms that mix our
 * clients with a page written for the classic protocol.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { Ack, JoinedRoom, RingEnd } from '../../protocol/contract.js';
import {
  clickJoin,
  decodedFrames,
  eventually,
  launchBrowser,
  openCall,
  remoteDescriptions,
  remoteNames,
  type Participant,
} from '../helpers/browser.js';
import { startOtherOrigin, type OtherOrigin } from '../helpers/other-origin.js';
import { connectPeer, connectSocket, once, startServer, uniqueId, type ClientSocket, type TestServer } from '../helpers/server.js';

/** How many connections this page ever negotiated (closed ones included). */
const negotiated = async (p: Participant) => (await remoteDescriptions(p)).filter((n) => n > 0).length;

describe('joining: early connections, the preview, one connection per pair', () => {
  let server: TestServer;
  let classicOrigin: OtherOrigin;
  let browser: Browser;
  const opened: Participant[] = [];
  const sockets: ClientSocket[] = [];

  before(async () => {
    classicOrigin = await startOtherOrigin();
    server = await startServer({
      ALLOWED_ORIGINS: classicOrigin.origin,
      ROOM_CAPACITY: '3',
      RATE_JOIN_BURST: '100',
    });
    classicOrigin.setCallServer(server.url);
    browser = await launchBrowser();
  });
  after(async () => {
    await Promise.all(opened.map((p) => p.context.close().catch(() => {})));
    sockets.forEach((s) => s.close());
    await browser?.close();
    await server?.close();
    await classicOrigin?.close();
  });

  async function open(url: string, name: string) {
    const p = await openCall(browser, url, { name });
    opened.push(p);
    return p;
  }
  const metrics = async () => (await fetch(`${server.url}/metrics`)).text();
  const gauge = async (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await metrics())?.[1]);
  const connections = async () => ({ sockets: await gauge('callroom_sockets'), peers: await gauge('callroom_peers') });
  const peeks = async () => Number(/^callroom_events_total\{event="peek-room"\} (\S+)$/m.exec(await metrics())?.[1] ?? 0);

  /** Someone in `room` through a raw client (no browser): a real Socket.IO join with a real peer. */
  async function member(room: string, name: string, ticket?: string) {
    const socket = await connectSocket(server.url);
    sockets.push(socket);
    const peer = await connectPeer(server.url, uniqueId());
    const ack = (await socket.emitWithAck('join-room', room, peer.id, { name, peerToken: peer.token, ticket })) as Ack<JoinedRoom>;
    assert.ok(ack.ok, JSON.stringify(ack));
    return { socket, peer };
  }

  const here = (p: Participant) =>
    p.page
      .locator('call-room')
      .evaluate((el) => el.shadowRoot?.querySelector('.here')?.textContent?.trim() ?? null)
      .catch(() => null);

  it('the pre-join screen connects early and releases it when idle, when touched again, when the page is left; Join after a release still joins', async () => {
    const main = server;
    server = await startServer({ PRECONNECT_IDLE_SECONDS: '3' });
    try {
      await idleRelease();
    } finally {
      await server.close();
      server = main;
    }
  });

  async function idleRelease() {
    const before = await connections();
    const p = await open(`${server.url}/r/${uniqueId('room')}`, 'Early');
    // Connected before anyone pressed Join: one more socket and one more peer on the server.
    await eventually(
      async () => {
        const now = await connections();
        return now.sockets === before.sockets + 1 && now.peers === before.peers + 1;
      },
      10_000,
      'the early connections',
    );
    // Nobody touches the page for PRECONNECT_IDLE_SECONDS (3 s): both are released.
    await eventually(
      async () => {
        const now = await connections();
        return now.sockets === before.sockets && now.peers === before.peers;
      },
      15_000,
      'the idle release',
    );
    // An interaction connects again.
    await p.page.locator('call-room').click({ position: { x: 5, y: 5 } });
    await eventually(async () => (await connections()).sockets === before.sockets + 1, 10_000, 'connected again');
    await eventually(async () => (await connections()).peers === before.peers + 1, 10_000, 'the peer again');
    // Leaving the page releases them at once.
    await p.page.goto('about:blank');
    await eventually(
      async () => {
        const now = await connections();
        return now.sockets === before.sockets && now.peers === before.peers;
      },
      10_000,
      'released on leaving the page',
    );
    await joinAfterIdle();
  }

  /** Join after an idle release connects again and gets into the call. */
  async function joinAfterIdle() {
    const room = uniqueId('room');
    const host = await open(`${server.url}/r/${room}`, 'Host');
    await clickJoin(host);
    await host.page.getByText('Only you so far').waitFor({ timeout: 20_000 });
    const late = await open(`${server.url}/r/${room}`, 'Late');
    await late.page.getByText('Host is here').waitFor({ timeout: 10_000 });
    // Idle long enough to be released (3 s), then Join.
    await eventually(async () => (await here(late)) === null, 15_000, 'the preview to go with the release');
    await clickJoin(late);
    await eventually(async () => (await remoteNames(late)).includes('Host'), 20_000, 'Late to see Host');
    await eventually(async () => (await decodedFrames(late)).some((f) => f > 0), 20_000, 'Late to decode video');
  }

  it('a page view spends no relay credentials: only Join asks for them', async () => {
    const main = server;
    // Two TURN credential answers per address, then one a minute.
    server = await startServer({ ICE_PER_ADDRESS_BURST: '2', ICE_PER_ADDRESS_PER_MINUTE: '1' });
    try {
      const room = uniqueId('room');
      const before = await connections();
      const viewers: Participant[] = [];
      for (const name of ['View 1', 'View 2', 'View 3']) {
        viewers.push(await open(`${server.url}/r/${room}`, name));
        const n = viewers.length;
        await eventually(async () => (await connections()).peers === before.peers + n, 10_000, `${name}'s early connections`);
      }
      // The first and the third join: two credential answers, within the burst.
      const [first, , third] = viewers as [Participant, Participant, Participant];
      await clickJoin(first);
      await first.page.getByText('Only you so far').waitFor({ timeout: 20_000 });
      await clickJoin(third);
      await eventually(async () => (await remoteNames(third)).includes('View 1'), 20_000, 'the two joiners to meet');
      await eventually(async () => (await decodedFrames(third)).some((f) => f > 0), 20_000, 'video between them');
      await Promise.all(viewers.map((p) => p.context.close()));
    } finally {
      await server.close();
      server = main;
    }
  });

  it('shows who is here before Join (names as text), "full" when full, "locked" when locked', async () => {
    const room = uniqueId('room');
    const ada = await member(room, 'Ada');
    const p = await open(`${server.url}/r/${room}`, 'Visitor');
    await p.page.getByText('Ada is here').waitFor({ timeout: 10_000 });
    await member(room, '<b>Ben</b>');
    // The preview is asked again every 10 s while on the pre-join screen.
    await p.page.getByText('Ada and <b>Ben</b> are here').waitFor({ timeout: 15_000 });
    assert.equal(await p.page.locator('call-room').evaluate((el) => el.shadowRoot!.querySelectorAll('.here b').length), 0);

    await member(room, 'Cai');
    const full = await open(`${server.url}/r/${room}`, 'Fourth');
    await full.page.getByText('This call is full (3 of 3)').waitFor({ timeout: 10_000 });
    assert.equal(await full.page.getByText('Ada', { exact: false }).count(), 0, 'no names for a full room');

    assert.ok((await ada.socket.emitWithAck('lock-room', true)).ok);
    const locked = await open(`${server.url}/r/${room}`, 'Knocker');
    await locked.page.getByText('This call is locked').waitFor({ timeout: 10_000 });
    assert.equal(await here(locked), 'This call is locked: Join asks the host to let you in');
  });

  it('shows nothing at all for a private call, with or without its ticket', async () => {
    const callee = await connectSocket(server.url);
    const caller = await connectSocket(server.url);
    sockets.push(callee, caller);
    await callee.emitWithAck('become-reachable', 'joining-callee', { name: 'Callee', deviceKey: 'dk-joining' });
    const incoming = once<[{ ringId: string }]>(callee, 'incoming-ring');
    await caller.emitWithAck('ring', 'joining-callee', { name: 'Caller' });
    const callerHears = once<[RingEnd]>(caller, 'ring-ended');
    const answer = (await callee.emitWithAck('answer-ring', (await incoming)[0].ringId, true)) as Ack<RingEnd>;
    assert.ok(answer.ok && answer.data.roomId);
    await member(answer.data.roomId, 'Callee', answer.data.ticket);
    const [{ ticket }] = await callerHears;

    for (const query of ['', `?ticket=${ticket}`]) {
      const asked = await peeks();
      const p = await open(`${server.url}/r/${answer.data.roomId}${query}`, 'Nosy');
      // The page asked (and the server answered) before we look.
      await eventually(async () => (await peeks()) > asked, 10_000, 'the page to ask');
      await p.page.waitForTimeout(300);
      assert.equal(await here(p), null);
    }
  });

  for (const order of ['classic first', 'ours first'] as const) {
    it(`a room mixing a classic page and ours (${order}) gets exactly one connection per pair`, async () => {
      const room = uniqueId('room');
      const classicUrl = `${classicOrigin.origin}/classic.html?room=${room}`;
      const oursUrl = `${server.url}/r/${room}`;
      const openClassic = async () => {
        const before = await gauge('callroom_participants');
        const c = await open(classicUrl, 'Classic');
        await eventually(async () => (await gauge('callroom_participants')) > before, 10_000, 'the classic join');
        return c;
      };
      const people: Participant[] = [];
      let classic: Participant;
      if (order === 'classic first') {
        classic = await openClassic();
        for (const name of ['Ours A', 'Ours B']) {
          const p = await open(oursUrl, name);
          await clickJoin(p);
          await p.page.getByRole('button', { name: 'Leave call' }).waitFor({ timeout: 20_000 });
          people.push(p);
        }
      } else {
        const a = await open(oursUrl, 'Ours A');
        await clickJoin(a);
        await a.page.getByText('Only you so far').waitFor({ timeout: 20_000 });
        people.push(a);
        classic = await openClassic();
        const b = await open(oursUrl, 'Ours B');
        await clickJoin(b);
        people.push(b);
      }
      // Everyone sees and decodes the two others.
      for (const p of people) {
        await eventually(async () => (await remoteNames(p)).length === 2, 20_000, `${p.name} to show two tiles`);
        await eventually(async () => (await decodedFrames(p)).filter((f) => f > 0).length === 2, 20_000, `${p.name} to decode both`);
      }
      await eventually(
        () =>
          classic.page.evaluate(
            () =>
              // PeerJS fires 'stream' once per track: the same <video> may be listed twice.
              new Set((window as unknown as { remoteVideos: HTMLVideoElement[] }).remoteVideos.filter((v) => v.videoWidth > 0)).size === 2,
          ),
        20_000,
        'the classic page to play both',
      );
      // Past the 4 s fallback, when a missing call would have been placed a second time.
      await people[1]!.page.waitForTimeout(5000);
      for (const p of [...people, classic]) assert.equal(await negotiated(p), 2, `${p.name}: one connection to each of the two others`);
      await Promise.all([...people, classic].map((p) => p.context.close()));
    });
  }
});
