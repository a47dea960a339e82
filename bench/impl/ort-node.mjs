// onnxruntime-node, native CPU execution provider, intra-op and inter-op threads = 1.
import { ORT_NODE_SESSION, ortRunner } from './ort-common.mjs';

export default async function create() {
  const ort = await import('onnxruntime-node');
  return [
    {
      id: 'ort-node',
      label: 'onnxruntime-node (1 thread)',
      role: 'e2e',
      note: `onnxruntime-node ${ort.env.versions.node}; NCHW model, NHWC cases get the transposed copy`,
      describe: 'new ort.Tensor + await session.run + output data, native CPU EP, intraOpNumThreads=1',
      prepare: (spec, inputs) => ortRunner(ort, spec, inputs, ORT_NODE_SESSION),
    },
  ];
}
