// simdpool/parallel pools channels-last calls of 2 to 7 channels as planes (src/ops/channel-planes.ts)
// with each worker's share of the groups of samples (or bands of rows) one work item: its
// transposes and planar pooling in turn, over planes of its own (Context.fork). The bits of the
// one-thread engine's, whatever the parts: short last groups, a part whose only group is the short
// one, bands of one sample over several workers, more threads than groups.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initParallel, type ParallelEngine } from '../dist/parallel.js';
import { expectSameFloats, getEngine } from './support/engine';
import { seededInput } from './support/values';

type Posted = Array<Array<{ fn: string; args: number[] }>>;
const engines: Record<number, { pp: ParallelEngine; posted: Posted }> = {};

/** An engine whose messages to its workers (one a work item) are recorded. */
async function recorded(threads: number, inlineBelow?: number) {
  const pp = await initParallel({ threads, inlineBelow });
  const posted: Posted = [];
  for (const w of pp.workers) {
    const post = w.postMessage.bind(w);
    w.postMessage = (m) => {
      posted.push(m);
      post(m);
    };
  }
  return { pp, posted };
}

beforeAll(async () => {
  for (const threads of [2, 3, 4]) engines[threads] = await recorded(threads, 0);
});
afterAll(async () => {
  for (const { pp } of Object.values(engines)) await pp.close();
});

const x = (shape: number[], layout: string, seed = 1) => seededInput(shape, layout, seed, 0.03);

const K3S1 = { kernelSize: 3, stride: 1, padding: 1 };
// [name, threads, op, input, options]
const CASES: Array<[string, number, string, ReturnType<typeof x>, object]> = [
  ['64x56x56x2 max 3 / 1 / 1: one group, half a worker', 2, 'maxPool2d', x([64, 56, 56, 2], 'NHWC'), K3S1],
  ['64x56x56x2 avg 2 / 2', 2, 'avgPool2d', x([64, 56, 56, 2], 'NHWC'), { kernelSize: 2, stride: 2 }],
  ['8x224x224x3 max 3 / 1 / 1: groups of one sample, in turn', 2, 'maxPool2d', x([8, 224, 224, 3], 'NHWC'), K3S1],
  ['16x112x112x4 max 3 / 1 / 1', 3, 'maxPool2d', x([16, 112, 112, 4], 'NHWC'), K3S1],
  ['4x56x56x7 max 3 / 1 / 1, more threads than samples', 4, 'maxPool2d', x([4, 56, 56, 7], 'NHWC'), K3S1],
  ['3x20x21x2 max: the second part only the short group', 2, 'maxPool2d', x([3, 20, 21, 2], 'NHWC'), K3S1],
  ['8x20x21x3 max: groups of three, the last of two', 3, 'maxPool2d', x([8, 20, 21, 3], 'NHWC'), K3S1],
  ['5x20x21x5 avg, exclude pad: a short last group of three parts', 3, 'avgPool2d', x([5, 20, 21, 5], 'NHWC'), { ...K3S1, countIncludePad: false }],
  ['7x30x31x6 max, nanMode ignore, four parts of two', 4, 'maxPool2d', x([7, 30, 31, 6], 'NHWC'), { ...K3S1, nanMode: 'ignore' }],
  ['1x1000x1000x3 max 3 / 1 / 1: bands of one sample over two workers', 2, 'maxPool2d', x([1, 1000, 1000, 3], 'NHWC'), K3S1],
  // (2 channels: 3 to 7 at column stride 2 go row by row in the channel-lane kernel instead)
  ['1x1200x1000x2 avg 3 / 2 / 1, ceil: bands over four workers', 4, 'avgPool2d', x([1, 1200, 1000, 2], 'NHWC'), { kernelSize: 3, stride: 2, padding: 1, ceilMode: true }],
  ['3x500x420x3 max 3 / 1 / 1: bands of three samples', 2, 'maxPool2d', x([3, 500, 420, 3], 'NHWC'), K3S1],
  ['3x5x40x50x2 NDHWC avg 3D', 2, 'avgPool3d', x([3, 5, 40, 50, 2], 'NDHWC'), { kernelSize: [2, 3, 3], stride: [1, 2, 1], padding: [0, 1, 1] }],
  ['9x1000x3 NWC max 1D', 3, 'maxPool1d', x([9, 1000, 3], 'NWC'), { kernelSize: 3, stride: 1 }],
];

describe('simdpool/parallel, channels-last calls of few channels as planes', () => {
  it.each(CASES)('%s: the one-thread engine\'s bits, one work item a worker', async (_name, threads, op, input, opts) => {
    const sp = await getEngine();
    const want = (sp as any)[op](input, opts);
    const { pp, posted } = engines[threads];
    posted.length = 0;
    const got = await (pp as any)[op](input, opts);
    expect(got.shape).toEqual(want.shape);
    expectSameFloats(got.data, want.data);
    // (split kernel call by kernel call, a call posted three or more items of one kernel call each)
    expect(posted.length).toBeGreaterThan(0);
    expect(posted.length).toBeLessThanOrEqual(threads);
    for (const calls of posted) {
      expect(calls.length % 3, 'a transpose, the planar kernel, a transpose').toBe(0);
      calls.forEach(({ fn }, i) => expect(fn, `call ${i}`).toMatch(i % 3 === 1 ? /Pool.*Rows/ : /^transpose_f32$/));
    }
  });

  it('resident tensors and out: the same bits, the input untouched', async () => {
    const sp = await getEngine();
    const input = x([6, 40, 44, 3], 'NHWC', 9);
    const want = sp.maxPool2d(input as any, K3S1);
    const { pp } = engines[4];
    const t = pp.fromArray(input.data, input.shape, 'NHWC');
    const out = pp.tensor(want.shape, { layout: 'NHWC' });
    await pp.maxPool2d(t, { ...K3S1, out });
    expectSameFloats(out.data, want.data);
    expectSameFloats(t.data, input.data, 'input');
    t.dispose();
    out.dispose();
  });

  // A band's transpose names its input rows, inside the input's block: the first band's too when
  // the windows of output row 0 skip input row 0 (rows dilated by 2 over padding 1: rows -1, 1, 3).
  // Unless the call names the block itself, disposing the input lets the block be reused while the
  // workers have not read it yet.
  it.each([
    ['1x1200x1100x2 max, rows dilated', [1, 1200, 1100, 2], { kernelSize: 3, dilation: 2, padding: 1 }],
    ['3x500x420x3 max, row stride 3, rows dilated', [3, 500, 420, 3], { kernelSize: 3, dilation: [2, 1], padding: 1, stride: [3, 1] }],
  ])('bands of a resident input disposed while the call waits (%s): the input pinned', async (_name, shape, opts) => {
    const sp = await getEngine();
    const input = x(shape as number[], 'NHWC', 5);
    const want = sp.maxPool2d(input as any, opts);
    const { pp } = engines[2];
    pp.holdWorkers('begin');
    let junk;
    let pending;
    try {
      const t = pp.fromArray(input.data, input.shape, 'NHWC');
      pending = pp.maxPool2d(t, opts);
      t.dispose();
      junk = pp.fromArray(new Float32Array(input.data.length).fill(12345), input.shape, 'NHWC');
    } finally {
      pp.holdWorkers(false);
    }
    expectSameFloats((await pending).data, want.data);
    junk.dispose();
  });

  it('a lone 1D sample over 2 MiB (one band): its pooling split over the workers, not one chain', async () => {
    const sp = await getEngine();
    const input = x([1, 700000, 2], 'NWC', 6);
    const opts = { kernelSize: 5, stride: 1, padding: 2 };
    const { pp, posted } = engines[2];
    posted.length = 0;
    expectSameFloats((await pp.maxPool1d(input as any, opts)).data, sp.maxPool1d(input as any, opts).data);
    const pooling = posted.filter((calls) => calls.some(({ fn }) => /Pool.*Rows/.test(fn)));
    expect(pooling.length).toBe(2);
  });

  it('with the default inline threshold, small calls run on the calling thread and large ones one item a worker', async () => {
    const sp = await getEngine();
    const { pp, posted } = await recorded(2);
    try {
      const small = x([2, 20, 21, 3], 'NHWC', 3);
      expectSameFloats((await pp.maxPool2d(small as any, K3S1)).data, sp.maxPool2d(small as any, K3S1).data);
      expect(posted.length).toBe(0);
      const large = x([64, 56, 56, 2], 'NHWC', 4);
      expectSameFloats((await pp.maxPool2d(large as any, K3S1)).data, sp.maxPool2d(large as any, K3S1).data);
      expect(posted.length).toBe(2);
    } finally {
      await pp.close();
    }
  });
});
