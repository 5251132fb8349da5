/**
 * Several nodes on one Redis, in real Chromium: people on different nodes in one call, a node
 * killed (SIGKILL) behind nginx with the README's configuration, and Redis restarted mid-call.
 * Redis, nginx and the nodes are started here; the protocol-level tests of the same are in
 * test/server/cluster.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  chatTexts,
  clickJoin,
  decodedFrames,
  eventually,
  hearing,
  launchBrowser,
  mediaFlowing,
  openCall,
  remoteNames,
  sendChat,
  type Participant,
} from '../helpers/browser.js';
import { startNginx, type Nginx } from '../helpers/nginx.js';
import { freePort, spawnServer, type ServerProcess } from '../helpers/process.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { startServer, uniqueId, type TestServer } from '../helpers/server.js';

const inCall = (p: Participant) => p.page.getByRole('button', { name: 'Leave call' }).waitFor({ timeout: 20_000 });

/** A metric's value on one node (with several nodes every series carries a node label). */
async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
}

/**
 * Samples each participant's decoded frames every `everyMs` until `done()`; returns the samples
 * in which someone's frames did not grow (media that stopped).
 */
async function watchMedia(people: Participant[], done: () => Promise<boolean>, everyMs = 1000): Promise<string[]> {
  const stalls: string[] = [];
  let last = await Promise.all(people.map((p) => decodedFrames(p).then((f) => f.reduce((a, b) => a + b, 0))));
  const deadline = Date.now() + 30_000;
  while (!(await done()) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, everyMs));
    const now = await Promise.all(people.map((p) => decodedFrames(p).then((f) => f.reduce((a, b) => a + b, 0))));
    now.forEach((frames, i) => frames <= last[i]! && stalls.push(`${people[i]!.name} at ${frames} frames`));
    last = now;
  }
  return stalls;
}

describe('several nodes in the browser', { concurrency: false }, () => {
  let browser: Browser;
  const opened: Participant[] = [];
  const open = async (url: string, name: string) => {
    const p = await openCall(browser, url, { name });
    opened.push(p);
    return p;
  };
  const closeAll = () => Promise.all(opened.splice(0).map((p) => p.context.close().catch(() => {})));
  /** Ada and Bo join `url` one after the other, and each receives the other's media. */
  const twoInCall = async (url: string): Promise<[Participant, Participant]> => {
    const ada = await open(url, 'Ada');
    await clickJoin(ada);
    await inCall(ada);
    const bo = await open(url, 'Bo');
    await clickJoin(bo);
    await inCall(bo);
    await eventually(async () => (await mediaFlowing(ada, 1)) && (await mediaFlowing(bo, 1)), 20_000, 'media both ways');
    return [ada, bo];
  };

  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await closeAll();
    await browser?.close();
  });

  describe('two nodes', { concurrency: false }, () => {
    let redis: RedisServer;
    let a: TestServer;
    let b: TestServer;
    before(async () => {
      redis = await startRedis();
      a = await startServer({ REDIS_URL: redis.url, NODE_ID: 'node-a' });
      b = await startServer({ REDIS_URL: redis.url, NODE_ID: 'node-b' });
    });
    after(async () => {
      await closeAll();
      await a?.close();
      await b?.close();
      await redis?.stop();
    });

    it('a person on each node: media both ways, chat, a hand, lock, knock, admit, remove, and a leave seen on the other node', async () => {
      const room = uniqueId('room');
      const ada = await open(`${a.url}/r/${room}`, 'Ada');
      // Our client never long-polls: it needs no sticky sessions.
      const polls: string[] = [];
      ada.context.on('request', (request) => request.url().includes('transport=polling') && polls.push(request.url()));
      await clickJoin(ada);
      await inCall(ada);
      const bo = await open(`${b.url}/r/${room}`, 'Bo');
      await clickJoin(bo);
      await inCall(bo);
      await eventually(() => mediaFlowing(ada, 1), 20_000, 'Ada (node A) receives Bo (node B)');
      await eventually(() => mediaFlowing(bo, 1), 20_000, 'Bo (node B) receives Ada (node A)');
      await eventually(async () => (await hearing(ada)) && (await hearing(bo)), 20_000, 'they hear each other');

      await sendChat(bo, 'hello from node B');
      await sendChat(ada, 'hello from node A');
      await eventually(async () => (await chatTexts(ada)).length === 2 && (await chatTexts(bo)).length === 2, 10_000, 'chat across nodes');
      await bo.page.getByRole('button', { name: 'Raise hand' }).click();
      await eventually(async () => (await ada.page.locator('video-tile[hand-raised]').count()) === 1, 10_000, "Ada sees Bo's hand");

      await ada.page.getByRole('button', { name: 'People' }).click();
      await ada.page.getByRole('button', { name: 'Lock room' }).click();
      await bo.page.getByText(/in this call · locked/).waitFor({ timeout: 10_000 });
      const kay = await open(`${b.url}/r/${room}`, 'Kay');
      await clickJoin(kay);
      await kay.page.getByText('Waiting for the host to let you in').waitFor({ timeout: 15_000 });
      await ada.page.getByText('Kay wants to join').waitFor({ timeout: 10_000 });
      await ada.page.getByRole('button', { name: 'Admit Kay' }).click();
      await inCall(kay);
      await eventually(() => mediaFlowing(kay, 2), 20_000, 'Kay (node B, admitted by node A) receives both');
      await ada.page.getByRole('button', { name: 'Remove Kay' }).click();
      await kay.page.getByText('You were removed').waitFor({ timeout: 10_000 });
      await eventually(async () => !(await remoteNames(bo)).includes('Kay'), 10_000, 'Kay gone for Bo');

      // Bo leaves on node B: Ada's tile for Bo goes. (The time is reported, not asserted.)
      const left = Date.now();
      await bo.page.getByRole('button', { name: 'Leave call' }).click();
      await eventually(async () => (await remoteNames(ada)).length === 0, 10_000, "Bo's tile gone for Ada");
      console.log(`# a leave on node B removed the tile on node A in ${Date.now() - left} ms`);
      assert.deepEqual(polls, [], 'no long-polling request');
      await closeAll();
    });

    it('a ring placed on node A is answered on node B, and both meet in the same private call', async () => {
      const handle = uniqueId('cy').toLowerCase().slice(0, 30);
      const callee = await open(`${b.url}/`, 'Cy Callee');
      await callee.page.evaluate(() => localStorage.setItem('callroom:name', 'Cy Callee'));
      await callee.page.getByRole('textbox', { name: 'Your handle' }).fill(handle);
      await callee.page.getByRole('button', { name: 'Be reachable' }).click();
      await callee.page.getByText(`You are reachable as @${handle}`).waitFor();
      const caller = await open(`${a.url}/`, 'Dee');
      await caller.page.evaluate(() => localStorage.setItem('callroom:name', 'Dee'));
      await caller.page.getByRole('textbox', { name: 'Handle to call' }).fill(`@${handle}`);
      await caller.page.getByRole('button', { name: 'Call', exact: true }).click();
      await caller.page.getByText('Ringing Cy Callee…').waitFor({ timeout: 10_000 });
      await callee.page.getByText('Dee is calling').waitFor({ timeout: 10_000 });
      await callee.page.getByRole('button', { name: 'Accept' }).click();
      await caller.page.waitForURL(/\/r\/[A-Za-z0-9_-]{22}\?ticket=/);
      await callee.page.waitForURL(/\/r\/[A-Za-z0-9_-]{22}\?ticket=/);
      assert.equal(new URL(caller.page.url()).pathname, new URL(callee.page.url()).pathname, 'the same room, on two nodes');
      await clickJoin(caller);
      await clickJoin(callee);
      await eventually(async () => (await mediaFlowing(caller, 1)) && (await mediaFlowing(callee, 1)), 20_000, 'media both ways');
      await closeAll();
    });
  });

  describe('a node killed behind nginx', { concurrency: false }, () => {
    let redis: RedisServer;
    const nodes: ServerProcess[] = [];
    const ports: number[] = [];
    let nginx: Nginx;
    before(async () => {
      redis = await startRedis();
      for (const id of ['node-1', 'node-2']) {
        const port = await freePort();
        ports.push(port);
        nodes.push(await spawnServer(port, { REDIS_URL: redis.url, NODE_ID: id, TRUST_PROXY: '127.0.0.1' }));
      }
      nginx = await startNginx(ports);
    });
    after(async () => {
      await closeAll();
      await nginx?.stop();
      for (const node of nodes) await node.kill();
      await redis?.stop();
    });

    it('the people on a node that dies come back through the other as the same participants, and media never stops', async () => {
      const url = `${nginx.url}/r/${uniqueId('room')}`;
      const [ada, bo] = await twoInCall(url);

      // nginx sent both to one node (one address, one node): that node dies.
      const sockets = await Promise.all(nodes.map((n) => metric(n.url, 'callroom_sockets')));
      const victim = sockets[0]! >= sockets[1]! ? 0 : 1;
      const survivor = nodes[1 - victim]!;
      assert.ok(sockets[victim]! >= 2, `both on one node: ${JSON.stringify(sockets)}`);
      let tileLost = false;
      const watch = setInterval(async () => {
        for (const [p, other] of [
          [ada, 'Bo'],
          [bo, 'Ada'],
        ] as const) {
          if (!(await remoteNames(p).catch(() => [other])).includes(other)) tileLost = true;
        }
      }, 200);
      const killed = Date.now();
      await nodes[victim]!.kill('SIGKILL');

      const backOnSurvivor = async () =>
        (await metric(survivor.url, 'callroom_sockets')) >= 2 &&
        !(await ada.page.getByText('Reconnecting…').first().isVisible()) &&
        !(await bo.page.getByText('Reconnecting…').first().isVisible());
      const stalls = await watchMedia([ada, bo], backOnSurvivor);
      const rejoinedMs = Date.now() - killed;
      clearInterval(watch);
      console.log(`# after the node was killed, both were back through the other node in ${rejoinedMs} ms`);
      assert.ok(await backOnSurvivor(), 'both reconnected through the surviving node');
      assert.deepEqual(stalls, [], 'decoded frames grew every second while the node was replaced');
      assert.ok(!tileLost, 'neither ever lost the other’s tile');
      assert.equal(await metric(survivor.url, 'callroom_participants'), 2, 'the same two participants, no ghosts');
      assert.deepEqual(await remoteNames(ada), ['Bo']);
      await eventually(async () => (await mediaFlowing(ada, 1)) && (await mediaFlowing(bo, 1)), 10_000, 'media still both ways');
      await closeAll();
    });
  });

  describe('Redis restarted mid-call', { concurrency: false }, () => {
    let redis: RedisServer;
    let node: TestServer;
    before(async () => {
      redis = await startRedis({ persist: true });
      node = await startServer({ REDIS_URL: redis.url, NODE_ID: 'solo' });
    });
    after(async () => {
      await closeAll();
      await node?.close();
      await redis?.stop();
    });

    it('media continues, readiness goes red then green, and a join during the outage says so and gets in afterwards', async () => {
      const url = `${node.url}/r/${uniqueId('room')}`;
      const [ada, bo] = await twoInCall(url);

      await redis.stop();
      await eventually(async () => (await fetch(`${node.url}/readyz`)).status === 503, 10_000, 'readiness red');
      const cy = await open(url, 'Cy');
      await clickJoin(cy);
      await cy.page.getByText('The call server is having trouble; retrying…').waitFor({ timeout: 15_000 });
      assert.ok((await mediaFlowing(ada, 1)) && (await mediaFlowing(bo, 1)), 'the call in progress keeps its media');
      await cy.page.screenshot({ path: 'test-results/screenshots/redis-outage-prejoin.png' });

      await redis.start();
      await eventually(async () => (await fetch(`${node.url}/readyz`)).status === 200, 15_000, 'readiness green');
      await inCall(cy);
      await eventually(() => mediaFlowing(cy, 2), 20_000, 'Cy, who joined during the outage, receives both');
      await eventually(() => mediaFlowing(ada, 2), 20_000, 'Ada receives Bo and Cy');
      await closeAll();
    });
  });
});
