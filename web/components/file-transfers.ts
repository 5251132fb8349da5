/**
 * Files in the call (web/rtc/file-transfer.ts), as cards over the call: an offer with Accept and
 * Decline; progress as bytes, a percentage and the speed, with Cancel; a received file to Save;
 * why one ended without the file. Sizes and speeds in the UI's language (Intl).
 */
import { localized, msg, str } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { FileTransfer } from '../rtc/file-transfer.js';
import { getLocale } from '../i18n/locale.js';
import { emit } from './emit.js';
import { cardStackStyles } from './cards.styles.js';
import { baseStyles } from './tokens.styles.js';

/** "2.4 MB", "640 kB", "12 B" in the UI's language. */
export function formatBytes(bytes: number, locale = getLocale()): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: units[unit],
    unitDisplay: unit === 0 ? 'narrow' : 'short',
    maximumFractionDigits: value < 10 && unit > 0 ? 1 : 0,
  }).format(value);
}

const percent = (part: number, whole: number, locale = getLocale()) =>
  new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(whole ? part / whole : 1);

/** Why a transfer ended without the file, in words. */
function endText(t: FileTransfer, who: string): string {
  if (t.problem === 'hash-mismatch') return msg('The file arrived damaged (its SHA-256 did not match) and was refused.');
  if (t.problem === 'too-large') return msg('Too large: files in this call are limited in size.');
  if (t.problem === 'connection') return msg('The connection was lost.');
  if (t.problem === 'protocol') return msg('Stopped: what arrived did not match what was announced.');
  if (t.status === 'declined') return t.endedBy === 'self' ? msg('Declined') : msg(str`${who} declined`);
  return t.endedBy === 'self' ? msg('Cancelled') : msg(str`${who} cancelled`);
}

@customElement('file-transfers')
@localized()
export class FileTransfersList extends LitElement {
  static override styles = [
    baseStyles,
    cardStackStyles,
    css`
      li {
        display: grid;
        gap: 0.35rem;
        font: 0.9rem / 1.4 var(--_font);
      }
      .what {
        overflow-wrap: anywhere;
      }
      .file {
        font-weight: 600;
        /* A name's own direction never reorders the sentence around it. */
        unicode-bidi: isolate;
      }
      .figures {
        color: var(--_muted);
        font-size: 0.8rem;
        font-variant-numeric: tabular-nums;
      }
      .problem {
        color: var(--_error);
      }
      progress {
        inline-size: 100%;
        block-size: 0.4rem;
        accent-color: var(--_accent);
      }
      .buttons {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem;
        justify-content: flex-end;
      }
      button,
      a.save {
        border: 0;
        border-radius: 999px;
        padding: 0.3rem 0.85rem;
        font: 600 0.85rem / 1.2 var(--_font);
        cursor: pointer;
        text-decoration: none;
        background: #454c5e;
        color: #fff;
      }
      .primary {
        background: var(--_accent);
      }
    `,
  ];

  @property({ attribute: false }) transfers: readonly FileTransfer[] = [];
  /** Each peer's name. */
  @property({ attribute: false }) names: ReadonlyMap<string, string> = new Map();
  /** One's own recordings, to save (and why each stopped). */
  @property({ attribute: false }) recordings: ReadonlyArray<{ file: File; reason: string }> = [];

  #urls = new Map<File, string>();

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const url of this.#urls.values()) URL.revokeObjectURL(url);
    this.#urls.clear();
  }

  protected override updated(): void {
    // A dismissed file's download link is let go.
    const kept = new Set<File | undefined>([...this.transfers.map((t) => t.file), ...this.recordings.map((r) => r.file)]);
    for (const [file, url] of this.#urls) {
      if (!kept.has(file)) {
        URL.revokeObjectURL(url);
        this.#urls.delete(file);
      }
    }
  }

  #url(file: File): string {
    let url = this.#urls.get(file);
    if (!url) {
      url = URL.createObjectURL(file);
      this.#urls.set(file, url);
    }
    return url;
  }

  private _renderTransfer(t: FileTransfer) {
    const who = this.names.get(t.peerId) ?? msg('Someone');
    const file = t.name;
    const size = formatBytes(t.size);
    const dismiss = html`<button type="button" aria-label=${msg(str`Dismiss ${file}`)} @click=${() => emit(this, 'file-dismiss', { id: t.id })}>${msg('Dismiss')}</button>`;
    const cancel = html`<button type="button" aria-label=${msg(str`Cancel ${file}`)} @click=${() => emit(this, 'file-cancel', { id: t.id })}>${msg('Cancel', { id: 'file-transfers.cancel', desc: 'Files: button that stops sending or receiving a file' })}</button>`;
    let what;
    let body: unknown = nothing;
    let buttons;
    switch (t.status) {
      case 'offered':
        what = msg(html`${who} wants to send you <span class="file">${file}</span> (${size})`);
        buttons = html`
          <button type="button" class="primary" aria-label=${msg(str`Accept ${file}`)} @click=${() => emit(this, 'file-answer', { id: t.id, accept: true })}>${msg('Accept', { id: 'file-transfers.accept', desc: 'Files: button that takes a file someone offers' })}</button>
          <button type="button" aria-label=${msg(str`Decline ${file}`)} @click=${() => emit(this, 'file-answer', { id: t.id, accept: false })}>${msg('Decline', { id: 'file-transfers.decline', desc: 'Files: button that refuses a file someone offers' })}</button>`;
        break;
      case 'waiting':
        what = msg(html`Waiting for ${who} to accept <span class="file">${file}</span> (${size})`);
        buttons = cancel;
        break;
      case 'sending':
      case 'receiving': {
        what =
          t.direction === 'out'
            ? msg(html`Sending <span class="file">${file}</span> to ${who}`)
            : msg(html`Receiving <span class="file">${file}</span> from ${who}`);
        const done = formatBytes(t.bytes);
        const speed = formatBytes(t.bytesPerSecond);
        const share = percent(t.bytes, t.size);
        body = html`<progress max=${t.size} .value=${t.bytes} aria-label=${msg(str`${file}: ${share}`)}></progress>
          <span class="figures">${msg(str`${done} of ${size} · ${share} · ${speed}/s`)}</span>`;
        buttons = cancel;
        break;
      }
      case 'done':
        what =
          t.direction === 'out'
            ? msg(html`${who} received <span class="file">${file}</span> (${size})`)
            : msg(html`<span class="file">${file}</span> (${size}) from ${who}`);
        buttons = html`${
          t.file
            ? html`<a class="save primary" href=${this.#url(t.file)} download=${file} aria-label=${msg(str`Save ${file}`)}>${msg('Save', { id: 'file-transfers.save', desc: 'Files: link that saves a received file to the device' })}</a>`
            : nothing
        }${dismiss}`;
        break;
      default:
        what = html`<span class="file">${file}</span>`;
        body = html`<span class="problem">${endText(t, who)}</span>`;
        buttons = dismiss;
    }
    return html`<li data-transfer=${t.id} data-status=${t.status}>
      <span class="what" role=${t.status === 'offered' ? 'status' : nothing}>${what}</span>
      ${body}
      <div class="buttons">${buttons}</div>
    </li>`;
  }

  private _renderRecording({ file, reason }: { file: File; reason: string }) {
    const size = formatBytes(file.size);
    const why =
      reason === 'forbidden'
        ? msg('The host turned recording off, so your recording stopped.')
        : reason === 'unannounced'
          ? msg('Someone joined whose app cannot show that you are recording, so your recording stopped.')
          : '';
    return html`<li class="recording">
      <span class="what">${msg(str`Your recording (${size})`)}</span>
      ${why ? html`<span class="figures">${why}</span>` : nothing}
      <div class="buttons">
        <a class="save primary" href=${this.#url(file)} download=${file.name}>${msg('Save', { id: 'file-transfers.save', desc: 'Files: link that saves a received file to the device' })}</a>
        <button type="button" aria-label=${msg('Dismiss the recording')} @click=${() => emit(this, 'recording-dismiss', { file })}>${msg('Dismiss')}</button>
      </div>
    </li>`;
  }

  override render() {
    return html`<ul aria-label=${msg('Files', { desc: 'Files: the list of files sent and received in the call' })}>
      ${this.recordings.map((r) => this._renderRecording(r))}
      ${repeat(
        this.transfers,
        (t) => t.id,
        (t) => this._renderTransfer(t),
      )}
    </ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'file-transfers': FileTransfersList;
  }
  interface HTMLElementEventMap {
    'file-answer': CustomEvent<{ id: string; accept: boolean }>;
    'file-cancel': CustomEvent<{ id: string }>;
    'file-dismiss': CustomEvent<{ id: string }>;
    'recording-dismiss': CustomEvent<{ file: File }>;
  }
}
