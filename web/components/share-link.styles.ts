import { css } from 'lit';

export const shareLinkStyles = css`
  :host {
    display: block;
  }
  .share {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
    color: var(--_muted);
    font-size: 0.85rem;
  }
  button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.4rem;
    padding: 0.55rem 1rem;
    border: 0;
    border-radius: 999px;
    background: var(--_surface);
    color: inherit;
    font: 600 0.9rem / 1.2 system-ui, sans-serif;
    cursor: pointer;
  }
  svg {
    width: 1.1rem;
    height: 1.1rem;
  }
`;
