// The one list of operators: the engine builds its methods from it, and the tests and the
// benchmark read it to know what exists. Adding an operator is one entry here, one kernel in
// assembly/, one reference function in test/reference/.

export type Reduction = 'max' | 'avg';

export interface OperatorSpec {
  name: string;
  /** Windowed pooling, one window over all spatial positions, or a layout conversion. */
  kind: 'pool' | 'global' | 'layout';
  /** Pooling operators: what a window computes. Layout conversions: absent. */
  reduce?: Reduction;
  /** Layout conversions: whether the result is channels-last. */
  toChannelsLast?: boolean;
  /** Number of spatial dims. */
  dims: number;
  /** Option names the operator accepts (anything else is a TypeError). */
  options: readonly string[];
}

const WINDOW = ['kernelSize', 'stride', 'padding', 'ceilMode', 'out'] as const;
const MAX_OPTIONS = [...WINDOW, 'dilation', 'returnIndices', 'outIndices'] as const;
const AVG_OPTIONS = [...WINDOW, 'countIncludePad', 'divisorOverride'] as const;
const OUT_ONLY = ['out'] as const;

export const OPERATORS = {
  maxPool2d: { name: 'maxPool2d', kind: 'pool', reduce: 'max', dims: 2, options: MAX_OPTIONS },
  avgPool2d: { name: 'avgPool2d', kind: 'pool', reduce: 'avg', dims: 2, options: AVG_OPTIONS },
  globalMaxPool2d: { name: 'globalMaxPool2d', kind: 'global', reduce: 'max', dims: 2, options: OUT_ONLY },
  globalAvgPool2d: { name: 'globalAvgPool2d', kind: 'global', reduce: 'avg', dims: 2, options: OUT_ONLY },
  toNHWC: { name: 'toNHWC', kind: 'layout', toChannelsLast: true, dims: 2, options: OUT_ONLY },
  toNCHW: { name: 'toNCHW', kind: 'layout', toChannelsLast: false, dims: 2, options: OUT_ONLY },
} as const satisfies Record<string, OperatorSpec>;

export type OperatorName = keyof typeof OPERATORS;
