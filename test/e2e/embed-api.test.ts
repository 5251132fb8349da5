/**
 * `<call-room>` driven through its public API alone (issue 13), from a page on another origin
 * with `prejoin="off"`, under a strict Content-Security-Policy (scripts only from its own origin
 * and the call server; no 'unsafe-inline', no 'unsafe-eval'). The page's own script records
 * every public event in order (test/helpers/other-origin.ts); the test calls the methods.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  RECORD_LOCAL_TRACKS,
  cspViolations,
  decodedFrames,
  eventually,
  launchBrowser,
  localTracksEnded,
  openCall,
  type Participant,
} from '../helpers/browser.js';
import { startOtherOrigin, type OtherOrigin } from '../helpers/other-origin.js';
import { startServer, uniqueId, type TestServer } from '../helpers/server.js';

interface Recorded {
  type: string;
  detail: Record<string, unknown> & { participant?: { name: string; audio: boolean; isSelf: boolean }; changed?: string[] };
}

const events = (p: Participant): Promise<Recorded[]> => p.page.evaluate(() => (window as unknown as { events: Recorded[] }).events);

/** Calls a method of the page's element; resolves with its result or `{code, message}` of its rejection. */
function call(p: Participant, method: string, ...args: unknown[]): Promise<unknown> {
  return p.page.evaluate(
    async ([method, args]) => {
      const el = document.querySelector('call-room') as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
      try {
        return { ok: await el[method]!(...args) };
      } catch (error) {
        return { code: (error as { code?: string }).code, message: (error as Error).message };
      }
    },
    [method, args] as const,
  );
}

const prop = (p: Participant, name: string) =>
  p.page.evaluate(
    (name) => JSON.parse(JSON.stringify((document.querySelector('call-room') as unknown as Record<string, unknown>)[name])),
    name,
  );

describe('<call-room> through its API, from another origin', () => {
  let server: TestServer;
  let other: OtherOrigin;
  let browser: Browser;

  before(async () => {
    other = await startOtherOrigin();
    server = await startServer({ ALLOWED_ORIGINS: other.origin });
    other.setCallServer(server.url);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await other?.close();
  });

  const open = (room: string, name: string) =>
    openCall(browser, `${other.origin}/api.html?room=${room}`, { name, initScript: RECORD_LOCAL_TRACKS }).then(async (p) => {
      await p.page.waitForFunction(() => customElements.get('call-room'));
      return p;
    });

  it('two pages join, chat, mute and leave through the API, with the events in order', async () => {
    const room = uniqueId('room');
    const ana = await open(room, 'Ana');
    const ben = await open(room, 'Ben');
    // prejoin="off": nothing shown and no device opened before join().
    for (const p of [ana, ben]) {
      assert.equal(await prop(p, 'state'), 'idle');
      assert.equal(await p.page.getByRole('button').count(), 0, 'no pre-join screen');
      assert.deepEqual(await localTracksEnded(p), { live: 0, total: 0 }, 'no camera or microphone yet');
    }
    assert.deepEqual(await call(ana, 'sendChat', 'too early'), { code: 'not-joined', message: 'Not in a call' });

    assert.deepEqual(await call(ana, 'join'), { ok: undefined });
    assert.equal(await prop(ana, 'state'), 'joined');
    assert.deepEqual(await call(ben, 'join'), { ok: undefined });
    await eventually(async () => (await events(ana)).some((e) => e.type === 'participant-joined'), 15_000, 'Ana to hear of Ben');
    const people = (await prop(ben, 'participants')) as Array<{ name: string; isSelf: boolean; isHost: boolean }>;
    assert.deepEqual(
      people.map((p) => [p.name, p.isSelf, p.isHost]),
      [
        ['Ana', false, true],
        ['Ben', true, false],
      ],
    );
    for (const p of [ana, ben]) await eventually(async () => (await decodedFrames(p)).some((f) => f > 0), 20_000, `${p.name} to see video`);

    const sent = (await call(ben, 'sendChat', 'Hello <b>Ana</b>')) as { ok: { text: string; from: string; id: string } };
    assert.equal(sent.ok.text, 'Hello <b>Ana</b>');
    await eventually(async () => (await events(ana)).some((e) => e.type === 'chat-message'), 10_000, 'Ana to get the message');

    assert.deepEqual(await call(ben, 'setMicrophone', false), { ok: undefined });
    await eventually(
      async () =>
        (await events(ana)).some(
          (e) => e.type === 'participant-updated' && e.detail.participant?.name === 'Ben' && !e.detail.participant.audio,
        ),
      10_000,
      'Ana to see Ben muted',
    );

    assert.deepEqual(await call(ben, 'leave'), { ok: undefined });
    assert.equal((await localTracksEnded(ben)).live, 0, 'every local track ended when leave() resolved');
    assert.equal(await prop(ben, 'state'), 'left');
    await eventually(async () => (await events(ana)).some((e) => e.type === 'participant-left'), 10_000, 'Ana to see Ben leave');

    // Ana's events about Ben, in the order things happened (his camera and microphone coming
    // on after his join are updates too: the mute is the one that turns his audio off).
    const aboutBen = (await events(ana)).filter((e) =>
      e.type === 'participant-updated'
        ? e.detail.participant?.name === 'Ben' && e.detail.participant.audio === false
        : ['participant-joined', 'participant-left'].includes(e.type)
          ? e.detail.participant?.name === 'Ben'
          : e.type === 'chat-message',
    );
    assert.deepEqual(
      aboutBen.map((e) => e.type),
      ['participant-joined', 'chat-message', 'participant-updated', 'participant-left'],
    );
    const message = aboutBen[1]!.detail.message as { text: string; from: string; name: string; id: string };
    assert.deepEqual([message.text, message.from, message.name, message.id], ['Hello <b>Ana</b>', sent.ok.from, 'Ben', sent.ok.id]);
    assert.deepEqual(aboutBen[2]!.detail.changed, ['audio']);
    assert.equal(aboutBen[3]!.detail.reason, 'left');

    // Ben's own story, from the start.
    const story = (await events(ben)).map((e) =>
      e.type === 'state-change'
        ? `state ${String(e.detail.state)}`
        : e.type === 'participant-joined'
          ? `joined ${e.detail.participant!.name}`
          : e.type,
    );
    const main = story.filter((s) => !s.startsWith('participant-updated') && s !== 'chat-message');
    assert.deepEqual(main, ['state joining', 'state joined', 'call-joined', 'joined Ana', 'state left', 'call-left']);
    const left = (await events(ben)).find((e) => e.type === 'call-left')!;
    assert.deepEqual(left.detail, { room, reason: 'left' });
    assert.ok(story.includes('chat-message'), 'one’s own message comes back as chat-message once the room has it');

    // The strict CSP blocked nothing: the element needs no inline script, eval or inline style.
    for (const p of [ana, ben]) assert.deepEqual(await cspViolations(p), [], `${p.name}: CSP violations`);
    await Promise.all([ana.context.close(), ben.context.close()]);
  });

  it('refuses clearly: a second element in a call, a wrong reaction; a locked door knocks and the host denies', async () => {
    const room = uniqueId('room');
    const ana = await open(room, 'Ana');
    assert.deepEqual(await call(ana, 'join'), { ok: undefined });

    // One call per page: a second element is refused, and the first keeps its call.
    const second = await ana.page.evaluate(async (room) => {
      const el = Object.assign(document.createElement('call-room'), { room, prejoin: 'off' }) as unknown as HTMLElement & {
        join(): Promise<void>;
      };
      document.body.append(el);
      try {
        await el.join();
        return 'joined';
      } catch (error) {
        return (error as { code: string }).code;
      }
    }, room);
    assert.equal(second, 'busy');
    assert.equal(await prop(ana, 'state'), 'joined');
    assert.deepEqual(await call(ana, 'react', '🍕'), { code: 'invalid-payload', message: 'A reaction is one of 👍 👏 😂 ❤️ 🎉 😮' });
    assert.deepEqual(await call(ana, 'react', '🎉'), { ok: undefined });
    assert.deepEqual(await call(ana, 'raiseHand', true), { ok: undefined });
    await eventually(async () => (await events(ana)).some((e) => e.type === 'hand-raised'), 10_000, 'hand-raised for oneself');

    // Locked: Cai knocks; Ana, the host, hears the knock and denies it.
    assert.deepEqual(await call(ana, 'lockRoom', true), { ok: undefined });
    const cai = await open(room, 'Cai');
    const joining = call(cai, 'join');
    await eventually(async () => (await prop(cai, 'state')) === 'knocking', 15_000, 'Cai knocking');
    await eventually(async () => (await events(ana)).some((e) => e.type === 'knock'), 15_000, 'the host to hear the knock');
    const knock = (await events(ana)).find((e) => e.type === 'knock')!;
    assert.equal(knock.detail.name, 'Cai');
    assert.deepEqual(await call(ana, 'deny', knock.detail.knockId), { ok: undefined });
    assert.deepEqual(await joining, { code: 'denied', message: 'The host did not let you in' });
    const caiLeft = (await events(cai)).find((e) => e.type === 'call-left')!;
    assert.equal(caiLeft.detail.reason, 'denied');
    assert.equal((await localTracksEnded(cai)).live, 0, 'no camera left on after a denied knock');
    await Promise.all([ana.context.close(), cai.context.close()]);
  });

  it('the rest of the API: camera, screen, admit, remove, devices, and a full room’s error', async () => {
    const room = uniqueId('room');
    const ana = await open(room, 'Ana');
    const ben = await open(room, 'Ben');
    assert.deepEqual(await call(ana, 'join'), { ok: undefined });
    assert.deepEqual(await call(ben, 'join'), { ok: undefined });
    const updated = (p: Participant, name: string, field: 'video' | 'screen', value: boolean) =>
      eventually(
        async () =>
          (await events(p)).some(
            (e) =>
              e.type === 'participant-updated' &&
              e.detail.participant?.name === name &&
              (e.detail.participant as unknown as Record<string, boolean>)[field] === value &&
              e.detail.changed!.includes(field),
          ),
        15_000,
        `${p.name} to see ${name}'s ${field} ${value}`,
      );

    assert.deepEqual(await call(ben, 'setCamera', false), { ok: undefined });
    await updated(ana, 'Ben', 'video', false);
    assert.deepEqual(await call(ben, 'setCamera', true), { ok: undefined });
    await updated(ana, 'Ben', 'video', true);
    assert.deepEqual(await call(ana, 'shareScreen', true), { ok: undefined });
    await updated(ben, 'Ana', 'screen', true);
    assert.deepEqual(await call(ana, 'shareScreen', false), { ok: undefined });
    await updated(ben, 'Ana', 'screen', false);

    // Devices: a real one by id; an unknown id is refused.
    const cameraId = await ana.page.evaluate(
      async () => (await navigator.mediaDevices.enumerateDevices()).find((d) => d.kind === 'videoinput')!.deviceId,
    );
    assert.deepEqual(await call(ana, 'selectDevices', { camera: cameraId }), { ok: undefined });
    assert.equal(((await call(ana, 'selectDevices', { camera: 'no-such-camera' })) as { code: string }).code, 'no-device');

    // Not the host: refused with the server's code.
    assert.equal(((await call(ben, 'lockRoom', true)) as { code: string }).code, 'not-host');
    // The host admits a knock, then removes that person.
    assert.deepEqual(await call(ana, 'lockRoom', true), { ok: undefined });
    const cai = await open(room, 'Cai');
    const joining = call(cai, 'join');
    await eventually(async () => (await events(ana)).some((e) => e.type === 'knock'), 15_000, 'the knock');
    const knock = (await events(ana)).find((e) => e.type === 'knock')!;
    assert.deepEqual(await call(ana, 'admit', knock.detail.knockId), { ok: undefined });
    assert.deepEqual(await joining, { ok: undefined });
    const caiId = ((await prop(cai, 'participants')) as Array<{ id: string; isSelf: boolean }>).find((p) => p.isSelf)!.id;
    assert.deepEqual(await call(ana, 'remove', caiId), { ok: undefined });
    await eventually(
      async () => (await events(cai)).some((e) => e.type === 'call-left' && e.detail.reason === 'removed'),
      15_000,
      'Cai removed',
    );
    assert.equal((await localTracksEnded(cai)).live, 0, 'the removed person’s camera is off');
    await Promise.all([ana.context.close(), ben.context.close(), cai.context.close()]);
  });

  it('says why it cannot join: a full room is a call-error and a rejection with its code', async () => {
    const small = await startServer({ ALLOWED_ORIGINS: other.origin, ROOM_CAPACITY: '2' });
    other.setCallServer(small.url);
    try {
      const room = uniqueId('room');
      const people = await Promise.all(['Ana', 'Ben', 'Cai'].map((name) => open(room, name)));
      assert.deepEqual(await call(people[0]!, 'join'), { ok: undefined });
      assert.deepEqual(await call(people[1]!, 'join'), { ok: undefined });
      const refused = (await call(people[2]!, 'join')) as { code: string };
      assert.equal(refused.code, 'room-full');
      const error = (await events(people[2]!)).find((e) => e.type === 'call-error')!;
      assert.equal(error.detail.code, 'room-full');
      assert.equal(((await events(people[2]!)).find((e) => e.type === 'call-left')!.detail as { reason: string }).reason, 'ended');
      assert.equal((await localTracksEnded(people[2]!)).live, 0, 'no camera left on');
      await Promise.all(people.map((p) => p.context.close()));
    } finally {
      other.setCallServer(server.url);
      await small.close();
    }
  });

  it('works inside another component’s shadow root, themed by its custom properties and parts', async () => {
    const room = uniqueId('room');
    const p = await openCall(browser, `${other.origin}/shadow.html?room=${room}`, { name: 'Wid', initScript: RECORD_LOCAL_TRACKS });
    const inner = (script: string) =>
      p.page.evaluate(`(() => { const el = document.querySelector('team-widget').shadowRoot.querySelector('call-room'); ${script} })()`);
    await eventually(
      async () => (await inner(`return !!el.shadowRoot && !!el.shadowRoot.querySelector('button.primary');`)) === true,
      15_000,
      'the pre-join screen',
    );
    assert.equal(
      await inner(`return getComputedStyle(el.shadowRoot.querySelector('button.primary')).backgroundColor;`),
      'rgb(200, 0, 100)',
    );
    assert.equal(await inner(`return getComputedStyle(el.shadowRoot.querySelector('[part="prejoin"]')).outlineColor;`), 'rgb(0, 128, 0)');
    await inner(`return el.join();`);
    assert.equal(await inner(`return el.state;`), 'joined');
    // Its events cross both shadow roots to the page's document.
    await eventually(async () => (await events(p)).some((e) => e.type === 'call-joined'), 10_000, 'call-joined on the document');
    assert.deepEqual(await cspViolations(p), []);
    await inner(`return el.leave();`);
    assert.equal((await localTracksEnded(p)).live, 0);
    await p.context.close();
  });
});
