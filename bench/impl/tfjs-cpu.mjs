// @tensorflow/tfjs-backend-cpu (plain JS kernels).
import { loadTf, useBackend, tfOp, tfRunners } from './tfjs-common.mjs';

export default async function create() {
  const { tf, versions } = await loadTf();
  await useBackend(tf, 'cpu');
  return [
    {
      id: 'tfjs-cpu',
      label: 'tfjs-cpu (end-to-end)',
      role: 'e2e',
      note: `tfjs-backend-cpu ${versions.cpu}; NHWC ops, NCHW cases get the transposed copy; global average = avgPool over the whole image`,
      describe: 'tf.tensor4d(Float32Array) + op + dataSync() + dispose, cpu backend',
      supports: (spec) => (tfOp(tf, spec) ? true : 'op not expressible in tfjs'),
      prepare: (spec, inputs) => tfRunners(tf, 'cpu', spec, inputs, 'e2e'),
    },
  ];
}
