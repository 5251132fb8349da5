/**
 * ar-XB, a right-to-left pseudo-locale (Android's and Chromium's name for it), written from the
 * English sources: each word is wrapped in right-to-left override marks, so every string reads
 * backwards and the layout has to mirror as for Arabic or Hebrew. It shows what a real
 * right-to-left language will look like before one is translated; it is reached only by asking
 * for it by name (`lang="ar-XB"`, or `callroom:lang` in localStorage, where the menu keeps its
 * choice, though the menu does not offer it), never by matching `ar`.
 *
 * `npm run i18n:extract` writes web/i18n/xliff/ar-XB.xlf after extracting; the build writes it
 * again (the same bytes when nothing changed: .ci/run fails when the build changes a file).
 */
import { readFileSync, writeFileSync } from 'node:fs';

export const PSEUDO_LOCALE = 'ar-XB';

const RLM = '\u200F';
const RLO = '\u202E';
const PDF = '\u202C';

/** Each word between placeholders, tags and entities wrapped in an override; those left alone. */
export function pseudoBidi(source: string): string {
  return source
    .split(/(<[^>]+>|&[#a-z0-9]+;)/i)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/[^\s]+/g, (word) => `${RLM}${RLO}${word}${PDF}${RLM}`)))
    .join('');
}

/** The pseudo-locale's XLIFF from another locale's (its sources are the same English). */
export function pseudoXliff(xliff: string): string {
  return xliff
    .replace(/target-language="[^"]+"/, `target-language="${PSEUDO_LOCALE}"`)
    .replace(
      /<source>([\s\S]*?)<\/source>\s*<target[^>]*>[\s\S]*?<\/target>/g,
      (_, source: string) => `<source>${source}</source>\n  <target>${pseudoBidi(source)}</target>`,
    )
    .replace(
      /<source>([\s\S]*?)<\/source>(?!\s*<target)/g,
      (_, source: string) => `<source>${source}</source>\n  <target>${pseudoBidi(source)}</target>`,
    );
}

export function writePseudoLocale(dir = 'web/i18n/xliff'): void {
  const from = readFileSync(`${dir}/zh-CN.xlf`, 'utf8');
  const file = `${dir}/${PSEUDO_LOCALE}.xlf`;
  const next = pseudoXliff(from);
  let before = '';
  try {
    before = readFileSync(file, 'utf8');
  } catch {
    // First time.
  }
  if (before !== next) writeFileSync(file, next);
}

if (import.meta.url === `file://${process.argv[1]}`) writePseudoLocale();
