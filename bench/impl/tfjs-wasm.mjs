// @tensorflow/tfjs-backend-wasm (XNNPACK kernels), single thread, SIMD binary.
import { loadTf, useBackend, tfOp, tfRunners } from './tfjs-common.mjs';

export default async function create() {
  const { tf, versions } = await loadTf();
  await useBackend(tf, 'wasm');
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  const note = `tfjs-backend-wasm ${versions.wasm}, SIMD ${simd ? 'on' : 'OFF'}, threads: ${threads ? 'threaded build, setThreadsCount(1)' : 'single-threaded build'}; NHWC ops, NCHW cases get the transposed copy; global average = avgPool over the whole image`;
  const supports = (spec) => (tfOp(tf, spec) ? true : 'op not expressible in tfjs');
  return [
    {
      id: 'tfjs-wasm-resident',
      label: 'tfjs-wasm (resident)',
      role: 'resident',
      note,
      describe: 'tensor already on the wasm backend; times the op call (kernel runs synchronously) + dispose of the result, no readback',
      supports,
      prepare: (spec, inputs) => tfRunners(tf, 'wasm', spec, inputs, 'resident'),
    },
    {
      id: 'tfjs-wasm',
      label: 'tfjs-wasm (end-to-end)',
      role: 'e2e',
      note,
      describe: 'tf.tensor4d(Float32Array) + op + dataSync() + dispose, wasm backend',
      supports,
      prepare: (spec, inputs) => tfRunners(tf, 'wasm', spec, inputs, 'e2e'),
    },
  ];
}
