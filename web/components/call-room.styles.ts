import { css } from 'lit';

export const callRoomStyles = css`
  :host {
    --call-room-background: var(--app-background, #11141b);
    --call-room-foreground: var(--app-foreground, #f3f5f9);
    --call-room-accent: var(--app-accent, #3b6bf0);
    --call-room-muted: #a9b1c2;
    display: block;
    position: relative;
    height: 100%;
    min-height: 24rem;
    background: var(--call-room-background);
    color: var(--call-room-foreground);
    font: 1rem / 1.5 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    box-sizing: border-box;
    overflow: hidden;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  [hidden] {
    display: none !important;
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

  /* Pre-join */
  .prejoin {
    display: grid;
    align-content: center;
    justify-content: center;
    gap: 1.25rem;
    padding: 1rem;
    overflow: auto;
    grid-template-columns: minmax(0, 36rem);
  }
  @media (min-width: 900px) {
    .prejoin {
      grid-template-columns: minmax(0, 40rem) minmax(18rem, 22rem);
      align-items: center;
    }
  }
  .preview {
    aspect-ratio: 16 / 9;
    width: 100%;
  }
  form {
    display: grid;
    gap: 0.9rem;
  }
  label {
    font-weight: 600;
    font-size: 0.9rem;
  }
  input {
    width: 100%;
    margin-top: 0.3rem;
    padding: 0.7rem 0.8rem;
    border: 1px solid #3a4155;
    border-radius: 10px;
    background: #1b1f2a;
    color: inherit;
    font: inherit;
  }
  input:focus-visible,
  button:focus-visible {
    outline: 3px solid var(--app-focus, #8ab4ff);
    outline-offset: 2px;
  }
  .primary,
  .secondary {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.4rem;
    padding: 0.75rem 1.4rem;
    border: 0;
    border-radius: 999px;
    font: 600 1rem / 1.2 system-ui, sans-serif;
    cursor: pointer;
  }
  .primary {
    background: var(--call-room-accent);
    color: #fff;
  }
  .primary[disabled] {
    opacity: 0.6;
    cursor: progress;
  }
  .secondary {
    background: #2d3343;
    color: inherit;
    padding: 0.55rem 1rem;
    font-size: 0.9rem;
  }
  .secondary svg {
    width: 1.1rem;
    height: 1.1rem;
  }
  .problem {
    padding: 0.6rem 0.8rem;
    border-radius: 10px;
    background: #3b2a12;
    color: #ffd8a8;
    font-size: 0.9rem;
  }
  .share {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
    color: var(--call-room-muted);
    font-size: 0.85rem;
  }

  /* In call */
  .call header {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.5rem;
    padding: 0.5rem 0.75rem;
  }
  .call header .count {
    color: var(--call-room-muted);
    font-size: 0.9rem;
  }
  .stage {
    flex: 1;
    min-height: 0;
    display: flex;
    gap: 8px;
    position: relative;
  }
  .panel {
    flex: none;
    width: min(22rem, 40%);
    display: flex;
    flex-direction: column;
    border-radius: var(--app-radius, 12px);
    overflow: hidden;
    margin-right: 0.5rem;
  }
  .panel > * {
    flex: 1;
    min-height: 0;
  }
  @media (max-width: 700px) {
    /* On a phone the panel covers the grid; the controls stay below it. */
    .panel {
      position: absolute;
      inset: 0 0.5rem;
      width: auto;
      margin: 0;
      z-index: 3;
    }
  }
  .knocks {
    position: absolute;
    right: 0.75rem;
    bottom: 6.5rem;
    width: min(24rem, calc(100% - 1.5rem));
    z-index: 4;
  }
  .grid {
    flex: 1;
    min-width: 0;
    min-height: 0;
    display: grid;
    grid-template-columns: repeat(var(--columns, 1), minmax(0, 1fr));
    grid-auto-rows: minmax(0, 1fr);
    gap: 8px;
    padding: 0 0.5rem;
  }
  .call media-controls {
    /* Above an open panel, so the reaction picker that rises from it stays reachable. */
    position: relative;
    z-index: 5;
    padding: 0.75rem 0.5rem calc(0.75rem + env(safe-area-inset-bottom));
  }
  .banner {
    position: absolute;
    top: 3.2rem;
    left: 50%;
    transform: translateX(-50%);
    padding: 0.4rem 1rem;
    border-radius: 999px;
    background: #3b2a12;
    color: #ffd8a8;
    font-size: 0.9rem;
    z-index: 1;
  }

  .notice {
    margin: 0 0.5rem 0.5rem;
  }

  /* Ended / failed */
  .message {
    display: grid;
    place-content: center;
    justify-items: center;
    gap: 1rem;
    padding: 2rem 1rem;
    text-align: center;
  }
  .message p {
    color: var(--call-room-muted);
    max-width: 28rem;
  }
  .message .actions {
    display: flex;
    gap: 0.75rem;
    flex-wrap: wrap;
    justify-content: center;
  }
  a {
    color: #8ab4ff;
  }
`;
