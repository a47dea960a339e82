// Windows of one cell (kernel 1 and stride 1 without padding; adaptive pooling to the input's own
// size) run elementwise in the full engine (src/ops/one-cell.ts): max pooling must still give
// the input bit for bit (NaN payloads too), an average the input plus +0 (PyTorch's sum starts at
// +0, so -0 becomes +0), in both layouts, plain, resident and streamed in chunks; the cases the
// shortcut leaves to the window kernels (nanMode 'ignore', divisorOverride, padding) stay right.
import { describe, expect, it } from 'vitest';
import { LAYOUTS, adaptiveAvgPoolRef, adaptiveMaxPoolRef, avgPoolRef, maxPoolRef, transposeNd } from './reference/poolnd';
import { expectSameFloats, getEngine } from './support/engine';
import { initParallel } from '../dist/parallel.js';

/** Values with -0, +-Infinity and NaNs of two payloads. */
function values(n: number): Float32Array {
  const data = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.3) * 4);
  const bits = new Uint32Array(data.buffer);
  for (let i = 0; i < n; i += 7) data[i] = -0;
  for (let i = 3; i < n; i += 11) data[i] = i % 2 ? Infinity : -Infinity;
  for (let i = 5; i < n; i += 13) bits[i] = i % 2 ? 0x7fc00001 : 0xffc12345;
  return data;
}

const SHAPES: Record<number, number[][]> = {
  1: [[2, 3, 9], [3, 17]],
  2: [[2, 3, 5, 7], [3, 5, 7], [4, 64, 32, 32]], // unbatched; 1 MiB, streamed in chunks when plain
  3: [[1, 2, 3, 4, 5]],
};

describe('windows of one cell', async () => {
  const sp = (await getEngine()) as any;
  for (const dims of [1, 2, 3]) {
    for (const shape of SHAPES[dims]) {
      for (const last of [false, true]) {
        it(`${dims}d ${shape.join('x')} ${last ? 'channels-last' : 'channels-first'}, plain and resident`, () => {
          const x = { data: values(shape.reduce((a, b) => a * b, 1)), shape };
          const spatial = shape.slice(shape.length - dims);
          const cases: [string, Record<string, unknown>, (x: any) => any][] = [
            [`maxPool${dims}d`, { kernelSize: 1 }, (t) => maxPoolRef(dims, t, { kernelSize: 1 }).output],
            [`maxPool${dims}d`, { kernelSize: 1, nanMode: 'ignore' }, (t) => maxPoolRef(dims, t, { kernelSize: 1, nanMode: 'ignore' } as never).output],
            [`maxPool${dims}d`, { kernelSize: 1, stride: 1, dilation: 3, ceilMode: true }, (t) => maxPoolRef(dims, t, { kernelSize: 1, dilation: 3, ceilMode: true }).output],
            [`avgPool${dims}d`, { kernelSize: 1 }, (t) => avgPoolRef(dims, t, { kernelSize: 1 })],
            [`avgPool${dims}d`, { kernelSize: 1, countIncludePad: false }, (t) => avgPoolRef(dims, t, { kernelSize: 1, countIncludePad: false })],
            [`avgPool${dims}d`, { kernelSize: 1, divisorOverride: 2 }, (t) => avgPoolRef(dims, t, { kernelSize: 1, divisorOverride: 2 })],
            [`adaptiveMaxPool${dims}d`, { outputSize: spatial }, (t) => adaptiveMaxPoolRef(dims, t, { outputSize: spatial }).output],
            [`adaptiveAvgPool${dims}d`, { outputSize: spatial }, (t) => adaptiveAvgPoolRef(dims, t, { outputSize: spatial })],
          ];
          for (const [op, opts, ref] of cases) {
            const want = ref(x);
            const input = last ? transposeNd(x, dims, true) : { ...x, layout: LAYOUTS[dims][0] };
            const wantIn = last ? transposeNd(want, dims, true).data : want.data;
            const what = `${op} ${JSON.stringify(opts)}`;
            const plain = sp[op](input, opts);
            expectSameFloats(plain.data, wantIn, `${what} plain`);
            const t = sp.fromArray(input.data, input.shape, input.layout);
            const resident = sp[op](t, opts);
            expectSameFloats(resident.data, wantIn, `${what} resident`);
            const out = sp.tensor(resident.shape, { layout: input.layout });
            sp[op](t, { ...opts, out });
            expectSameFloats(out.data, wantIn, `${what} into out`);
            out.dispose();
            if (op.startsWith('max') && !opts.nanMode) {
              // the input's bits, NaN payloads included
              expect(new Uint32Array(plain.data.buffer, plain.data.byteOffset, plain.data.length)).toEqual(new Uint32Array(input.data.buffer));
              expect(Uint32Array.from(new Uint32Array(resident.data.buffer, resident.data.byteOffset, resident.data.length))).toEqual(new Uint32Array(input.data.buffer));
            }
            resident.dispose();
            t.dispose();
          }
        });
      }
    }
  }
});

describe('windows of one cell in simdpool/parallel', () => {
  it('go to the workers (the elementwise shortcut would run on the calling thread) with the same bits', async () => {
    const p = await initParallel({ threads: 1, inlineBelow: 0 });
    try {
      const shape = [2, 8, 16, 16];
      const x = { data: values(shape.reduce((a, b) => a * b, 1)), shape };
      const before = p.stats().workerCalls;
      const max = await p.run('maxPool2d', x, { kernelSize: 1 });
      const avg = await p.run('adaptiveAvgPool2d', x, { outputSize: [16, 16] });
      expect(p.stats().workerCalls - before).toBe(2);
      expect(new Uint32Array(max.data.buffer, max.data.byteOffset, max.data.length)).toEqual(new Uint32Array(x.data.buffer));
      expectSameFloats(avg.data, adaptiveAvgPoolRef(2, x, { outputSize: [16, 16] }).data);
    } finally {
      await p.close();
    }
  });
});
