import { css } from 'lit';

/** The element and what its screens share; each screen adds its own (call-*.styles.ts). */
export const callRoomStyles = css`
  :host {
    --call-room-background: var(--_background);
    --call-room-foreground: var(--_foreground);
    --call-room-accent: var(--_accent);
    --call-room-muted: var(--_muted);
    display: block;
    position: relative;
    height: 100%;
    min-height: 24rem;
    background: var(--call-room-background);
    color: var(--call-room-foreground);
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
    height: 100%;
    display: flex;
    flex-direction: column;
  }
  call-stage {
    height: 100%;
  }
  .primary {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.4rem;
    padding: 0.75rem 1.4rem;
    border: 0;
    border-radius: 999px;
    background: var(--call-room-accent);
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
