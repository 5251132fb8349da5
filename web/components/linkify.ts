/**
 * Turns message text into Lit template parts: plain text stays text (never HTML), and http(s)
 * links become anchors that open in a new tab without handing it this page (noopener).
 */
import { html, type TemplateResult } from 'lit';

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]}]/g;

export function linkify(text: string): Array<string | TemplateResult> {
  const parts: Array<string | TemplateResult> = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = match[0];
    let href: string;
    try {
      href = new URL(url).href;
    } catch {
      continue;
    }
    parts.push(text.slice(last, match.index));
    parts.push(html`<a href=${href} target="_blank" rel="noopener noreferrer">${url}</a>`);
    last = match.index! + url.length;
  }
  parts.push(text.slice(last));
  return parts;
}
