// Draws media/icon.png (the 128x128 extension icon) with no image tool: shapes as signed
// distances, 4x4 supersampling for smooth edges, and a minimal PNG encoder (zlib from Node).
// The same three sliders as media/tunekit.svg, in white on an indigo-to-teal tile.
// Run: node scripts/make-icon.mjs   (the PNG is committed; rerun only to change the design)
import { writeFileSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SAMPLES = 4;

const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);
const clamp01 = (v) => Math.min(1, Math.max(0, v));

function roundedRect(x, y, cx, cy, halfW, halfH, r) {
  const qx = Math.abs(x - cx) - halfW + r;
  const qy = Math.abs(y - cy) - halfH + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}
const circle = (x, y, cx, cy, r) => Math.hypot(x - cx, y - cy) - r;
function capsule(x, y, x0, y0, y1, r) {
  const py = Math.min(Math.max(y, y0), y1);
  return Math.hypot(x - x0, y - py) - r;
}

// Three sliders: x position and knob height.
const SLIDERS = [
  { x: 36, knob: 66 },
  { x: 64, knob: 86 },
  { x: 92, knob: 44 },
];
const TOP = 26;
const BOTTOM = 102;
const KNOB_R = 11;
const GAP = 4; // track stops short of each knob, as in the SVG

/** Colour (premultiplied-free RGBA, 0..1) of one sample point. */
function sample(x, y) {
  if (roundedRect(x, y, 64, 64, 62, 62, 26) > 0) return [0, 0, 0, 0];
  const t = clamp01((x + y) / (2 * SIZE));
  let color = [...mix([0.27, 0.2, 0.75], [0.03, 0.57, 0.7], t), 1];
  const over = (c, alpha) => {
    color = [...mix(color.slice(0, 3), c, alpha), 1];
  };
  for (const s of SLIDERS) {
    const track = Math.min(capsule(x, y, s.x, TOP, s.knob - KNOB_R - GAP, 3.2), capsule(x, y, s.x, s.knob + KNOB_R + GAP, BOTTOM, 3.2));
    if (track <= 0) over([1, 1, 1], 0.85);
    const ring = Math.abs(circle(x, y, s.x, s.knob, KNOB_R - 2)) - 3.2;
    if (ring <= 0) over([1, 1, 1], 1);
  }
  return color;
}

const pixels = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let py = 0; py < SIZE; py++) {
  const row = py * (SIZE * 4 + 1);
  pixels[row] = 0; // PNG filter: none
  for (let px = 0; px < SIZE; px++) {
    const acc = [0, 0, 0, 0];
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const c = sample(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES);
        // Accumulate premultiplied, so transparent samples do not darken edges.
        for (let i = 0; i < 3; i++) acc[i] += c[i] * c[3];
        acc[3] += c[3];
      }
    }
    const n = SAMPLES * SAMPLES;
    const alpha = acc[3] / n;
    const o = row + 1 + px * 4;
    for (let i = 0; i < 3; i++) pixels[o + i] = alpha > 0 ? Math.round((acc[i] / acc[3]) * 255) : 0;
    pixels[o + 3] = Math.round(alpha * 255);
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(pixels, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = new URL('../media/icon.png', import.meta.url);
writeFileSync(out, png);
console.log(`wrote ${out.pathname} (${png.length} bytes)`);
