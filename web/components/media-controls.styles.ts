import { css } from 'lit';
import { hiddenAttribute, tokens } from './tokens.styles.js';

/** Its own focus ring, on the circle (tokens.styles.ts's would ring the whole button). */
export const mediaControlsStyles = [
  tokens,
  hiddenAttribute,
  css`
    :host {
      --media-controls-button-size: 3.25rem;
      --media-controls-off-background: var(--_danger);
      --media-controls-on-background: var(--_surface);
      display: block;
    }
    .bar {
      display: flex;
      justify-content: center;
      align-items: center;
      gap: 0.75rem;
      flex-wrap: wrap;
    }
    button {
      display: inline-flex;
      flex-direction: column;
      align-items: center;
      gap: 0.2rem;
      min-width: var(--media-controls-button-size);
      padding: 0;
      border: 0;
      background: none;
      color: inherit;
      font: 500 0.75rem / 1.2 system-ui, sans-serif;
      cursor: pointer;
    }
    .circle {
      display: grid;
      place-items: center;
      width: var(--media-controls-button-size);
      height: var(--media-controls-button-size);
      border-radius: 50%;
      background: var(--media-controls-on-background);
      color: #fff;
      transition: background 120ms;
    }
    button.device[aria-pressed='false'] .circle {
      background: var(--media-controls-off-background);
    }
    button.leave .circle {
      background: var(--media-controls-off-background);
      width: calc(var(--media-controls-button-size) * 1.4);
      border-radius: 999px;
    }
    button:focus-visible .circle {
      outline: 3px solid var(--_focus);
      outline-offset: 2px;
    }
    button:hover .circle {
      filter: brightness(1.15);
    }
    .circle {
      position: relative;
      font-size: 1.35rem;
    }
    button.panel[aria-pressed='true'] .circle {
      background: var(--_accent);
    }
    .badge {
      position: absolute;
      top: -0.2rem;
      inset-inline-end: -0.2rem;
      min-width: 1.2rem;
      padding: 0 0.25rem;
      border-radius: 999px;
      background: var(--_danger);
      color: #fff;
      font: 700 0.72rem / 1.2rem system-ui, sans-serif;
    }
    .reactions {
      position: relative;
    }
    .picker {
      position: absolute;
      bottom: calc(100% + 0.5rem);
      left: 50%;
      transform: translateX(-50%);
      display: flex;
      gap: 0.25rem;
      padding: 0.35rem;
      border-radius: 999px;
      background: var(--_surface);
      z-index: 2;
    }
    .picker button {
      min-width: 0;
      font-size: 1.5rem;
      padding: 0.15rem 0.3rem;
    }
    @media (max-width: 520px) {
      :host {
        --media-controls-button-size: 2.75rem;
      }
      .bar {
        gap: 0.35rem;
      }
      .label {
        display: none;
      }
    }
  `,
];
