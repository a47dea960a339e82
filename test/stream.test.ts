// End-to-end float32 calls streamed in chunks of planes (src/ops/stream.ts) give bit-identical
// results to one kernel call over the whole tensor, across chunk boundaries: planes not a
// multiple of the chunk, PlaneGroups chunks of whole 16s with a partial last group, indices,
// NaNs (both NaN modes), both layouts. The chunk size is an engine-internal knob lowered here
// (the engines are built from src/ so that they share the knob's module), and every kernel
// call is counted to check that the calls really were chunked.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { Engine } from '../src/engine';
import type { Kernels } from '../src/kernels';
import { loadKernels } from '../src/wasm';
import { STREAM_OPS, streaming } from '../src/ops/stream';

const DEFAULTS = { ...streaming };
afterEach(() => Object.assign(streaming, DEFAULTS));

/** An engine on `build`, counting calls of each kernel export. */
const modules = new Map<string, WebAssembly.Module>();
/** PyTorch's output size along one axis. */
function pooledSize(n: number, k: number, s: number, d: number, pad: number, ceil: boolean): number {
  const span = n + 2 * pad - d * (k - 1) - 1;
  let out = Math.floor((span + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= n + pad) out -= 1;
  return out;
}

/**
 * Whether these tests' padded windows take the PlaneGroups path, which streams whole groups of 16
 * planes (src/ops/pool.ts pathOf, src/ops/paths.ts): planar, and narrow planes (16 columns at
 * most) with 16 planes or more, or fewer than four output columns with 4 planes or more.
 */
function planeGroups(channelsLast: boolean, planes: number, w: number, outW: number): boolean {
  return !channelsLast && ((w <= 16 && planes >= 16) || (outW < 4 && planes >= 4));
}

async function countingEngine(build: string): Promise<{ sp: Engine; calls: Map<string, number> }> {
  if (!modules.has(build)) modules.set(build, new WebAssembly.Module(readFileSync(new URL(`../build/${build}`, import.meta.url))));
  const module = modules.get(build)!;
  const kernels = await loadKernels({ wasm: module }, () => module);
  const calls = new Map<string, number>();
  const counted: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(kernels)) {
    counted[name] = typeof value === 'function'
      ? (...args: number[]) => (calls.set(name, (calls.get(name) ?? 0) + 1), (value as (...a: number[]) => unknown)(...args))
      : value;
  }
  return { sp: new Engine(counted as unknown as Kernels), calls };
}

type Call = (sp: Engine) => unknown;
const bits = (a: Float32Array | Int32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
function resultBits(r: unknown): unknown {
  const t = r as { data?: Float32Array; output?: { data: Float32Array }; indices?: { data: Int32Array } };
  return t.data ? bits(t.data) : { output: bits(t.output!.data), indices: bits(t.indices!.data) };
}

/** The same bits as `expected` (plain results): the first difference, not toEqual's diff of millions of numbers (minutes). */
function expectSameBits(actual: unknown, expected: unknown, what: string): void {
  const a = actual as number[], e = expected as number[];
  expect(a.length, what).toBe(e.length);
  expect(a.findIndex((v, i) => v !== e[i]), `${what}: the first element that differs`).toBe(-1);
}

/** Deterministic values with NaNs and ties sprinkled in. */
function values(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => {
    const h = Math.sin((i + 1) * 12.9898 + seed) * 43758.5453;
    const f = h - Math.floor(h);
    return f < 0.03 ? NaN : f < 0.1 ? 0.5 : f * 8 - 4;
  });
}

/**
 * Run `call` whole and streamed with chunks of `chunkBytes`; expect the same bits, and `chunks`
 * kernel calls (or a count that `chunks` accepts).
 */
async function expectSameStreamed(build: string, call: Call, chunkBytes: number, chunks: number | ((n: number) => boolean)): Promise<void> {
  const whole = await countingEngine(build);
  const streamed = await countingEngine(build);
  // (whole: one kernel call; channels-last calls of few channels pool a chunk's samples at a time)
  streaming.minBytes = Infinity;
  streaming.chunkBytes = Infinity;
  const expected = resultBits(call(whole.sp));
  streaming.minBytes = 0;
  streaming.chunkBytes = chunkBytes;
  const actual = resultBits(call(streamed.sp));
  expect(actual).toEqual(expected);
  const kernelCalls = (calls: Map<string, number>) => [...calls].filter(([name]) => /Pool(Rows|RowFolds|PixelFolds|Channels|PlaneGroups)/.test(name));
  expect(kernelCalls(whole.calls).map(([, n]) => n)).toEqual([1]);
  const [[name, n]] = kernelCalls(streamed.calls);
  expect(name).toBe(kernelCalls(whole.calls)[0][0]);
  if (typeof chunks === 'number') expect(n).toBe(chunks);
  else expect(chunks(n), `${n} kernel calls`).toBe(true);
  // Scratch is freed after the call, streamed or not.
  expect(streamed.sp.memoryStats().blocks).toBe(whole.sp.memoryStats().blocks);
}

const x = (shape: number[], layout: string, seed = 1) => ({ data: values(shape.reduce((a, b) => a * b, 1), seed), shape, layout }) as never;

describe.each(['simdpool.wasm', 'simdpool-scalar.wasm'])('streamed end-to-end calls (%s)', (build) => {
  it('Rows: 15 planes in chunks of 4 (last 3), max with indices and NaNs', async () => {
    // 9x11 planes: 396 bytes each.
    const input = x([3, 5, 9, 11], 'NCHW');
    for (const nanMode of ['propagate', 'ignore'] as const) {
      await expectSameStreamed(build, (sp) => sp.maxPool2d(input, { kernelSize: 3, stride: 2, padding: 1, returnIndices: true, nanMode }), 4 * 396, 4);
    }
  });

  it('Rows: avg, ceil mode, padding not counted; and max without indices', async () => {
    const input = x([2, 7, 10, 23], 'NCHW', 2);
    await expectSameStreamed(build, (sp) => sp.avgPool2d(input, { kernelSize: [3, 2], stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), 3 * 920, 5);
    await expectSameStreamed(build, (sp) => sp.maxPool2d(input, { kernelSize: 2, dilation: 2 }), 920, 14);
  });

  it('Rows: wide stride-1 max through row folds (its scratch reused by every chunk), both NaN modes', async () => {
    const input = x([2, 7, 10, 23], 'NCHW', 3);
    for (const nanMode of ['propagate', 'ignore'] as const) {
      await expectSameStreamed(build, (sp) => sp.maxPool2d(input, { kernelSize: 5, stride: 1, padding: 2, nanMode }), 3 * 920, 5);
    }
    // channels-last (pixel folds): 5 samples of 9x11x6 in chunks of 2
    const nhwc = x([5, 9, 11, 6], 'NHWC', 4);
    await expectSameStreamed(build, (sp) => sp.maxPool2d(nhwc, { kernelSize: 5, stride: 1, padding: 2 }), 2 * 9 * 11 * 6 * 4, 3);
  });

  it('Channels (NHWC): 5 samples in chunks of 2, max with indices, avg', async () => {
    const input = x([5, 7, 9, 6], 'NHWC', 3); // a sample: 7*9*6 floats
    const sample = 7 * 9 * 6 * 4;
    await expectSameStreamed(build, (sp) => sp.maxPool2d(input, { kernelSize: 3, stride: 2, padding: 1, returnIndices: true }), 2 * sample, 3);
    await expectSameStreamed(build, (sp) => sp.avgPool2d(input, { kernelSize: 2, stride: 1 }), 2 * sample + 4, 3);
  });

  it('PlaneGroups: 39 narrow planes in whole groups of 16 (last 7), indices, adaptive', async () => {
    const input = x([3, 13, 7, 9], 'NCHW', 4); // 9 columns: the PlaneGroups path
    // A chunk below 16 planes still takes one whole group.
    await expectSameStreamed(build, (sp) => sp.maxPool2d(input, { kernelSize: 2, stride: 1, returnIndices: true, nanMode: 'ignore' }), 4, 3);
    await expectSameStreamed(build, (sp) => sp.avgPool2d(input, { kernelSize: 3, stride: 2, padding: 1 }), 20 * 7 * 9 * 4, 3);
    await expectSameStreamed(build, (sp) => sp.adaptiveMaxPool2d(input, { outputSize: [3, 4], returnIndices: true }), 4, 3);
  });

  it('1d and 3d calls', async () => {
    await expectSameStreamed(build, (sp) => sp.maxPool1d(x([4, 5, 40], 'NCW', 5), { kernelSize: 3, stride: 2, returnIndices: true }), 3 * 160, 7);
    await expectSameStreamed(build, (sp) => sp.avgPool3d(x([2, 3, 4, 5, 18], 'NCDHW', 6), { kernelSize: 2, stride: [1, 2, 2] }), 2 * 360 * 4, 3);
  });

  it('any shape and chunk size (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 2, max: 12 }), fc.integer({ min: 2, max: 24 }),
        fc.boolean(), fc.integer({ min: 1, max: 8 }), fc.constantFrom('max', 'avg'),
        async (n, c, h, w, nhwc, chunkPlanes, op) => {
          const planes = nhwc && c > 1 ? n : n * c;
          const plane = (nhwc && c > 1 ? c : 1) * h * w * 4;
          const outW = op === 'max' ? pooledSize(w, 2, 2, 1, 1, false) : pooledSize(w, 3, 2, 1, 1, true);
          const groups = planeGroups(nhwc && c > 1, planes, w, outW);
          const per = groups ? Math.max(16, chunkPlanes - (chunkPlanes % 16)) : chunkPlanes;
          fc.pre(per < planes);
          const input = x(nhwc ? [n, h, w, c] : [n, c, h, w], nhwc ? 'NHWC' : 'NCHW', n + c + h + w);
          const call: Call = op === 'max'
            ? (sp) => sp.maxPool2d(input, { kernelSize: 2, stride: 2, padding: 1, returnIndices: true })
            : (sp) => sp.avgPool2d(input, { kernelSize: 3, stride: 2, padding: 1, ceilMode: true });
          await expectSameStreamed(build, call, chunkPlanes * plane, Math.ceil(planes / per));
        },
      ),
      { numRuns: 40 },
    );
  });
});

// A plane larger than a chunk streams in ranges of output rows (src/ops/row-chunks.ts).
describe.each(['simdpool.wasm', 'simdpool-scalar.wasm'])('streamed in ranges of rows (%s)', (build) => {
  it('NHWC, 3 / stride 2 / pad 1 max with indices and NaNs: ranges grown until they copy at most 1.25x a plane', async () => {
    // Samples of 12 rows of 8 pixels of 3 channels (96 bytes a row); output row r reads input rows
    // 2r-1..2r+1. At 4 rows (384 bytes) a range is rows 0-1 (input 0-3), then one row each (input
    // 3-5, 5-7, ...): 16 input rows copied of 12, over 1.25x; at 8 rows, output 0-3 (input 0-7)
    // and 4-5 (input 7-11): 13 rows. So two ranges a sample, four kernel calls.
    const input = x([2, 12, 8, 3], 'NHWC', 7);
    for (const nanMode of ['propagate', 'ignore'] as const) {
      await expectSameStreamed(build, (sp) => sp.maxPool2d(input, { kernelSize: 3, stride: 2, padding: 1, returnIndices: true, nanMode }), 4 * 96, 4);
    }
  });

  it('NCHW planes larger than a chunk: averages with padding, ceil mode, divisor override; dilated max', async () => {
    const input = x([1, 2, 21, 30], 'NCHW', 8); // planes of 21 rows of 120 bytes
    await expectSameStreamed(build, (sp) => sp.avgPool2d(input, { kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), 5 * 120, (n) => n > 2);
    await expectSameStreamed(build, (sp) => sp.avgPool2d(input, { kernelSize: [4, 3], stride: [1, 2], divisorOverride: 5 }), 6 * 120, (n) => n > 2);
    await expectSameStreamed(build, (sp) => sp.maxPool2d(input, { kernelSize: 2, stride: 1, dilation: 3, returnIndices: true }), 4 * 120, (n) => n > 2);
  });

  it('3D channels-last: ranges of whole output depth slices', async () => {
    // Input depth slices of 4 rows of 3 pixels of 2 channels (96 bytes); output slice d reads
    // input slices 2d and 2d+1, its first row 6 input rows, both rows 8 (192 bytes). A range
    // of 200 bytes takes one output slice, no more: 4 ranges a sample, 8 kernel calls.
    const input = x([2, 8, 4, 3, 2], 'NDHWC', 9);
    await expectSameStreamed(build, (sp) => sp.maxPool3d(input, { kernelSize: 2, stride: 2, returnIndices: true }), 200, 8);
    // (averages of 2 to 7 channels are pooled as planes, src/ops/channel-planes.ts, which streams
    // whole samples: 8 channels take the channel-lane kernel, in ranges of depth slices)
    await expectSameStreamed(build, (sp) => sp.avgPool3d(input, { kernelSize: [3, 2, 2], stride: 2, ceilMode: true }), 200, 2);
    const eight = x([2, 8, 4, 3, 8], 'NDHWC', 9);
    await expectSameStreamed(build, (sp) => sp.avgPool3d(eight, { kernelSize: [3, 2, 2], stride: 2, ceilMode: true }), 800, (n) => n > 2);
  });

  it('calls whose kernel takes whole planes stream plane by plane instead', async () => {
    const input = x([3, 6, 9, 4], 'NHWC', 10); // samples of 864 bytes
    // adaptive averages divided after the kernel
    await expectSameStreamed(build, (sp) => sp.adaptiveAvgPool2d(input, { outputSize: [4, 3] }), 64, 3);
    // one-cell windows (an elementwise kernel)
    const { sp, calls } = await countingEngine(build);
    streaming.minBytes = 0;
    streaming.chunkBytes = 64;
    expect(bits(sp.maxPool2d(input, { kernelSize: 1 }).data)).toEqual(bits((input as { data: Float32Array }).data));
    expect(calls.get('poolOneCell_f32')).toBe(3);
  });

  it('any window and chunk size (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 4, max: 16 }), fc.integer({ min: 4, max: 20 }),
        fc.boolean(), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 4, max: 400 }), fc.constantFrom('max', 'avg'), fc.boolean(),
        async (n, c, h, w, nhwc, k, s, d, chunkBytes, op, ceilMode) => {
          const pad = Math.floor(k / 2);
          fc.pre((h + 2 * pad - d * (k - 1) - 1) >= 0 && (w + 2 * pad - d * (k - 1) - 1) >= 0);
          const input = x(nhwc ? [n, h, w, c] : [n, c, h, w], nhwc ? 'NHWC' : 'NCHW', n + c + h + w + k);
          const call: Call = op === 'max'
            ? (sp) => sp.maxPool2d(input, { kernelSize: k, stride: s, padding: pad, dilation: d, ceilMode, returnIndices: true })
            : (sp) => sp.avgPool2d(input, { kernelSize: k, stride: s, padding: pad, ceilMode, countIncludePad: ceilMode });
          // PlaneGroups streams plane groups; one-cell windows whole planes
          const planes = nhwc && c > 1 ? n : n * c;
          const plane = h * w * (nhwc && c > 1 ? c : 1) * 4;
          const groups = planeGroups(nhwc && c > 1, planes, w, pooledSize(w, k, s, d, pad, ceilMode));
          fc.pre(plane > chunkBytes && !(k === 1 && s === 1) && !groups);
          await expectSameStreamed(build, call, chunkBytes, (calls) => calls >= planes);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe.each(['simdpool.wasm', 'simdpool-scalar.wasm'])('streamed unpooling (%s)', (build) => {
  /** Unpool `x` (pooled with indices first) whole and streamed with chunks of `chunkBytes`: the same bits, `chunks` kernel calls. */
  async function expectSameUnpooled(x: never, layout: string, chunkBytes: number, chunks: number): Promise<void> {
    const pool = (sp: Engine) => sp.maxPool2d(x, { kernelSize: 2, stride: 2, returnIndices: true }) as { output: never; indices: never };
    const kernel = layout === 'NCHW' || layout.endsWith('1') ? 'unpoolPlanes_f32' : 'unpoolChannels_f32';
    const whole = await countingEngine(build);
    const streamed = await countingEngine(build);
    streaming.minBytes = Infinity;
    const { output, indices } = pool(whole.sp);
    const expected = bits(whole.sp.maxUnpool2d(output, indices, { kernelSize: 2 }).data);
    streaming.minBytes = 0;
    streaming.chunkBytes = chunkBytes;
    const blocks = streamed.sp.memoryStats().blocks;
    expect(bits(streamed.sp.maxUnpool2d(output, indices, { kernelSize: 2 }).data)).toEqual(expected);
    expect(whole.calls.get(kernel)).toBe(1);
    expect(streamed.calls.get(kernel)).toBe(chunks);
    expect(streamed.sp.memoryStats().blocks).toBe(blocks); // its chunk buffers freed
  }

  it('planes and channels-last pixels in chunks, the last one partial', async () => {
    // 2x7 planes of 10x12 (pooled: 5x6); a plane moves 4 * (2 * 30 + 120) = 720 bytes: 3 a chunk
    await expectSameUnpooled(x([2, 7, 10, 12], 'NCHW', 11), 'NCHW', 3 * 720, 5);
    // 5 samples of 6x8x3 (pooled 3x4x3): 4 * 3 * (2 * 12 + 48) = 864 bytes a sample, 2 a chunk
    await expectSameUnpooled(x([5, 6, 8, 3], 'NHWC', 12), 'NHWC', 2 * 864, 3);
  });

  it('a bad index in a later chunk is the same RangeError as in a whole call, and frees its memory', async () => {
    const { sp } = await countingEngine(build);
    const values = new Float32Array(6 * 30).fill(1);
    const indices = Int32Array.from({ length: 6 * 30 }, (_, i) => i % 30);
    indices[4 * 30 + 7] = 120; // plane 4: outside the 10x12 output plane
    const call = () => sp.maxUnpool2d({ data: values, shape: [1, 6, 5, 6] }, { data: indices, shape: [1, 6, 5, 6] }, { kernelSize: 2 });
    streaming.minBytes = Infinity;
    expect(call).toThrow('maxUnpool2d: indices holds 120 at flat position 127, outside the output plane of 120 elements (10x12)');
    const before = sp.memoryStats();
    streaming.minBytes = 0;
    streaming.chunkBytes = 2 * 720;
    expect(call).toThrow('maxUnpool2d: indices holds 120 at flat position 127, outside the output plane of 120 elements (10x12)');
    expect(sp.memoryStats().bytesInUse).toBe(before.bytesInUse);
  });
});

describe('what does not stream', () => {
  it('resident inputs, out tensors, small inputs and Lp pooling run whole', async () => {
    streaming.minBytes = 0;
    streaming.chunkBytes = 4;
    const { sp, calls } = await countingEngine('simdpool.wasm');
    const input = x([2, 8, 12, 20], 'NCHW');
    const t = sp.fromArray((input as { data: Float32Array }).data, [2, 8, 12, 20]);
    sp.maxPool2d(t, { kernelSize: 2 });
    sp.maxPool2d(input, { kernelSize: 2, out: sp.tensor([2, 8, 6, 10]) });
    sp.lpPool2d(input, { kernelSize: 2 });
    expect(calls.get('maxPoolRows_f32')).toBe(2);
    expect(calls.get('avgPoolRows_f32')).toBe(1);
    streaming.minBytes = Infinity;
    sp.maxPool2d(x([2, 8, 12, 21], 'NCHW'), { kernelSize: 2 });
    expect(calls.get('maxPoolRows_f32')).toBe(3);
  });

  it('unpooling with a resident x or indices, or an out tensor, runs whole (and writes out)', async () => {
    streaming.minBytes = 0;
    streaming.chunkBytes = 4;
    const { sp, calls } = await countingEngine('simdpool.wasm');
    const { output, indices } = sp.maxPool2d(x([2, 8, 12, 20], 'NCHW'), { kernelSize: 2, returnIndices: true }) as { output: { data: Float32Array; shape: number[] }; indices: { data: Int32Array; shape: number[] } };
    const rx = sp.fromArray(output.data, output.shape), ri = sp.fromArray(indices.data, indices.shape);
    const expected = bits(sp.maxUnpool2d(rx, ri, { kernelSize: 2 }).data);
    expect(bits(sp.maxUnpool2d(rx, indices, { kernelSize: 2 }).data)).toEqual(expected);
    expect(bits(sp.maxUnpool2d(output, ri, { kernelSize: 2 }).data)).toEqual(expected);
    const out = sp.tensor([2, 8, 12, 20]);
    expect(sp.maxUnpool2d(output, indices, { kernelSize: 2, out })).toBe(out);
    expect(bits(out.data)).toEqual(expected);
    expect(calls.get('unpoolPlanes_f32')).toBe(4);
    // (a plain call streams: one kernel call per plane here)
    expect(bits(sp.maxUnpool2d(output, indices, { kernelSize: 2 }).data)).toEqual(expected);
    expect(calls.get('unpoolPlanes_f32')).toBe(4 + 16);
  });
});

/** Calls of the planar row kernel (channel planes pool with it: a group's or a band's one each). */
const planar = (calls: Map<string, number>) => [...calls].filter(([name]) => /^(max|avg)PoolRows/.test(name)).reduce((n, [, c]) => n + c, 0);

// Channels-last calls of 2 to 7 channels pool as planes (src/ops/channel-planes.ts) a group of
// samples at a time: a batch of at most 2 MiB in one group, larger ones a streamed chunk's samples
// (streaming.chunkBytes, at least one sample).
describe.each(['simdpool.wasm', 'simdpool-scalar.wasm'])('channels-last calls of few channels, a group of samples at a time (%s)', (build) => {
  // batches of 5 samples of about 450 KB (2.2-2.3 MB)
  const calls: Array<[string, number[], string, (sp: Engine, x: never) => unknown]> = [
    ['max 3 / stride 1 / pad 1, 3 channels', [5, 190, 200, 3], 'NHWC', (sp, x) => sp.maxPool2d(x, { kernelSize: 3, stride: 1, padding: 1 })],
    ['avg 2 / stride 1, ceil mode, padding not counted, 2 channels', [5, 240, 230, 2], 'NHWC', (sp, x) => sp.avgPool2d(x, { kernelSize: 2, stride: 1, padding: 1, ceilMode: true, countIncludePad: false })],
    ['max [2,3] dilated, NaNs ignored, 5 channels', [5, 150, 150, 5], 'NHWC', (sp, x) => sp.maxPool2d(x, { kernelSize: [2, 3], dilation: 2, stride: [1, 2], nanMode: 'ignore' })],
    ['3D max 2 / stride [2,1,1], 7 channels', [5, 3, 60, 90, 7], 'NDHWC', (sp, x) => sp.maxPool3d(x, { kernelSize: 2, stride: [2, 1, 1] })],
  ];

  it.each(calls)('%s: groups of 1, 2 and 4 of 5 samples (the last one short) give the bits of the batch at once, resident and streamed', async (_name, shape, layout, call) => {
    const input = x(shape, layout, shape.length + shape[shape.length - 1]);
    const data = (input as { data: Float32Array }).data;
    const sample = (data.length / shape[0]) * 4;
    streaming.minBytes = Infinity;
    streaming.chunkBytes = Infinity; // one group: the batch
    const batch = await countingEngine(build);
    const expected = resultBits(call(batch.sp, input));
    expect(planar(batch.calls)).toBe(1);
    for (const group of [1, 2, 4]) {
      const groups = Math.ceil(shape[0] / group);
      streaming.chunkBytes = group * sample + 4;
      // resident: a whole call, in groups
      streaming.minBytes = Infinity;
      const resident = await countingEngine(build);
      const t = resident.sp.fromArray(data, shape, layout as never);
      const result = call(resident.sp, t as never) as { dispose(): void };
      expectSameBits(resultBits(result), expected, `resident, groups of ${group}`);
      result.dispose();
      t.dispose();
      expect(planar(resident.calls)).toBe(groups);
      expect(resident.calls.get('transpose_f32')).toBe(2 * groups);
      // plain, streamed in chunks of a group (a fresh engine: a signature keeps its first call's sizes)
      streaming.minBytes = 0;
      const streamed = await countingEngine(build);
      const run = vi.spyOn(STREAM_OPS, 'run');
      expectSameBits(resultBits(call(streamed.sp, input)), expected, `streamed, groups of ${group}`);
      expect(run).toHaveBeenCalledTimes(1);
      run.mockRestore();
      expect(planar(streamed.calls)).toBe(groups);
      expect(streamed.sp.memoryStats().blocks).toBe(2); // its plan and the planes' (scratch freed)
    }
  });

  it('wasm memory holds a group of samples besides the tensors, not the batch: 16 samples of 128x128x3, plain (streamed) and resident', async () => {
    const shape = [16, 128, 128, 3];
    const data = Float32Array.from({ length: 16 * 128 * 128 * 3 }, (_, i) => Math.sin(i * 0.37));
    for (const resident of [false, true]) {
      const { sp } = await countingEngine(build);
      const input = resident ? sp.fromArray(data, shape, 'NHWC') : { data, shape, layout: 'NHWC' };
      const before = sp.memoryStats().memoryBytes;
      sp.maxPool2d(input as never, { kernelSize: 3, stride: 1, padding: 1 });
      // A sample (196 KB) a chunk and a group: chunk buffers and scratch of a sample in and out,
      // and the allocator's growth by an eighth. (The batch's scratch took 6 MB.)
      const grown = sp.memoryStats().memoryBytes - before - (resident ? data.byteLength : 0); // (a resident result: 3 MB)
      expect(grown, resident ? 'resident' : 'plain').toBeLessThan(data.byteLength / 2);
    }
  });

  // Samples over 2 MiB (a group of one) pool in bands of output rows whose input rows take about
  // 2 MiB: batches of two such samples against the same in one group of two (chunks of Infinity).
  const banded: Array<[string, number[], string, (sp: Engine, x: never) => unknown]> = [
    ['max 3 / stride 1 / pad 1, 3 channels', [2, 500, 420, 3], 'NHWC', (sp, x) => sp.maxPool2d(x, { kernelSize: 3, stride: 1, padding: 1 })],
    ['avg 3 / stride 2, ceil mode, padding not counted, 2 channels', [2, 700, 400, 2], 'NHWC', (sp, x) => sp.avgPool2d(x, { kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false })],
    ['max [4,5] / stride [3,1] \'same\', NaNs ignored, 5 channels', [2, 400, 300, 5], 'NHWC', (sp, x) => sp.maxPool2d(x, { kernelSize: [4, 5], stride: [3, 1], padding: 'same', nanMode: 'ignore' })],
    ['max 2 / stride 1, rows of padding only above and below, 2 channels', [2, 600, 500, 2], 'NHWC', (sp, x) => sp.maxPool2d(x, { kernelSize: 2, stride: 1, padding: { top: 300, bottom: 400, left: 0, right: 1 } })],
    ['3D avg 3 / stride 1 / pad 1, 4 channels', [2, 20, 100, 80, 4], 'NDHWC', (sp, x) => sp.avgPool3d(x, { kernelSize: 3, stride: 1, padding: 1 })],
    ['3D max [3,2,2] dilated in depth, 3 channels', [2, 20, 120, 100, 3], 'NDHWC', (sp, x) => sp.maxPool3d(x, { kernelSize: [3, 2, 2], stride: [2, 1, 1], padding: [1, 0, 1], dilation: [2, 1, 1] })],
  ];

  it.each(banded)('samples over 2 MiB in bands of rows, %s: the bits of whole samples, resident and streamed', async (_name, shape, layout, call) => {
    const input = x(shape, layout, shape.length + shape[shape.length - 1]);
    const data = (input as { data: Float32Array }).data;
    streaming.minBytes = Infinity;
    streaming.chunkBytes = Infinity; // one group of both samples: whole planes
    const whole = await countingEngine(build);
    const expected = resultBits(call(whole.sp, input));
    expect(planar(whole.calls)).toBe(1);
    Object.assign(streaming, DEFAULTS);
    streaming.minBytes = Infinity;
    const resident = await countingEngine(build);
    const t = resident.sp.fromArray(data, shape, layout as never);
    const result = call(resident.sp, t as never) as { dispose(): void };
    expectSameBits(resultBits(result), expected, 'resident');
    result.dispose();
    t.dispose();
    const bands = planar(resident.calls) / 2;
    expect(bands, 'bands a sample').toBeGreaterThan(1);
    expect(resident.calls.get('transpose_f32')).toBe(4 * bands);
    streaming.minBytes = DEFAULTS.minBytes; // streamed a sample a chunk
    const streamed = await countingEngine(build);
    expectSameBits(resultBits(call(streamed.sp, input)), expected, 'streamed');
    expect(planar(streamed.calls)).toBe(2 * bands);
  });

  it('a sample over 2 MiB takes a band\'s scratch, not the sample\'s: 1000x1000x3, resident', async () => {
    const shape = [1, 1000, 1000, 3];
    const data = Float32Array.from({ length: 3_000_000 }, (_, i) => Math.sin(i * 0.37));
    const { sp } = await countingEngine(build);
    const t = sp.fromArray(data, shape, 'NHWC');
    const before = sp.memoryStats().bytesInUse;
    const y = sp.maxPool2d(t, { kernelSize: 3, stride: 1, padding: 1 }) as unknown as { dispose(): void };
    // its result (12 MB) and plans, the scratch freed: at its peak, wasm memory held about a band's
    // planes in and out besides the tensors (the sample's took 24 MB)
    expect(sp.memoryStats().memoryBytes - before - data.byteLength).toBeLessThan(8 << 20);
    y.dispose();
    t.dispose();
  });
});
