// Other frameworks' conventions, the full engine's (Context.interop): TensorFlow's nanMode
// 'ignore', and the index numberings of ONNX MaxPool (flat over the whole tensor, row- or
// column-major) and TensorFlow's max_pool_with_argmax (spatial * C + c), made in wasm from
// PyTorch's per-plane indices (assembly/indices.ts). simdpool/core knows only PyTorch's: it
// rejects these options as unknown (and pool() itself rejects outIndices without returnIndices).
import type { Kernels } from '../kernels';
import { describe } from '../describe';
import { product, type Geometry } from '../shape';
import { readBool, readNanMode, readNumber, type IndexFormat } from './options';
import { INDEX_OPTIONS } from './registry';

const PLANE: IndexFormat = { kind: 'plane' };

/** indexFormat with its companions storageOrder ('onnx') and includeBatchInIndex ('tf'). */
function readIndexFormat(op: string, bag: Record<string, unknown>, returnIndices: boolean): IndexFormat {
  if (!returnIndices) {
    for (const name of INDEX_OPTIONS) {
      if (bag[name] !== undefined) throw new TypeError(`${op}: ${name} is only accepted with returnIndices: true`);
    }
    return PLANE;
  }
  const format = bag.indexFormat ?? 'plane';
  if (format !== 'plane' && format !== 'onnx' && format !== 'tf') {
    const E = typeof format === 'string' ? RangeError : TypeError;
    throw new E(`${op}: indexFormat must be 'plane', 'onnx' or 'tf', got ${describe(format)}`);
  }
  if (format !== 'onnx' && bag.storageOrder !== undefined) {
    throw new TypeError(`${op}: storageOrder is only accepted with indexFormat: 'onnx'`);
  }
  if (format !== 'tf' && bag.includeBatchInIndex !== undefined) {
    throw new TypeError(`${op}: includeBatchInIndex is only accepted with indexFormat: 'tf'`);
  }
  if (format === 'onnx') {
    const order = readNumber(op, 'storageOrder must be 0 or 1', bag.storageOrder ?? 0, (n) => n === 0 || n === 1);
    return { kind: 'onnx', storageOrder: order as 0 | 1 };
  }
  if (format === 'tf') return { kind: 'tf', includeBatchInIndex: readBool(op, 'includeBatchInIndex', bag.includeBatchInIndex, false) };
  return PLANE;
}

/** Rewrite the kernels' per-plane indices (PyTorch's) into another numbering, in wasm. */
function remapIndices(k: Kernels, g: Geometry, outPlane: number, ptr: number, format: IndexFormat): void {
  if (format.kind === 'plane') return;
  const spatial = product(g.spatial);
  const C = g.channels;
  if (format.kind === 'tf') {
    k.remapIndices_i32(ptr, g.batch, C, outPlane, +g.channelsLast, format.includeBatchInIndex ? spatial * C : 0, 1, C);
  } else if (format.storageOrder === 0 || g.spatial.length === 1) {
    k.remapIndices_i32(ptr, g.batch, C, outPlane, +g.channelsLast, C * spatial, spatial, 1);
  } else {
    // Split p into row-major coordinates, weigh them column-major (see assembly/indices.ts).
    const [m1, m2, w0, w1, w2] = g.spatial.length === 2
      ? [0x7fffffff, g.spatial[1], 0, 1, g.spatial[0]]
      : [g.spatial[1], g.spatial[2], 1, g.spatial[0], g.spatial[0] * g.spatial[1]];
    k.remapIndicesColumnMajor_i32(ptr, g.batch, C, outPlane, +g.channelsLast, C * spatial, spatial, 1, m1, m2, w0, w1, w2);
  }
}

export const INTEROP_OPS = { readNanMode, readIndexFormat, remapIndices };
export type InteropOps = typeof INTEROP_OPS;
