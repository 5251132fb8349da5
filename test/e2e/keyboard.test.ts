/**
 * A call run with the keyboard alone (issue 13), in real Chromium: Tab and Enter reach and
 * press every control that a call needs (name, Join, the toolbar, the chat, Leave, Rejoin), the
 * shortcuts work, and the leave confirm takes the focus and gives it back. No mouse event is
 * sent to this person's page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chatTexts, clickJoin, eventually, launchBrowser, openCall } from '../helpers/browser.js';
import { startServer, uniqueId, type TestServer } from '../helpers/server.js';

/** The focused element through shadow roots: its accessible name as a person would read it. */
const focused = (page: Page): Promise<string> =>
  page.evaluate(`(() => {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    if (!el || el === document.body) return '';
    return (el.getAttribute('aria-label') || el.getAttribute('placeholder') || el.textContent || el.tagName).trim();
  })()`);

/** Presses Tab until the focus is on `name` (at most 80 times). */
async function tabTo(page: Page, name: string | RegExp): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    seen.push(now);
    if (typeof name === 'string' ? now === name : name.test(now)) return;
  }
  assert.fail(`Tab never reached "${String(name)}"; it went through: ${seen.join(' → ')}`);
}

const pressed = (page: Page, name: string) =>
  page.locator('media-controls').getByRole('button', { name, exact: true }).getAttribute('aria-pressed');

describe('a call by keyboard alone', () => {
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

  it('joins, mutes, chats, asks before leaving, leaves and rejoins with Tab, Enter and shortcuts', async () => {
    const url = `${server.url}/r/${uniqueId('room')}`;
    const ada = await openCall(browser, url, { name: '', viewport: { width: 1280, height: 800 } });
    const { page } = ada;
    await page.getByRole('button', { name: 'Join', exact: true }).waitFor();

    await tabTo(page, 'Guest');
    await page.keyboard.type('Ada');
    await tabTo(page, 'Join');
    await page.keyboard.press('Enter');
    await page.getByText('Only you so far').waitFor({ timeout: 20_000 });

    const ben = await openCall(browser, url, { name: 'Ben' });
    await clickJoin(ben);
    await page.getByText('2 in this call').waitFor({ timeout: 20_000 });

    // The toolbar by Tab and Enter, and the same by shortcut.
    await tabTo(page, 'Microphone');
    await page.keyboard.press('Enter');
    await eventually(async () => (await pressed(page, 'Microphone')) === 'false', 5000, 'muted with Enter');
    await page.keyboard.press('Space');
    await eventually(async () => (await pressed(page, 'Microphone')) === 'true', 5000, 'unmuted with Space on the button');
    await page.locator('body').evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('m');
    await eventually(async () => (await pressed(page, 'Microphone')) === 'false', 5000, 'muted with M');

    // The chat: opened from the toolbar, its field takes the focus; Enter sends.
    await tabTo(page, 'Chat');
    await page.keyboard.press('Enter');
    await eventually(async () => (await focused(page)) !== 'Chat', 5000, 'the focus in the chat');
    await page.keyboard.type('Hello from the keyboard');
    await page.keyboard.press('Enter');
    await eventually(async () => (await chatTexts(ben)).includes('Hello from the keyboard'), 10_000, 'Ben to get the message');

    // Ctrl+D asks first; Stay gives the focus back where it was.
    await tabTo(page, 'People');
    await page.keyboard.press('Control+d');
    assert.equal(await focused(page), 'Stay', 'the dialog takes the focus');
    await page.keyboard.press('Enter');
    await eventually(async () => (await focused(page)) === 'People', 5000, 'the focus back on People');
    assert.equal(await page.getByText('2 in this call').count(), 1, 'still in the call');

    // Leave by Tab and Enter, then Rejoin.
    await tabTo(page, 'Leave call');
    await page.keyboard.press('Enter');
    await page.getByText('You left the call').waitFor({ timeout: 10_000 });
    await tabTo(page, 'Rejoin');
    await page.keyboard.press('Enter');
    await tabTo(page, 'Join');
    await page.keyboard.press('Enter');
    await page.getByText('2 in this call').waitFor({ timeout: 20_000 });
    await Promise.all([ada.context.close(), ben.context.close()]);
  });
});
