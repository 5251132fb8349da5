import { css } from 'lit';

export const callPrejoinStyles = css`
  .prejoin {
    display: grid;
    /* Rows as tall as their content, centred only while they fit: on a short screen the page
       scrolls instead of the form sliding under the preview. */
    grid-auto-rows: max-content;
    align-content: safe center;
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
  }
  h1 {
    margin-bottom: 0;
  }
  .here {
    margin: -0.4rem 0 0;
    color: var(--_muted);
  }
  .here.full,
  .here.locked {
    color: var(--_warning);
  }
  .device-notice {
    margin: 0;
    color: var(--_muted);
  }
  .problem {
    padding: 0.6rem 0.8rem;
    border-radius: 10px;
    background: var(--_warning-background);
    color: var(--_warning);
    font-size: 0.9rem;
  }
`;
