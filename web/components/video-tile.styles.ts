import { css } from 'lit';

export const videoTileStyles = css`
  :host {
    --video-tile-radius: var(--app-radius, 12px);
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
    object-fit: cover;
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
    background: var(--app-accent, #3b6bf0);
    font: 600 clamp(1.2rem, 5vmin, 2.4rem) / 1 system-ui, sans-serif;
  }
  .label {
    position: absolute;
    left: 0.5rem;
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
    color: #ff8a80;
  }
  .status {
    position: absolute;
    top: 0.5rem;
    left: 0.5rem;
    padding: 0.15rem 0.5rem;
    border-radius: 999px;
    background: var(--video-tile-label-background);
    font: 0.8rem / 1.4 system-ui, sans-serif;
  }
  [hidden] {
    display: none !important;
  }
`;
