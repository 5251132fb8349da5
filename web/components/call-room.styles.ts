import { css } from 'lit';

/** The element and what its screens share; each screen adds its own (call-*.styles.ts). */
export const callRoomStyles = css`
  :host {
    /* A column its screen fills: the full height the page gives, or at least 24rem when the
       page gives none (a call in a page that forgot a height still shows its tiles). */
    display: flex;
    flex-direction: column;
    position: relative;
    height: 100%;
    min-height: 24rem;
    background: var(--_background);
    color: var(--_foreground);
    font: 1rem / 1.5 var(--_font);
    box-sizing: border-box;
    overflow: hidden;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  h1,
  h2 {
    margin: 0;
    font-size: 1.35rem;
    line-height: 1.3;
  }
  p {
    margin: 0;
  }
  .screen {
    flex: 1;
    min-height: 0;
    display: flex;
    flex-direction: column;
  }
  call-stage {
    flex: 1;
    min-height: 0;
  }
  .primary {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.4rem;
    padding: 0.75rem 1.4rem;
    border: 0;
    border-radius: 999px;
    background: var(--_accent);
    color: #fff;
    font: 600 1rem / 1.2 system-ui, sans-serif;
    cursor: pointer;
  }
  .primary[disabled] {
    opacity: 0.6;
    cursor: progress;
  }
  a {
    color: var(--_link);
  }
`;
