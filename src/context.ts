// What every operator needs from its engine: the kernels, the memory and the plan cache.
import type { Kernels } from './kernels';
import type { LinearMemory } from './memory';
import type { PlanCache } from './ops/plan';
import type { BoundedMap } from './bounded-map';
import type { ByteOps } from './ops/bytes';
import type { InteropOps } from './ops/interop';
import type { LpOps } from './ops/lp';
import type { StreamOps } from './ops/stream';
import type { kernelWithinInput } from './ops/kernel-within-input';
import type { oneCellKernel } from './ops/one-cell';
import type { readCall } from './ops/signature';
import type { Settings } from './ops/pool';
import type { OperatorSpec } from './ops/registry';
import type { Axis, Geometry } from './shape';

/** Settings a pooling call takes beyond the common ones (Context.windowSettings). */
export type WindowSettings = (op: OperatorSpec, bag: Record<string, unknown>, axes: readonly Axis[], g: Geometry) => Partial<Settings> | undefined;

export interface Context {
  readonly kernels: Kernels;
  readonly memory: LinearMemory;
  readonly plans: PlanCache;
  /** What calls resolved to, by call signature (see ops/signature.ts). */
  readonly resolved: BoundedMap<string, unknown>;
  /**
   * Set by simdpool/parallel, whose kernels may still be running in worker threads when an
   * operator returns: a step handed to defer() that returns true runs once they are done
   * ('finish' copies results out, and is skipped if the kernels failed; 'release' frees scratch
   * memory). Absent, or returning false: steps run at once.
   */
  readonly defer?: Defer;
  /** Set by simdpool/parallel: see Fork. */
  readonly fork?: Fork;
  /** int8/uint8 pooling (ops/bytes.ts): the full engine's; simdpool/core has none. */
  readonly bytes?: ByteOps;
  /**
   * TensorFlow's and ONNX's conventions, nanMode and index numberings (ops/interop.ts): the full
   * engine's; simdpool/core rejects their options as unknown.
   */
  readonly interop?: InteropOps;
  /**
   * End-to-end calls streamed in chunks of planes (ops/stream.ts): the full engine's; simdpool/core
   * (held to a 48 KB bundle) copies whole inputs in and whole results out.
   */
  readonly stream?: StreamOps;
  /** Lp pooling (ops/lp.ts): the full engine's; simdpool/core has no Lp operators. */
  readonly lp?: LpOps;
  /**
   * A pooling call's settings beyond the common ones (windowed and adaptive): Lp pooling's
   * (ops/lp.ts), adaptive averages divided axis by axis as PyTorch rounds them
   * (ops/window-sizes.ts; simdpool/core divides by the cell count, within an ulp), the row-fold
   * kernel of wide stride-1 max pooling (ops/row-folds.ts), kernel paths (ops/paths.ts): the
   * full engine's.
   */
  readonly windowSettings?: WindowSettings;
  /** avg_pool3d's kernel check (ops/kernel-within-input.ts): the full engine's; simdpool/core has no 3D operators. */
  readonly kernelWithinInput?: typeof kernelWithinInput;
  /** Call reads with the last call remembered (ops/last-call.ts): the full engine's. */
  readonly readCall?: typeof readCall;
  /** Windows of one cell, elementwise (./ops/one-cell.ts); simdpool/core runs the window kernels. */
  readonly oneCell?: typeof oneCellKernel;
}

/** What simdpool/parallel supplies to an Engine instead of the defaults. */
export interface EngineHooks {
  memory?: LinearMemory;
  defer?: Defer;
  fork?: Fork;
  bytes?: ByteOps;
  interop?: InteropOps;
  stream?: StreamOps;
  lp?: LpOps;
  windowSettings?: WindowSettings;
  kernelWithinInput?: typeof kernelWithinInput;
  readCall?: typeof readCall;
  oneCell?: typeof oneCellKernel;
}

export type Defer = (step: () => void, kind: 'finish' | 'release') => boolean;

/**
 * simdpool/parallel's: run() takes parts of a call (each a function making kernel calls) and runs
 * each part's calls in order as one work item, the parts at once on the workers (or all of them
 * on the calling thread when their work is below its inline threshold). parts() is how many are
 * worth making for a call of `work` (window taps plus floats read, as its own threshold's):
 * one a worker, none when the call runs on the calling thread anyway. A call split kernel call by
 * kernel call pays a round trip to the workers for each (./ops/channel-planes.ts).
 */
export interface Fork {
  parts(work: number): number;
  run(parts: ReadonlyArray<() => void>): void;
}
