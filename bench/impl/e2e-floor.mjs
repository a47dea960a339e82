// End-to-end floor: the least an end-to-end call (Float32Array in, fresh Float32Array out) must
// do with the data in wasm memory. It copies the input into wasm memory, runs the memory-limit
// loop (bench/memlimit.ts: reads the input once, writes an output-sized buffer once) and copies
// the output into a fresh Float32Array, as every end-to-end call returns one. No pooling
// arithmetic, so no end-to-end implementation that copies in and out can be faster: JS loops ÷
// this time bounds how much faster than the JS loops end-to-end simdpool can be (bench/report.mjs).
import { readFileSync } from 'node:fs';
import { buildMemlimit } from './memlimit.mjs';

export default async function create() {
  const { instance } = await WebAssembly.instantiate(readFileSync(buildMemlimit()), {
    env: { abort() { throw new Error('memlimit.wasm aborted'); } },
  });
  const { alloc, stream, memory } = instance.exports;
  return [
    {
      id: 'e2e-floor',
      label: 'end-to-end floor (copy in, memory-limit loop, copy out)',
      role: 'reference',
      describe: 'copies the Float32Array input into wasm memory, runs the memory-limit loop (bench/memlimit.ts), and returns the output region as a fresh Float32Array (.slice()): the copies every end-to-end call makes plus the least kernel work; no pooling result, not verified',
      prepare(spec, inputs) {
        const inVecs = Math.ceil((spec.inElems * 4) / 16);
        const outVecs = Math.ceil((spec.outElems * 4) / 16);
        const src = alloc(inVecs * 16);
        const dst = alloc(outVecs * 16);
        const input = inputs.nchw;
        new Float32Array(memory.buffer, dst, outVecs * 4).fill(0); // touch the pages once, as resident tensors are
        return {
          layout: spec.layout,
          run: () => {
            new Float32Array(memory.buffer, src, spec.inElems).set(input);
            stream(src, inVecs, dst, outVecs);
            return new Float32Array(memory.buffer, dst, spec.outElems).slice();
          },
          output: null,
          dispose() {},
        };
      },
    },
  ];
}
