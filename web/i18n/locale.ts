/**
 * The language of the UI: English in the source, one other locale at a time loaded on demand
 * (web/i18n/generated/<locale>.ts, built from web/i18n/xliff by `lit-localize build`). @lit/localize
 * keeps one locale per page; every component re-renders when it changes (`@localized()`).
 *
 * The choice, first that applies: `<call-room lang>`, the menu in the app's settings (remembered
 * on this device), the page's `<html lang>` (an embedding page's), the browser's languages.
 */
import { configureLocalization } from '@lit/localize';
import { sourceLocale, targetLocales } from './generated/locale-codes.js';

export const LOCALES: readonly string[] = [sourceLocale, ...targetLocales];

/**
 * ar-XB: English written right to left, word by word (scripts/pseudo-locale.ts), to see the
 * layout mirrored before a real right-to-left language is translated. Only chosen by its exact
 * tag (never for `ar`), and not in the menu.
 */
export const PSEUDO_LOCALES: readonly string[] = ['ar-XB'];

/** The locales a person can pick in the language menu. */
export const MENU_LOCALES: readonly string[] = LOCALES.filter((l) => !PSEUDO_LOCALES.includes(l));

const RTL_LANGUAGES = new Set(['ar', 'he', 'fa', 'ur', 'ps', 'sd', 'ug', 'yi', 'dv', 'ckb']);

/** Which way a locale's text runs: `rtl` for Arabic, Hebrew, Persian, Urdu… (and ar-XB). */
export function localeDirection(locale: string): 'ltr' | 'rtl' {
  return RTL_LANGUAGES.has(locale.toLowerCase().split(/[-_]/)[0]!) ? 'rtl' : 'ltr';
}

/** Each locale's own name, for the menu. */
export const LOCALE_NAMES: Record<string, string> = {
  en: 'English',
  'zh-CN': '简体中文',
  es: 'Español',
  fr: 'Français',
  de: 'Deutsch',
  ja: '日本語',
  'pt-BR': 'Português (Brasil)',
};

const loaders: Record<string, () => Promise<unknown>> = {
  'zh-CN': () => import('./generated/zh-CN.js'),
  es: () => import('./generated/es.js'),
  fr: () => import('./generated/fr.js'),
  de: () => import('./generated/de.js'),
  ja: () => import('./generated/ja.js'),
  'pt-BR': () => import('./generated/pt-BR.js'),
  'ar-XB': () => import('./generated/ar-XB.js'),
};

const { getLocale, setLocale } = configureLocalization({
  sourceLocale,
  targetLocales,
  loadLocale: (locale) => loaders[locale]!() as ReturnType<Parameters<typeof configureLocalization>[0]['loadLocale']>,
});

export { getLocale };

const STORAGE_KEY = 'callroom:lang';

/** The supported locale for a BCP 47 tag: itself, or the one of its language (zh → zh-CN, pt-PT → pt-BR, es-MX → es). */
export function matchLocale(tag: string | undefined | null): string | undefined {
  if (!tag) return undefined;
  const lower = tag.toLowerCase();
  const exact = LOCALES.find((l) => l.toLowerCase() === lower);
  if (exact) return exact;
  const language = lower.split(/[-_]/)[0];
  return MENU_LOCALES.find((l) => l.toLowerCase().split('-')[0] === language);
}

/** The remembered choice from the app's language menu. */
export function rememberedLocale(): string | undefined {
  try {
    return matchLocale(localStorage.getItem(STORAGE_KEY));
  } catch {
    return undefined;
  }
}

export function rememberLocale(locale: string): void {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Not remembered (storage blocked).
  }
}

/** The locale to use: the element's `lang`, then the remembered menu choice, the page's, the browser's. */
export function pickLocale(elementLang?: string): string {
  return (
    matchLocale(elementLang) ??
    rememberedLocale() ??
    // An embedding page's language; the app's own shell only says which one it shows.
    (document.documentElement.hasAttribute('data-callroom-app') ? undefined : matchLocale(document.documentElement.lang)) ??
    navigator.languages.map(matchLocale).find(Boolean) ??
    sourceLocale
  );
}

/** Switches the UI's language (loads it first); the page's own elements re-render. */
export async function useLocale(locale: string): Promise<void> {
  const match = matchLocale(locale) ?? sourceLocale;
  if (getLocale() !== match) await setLocale(match);
  // The app's shell says which language it shows (screen readers, fonts, hyphenation).
  if (document.documentElement.hasAttribute('data-callroom-app')) {
    document.documentElement.lang = match;
    document.documentElement.dir = localeDirection(match);
  }
}
