// End-to-end float32 pooling (plain Float32Array in, fresh Float32Array out) streamed through
// wasm memory in chunks of whole planes. Copying the whole input in, pooling it, then copying the
// whole output out moves a large tensor through DRAM three times; a chunk small enough to stay in
// L2 is copied in, pooled while still cached, and its output copied straight into the result.
// Each chunk is a plane range of the call (./plane-range.ts), so results are bit-identical to
// one kernel call over everything. Only the full single-thread engine streams: simdpool/parallel
// defers kernels to its workers and splits them itself, and simdpool/core, held to a 48 KB
// bundle, does without (Context.stream).
import type { Context } from '../context';
import defaults from './streaming.json';
import type { Axis } from '../shape';
import { CallMemory, checkFits, type TensorArg } from './tensors';
import { floatsOf } from '../tensor';
import { FIELD, HEADER_BYTES, planeRange, readHeader } from './plane-range';
import { callKernel, planDivisor, planOf, type CallKernel, type CallSizes, type Path, type PlanRef, type Settings } from './pool';

/**
 * @internal Chunk sizing, read when a call is first resolved (tests lower chunkBytes to put
 * chunk boundaries into small tensors). Measured on case G (8x64x128x128, k2 s2) and B–D: see
 * README, Performance. The defaults live in streaming.json, which the benchmark's end-to-end
 * floor (bench/impl/e2e-floor.mjs) reads too.
 */
export const streaming: {
  /** Input bytes per chunk (at least one plane; whole groups of 16 planes on the PlaneGroups path). */
  chunkBytes: number;
  /** Inputs smaller than this run whole: they stay in cache anyway, and chunking only adds calls. */
  minBytes: number;
} = { ...defaults };

/** How a streamed call is cut: planes per chunk, and the wasm memory its chunk buffers take. */
export interface Chunks {
  planes: number;
  bytes: number;
}

/**
 * How a float32 pooling call with plain input is cut (ops/pool.ts callSizes: `inElements` and
 * `outElements` over `planes` planes on `path`), or undefined when it runs whole. Streams: calls
 * on the calling thread (simdpool/parallel defers kernels), max and avg with PyTorch's per-plane
 * indices (ONNX and TF numberings are remapped over the whole tensor), large enough for more than
 * one chunk. `kernelBytes`: the plan and PlaneGroups scratch, needed besides the chunk buffers.
 */
function callChunks(
  ctx: Context, s: Settings, planes: number, inElements: number, outElements: number, path: Path, kernelBytes: number,
): Chunks | undefined {
  if (ctx.defer !== undefined || s.reduce === 'lp' || s.indexFormat.kind !== 'plane') return undefined;
  if (inElements * 4 < streaming.minBytes) return undefined;
  const inPlane = inElements / planes, outPlane = outElements / planes;
  let per = Math.max(1, Math.floor(streaming.chunkBytes / (inPlane * 4)));
  if (path === 'PlaneGroups') per = Math.max(16, per - (per % 16)); // the kernel interleaves whole groups of 16
  if (per >= planes) return undefined;
  return { planes: per, bytes: HEADER_BYTES + per * (inPlane + outPlane * (s.returnIndices ? 2 : 1)) * 4 + kernelBytes };
}

/**
 * Pool `data` (`planes` planes) chunk by chunk with the plan at `plan`; the chunk buffers are
 * scratch blocks of `call`. Returns the whole output (and indices), allocated once up front.
 */
function streamPlanes(
  ctx: Context, call: CallMemory, plan: number, kernel: CallKernel, data: Float32Array, planes: number,
  chunks: Chunks, withIndices: boolean,
): { output: Float32Array; indices?: Int32Array } {
  const header = readHeader(ctx.memory.memory, plan);
  const inPlane = header[FIELD.inPlane], outPlane = header[FIELD.outPlane];
  const per = chunks.planes;
  const headerPtr = call.block(HEADER_BYTES, 'plan header');
  const inPtr = call.block(per * inPlane * 4, 'x chunk');
  const outPtr = call.block(per * outPlane * 4, 'out chunk');
  const indicesPtr = withIndices ? call.block(per * outPlane * 4, 'outIndices chunk') : 0;
  const output = new Float32Array(planes * outPlane);
  const indices = withIndices ? new Int32Array(planes * outPlane) : undefined;
  // Views once every block is allocated (growing memory detaches earlier ones); kernels never grow it.
  const buffer = ctx.memory.memory.buffer;
  const headerView = new Int32Array(buffer, headerPtr, header.length);
  const inView = new Float32Array(buffer, inPtr, per * inPlane);
  const outView = new Float32Array(buffer, outPtr, per * outPlane);
  const indicesView = new Int32Array(buffer, indicesPtr, withIndices ? per * outPlane : 0);
  for (let p0 = 0; p0 < planes; p0 += per) {
    const count = Math.min(per, planes - p0);
    const { fields, inputOffset, outputOffset } = planeRange(header, p0, count);
    headerView.set(fields);
    const from = inputOffset / 4, to = outputOffset / 4, outFloats = count * outPlane;
    inView.set(floatsOf(data, from, count * inPlane));
    kernel(headerPtr, inPtr, outPtr, indicesPtr, count);
    output.set(count === per ? outView : outView.subarray(0, outFloats), to);
    if (indices) indices.set(count === per ? indicesView : indicesView.subarray(0, outFloats), to);
  }
  return { output, indices };
}

/**
 * A float32 pooling call with plain results (ops/pool.ts runPool), streamed: the plan, the
 * PlaneGroups scratch and the chunk buffers (sizes.chunks) are all it allocates in wasm memory.
 */
function run(ctx: Context, op: string, arg: TensorArg, axes: readonly Axis[], s: Settings, sizes: CallSizes, cached?: PlanRef): unknown {
  const { outShape, shape, path, groupBytes } = sizes;
  const chunks = sizes.chunks!;
  checkFits(op, outShape, chunks.bytes);
  const call = new CallMemory(ctx, op);
  try {
    const plan = planOf(ctx, shape, axes, planDivisor(s), cached);
    const scratch = path === 'PlaneGroups' ? call.block(groupBytes, 'plane groups') : 0;
    const kernel = callKernel(ctx, call, arg.g, axes, path, s, scratch);
    const { output, indices } = streamPlanes(ctx, call, plan, kernel, arg.data as Float32Array, shape.planes, chunks, s.returnIndices);
    const layout = arg.g.layout;
    const result = { data: output, shape: [...outShape], layout };
    return indices ? { output: result, indices: { data: indices, shape: [...outShape], layout } } : result;
  } finally {
    call.release();
  }
}

/** What the full engine hands its operators (Context.stream). */
export const STREAM_OPS = { callChunks, run };
export type StreamOps = typeof STREAM_OPS;
