// The product's icon, drawn by code so that it can be remade byte for byte (`bun build/icon/draw-icon.ts`
// writes build/icon/5gfm.ico; tests/build/exe-resources.test.ts checks the committed file is what this
// draws). A blue tile with a white radio mast sending signal waves to both sides: a gNB, the thing
// whose features the product manages. Sizes are the ones Explorer, the taskbar and Alt+Tab ask for.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";

export const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256] as const;
/** Large sizes are stored as PNG (what Windows Vista and later read); small ones as 32-bit bitmaps, which every reader takes. */
const PNG_FROM = 128;
const SUPERSAMPLE = 4;

type Rgba = [number, number, number, number];
const WHITE: Rgba = [255, 255, 255, 255];
const ACCENT: Rgba = [255, 184, 28, 255];
const TOP: Rgba = [31, 111, 235, 255];
const BOTTOM: Rgba = [11, 61, 145, 255];

/** Colour of one point (x, y in 0..1, y down), or undefined outside the tile. */
function paint(x: number, y: number): Rgba | undefined {
  const radius = 0.2;
  const dx = Math.max(radius - x, 0, x - (1 - radius));
  const dy = Math.max(radius - y, 0, y - (1 - radius));
  if (dx * dx + dy * dy > radius * radius) return undefined;
  const cx = 0.5;
  const cy = 0.4;
  if (Math.hypot(x - cx, y - cy) < 0.065) return ACCENT;
  // The mast: a narrow triangle from the antenna down to the tile's foot.
  if (y > cy && y < 0.86) {
    const half = 0.02 + ((y - cy) / (0.86 - cy)) * 0.1;
    if (Math.abs(x - cx) < half) return WHITE;
  }
  // Three waves each side: ring segments within 45 degrees of the horizontal.
  const distance = Math.hypot(x - cx, y - cy);
  const angle = Math.abs(Math.atan2(y - cy, Math.abs(x - cx)));
  if (angle < Math.PI / 4) for (const ring of [0.15, 0.25, 0.35]) if (Math.abs(distance - ring) < 0.028) return WHITE;
  const t = y;
  return [0, 1, 2, 3].map((i) => Math.round(TOP[i]! + (BOTTOM[i]! - TOP[i]!) * t)) as Rgba;
}

/** Straight (not premultiplied) RGBA pixels, rows top to bottom, each pixel the mean of SUPERSAMPLE² points. */
export function drawIcon(size: number): Uint8Array {
  const pixels = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const color = paint((px + (sx + 0.5) / SUPERSAMPLE) / size, (py + (sy + 0.5) / SUPERSAMPLE) / size);
          if (!color) continue;
          for (let i = 0; i < 3; i++) sum[i]! += color[i]! * color[3];
          sum[3]! += color[3];
        }
      }
      const at = (py * size + px) * 4;
      const alpha = sum[3]! / (SUPERSAMPLE * SUPERSAMPLE);
      for (let i = 0; i < 3; i++) pixels[at + i] = sum[3] ? Math.round(sum[i]! / sum[3]!) : 0;
      pixels[at + 3] = Math.round(alpha);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function png(size: number, rgba: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits per channel, RGBA, no interlace
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rows.set(rgba.subarray(y * size * 4, (y + 1) * size * 4), y * (size * 4 + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", deflateSync(rows, { level: 9 })),
    pngChunk("IEND", new Uint8Array()),
  ]);
}

/** A 32-bit DIB as icons store it: BGRA rows bottom to top, height doubled, then a 1-bit AND mask. */
function iconBitmap(size: number, rgba: Uint8Array): Buffer {
  const header = Buffer.alloc(40);
  header.writeUInt32LE(40, 0);
  header.writeInt32LE(size, 4);
  header.writeInt32LE(size * 2, 8);
  header.writeUInt16LE(1, 12);
  header.writeUInt16LE(32, 14);
  const maskRow = Math.ceil(size / 32) * 4;
  const body = Buffer.alloc(size * size * 4 + maskRow * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const from = (y * size + x) * 4;
      const to = ((size - 1 - y) * size + x) * 4;
      body.set([rgba[from + 2]!, rgba[from + 1]!, rgba[from]!, rgba[from + 3]!], to);
      if (rgba[from + 3] === 0) body[size * size * 4 + (size - 1 - y) * maskRow + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  return Buffer.concat([header, body]);
}

/** The .ico file: ICONDIR, one ICONDIRENTRY per size, then the images. */
export function iconFile(): Buffer {
  const images = ICON_SIZES.map((size) => (size >= PNG_FROM ? png(size, drawIcon(size)) : iconBitmap(size, drawIcon(size))));
  const directory = Buffer.alloc(6 + 16 * images.length);
  directory.writeUInt16LE(1, 2);
  directory.writeUInt16LE(images.length, 4);
  let offset = directory.length;
  images.forEach((image, i) => {
    const size = ICON_SIZES[i]!;
    const at = 6 + 16 * i;
    directory[at] = size % 256; // 0 means 256
    directory[at + 1] = size % 256;
    directory.writeUInt16LE(1, at + 4);
    directory.writeUInt16LE(32, at + 6);
    directory.writeUInt32LE(image.length, at + 8);
    directory.writeUInt32LE(offset, at + 12);
    offset += image.length;
  });
  return Buffer.concat([directory, ...images]);
}

export const ICON_FILE = join(import.meta.dir, "5gfm.ico");

if (import.meta.main) {
  const bytes = iconFile();
  writeFileSync(ICON_FILE, bytes);
  console.log(`wrote ${ICON_FILE} (${bytes.length} bytes, sizes ${ICON_SIZES.join(", ")})`);
}
