/** The sizes a receiver asks its senders for (call-session.ts sends them as `view`). */

/**
 * View heights go out rounded up to these steps, so a resize does not send a flood. About 1.5×
 * apart: a 6-person grid's 210 px tiles get 240 px (the next step used to be 360: full size).
 */
export const VIEW_STEPS = [90, 120, 180, 240, 360, 480, 720, 1080, 1440, 2160];

/** The step for a tile `pixels` high, `down` steps smaller (under CPU pressure), never below the first. */
export function viewStep(pixels: number, down = 0): number {
  const at = VIEW_STEPS.findIndex((step) => step >= pixels);
  const index = (at < 0 ? VIEW_STEPS.length - 1 : at) - down;
  return VIEW_STEPS[Math.max(0, index)]!;
}
