// The one list of operators: the engine builds its methods from it, and the tests and the
// benchmark read it to know what exists. Adding an operator is one entry here, one kernel in
// assembly/, one reference function in test/reference/.

export type Reduction = 'max' | 'avg' | 'lp';

export interface OperatorSpec {
  name: string;
  /**
   * pool: windows from kernelSize/stride/padding; adaptive: windows from outputSize; global: one
   * window over all spatial positions; unpool: max unpooling; layout: a layout conversion;
   * backward: the gradient of a pooling operator with respect to its input (ops/backward.ts).
   */
  kind: 'pool' | 'adaptive' | 'global' | 'unpool' | 'layout' | 'backward';
  /** Backward passes: the kind of the forward operator (windows from options, or adaptive). */
  forward?: 'pool' | 'adaptive';
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
/** TensorFlow's and ONNX's numberings of max pooling's indices (src/ops/interop.ts). */
export const INDEX_FORMAT_OPTIONS = ['indexFormat', 'storageOrder', 'includeBatchInIndex'] as const;
/**
 * The options that only go with returnIndices: true (outIndices and INDEX_FORMAT_OPTIONS; written
 * out, as the other full-engine lists: an array spread would keep them in simdpool/core).
 */
export const INDEX_OPTIONS = ['outIndices', 'indexFormat', 'storageOrder', 'includeBatchInIndex'] as const;
/** Quantization parameters of int8/uint8 averages (src/ops/bytes.ts); float32 inputs reject them. */
export const QUANT_OPTIONS = ['scale', 'zeroPoint', 'outScale', 'outZeroPoint'] as const;
const AVG_FLOAT_OPTIONS = [...WINDOW, 'countIncludePad', 'divisorOverride'] as const;
const LP_OPTIONS = ['normType', 'kernelSize', 'stride', 'ceilMode', 'out'] as const;
const UNPOOL_OPTIONS = ['kernelSize', 'stride', 'padding', 'outputSize', 'out'] as const;
const OUT_ONLY = ['out'] as const;
const GLOBAL_LP_OPTIONS = ['out', 'normType'] as const;

/**
 * The max/average families with simdpool/core's options. The full engine's lists add, at their
 * end, TensorFlow's and ONNX's conventions (index numberings, nanMode) to the max-style ones and
 * int8/uint8 quantization to windowed averages (MAX_AVG_OPERATORS).
 */
const CORE_FAMILIES = {
  maxPool: { kind: 'pool', reduce: 'max', options: [...WINDOW, 'dilation', 'returnIndices', 'outIndices'] },
  avgPool: { kind: 'pool', reduce: 'avg', options: AVG_FLOAT_OPTIONS },
  adaptiveMaxPool: { kind: 'adaptive', reduce: 'max', options: ['outputSize', 'out', 'returnIndices', 'outIndices'] },
  adaptiveAvgPool: { kind: 'adaptive', reduce: 'avg', options: ['outputSize', 'out'] },
  globalMaxPool: { kind: 'global', reduce: 'max', options: OUT_ONLY },
  globalAvgPool: { kind: 'global', reduce: 'avg', options: OUT_ONLY },
} as const satisfies Record<string, Omit<OperatorSpec, 'name' | 'dims'>>;
const LAYOUT_OPERATORS = {
  toNHWC: { name: 'toNHWC', kind: 'layout', toChannelsLast: true, dims: 2, options: OUT_ONLY },
  toNCHW: { name: 'toNCHW', kind: 'layout', toChannelsLast: false, dims: 2, options: OUT_ONLY },
} as const;

const DIMS = ['1d', '2d', '3d'] as const;
type Suffix = (typeof DIMS)[number];

/** One entry per spatial rank: `${base}1d${tail}`, `${base}2d${tail}`, `${base}3d${tail}`. */
/* @__NO_SIDE_EFFECTS__ */ function family<B extends string, S extends Omit<OperatorSpec, 'name' | 'dims'>, E extends string = ''>(base: B, spec: S, tail = '' as E) {
  return Object.fromEntries(
    DIMS.map((suffix, i) => [`${base}${suffix}${tail}`, { name: `${base}${suffix}${tail}`, dims: i + 1, ...spec }]),
  ) as { [K in `${B}${Suffix}${E}`]: S & { name: K; dims: number } };
}

/**
 * Max and average pooling of every kind (CORE_FAMILIES with the full engine's options), and layout
 * conversions. Built by a function, called pure: simdpool/core (CORE_OPERATORS) drops it.
 */
function maxAvgOperators() {
  // What the full engine adds to each family's options (see CORE_FAMILIES).
  const interop = [...INDEX_FORMAT_OPTIONS, 'nanMode'];
  const added: Partial<Record<string, readonly string[]>> = {
    maxPool: interop, avgPool: QUANT_OPTIONS, adaptiveMaxPool: interop, globalMaxPool: ['nanMode'],
  };
  const families = Object.entries(CORE_FAMILIES).map(([base, spec]) =>
    family(base, { ...spec, options: [...spec.options, ...(added[base] ?? [])] }),
  );
  return Object.assign({}, ...families, LAYOUT_OPERATORS) as {
    [K in `${keyof typeof CORE_FAMILIES}${Suffix}`]: OperatorSpec;
  } & typeof LAYOUT_OPERATORS;
}
export const MAX_AVG_OPERATORS = /* @__PURE__ */ maxAvgOperators();

/**
 * simdpool/core's operators: the max/average families' 1D entries, then their 2D ones, then the
 * layout conversions. Built by a function, called pure: the full bundle drops it.
 */
function coreOperators() {
  const families = [1, 2].flatMap((dims) =>
    Object.entries(CORE_FAMILIES).map(([base, spec]) => [`${base}${dims}d`, { name: `${base}${dims}d`, dims, ...spec }]),
  );
  return Object.fromEntries([...families, ...Object.entries(LAYOUT_OPERATORS)]) as {
    [K in Exclude<keyof typeof MAX_AVG_OPERATORS, `${string}3d`>]: OperatorSpec;
  };
}
// (not frozen, as OPERATORS is: simdpool/core's bundle is at its budget)
export const CORE_OPERATORS = /* @__PURE__ */ coreOperators();

/** Lp pooling and max unpooling. Pure, so that bundles without them drop this table. */
export const LP_UNPOOL_OPERATORS = (/* @__PURE__ */ Object.assign(
  {},
  family('lpPool', { kind: 'pool', reduce: 'lp', options: LP_OPTIONS }),
  family('globalLpPool', { kind: 'global', reduce: 'lp', options: GLOBAL_LP_OPTIONS }),
  family('maxUnpool', { kind: 'unpool', options: UNPOOL_OPTIONS }),
)) satisfies Record<string, OperatorSpec>;

/**
 * The backward passes (ops/backward.ts). Built by a function, called pure: bundles without them
 * drop the table and its option lists (array spreads at the top level would stay).
 */
function backwardOperators() {
  // Backward passes take the forward options plus the forward input's shape (inputShape) or the
  // forward input itself (input: max pooling without indices, Lp pooling).
  const MAX_BACKWARD_OPTIONS = ['inputShape', 'input', ...WINDOW, 'dilation', 'nanMode'] as const;
  // (Gradients are float32: no quantization options.)
  const AVG_BACKWARD_OPTIONS = ['inputShape', ...AVG_FLOAT_OPTIONS] as const;
  const LP_BACKWARD_OPTIONS = ['input', ...LP_OPTIONS] as const;
  const ADAPTIVE_MAX_BACKWARD_OPTIONS = ['inputShape', 'input', 'nanMode', 'out'] as const;
  const ADAPTIVE_AVG_BACKWARD_OPTIONS = ['inputShape', 'out'] as const;
  return Object.assign(
    {},
    family('maxPool', { kind: 'backward', forward: 'pool', reduce: 'max', options: MAX_BACKWARD_OPTIONS }, 'Backward'),
    family('avgPool', { kind: 'backward', forward: 'pool', reduce: 'avg', options: AVG_BACKWARD_OPTIONS }, 'Backward'),
    family('lpPool', { kind: 'backward', forward: 'pool', reduce: 'lp', options: LP_BACKWARD_OPTIONS }, 'Backward'),
    family('adaptiveMaxPool', { kind: 'backward', forward: 'adaptive', reduce: 'max', options: ADAPTIVE_MAX_BACKWARD_OPTIONS }, 'Backward'),
    family('adaptiveAvgPool', { kind: 'backward', forward: 'adaptive', reduce: 'avg', options: ADAPTIVE_AVG_BACKWARD_OPTIONS }, 'Backward'),
  ) satisfies Record<string, OperatorSpec>;
}
export const BACKWARD_OPERATORS = /* @__PURE__ */ backwardOperators();

/**
 * The exported table of every operator, frozen with its entries and their option lists: the
 * engines read it at every call, and entries share option lists (a push into avgPool1d's changed
 * avgPool2d's too). Called pure: a bundle that exports no table drops it.
 */
/* @__NO_SIDE_EFFECTS__ */ function frozen<T extends object>(table: T): T {
  for (const spec of Object.values(table) as OperatorSpec[]) Object.freeze(Object.freeze(spec).options);
  return Object.freeze(table);
}

/** Every operator. */
export const OPERATORS = /* @__PURE__ */ frozen(/* @__PURE__ */ Object.assign({}, MAX_AVG_OPERATORS, LP_UNPOOL_OPERATORS, BACKWARD_OPERATORS));

export type OperatorName = keyof typeof OPERATORS;
