// Draws demo/sample.png procedurally (no downloads): a 256x256 RGB scene with smooth gradients,
// hard edges, thin lines and fine texture, so max and average pooling look different.
// Run: node demo/make-sample.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const W = 256, H = 256;
const px = new Uint8Array(W * H * 3);
const clamp = (v) => Math.max(0, Math.min(255, Math.round(v)));

for (let y = 0; y < H; y++) {
  for (let x = 0; x < W; x++) {
    // sky gradient
    let r = 40 + 60 * (y / H), g = 80 + 100 * (y / H), b = 200 - 60 * (y / H);
    // sun
    const ds = Math.hypot(x - 190, y - 60);
    if (ds < 30) { r = 255; g = 210 - ds * 2; b = 60; } else if (ds < 45) { const t = (ds - 30) / 15; r = r * t + 255 * (1 - t); g = g * t + 180 * (1 - t); b = b * t + 80 * (1 - t); }
    // hills
    const hill = 170 + 25 * Math.sin(x / 23) + 12 * Math.sin(x / 7.3);
    if (y > hill) { const d = (y - hill) / 60; r = 30 + 40 * d; g = 120 + 60 * Math.sin(x / 5) * Math.sin(y / 4) * 0.3 + 40 * d; b = 40; }
    // checkerboard panel
    if (x > 20 && x < 100 && y > 30 && y < 110) { const c = ((x >> 3) + (y >> 3)) & 1; r = c ? 240 : 20; g = c ? 240 : 20; b = c ? 240 : 20; }
    // thin diagonal lines (vanish under average pooling, survive max pooling)
    if (x > 110 && x < 160 && y > 20 && y < 140 && ((x + y) % 9 === 0)) { r = 255; g = 255; b = 255; }
    // red ring
    const dr = Math.hypot(x - 70, y - 200);
    if (dr > 28 && dr < 36) { r = 230; g = 30; b = 40; }
    // dotted texture
    if (x > 150 && y > 190 && (x % 6 === 0) && (y % 6 === 0)) { r = 255; g = 240; b = 0; }
    const i = (y * W + x) * 3;
    px[i] = clamp(r); px[i + 1] = clamp(g); px[i + 2] = clamp(b);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
const crc = (buf) => { let c = 0xffffffff; for (const v of buf) c = crcTable[(c ^ v) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
const raw = Buffer.alloc(H * (1 + W * 3));
for (let y = 0; y < H; y++) { raw[y * (1 + W * 3)] = 0; Buffer.from(px.buffer, y * W * 3, W * 3).copy(raw, y * (1 + W * 3) + 1); }
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(W, 0); ihdr.writeUInt32BE(H, 4); ihdr[8] = 8; ihdr[9] = 2; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
writeFileSync(new URL('./sample.png', import.meta.url), png);
console.log(`demo/sample.png: ${png.length} bytes`);
