// An operator read off an engine and called on its own (`const { maxPool2d } = sp`, the habit of
// TensorFlow.js's free functions `const { maxPool } = tf`): the engines' operators are methods,
// as in a class, so the call is a TypeError naming the operator and saying how to call it, never
// V8's "Cannot read properties of undefined"; the engine stays usable. The same for tensor(),
// fromArray() and memoryStats(). simdpool/parallel's operators are functions of their own (its
// methods queue calls), and so are run(), tensor(), fromArray(), memoryStats(), stats() and
// close(): there it works.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { init as initCore } from '../dist/core.js';
import { init } from '../dist/index.js';
import { init as initNode } from '../dist/node/index.js';
import { initParallel } from '../dist/parallel.js';
import { maxPool2dRef } from './reference/pool2d';

const shape = [1, 2, 6, 6];
const data = Float32Array.from({ length: 72 }, (_, i) => Math.sin(i * 1.7) * 10);
const options = { kernelSize: 3, stride: 2, padding: 1 };
const expected = maxPool2dRef({ data, shape }, options).output.data;

type Op = (x: unknown, o?: unknown) => { data: Float32Array };
type Operators = {
  maxPool2d: Op; avgPool2d: Op; globalMaxPool2d: Op; toNHWC: Op;
  tensor: (s: number[]) => { shape: number[] }; fromArray: (d: Float32Array, s: number[]) => { data: Float32Array }; memoryStats: () => { blocks: number };
};

const engines: [string, () => Promise<Operators>][] = [
  ['simdpool', () => init() as never],
  ['simdpool (Node entry)', () => initNode() as never],
  ['simdpool/core', () => initCore() as never],
];

describe.each(engines)('%s', (_, make) => {
  it('rejects an operator called without its engine with a TypeError that says how to call it', async () => {
    const sp = await make();
    const { maxPool2d, avgPool2d, globalMaxPool2d, toNHWC } = sp;
    expect(() => maxPool2d({ data, shape }, options)).toThrow(new TypeError('maxPool2d: call it as sp.maxPool2d(...)'));
    expect(() => avgPool2d.call(undefined, { data, shape }, options)).toThrow(/^avgPool2d: call it as sp.avgPool2d/);
    expect(() => globalMaxPool2d.call({}, { data, shape })).toThrow(/^globalMaxPool2d: call it as sp.globalMaxPool2d/);
    const other = await make();
    expect(() => toNHWC.call(other, { data, shape })).not.toThrow();
    // (the engine is unharmed)
    expect([...sp.maxPool2d({ data, shape }, options).data]).toEqual([...expected]);
    expect([...maxPool2d.call(sp, { data, shape }, options).data]).toEqual([...expected]);
  });

  it('rejects tensor(), fromArray() and memoryStats() called without their engine alike', async () => {
    const sp = await make();
    const { tensor, fromArray, memoryStats } = sp;
    const blocks = sp.memoryStats().blocks;
    expect(() => tensor([1, 2, 6, 6])).toThrow(new TypeError('tensor: call it as sp.tensor(...)'));
    expect(() => fromArray.call({}, data, shape)).toThrow(new TypeError('fromArray: call it as sp.fromArray(...)'));
    expect(() => memoryStats()).toThrow(new TypeError('memoryStats: call it as sp.memoryStats(...)'));
    // (nothing allocated, and the methods work on their engine)
    expect(sp.memoryStats().blocks).toBe(blocks);
    expect(tensor.call(sp, [1, 2, 6, 6]).shape).toEqual([1, 2, 6, 6]);
    expect([...fromArray.call(sp, data, shape).data]).toEqual([...data]);
    expect(memoryStats.call(sp).blocks).toBe(blocks + 2);
  });

  it('keeps operators on the prototype: out of enumeration, replaceable and spied on as methods', async () => {
    const sp = await make();
    expect(Object.keys(sp)).toEqual(['simd']);
    expect(sp.maxPool2d.name).toBe('maxPool2d');
    const spy = vi.spyOn(sp, 'maxPool2d');
    sp.maxPool2d({ data, shape }, options);
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });
});

describe('simdpool/parallel', () => {
  let pp: Awaited<ReturnType<typeof initParallel>> | undefined;
  afterAll(async () => {
    await pp?.close();
  });

  it('runs destructured operators', async () => {
    pp = await initParallel({ threads: 1, inlineBelow: 0 });
    const { maxPool2d } = pp;
    const a = (await maxPool2d({ data, shape }, options)) as { data: Float32Array };
    expect([...a.data]).toEqual([...expected]);
    const x = pp.fromArray(data, shape);
    const out = pp.tensor([1, 2, 3, 3]);
    await maxPool2d(x, { ...options, out });
    expect([...out.data]).toEqual([...expected]);
  });

  it('runs destructured run(), tensor(), fromArray(), memoryStats(), stats() and close()', async () => {
    pp ??= await initParallel({ threads: 1, inlineBelow: 0 });
    const { run, tensor, fromArray, memoryStats, stats } = pp;
    const blocks = memoryStats().blocks;
    const x = fromArray(data, shape);
    const out = tensor([1, 2, 3, 3]);
    expect(memoryStats().blocks).toBe(blocks + 2);
    const calls = stats().workerCalls;
    await run('maxPool2d', x, { ...options, out });
    expect([...out.data]).toEqual([...expected]);
    expect(stats().workerCalls).toBe(calls + 1);
    const other = await initParallel({ threads: 1 });
    const { close } = other;
    await close();
    expect(other.closed).toBe(true);
  });
});
