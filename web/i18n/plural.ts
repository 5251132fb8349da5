/**
 * Which of a message's count forms the UI's language uses for `n`: Intl's plural rules, so
 * French and Brazilian Portuguese say 0 in the singular, Chinese and Japanese have one form.
 * Each form is a whole message of its own (`msg`), picked by this.
 */
import { getLocale } from './locale.js';

export function isSingular(n: number): boolean {
  return new Intl.PluralRules(getLocale()).select(n) === 'one';
}
