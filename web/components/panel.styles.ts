import { css } from 'lit';

/** Shared by the side panels (chat, people). */
export const panelStyles = css`
  :host {
    --panel-background: #191d27;
    --panel-border: #2a3040;
    display: flex;
    flex-direction: column;
    min-height: 0;
    background: var(--panel-background);
    color: var(--app-foreground, #f3f5f9);
    font: 0.95rem / 1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
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
    border: 1px solid #3a4155;
    border-radius: 999px;
    background: #2d3343;
    padding: 0.25rem 0.7rem;
    font-size: 0.85rem;
  }
  button:focus-visible,
  textarea:focus-visible {
    outline: 3px solid var(--app-focus, #8ab4ff);
    outline-offset: 2px;
  }
  [hidden] {
    display: none !important;
  }
`;
