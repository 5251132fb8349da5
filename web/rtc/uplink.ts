/**
 * The uplink budget: how many bits per second our camera (and screen) may send on each
 * connection of the mesh, so that the sum stays within what one uplink carries.
 *
 * - A shared screen comes first: SCREEN_SHARE of the budget (after audio), split evenly over
 *   the connections it goes to, and capped at what a screen needs.
 * - The cameras share the rest, weighted by the area at which each receiver shows us (its `view`
 *   height squared; a receiver that has not said yet counts as DEFAULT_HEIGHT, one that shows
 *   nothing gets nothing: that video is paused anyway). No camera is given more than its size is
 *   worth (`usefulBps`): what it does not use goes to the others.
 * - Each audio stream is set aside first (AUDIO_BPS).
 */

/** Opus at its usual rate, with packet overhead. */
export const AUDIO_BPS = 40_000;
/** The screen's part of the budget, when one is shared. */
export const SCREEN_SHARE = 0.6;
/** A shared screen is sharp text at a low frame rate: more than this buys little. */
export const SCREEN_MAX_BPS = 2_500_000;
/** Below this a camera is a slideshow: every shown camera gets at least this much. */
export const CAMERA_MIN_BPS = 80_000;
/** The height assumed for a receiver that has not told us its size yet. */
export const DEFAULT_HEIGHT = 360;

/** What a camera at `height` (16:9) is worth sending: 0.05 bits per pixel at 30 frames/s. */
export function usefulBps(height: number): number {
  return Math.round(((height * height * 16) / 9) * 30 * 0.05);
}

export interface UplinkPlan {
  /** Bits per second for our camera on each receiver's connection (0: paused). */
  cameras: Map<string, number>;
  /** Bits per second for our screen on each connection it goes to (0 when none is shared). */
  screen: number;
}

/**
 * Splits `budgetBps` over our camera's receivers (peer id → the height they show us at, or
 * undefined when unknown) and `screenReceivers` connections of a shared screen.
 */
export function splitUplink(budgetBps: number, heights: Map<string, number | undefined>, screenReceivers: number): UplinkPlan {
  let rest = Math.max(0, budgetBps - AUDIO_BPS * heights.size);
  let screen = 0;
  if (screenReceivers > 0) {
    screen = Math.min(SCREEN_MAX_BPS, Math.max(CAMERA_MIN_BPS, (rest * SCREEN_SHARE) / screenReceivers));
    rest = Math.max(0, rest - screen * screenReceivers);
  }
  const cameras = new Map<string, number>();
  // Water-filling: share by area; a camera whose share exceeds its worth gets its worth, and
  // the others share what is left.
  const open = new Map<string, number>();
  for (const [peerId, height] of heights) {
    const shown = height ?? DEFAULT_HEIGHT;
    if (shown <= 0) cameras.set(peerId, 0);
    else open.set(peerId, shown * shown);
  }
  while (open.size) {
    const weight = [...open.values()].reduce((a, b) => a + b, 0);
    let capped = false;
    for (const [peerId, area] of open) {
      const worth = usefulBps(Math.sqrt(area));
      if ((rest * area) / weight >= worth) {
        cameras.set(peerId, worth);
        rest -= worth;
        open.delete(peerId);
        capped = true;
      }
    }
    if (capped) continue;
    for (const [peerId, area] of open) cameras.set(peerId, Math.round((rest * area) / weight));
    break;
  }
  for (const [peerId, bps] of cameras) if (bps > 0 && bps < CAMERA_MIN_BPS) cameras.set(peerId, CAMERA_MIN_BPS);
  return { cameras, screen: Math.round(screen) };
}
