// A TypeScript consumer of the packed package (test/package.test.ts type-checks it with `tsc
// --noEmit`, strict, under each moduleResolution users pick): the README's and docs' calls, with
// the types their text promises. The @ts-expect-error lines fail the check if the declarations
// resolve to `any` (an unresolved import under skipLibCheck), so it cannot pass vacuously.
import { init, simdSupported, OPERATORS, OutOfMemoryError, Tensor, type OperatorName } from 'simdpool';
import { init as initCore, CORE_OPERATORS } from 'simdpool/core';
import { initParallel, threadsAvailable, QueueFullError, EngineClosedError, DEFAULT_INLINE_BELOW } from 'simdpool/parallel';
import { init as initUrl } from 'simdpool/url';

const sp = await init();
const x = { data: new Float32Array(1 * 1 * 28 * 28), shape: [1, 1, 28, 28] };
const pooled = sp.maxPool2d(x, { kernelSize: 2, stride: 2 });
const shape: number[] = pooled.shape;
const values: Float32Array = pooled.data;
const { output, indices } = sp.maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1, returnIndices: true });
const planeIndices: Int32Array = indices.data;
sp.avgPool2d(x, { kernelSize: 3, stride: 1, padding: 1, countIncludePad: false });
sp.globalMaxPool2d(x);
sp.toNCHW(sp.toNHWC(x));
sp.maxPool3d({ data: new Float32Array(32), shape: [1, 2, 4, 2, 2] }, { kernelSize: [1, 2, 2], dilation: [1, 2, 2], nanMode: 'ignore' });
sp.avgPool2d(x, { kernelSize: 3, padding: { top: 1, bottom: 0, left: 1, right: 0 } });
sp.adaptiveMaxPool2d(x, { outputSize: [7, null], returnIndices: true }).indices.data satisfies Int32Array;
sp.maxUnpool2d(output, indices, { kernelSize: 3, stride: 2, padding: 1, outputSize: x.shape });
sp.maxPool2dBackward(output, indices, { inputShape: x.shape });
sp.maxPool2dBackward(output, indices, { inputShape: x.shape, kernelSize: null, stride: null });
sp.maxPool2dBackward(output, { input: x, kernelSize: 3, stride: 2, padding: 1 });
sp.lpPool2dBackward(sp.lpPool2d(x, { normType: 2, kernelSize: 2 }), { input: x, kernelSize: 2 });

// "An option given as null is one not given, for every option."
sp.maxPool2d(x, { kernelSize: 2, stride: null, padding: null, dilation: null, ceilMode: null, returnIndices: null, nanMode: null, indexFormat: null, out: null });
sp.avgPool2d(x, { kernelSize: 2, countIncludePad: null, divisorOverride: null, scale: null, zeroPoint: null });
sp.lpPool2d(x, { kernelSize: 2, normType: null });
sp.maxUnpool2d(output, indices, { kernelSize: 3, stride: 2, padding: 1, outputSize: null });
sp.tensor([1, 1, 2, 2], { layout: null, dtype: null });
sp.fromArray(new Float32Array(4), [1, 1, 2, 2], null);
await init({ wasm: null, simd: null });

// Resident tensors give resident results; int8/uint8 inputs keep their dtype.
const resident: Tensor<'float32'> = sp.fromArray(new Float32Array(16), [1, 1, 4, 4]);
const r: Tensor<'float32'> = sp.avgPool2d(resident, { kernelSize: 2 });
r.dispose();
const q = { data: new Uint8Array(64), shape: [1, 1, 8, 8] };
const qMax: Uint8Array = sp.maxPool2d(q, { kernelSize: 2 }).data;
sp.avgPool2d(q, { kernelSize: 2, scale: 0.05, zeroPoint: 7 });

const core = await initCore();
core.adaptiveAvgPool2d(x, { outputSize: 1 });
const par = await initParallel({ threads: 2, inlineBelow: 0 });
const fromWorkers: number[] = (await par.maxPool2d(x, { kernelSize: 2 })).shape;
// "Same operators as init()'s ... returning promises", backward passes included.
const parIndices: Int32Array = (await par.maxPool2d(x, { kernelSize: 2, returnIndices: true })).indices.data;
await par.lpPool2d(x, { normType: 2, kernelSize: 2 });
await par.globalMaxPool2d(x, { nanMode: 'ignore' });
await par.maxPool2dBackward(output, indices, { inputShape: x.shape });
await par.maxUnpool2d(output, indices, { kernelSize: 3, stride: 2, padding: 1 });
par.tensor([1, 1, 2, 2], { layout: null, dtype: null }).dispose();
par.fromArray(new Float32Array(4), [1, 1, 2, 2], null).dispose();
// @ts-expect-error: a promise, not a result
par.avgPool2d(x, { kernelSize: 2 }).data;
await par.close();
const names: OperatorName[] = ['maxPool2d', 'toNHWC'];

// A returnIndices known only at run time: either result.
const wantIndices = Math.random() < 2;
const either = sp.maxPool2d(x, { kernelSize: 2, returnIndices: wantIndices });
if ('indices' in either) either.indices.data satisfies Int32Array; else either.data satisfies Float32Array;
// @ts-expect-error: may be { output, indices }
const notKnown: Float32Array = sp.maxPool2d(x, { kernelSize: 2, returnIndices: wantIndices }).data;

// @ts-expect-error: no such operator
sp.maxPool4d(x, { kernelSize: 2 });
// @ts-expect-error: kernelSize is required
sp.maxPool2d(x, {});
// @ts-expect-error: simdpool/core has no 3D operators
core.maxPool3d(x, { kernelSize: 2 });
// @ts-expect-error: a plain result is not a Tensor
const notResident: Tensor<'float32'> = sp.maxPool2d(x, { kernelSize: 2 });

export const used = [simdSupported, OPERATORS, CORE_OPERATORS, OutOfMemoryError, threadsAvailable, QueueFullError, EngineClosedError,
  DEFAULT_INLINE_BELOW, initUrl, shape, values, planeIndices, qMax, fromWorkers, parIndices, names, notResident, notKnown];
