// A subarray of a resident tensor's `.data` keeps the tensor alive, as `.data` itself does:
// held alone, it must not let the FinalizationRegistry free the block and a later tensor reuse
// it (the subarray then silently showed the new tensor's values). vitest cannot pass
// --expose-gc, so a child `node --expose-gc` process runs against the built package.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { init } from '../dist/index.js';

const entry = fileURLToPath(new URL('../dist/node/index.js', import.meta.url));

const script = `
import { init } from ${JSON.stringify(entry)};
const sp = await init();
const collect = async () => { for (let i = 0; i < 4; i++) { gc(); await new Promise((r) => setTimeout(r, 0)); } };
const data = Float32Array.from({ length: 64 }, (_, i) => i + 1);
let sub = sp.fromArray(data, [1, 1, 8, 8]).data.subarray(1);
let subsub = sp.fromArray(data, [1, 1, 8, 8]).data.subarray(2, -2).subarray(3);
let bytes = sp.fromArray(Int8Array.from(data), [1, 1, 8, 8]).data.subarray(-5);
await collect();
const held = sp.memoryStats().finalized;
const others = [];
for (let i = 0; i < 50; i++) others.push(sp.tensor([1, 1, 8, 8]), sp.tensor([1, 1, 8, 8], { dtype: 'int8' }));
for (const t of others) t.data.fill(-7);
const ok = sub.every((v, i) => v === i + 2) && subsub.length === 57 && subsub.every((v, i) => v === i + 6)
  && bytes.join() === '60,61,62,63,64';
sub = subsub = bytes = null;
await collect();
console.log(JSON.stringify({ ok, held, released: sp.memoryStats().finalized }));
`;

describe("subarrays of a resident tensor's data", () => {
  it('keep the tensor from being finalized while held, and release it once dropped', () => {
    const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    expect(r).toEqual({ ok: true, held: 0, released: 3 });
  });

  it('are ordinary subarrays otherwise (same elements, no enumerable property)', async () => {
    const sp = await init();
    const t = sp.fromArray(Float32Array.from([1, 2, 3, 4, 5]), [1, 1, 5]);
    expect(Object.keys(t.data)).toEqual(['0', '1', '2', '3', '4']);
    expect(t.data.subarray(1, -1)).toEqual(Float32Array.from([2, 3, 4]));
    expect(t.data.subarray(-2)).toEqual(Float32Array.from([4, 5]));
    expect(t.data.subarray()).toEqual(t.data);
    t.data.subarray(3)[0] = 9;
    expect(t.toArray()).toEqual(Float32Array.from([1, 2, 3, 9, 5]));
    t.dispose();
  });
});
