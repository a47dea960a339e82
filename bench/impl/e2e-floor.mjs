// End-to-end floor: the least an end-to-end call (Float32Array in, fresh Float32Array out) must
// do with the data in wasm memory. It moves the data as simdpool's end-to-end calls do: inputs of
// 512 KiB or more stream in chunks of whole planes of about 128 KiB, or of 128 KiB pieces where a
// plane is larger (src/ops/stream.ts streams such planes in ranges of rows): copy a
// chunk into wasm memory, run the memory-limit loop over it — bench/memlimit.ts: read the chunk
// once, write its output-sized buffer once — and copy that straight into the result, allocated
// once); smaller ones are copied in whole, run once and copied out whole. No pooling arithmetic,
// so no end-to-end call that moves its data this way can be faster: JS loops ÷ this time bounds
// how much faster than the JS loops end-to-end simdpool can be (bench/report.mjs).
import { readFileSync } from 'node:fs';
import { instantiateMemlimit } from './memlimit.mjs';

/** simdpool's defaults (src/ops/streaming.json, read by src/ops/stream.ts). */
const { chunkBytes: CHUNK_BYTES, minBytes: MIN_BYTES } = JSON.parse(readFileSync(new URL('../../src/ops/streaming.json', import.meta.url), 'utf8'));

export default async function create() {
  const { alloc, stream, memory } = await instantiateMemlimit();
  return [
    {
      id: 'e2e-floor',
      label: 'end-to-end floor (copy in, memory-limit loop, copy out; streamed in chunks as simdpool)',
      role: 'reference',
      describe: 'copies the Float32Array input into wasm memory, runs the memory-limit loop (bench/memlimit.ts), and copies the output region into a fresh Float32Array, in chunks of whole planes of ~128 KiB for inputs of 512 KiB or more (as simdpool streams end-to-end calls), whole otherwise: the copies every end-to-end call makes plus the least kernel work; no pooling result, not verified',
      prepare(spec, inputs) {
        // Planes as simdpool's kernels count them: samples for channels-last, else samples x channels.
        // Planes larger than a chunk stream in ranges of rows there (src/ops/row-chunks.ts): here,
        // pieces of one chunk of input and the matching share of the output, with no overlap.
        const planes = spec.layout === 'NHWC' ? spec.shape[0] : spec.shape[0] * spec.shape[1];
        const rowsWise = spec.inElems / planes > CHUNK_BYTES / 4;
        const pieces = spec.inElems * 4 < MIN_BYTES ? 1 : rowsWise ? Math.ceil((spec.inElems * 4) / CHUNK_BYTES) : planes;
        const inPiece = Math.ceil(spec.inElems / pieces), outPiece = Math.ceil(spec.outElems / pieces);
        const perChunk = rowsWise ? 1 : Math.max(1, Math.floor(CHUNK_BYTES / (inPiece * 4)));
        const per = spec.inElems * 4 >= MIN_BYTES && perChunk < pieces ? perChunk : pieces;
        const inVecs = Math.ceil((per * inPiece * 4) / 16);
        const outVecs = Math.ceil((per * outPiece * 4) / 16);
        const src = alloc(inVecs * 16);
        const dst = alloc(outVecs * 16);
        const input = inputs.nchw;
        new Float32Array(memory.buffer, dst, outVecs * 4).fill(0); // touch the pages once, as resident tensors are
        const inView = new Float32Array(memory.buffer, src, per * inPiece);
        const outView = new Float32Array(memory.buffer, dst, per * outPiece);
        // Kept until the next call, as the end-to-end implementations keep their last result
        // (a caller holds it): the next result is then allocated while this one is still live.
        let last = null;
        return {
          layout: spec.layout,
          run: () => {
            const output = new Float32Array(spec.outElems);
            last = output;
            for (let p0 = 0; p0 < pieces; p0 += per) {
              const inFrom = p0 * inPiece, inTo = Math.min(spec.inElems, (p0 + per) * inPiece);
              const outFrom = p0 * outPiece, outTo = Math.min(spec.outElems, (p0 + per) * outPiece);
              inView.set(input.subarray(inFrom, inTo));
              stream(src, Math.ceil((inTo - inFrom) / 4), dst, Math.ceil((outTo - outFrom) / 4));
              output.set(outTo - outFrom === outView.length ? outView : outView.subarray(0, outTo - outFrom), outFrom);
            }
            return last;
          },
          output: null,
          dispose() {},
        };
      },
    },
  ];
}
