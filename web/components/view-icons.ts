/** The call screen's own icons (loaded with it, not on a first visit). */
import { svg } from 'lit';

const icon = (d: string) =>
  svg`<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" fill="currentColor"><path d="${d}"/></svg>`;

/** One large tile above a strip of small ones. */
export const speakerViewIcon = icon('M3 4h18v11H3zM3 17h5v3H3zm6.5 0h5v3h-5zM16 17h5v3h-5z');
/** A small window inside a large one (Material Symbols' picture_in_picture). */
export const pipIcon = icon(
  'M19 7h-8v6h8V7zm2-4H3a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h18a2 2 0 0 0 2-2V5a2 2 0 0 0-2-2zm0 16.01H3V4.98h18v14.03z',
);
/** A dot in a ring: record. */
export const recordIcon = icon(
  'M12 7a5 5 0 1 0 0 10 5 5 0 0 0 0-10zm0-5C6.48 2 2 6.48 2 12s4.48 10 10 10 10-4.48 10-10S17.52 2 12 2zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16z',
);
