// Planar average gradients of column kernel 3 / stride 2 (assembly/backward.ts
// gatherStride2Kernel3) with explicit per-side padding (ONNX's, no half-kernel limit): with
// 3 or more columns of right padding the last window can start at or past the row's end, and
// the four-column groups then ran up to x + 3 = inW, adding a delta into the next row's (or
// plane's) first cell, and past the result after the last row. Checked bit for bit against the
// reference (PyTorch's order: every cell adds its windows' deltas in output scan order).
import { beforeAll, describe, expect, it } from 'vitest';
import { init, type Engine } from '../dist/node/index.js';
import * as bref from './reference/backward';
import { expectSameFloats } from './support/engine';

let sp: Engine;
beforeAll(async () => {
  sp = await init();
});

/** Deterministic, non-integer gradients (the order of adds shows in the bits). */
const grads = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 1.7 + 0.3) * (1 + (i % 5))));
const prod = (a: number[]) => a.reduce((x, y) => x * y, 1);

type Case = [number, number[], Record<string, unknown>];
const cases: Case[] = [
  [1, [1, 2, 5], { kernelSize: 3, stride: 2, padding: { left: 0, right: 4 } }],
  [1, [1, 2, 29], { kernelSize: 3, stride: 2, padding: { left: 0, right: 4 }, divisorOverride: 5 }],
  [1, [2, 3, 12], { kernelSize: 3, stride: 2, padding: { left: 1, right: 6 } }],
  [1, [1, 2, 7], { kernelSize: 3, stride: 2, padding: { left: 6, right: 7 } }],
  [2, [1, 2, 4, 9], { kernelSize: [2, 3], stride: 2, padding: { top: 0, bottom: 2, left: 0, right: 4 } }],
  [2, [1, 2, 3, 36], { kernelSize: [1, 3], stride: [1, 2], padding: { top: 0, bottom: 0, left: 3, right: 6 } }],
  [3, [1, 1, 2, 3, 35], { kernelSize: [1, 3, 3], stride: [1, 2, 2], padding: { front: 0, back: 0, top: 1, bottom: 1, left: 2, right: 6 } }],
];

/** The forward output's spatial sizes for explicit padding (floor mode). */
function outSpatial(dims: number, spatial: number[], o: Record<string, unknown>): number[] {
  const k = typeof o.kernelSize === 'number' ? Array(dims).fill(o.kernelSize) : (o.kernelSize as number[]);
  const s = typeof o.stride === 'number' ? Array(dims).fill(o.stride) : (o.stride as number[]);
  const p = Object.values(o.padding as Record<string, number>);
  return spatial.map((n, i) => Math.floor((n + p[2 * i] + p[2 * i + 1] - k[i]) / s[i]) + 1);
}

describe('average gradients, column kernel 3 / stride 2, explicit right padding past the row', () => {
  it.each(cases)('%dD %j %j', (dims, shape, o) => {
    const spatial = shape.slice(2);
    const gShape = [...shape.slice(0, 2), ...outSpatial(dims, spatial, o)];
    const g = { data: grads(prod(gShape)), shape: gShape };
    const want = bref.avgPoolBackwardRef(dims, g, shape, o as never);
    const call = (dy: unknown, extra = {}) =>
      (sp as unknown as Record<string, (g: unknown, o: unknown) => { data: Float32Array; dispose?(): void }>)[`avgPool${dims}dBackward`](dy, { ...o, inputShape: shape, ...extra });
    expectSameFloats(call(g).data, want.data, 'plain');
    const layout = ['NCW', 'NCHW', 'NCDHW'][dims - 1];
    const dy = sp.fromArray(g.data, gShape, layout as never);
    const out = sp.tensor(shape, { layout: layout as never });
    // a resident neighbour right after the result keeps its bytes
    const canary = sp.fromArray(new Float32Array(64).fill(7), [1, 1, 64], 'NCW');
    call(dy, { out });
    expectSameFloats(out.data, want.data, 'resident');
    expect(Array.from(canary.data).every((v) => v === 7)).toBe(true);
    for (const t of [dy, out, canary]) t.dispose();
  });
});
