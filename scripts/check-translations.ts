/**
 * Every locale translates every message: each XLIFF file in web/i18n/xliff has a <target> for
 * each <trans-unit>, with the same placeholders as its <source>. `npm run build` runs this and
 * fails on a gap (`node --import tsx scripts/check-translations.ts [locale]` checks by hand).
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const DIR = 'web/i18n/xliff';

const placeholders = (text: string) => [...text.matchAll(/<x id="(\d+)"/g)].map((m) => m[1]).sort();

export function checkTranslations(only?: string, dir = DIR): string[] {
  const problems: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.xlf'))) {
    const locale = path.basename(file, '.xlf');
    if (only && locale !== only) continue;
    const xml = readFileSync(path.join(dir, file), 'utf8');
    const units = [...xml.matchAll(/<trans-unit id="([^"]+)"[^>]*>([\s\S]*?)<\/trans-unit>/g)];
    if (!units.length) problems.push(`${locale}: no messages`);
    for (const [, id, body] of units) {
      const source = /<source>([\s\S]*?)<\/source>/.exec(body!)?.[1] ?? '';
      const target = /<target[^>]*>([\s\S]*?)<\/target>/.exec(body!)?.[1];
      if (target === undefined || !target.trim()) {
        problems.push(`${locale}: ${id} is not translated ("${source.replace(/<[^>]+>/g, '…')}")`);
        continue;
      }
      if (placeholders(source).join() !== placeholders(target).join()) {
        problems.push(`${locale}: ${id} has other placeholders than its source ("${target}")`);
      }
    }
  }
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = checkTranslations(process.argv[2]);
  for (const problem of problems) console.error(problem);
  if (problems.length) process.exit(1);
  console.log('every message translated');
}
