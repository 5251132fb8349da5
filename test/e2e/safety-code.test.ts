/**
 * The safety code (issue 14), in real Chromium: in a 3-person call both sides of every pair
 * show the same code, and the three pairs show three different codes. A code marked verified in
 * the people panel stays verified in the next call between the same two devices (each keeps its
 * DTLS certificate in IndexedDB), and the API's verifyCode does the same.
 *
 * And the point of it: a man in the middle. A lying signaling path (the test, rewriting the two
 * browsers' PeerServer frames with Playwright's WebSocket routing) sends Bob's call to a third
 * page, Mallory, which answers Bob as Ana and calls Ana as Bob, relaying the tracks both ways.
 * The call works, each side sees the other's video, and the two safety codes differ.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, WebSocketRoute } from 'playwright-core';
import { clickJoin, eventually, launchBrowser, openCall, remoteVideosPlaying, type Participant } from '../helpers/browser.js';
import { startServer, uniqueId, type TestServer } from '../helpers/server.js';

interface Person {
  id: string;
  name: string;
  isSelf: boolean;
  safety?: { digits: string; emoji: string; verified: boolean };
}

const people = (p: Participant): Promise<Person[]> =>
  p.page.evaluate(() =>
    JSON.parse(JSON.stringify((document.querySelector('call-room') as unknown as { participants: unknown }).participants)),
  );

/** What `p` shows as the code with `name`, once known. */
async function codeWith(p: Participant, name: string): Promise<Person['safety']> {
  let found: Person['safety'];
  await eventually(
    async () => {
      found = (await people(p)).find((x) => x.name === name)?.safety;
      return !!found;
    },
    20_000,
    `${p.name}'s code with ${name}`,
  );
  return found;
}

/**
 * Mallory's page: for a call offered by one side, an answer from a connection of her own, and a
 * call of her own to the other side; whatever arrives on one is sent on the other. `send(to, frame)`
 * hands a PeerJS frame to the test, which delivers it to `to` as if it came from the other.
 */
const MALLORY = `(() => {
  const calls = {};
  const facing = (who, connectionId) => {
    const pc = new RTCPeerConnection();
    pc.onicecandidate = (e) => {
      if (e.candidate) send(who, { type: 'CANDIDATE', payload: { candidate: e.candidate.toJSON(), type: 'media', connectionId } });
    };
    let ready;
    pc.ready = new Promise((r) => (ready = r));
    pc.markReady = ready;
    return pc;
  };
  const relay = (track, pc) => {
    const t = pc.getTransceivers().find((x) => x.receiver.track.kind === track.kind && !x.sender.track);
    if (t) t.sender.replaceTrack(track);
  };
  window.mitm = {
    states: () => Object.entries(calls).map(([id, c]) => id + ' ' + Object.entries(c).map(([w, pc]) => w + ':' + pc.signalingState + '/' + pc.connectionState + '/' + pc.getTransceivers().map((t) => t.direction + (t.sender.track ? '+' : '-')).join(',')).join(' ')),
    connected: () => Object.values(calls).flatMap((c) => Object.values(c)).filter((pc) => pc.connectionState === 'connected').length,
    async offer(from, to, payload) {
      const id = payload.connectionId;
      const c = (calls[id] = { [from]: facing(from, id), [to]: facing(to, id) });
      c[from].ontrack = (e) => relay(e.track, c[to]);
      c[to].ontrack = (e) => relay(e.track, c[from]);
      // PeerJS shows a call's first stream: the relayed tracks go out as one.
      const toStream = new MediaStream();
      c[to].addTransceiver('audio', { direction: 'sendrecv', streams: [toStream] });
      c[to].addTransceiver('video', { direction: 'sendrecv', streams: [toStream] });
      c[to].createDataChannel('peerjs');
      await c[from].setRemoteDescription(payload.sdp);
      c[from].markReady();
      const fromStream = new MediaStream();
      for (const t of c[from].getTransceivers()) {
        t.direction = 'sendrecv';
        t.sender.setStreams(fromStream);
      }
      const answer = await c[from].createAnswer();
      await c[from].setLocalDescription(answer);
      send(from, { type: 'ANSWER', payload: { sdp: { type: answer.type, sdp: answer.sdp }, type: 'media', connectionId: id } });
      const offer = await c[to].createOffer();
      await c[to].setLocalDescription(offer);
      send(to, { type: 'OFFER', payload: { sdp: { type: offer.type, sdp: offer.sdp }, type: 'media', connectionId: id, metadata: payload.metadata } });
    },
    async answer(from, payload) {
      const pc = calls[payload.connectionId]?.[from];
      if (!pc) return;
      await pc.setRemoteDescription(payload.sdp);
      pc.markReady();
    },
    async candidate(from, payload) {
      const pc = calls[payload.connectionId]?.[from];
      if (!pc) return;
      await pc.ready;
      await pc.addIceCandidate(payload.candidate);
    },
  };
})();`;

describe('safety code', () => {
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('is the same on both sides of every pair, different between pairs, and a verification lasts', async () => {
    const room = uniqueId('room');
    const url = `${server.url}/r/${room}`;
    const [ana, ben, cai] = await Promise.all(['Ana', 'Ben', 'Cai'].map((name) => openCall(browser, url, { name })));
    for (const p of [ana!, ben!, cai!]) {
      await clickJoin(p);
      await p.page.locator('call-stage').waitFor({ timeout: 20_000 });
    }
    const ab = await codeWith(ana!, 'Ben');
    const ba = await codeWith(ben!, 'Ana');
    const ac = await codeWith(ana!, 'Cai');
    const ca = await codeWith(cai!, 'Ana');
    const bc = await codeWith(ben!, 'Cai');
    const cb = await codeWith(cai!, 'Ben');
    assert.equal(ab!.digits, ba!.digits, 'Ana and Ben see the same code');
    assert.equal(ab!.emoji, ba!.emoji);
    assert.equal(ac!.digits, ca!.digits, 'Ana and Cai see the same code');
    assert.equal(bc!.digits, cb!.digits, 'Ben and Cai see the same code');
    assert.equal(new Set([ab!.digits, ac!.digits, bc!.digits]).size, 3, 'each pair its own code');

    // In the people panel, with the words to use; Ana marks Ben verified.
    await ana!.page.locator('media-controls').getByRole('button', { name: 'People', exact: true }).click();
    const row = ana!.page.locator('people-panel li', { hasText: 'Ben' });
    await row.getByText(ab!.digits).waitFor();
    assert.equal(await row.locator('.safety').getAttribute('title'), 'Compare this code with Ben, out loud');
    await row.getByRole('button', { name: 'Mark verified' }).click();
    await eventually(async () => (await codeWith(ana!, 'Ben'))!.verified, 5000, 'Ben verified for Ana');
    // Ben marks Ana through the API.
    const benAnaId = (await people(ben!)).find((x) => x.name === 'Ana')!.id;
    const marked = await ben!.page.evaluate(
      (id) => (document.querySelector('call-room') as unknown as { verifyCode(id: string): Promise<unknown> }).verifyCode(id),
      benAnaId,
    );
    assert.deepEqual(marked, { digits: ab!.digits, emoji: ab!.emoji, verified: true });
    assert.equal((await codeWith(cai!, 'Ana'))!.verified, false, 'Cai has verified nobody');

    // The next call between the same two browsers: the same code, still verified.
    for (const p of [ana!, ben!, cai!]) await p.page.locator('media-controls').getByRole('button', { name: 'Leave call' }).click();
    await cai!.context.close();
    const next = `${server.url}/r/${uniqueId('room')}`;
    for (const p of [ana!, ben!]) {
      await p.page.goto(`${next}?name=${p.name}`);
      await clickJoin(p);
    }
    const again = await codeWith(ana!, 'Ben');
    assert.equal(again!.digits, ab!.digits, 'the same certificates: the same code');
    assert.equal(again!.verified, true, 'still verified for Ana');
    assert.equal((await codeWith(ben!, 'Ana'))!.verified, true, 'still verified for Ben');
    await Promise.all([ana!.context.close(), ben!.context.close()]);
  });

  it('differs between the two sides when someone in the middle answers each as the other', async () => {
    const url = `${server.url}/r/${uniqueId('room')}`;
    const mallory = await browser.newContext();
    const evil = await mallory.newPage();
    const routes: Record<string, WebSocketRoute> = {};
    const ids: Record<string, string> = {};
    const other = (who: string) => (who === 'ana' ? 'bob' : 'ana');
    // Mallory's frames reach `to` as if from the other side.
    await evil.exposeFunction('send', (to: string, frame: Record<string, unknown>) => {
      routes[to]?.send(JSON.stringify({ ...frame, src: ids[other(to)], dst: ids[to] }));
    });
    await evil.setContent('<title>Mallory</title>');
    await evil.evaluate(MALLORY);
    const open = async (who: 'ana' | 'bob', name: string): Promise<Participant> => {
      const context = await browser.newContext({ viewport: { width: 640, height: 480 } });
      // The lying signaling path: the media calls between the two go to Mallory instead.
      await context.routeWebSocket(/\/peerjs\/peerjs/, (ws) => {
        ids[who] = new URL(ws.url()).searchParams.get('id')!;
        routes[who] = ws;
        const upstream = ws.connectToServer();
        upstream.onMessage((m) => ws.send(m));
        ws.onMessage((m) => {
          const frame =
            typeof m === 'string'
              ? (JSON.parse(m) as { type?: string; dst?: string; payload?: { type?: string; metadata?: { screen?: boolean } } })
              : undefined;
          const hijacked = frame?.payload?.type === 'media' && frame.dst === ids[other(who)] && !frame.payload.metadata?.screen;
          if (!hijacked) return upstream.send(m);
          const call = { OFFER: 'offer', ANSWER: 'answer', CANDIDATE: 'candidate' }[frame.type ?? ''];
          if (call) {
            void evil.evaluate(
              ([c, f, t, p]) =>
                (window as never as { mitm: Record<string, (...a: unknown[]) => Promise<void>> }).mitm[c as string]!(
                  f,
                  c === 'offer' ? t : p,
                  p,
                ),
              [call, who, other(who), frame!.payload] as const,
            );
          }
        });
      });
      const page = await context.newPage();
      await page.goto(`${url}?name=${name}`);
      const p = { name, context, page };
      await clickJoin(p);
      return p;
    };
    const ana = await open('ana', 'Ana');
    await ana.page.locator('call-stage').waitFor({ timeout: 20_000 });
    const bob = await open('bob', 'Bob');
    // The call works: each sees the other's camera (through Mallory), and Mallory holds both ends.
    for (const p of [ana, bob]) {
      await eventually(async () => (await remoteVideosPlaying(p)).join() === 'true', 30_000, `${p.name} sees the other's video`).catch(
        async (e) => {
          // Mallory's side of it, for whoever reads the failure.
          console.log(await evil.evaluate(() => (window as never as { mitm: { states(): string[] } }).mitm.states()));
          throw e;
        },
      );
    }
    assert.equal(
      await evil.evaluate(() => (window as never as { mitm: { connected(): number } }).mitm.connected()),
      2,
      'Mallory is in the middle',
    );
    const anaSees = await codeWith(ana, 'Bob');
    const bobSees = await codeWith(bob, 'Ana');
    assert.notEqual(anaSees!.digits, bobSees!.digits, 'the codes differ: read out loud, the two would notice');
    assert.notEqual(anaSees!.emoji, bobSees!.emoji);
    await Promise.all([ana.context.close(), bob.context.close(), mallory.close()]);
  });
});
