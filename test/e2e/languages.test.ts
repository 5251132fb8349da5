/**
 * The UI in the person's language (issue 13), in real Chromium: a browser set to Simplified
 * Chinese gets every screen in Chinese, with no English left (every text node and accessible
 * name in every shadow root is walked); the language menu switches and is remembered; a page's
 * `lang` and the element's `lang` choose. Screenshots of the Chinese screens, and of the call
 * in the ar-XB pseudo-locale laid out right to left, go to test-results/languages/.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { eventually, launchBrowser, openCall } from '../helpers/browser.js';
import { startOtherOrigin, type OtherOrigin } from '../helpers/other-origin.js';
import { startServer, uniqueId, type TestServer } from '../helpers/server.js';

const SHOTS = 'test-results/languages';

/** What the locale's XLIFF says for an English source text. */
function translation(locale: string, source: string): string {
  const xml = readFileSync(`web/i18n/xliff/${locale}.xlf`, 'utf8');
  const unit = [...xml.matchAll(/<source>([^<]*)<\/source>\s*<target>([^<]*)<\/target>/g)].find((m) => m[1] === source);
  assert.ok(unit, `${locale} translates "${source}"`);
  return unit[2]!;
}

/**
 * Every piece of text a person sees or hears on `page`, through every shadow root: text nodes
 * (not in <style>, <script> or <svg>) and aria-label, title, placeholder and alt attributes.
 */
const texts = (page: Page): Promise<string[]> =>
  page.evaluate(`(() => {
    const out = [];
    const visit = (root) => {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
      for (let node = walker.currentNode; node; node = walker.nextNode()) {
        if (node.nodeType === Node.TEXT_NODE) {
          const parent = node.parentElement;
          if (parent && !parent.closest('style, script, noscript, svg, title, option')) out.push(node.textContent.trim());
          continue;
        }
        if (node.nodeType !== Node.ELEMENT_NODE) continue;
        for (const name of ['aria-label', 'title', 'placeholder', 'alt']) if (node.hasAttribute(name)) out.push(node.getAttribute(name));
        if (node.shadowRoot) visit(node.shadowRoot);
      }
    };
    visit(document.body);
    return out.filter(Boolean);
  })()`);

/** Words that are the same in every language here: names, the product, keys, device labels, the language menu. */
const ALLOWED = [
  /https?:\/\/\S+/g,
  /\bcallroom\b/g,
  /\b(Ana|Ben|Cai)\b/g,
  // Handles are lowercase Latin letters: the example one is too.
  /\bada\b/g,
  /\bfake[_\w-]*/gi,
  /\b(Ctrl|Cmd|Space|TURN|VP8|VP9|H264|Opus|srflx|host|relay)\b/g,
  /@[a-z0-9_-]+/g,
  /\b(English|Español|Français|Deutsch|Português|Brasil)\b/g,
];

function english(all: string[]): string[] {
  return all.filter((text) => {
    let rest = text;
    for (const pattern of ALLOWED) rest = rest.replace(pattern, '');
    return /[A-Za-z]{2,}/.test(rest);
  });
}

async function noEnglish(page: Page, screen: string) {
  await eventually(async () => english(await texts(page)).length === 0, 10_000, `${screen} in Chinese`).catch(async () => {
    assert.deepEqual(english(await texts(page)), [], `English left on the ${screen}`);
  });
}

describe('languages', () => {
  let server: TestServer;
  let browser: Browser;
  let other: OtherOrigin;
  before(async () => {
    await mkdir(SHOTS, { recursive: true });
    other = await startOtherOrigin();
    server = await startServer({ ALLOWED_ORIGINS: other.origin, RING_DIRECTORY: 'on' });
    other.setCallServer(server.url);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await other?.close();
  });

  it('a browser in Simplified Chinese gets every screen in Chinese, with no English left', async () => {
    const room = uniqueId('room');
    const desktop = { width: 1280, height: 800 };
    const home = await openCall(browser, `${server.url}/`, { name: 'Ana', locale: 'zh-CN', viewport: desktop });
    await home.page.locator('call-home button').first().waitFor();
    await noEnglish(home.page, 'home screen');
    await home.page.screenshot({ path: `${SHOTS}/home-zh-CN-1280x800.png` });
    await home.context.close();

    const ana = await openCall(browser, `${server.url}/r/${room}`, { name: 'Ana', locale: 'zh-CN', viewport: desktop });
    await ana.page.locator('video-tile').first().waitFor();
    await eventually(async () => (await ana.page.locator('html').getAttribute('lang')) === 'zh-CN', 10_000, 'the page in zh-CN');
    await noEnglish(ana.page, 'pre-join screen');
    const phone = await openCall(browser, `${server.url}/r/${room}`, {
      name: 'Ben',
      locale: 'zh-CN',
      viewport: { width: 390, height: 844 },
    });
    await phone.page.locator('video-tile').first().waitFor();
    await noEnglish(phone.page, 'pre-join screen on a phone');
    await phone.page.screenshot({ path: `${SHOTS}/prejoin-zh-CN-390x844.png` });

    await ana.page.locator('call-room').evaluate((el) => (el as unknown as { join(): Promise<void> }).join());
    await phone.page.locator('call-room').evaluate((el) => (el as unknown as { join(): Promise<void> }).join());
    await eventually(async () => (await ana.page.locator('video-tile[data-peer-id]').count()) === 1, 20_000, 'Ana to see Ben');
    await phone.page.locator('call-room').evaluate((el) => (el as unknown as { sendChat(t: string): Promise<unknown> }).sendChat('你好'));
    await noEnglish(ana.page, 'call');
    await ana.page.screenshot({ path: `${SHOTS}/call-zh-CN-1280x800.png` });
    await phone.page.screenshot({ path: `${SHOTS}/call-zh-CN-390x844.png` });
    // The panels and the shortcuts dialog.
    const stageButton = (name: string) => ana.page.locator('media-controls button', { hasText: name });
    for (const panel of ['聊天', '成员', '设置']) {
      await stageButton(panel).first().click();
      await noEnglish(ana.page, `${panel} panel`);
      await ana.page.screenshot({ path: `${SHOTS}/panel-${panel}-zh-CN-1280x800.png` });
    }
    await ana.page.keyboard.press('?');
    await noEnglish(ana.page, 'shortcuts dialog');
    await ana.page.keyboard.press('Escape');

    // The menu switches the language, and remembers it (over the browser's).
    const menu = ana.page.locator('language-select select').first();
    await menu.selectOption('fr');
    await eventually(async () => (await ana.page.locator('html').getAttribute('lang')) === 'fr', 10_000, 'French');
    await ana.page.reload();
    await eventually(async () => (await ana.page.locator('html').getAttribute('lang')) === 'fr', 10_000, 'French after a reload');
    await ana.page.evaluate(() => localStorage.removeItem('callroom:lang'));

    // The ringing screen (a handle nobody has) and the end of a call.
    const ring = await openCall(browser, `${server.url}/call/nobody-here`, { name: 'Cai', locale: 'zh-CN', viewport: desktop });
    await ring.page.locator('outgoing-call').waitFor();
    await noEnglish(ring.page, 'ringing screen');
    await ring.page.screenshot({ path: `${SHOTS}/ringing-zh-CN-1280x800.png` });
    await phone.page.locator('call-room').evaluate((el) => (el as unknown as { leave(): Promise<void> }).leave());
    await noEnglish(phone.page, 'screen after leaving');
    await Promise.all([ana.context.close(), phone.context.close(), ring.context.close()]);
  });

  it('an embedding page’s lang, then the element’s lang, choose the language', async () => {
    const page = await browser.newPage({ locale: 'en-US' });
    await page.goto(`${other.origin}/embed.html?room=${uniqueId('room')}&name=Ana&lang=de`);
    const buttons = () =>
      page.locator('call-room').evaluate((el) => [...el.shadowRoot!.querySelectorAll('button')].map((b) => b.textContent!.trim()));
    const joinIn = async (locale: string) => (await buttons()).includes(translation(locale, 'Join'));
    await eventually(() => joinIn('de'), 10_000, 'German from the page’s lang');
    await page.locator('call-room').evaluate((el) => el.setAttribute('lang', 'ja'));
    await eventually(() => joinIn('ja'), 10_000, 'Japanese from the element’s lang');
    await page.close();
  });

  it('lays the call out right to left in the ar-XB pseudo-locale, and an embedded element follows its own language', async () => {
    const room = uniqueId('room');
    const rtl = { initScript: "localStorage.setItem('callroom:lang', 'ar-XB')" };
    const ana = await openCall(browser, `${server.url}/r/${room}`, { name: 'Ana', viewport: { width: 1280, height: 800 }, ...rtl });
    const ben = await openCall(browser, `${server.url}/r/${room}`, { name: 'Ben', viewport: { width: 390, height: 844 }, ...rtl });
    for (const p of [ana, ben]) {
      await eventually(async () => (await p.page.locator('html').getAttribute('dir')) === 'rtl', 10_000, 'the page right to left');
      assert.equal(await p.page.locator('html').getAttribute('lang'), 'ar-XB');
      assert.equal(await p.page.locator('call-room').getAttribute('dir'), 'rtl');
      // Every word of the UI runs right to left (a right-to-left override around it).
      const join = translation('ar-XB', 'Join');
      assert.ok(join.includes('\u202E'), 'a pseudo-translated Join');
      await p.page.locator('call-room').evaluate((el) => (el as unknown as { join(): Promise<void> }).join());
    }
    await eventually(async () => (await ana.page.locator('video-tile[data-peer-id]').count()) === 1, 20_000, 'Ana to see Ben');
    await ana.page.locator('call-room').evaluate((el) => (el as unknown as { sendChat(t: string): Promise<unknown> }).sendChat('مرحبا'));
    // The name label sits at the tile's start: on the right.
    const label = await ana.page
      .locator('video-tile')
      .first()
      .evaluate((tile) => {
        const box = tile.getBoundingClientRect();
        const l = tile.shadowRoot!.querySelector('.label')!.getBoundingClientRect();
        return { fromRight: box.right - l.right, fromLeft: l.left - box.left };
      });
    assert.ok(label.fromRight < label.fromLeft, `label at the start (right): ${JSON.stringify(label)}`);
    // The chat panel opens at the inline end: the left.
    await ana.page
      .locator('media-controls button[aria-controls], media-controls button')
      .filter({ hasText: translation('ar-XB', 'Chat') })
      .first()
      .click();
    const panel = await ana.page.locator('call-stage').evaluate((stage) => {
      const aside = stage.shadowRoot!.querySelector('chat-panel')!.getBoundingClientRect();
      return { left: aside.left, right: aside.right, width: window.innerWidth };
    });
    assert.ok(panel.right < panel.width / 2, `chat panel on the left: ${JSON.stringify(panel)}`);
    await ana.page.screenshot({ path: `${SHOTS}/call-ar-XB-1280x800.png` });
    await ben.page.screenshot({ path: `${SHOTS}/call-ar-XB-390x844.png` });
    await Promise.all([ana.context.close(), ben.context.close()]);

    // English content in a right-to-left page stays left to right, and the reverse.
    const page = await browser.newPage({ locale: 'en-US' });
    await page.goto(`${other.origin}/embed.html?room=${uniqueId('room')}&name=Ana`);
    await page.locator('call-room').waitFor();
    await page.evaluate(() => (document.documentElement.dir = 'rtl'));
    await eventually(async () => (await page.locator('call-room').getAttribute('dir')) === 'ltr', 10_000, 'English left to right');
    await page.locator('call-room').evaluate((el) => el.setAttribute('lang', 'ar-XB'));
    await eventually(async () => (await page.locator('call-room').getAttribute('dir')) === 'rtl', 10_000, 'ar-XB right to left');
    await page.close();
  });
});
