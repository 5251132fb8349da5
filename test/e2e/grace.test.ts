/**
 * The reconnect grace in real Chromium: a member whose network drops for 5 s keeps their seat,
 * host role and admission, and comes back into the same call with no ticket and no knock, while
 * the others never lose their tile. Once for a guest of a locked room, once for the host of a
 * private room that a ring opened.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { Ack, RingEnd } from '../../protocol/contract.js';
import { clickJoin, eventually, launchBrowser, mediaFlowing, openCall, remoteNames, type Participant } from '../helpers/browser.js';
import { connectSocket, once, startServer, uniqueId, type TestServer } from '../helpers/server.js';

describe('reconnect grace in the browser', { concurrency: false }, () => {
  let server: TestServer;
  let browser: Browser;
  const opened: Participant[] = [];
  const closeAll = () => Promise.all(opened.splice(0).map((p) => p.context.close().catch(() => {})));

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await closeAll();
    await browser?.close();
    await server?.close();
  });

  async function open(url: string, name: string) {
    const p = await openCall(browser, url, { name });
    opened.push(p);
    return p;
  }
  const inCall = (p: Participant) => p.page.getByRole('button', { name: 'Leave call' }).waitFor({ timeout: 20_000 });
  const metric = async (name: string) =>
    Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await (await fetch(`${server.url}/metrics`)).text())?.[1]);

  /** Takes `p` offline for 5 s while watching that `watcher` always shows `p`'s tile. */
  async function dropFiveSeconds(p: Participant, watcher: Participant) {
    let tileLost = false;
    const watch = setInterval(async () => {
      const names = await remoteNames(watcher).catch(() => [p.name]);
      if (!names.includes(p.name)) tileLost = true;
    }, 200);
    await p.context.setOffline(true);
    await p.page.getByText('Reconnecting…').waitFor({ timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 5000));
    await p.context.setOffline(false);
    await eventually(async () => !(await p.page.getByText('Reconnecting…').isVisible()), 20_000, `${p.name} back in the call`);
    await eventually(() => mediaFlowing(watcher, 1), 20_000, `${watcher.name} receives ${p.name} again`);
    await eventually(() => mediaFlowing(p, 1), 20_000, `${p.name} receives ${watcher.name} again`);
    clearInterval(watch);
    assert.ok(!tileLost, `${watcher.name} never lost ${p.name}'s tile`);
    assert.deepEqual(await remoteNames(watcher), [p.name]);
    assert.deepEqual(await remoteNames(p), [watcher.name]);
    assert.equal(await metric('callroom_participants'), 2, 'still two in the room');
  }

  it('a guest of a locked room drops for 5 s and is back in the same call, with no ticket and no knock', async () => {
    const url = `${server.url}/r/${uniqueId('room')}`;
    const host = await open(url, 'Hal');
    await clickJoin(host);
    await inCall(host);
    await host.page.getByRole('button', { name: 'People' }).click();
    await host.page.getByRole('button', { name: 'Lock room' }).click();
    await host.page.getByRole('button', { name: 'Close people' }).click();
    const guest = await open(url, 'Kay');
    await clickJoin(guest);
    await host.page.getByText('Kay wants to join').waitFor({ timeout: 15_000 });
    await host.page.getByRole('button', { name: 'Admit Kay' }).click();
    await inCall(guest);
    await eventually(() => mediaFlowing(host, 1), 20_000, 'Hal receives Kay');
    await dropFiveSeconds(guest, host);
    assert.equal(await host.page.getByText('Kay wants to join').count(), 0, 'Kay did not have to knock again');
    await closeAll();
  });

  it('the host of a private ring room drops for 5 s and is back, still host, with no ticket', async () => {
    // A ring, accepted, opens a private room with one ticket for each of the two.
    const handle = uniqueId('callee').toLowerCase().slice(0, 30);
    const callee = await connectSocket(server.url);
    assert.ok(
      ((await callee.emitWithAck('become-reachable', handle, { name: 'Callee', deviceKey: `device-${handle}` })) as Ack<unknown>).ok,
    );
    const caller = await connectSocket(server.url);
    const incoming = once<[{ ringId: string }]>(callee, 'incoming-ring');
    const ended = once<[RingEnd]>(caller, 'ring-ended');
    assert.ok(((await caller.emitWithAck('ring', handle, { name: 'Caller' })) as Ack<unknown>).ok);
    const answer = (await callee.emitWithAck('answer-ring', (await incoming)[0].ringId, true)) as Ack<RingEnd>;
    assert.ok(answer.ok);
    const { roomId, ticket } = (await ended)[0];
    caller.close();
    callee.close();

    const host = await open(`${server.url}/r/${roomId}?ticket=${ticket}`, 'Rin');
    await clickJoin(host);
    await inCall(host);
    const other = await open(`${server.url}/r/${roomId}?ticket=${answer.data.ticket}`, 'Sol');
    await clickJoin(other);
    await inCall(other);
    await eventually(() => mediaFlowing(other, 1), 20_000, 'Sol receives Rin');
    await dropFiveSeconds(host, other);
    // Still the host: the people panel shows Rin's badge to Sol.
    await other.page.getByRole('button', { name: 'People' }).click();
    await other.page.getByText('Host').first().waitFor();
    await closeAll();
  });

  it('someone waiting to be let in is told when the call ends, and gets no room of their own', async () => {
    const url = `${server.url}/r/${uniqueId('room')}`;
    const host = await open(url, 'Hal');
    await clickJoin(host);
    await inCall(host);
    await host.page.getByRole('button', { name: 'People' }).click();
    await host.page.getByRole('button', { name: 'Lock room' }).click();
    const kay = await open(url, 'Kay');
    await clickJoin(kay);
    await kay.page.getByText('Waiting for the host to let you in').waitFor({ timeout: 15_000 });
    await host.page.getByRole('button', { name: 'Leave call' }).click();
    await kay.page.getByText('The call has ended').waitFor();
    await kay.page.getByText('Everyone left before you were let in').waitFor();
    assert.equal(await metric('callroom_participants'), 0, 'Kay was not let into the emptied room');
    await closeAll();
  });
});
