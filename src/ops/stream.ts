// End-to-end float32 pooling (plain Float32Array in, fresh Float32Array out) streamed through
// wasm memory in chunks of whole planes, or of a plane's output rows where a plane is larger than
// a chunk (./row-chunks.ts). Copying the whole input in, pooling it, then copying the whole output
// out moves a large tensor through DRAM three times; a chunk small enough to stay in L2 is copied
// in, pooled while still cached, and its output copied straight into the result. Each chunk is a
// range of the call's planes or rows (./plane-range.ts), so results are bit-identical to one
// kernel call over everything. Only the full single-thread engine streams: simdpool/parallel
// defers kernels to its workers and splits them itself, and simdpool/core, held to a 48 KB
// bundle, does without (Context.stream).
import type { Context } from '../context';
import defaults from './streaming.json';
import type { Axis } from '../shape';
import { CallMemory, checkFits, type TensorArg } from './tensors';
import { elementsOf } from '../tensor';
import { oneCellWindows } from './one-cell';
import { rowChunks, rowSpans } from './row-chunks';
import { FIELD, HEADER_BYTES, readHeader, rowRange } from './plane-range';
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

/** How a streamed call is cut: planes per chunk (0: row ranges of one plane), and the wasm memory its chunk buffers take. */
export interface Chunks {
  planes: number;
  bytes: number;
}

/**
 * How a float32 pooling call with plain input is cut (ops/pool.ts callSizes: `inElements` and
 * `outElements` over `planes` planes on `path`), or undefined when it runs whole. Streams: calls
 * on the calling thread (simdpool/parallel defers kernels), max and avg with PyTorch's per-plane
 * indices (ONNX and TF numberings are remapped over the whole tensor), large enough for more than
 * one chunk. A plane larger than a chunk (channels-last tensors are one plane per sample) streams
 * in ranges of output rows (chunksOf), except on the PlaneGroups path, which interleaves whole
 * planes, for windows of one cell, whose elementwise kernel takes whole planes, and with a step
 * around the kernel (adaptive averages divided after it), which takes whole planes too.
 * `kernelBytes`: the plan and PlaneGroups scratch, needed besides the chunk buffers.
 */
function callChunks(
  ctx: Context, s: Settings, planes: number, inElements: number, outElements: number, path: Path, kernelBytes: number,
  axes: readonly Axis[],
): Chunks | undefined {
  if (s.reduce === 'lp' || s.indexFormat.kind !== 'plane') return undefined;
  const inPlane = inElements / planes, outPlane = outElements / planes;
  const outFloats = outPlane * (s.returnIndices ? 2 : 1);
  let per = planesPerChunk(ctx, planes, inPlane * 4);
  if (!per) return undefined;
  if (inPlane * 4 > streaming.chunkBytes && path !== 'PlaneGroups' && !s.around && !oneCellWindows(axes)) {
    return { planes: 0, bytes: HEADER_BYTES + (inPlane + outFloats) * 4 + kernelBytes };
  }
  if (path === 'PlaneGroups') per = Math.max(16, per - (per % 16)); // the kernel interleaves whole groups of 16
  if (per >= planes) return undefined;
  return { planes: per, bytes: HEADER_BYTES + per * (inPlane + outFloats) * 4 + kernelBytes };
}

/**
 * Whole planes per chunk of a plain call over `planes` planes of `planeBytes` each (about a
 * chunk's bytes, at least one plane); 0 when the call runs whole: on another thread
 * (simdpool/parallel defers kernels), or smaller than streaming.minBytes. (Streamed unpooling,
 * ./unpool.ts, cuts its planes by this too.)
 */
function planesPerChunk(ctx: Context, planes: number, planeBytes: number): number {
  if (ctx.defer !== undefined || planes * planeBytes < streaming.minBytes) return 0;
  return chunkPlanes(planeBytes);
}

/** Whole planes of `planeBytes` in a chunk: about a chunk's bytes, at least one plane. */
export function chunkPlanes(planeBytes: number): number {
  return Math.max(1, Math.floor(streaming.chunkBytes / planeBytes));
}

/**
 * What one chunk pools: planes [p0, p0 + planes), their output rows [r0, r0 + rows) (every row,
 * or one plane's range of rows), reading elements [lo, hi) counted from plane p0's start.
 */
interface Chunk {
  p0: number;
  planes: number;
  r0: number;
  rows: number;
  lo: number;
  hi: number;
}

/**
 * The chunks of a call of `planes` planes whose plan header is `header`: `per` whole planes at a
 * time, or, with `per` 0 (planes larger than a chunk), each plane in ranges of output rows
 * (./row-chunks.ts), whose input rows are copied in as one span.
 */
function chunksOf(ctx: Context, header: Int32Array, planes: number, per: number): Chunk[] {
  const inPlane = header[FIELD.inPlane], outRows = header[FIELD.outRows];
  const chunks: Chunk[] = [];
  if (per) {
    for (let p0 = 0; p0 < planes; p0 += per) {
      const count = Math.min(per, planes - p0);
      chunks.push({ p0, planes: count, r0: 0, rows: outRows, lo: 0, hi: count * inPlane });
    }
    return chunks;
  }
  const ranges = rowChunks(rowSpans(new Int32Array(ctx.memory.memory.buffer), header), streaming.chunkBytes / 4, inPlane);
  for (let p0 = 0; p0 < planes; p0++) for (const range of ranges) chunks.push({ p0, planes: 1, ...range });
  return chunks;
}

/**
 * Pool `data` (`planes` planes) chunk by chunk with the plan at `plan`; the chunk buffers are
 * scratch blocks of `call`. Returns the whole output (and indices), allocated once up front.
 * Each chunk's kernel gets a copy of the header over its planes and rows (as simdpool/parallel
 * splits calls, src/parallel/split.ts) and an input pointer moved back by the chunk's first
 * element, so the plan's plane-relative row offsets land in the chunk buffer (wasm addresses
 * wrap, as the sums do) and indices stay per plane.
 */
function streamChunks(
  ctx: Context, call: CallMemory, plan: number, kernel: CallKernel, data: Float32Array, planes: number, per: number, withIndices: boolean,
): { output: Float32Array; indices?: Int32Array } {
  const header = readHeader(ctx.memory.memory, plan);
  const inPlane = header[FIELD.inPlane], outPlane = header[FIELD.outPlane];
  const rowFloats = header[FIELD.outW] * header[FIELD.channels];
  const chunks = chunksOf(ctx, header, planes, per);
  let inFloats = 0, outFloats = 0;
  for (const c of chunks) {
    inFloats = Math.max(inFloats, c.hi - c.lo);
    outFloats = Math.max(outFloats, c.planes * c.rows * rowFloats);
  }
  const headerPtr = call.block(HEADER_BYTES, 'plan header');
  const inPtr = call.block(inFloats * 4, 'x chunk');
  const outPtr = call.block(outFloats * 4, 'out chunk');
  const indicesPtr = withIndices ? call.block(outFloats * 4, 'outIndices chunk') : 0;
  const output = new Float32Array(planes * outPlane);
  const indices = withIndices ? new Int32Array(planes * outPlane) : undefined;
  // Views once every block is allocated (growing memory detaches earlier ones); kernels never grow it.
  const buffer = ctx.memory.memory.buffer;
  const headerView = new Int32Array(buffer, headerPtr, header.length);
  const inView = new Float32Array(buffer, inPtr, inFloats);
  const outView = new Float32Array(buffer, outPtr, outFloats);
  const indicesView = new Int32Array(buffer, indicesPtr, withIndices ? outFloats : 0);
  const fields = header.slice();
  for (const { p0, planes: count, r0, rows, lo, hi } of chunks) {
    fields[FIELD.planes] = count;
    headerView.set(rowRange(fields, header, r0, rows));
    inView.set(elementsOf(Float32Array, data, p0 * inPlane + lo, hi - lo));
    kernel(headerPtr, inPtr - lo * 4, outPtr, indicesPtr, count);
    const at = p0 * outPlane + r0 * rowFloats, n = count * rows * rowFloats;
    output.set(outView.subarray(0, n), at);
    if (indices) indices.set(indicesView.subarray(0, n), at);
  }
  return { output, indices };
}

/**
 * A float32 pooling call with plain results (ops/pool.ts runPool), streamed: the plan, the
 * PlaneGroups scratch and the chunk buffers (sizes.chunks) are all it allocates in wasm memory.
 */
function run(ctx: Context, op: string, arg: TensorArg, axes: readonly Axis[], s: Settings, sizes: CallSizes, cached?: PlanRef): unknown {
  const { outShape, shape, path, groupBytes, resultBytes } = sizes;
  const chunks = sizes.chunks!;
  // A chunk's memory, and the whole result's (held in JavaScript, but as any result limited to
  // what wasm memory could hold: a streamed call must not return what a resident one refuses).
  checkFits(op, outShape, Math.max(chunks.bytes, resultBytes));
  const call = new CallMemory(ctx, op);
  try {
    const plan = planOf(ctx, shape, axes, planDivisor(s), cached);
    const scratch = groupBytes > 0 ? call.block(groupBytes, 'plane groups') : 0;
    const kernel = callKernel(ctx, call, arg.g, axes, path, s, scratch);
    const { output, indices } = streamChunks(ctx, call, plan, kernel, arg.data as Float32Array, shape.planes, chunks.planes, s.returnIndices);
    const layout = arg.g.layout;
    const result = { data: output, shape: [...outShape], layout };
    return indices ? { output: result, indices: { data: indices, shape: [...outShape], layout } } : result;
  } finally {
    call.release();
  }
}

/** What the full engine hands its operators (Context.stream). */
export const STREAM_OPS = { callChunks, run, planesPerChunk };
export type StreamOps = typeof STREAM_OPS;
