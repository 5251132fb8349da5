/**
 * Draws the app icons (PNG, no image library): a white camera on the accent colour.
 * Run once when the design changes: `node --import tsx scripts/make-icons.ts`; the PNGs are committed.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const ACCENT = [0x3d, 0x6d, 0xf2];
const BACKGROUND = [0x11, 0x14, 0x1b];

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(size: number, pixel: (x: number, y: number) => number[]): Buffer {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel((x + 0.5) / size, (y + 0.5) / size);
      raw.set([r!, g!, b!, a!], y * (size * 4 + 1) + 1 + x * 4);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The camera glyph in unit coordinates centred on (0.5, 0.5), scaled by `s`. */
function camera(x: number, y: number, s: number): boolean {
  const u = (x - 0.5) / s + 0.5;
  const v = (y - 0.5) / s + 0.5;
  const inBody = u >= 0.12 && u <= 0.64 && v >= 0.28 && v <= 0.72 && roundedInside(u, v, 0.12, 0.28, 0.64, 0.72, 0.07);
  const lens = u >= 0.66 && u <= 0.9 && v >= 0.3 && v <= 0.7 && Math.abs(v - 0.5) <= (u - 0.66) * (0.2 / 0.24) + 0.06;
  return inBody || lens;
}

function roundedInside(u: number, v: number, x0: number, y0: number, x1: number, y1: number, r: number): boolean {
  const cx = Math.min(Math.max(u, x0 + r), x1 - r);
  const cy = Math.min(Math.max(v, y0 + r), y1 - r);
  return (u - cx) ** 2 + (v - cy) ** 2 <= r * r;
}

mkdirSync('web/public/icons', { recursive: true });
for (const size of [192, 512]) {
  // "any": a rounded square with transparent corners.
  writeFileSync(
    `web/public/icons/icon-${size}.png`,
    png(size, (x, y) => {
      if (!roundedInside(x, y, 0.02, 0.02, 0.98, 0.98, 0.2)) return [...BACKGROUND, 0];
      return camera(x, y, 0.8) ? [255, 255, 255, 255] : [...ACCENT, 255];
    }),
  );
}
// "maskable": full bleed, the glyph inside the 80% safe circle.
writeFileSync(
  'web/public/icons/maskable-512.png',
  png(512, (x, y) => (camera(x, y, 0.6) ? [255, 255, 255, 255] : [...ACCENT, 255])),
);
writeFileSync(
  'web/public/icons/apple-touch-icon.png',
  png(180, (x, y) => (camera(x, y, 0.7) ? [255, 255, 255, 255] : [...ACCENT, 255])),
);
console.log('icons written to web/public/icons');
