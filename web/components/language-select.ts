/**
 * The language menu: the UI's language, remembered on this device (web/i18n/locale.ts). Each
 * language is named in itself, so a person can find theirs whatever the UI shows now.
 */
import { localized, msg } from '@lit/localize';
import { LitElement, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { selectStyles } from './tokens.styles.js';
import { MENU_LOCALES, LOCALE_NAMES, getLocale, rememberLocale, useLocale } from '../i18n/locale.js';

@customElement('language-select')
@localized()
export class LanguageSelect extends LitElement {
  static override styles = selectStyles;

  private async _change(event: Event) {
    const locale = (event.target as HTMLSelectElement).value;
    rememberLocale(locale);
    await useLocale(locale);
  }

  override render() {
    const current = getLocale();
    return html`<label>
      ${msg('Language')}
      <select @change=${this._change}>
        ${MENU_LOCALES.map((l) => html`<option value=${l} lang=${l} ?selected=${l === current}>${LOCALE_NAMES[l] ?? l}</option>`)}
      </select>
    </label>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'language-select': LanguageSelect;
  }
}
