import { css } from 'lit';
import { baseStyles } from './tokens.styles.js';

/** Shared by the side panels (chat, people). */
export const panelStyles = [
  baseStyles,
  css`
    :host {
      --panel-background: #191d27;
      --panel-border: #2a3040;
      display: flex;
      flex-direction: column;
      min-height: 0;
      background: var(--panel-background);
      color: var(--_foreground);
      font: 0.95rem / 1.45 var(--_font);
    }
    header {
      display: flex;
      align-items: center;
      justify-content: space-between;
      padding: 0.6rem 0.75rem;
      border-bottom: 1px solid var(--panel-border);
    }
    h2 {
      margin: 0;
      font-size: 1rem;
    }
    button {
      font: inherit;
      color: inherit;
      cursor: pointer;
    }
    .close {
      border: 0;
      background: none;
      font-size: 1.4rem;
      line-height: 1;
      padding: 0.2rem 0.5rem;
    }
    .small {
      border: 1px solid var(--_field-border);
      border-radius: 999px;
      background: var(--_surface);
      padding: 0.25rem 0.7rem;
      font-size: 0.85rem;
    }
  `,
];
