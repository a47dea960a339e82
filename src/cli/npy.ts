// NumPy .npy files (format versions 1.0, 2.0 and 3.0): read and write C-order arrays.
// https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html

import { product } from '../shape';

export type NpyDType = 'float32' | 'int32' | 'int8' | 'uint8';

export interface NpyArray {
  dtype: NpyDType;
  shape: number[];
  data: Float32Array | Int32Array | Int8Array | Uint8Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const DESCR: Record<string, { dtype: NpyDType; bytes: number; swap: boolean }> = {
  '<f4': { dtype: 'float32', bytes: 4, swap: false },
  '>f4': { dtype: 'float32', bytes: 4, swap: true },
  '<i4': { dtype: 'int32', bytes: 4, swap: false },
  '>i4': { dtype: 'int32', bytes: 4, swap: true },
  '|i1': { dtype: 'int8', bytes: 1, swap: false },
  '|u1': { dtype: 'uint8', bytes: 1, swap: false },
  // As NumPy reads them too: '=' is native order (little-endian on the hosts Node runs here),
  // and a one-byte type may carry an order.
  '=f4': { dtype: 'float32', bytes: 4, swap: false },
  '=i4': { dtype: 'int32', bytes: 4, swap: false },
  '<i1': { dtype: 'int8', bytes: 1, swap: false },
  '>i1': { dtype: 'int8', bytes: 1, swap: false },
  '=i1': { dtype: 'int8', bytes: 1, swap: false },
  '<u1': { dtype: 'uint8', bytes: 1, swap: false },
  '>u1': { dtype: 'uint8', bytes: 1, swap: false },
  '=u1': { dtype: 'uint8', bytes: 1, swap: false },
};

const NAMES: Record<string, string> = {
  f2: 'float16', f4: 'float32', f8: 'float64', f16: 'float128', i1: 'int8', i2: 'int16', i4: 'int32', i8: 'int64',
  u1: 'uint8', u2: 'uint16', u4: 'uint32', u8: 'uint64', b1: 'bool', c8: 'complex64', c16: 'complex128',
};

export class NpyError extends Error {
  override name = 'NpyError';
}

/** Parse a .npy file's bytes. `what` names the file in error messages. */
export function parseNpy(bytes: Uint8Array, what = 'file'): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new NpyError(`${what}: not a NumPy .npy file (no \\x93NUMPY magic)`);
  }
  const major = bytes[6];
  if (major < 1 || major > 3) throw new NpyError(`${what}: unsupported .npy format version ${major}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + headerLenBytes) throw new NpyError(`${what}: truncated .npy header`);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + headerLenBytes;
  if (bytes.length < start + headerLen) throw new NpyError(`${what}: truncated .npy header (${headerLen} bytes announced)`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new NpyError(`${what}: malformed .npy header ${JSON.stringify(header.trim())}`);
  }
  if (fortran === 'True') {
    throw new NpyError(`${what}: Fortran-order arrays are not supported; save np.ascontiguousarray(x) instead`);
  }
  const type = DESCR[descr];
  if (!type) {
    const name = NAMES[descr.slice(1)] ?? descr;
    throw new NpyError(`${what}: dtype ${descr} (${name}) is not supported; use float32 (x.astype(np.float32))`);
  }
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => {
    const n = Number(s.replace(/L$/, ''));
    if (!Number.isSafeInteger(n) || n < 0) throw new NpyError(`${what}: bad shape (${shapeText}) in .npy header`);
    return n;
  });
  const count = product(shape);
  const dataStart = start + headerLen;
  const need = count * type.bytes;
  const have = bytes.length - dataStart;
  if (have < need) throw new NpyError(`${what}: truncated: shape (${shape.join(', ')}) of ${descr} needs ${need} bytes of data, the file has ${have}`);
  if (have > need) throw new NpyError(`${what}: ${have - need} unexpected bytes after the array data`);
  // Copy: the file's data is not necessarily aligned for a typed array.
  const raw = new Uint8Array(bytes.subarray(dataStart, dataStart + need)); // a copy (a Buffer's slice() is a view)
  if (type.swap) {
    for (let i = 0; i < raw.length; i += 4) {
      [raw[i], raw[i + 1], raw[i + 2], raw[i + 3]] = [raw[i + 3], raw[i + 2], raw[i + 1], raw[i]];
    }
  }
  const Ctor = { float32: Float32Array, int32: Int32Array, int8: Int8Array, uint8: Uint8Array }[type.dtype];
  return { dtype: type.dtype, shape, data: new Ctor(raw.buffer, 0, count) };
}

/** A version 1.0 .npy file (little-endian, C order), header padded to 64 bytes as NumPy does. */
export function formatNpy(array: { data: Float32Array | Int32Array | Int8Array | Uint8Array; shape: readonly number[] }): Uint8Array {
  const descr = array.data instanceof Float32Array ? '<f4' : array.data instanceof Int32Array ? '<i4' : array.data instanceof Int8Array ? '|i1' : '|u1';
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + array.data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength), 10 + header.length);
  return out;
}
