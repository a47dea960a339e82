// Size budgets of the inlined ESM bundles, minified as an app's bundler would (the .wasm builds
// are packed in: Zopfli-deflated, base85 text, src/wasm-packed.ts).
//   simdpool/core (dist/core.js): the browser issue's budget, 48 KB read strictly (48 000 bytes).
//   47 492-47 771 bytes, then 49 068 (held at 48 KiB) after the read-once fixes (+1.4 KB; its
//   kernels built with asc shrinkLevel 1 took back 0.6 KB); 47 635 with private state as #fields,
//   duplicated code written once (writePlan's table fields, axes, shape/length checks) and
//   nanMode and the index formats a full-engine hook (Context.interop); 47 982 with the eighth
//   round's fixes (inherited options rejected), Lp, quantization and streaming full-engine hooks
//   and core's own option lists; 47 993 with the ninth round's (signatures of plain words only);
//   47 731, then 47 778 with null options read as absent and empty int8/uint8 averages (+47);
//   47 819 with a brand check naming the argument for look-alikes of a tensor (tenth round);
//   47 807 with the resolved-call path leaving that check to it (x.disposed read no more);
//   47 826 with padding arrays left out of the inherited-sides check (+19); 47 839 with a sides
//   object's names flattened only when it is not a plain object (+13). 47 988 with the
//   reentrancy review's: option copies spread (-20), resident tensors frozen (+20), lists
//   longer than 64 kept out of signatures (+4). 47 964 with an operator called without its
//   engine a TypeError that says so (+73), paid for by shorter internal errors (base85's two
//   checks in one, the kernels' version check: -104). 47 964 again with file: URLs read by a
//   hook the full entries pass to the kernel loader, and data: URLs decoded in line (-7).
//   47 999 with tensor(), fromArray() and memoryStats() called without their engine a TypeError
//   that says so, as an operator's (+38: the engine's context read from one WeakMap, no #field).
//   47 994 with windows reaching past 2^31 cells a RangeError (+115: they wrapped the plans' int32
//   offsets, a wasm trap or wrong values) and the hook for wide stride-1 max pooling's row folds
//   (+8), paid for by plan keys as JSON (-64) and shorter errors (detached methods, another
//   version's kernels: -44). 47 997 after the twenty-fifth round; 47 999 with the plan cache
//   bounded in bytes too and trimmed as each call ends (very wide rows' plans held hundreds of
//   MB), paid for by its unused clear() and its capacity parameter. 47 980 with class names
//   given their article in messages ("an Int32Array", "an ArrayBuffer": +40), paid for by one
//   helper for the option readers' per-axis lists (-59). 47 797 with a shape's element count
//   written once (src/shape.ts product: 26 copies of the same reduce, -183). 47 949 with a wrong
//   input's message listing every dtype the operator takes (the full engine's pooling: float32,
//   int8 or uint8; core's: float32 alone: +152); 47 948 with "a URL", not "an URL";
//   47 985 with Uint8ClampedArray in that list where uint8 is taken (arraysHolding); 47 980 with a
//   plain result's type kept beside it rather than as an empty placeholder array (0.25 us a call);
//   47 984 with Node compiling the kernels synchronously (init() + first call 0.7-1.7 ms faster).
//   47 985 with the allocator's size table kept without churn (a wrapper of tensorAddress
//   dropped for it), 47 313 with window plans written straight into wasm memory (no staging
//   typed arrays), 47 322 with "an Unknown" (an "Un-" that does not sound "you"), 47 532 with
//   the plan's struct filled by PLAN_FIELDS' names rather than by position, 47 517 with its
//   outPlane derived from its rows and columns, 47 533 with the allocator's views made again
//   when found detached (other code grew the memory), 47 577 with allocation errors naming the
//   result, 47 974 with init()'s errors naming what failed to load (a boolean simd, data: URLs
//   read as fetch reads them; the full engine's build checks in the full entries only) and the
//   registries frozen, 47 936 with every plan freed after a failed allocation and
//   CORE_OPERATORS left unfrozen to pay for it, and byte tensors sized in bytes; 47 974 with a
//   tensor of another copy of the library read as a plain input where an option holds it (its
//   data is a getter: +74), paid for by one helper for the three hidden properties (-32); 47 963 with long strings cut in
//   messages (+37: a data: URL given as text made a message of 175 KB), paid for by describe()'s
//   null, undefined, booleans and symbols in one String() (-48); 47 968 with the window reach
//   error stating its limit (2^31 - 64); 47 986 with a call's result bytes computed once
//   (CallSizes.resultBytes), read by the streamed path's check as by the whole call's.
//   Its .wasm is under the kernel issue's 32 KiB.
//   simdpool (dist/index.js): the whole operator family (1D/2D/3D, adaptive, Lp, unpooling,
//   index formats, NaN modes, backward passes, int8/uint8 pooling) cannot meet 48 KiB: its
//   JavaScript alone is about 62 KB. Its budget is its measured size plus a small margin, so
//   that growth is a decision: 86 KiB, then 88 KiB for streaming end-to-end calls in chunks
//   (src/ops/stream.ts, ~2 KB minified: 1.4-2x faster end to end on large tensors; 87.2 KB),
//   then 90.5 KiB with the plane loop of unpadded 2x2 / stride 2 max (C, D 1.34-1.57x faster
//   resident; 90.1 KB; 89.6 KB once core's savings reached it, 90.5 KB with the whole-plane
//   row loops of the other specialised windows, E 1.27x faster; 91.7 KB with the last call's
//   signature reused, small calls 1.12-1.27x faster); 85.5 KiB since the scalar build is
//   optimised for size too (asc shrinkLevel 1: its .wasm 18.5 -> 13.4 KB, as fast; 86.7 KB;
//   86.9 KB with the flat plane walk of 2x2 stride-2 max, C and D 1.06-1.1x faster; 87.2 KB with
//   the same walk for averages, 1.15-1.35x on planes in cache); 83 KiB since the engine's
//   methods are installed from the registry instead of written out one by one (84.7 KB); 87 KiB
//   with the seventh round's fixes (reading values once, PyTorch's rounding in adaptive average
//   gradients and in int8/uint8 3D averages, avg_pool3d's kernel check: 88.0 KB; 86.9 KB with
//   core's savings; 89.0 KB with the eighth round's fixes: adaptive averages rounded as PyTorch's, inherited options);
//   88 KiB with the ninth round's int8/uint8 3D means, PyTorch's quantized mean in a kernel of its own (90.1 KB);
//   89 KiB with its any-width max loop (1.6-1.9x faster; 0.3 KB less raw wasm but 0.16 KB more packed: 90.2 KB);
//   90.8 KB with its one-cell windows (elementwise) and the Lp gradient's NaN windows (90 796
//   with null options read as absent and empty unpooling and int8/uint8 averages); 90 KiB
//   with the tenth round's transposed tap blocks for planar strides >= 3 (1.1-1.5x: 91.1 KB);
//   91 KiB with end-to-end calls streaming planes larger than a chunk in ranges of rows
//   (src/ops/row-chunks.ts: H 1.06-1.2x, 3D channels-last 1.2-1.4x faster end to end: 92.3 KB);
//   92 KiB with max pooling with indices in groups (planar indexRow, channels-last indexBlock16:
//   2x faster) and the kernel-3 stride-2 average gradients' gather (2x): 93.1 KB; 93 KiB with
//   unpooling streamed end to end in chunks of planes (1.2-1.3x faster: 94.1 KB); 94 KiB with
//   planar windows four wide at stride four as whole planes (assembly/four-wide.ts: k4 s4 and
//   adaptive 28 -> 7 max and average 1.2-1.5x faster; 1.2 KB of .wasm: 95.5 KB); 96.1 KB with
//   int8/uint8 adaptive averages over windows of more than 2^31 / 255 cells summed exactly, as
//   PyTorch's int64 (a kernel of 0.4 KB in each build, assembly/bytes.ts adaptiveAvgBytesWide);
//   95 KiB with int8/uint8 max pooling straight from the input rows (assembly/byte-max.ts: 3.0 KB
//   of .wasm, 2.1-5.4x faster on B, C, D, G and H: 97.1 KB); 96 KiB with planar 3 / stride 2 max
//   in row pairs and the one-column left border group (assembly/rows.ts rowPairGroupsStride2,
//   padOneGroup: 1.7 KB of .wasm, B 1.13x faster: 97.9 KB); 98 KiB with int8/uint8
//   averages straight from the input rows (assembly/byte-avg.ts: 3.0 KB of .wasm, 1.4-2.3x faster
//   on E, G avg and B's and H's shapes averaged: 99.2 KB); 99 KiB with the fourteenth round's
//   kernels for layers outside A-H (nanMode 'ignore' through the 2x2 plane loop, channels-last
//   2 / stride 2 and 3 / stride 1 row by row, 2x2 max with indices as whole planes; 3.6 KB of
//   .wasm, 1.1 KB packed: 100.3 KB); 100 KiB with wide stride-1 planar max pooling's row folds
//   (assembly/row-folds.ts, src/ops/row-folds.ts: YOLO's SPPF, 5x5 / stride 1 / padding 2, 7.2x
//   faster; 1.7 KB of .wasm, 0.7 KB packed, 0.7 KB of JavaScript: 101.9 KB); 101 KiB with 2x2 /
//   stride 1 max as a specialised width of the planar row loops (assembly/rows.ts: 3.3-3.9x
//   faster; 1.7 KB of .wasm, 0.7 KB packed: 102.6 KB); 103.2 KB with the row folds' channels-last
//   twin (assembly/pixel-folds.ts: SPPF in NHWC 2-4x faster); 102 KiB with plane groups for planar
//   windows that overlap at column stride 3 or more (src/ops/paths.ts:
//   Inception-v3's auxiliary 5 / stride 3 average 3x faster; 0.2 KB of JavaScript: 103.4 KB), and
//   the row kernels for narrow planes there (VGG's last pooling 2.3x faster: 103.7 KB) and plane
//   groups for fewer than four output columns (4-13x faster: 103.8 KB); 103 KiB with channels-last
//   calls of 2 to 7 channels pooled as planes (src/ops/channel-planes.ts: 2.5-17x faster) and the
//   transposes of 2 or 3 channels with shuffles (assembly/layout.ts: 3-5x; 0.9 KB of .wasm: 104.7 KB);
//   within it the seventeenth round's channel blocks and four-row 3D passes (1.7 KB of .wasm, 0.5 KB
//   packed: 105.2 KB); 104 KiB with the eighteenth round's channels-last max of 4 to 7 channels row
//   by row (channels.ts maxRowPass OneVector, 1.0 KB of .wasm: RGBA images 1.5-3x faster: 105.5 KB)
//   and averages row by row (avgRowInterior, 0.8 KB: RGBA 1.5-3.6x, 8 to 47 channels 1.3-5x: 105.6 KB),
//   and RGB row by row too (ThreeLanes, 1.6 KB of .wasm: 1.2-1.8x: 106.1 KB); 105 KiB with int8/uint8
//   RGBA pixels pooled as planes (src/ops/bytes.ts, assembly/layout.ts transpose_u8: canvas images
//   4-6x faster: 106.6 KB); within it the nineteenth round's RGB, two- and eight-channel pixels as
//   planes, their transposes and RGBA's with swizzles, unpacks and lane transposes
//   (assembly/pixels.ts: 1.4 KB of .wasm, uint8 RGB images 4-6x faster: 107.0 KB; eight channels
//   1.5 KB, max 6-9.5x faster: 107.4 KB); 106 KiB with 5 to 15 channels widened to sixteen
//   (assembly/pixels.ts repitch_u8, src/ops/bytes.ts: 2-4x faster: 107.8 KB), and plans of derived
//   planes kept by the call signature (src/ops/pool.ts derivedPlanOf: small calls 1.4-2x: 108.1 KB);
//   107 KiB with the twentieth round's channels-last rows at stride 1 (averages over 3 wide, 8 to
//   47 channels 1.1-5x; 2-wide max, 8 to 24 channels 3.7-6.4x: 108.4 KB) and int8/uint8 planar max
//   over 2 or 3 wide at stride 1 straight from the input rows (byte-max.ts, 1.2 KB of .wasm:
//   2.2-3x faster: 108.8 KB); within it the twenty-first round's planar byte rows at strides 3 to 8
//   with picked lanes and byte averages over whole rows (bytes.ts: 1.2 KB of .wasm, 109.3 KB);
//   108 KiB with its planar byte max and averages over rows of 8 to 15 outputs straight from the
//   input rows (byte-max.ts, byte-avg.ts: 0.5 KB of .wasm, 2x2 max 2.7-3.2x faster: 109.6 KB); within
//   it the twenty-second round's channels-first bytes pooled as pixels (110.4 KB) and the
//   twenty-third's int8/uint8 layout conversions (110.5 KB); 109 KiB with its planar 2x2 / stride 2
//   and 3 / stride 2 max read one input row a pass for inputs over 8 MiB (rows.ts flatPlane,
//   streamedPairStride2: 1.2 KB of .wasm, G 2.2-2.9x, 3 / stride 2 1.2-2.8x: 110.9 KB); within it
//   the twenty-fourth round's float32 transposes sixteen rows at a time (111.2 KB); 110 KiB with
//   the twenty-fifth round's channels-last odd rows in a max pass of their own (channels.ts
//   maxRowPass OneRow, 2.3 KB of .wasm: 3 / stride 1 1.15-1.2x, 2 / stride 1 1.3x faster: 111.8 KB)
//   and 3 / stride 1 rows seeded with two rows' maxima (SharedRows, 1.2 KB of .wasm: 3 / stride 1
//   1.5-1.66x in all: 112.1 KB), and planar windows 3 wide at stride 3 or more one block a row
//   (rows.ts interiorRun, 1.1 KB of .wasm: 1.4-1.8x; 112.5 KB); 111 KiB with the twenty-seventh
//   round's few-channel samples over 2 MiB pooled in bands of rows (src/ops/channel-planes.ts:
//   scratch of a band, not of the sample, 96 MB for a 2000x2000 RGB image before; 1000x1000x3
//   1.1-1.4x faster; 113.4 KB); 112 KiB with the twenty-eighth round's 3x3 / stride-1 border groups
//   in row pairs (rows.ts paddedPairBorders, 2.4 KB of .wasm: k3 s1 p1 max 1.4-1.6x, E 1.17x
//   faster; 114.3 KB), 113 KiB with the few-channel groups and bands in parts, one a worker of
//   simdpool/parallel (Context.fork: 114.7 KB), and within it the twenty-ninth round's channels-last
//   row passes with their flags as constants (channels.ts rowPassOf, 1.6 KB of .wasm: H 1.05-1.07x,
//   2x2 / stride 2 over 56x56x128 1.11-1.14x; 115.1 KB), and the twenty-ninth round's planar 2x2
//   averages by a reciprocal (rows.ts reciprocalOfAll: 1x256x56x56 1.15-1.2x; 115.2 KB; 115.0 KB
//   after the thirtieth round's shared helpers, with the thirty-first round's ragged 2x2 averages by
//   the reciprocal too: 28 -> 14 1.13-1.15x); 114 KiB with the thirty-fifth round's review fixes
//   (another copy's tensors as options, an optional quantization option's own message, long
//   strings cut in messages: 115.7 KB).
//   simdpool/parallel for browsers (dist/parallel.browser.js, the full engine plus workers): its
//   measured size plus a margin, 128 KiB, then 130 KiB with the row ranges above (132.0 KB),
//   which it carries although it never streams (its engine is the full one), 131 KiB with the
//   index kernels above (133.4 KB), 132 KiB with streamed unpooling (134.3 KB), 133 KiB with the
//   gradient review's mean gradient kernel (meanBackward_f32: -0 kept as torch; 135.3 KB), 134 KiB
//   with the four-wide planes above, in both of its builds (136.6 KB), 135 KiB with the exact sums
//   of int8/uint8 adaptive averages over huge windows above (137.4 KB), 137 KiB with the int8/uint8
//   max kernels above, in both builds too (139.6 KB), 138 KiB with the 3 / stride 2 row pairs
//   above, in both builds (141.1 KB), 141 KiB with the int8/uint8
//   average kernels above, in both builds (143.7 KB), 143 KiB with the fourteenth round's kernels
//   in both builds (nanMode 'ignore' through the 2x2 plane loop, channels-last 2 / stride 2 and
//   3 / stride 1 row by row, 2x2 max with indices as whole planes: 145.9 KB), 145 KiB with the row
//   folds above (148.3 KB), 147 KiB with the 2x2 / stride 1 max above (150.0 KB), 148 KiB with the channels-last
//   row folds (151.0 KB), 149 KiB with the full engine's path choices (src/ops/paths.ts: plane groups
//   for overlapping windows at column stride 3 or more, the row kernels for narrow planes; 151.6 KB),
//   150 KiB with the few-channel planes and transposes above, in both builds (152.9 KB), 151 KiB
//   with the seventeenth round's channel blocks and four-row 3D passes, in both builds (153.9 KB),
//   152 KiB with the eighteenth round's channels-last max and averages row by row (154.6 KB; with
//   RGB too 155.5 KB), 153 KiB with int8/uint8 RGBA as planes (156.3 KB), 155 KiB with RGB,
//   two- and eight-channel pixels as planes too, in both builds (158.0 KB), 156 KiB with the plans
//   of planes derived from a call's shape kept by the call's signature (pool.ts derivedPlanOf:
//   small few-channel calls 1.7-2x faster; 158.8 KB), 157 KiB with the twentieth round's stride-1
//   rows above, in both builds (160.2 KB), 158 KiB with the twenty-first round's byte rows at
//   strides 3 to 8 and byte averages over whole rows, in both builds (161.3 KB), and its byte max
//   and averages over narrow rows, in both builds (161.6 KB), 160 KiB with the twenty-second
//   round's channels-first bytes pooled as pixels (transpose_u8 in 16x16 tiles), in both builds
//   (162.9 KB), 161 KiB with the twenty-third round's planes read one input row a pass past 8 MiB
//   (rows.ts flatPlane, streamedPairStride2), in both builds (163.8 KB), and within it the
//   twenty-fourth round's transposes (164.5 KB), 163 KiB with the twenty-fifth round's channels-last
//   odd rows in a max pass of their own and 3 / stride 1 rows seeded with two rows' maxima, in both
//   builds (166.4 KB), 164 KiB with its planar 3-wide windows at stride 3 or more (167.0 KB), 165
//   KiB with the twenty-seventh round's groups and bands of rows (168.0 KB), 166 KiB with the
//   twenty-eighth's 3x3 / stride-1 border groups in row pairs, in both builds (169.6 KB), 167 KiB
//   with each worker's share of the few-channel groups and bands one work item (Context.fork,
//   work items of several kernel calls: 64x56x56x2 3 / stride 1 max 0.64-0.79x of its time
//   before, 1x1000x1000x3 0.47-0.58x; 170.8 KB), 168 KiB with pins of the block that holds any
//   address a call names, not only a block's start (src/parallel/memory.ts; 171.2 KB), and within
//   it the channels-last row passes above (172.0 KB), 169 KiB with those blocks' starts kept in
//   buckets (src/parallel/block-starts.ts: one sorted array made every alloc and free shift it,
//   a small call 210 us instead of 37 with 100k resident tensors), and within it the 2x2 averages
//   by a reciprocal below (172.9 KB), and their ragged rows' (172.8 KB, after the thirtieth round's
//   shared helpers), 170 KiB with a tensor of another copy of the library read as a plain
//   input where an option holds it (a backward pass's input: its data is a getter; 173.1 KB).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { transform } from 'esbuild';
import { expect, it } from 'vitest';

const CORE_BUDGET = 48_000;
const FULL_BUDGET = 114 * 1024;
const WASM_BUDGET = 32 * 1024;
const PARALLEL_BUDGET = 170 * 1024;

const file = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url));
const gzip = (b: string | Uint8Array) => gzipSync(b, { level: 9 }).length;

async function sizes(path: string) {
  const { code } = await transform(file(path).toString('utf8'), { minify: true, format: 'esm', target: 'es2022' });
  return { min: code.length, gzip: gzip(code) };
}

it('the bundles stay within their budgets (sizes are printed)', async () => {
  const core = await sizes('dist/core.js');
  const full = await sizes('dist/index.js');
  const url = await sizes('dist/url/index.js');
  const iife = file('dist/simdpool.iife.js');
  const parallel = await sizes('dist/parallel.browser.js');
  const wasm = (name: string) => `${name}.wasm ${file(`build/${name}.wasm`).length} / ${gzip(file(`build/${name}.wasm`))}`;
  console.log(
    `bundle sizes (bytes, minified / gzip): simdpool/core ${core.min} / ${core.gzip}; simdpool ${full.min} / ${full.gzip}; ` +
    `streaming ESM ${url.min} / ${url.gzip} (+ .wasm files); IIFE ${iife.length} / ${gzip(iife)}; ` +
    `simdpool/parallel for browsers ${parallel.min} / ${parallel.gzip}\n` +
    `.wasm (bytes, raw / gzip): ${['core', 'core-scalar', 'simdpool', 'simdpool-scalar'].map(wasm).join('; ')}`,
  );
  expect(core.min).toBeLessThan(CORE_BUDGET);
  expect(full.min).toBeLessThan(FULL_BUDGET);
  // The threads build and both single-threaded builds (the fallback), packed: guarded at its
  // measured size (122.5 KB; 126.0 KB with the seventh round's fixes; 127.4 KB with the eighth round's; 129.0 KB with the ninth round's int8/uint8 3D means; 130.0 KB with its one-cell windows and Lp gradient fix) plus a small margin, as the
  // full bundle is.
  expect(parallel.min).toBeLessThan(PARALLEL_BUDGET);
  expect(file('build/core.wasm').length).toBeLessThan(WASM_BUDGET);
});
