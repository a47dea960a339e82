// onnxruntime-web, wasm execution provider, 1 thread (no worker proxy), in Node.
import { ORT_WEB_SESSION, loadOrtWeb, ortRunner } from './ort-common.mjs';

export default async function create() {
  const ort = await loadOrtWeb();
  return [
    {
      id: 'ort-web',
      label: 'onnxruntime-web (wasm, 1 thread)',
      role: 'e2e',
      note: `onnxruntime-web ${ort.env.versions.web}; NCHW model, NHWC cases get the transposed copy`,
      describe: 'new ort.Tensor + await session.run + output data, wasm EP, numThreads=1',
      prepare: (spec, inputs) => ortRunner(ort, spec, inputs, ORT_WEB_SESSION),
    },
  ];
}
