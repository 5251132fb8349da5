/**
 * The call's link, to pass on: "Copy link" (says "Link copied" for a moment) and, where the
 * browser can, "Share".
 */
import { localized, msg } from '@lit/localize';
import { LitElement, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { linkIcon, shareIcon } from './icons.js';
import { shareLinkStyles } from './share-link.styles.js';
import { baseStyles } from './tokens.styles.js';

/** How long "Link copied" shows. */
const COPIED_SHOWN_MS = 2500;

@customElement('share-link')
@localized()
export class ShareLink extends LitElement {
  static override styles = [baseStyles, shareLinkStyles];

  #copiedTimer: ReturnType<typeof setTimeout> | undefined;

  @state() private _copied = false;

  /** The call link. */
  @property() link = '';

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#copiedTimer);
  }

  private async _copy() {
    try {
      await navigator.clipboard.writeText(this.link);
      this._copied = true;
      clearTimeout(this.#copiedTimer);
      this.#copiedTimer = setTimeout(() => (this._copied = false), COPIED_SHOWN_MS);
    } catch {
      // No clipboard permission: the link is visible to copy by hand.
      window.prompt(msg('Copy this link'), this.link);
    }
  }

  private _share() {
    navigator.share?.({ title: msg('Join my call'), url: this.link }).catch(() => {});
  }

  override render() {
    const canShare = typeof navigator.share === 'function';
    return html`
      <div class="share">
        <button type="button" @click=${this._copy}>${linkIcon} ${this._copied ? msg('Link copied') : msg('Copy link')}</button>
        <button type="button" ?hidden=${!canShare} @click=${this._share}>${shareIcon} ${msg('Share', { id: 'share-link', desc: 'Button: share the call link through the system share sheet' })}</button>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'share-link': ShareLink;
  }
}
