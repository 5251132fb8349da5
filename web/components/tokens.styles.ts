import { css } from 'lit';

/**
 * The design tokens, defined once. A page that embeds <call-room> themes it with the public
 * `--call-room-*` custom properties on the element or any ancestor; the app itself uses the
 * `--app-*` ones at :root (web/app.css). These private `--_*` ones carry them, or the defaults,
 * into every shadow root (custom properties inherit through shadow trees), so a component
 * looks the same embedded in a page that sets none.
 */
export const tokens = css`
  :host {
    --_background: var(--call-room-background, var(--app-background, #11141b));
    --_foreground: var(--call-room-foreground, var(--app-foreground, #f3f5f9));
    --_accent: var(--call-room-accent, var(--app-accent, #3b6bf0));
    --_focus: var(--app-focus, #8ab4ff);
    --_radius: var(--call-room-radius, var(--app-radius, 12px));
    --_font: var(--call-room-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    /* Between the tiles of the call. */
    --_gap: var(--call-room-tile-gap, 8px);
    --_muted: #a9b1c2;
    /* Buttons, chips and cards on the background. */
    --_surface: #2d3343;
    --_field: #1b1f2a;
    --_field-border: #3a4155;
    /* Off switches, Leave, unread badges. */
    --_danger: #e5484d;
    --_warning-background: #3b2a12;
    --_warning: #ffd8a8;
    --_error: #ffb4a8;
    /* The microphone-off and camera-off marks. */
    --_off-mark: #ff8a80;
    --_hand: #f5b93a;
    --_link: #8ab4ff;
  }
`;

/** One focus ring for every control. */
export const focusRing = css`
  :is(button, input, textarea, a):focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
`;

/** `hidden` hides, whatever `display` another rule gives the element. */
export const hiddenAttribute = css`
  [hidden] {
    display: none !important;
  }
`;

/** A screen of its own (home, calling): centred on the page, in the app's type. */
export const screenStyles = css`
  :host {
    display: grid;
    place-content: center;
    min-height: 100%;
    padding: 2rem 1.25rem;
    box-sizing: border-box;
    font: 1rem / 1.5 var(--_font);
    color: var(--_foreground);
  }
`;

/** Text fields: one look for names, handles, links and chat. */
export const fieldStyles = css`
  :is(input, textarea) {
    padding: 0.7rem 0.8rem;
    border: 1px solid var(--_field-border);
    border-radius: 10px;
    background: var(--_field);
    color: inherit;
    font: inherit;
  }
`;

/** What nearly every component starts its styles with. */
export const baseStyles = [tokens, focusRing, hiddenAttribute];

/** A labelled select (a device, the language): the label above it, the select on the field colours. */
export const selectStyles = css`
  label {
    display: grid;
    gap: 0.25rem;
    font-weight: 600;
    font-size: 0.9rem;
  }
  select {
    font: inherit;
    font-weight: 400;
    min-width: 0;
    padding: 0.45rem 0.5rem;
    border-radius: 8px;
    border: 1px solid var(--_field-border, #5b6478);
    background: var(--_field, #1d2230);
    color: inherit;
  }
`;
