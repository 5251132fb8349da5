import { css } from 'lit';

export const callEndedStyles = css`
  .message {
    display: grid;
    place-content: center;
    justify-items: center;
    gap: 1rem;
    padding: 2rem 1rem;
    text-align: center;
  }
  .message p {
    color: var(--_muted);
    max-width: 28rem;
  }
  .message .actions {
    display: flex;
    gap: 0.75rem;
    flex-wrap: wrap;
    justify-content: center;
  }
`;
