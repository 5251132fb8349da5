import { css } from 'lit';

export const callStageStyles = css`
  :host {
    /* A column the call fills (also when the page gave <call-room> no height: then its
       min-height, which percentages cannot see, and flex can). */
    display: flex;
    flex-direction: column;
    position: relative;
    box-sizing: border-box;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  p {
    margin: 0;
  }
  .call {
    flex: 1;
    min-height: 0;
    display: flex;
    flex-direction: column;
  }
  header {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.5rem;
    padding: 0.5rem 0.75rem;
  }
  .views {
    display: flex;
    align-items: center;
    gap: 0.4rem;
  }
  .view {
    display: inline-flex;
    padding: 0.45rem;
    border: 0;
    border-radius: 999px;
    background: var(--_surface);
    color: inherit;
    cursor: pointer;
  }
  .view[aria-pressed='true'] {
    background: var(--_accent);
    color: #fff;
  }
  .view[hidden] {
    display: none;
  }
  .recording-stop {
    display: inline-flex;
    align-items: center;
    gap: 0.4rem;
    padding: 0.4rem 0.85rem;
    border: 0;
    border-radius: 999px;
    background: #b42318;
    color: #fff;
    font: 600 0.85rem / 1.2 var(--_font);
    cursor: pointer;
  }
  .recording-stop .dot,
  .recording-notice .dot {
    inline-size: 0.6rem;
    block-size: 0.6rem;
    border-radius: 50%;
    background: #ff4d4f;
  }
  .recording-stop .dot {
    background: #fff;
  }
  .recording-notice {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    margin: 0 0.5rem 0.5rem;
    padding: 0.4rem 0.75rem;
    border-radius: 10px;
    background: rgb(180 35 24 / 25%);
    border: 1px solid rgb(255 77 79 / 45%);
    color: var(--_foreground);
    font-size: 0.9rem;
  }
  .recording-notice[hidden] {
    display: none;
  }
  .view svg {
    width: 1.2rem;
    height: 1.2rem;
  }
  @media (max-width: 600px) {
    /* On a phone the grid already fills the screen one above the other. */
    .view.layout {
      display: none;
    }
  }
  .count {
    color: var(--_muted);
    font-size: 0.9rem;
  }
  .stage {
    flex: 1;
    min-height: 0;
    display: flex;
    gap: var(--_gap);
    position: relative;
  }
  .panel {
    flex: none;
    width: min(22rem, 40%);
    display: flex;
    flex-direction: column;
    border-radius: var(--_radius);
    overflow: hidden;
    margin-inline-end: 0.5rem;
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
  .files {
    position: absolute;
    inset-inline-end: 0.5rem;
    inset-block-start: 0.5rem;
    width: min(22rem, calc(100% - 1rem));
    max-block-size: calc(100% - 1rem);
    overflow-y: auto;
    z-index: 4;
  }
  .drop-hint {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
    background: rgb(13 16 23 / 75%);
    border: 3px dashed var(--_accent);
    border-radius: 16px;
    color: var(--_foreground);
    font-size: 1.3rem;
    font-weight: 600;
    z-index: 5;
    pointer-events: none;
  }
  .knocks {
    position: absolute;
    inset-inline-end: 0.75rem;
    bottom: 6.5rem;
    width: min(24rem, calc(100% - 1.5rem));
    z-index: 4;
  }
  .main {
    position: relative;
    flex: 1;
    min-width: 0;
    min-height: 0;
    display: flex;
    flex-direction: column;
    gap: var(--_gap);
  }
  .screens {
    flex: 1;
    min-height: 0;
    display: grid;
    grid-auto-flow: column;
    grid-auto-columns: minmax(0, 1fr);
    gap: var(--_gap);
    padding: 0 0.5rem;
  }
  .screen {
    --tile-fit: contain;
  }
  .grid.strip {
    flex: none;
    block-size: clamp(5.5rem, 22%, 10rem);
    grid-template-columns: none;
    grid-auto-flow: column;
    grid-auto-columns: clamp(8rem, 18%, 14rem);
    grid-auto-rows: 100%;
    overflow-x: auto;
  }
  .grid {
    flex: 1;
    min-width: 0;
    min-height: 0;
    display: grid;
    grid-template-columns: repeat(var(--columns, 1), minmax(0, 1fr));
    grid-auto-rows: minmax(0, 1fr);
    gap: var(--_gap);
    padding: 0 0.5rem;
  }
  media-controls {
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
    background: var(--_warning-background);
    color: var(--_warning);
    font-size: 0.9rem;
    z-index: 1;
  }
  .problem {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.5rem;
    margin: 0 0.5rem 0.5rem;
    padding: 0.6rem 0.8rem;
    border-radius: 10px;
    background: var(--_warning-background);
    color: var(--_warning);
    font-size: 0.9rem;
  }
  .problem button {
    border: 0;
    background: none;
    color: inherit;
    font: inherit;
    font-size: 1.2rem;
    line-height: 1;
    cursor: pointer;
  }
  .settings {
    display: grid;
    align-content: start;
    gap: 0.75rem;
    padding: 0.75rem;
    background: #191d27;
  }
  .settings header {
    display: flex;
    align-items: center;
    justify-content: space-between;
    padding: 0;
  }
  .settings h2 {
    margin: 0;
    font-size: 1rem;
  }
  .settings .close {
    font-size: 1.3rem;
    line-height: 1;
    padding: 0.2rem 0.5rem;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  dialog {
    max-width: min(28rem, calc(100% - 2rem));
    padding: 1.25rem;
    border: 0;
    border-radius: var(--_radius);
    background: #191d27;
    color: inherit;
    box-shadow: 0 12px 40px rgb(0 0 0 / 50%);
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 55%);
  }
  dialog h2 {
    margin: 0 0 0.75rem;
    font-size: 1.1rem;
  }
  dialog dl {
    display: grid;
    gap: 0.35rem;
    margin: 0 0 1rem;
  }
  dialog dl div {
    display: flex;
    gap: 0.75rem;
  }
  dialog dt {
    min-inline-size: 7.5rem;
  }
  dialog dd {
    margin: 0;
  }
  kbd {
    padding: 0.1rem 0.4rem;
    border-radius: 6px;
    background: var(--_surface);
    font: 0.85rem / 1.4 ui-monospace, monospace;
  }
  .dialog-buttons {
    display: flex;
    justify-content: flex-end;
    gap: 0.5rem;
    margin-block-start: 1rem;
  }
  .dialog-buttons button,
  .link {
    padding: 0.5rem 1rem;
    border: 0;
    border-radius: 999px;
    background: var(--_surface);
    color: inherit;
    font: 600 0.95rem / 1.2 system-ui, sans-serif;
    cursor: pointer;
  }
  .link {
    justify-self: start;
    background: none;
    padding-inline: 0;
    color: var(--_link);
    text-decoration: underline;
  }
  .dialog-buttons .danger {
    background: var(--_danger);
    color: #fff;
  }
  .toggle {
    display: flex;
    align-items: center;
    gap: 0.5rem;
  }
`;
