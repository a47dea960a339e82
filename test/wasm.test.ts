// The built kernels are genuinely SIMD: every pooling and layout kernel's body holds v128
// instructions on its hot path, and the module stays small and self-contained.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const wasmPath = fileURLToPath(new URL('../build/simdpool.wasm', import.meta.url));
const wasmDis = fileURLToPath(new URL('../node_modules/.bin/wasm-dis', import.meta.url));

/**
 * Exported function name -> its code in the text format (binaryen's wasm-dis), together with
 * the code of every function it calls, directly or not (slow paths live in callees).
 */
function exportedBodies(): Map<string, string> {
  const text = execFileSync(wasmDis, [wasmPath], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const byName = new Map<string, string>();
  for (const chunk of text.split(/\n \(func /).slice(1)) byName.set(chunk.slice(0, chunk.search(/[\s)]/)), chunk);
  const withCallees = (name: string, seen = new Set<string>()): string => {
    if (seen.has(name)) return '';
    seen.add(name);
    const body = byName.get(name) ?? '';
    const callees = [...body.matchAll(/\bcall (\$[^\s)]+)/g)].map((m) => m[1]);
    return body + callees.map((c) => withCallees(c, seen)).join('');
  };
  const bodies = new Map<string, string>();
  for (const m of text.matchAll(/\(export "([^"]+)" \(func (\$[^\s)]+)\)\)/g)) bodies.set(m[1], withCallees(m[2]));
  return bodies;
}

const SIMD_KERNELS: Record<string, RegExp[]> = {
  maxPoolRows_f32: [/f32x4\.pmax/, /v128\.load/, /i8x16\.shuffle/],
  maxPoolRowsIndices_f32: [/f32x4\.gt/, /v128\.bitselect/],
  avgPoolRows_f32: [/f32x4\.add/, /f32x4\.div/],
  maxPoolChannels_f32: [/f32x4\.pmax/, /v128\.load/],
  maxPoolChannelsIndices_f32: [/f32x4\.gt/, /v128\.bitselect/],
  avgPoolChannels_f32: [/f32x4\.add/],
  globalMaxPlanes_f32: [/f32x4\.pmax/],
  globalAvgPlanes_f32: [/f32x4\.add/],
  transpose_f32: [/i8x16\.shuffle/, /v128\.store/],
  transpose_u8: [/i8x16\.swizzle/, /i8x16\.shuffle/, /v128\.store/], // pixels of 2 to 4 or 8 channels sixteen at a time
  repitch_u8: [/v128\.load/, /v128\.store/], // pixels of 5 to 15 channels widened to sixteen bytes and back, a vector each
  poolOneCell_f32: [/memory\.copy/, /f32x4\.add/], // windows of one cell: a copy, or + 0 four lanes at a time
  divideBySizes_f32: [/f32x4\.div/, /v128\.load/, /v128\.store/],
  // nanMode 'ignore' variants
  maxPoolRowsNoNaN_f32: [/f32x4\.pmax/, /v128\.load/, /i8x16\.shuffle/],
  maxPoolRowsIndicesNoNaN_f32: [/f32x4\.gt/, /v128\.bitselect/],
  maxPoolChannelsNoNaN_f32: [/f32x4\.pmax/, /v128\.load/],
  maxPoolChannelsIndicesNoNaN_f32: [/f32x4\.gt/, /v128\.bitselect/],
  globalMaxPlanesNoNaN_f32: [/f32x4\.pmax/],
  // planar pooling with irregular (adaptive) columns: four planes interleaved, channel lanes
  maxPoolPlaneGroups_f32: [/i8x16\.shuffle/, /v128\.load/, /f32x4\.(pmax|gt)/],
  maxPoolPlaneGroupsIndices_f32: [/i8x16\.shuffle/, /f32x4\.gt/, /v128\.bitselect/],
  maxPoolPlaneGroupsNoNaN_f32: [/i8x16\.shuffle/, /v128\.load/, /f32x4\.(pmax|gt)/],
  maxPoolPlaneGroupsIndicesNoNaN_f32: [/i8x16\.shuffle/, /f32x4\.gt/, /v128\.bitselect/],
  avgPoolPlaneGroups_f32: [/i8x16\.shuffle/, /f32x4\.add/, /f32x4\.div/],
  // Lp powers, unpooling, index formats
  powElements_f32: [/f32x4\.mul/, /f32x4\.sqrt/, /f64x2\.div/, /f64x2\.nearest/],
  firstIndexOutside_i32: [/i32x4\.ge_u/, /v128\.any_true/],
  unpoolPlanes_f32: [/v128\.load/, /f32x4\.extract_lane/],
  unpoolChannels_f32: [/i32x4\.mul/, /v128\.load/],
  // wide stride-1 planar max (assembly/row-folds.ts): row folds, then the rows' folds folded
  maxPoolRowFolds_f32: [/f32x4\.pmax/, /f32x4\.add/, /v128\.store/],
  maxPoolRowFoldsNoNaN_f32: [/f32x4\.pmax/, /v128\.store/],
  maxPoolPixelFolds_f32: [/f32x4\.pmax/, /f32x4\.add/, /v128\.store/],
  maxPoolPixelFoldsNoNaN_f32: [/f32x4\.pmax/, /f32x4\.add/, /v128\.store/],
  remapIndices_i32: [/i32x4\.mul/, /v128\.store/],
  remapIndicesColumnMajor_i32: [/f64x2\.div/, /i32x4\.trunc_sat_f64x2_s_zero/],
  // backward passes (assembly/backward.ts); the max scatters are scalar (no vector scatter-add)
  avgPoolBackwardRows_f32: [/f32x4\.div/, /f32x4\.add/, /i8x16\.shuffle/],
  avgPoolBackwardChannels_f32: [/f32x4\.div/, /f32x4\.add/],
  lpPoolBackwardWeights_f32: [/f32x4\.mul/, /v128\.bitselect/],
  lpPoolBackwardInput_f32: [/f32x4\.mul/],
  // int8/uint8 (assembly/bytes.ts): sixteen byte lanes; averages widen, requantize and narrow
  maxPoolBytes: [/i8x16\.max_s/, /v128\.xor/, /i8x16\.shuffle/],
  maxPoolBytesIndices: [], // a scalar scan in PyTorch's order (indices need the first largest)
  avgPoolBytes: [/i16x8\.extend_low_i8x16_s/, /i16x8\.add/, /i32x4\.add/, /f32x4\.mul/, /i8x16\.narrow_i16x8_s/],
  globalMaxBytes: [/i8x16\.max_s/],
  globalAvgBytes: [/i16x8\.extadd_pairwise_i8x16_s/, /f32x4\.mul/, /i8x16\.narrow_i16x8_s/],
  meanBytes: [/i16x8\.extadd_pairwise_i8x16_s/, /i32x4\.extend_low_i16x8_s/, /f32\.div/],
  adaptiveAvgBytesWide: [/i16x8\.extadd_pairwise_i8x16_s/, /i32x4\.extend_low_i16x8_s/, /f32\.mul/, /f32\.demote_f64/],
};
/** Exports that are scalar loops by nature: a scatter-add has no vector form in wasm SIMD. */
// (and a mean's gradient, a rare path kept small)
const SCALAR_KERNELS = ['maxPoolBackwardPlanes_f32', 'maxPoolBackwardChannels_f32', 'meanBackward_f32'];

describe('built wasm', () => {
  const bodies = exportedBodies();

  it.each(Object.entries(SIMD_KERNELS))('%s runs v128 instructions', (name, patterns) => {
    const body = bodies.get(name);
    expect(body, `export ${name}`).toBeDefined();
    for (const p of patterns) expect(body).toMatch(p);
  });

  // 72 KB: the full 1D/2D/3D family (adaptive, Lp, unpooling, index formats, both NaN modes)
  // roughly doubles the kernel count (main's 2D kernels alone build to about 39 KB; the float
  // family about 59 KB); the int8/uint8 kernels (assembly/bytes.ts) add about 7.5 KB; the planar
  // border groups inlined into the interior runs (E 1.6x faster) and the row-wise NHWC 3 / stride 2
  // max (H 1.6x faster) about 6 KB more (76 KB); the whole-plane row loop (rowPlanes: E, G-avg
  // 1.2x, B 1.07x faster) 2 KB and its row pairs for 3 / stride 1 (max 1.12-1.3x, E 1.07x) 3.3 KB;
  // the flat plane walk of unpadded 2x2 stride-2 windows (max 0.4 KB: C, D 1.06-1.1x; averages
  // 1 KB: 1.15-1.35x on planes in cache) took it to 80.4 KiB; the seventh and eighth rounds' adaptive divisions (assembly/window-sizes.ts) to 80.9 KiB;
  // the ninth round's int8/uint8 3D means (PyTorch's quantized mean, meanBytes: 0.8 KB) to 81.7 KiB;
  // the tenth round's planar taps of strides >= 3 as transposed 4x4 blocks (1 KB: k3s3, k4s4,
  // k5s3, k7s4 1.1-1.5x faster) to 82.7 KiB; the four-column gather of kernel-3 stride-2 average
  // gradients (planar; 1.6-2.2x faster) to 83.1 KiB; planar windows four wide at stride four as
  // whole planes (four-wide.ts, 1.2 KB: k4 s4 and adaptive 28 -> 7 max and average 1.2-1.5x
  // faster) to 84.4 KiB; int8/uint8 adaptive averages over windows too large for i32 sums, summed
  // exactly as PyTorch's int64 (adaptiveAvgBytesWide, sharing meanBytes' strip sums: 0.4 KB) to 84.8 KiB;
  // int8/uint8 max pooling straight from the input rows (assembly/byte-max.ts: planar 2 or 3 wide
  // at stride 2 and channels-last up to 3 wide, both byte orders; 3.0 KB: B 2.1-2.5x, C and D
  // 4.5-5.4x, G max 3.3-5.2x, H 2.4-2.7x faster, 2.3-2.9x float32's speed where they were
  // 0.45-1.25x) to 87.7 KiB (89,793 bytes); planar 3 / stride 2 max in row pairs sharing a row's
  // fold, with a one-lane-masked left border group for padding 1 (1.7 KB: B 1.06-1.26x, median
  // 1.13x on the AMD host) to 89.4 KiB (91,526 bytes); int8/uint8 averages straight from the input
  // rows (assembly/byte-avg.ts: planar 2 or 3 wide at stride 1 or 2 and channels-last up to 3
  // wide, over up to 3 rows, sixteen sums requantized at once; 3.0 KB: E 1.5-1.8x faster
  // (0.77-0.95x float32's speed), G avg 2.2-2.3x (2.5-3.5x), B's and H's shapes averaged 1.4-1.9x
  // (1.03-1.13x)) to 92.3 KiB (94,495 bytes); unpadded 2x2 / stride 2 max with nanMode 'ignore'
  // through the whole-plane loop too (twoRowPlanes for MAX_NO_NAN, 0.9 KB raw, 37 bytes in the
  // packed bundle: C 1.26-1.36x, D 1.45-1.6x faster with 'ignore', which had been 1.3-1.4x slower
  // than the default) to 93.2 KiB (95,447 bytes); channels-last 2 / stride 2 max row by row as
  // 3 / stride 2 is (maxRowPass for two-wide windows, 0.8 KB: NHWC k2 s2 1.23-1.30x faster, 2.6x
  // on a padded ceil-mode layer of 40 channels) to 94.0 KiB (96,273 bytes); planar 2x2 / stride 2
  // max with indices as whole planes (rows.ts indexPlanes2x2, 0.9 KB: 2.7x faster) to 94.9 KiB
  // (97,199 bytes); channels-last 3 / stride 1 max row by row too (maxRowPass at stride 1, 0.9 KB:
  // 1.20-1.26x faster) to 95.8 KiB (98,134 bytes; guard 97 KiB, a margin of 1.2 KB); planar max
  // pooling over windows 4 to 16 wide at column stride 1 through row folds shared between output
  // rows (assembly/row-folds.ts, 1.7 KB: YOLO's SPPF 5x5 / stride 1 / padding 2 7.2x faster, 7x7
  // / stride 1 7.4x) to 97.5 KiB (99,829 bytes); 2x2 / stride 1 max as a specialised width of the
  // planar row loops (rowPlanes<OpMax, Kernel2, Stride1>, 1.7 KB: 3.3-3.9x faster) to 99.1 KiB
  // (101,527 bytes); its channels-last twin (assembly/pixel-folds.ts, SPPF in NHWC 2-4x faster),
  // with both NaN rules sharing one fast path in both (1.0 KB in all) to 100.2 KiB (102,565 bytes),
  // the planar row folds at column stride 2 too (0.2 KB: k5 s2 p2 3.4x) to 100.4 KiB (102,779
  // bytes); layout transposes of 2 or 3 channels with shuffles (layout.ts narrowCols/narrowRows,
  // 0.9 KB: toNCHW of 224x224x3 5.4x, channels-last pooling of 2 or 3 channels as planes 2.5-3.1x
  // faster) to 101.2 KiB (103,677 bytes; guard 102 KiB); channels-last pixels whose channels
  // are not a multiple of four or eight as overlapping last blocks, and row-wise max over every
  // channel (0.5 KB: NHWC with 9-15 channels 1.4-3.1x faster), and 2x2x2 / stride 2 windows in
  // one pass over their four input rows (rows.ts FourRows, 1.2 KB: 3D 1.2-1.5x on inputs in
  // cache) to 103.0 KiB (105,437 bytes; guard 104 KiB); channels-last max of 4 to 7 channels row
  // by row too, a vector a pixel (channels.ts maxRowPass OneVector, 1.0 KB: RGBA images 1.5-3x
  // faster than as planes) to 103.9 KiB (106,425 bytes); channels-last averages row by row too
  // (channels.ts avgRowInterior, 0.8 KB: RGBA 1.5-3.6x, 8 to 47 channels not a multiple of 16
  // 1.3-5x faster) to 104.7 KiB (107,223 bytes; guard 105 KiB); RGB (3 channels) row by row as
  // three lanes of a vector (ThreeLanes, 1.6 KB: 1.2-1.8x on 224x224 images, 2-3.4x on small ones;
  // a run-time three-lane test instead of instantiations cost 0.4 KB but made 3 to 7 channels
  // 5-15% slower) to 106.2 KiB (108,781 bytes; guard 107 KiB); int8/uint8 RGBA transposed to planes
  // and back (layout.ts transpose_u8, 0.5 KB: canvas images 4-6x faster) to 106.7 KiB (109,243 bytes);
  // int8/uint8 RGB, two- and eight-channel pixels as planes too, transposed sixteen pixels a step
  // with swizzles, unpacks and lane transposes (pixels.ts: 1.4 KB, uint8 RGB images 4-6x faster;
  // eight channels 1.5 KB, max 6-9.5x faster) to 109.6 KiB (112,196 bytes; guard 110 KiB); 5 to
  // 15 channels widened to sixteen and packed back (repitch_u8: 2-4x faster) to 109.7 KiB (112,368 bytes);
  // channels-last averages over 3 / stride 1 row by row, each pixel loaded once (avgRowPass at
  // stride 1, 0.3 KB: 8 to 47 channels 1.1-5x faster) to 110.0 KiB (112,656 bytes; guard 111 KiB);
  // channels-last 2 / stride 1 max row by row (maxRowPass<Kernel2, Stride1>, 0.7 KB: 8 to 24
  // channels 3.7-6.4x faster, 64 or more 1.5-1.7x) to 110.7 KiB (113,378 bytes); int8/uint8 planar
  // max over 2 or 3 wide at stride 1 straight from the input rows (byte-max.ts planarRows<U, Stride1>,
  // 1.2 KB: 2.2-3x faster; a run-time stride test instead cost 1.0 KB less but ran both strides
  // 8-10% slower) to 111.9 KiB (114,590 bytes); the separable byte max's planar rows in groups
  // of sixteen borders included, over a scratch row padded with the lowest code (bytes.ts
  // horizontalMax: rows of fewer than 16 outputs 1.5-2.7x, 5 wide 1.4x, dilated 1.3x faster; its
  // interior-only groups and their border columns one by one dropped) to 112.0 KiB (114,692
  // bytes; guard 113 KiB); the twenty-first round's planar byte rows at strides 3 to 8 with picked
  // lanes (bytes.ts pickLanes: max 1.3-2.6x, averages 1.1-1.5x faster) to 112.7 KiB (115,359
  // bytes), and planar byte averages over whole rows in groups, narrow rows' sums requantized a
  // plane at a time (avgPoolLanes: rows of fewer than 8 outputs 2-2.35x) to 113.2 KiB (115,881
  // bytes; guard 114 KiB); planar byte max and averages at stride 2 over rows of 8 to 15 outputs
  // straight from the input rows, one group a row (byte-max.ts pairRows and planarRows, byte-avg.ts
  // planarAvg: 2x2 max 2.7-3.2x, averages 1.5-1.8x faster) to 113.7 KiB (116,459 bytes), and byte
  // max at stride 1 over such rows (1.5-1.8x) to 113.8 KiB (116,517 bytes; 116,534 with the
  // direct max kept to regular windows; 116,456 with the separable max's last narrow row written
  // in place too); the twenty-second round's byte rows of 1 to 7 outputs straight from the input
  // rows to 116,554 bytes, and byte transposes in 16x16 tiles (pixels.ts transpose_u8, for
  // channels-first calls of 16 channels or more over narrow rows pooled as pixels: adaptive 13 -> 6
  // 3.5-5.9x, 7x7 layers 1.9-3.4x faster; 2 KB) to 115.8 KiB (118,591 bytes); the twenty-third
  // round's one-row or one-column transposes as copies to 118,654 bytes, and its planar input rows
  // read one row a pass for inputs over 8 MiB (rows.ts flatPlane `streaming`, 2x2 / stride 2: G
  // max 2.2x, averages 2.9x faster; streamedPairStride2, 3 / stride 2 max 1.2-2.8x) to 117.0 KiB
  // (119,808 bytes with the bound written once; guard 118 KiB); the twenty-fourth round's float32
  // transposes sixteen rows at a time (layout.ts rowTiles, 1.2 KB: toNHWC of 28x28 to 7x7 planes
  // 2-2.7x, 56x56 1.3x faster) to 118.2 KiB (121,016 bytes), and eight where rows lie a multiple of
  // 2 KiB apart (0.7 KB: 224x224 and 64x64 planes 1.1-1.25x) to 118.9 KiB (121,711 bytes; guard 119 KiB);
  // the twenty-fifth round's channels-last odd rows in a max pass of their own (channels.ts maxRowPass
  // OneRow, 2.3 KB: 3 / stride 1 1.15-1.2x, 2 / stride 1 1.3x faster) to 121.1 KiB (124,039 bytes), and
  // 3 / stride 1 rows seeded with two rows' maxima (SharedRows, 1.2 KB: 3 / stride 1 1.5-1.66x in all)
  // to 122.3 KiB (125,239 bytes), and planar windows 3 wide at stride 3 or more one block a row in a
  // loop of their own (rows.ts interiorRun, 1.1 KB: 3 / stride 3 1.4-1.8x) to 123.4 KiB (126,320
  // bytes; 126,346 after the twenty-sixth round's fixes; guard 124 KiB); the twenty-eighth round's
  // 3x3 / stride-1 border groups in row pairs (rows.ts paddedPairBorders, 2.4 KB: k3 s1 p1 max
  // 1.4-1.6x, E 1.17x faster) to 125.7 KiB (128,737 bytes; guard 126 KiB); the twenty-ninth
  // round's channels-last row passes with their flags as constants (channels.ts rowPassOf: H
  // 1.05-1.07x, 2x2 / stride 2 on 56x56x128 1.11-1.14x) to 127.2 KiB (130,295 bytes; guard 128 KiB),
  // and planar 2x2 averages by a reciprocal (rows.ts reciprocalOfAll, 0.7 KB: 1.15-1.2x) to 127.9 KiB
  // (130,985 bytes); the thirtieth round's 4x4 block columns written once (lanes.ts) to 130,989
  // bytes, and the thirty-first round's ragged 2x2 averages by the reciprocal too (rowGroups
  // `scaled`, 0.2 KB: 28 -> 14, 14 -> 7 and 100 -> 50 1.06-1.16x) to 128.2 KiB (131,220 bytes; guard 129 KiB).
  it('imports nothing (no env.abort) and is under 129 KB', () => {
    const module = new WebAssembly.Module(readFileSync(wasmPath));
    expect(WebAssembly.Module.imports(module)).toEqual([]);
    expect(statSync(wasmPath).size).toBeLessThan(129 * 1024);
  });

  it('checks every exported kernel', () => {
    const kernels = [...bodies.keys()].filter((name) => !['heapBase', 'planBytes', 'simd'].includes(name));
    expect(kernels.filter((name) => !(name in SIMD_KERNELS) && !SCALAR_KERNELS.includes(name))).toEqual([]);
  });
});
