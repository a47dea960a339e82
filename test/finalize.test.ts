// Resident tensors that are garbage-collected without dispose() give their memory back
// (FinalizationRegistry; memoryStats().finalized counts them). vitest cannot pass --expose-gc,
// so a child `node --expose-gc` process runs the loop against the built package.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../dist/node/index.js', import.meta.url));

const script = `
import { init } from ${JSON.stringify(entry)};
const sp = await init();
const x = new Float32Array(64 * 64);
let peak = 0;
for (let round = 0; round < 20; round++) {
  for (let i = 0; i < 100; i++) { const t = sp.fromArray(x, [1, 1, 64, 64]); sp.maxPool2d(t, { kernelSize: 2 }); }
  gc();
  for (let j = 0; j < 3; j++) await new Promise((r) => setTimeout(r, 0));
  peak = Math.max(peak, sp.memoryStats().bytesInUse);
}
const kept = sp.fromArray(x, [1, 1, 64, 64]);
kept.dispose(); // a disposed tensor is never finalized again
gc();
for (let j = 0; j < 3; j++) await new Promise((r) => setTimeout(r, 0));
// A disposed tensor collected after its block went to another tensor leaves that block alone.
let gone = sp.fromArray(x, [1, 1, 64, 64]);
const goneAt = gone.data.byteOffset;
gone.dispose();
gone = null;
const heir = sp.fromArray(x, [1, 1, 64, 64]);
const heirAt = heir.data.byteOffset, inUse = sp.memoryStats().bytesInUse;
gc();
for (let j = 0; j < 3; j++) await new Promise((r) => setTimeout(r, 0));
const heirKept = { reused: heirAt === goneAt, inUseBefore: inUse, inUseAfter: sp.memoryStats().bytesInUse };
// (heir is read last, so that it stays alive through the collection)
console.log(JSON.stringify({ ...sp.memoryStats(), peak, heirKept, heirSize: heir.size }));
`;

describe('resident tensors without dispose()', () => {
  it('are freed after garbage collection and their memory is reused', () => {
    const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    const stats = JSON.parse(out.trim().split('\n').pop()!);
    // 4000 tensors created (2000 inputs, 2000 results), 16 KiB and 4 KiB each.
    expect(stats.finalized).toBeGreaterThan(3000);
    expect(stats.peak).toBeLessThan(4 * 1024 * 1024); // without finalization: about 40 MiB
    expect(stats.memoryBytes).toBeLessThan(8 * 1024 * 1024);
    expect(stats.heirKept.reused).toBe(true); // (first fit: the disposed tensor's block)
    expect(stats.heirKept.inUseAfter).toBe(stats.heirKept.inUseBefore);
  });
});
