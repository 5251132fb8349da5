/**
 * Every locale translates every message (issue 13): the check the build runs
 * (scripts/check-translations.ts) passes on the real files, and fails, naming the message, on a
 * locale with a message left out or a placeholder lost. The ar-XB pseudo-locale is current and
 * keeps every placeholder.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { checkTranslations } from '../../scripts/check-translations.js';
import { pseudoBidi, pseudoXliff } from '../../scripts/pseudo-locale.js';

const LOCALES = ['de', 'es', 'fr', 'ja', 'pt-BR', 'zh-CN'];

describe('translations', () => {
  it('every locale translates every message, with its placeholders', () => {
    assert.deepEqual(checkTranslations(), []);
    for (const locale of LOCALES) assert.ok(readFileSync(`web/i18n/xliff/${locale}.xlf`, 'utf8').includes('<target>'), locale);
  });

  it('names a message a locale left out, and one that lost a placeholder', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'callroom-xliff-'));
    const zh = readFileSync('web/i18n/xliff/zh-CN.xlf', 'utf8');
    const gap = zh.replace(/(<source>Ready to join\?<\/source>)\s*<target>[^<]*<\/target>/, '$1');
    assert.notEqual(gap, zh);
    writeFileSync(path.join(dir, 'zh-CN.xlf'), gap);
    assert.deepEqual(
      checkTranslations(undefined, dir).map((p) => p.replace(/ s[0-9a-f]+ /, ' <id> ')),
      ['zh-CN: <id> is not translated ("Ready to join?")'],
    );
    const lost = zh.replace(/(<source><x id="0" equiv-text="\$\{first\}"\/> is here<\/source>\s*<target>)[^<]*<x id="0"[^>]*\/>/, '$1');
    assert.notEqual(lost, zh);
    writeFileSync(path.join(dir, 'zh-CN.xlf'), lost);
    assert.match(checkTranslations(undefined, dir).join('\n'), /has other placeholders than its source/);
  });

  it('writes the right-to-left pseudo-locale from the English, placeholders and entities kept', () => {
    assert.equal(pseudoBidi('Copy link'), '\u200F\u202ECopy\u202C\u200F \u200F\u202Elink\u202C\u200F');
    assert.equal(
      pseudoBidi('<x id="0" equiv-text="${first}"/> &amp; me'),
      '<x id="0" equiv-text="${first}"/> &amp; \u200F\u202Eme\u202C\u200F',
    );
    // The committed file is what the script writes now (the build writes it too).
    assert.equal(readFileSync('web/i18n/xliff/ar-XB.xlf', 'utf8'), pseudoXliff(readFileSync('web/i18n/xliff/zh-CN.xlf', 'utf8')));
  });
});
