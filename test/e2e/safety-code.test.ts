/**
 * The safety code (issue 14), in real Chromium: in a 3-person call both sides of every pair
 * show the same code, and the three pairs show three different codes. A code marked verified in
 * the people panel stays verified in the next call between the same two devices (each keeps its
 * DTLS certificate in IndexedDB), and the API's verifyCode does the same.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { clickJoin, eventually, launchBrowser, openCall, type Participant } from '../helpers/browser.js';
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
});
