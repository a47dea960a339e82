// simdpool/parallel runs the breadth operators bit-identically to the single-threaded engine,
// with every splittable kernel forced onto the workers (inlineBelow 0): the follow-up kernels
// (index remapping, Lp's final power, plane groups, unpool scatter) run as later phases or inline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initParallel, type ParallelEngine } from '../dist/parallel.js';
import { expectSameFloats, expectSameInts, getEngine } from './support/engine';
import { seededInput } from './support/values';

let pp: ParallelEngine;
beforeAll(async () => {
  pp = await initParallel({ threads: 2, inlineBelow: 0 });
});
afterAll(async () => {
  await pp?.close();
});

const x = (shape: number[], layout: string, seed = 1) => seededInput(shape, layout, seed);

const CASES: Array<[string, string, unknown[]]> = [
  ['maxPool3d onnx column-major indices', 'maxPool3d', [x([2, 3, 6, 7, 9], 'NCDHW'), { kernelSize: 2, returnIndices: true, indexFormat: 'onnx', storageOrder: 1 }]],
  ['maxPool1d NWC nanMode ignore, tf indices', 'maxPool1d', [x([3, 40, 6], 'NWC'), { kernelSize: 3, stride: 2, nanMode: 'ignore', returnIndices: true, indexFormat: 'tf', includeBatchInIndex: true }]],
  ['avgPool1d ceil, exclude pad', 'avgPool1d', [x([4, 5, 31], 'NCW'), { kernelSize: 4, stride: 3, padding: 2, ceilMode: true, countIncludePad: false }]],
  ['adaptiveAvgPool2d non-dividing (plane groups)', 'adaptiveAvgPool2d', [x([2, 7, 25, 23], 'NCHW'), { outputSize: [7, 6] }]],
  ['adaptiveMaxPool3d NDHWC indices', 'adaptiveMaxPool3d', [x([2, 5, 6, 7, 6], 'NDHWC'), { outputSize: [3, 4, 5], returnIndices: true }]],
  ['lpPool2d p 1.5 ceil', 'lpPool2d', [x([2, 6, 13, 15], 'NCHW'), { normType: 1.5, kernelSize: 3, stride: 2, ceilMode: true }]],
  ['globalLpPool2d NHWC', 'globalLpPool2d', [x([3, 9, 8, 6], 'NHWC'), { normType: 3 }]],
  ['globalMaxPool3d nanMode ignore', 'globalMaxPool3d', [x([2, 6, 4, 5, 3], 'NCDHW'), { nanMode: 'ignore' }]],
  // (row folds: split by planes, each item with a scratch block of its own; NaN-free planes, as a
  // plane with a NaN is redone exactly without the scratch)
  ['maxPool2d 5x5 stride 1 padding 2 (SPPF, row folds)', 'maxPool2d', [{ data: Float32Array.from({ length: 64 * 40 * 41 }, (_, i) => Math.sin(i * 0.7)), shape: [1, 64, 40, 41], layout: 'NCHW' }, { kernelSize: 5, stride: 1, padding: 2 }]],
  ['maxPool2d 5x5 stride 1 padding 2, channels-last (pixel folds)', 'maxPool2d', [{ data: Float32Array.from({ length: 6 * 20 * 21 * 24 }, (_, i) => Math.sin(i * 0.7)), shape: [6, 20, 21, 24], layout: 'NHWC' }, { kernelSize: 5, stride: 1, padding: 2 }]],
  ['maxPool1d 7 wide stride 1, nanMode ignore (row folds)', 'maxPool1d', [x([3, 4, 50], 'NCW'), { kernelSize: 7, stride: 1, padding: 3, nanMode: 'ignore' }]],
  // (channels-last calls of 2 to 7 channels: transposed into planes, pooled, transposed back, each
  // worker's groups of samples or bands of rows one work item, Context.fork)
  ['maxPool2d NHWC 3 channels (as planes)', 'maxPool2d', [x([4, 30, 31, 3], 'NHWC'), { kernelSize: 3, stride: 2, padding: 1 }]],
  ['avgPool3d NDHWC 2 channels, ceil (as planes)', 'avgPool3d', [x([3, 5, 9, 10, 2], 'NDHWC'), { kernelSize: 2, stride: 2, ceilMode: true }]],
  ['maxPool1d NWC 6 channels, nanMode ignore (as planes)', 'maxPool1d', [x([5, 40, 6], 'NWC'), { kernelSize: 4, stride: 3, nanMode: 'ignore' }]],
  // (simdpool/parallel takes a batch over 2 MiB in groups of at most 2 MiB a worker, and samples
  // over 2 MiB in bands of rows, as the engine it is compared with does; that engine takes the
  // others a streamed chunk's samples at a time: test/parallel-channel-planes.test.ts has more)
  ['avgPool2d NHWC 3 channels over 2 MiB (as planes)', 'avgPool2d', [x([12, 150, 160, 3], 'NHWC'), { kernelSize: 3, stride: 1, padding: 1 }]],
  ['maxPool2d NHWC 3 channels, samples over 2 MiB (as planes)', 'maxPool2d', [x([2, 500, 420, 3], 'NHWC'), { kernelSize: 3, stride: 2, padding: 1, ceilMode: true }]],
  ['maxPool3d NDHWC 2 channels, samples over 2 MiB (as planes)', 'maxPool3d', [x([1, 12, 150, 160, 2], 'NDHWC'), { kernelSize: [2, 3, 3], stride: 1, padding: [0, 1, 1] }]],
  // (plane groups for windows that overlap at column stride 3 or more: whole groups of 16 planes per item)
  ['avgPool2d 5 / stride 3 (plane groups for overlapping windows)', 'avgPool2d', [x([1, 40, 17, 17], 'NCHW'), { kernelSize: 5, stride: 3, padding: 1 }]],
  ['maxPool3d 5 / stride 3 with indices (plane groups for overlapping windows)', 'maxPool3d', [x([2, 9, 5, 13, 14], 'NCDHW'), { kernelSize: 5, stride: [1, 3, 3], returnIndices: true }]],
];

/** Bytes of a dtype from a seed (every code, the extremes and ties often). */
function bytes(dtype: 'int8' | 'uint8', n: number, seed: number): Int8Array | Uint8Array {
  let s = seed;
  const codes = Int32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % 7 === 0 ? 127 : (s >>> 16) & 255;
  });
  return dtype === 'int8' ? Int8Array.from(codes, (c) => c - 128) : Uint8Array.from(codes);
}
const q = (dtype: 'int8' | 'uint8', shape: number[], layout: string, seed = 1) => ({ data: bytes(dtype, shape.reduce((a, b) => a * b, 1), seed), shape, layout });
const QUANT = { scale: 0.05, zeroPoint: 3 };

// int8/uint8: transpose_u8 split by batches, a staged call's pooling kernel then whole on a
// worker (the byte pooling kernels are not split: src/parallel/split.ts); unstaged calls inline.
const BYTE_CASES: Array<[string, string, unknown[]]> = [
  ['uint8 maxPool2d 3 / stride 2 / padding 1 (direct rows)', 'maxPool2d', [q('uint8', [2, 9, 29, 31], 'NCHW'), { kernelSize: 3, stride: 2, padding: 1 }]],
  ['int8 maxPool2d 5 / stride 3, dilated (separable passes)', 'maxPool2d', [q('int8', [1, 11, 30, 33], 'NCHW'), { kernelSize: 5, stride: 3, dilation: 2 }]],
  ['int8 maxPool2d NHWC 16+ channels (channel lanes)', 'maxPool2d', [q('int8', [5, 14, 15, 19], 'NHWC'), { kernelSize: 3, stride: 2, ceilMode: true }]],
  ['uint8 maxPool2d with indices, tf format', 'maxPool2d', [q('uint8', [3, 5, 12, 13], 'NCHW'), { kernelSize: 3, stride: 2, returnIndices: true, indexFormat: 'tf' }]],
  ['uint8 avgPool2d 3 / stride 1 / padding 1 (direct rows)', 'avgPool2d', [q('uint8', [2, 7, 20, 21], 'NCHW'), { kernelSize: 3, stride: 1, padding: 1, ...QUANT }]],
  ['int8 avgPool2d narrow rows (a plane of window sums)', 'avgPool2d', [q('int8', [4, 6, 13, 9], 'NCHW'), { kernelSize: 4, stride: 2, padding: 1, ...QUANT, outScale: 0.07 }]],
  ['int8 avgPool3d 2 / stride 2 (zero point after rounding)', 'avgPool3d', [q('int8', [2, 5, 6, 8, 9], 'NCDHW'), { kernelSize: 2, ...QUANT }]],
  ['uint8 adaptiveAvgPool2d 13 -> 6 over 32 channels (as pixels: transposes split by batches)', 'adaptiveAvgPool2d', [q('uint8', [3, 32, 13, 13], 'NCHW'), { outputSize: 6 }]],
  ['uint8 maxPool2d NHWC RGBA (as planes)', 'maxPool2d', [q('uint8', [2, 24, 26, 4], 'NHWC'), { kernelSize: 2 }]],
  ['int8 avgPool2d NHWC 6 channels (widened to sixteen)', 'avgPool2d', [q('int8', [2, 17, 18, 6], 'NHWC'), { kernelSize: 2, ...QUANT }]],
  ['uint8 globalAvgPool2d', 'globalAvgPool2d', [q('uint8', [3, 10, 7, 7], 'NCHW')]],
  ['int8 globalMaxPool2d', 'globalMaxPool2d', [q('int8', [3, 11, 6, 5], 'NCHW')]],
  ['uint8 toNCHW (batches)', 'toNCHW', [q('uint8', [4, 9, 10, 20], 'NHWC')]],
  ['int8 adaptiveAvgPool3d to 1x1x1 (the quantized mean)', 'adaptiveAvgPool3d', [q('int8', [2, 5, 4, 6, 7], 'NCDHW'), { outputSize: 1 }]],
];

describe('parallel engine, int8/uint8', () => {
  it.each(BYTE_CASES)('%s', async (_name, op, args) => {
    const sp = await getEngine();
    const want = (sp as any)[op](...args);
    const before = pp.stats().workerCalls;
    const got = await (pp as any)[op](...args);
    // (a transpose_u8 in the call: its work goes to the workers)
    expect(pp.stats().workerCalls - before, 'calls that went to the workers').toBe(/as p|batches/.test(_name) ? 1 : 0);
    const pair = (r: any) => ('output' in r ? r : { output: r });
    expect(pair(got).output.data.constructor).toBe(pair(want).output.data.constructor);
    expect(pair(got).output.shape).toEqual(pair(want).output.shape);
    expect([...pair(got).output.data]).toEqual([...pair(want).output.data]);
    if ('indices' in want) expectSameInts(got.indices.data, want.indices.data);
  });
});

describe('parallel engine, breadth operators', () => {
  it.each(CASES)('%s', async (_name, op, args) => {
    const sp = await getEngine();
    const want = (sp as any)[op](...args);
    const got = await (pp as any)[op](...args);
    const pair = (r: any) => ('output' in r ? r : { output: r });
    expectSameFloats(pair(got).output.data, pair(want).output.data);
    if ('indices' in want) expectSameInts(got.indices.data, want.indices.data);
  });

  it('a pending call keeps its plans while other calls end and the plan cache is trimmed', async () => {
    // (a recorded call pins the blocks it names until it has run: its plans too. Calls of new
    // shapes ending meanwhile trim the cache; this lone sample over 2 MiB goes in bands of rows,
    // whose calls named only header copies pointing into the plan's tables at first, and a band
    // read freed memory.)
    const sp = await getEngine();
    const input = x([1, 600, 500, 3], 'NHWC', 7);
    const opts = { kernelSize: 3, stride: 1, padding: 1 };
    const want = sp.maxPool2d(input as any, opts);
    const pending = (pp as any).maxPool2d(input, opts);
    const others = Array.from({ length: 70 }, (_, i) => (pp as any).maxPool2d(x([1, 1, 8, 10 + i], 'NCHW', i), { kernelSize: 2 }));
    await Promise.all(others);
    const after = (pp as any).avgPool1d(x([1, 16, 1024], 'NCW', 3), { kernelSize: 2 });
    expectSameFloats((await pending).data, want.data);
    await after;
  });

  it('maxUnpool2d (x, indices, opts), planar and channels-last', async () => {
    const sp = await getEngine();
    for (const layout of ['NCHW', 'NHWC']) {
      const input = x(layout === 'NCHW' ? [2, 5, 8, 10] : [2, 8, 10, 5], layout, 3);
      const pooled = sp.maxPool2d(input as any, { kernelSize: 2, returnIndices: true });
      const want = sp.maxUnpool2d(pooled.output, pooled.indices, { kernelSize: 2 });
      const got = await (pp as any).maxUnpool2d(pooled.output, pooled.indices, { kernelSize: 2 });
      expect(got.shape).toEqual(want.shape);
      expectSameFloats(got.data, want.data);
    }
  });

  it('backward passes: argmax recomputed on the workers, then the scatter; index checks run inline', async () => {
    const sp = await getEngine();
    for (const layout of ['NCHW', 'NHWC']) {
      const shape = layout === 'NCHW' ? [2, 5, 17, 19] : [2, 17, 19, 5];
      const input = x(shape, layout, 4);
      const opts = { kernelSize: 3, stride: 2, padding: 1 };
      const pooled = sp.maxPool2d(input as any, { ...opts, returnIndices: true });
      const g = x(pooled.output.shape, layout, 5);
      const calls: Array<[string, unknown[]]> = [
        ['maxPool2dBackward', [g, { ...opts, input }]],
        ['maxPool2dBackward', [g, pooled.indices, { inputShape: shape }]],
        ['avgPool2dBackward', [g, { ...opts, inputShape: shape }]],
        ['lpPool2dBackward', [x(sp.lpPool2d(input as any, { kernelSize: 2 }).shape, layout, 6), { kernelSize: 2, input }]],
      ];
      for (const [op, args] of calls) expectSameFloats((await (pp as any)[op](...args)).data, (sp as any)[op](...args).data, op);
      const bad = { ...pooled.indices, data: pooled.indices.data.map((v, i) => (i === 7 ? 10_000 : v)) };
      await expect((pp as any).maxPool2dBackward(g, bad, { inputShape: shape })).rejects.toThrow(/indices holds 10000/);
    }
  });

  it('plane groups split over workers reuse the call\'s own scratch block for the first item', async () => {
    // 32 planes of 400x400 (20 MB) pooled adaptively to 7x7 (plane groups: each item interleaves
    // sixteen planes into a 10 MB scratch block): with 40 MiB of memory the input, two items'
    // scratch and the rest fit; a third scratch block (the call's own, left unused) did not.
    const small = await initParallel({ threads: 3, inlineBelow: 0, maxMemoryBytes: 40 * 1024 * 1024 });
    try {
      const input = x([1, 32, 400, 400], 'NCHW', 7);
      const sp = await getEngine();
      expectSameFloats((await small.adaptiveMaxPool2d(input as any, { outputSize: 7 })).data, sp.adaptiveMaxPool2d(input as any, { outputSize: 7 }).data);
    } finally {
      await small.close();
    }
  });
});
