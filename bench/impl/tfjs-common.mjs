// Shared tfjs setup: one tfjs-core engine with the wasm and cpu backends registered.
// Each tfjs implementation activates its backend before its samples (outside the
// timed region) and keeps its own tensors on that backend, so no data ever moves
// between backends inside a measurement.
import { createRequire } from 'node:module';
import path from 'node:path';
import { dimsIn } from '../cases.mjs';

const require = createRequire(import.meta.url);
let loading;

export function loadTf() {
  loading ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core');
    const cpu = await import('@tensorflow/tfjs-backend-cpu');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
    wasm.setWasmPaths(dist); // load tfjs-backend-wasm-simd.wasm from node_modules, no fetch
    wasm.setThreadsCount(1); // single thread (must precede setBackend('wasm'))
    tf.env().set('PROD', true);
    return { tf, wasm, versions: { core: tf.version_core, wasm: wasm.version_wasm, cpu: cpu.version_cpu } };
  })();
  return loading;
}

/** Make `name` the active backend; returns true if it had to switch. */
export async function useBackend(tf, name) {
  if (tf.getBackend() === name) return false;
  // the cpu backend prints a "use tfjs-node" banner on first init; keep the table clean
  const warn = console.warn;
  const log = console.log;
  console.warn = console.log = () => {};
  try {
    const ok = await tf.setBackend(name);
    if (!ok) throw new Error(`tfjs backend ${name} failed to initialise`);
  } finally {
    console.warn = warn;
    console.log = log;
  }
  return true;
}

/**
 * The layout a tfjs op consumes: NHWC (tfjs pooling ops are NHWC-only). Global
 * average is tf.avgPool with a window covering the whole image, the fastest form
 * measured here: on 1×2048×7×7 it beat tf.mean over [2,3] of NCHW data by ~3.5×
 * (wasm) / ~2× (cpu) and tf.mean over [1,2] of NHWC data by ~20× / ~45×.
 */
export function tfLayout() {
  return 'NHWC';
}

/** Returns (x) => y applying the case's pooling with tfjs ops. */
export function tfOp(tf, spec) {
  const layout = tfLayout(spec);
  if (spec.op === 'gap') {
    const window = [spec.shape[2], spec.shape[3]];
    return (x) => tf.avgPool(x, window, 1, 'valid');
  }
  const [ph, pw] = spec.padding;
  if (ph !== pw) throw new Error('asymmetric padding not mapped');
  const pad = ph === 0 ? 'valid' : ph; // numeric pad = explicit symmetric zero-ignoring padding
  if (layout !== 'NHWC') throw new Error('unexpected layout');
  if (spec.op === 'max') return (x) => tf.maxPool(x, spec.kernel, spec.stride, pad);
  if (spec.countIncludePad && ph > 0) return null; // tfjs avgPool always excludes padding
  return (x) => tf.avgPool(x, spec.kernel, spec.stride, pad);
}

export function tfDims(spec) {
  return dimsIn(spec.shape, tfLayout(spec));
}

/**
 * resident: input tensor created once; timed = op + dispose of the result. Both tfjs
 *   backends execute kernels synchronously inside the op call, so the op's return
 *   means the result is computed (no readback).
 * e2e: timed = tf.tensor4d(Float32Array) + op + dataSync() + dispose of both.
 */
export function tfRunners(tf, backend, spec, inputs, mode) {
  const op = tfOp(tf, spec);
  const layout = tfLayout(spec);
  const dims = tfDims(spec);
  const data = inputs.of(layout);
  if (mode === 'resident') {
    let x;
    return {
      layout,
      // called before every sample (untimed): switch backend if another tfjs row ran
      // last, then one untimed call so the switch's lazy setup stays out of the sample
      async activate() {
        const switched = await useBackend(tf, backend);
        x ??= tf.tensor4d(data, dims, 'float32');
        if (switched) this.run();
      },
      run() {
        op(x).dispose();
      },
      output() {
        const y = op(x);
        const out = y.dataSync().slice();
        y.dispose();
        return out;
      },
      dispose() {
        x?.dispose();
      },
    };
  }
  let last = null;
  return {
    layout,
    async activate() {
      if (await useBackend(tf, backend)) this.run();
    },
    run() {
      const x = tf.tensor4d(data, dims, 'float32');
      const y = op(x);
      last = y.dataSync();
      x.dispose();
      y.dispose();
    },
    output() {
      this.run();
      return last;
    },
    dispose() {},
  };
}
