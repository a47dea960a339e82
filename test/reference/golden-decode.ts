/**
 * Decoding of test/golden/pool2d.json, without Node APIs so that browser tests can use it on
 * the JSON imported as a module. test/reference/golden.ts reads the file in Node.
 */
export type GoldenOp = 'maxPool2d' | 'avgPool2d' | 'globalMaxPool2d' | 'globalAvgPool2d';

export interface GoldenCase {
  name: string;
  op: GoldenOp;
  /** NCHW or CHW shape of `input`. */
  shape: number[];
  input: Float32Array;
  /** simdpool option names (kernelSize, stride, padding, dilation, ceilMode, countIncludePad, divisorOverride). */
  options: Record<string, unknown>;
  output?: { shape: number[]; data: Float32Array };
  /** Only for maxPool2d / globalMaxPool2d: torch's per-plane flat index h*W + w. */
  indices?: { shape: number[]; data: Int32Array };
  /** Set when torch raised; the name of the JS error class simdpool must throw. */
  error?: 'RangeError' | 'TypeError';
  /** torch's message for error cases (informational). */
  torchError?: string;
}

export interface GoldenFile {
  generator: string;
  torch: string;
  cases: GoldenCase[];
}

export interface RawCase {
  name: string;
  op: GoldenOp;
  shape: number[];
  input: string;
  options: Record<string, unknown>;
  output?: { shape: number[]; data: string };
  indices?: { shape: number[]; data: string };
  error?: 'RangeError' | 'TypeError';
  torchError?: string;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** base64 -> bytes copied into a fresh (hence aligned) ArrayBuffer. */
export function decodeBytes(b64: string, what: string): ArrayBuffer {
  if (!littleEndian) throw new Error('golden loader assumes a little-endian host');
  const buf = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
  if (buf.length % 4 !== 0) throw new Error(`${what}: ${buf.length} bytes is not a multiple of 4`);
  const ab = new ArrayBuffer(buf.length);
  new Uint8Array(ab).set(buf);
  return ab;
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function decodeF32(b64: string, shape: readonly number[], what: string): Float32Array {
  const a = new Float32Array(decodeBytes(b64, what));
  if (a.length !== product(shape)) throw new Error(`${what}: ${a.length} values for shape ${JSON.stringify(shape)}`);
  return a;
}

function decodeI32(b64: string, shape: readonly number[], what: string): Int32Array {
  const a = new Int32Array(decodeBytes(b64, what));
  if (a.length !== product(shape)) throw new Error(`${what}: ${a.length} values for shape ${JSON.stringify(shape)}`);
  return a;
}

export interface RawGoldenFile {
  generator: string;
  torch: string;
  cases: RawCase[];
}

/** Decodes the parsed JSON (base64 arrays to typed arrays). No Node APIs: runs in browsers too. */
export function decodeGoldenFile(raw: RawGoldenFile): GoldenFile {
  const cases = raw.cases.map((c): GoldenCase => {
    const out: GoldenCase = {
      name: c.name,
      op: c.op,
      shape: c.shape,
      input: decodeF32(c.input, c.shape, `${c.name} input`),
      options: c.options,
    };
    if (c.output) out.output = { shape: c.output.shape, data: decodeF32(c.output.data, c.output.shape, `${c.name} output`) };
    if (c.indices) out.indices = { shape: c.indices.shape, data: decodeI32(c.indices.data, c.indices.shape, `${c.name} indices`) };
    if (c.error) out.error = c.error;
    if (c.torchError !== undefined) out.torchError = c.torchError;
    return out;
  });
  return { generator: raw.generator, torch: raw.torch, cases };
}
