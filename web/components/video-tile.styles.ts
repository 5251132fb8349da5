import { css } from 'lit';
import { hiddenAttribute, tokens } from './tokens.styles.js';

export const videoTileStyles = [
  tokens,
  hiddenAttribute,
  css`
    :host {
      --video-tile-radius: var(--_radius);
      --video-tile-background: #1f2430;
      --video-tile-label-background: rgb(0 0 0 / 55%);
      display: block;
      position: relative;
      overflow: hidden;
      border-radius: var(--video-tile-radius);
      background: var(--video-tile-background);
      color: #fff;
      min-width: 0;
      min-height: 0;
    }
    video {
      position: absolute;
      inset: 0;
      width: 100%;
      height: 100%;
      object-fit: var(--tile-fit, cover);
      background: transparent;
    }
    :host([mirrored]) video {
      transform: scaleX(-1);
    }
    .avatar {
      position: absolute;
      inset: 0;
      display: grid;
      place-items: center;
    }
    .avatar span {
      display: grid;
      place-items: center;
      width: clamp(3rem, 28%, 6rem);
      aspect-ratio: 1;
      border-radius: 50%;
      background: var(--_accent);
      font: 600 clamp(1.2rem, 5vmin, 2.4rem) / 1 system-ui, sans-serif;
    }
    .label {
      position: absolute;
      inset-inline-start: 0.5rem;
      bottom: 0.5rem;
      max-width: calc(100% - 1rem);
      display: flex;
      align-items: center;
      gap: 0.35rem;
      padding: 0.2rem 0.55rem;
      border-radius: 999px;
      background: var(--video-tile-label-background);
      font: 500 0.875rem / 1.4 system-ui, sans-serif;
    }
    .name {
      overflow: hidden;
      white-space: nowrap;
      text-overflow: ellipsis;
    }
    .label svg {
      flex: none;
      width: 1rem;
      height: 1rem;
      color: var(--_off-mark);
    }
    .status {
      position: absolute;
      top: 0.5rem;
      inset-inline-start: 0.5rem;
      padding: 0.15rem 0.5rem;
      border-radius: 999px;
      background: var(--video-tile-label-background);
      font: 0.8rem / 1.4 system-ui, sans-serif;
    }
    :host([speaking]) {
      box-shadow: inset 0 0 0 3px var(--video-tile-speaking-color, #4ade80);
    }
    .hand {
      position: absolute;
      top: 0.5rem;
      inset-inline-end: 0.5rem;
      display: grid;
      place-items: center;
      width: 2.2rem;
      height: 2.2rem;
      border-radius: 50%;
      background: var(--_hand);
      color: #1b1f2a;
    }
    .hand svg {
      width: 1.35rem;
      height: 1.35rem;
    }
    .reactions {
      position: absolute;
      inset: auto 0 2.5rem 0;
      display: flex;
      justify-content: center;
      gap: 0.4rem;
      pointer-events: none;
    }
    .reaction {
      font-size: 2.4rem;
      animation: float-up 3.5s ease-out forwards;
    }
    @keyframes float-up {
      from {
        transform: translateY(0);
        opacity: 1;
      }
      to {
        transform: translateY(-6rem);
        opacity: 0;
      }
    }
    @media (prefers-reduced-motion: reduce) {
      .reaction {
        animation: none;
      }
    }
      .quality {
      display: inline-flex;
      align-items: flex-end;
      gap: 2px;
      block-size: 1.1rem;
      padding: 0 0.15rem;
      border: 0;
      background: none;
      cursor: pointer;
    }
    .quality span {
      inline-size: 4px;
      border-radius: 1px;
      background: #6b7385;
    }
    .quality span:nth-child(1) {
      block-size: 40%;
    }
    .quality span:nth-child(2) {
      block-size: 70%;
    }
    .quality span:nth-child(3) {
      block-size: 100%;
    }
    :host([quality='good']) .quality span {
      background: #4ade80;
    }
    :host([quality='fair']) .quality span:nth-child(-n + 2) {
      background: #fbbf24;
    }
    :host([quality='poor']) .quality span:nth-child(1) {
      background: #f87171;
    }
    .details {
      position: absolute;
      inset-inline-start: 0.5rem;
      inset-block-start: 0.5rem;
      max-block-size: calc(100% - 3.2rem);
      overflow: auto;
      padding: 0.4rem 0.6rem;
      border-radius: 8px;
      background: rgb(10 12 18 / 0.85);
      font: 0.8rem / 1.45 system-ui, sans-serif;
    }
  `,
];
