// Gradients of adaptive averages to one cell per spatial dim, which PyTorch pools as a mean: its
// gradient is grad / count written to every input cell (mean's backward expands it), not added
// into zeros as its pooling kernels do, so a -0 gradient (or one whose quotient underflows to
// -0) gives -0 cells. simdpool spread it with the average kernels into zeros and gave +0 there
// (found by the gradient review's fuzzing against torch.autograd). Golden values from torch 1.13
// (x.requires_grad_(), F.adaptive_avg_pool2d(x, 1).backward(g), both memory formats), and an
// independent reference (fround(g / count) per cell) in 1D/2D/3D, both layouts, plain and resident.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, type Engine } from '../dist/node/index.js';
import { expectSameFloats } from './support/engine';

let sp: Engine;
beforeAll(async () => {
  sp = await init();
});

type Layout = 'NCW' | 'NWC' | 'NCHW' | 'NHWC' | 'NCDHW' | 'NDHWC';
const LAYOUTS: Record<number, [Layout, Layout]> = { 1: ['NCW', 'NWC'], 2: ['NCHW', 'NHWC'], 3: ['NCDHW', 'NDHWC'] };
const backward = (dims: number) =>
  (sp as unknown as Record<string, (g: unknown, o: unknown) => { data: Float32Array; shape: number[]; dispose?(): void }>)[
    `adaptiveAvgPool${dims}dBackward`
  ].bind(sp);

describe('adaptive average gradients to one cell (a mean) keep -0, as torch.autograd', () => {
  it('golden: torch 1.13, [1, 4, 3, 1] -> 1x1, both memory formats give the same cells', () => {
    const g = new Float32Array([-0, 3, NaN, -7]);
    const want = new Float32Array([-0, -0, -0, 1, 1, 1, NaN, NaN, NaN, -2.3333332538604736, -2.3333332538604736, -2.3333332538604736]);
    expectSameFloats(backward(2)({ data: g, shape: [1, 4, 1, 1] }, { inputShape: [1, 4, 3, 1] }).data, want, 'NCHW');
    // NHWC with W = 1: the same memory order as NCHW's planes, transposed ([1, 3, 1, 4])
    const last = backward(2)({ data: g, shape: [1, 1, 1, 4], layout: 'NHWC' }, { inputShape: [3, 1] }).data;
    const back = new Float32Array(12);
    for (let h = 0; h < 3; h++) for (let c = 0; c < 4; c++) back[c * 3 + h] = last[h * 4 + c];
    expectSameFloats(back, want, 'NHWC');
  });

  it('golden: torch 1.13, unbatched [2, 2, 3] -> 1x1, -0 and a quotient that underflows to -0', () => {
    const g = new Float32Array([-0, -1.401298464324817e-45]);
    const got = backward(2)({ data: g, shape: [2, 1, 1] }, { inputShape: [2, 2, 3] }).data;
    expectSameFloats(got, new Float32Array(12).fill(-0), 'gradInput');
  });

  const shapes: Array<[number, number[]]> = [
    [1, [2, 3, 5]], [1, [4, 1]], [2, [2, 17, 3, 5]], [2, [3, 4, 7]], [3, [1, 5, 2, 3, 4]], [3, [2, 20, 1, 1, 3]],
  ];
  it.each(shapes.flatMap(([d, s]) => [false, true].flatMap((last) => [false, true].map((resident) => [d, s, last, resident] as const))))(
    '%dD %j channels-last %s resident %s',
    (dims, cfShape, last, resident) => {
      const batched = cfShape.length === dims + 2;
      const [n, c] = batched ? [cfShape[0], cfShape[1]] : [1, cfShape[0]];
      const spatial = cfShape.slice(batched ? 2 : 1);
      const count = spatial.reduce((a, b) => a * b, 1);
      const lead = batched ? [n] : [];
      const ones = spatial.map(() => 1);
      const layout = LAYOUTS[dims][last ? 1 : 0];
      const gShape = last ? [...lead, ...ones, c] : [...lead, c, ...ones];
      const inShape = last ? [...lead, ...spatial, c] : [...lead, c, ...spatial];
      // per (sample, channel): -0, an underflowing negative, ordinary values, NaN, -Infinity
      const specials = [-0, -1e-45, 0, 1.5, -2.75e-3, NaN, -Infinity, 3e38];
      const g = Float32Array.from({ length: n * c }, (_, i) => specials[i % specials.length]);
      const want = new Float32Array(n * c * count);
      for (let b = 0; b < n; b++) {
        for (let ch = 0; ch < c; ch++) {
          const v = Math.fround(g[b * c + ch] / count);
          for (let q = 0; q < count; q++) want[last ? (b * count + q) * c + ch : (b * c + ch) * count + q] = v;
        }
      }
      const dy = resident ? sp.fromArray(g, gShape, layout) : { data: g, shape: gShape, layout };
      const r = backward(dims)(dy, { inputShape: inShape });
      expect(r.shape).toEqual(inShape);
      expectSameFloats(r.data, want, 'gradInput');
      if (resident) {
        r.dispose!();
        (dy as { dispose(): void }).dispose();
      }
    },
  );
});
