/**
 * How many columns fit `count` tiles best in a width×height area: the layout whose tiles are
 * largest at the given aspect ratio. Pure, so it is tested without a browser.
 */
export function bestColumns(count: number, width: number, height: number, aspect = 16 / 9, gap = 8): number {
  if (count <= 1 || width <= 0 || height <= 0) return 1;
  let best = 1;
  let bestArea = 0;
  for (let columns = 1; columns <= count; columns++) {
    const rows = Math.ceil(count / columns);
    const cellWidth = (width - gap * (columns - 1)) / columns;
    const cellHeight = (height - gap * (rows - 1)) / rows;
    if (cellWidth <= 0 || cellHeight <= 0) continue;
    // The tile is the cell cropped to the aspect ratio (video uses object-fit: cover).
    const tileWidth = Math.min(cellWidth, cellHeight * aspect);
    const tileHeight = tileWidth / aspect;
    const area = tileWidth * tileHeight;
    if (area > bestArea * 1.0001) {
      bestArea = area;
      best = columns;
    }
  }
  return best;
}
