// simdpool/core (dist/core.js): its operators are a sub-list of the registry without the interop
// options, its kernels (build/core*.wasm) only theirs, and it gives the full engine's results
// and errors. The 2D operators also run the conformance suites (vitest projects node-core,
// chromium-core, chromium-core-scalar); this file covers the rest (1D, adaptive, resident).
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CORE_OPERATORS, init as initCore } from '../dist/core.js';
import { OPERATORS, init } from '../dist/index.js';
import { expectCloseFloats, expectSameFloats, expectSameInts } from './support/engine';

const INTEROP = ['nanMode', 'indexFormat', 'storageOrder', 'includeBatchInIndex', 'scale', 'zeroPoint', 'outScale', 'outZeroPoint'];
const wasmExports = (file: string) =>
  WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(new URL(`../build/${file}`, import.meta.url)))).map((e) => e.name);

describe('simdpool/core', () => {
  it('its operators are registry entries without the interop options, and the engine has exactly them', async () => {
    const names = Object.keys(CORE_OPERATORS);
    expect(names).toEqual([
      'maxPool1d', 'avgPool1d', 'adaptiveMaxPool1d', 'adaptiveAvgPool1d', 'globalMaxPool1d', 'globalAvgPool1d',
      'maxPool2d', 'avgPool2d', 'adaptiveMaxPool2d', 'adaptiveAvgPool2d', 'globalMaxPool2d', 'globalAvgPool2d',
      'toNHWC', 'toNCHW',
    ]);
    for (const [name, spec] of Object.entries(CORE_OPERATORS)) {
      const full = OPERATORS[name as keyof typeof OPERATORS];
      expect({ ...spec, options: undefined }).toEqual({ ...full, options: undefined });
      expect(spec.options).toEqual(full.options.filter((o) => !INTEROP.includes(o)));
    }
    const sp = await initCore();
    for (const name of Object.keys(OPERATORS)) expect(typeof (sp as unknown as Record<string, unknown>)[name], name).toBe(names.includes(name) ? 'function' : 'undefined');
    expect(typeof sp.fromArray).toBe('function');
  });

  it("the full engine's registry cannot be changed from outside (frozen, entries and option lists too)", async () => {
    // (CORE_OPERATORS is not: simdpool/core's bundle is at its budget)
    expect(Object.isFrozen(OPERATORS)).toBe(true);
    for (const spec of Object.values(OPERATORS)) expect(Object.isFrozen(spec) && Object.isFrozen(spec.options)).toBe(true);
    // (ES modules are strict: a write throws.) avgPool1d and avgPool2d share one option list.
    expect(() => (OPERATORS.avgPool1d.options as string[]).push('divisor')).toThrow(TypeError);
    expect(() => ((OPERATORS.maxPool2d as { reduce: string }).reduce = 'avg')).toThrow(TypeError);
    const x = { data: Float32Array.of(1, 2, 3, 4), shape: [1, 1, 2, 2] };
    expect([...(await init()).maxPool2d(x, { kernelSize: 2 }).data]).toEqual([4]);
  });

  it('its kernel modules export only the kernels its operators call, in both builds', () => {
    for (const file of ['core.wasm', 'core-scalar.wasm']) {
      const names = wasmExports(file);
      expect(names).toContain('maxPoolRowsIndices_f32');
      expect(names).toContain('avgPoolPlaneGroups_f32');
      expect(names).toContain('transpose_f32');
      expect(names.filter((n) => /NoNaN|unpool|pow|remap/i.test(n)), file).toEqual([]);
      expect(wasmExports('simdpool.wasm')).toEqual(expect.arrayContaining(names));
    }
  });

  it('an interop option is a TypeError naming it; the engine stays usable', async () => {
    const sp = await initCore();
    const x = { data: Float32Array.of(1, 5, 3, 2), shape: [1, 1, 2, 2] };
    sp.maxPool2d(x, { kernelSize: 2 }); // its window plan stays cached
    const before = sp.memoryStats().bytesInUse;
    for (const option of INTEROP) {
      expect(() => sp.maxPool2d(x, { kernelSize: 2, returnIndices: true, [option]: 1 } as never)).toThrow(
        new TypeError(`maxPool2d: unknown option "${option}" (accepted: ${CORE_OPERATORS.maxPool2d.options.join(', ')})`),
      );
    }
    expect([...sp.maxPool2d(x, { kernelSize: 2 }).data]).toEqual([5]);
    expect(sp.memoryStats().bytesInUse).toBe(before);
  });

  it("its tensors given to the full engine are read as plain inputs, as x, gradOutput and a backward pass's input", async () => {
    const [core, sp] = [await initCore(), await init()];
    const values = Float32Array.from({ length: 128 }, (_, i) => Math.sin(i * 1.7));
    const plain = { data: values, shape: [1, 2, 8, 8] };
    const grad = { data: Float32Array.from({ length: 32 }, (_, i) => i - 7), shape: [1, 2, 4, 4] };
    const window = { kernelSize: 2 };
    // (a Tensor of another copy holds its data in a getter of its class)
    const foreign = () => core.fromArray(values, [1, 2, 8, 8]);
    expectSameFloats(sp.maxPool2d(foreign(), window).data, sp.maxPool2d(plain, window).data);
    expectSameFloats(sp.avgPool2dBackward(core.fromArray(grad.data, grad.shape), { ...window, inputShape: plain.shape }).data,
      sp.avgPool2dBackward(grad, { ...window, inputShape: plain.shape }).data);
    expectSameFloats(sp.maxPool2dBackward(grad, { ...window, input: foreign() }).data, sp.maxPool2dBackward(grad, { ...window, input: plain }).data);
    expectSameFloats(sp.lpPool2dBackward(grad, { ...window, normType: 2, input: foreign() }).data,
      sp.lpPool2dBackward(grad, { ...window, normType: 2, input: plain }).data);
    // Any object whose data is a getter reads the same way.
    class Getter { get data() { return values; } shape = plain.shape; }
    expectSameFloats(sp.maxPool2dBackward(grad, { ...window, input: new Getter() }).data, sp.maxPool2dBackward(grad, { ...window, input: plain }).data);
  });

  it('pools and converts float32 only: int8/uint8 tensors, plain or resident, are a TypeError naming x; the engine stays usable', async () => {
    const sp = await initCore();
    const x = { data: Float32Array.of(1, 5, 3, 2), shape: [1, 1, 2, 2] };
    sp.maxPool2d(x, { kernelSize: 2 }); // its window plan stays cached
    const before = sp.memoryStats().bytesInUse;
    const resident = sp.fromArray(Int8Array.of(1, 5, 3, 2), [1, 1, 2, 2]);
    for (const [name, arg] of [['int8', { data: Int8Array.of(1, 5, 3, 2), shape: [1, 1, 2, 2] }], ['uint8', { data: Uint8Array.of(1, 5, 3, 2), shape: [1, 1, 2, 2] }], ['int8', resident]] as const) {
      for (const call of [() => sp.maxPool2d(arg as never, { kernelSize: 2 }), () => sp.avgPool2d(arg as never, { kernelSize: 2 }), () => sp.globalMaxPool2d(arg as never), () => sp.toNHWC(arg as never), () => sp.toNCHW(arg as never)]) {
        expect(call).toThrow(TypeError);
        expect(call).toThrow(new RegExp(`^\\w+: x must be a float32 tensor \\(int8/uint8 need the full simdpool, not simdpool/core\\), got ${name}$`));
      }
    }
    // Other arrays: the message names float32's array only, as core takes nothing else.
    expect(() => sp.maxPool2d({ data: new Float64Array(4), shape: [1, 1, 2, 2] } as never, { kernelSize: 2 })).toThrow(/^maxPool2d: x\.data must be a Float32Array, got Float64Array\(4\)$/);
    const indices = sp.fromArray(new Int32Array(4), [1, 1, 2, 2]);
    expect(() => sp.maxPool2d(indices as never, { kernelSize: 2 })).toThrow(/^maxPool2d: x must have dtype float32, got int32$/);
    indices.dispose();
    resident.dispose();
    expect([...sp.maxPool2d(x, { kernelSize: 2 }).data]).toEqual([5]);
    expect(sp.memoryStats().bytesInUse).toBe(before);
  });

  it('gives the full engine\'s results and errors for 1D, adaptive and generic windows, SIMD and scalar, plain and resident', async () => {
    const builds = await Promise.all([false, true].map(async (simd) => [await initCore({ simd }), await init({ simd })] as const));
    const op1 = fc.oneof(
      fc.record({ op: fc.constantFrom('maxPool1d', 'avgPool1d'), opts: fc.record({ kernelSize: fc.integer({ min: 1, max: 6 }), stride: fc.integer({ min: 1, max: 3 }), ceilMode: fc.boolean() }) }),
      fc.record({ op: fc.constantFrom('adaptiveMaxPool1d', 'adaptiveAvgPool1d'), opts: fc.record({ outputSize: fc.integer({ min: 1, max: 9 }) }) }),
      fc.record({ op: fc.constantFrom('globalMaxPool1d', 'globalAvgPool1d'), opts: fc.constant({}) }),
    ).map((c) => ({ ...c, dims: 1 }));
    const op2 = fc.oneof(
      fc.record({ op: fc.constant('maxPool2d'), opts: fc.record({ kernelSize: fc.integer({ min: 1, max: 6 }), stride: fc.integer({ min: 1, max: 3 }), dilation: fc.integer({ min: 1, max: 2 }), returnIndices: fc.boolean() }) }),
      fc.record({ op: fc.constant('avgPool2d'), opts: fc.record({ kernelSize: fc.integer({ min: 1, max: 6 }), stride: fc.integer({ min: 1, max: 3 }) }) }),
      fc.record({ op: fc.constantFrom('adaptiveMaxPool2d', 'adaptiveAvgPool2d'), opts: fc.record({ outputSize: fc.tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 })) }) }),
    ).map((c) => ({ ...c, dims: 2 }));
    fc.assert(
      fc.property(
        fc.oneof(op1, op2), fc.boolean(), fc.boolean(), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 6, max: 30 }), fc.integer(),
        ({ op, opts, dims }, channelsLast, resident, c, w, seed) => {
          const spatial = dims === 1 ? [w] : [Math.max(6, (w >> 1) + 1), w];
          const layout = dims === 1 ? (channelsLast ? 'NWC' : 'NCW') : channelsLast ? 'NHWC' : 'NCHW';
          const shape = channelsLast ? [2, ...spatial, c] : [2, c, ...spatial];
          let s = seed >>> 0;
          const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => {
            s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
            return s % 97 === 0 ? NaN : (s >>> 20) - 2048;
          });
          for (const [core, full] of builds) {
            const run = (sp: typeof core | typeof full) => {
              const x = resident ? sp.fromArray(data, shape, layout) : { data, shape, layout };
              try {
                const r = (sp as unknown as Record<string, (x: unknown, o: unknown) => unknown>)[op](x, opts) as
                  { data: Float32Array } | { output: { data: Float32Array }; indices: { data: Int32Array } };
                return 'output' in r ? { values: r.output.data.slice(), indices: r.indices.data.slice() } : { values: r.data.slice() };
              } catch (e) {
                return { error: e as Error };
              } finally {
                if (resident) (x as { dispose(): void }).dispose();
              }
            };
            const a = run(core);
            const b = run(full);
            if (b.error || a.error) {
              expect(a.error).toEqual(b.error); // same class and message (a window larger than the input)
              expect(b.error).toBeInstanceOf(RangeError);
              continue;
            }
            // (Adaptive averages too: core divides them by the cell count, the full engine axis by axis as PyTorch.)
            if (/avg|Avg/.test(op)) expectCloseFloats(a.values!, b.values!, op);
            else expectSameFloats(a.values!, b.values!, op);
            if (b.indices) expectSameInts(a.indices!, b.indices, `${op} indices`);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
