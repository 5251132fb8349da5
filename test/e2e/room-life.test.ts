/** Room life through the real UI: chat, people, hands, capacity, lock and lobby, removal. */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  RECORD_LOCAL_TRACKS,
  clickJoin,
  eventually,
  launchBrowser,
  localTracksEnded,
  openCall,
  remoteNames,
  chatTexts,
  sendChat,
  type Participant,
} from '../helpers/browser.js';
import { startServer, uniqueId, type TestServer } from '../helpers/server.js';

const SCREENSHOTS = 'test-results/screenshots';

async function inCall(p: Participant) {
  await p.page.getByRole('button', { name: 'Leave call' }).waitFor({ timeout: 20_000 });
}

describe('room life in the browser', { concurrency: false }, () => {
  let server: TestServer;
  let browser: Browser;
  const opened: Participant[] = [];
  const open = async (url: string, name: string, viewport?: { width: number; height: number }) => {
    const p = await openCall(browser, url, { name, viewport, initScript: RECORD_LOCAL_TRACKS });
    opened.push(p);
    return p;
  };
  const closeAll = () => Promise.all(opened.splice(0).map((p) => p.context.close().catch(() => {})));

  before(async () => {
    server = await startServer({ ROOM_CAPACITY: '6', RATE_CHAT_BURST: '5' });
    browser = await launchBrowser();
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  after(async () => {
    await closeAll();
    await browser?.close();
    await server?.close();
  });

  it('chat between three, a late joiner gets the history, HTML stays text, links open safely', async () => {
    const url = `${server.url}/r/${uniqueId('room')}`;
    const ada = await open(url, 'Ada', { width: 1280, height: 800 });
    await clickJoin(ada);
    await inCall(ada);
    const bob = await open(url, '<b>Bob</b>');
    await clickJoin(bob);
    await inCall(bob);
    await eventually(async () => (await remoteNames(ada)).length === 1, 20_000, 'Ada sees Bob');

    // Bob has the chat closed: he sees an unread count.
    await sendChat(ada, 'Hello <img src=x onerror="window.__pwned=1">');
    await bob.page.getByRole('button', { name: 'Chat, 1 unread' }).waitFor();
    await sendChat(bob, 'Agenda: https://example.com/agenda?x=1');
    await eventually(async () => (await chatTexts(ada)).length === 2, 10_000, "Ada gets Bob's message");
    assert.deepEqual(await chatTexts(ada), ['Hello <img src=x onerror="window.__pwned=1">', 'Agenda: https://example.com/agenda?x=1']);
    const link = ada.page.locator('chat-panel a');
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
    assert.equal(await ada.page.locator('chat-panel img').count(), 0);
    assert.equal(await bob.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    // Bob's name is shown literally too.
    assert.ok((await remoteNames(ada)).includes('<b>Bob</b>'));

    // Shift+Enter is a new line, not a send.
    await ada.page.getByRole('textbox', { name: 'Message' }).fill('line one');
    await ada.page.getByRole('textbox', { name: 'Message' }).press('Shift+Enter');
    await ada.page.getByRole('textbox', { name: 'Message' }).pressSequentially('line two');
    await ada.page.getByRole('textbox', { name: 'Message' }).press('Enter');
    await eventually(async () => (await chatTexts(bob)).includes('line one\nline two'), 10_000, 'a two-line message');

    // Too long: a clear error and nothing sent.
    await ada.page.getByRole('textbox', { name: 'Message' }).fill('x'.repeat(2001));
    await ada.page.getByRole('textbox', { name: 'Message' }).press('Enter');
    await ada.page.getByText('Messages are at most 2000 characters').waitFor();
    assert.equal((await chatTexts(ada)).length, 3);

    // A send that fails (here: over the chat rate limit) is marked on the message, with a Retry.
    const box = bob.page.getByRole('textbox', { name: 'Message' });
    for (let i = 0; i < 12; i++) {
      await box.fill(`burst ${i}`);
      await box.press('Enter');
    }
    const failed = bob.page.locator('chat-panel li.failed');
    await failed.first().waitFor();
    assert.match(await failed.first().innerText(), /Not sent: Too many requests/);
    await new Promise((r) => setTimeout(r, 1500));
    const failedCount = await failed.count();
    await failed.first().getByRole('button', { name: 'Retry' }).click();
    await eventually(async () => (await failed.count()) === failedCount - 1, 10_000, 'the retried message to be sent');
    await eventually(
      async () => (await chatTexts(ada)).filter((t) => t.startsWith('burst')).length === 12 - failedCount + 1,
      10_000,
      'Ada gets the sent ones',
    );

    const cy = await open(url, 'Cy');
    await clickJoin(cy);
    await inCall(cy);
    await cy.page.getByRole('button', { name: /^Chat/ }).click();
    const history = (await chatTexts(ada)).length;
    await eventually(async () => (await chatTexts(cy)).length === history, 10_000, 'Cy gets the history');

    // People panel, hands, a reaction: a screenshot for the README with both panels' content.
    await bob.page.getByRole('button', { name: 'Raise hand' }).click();
    await cy.page.getByRole('button', { name: 'Raise hand' }).click();
    await ada.page.getByRole('button', { name: 'People' }).click();
    const rows = ada.page.locator('people-panel li .name');
    await eventually(async () => (await rows.allTextContents()).length === 3, 10_000, 'three people listed');
    await eventually(
      async () => (await rows.allTextContents()).join('|') === '<b>Bob</b>|Cy|Ada (you)',
      10_000,
      'raised hands first, in order',
    );
    assert.equal(await ada.page.locator('people-panel li[data-peer-id] .badge:not([hidden])').count(), 1, 'one host badge');
    await eventually(
      () =>
        ada.page
          .locator('video-tile[hand-raised]')
          .count()
          .then((n) => n === 2),
      10_000,
      'hands on the tiles',
    );
    await bob.page.getByRole('button', { name: 'Reactions' }).click();
    await bob.page.getByRole('button', { name: 'Send 🎉' }).click();
    // It floats over Bob's own tile, for everyone.
    await ada.page.locator('video-tile[data-peer-id]', { hasText: '<b>Bob</b>' }).getByRole('img', { name: 'Reaction 🎉' }).waitFor();
    await cy.page.locator('video-tile[data-peer-id]', { hasText: '<b>Bob</b>' }).getByRole('img', { name: 'Reaction 🎉' }).waitFor();
    // Someone talking (the fake microphone beeps) is marked on their tile: the others' tiles from
    // the level their packets carry (WebRTC's), one's own from the microphone.
    await eventually(
      () =>
        ada.page
          .locator('video-tile[data-peer-id][speaking]')
          .count()
          .then((n) => n > 0),
      15_000,
      'a speaking indicator',
    );
    await ada.page.getByRole('button', { name: /^Chat/ }).click();
    await ada.page.screenshot({ path: `${SCREENSHOTS}/room-chat-1280x800.png` });
    await ada.page.getByRole('button', { name: 'People' }).click();
    await ada.page.screenshot({ path: `${SCREENSHOTS}/room-people-1280x800.png` });
    await closeAll();
  });

  it('capacity 2: a third person is told the call is full and their camera is released', async () => {
    const small = await startServer({ ROOM_CAPACITY: '2' });
    const url = `${small.url}/r/${uniqueId('room')}`;
    const a = await open(url, 'One');
    await clickJoin(a);
    await inCall(a);
    const b = await open(url, 'Two');
    await clickJoin(b);
    await inCall(b);
    const c = await open(url, 'Three');
    await clickJoin(c);
    await c.page.getByText('This call is full (2 of 2)').waitFor({ timeout: 15_000 });
    const tracks = await localTracksEnded(c);
    assert.ok(tracks.total > 0);
    assert.equal(tracks.live, 0, 'camera and mic released');
    // When someone leaves, trying again gets in.
    await b.page.getByRole('button', { name: 'Leave call' }).click();
    await c.page.getByRole('button', { name: 'Try again' }).click();
    await clickJoin(c);
    await inCall(c);
    await closeAll();
    await small.close();
  });

  it('lock, knock, admit and deny; the host removes someone, who cannot come back while locked', async () => {
    const url = `${server.url}/r/${uniqueId('room')}`;
    const host = await open(url, 'Hosting Hal');
    await clickJoin(host);
    await inCall(host);
    const guest = await open(url, 'Guest Gil');
    await clickJoin(guest);
    await inCall(guest);
    // Only the host has the lock switch and Remove buttons.
    await guest.page.getByRole('button', { name: 'People' }).click();
    assert.equal(await guest.page.getByRole('button', { name: 'Lock room' }).count(), 0);
    assert.equal(await guest.page.getByRole('button', { name: /^Remove / }).count(), 0);
    await host.page.getByRole('button', { name: 'People' }).click();
    await host.page.getByRole('button', { name: 'Lock room' }).click();
    await guest.page.getByText('Locked: newcomers knock and wait').waitFor();
    await host.page.getByRole('button', { name: 'Close people' }).click();

    // Admitted.
    const kay = await open(url, 'Knocking Kay');
    await clickJoin(kay);
    await kay.page.getByText('Waiting for the host to let you in').waitFor({ timeout: 15_000 });
    await host.page.getByText('Knocking Kay wants to join').waitFor();
    await host.page.getByRole('button', { name: 'Admit Knocking Kay' }).click();
    await inCall(kay);
    await eventually(async () => (await remoteNames(host)).includes('Knocking Kay'), 20_000, 'Kay in the call');

    // Denied.
    const dan = await open(url, 'Denied Dan');
    await clickJoin(dan);
    await host.page.getByText('Denied Dan wants to join').waitFor({ timeout: 15_000 });
    await host.page.getByRole('button', { name: 'Deny Denied Dan' }).click();
    await dan.page.getByText('The host did not let you in').waitFor();
    assert.equal((await localTracksEnded(dan)).live, 0);

    // Cancel while waiting: the host's request disappears.
    const cat = await open(url, 'Cancelling Cat');
    await clickJoin(cat);
    await host.page.getByText('Cancelling Cat wants to join').waitFor({ timeout: 15_000 });
    await cat.page.getByRole('button', { name: 'Cancel' }).click();
    await host.page.getByText('Cancelling Cat wants to join').waitFor({ state: 'detached' });

    // Removed.
    await host.page.getByRole('button', { name: 'People' }).click();
    await host.page.getByRole('button', { name: 'Remove Guest Gil' }).click();
    await guest.page.getByText('You were removed').waitFor();
    await eventually(async () => !(await remoteNames(host)).includes('Guest Gil'), 5000, 'Gil gone for the host');
    await eventually(async () => !(await remoteNames(kay)).includes('Guest Gil'), 5000, 'Gil gone for Kay');
    assert.equal((await localTracksEnded(guest)).live, 0);
    // Gil tries again from the same browser: the locked room keeps them out.
    await guest.page.getByRole('button', { name: 'Try again' }).click();
    await clickJoin(guest);
    await guest.page.getByText('You were removed from this call').waitFor();
    assert.equal(await host.page.getByText('Guest Gil wants to join').count(), 0);
    await closeAll();
  });
});
