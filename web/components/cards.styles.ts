import { css } from 'lit';

/** A stack of cards floating over the call: the host's knock requests, the files. */
export const cardStackStyles = css`
  :host {
    display: block;
  }
  ul {
    display: grid;
    gap: 0.5rem;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  li {
    padding: 0.6rem 0.8rem;
    border-radius: 12px;
    background: var(--_surface);
    color: var(--_foreground);
    box-shadow: 0 4px 16px rgb(0 0 0 / 40%);
  }
`;
