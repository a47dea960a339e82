// Shared onnxruntime plumbing: a one-node model per case (bench/onnx-model.mjs),
// NCHW in/out (ONNX pooling is NCHW; NHWC cases get the NCHW copy of the same data,
// transposed outside the timing, and their output is transposed back for checking).
import { encodePoolModel, onnxPoolAttributes } from '../onnx-model.mjs';

/** Session options of every onnxruntime-node peer: native CPU provider, one thread, quiet. */
export const ORT_NODE_SESSION = {
  executionProviders: ['cpu'],
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  logSeverityLevel: 3,
};
/** Session options of every onnxruntime-web peer (its thread count is set by loadOrtWeb). */
export const ORT_WEB_SESSION = { executionProviders: ['wasm'], graphOptimizationLevel: 'all', logSeverityLevel: 3 };

/** onnxruntime-web as every benchmark runs it: one wasm thread, no worker proxy, quiet. */
export async function loadOrtWeb() {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  return ort;
}

export function modelFor(spec) {
  if (spec.op === 'gap') {
    return encodePoolModel({ op: 'GlobalAveragePool', inputShape: spec.shape, outputShape: spec.outShape });
  }
  return encodePoolModel({
    op: spec.op === 'max' ? 'MaxPool' : 'AveragePool',
    inputShape: spec.shape,
    outputShape: spec.outShape,
    attributes: onnxPoolAttributes(spec),
  });
}

/**
 * e2e: timed = new ort.Tensor(Float32Array) + await session.run() + reading the
 * output's Float32Array. session.run is async in both packages; the await is part of
 * the API's cost.
 */
export async function ortRunner(ort, spec, inputs, sessionOptions) {
  const session = await ort.InferenceSession.create(modelFor(spec), sessionOptions);
  const data = inputs.of('NCHW');
  let last = null;
  const run = async () => {
    const x = new ort.Tensor('float32', data, spec.shape);
    const r = await session.run({ x });
    last = r.y.data;
    r.y.dispose?.();
  };
  return {
    layout: 'NCHW',
    async: true,
    run,
    async output() {
      await run();
      return last;
    },
    async dispose() {
      await session.release();
    },
  };
}
