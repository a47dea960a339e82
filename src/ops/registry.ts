// The one list of operators: the engine builds its methods from it, and the tests and the
// benchmark read it to know what exists. Adding an operator is one entry here, one kernel in
// assembly/, one reference function in test/reference/.

export type Reduction = 'max' | 'avg' | 'lp';

export interface OperatorSpec {
  name: string;
  /**
   * pool: windows from kernelSize/stride/padding; adaptive: windows from outputSize; global: one
   * window over all spatial positions; unpool: max unpooling; layout: a layout conversion.
   */
  kind: 'pool' | 'adaptive' | 'global' | 'unpool' | 'layout';
  /** Pooling operators: what a window computes. Unpooling and layout conversions: absent. */
  reduce?: Reduction;
  /** Layout conversions: whether the result is channels-last. */
  toChannelsLast?: boolean;
  /** Number of spatial dims. */
  dims: number;
  /** Option names the operator accepts (anything else is a TypeError). */
  options: readonly string[];
}

const WINDOW = ['kernelSize', 'stride', 'padding', 'ceilMode', 'out'] as const;
/** Options of every max-style operator that can return indices. */
const INDICES = ['returnIndices', 'outIndices', 'indexFormat', 'storageOrder', 'includeBatchInIndex', 'nanMode'] as const;
const MAX_OPTIONS = [...WINDOW, 'dilation', ...INDICES] as const;
/** Quantization parameters of int8/uint8 averages (src/ops/bytes.ts); float32 inputs reject them. */
export const QUANT_OPTIONS = ['scale', 'zeroPoint', 'outScale', 'outZeroPoint'] as const;
const AVG_OPTIONS = [...WINDOW, 'countIncludePad', 'divisorOverride', ...QUANT_OPTIONS] as const;
const LP_OPTIONS = ['normType', 'kernelSize', 'stride', 'ceilMode', 'out'] as const;
const ADAPTIVE_MAX_OPTIONS = ['outputSize', 'out', ...INDICES] as const;
const ADAPTIVE_AVG_OPTIONS = ['outputSize', 'out'] as const;
const UNPOOL_OPTIONS = ['kernelSize', 'stride', 'padding', 'outputSize', 'out'] as const;
const OUT_ONLY = ['out'] as const;

const DIMS = ['1d', '2d', '3d'] as const;
type Suffix = (typeof DIMS)[number];

/** One entry per spatial rank: `${base}1d`, `${base}2d`, `${base}3d`. */
function family<B extends string, S extends Omit<OperatorSpec, 'name' | 'dims'>>(base: B, spec: S) {
  return Object.fromEntries(
    DIMS.map((suffix, i) => [`${base}${suffix}`, { name: `${base}${suffix}`, dims: i + 1, ...spec }]),
  ) as { [K in `${B}${Suffix}`]: S & { name: K; dims: number } };
}

export const OPERATORS = {
  ...family('maxPool', { kind: 'pool', reduce: 'max', options: MAX_OPTIONS }),
  ...family('avgPool', { kind: 'pool', reduce: 'avg', options: AVG_OPTIONS }),
  ...family('lpPool', { kind: 'pool', reduce: 'lp', options: LP_OPTIONS }),
  ...family('adaptiveMaxPool', { kind: 'adaptive', reduce: 'max', options: ADAPTIVE_MAX_OPTIONS }),
  ...family('adaptiveAvgPool', { kind: 'adaptive', reduce: 'avg', options: ADAPTIVE_AVG_OPTIONS }),
  ...family('globalMaxPool', { kind: 'global', reduce: 'max', options: [...OUT_ONLY, 'nanMode'] }),
  ...family('globalAvgPool', { kind: 'global', reduce: 'avg', options: OUT_ONLY }),
  ...family('globalLpPool', { kind: 'global', reduce: 'lp', options: [...OUT_ONLY, 'normType'] }),
  ...family('maxUnpool', { kind: 'unpool', options: UNPOOL_OPTIONS }),
  toNHWC: { name: 'toNHWC', kind: 'layout', toChannelsLast: true, dims: 2, options: OUT_ONLY },
  toNCHW: { name: 'toNCHW', kind: 'layout', toChannelsLast: false, dims: 2, options: OUT_ONLY },
} as const satisfies Record<string, OperatorSpec>;

export type OperatorName = keyof typeof OPERATORS;
