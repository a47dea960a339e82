// Index numberings of other frameworks for returned indices: ONNX MaxPool's (flat over the whole
// tensor, row- or column-major) and TensorFlow's max_pool_with_argmax (spatial * C + c), made
// in wasm from PyTorch's per-plane indices (assembly/indices.ts). The full engine hands these to
// its operators (Context.indexFormats); simdpool/core knows only PyTorch's.
import type { Kernels } from '../kernels';
import { describe } from '../describe';
import type { Geometry } from '../shape';
import { readBool, readNumber, readPlaneIndexFormat, type IndexFormat } from './options';

/** indexFormat with its companions storageOrder ('onnx') and includeBatchInIndex ('tf'). */
function readIndexFormat(op: string, bag: Record<string, unknown>, returnIndices: boolean): IndexFormat {
  const plane = readPlaneIndexFormat(op, bag, returnIndices);
  if (!returnIndices) return plane;
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
  return plane;
}

/** Rewrite the kernels' per-plane indices (PyTorch's) into another numbering, in wasm. */
function remapIndices(k: Kernels, g: Geometry, outPlane: number, ptr: number, format: IndexFormat): void {
  if (format.kind === 'plane') return;
  const spatial = g.spatial.reduce((a, b) => a * b, 1);
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

export const INDEX_FORMATS = { read: readIndexFormat, remap: remapIndices };
export type IndexFormats = typeof INDEX_FORMATS;
