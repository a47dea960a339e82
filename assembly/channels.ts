// Pooling with SIMD lanes along channels: channels-last layouts (NWC, NHWC, NDHWC).
// Every tap of a window is one contiguous run of `channels` floats, so each output pixel is
// reduced sixteen channels at a time (four accumulators) with plain loads, then four at a
// time. Channels % 4 left over go as the last four channels, a block that overlaps the one
// before it: every lane is reduced on its own from the input alone (or, for max, folded into
// the output again, which leaves it as it was), so an overlapped lane is stored again with the
// value it has. (One channel at a time, such tails made 9 to 15 channels 2-5x slower than 8
// or 16.) Under four channels, one at a time. The windows come from the same plan tables as
// the planar kernels (rows flattened, columns last), borders included, so nothing here knows
// padding.
// Max pooling uses one pmax per tap (ties keep the earlier value) and a running sum that
// flags a NaN; a block that meets one is redone with PyTorch's exact rule. With nanMode
// 'ignore' (MAX_NO_NAN) pmax is the exact rule already, so nothing is watched or redone.
import { Kernel2, Kernel3, Stride1, Stride2 } from './lanes';
import { Plan } from './plan';
import {
  AVG, MAX, MAX_INDEX, MAX_INDEX_NO_NAN, MAX_NO_NAN, OpMax, OpMaxNoNaN, foldTap, hasIndex, ignoresNaN, initial, opOf, positiveZero, takes,
  takesLanes,
} from './reduce';

/**
 * The row passes' block of channels: one vector (four channels), two (eight), or the first three
 * lanes of one (three channels: the fourth lane reads the next pixel's first channel, and is
 * neither stored nor watched).
 */
type OneVector = u8;
type TwoVectors = u16;
type ThreeLanes = u32;

/**
 * `full` (a constant) allows the full build's extra paths, maxRowInterior, avgRowInterior and indexBlock16;
 * simdpool/core and the plane-group kernels leave them out (their code would not fit core's
 * size budget).
 */
@inline export function poolChannels(OP: i32, plan: Plan, input: usize, output: usize, indices: usize, full: bool): void {
  const batches = plan.planes, inPlane = plan.inPlane, outPlane = plan.outPlane;
  const channels = plan.channels, outRows = plan.outRows, outW = plan.outW;
  const rowStarts = plan.rowStarts, rowList = plan.rowList, rowInit = plan.rowInit, rowDiv = plan.rowDiv;
  const colFirst = plan.colFirst, colCount = plan.colCount, colDiv = plan.colDiv;
  const pixelBytes = <usize>channels << 2;
  const tapBytes = <usize>plan.dilation * pixelBytes;
  const dilation = plan.dilation;
  const rowBytes = <usize>outW * pixelBytes;
  // Max pooling with column windows 2 or 3 wide at stride 1 or 2 does the interior columns'
  // channels, eight at a time (four for 4 to 7 channels, three for 3, at stride 2 only: see
  // src/ops/channel-planes.ts), row by row (maxRowInterior); the loop over pixels below does the rest.
  const rowsFirst = full && ASC_FEATURE_SIMD && (OP == MAX || OP == MAX_NO_NAN) &&
    (plan.kw == 2 || plan.kw == 3) && (plan.stride == 2 || plan.stride == 1) &&
    dilation == 1 && plan.vecLo < plan.vecHi && (channels >= 8 || channels >= 3 && plan.stride == 2);
  // Averages over such windows do their interior columns row by row as well (avgRowInterior), for
  // channels under 48 that 16 does not divide: the loop below takes sixteen at a time fast, but its
  // fours were 1.3-5x slower at stride 2 and 3.5-5x at stride 1. Multiples of sixteen ran
  // 0.5-0.75x row by row at stride 2; at stride 1, where a row pass loads each pixel once, 16 ran
  // 1.1-1.4x faster, 32 0.9-1.05x, 64 and more 0.6-1.0x. At stride 1 from 8 channels: fewer go
  // as planes (src/ops/channel-planes.ts; row by row ran them 0.6-1.3x).
  let rowsAvg = full && ASC_FEATURE_SIMD && OP == AVG && (plan.kw == 2 || plan.kw == 3) && plan.stride == 2 &&
    dilation == 1 && plan.vecLo < plan.vecHi && channels >= 3 && channels < 48 && (channels & 15) != 0;
  // (in a branch: AssemblyScript evaluates some && chains of loads eagerly, and loads left over in
  // simdpool/core, where `full` is false, would change its build)
  if (full && ASC_FEATURE_SIMD && OP == AVG) {
    rowsAvg = rowsAvg || plan.kw == 3 && plan.stride == 1 && dilation == 1 && plan.vecLo < plan.vecHi &&
      channels >= 8 && channels < 48 && ((channels & 15) != 0 || channels == 16);
  }
  const rowWise = rowsFirst || rowsAvg;
  for (let b = 0; b < batches; b++) {
    const sample = input + ((<usize>b * <usize>inPlane) << 2);
    const outSample = output + ((<usize>b * <usize>outPlane) << 2);
    let seeded = 0;
    for (let r = 0; r < outRows; r++) {
      const t0 = load<i32>(rowStarts + (<usize>r << 2));
      const rows = rowList + (<usize>t0 << 2);
      const rowCount = load<i32>(rowStarts + (<usize>r << 2), 4) - t0;
      const firstRow = load<i32>(rowInit + (<usize>r << 2));
      const divRow = load<f32>(rowDiv + (<usize>r << 2));
      // Output columns [lo, hi) of this row whose channels are done row-wise.
      let lo = outW, hi = outW;
      if (ASC_FEATURE_SIMD) {
        if (rowsFirst && rowCount > 0) {
          const at = outSample + <usize>r * rowBytes;
          seeded = OP == MAX
            ? maxRowInterior<OpMax>(plan, sample, at, rowBytes, r, rows, rowCount, seeded, pixelBytes)
            : maxRowInterior<OpMaxNoNaN>(plan, sample, at, rowBytes, r, rows, rowCount, seeded, pixelBytes);
          lo = plan.vecLo;
          hi = plan.vecHi;
        } else {
          seeded = 0;
        }
        if (rowsAvg && rowCount > 0) {
          avgRowInterior(plan, sample, outSample + <usize>r * rowBytes, rows, rowCount, divRow, pixelBytes);
          lo = plan.vecLo;
          hi = plan.vecHi;
        }
      }
      // Columns done row-wise are skipped: hi comes before lo (when lo is 0) or after lo - 1.
      for (let o = rowWise && lo == 0 ? hi : 0; o < outW; o = rowWise && o + 1 == lo ? hi : o + 1) {
        const col = load<i32>(colFirst + (<usize>o << 2));
        const cols = load<i32>(colCount + (<usize>o << 2));
        const divisor = divRow * load<f32>(colDiv + (<usize>o << 2));
        const pixel = (<usize>b * <usize>outPlane + (<usize>r * <usize>outW + <usize>o) * <usize>channels) << 2;
        const dst = output + pixel;
        const idx = indices + pixel;
        // The window's taps: rows `rows[0..rowCount)` (element offsets), columns col + j*dilation.
        // (the scalar build has no vector blocks: every channel goes one by one)
        let c = 0;
        if (ASC_FEATURE_SIMD && !hasIndex(OP)) {
          for (; c + 16 <= channels; c += 16) {
            if (!block16(OP, sample + (<usize>c << 2), dst + (<usize>c << 2), rows, rowCount, col, cols, divisor, pixelBytes, tapBytes)) {
              for (let k = c; k < c + 16; k += 4) {
                exact4(OP, sample + (<usize>k << 2), dst + (<usize>k << 2), idx, rows, rowCount, col, cols, firstRow + col, divisor, pixelBytes, dilation);
              }
            }
          }
        }
        if (ASC_FEATURE_SIMD && hasIndex(OP) && full) {
          for (; c + 16 <= channels; c += 16) {
            const at = <usize>c << 2;
            if (!indexBlock16(OP, sample + at, dst + at, idx + at, rows, rowCount, col, cols, firstRow + col, pixelBytes, dilation)) {
              for (let k = c; k < c + 16; k += 4) {
                exact4(OP, sample + (<usize>k << 2), dst + (<usize>k << 2), idx + (<usize>k << 2), rows, rowCount, col, cols, firstRow + col, divisor, pixelBytes, dilation);
              }
            }
          }
        }
        if (ASC_FEATURE_SIMD) for (; c + 4 <= channels; c += 4) {
          exact4(OP, sample + (<usize>c << 2), dst + (<usize>c << 2), idx + (<usize>c << 2), rows, rowCount, col, cols, firstRow + col, divisor, pixelBytes, dilation);
        }
        if (ASC_FEATURE_SIMD && full && c < channels && channels >= 4) {
          // the last four channels (see above; simdpool/core keeps one at a time, in less code)
          const k = <usize>(channels - 4) << 2;
          exact4(OP, sample + k, dst + k, idx + k, rows, rowCount, col, cols, firstRow + col, divisor, pixelBytes, dilation);
          c = channels;
        }
        for (; c < channels; c++) {
          exact1(OP, sample + (<usize>c << 2), dst + (<usize>c << 2), idx + (<usize>c << 2), rows, rowCount, col, cols, firstRow + col, divisor, pixelBytes, dilation);
        }
      }
    }
  }
}

/**
 * Max pooling of output row r's interior columns [vecLo, vecHi), all channels (at least 8; 3 at stride 2),
 * one pass per input row of the window: each pass takes that row's max over every window's
 * columns (scan order, so ties keep the earlier column) and folds it into the output row, which
 * stays in L1 between passes. Folding rows in order gives the first largest value in scan order,
 * as PyTorch. When row r's last input row is also row r+1's first (3 / stride 2: rows 2r-1..2r+1)
 * that pass also writes its maxima into output row r+1 as its starting values ("seeded": 1
 * returned, when its pass ran), so such a row is read once. When row r's last two are row r+1's
 * first two (3 / stride 1, eight channels or more), the pass over those two writes their
 * maxima into row r+1 (2 returned), and row r+1 then folds in its last row from the pass over its
 * own last two: one pass a row. (pmax folds of rows in order are associative: the fold of the
 * pair is the pair's first largest value.) With MAX every input element the passes read is
 * watched for NaN once at least; a row that meets a NaN is redone with PyTorch's exact rule and
 * seeds nothing (0).
 */
function maxRowInterior<O>(
  plan: Plan, sample: usize, dst: usize, rowBytes: usize, r: i32, rows: usize, rowCount: i32,
  seeded: i32, pixelBytes: usize,
): i32 {
  const OP = opOf<O>();
  const lo = plan.vecLo, hi = plan.vecHi, channels = <usize>plan.channels;
  // Blocks of eight channels (two vectors), of four for 4 to 7 channels, or three lanes for 3.
  const wide = channels >= 8, blockBytes: usize = wide ? 32 : 16, blockMask: usize = wide ? 7 : 3;
  const wholeBytes = (channels & ~blockMask) << 2, parts = channels > 3 && channels & blockMask ? 2 : 1;
  const lastRow = load<i32>(rows + (<usize>(rowCount - 1) << 2));
  const next = plan.rowStarts + (<usize>(r + 1) << 2);
  const nextRows = r + 1 < plan.outRows ? load<i32>(next, 4) - load<i32>(next) : 0;
  const nextList = plan.rowList + (<usize>load<i32>(next) << 2);
  // Whether row r+1 starts where this one ends (it has a window row, and it is ours).
  const seedNext = nextRows > 0 && load<i32>(nextList) == lastRow;
  // Whether row r+1's first two rows are this one's last two (3 / stride 1 from eight channels).
  // Both are compared: 3D windows' rows (depth slices after one another) are not evenly spaced, so
  // the next window's second row can be our last while its first is not our second to last.
  const pairNext = wide && plan.stride == 1 && plan.kw == 3 && rowCount >= 2 && nextRows >= 2 &&
    load<i32>(nextList, 4) == lastRow && load<i32>(nextList) == load<i32>(rows + (<usize>(rowCount - 2) << 2));
  const from = sample + <usize>(plan.colOrigin + lo * plan.stride) * pixelBytes;
  const to = dst + <usize>lo * pixelBytes;
  let nan = false, seeds = 0;
  // With pairNext, rows of up to three window rows, unseeded or seeded with two, take their last
  // pass over the last two rows, shared (the output holding all rows before the last): alone, or
  // after the first two unseeded. (A window higher than its row stride plus one, 4 / stride 2
  // say, can be seeded with two and have two more: those take plain passes.)
  const share = pairNext && rowCount <= 3 && (seeded == 2 || seeded == 0);
  if (share) seeds = 2;
  // Rows two at a time (an odd last one alone, see rowPass). A seeded row of one window row runs
  // no pass, so it seeds nothing: the next row, then, is not seeded (`seeds` stays 0).
  for (let t = share && seeded == 2 ? rowCount - 2 : seeded; t < rowCount;) {
    const u = min(t + 1, rowCount - 1);
    const shared = share && t == rowCount - 2;
    const seedBytes = shared || seedNext && u == rowCount - 1 ? rowBytes : 0;
    if (seedBytes != 0 && !share) seeds = 1;
    const rowA = <usize>load<i32>(rows + (<usize>t << 2)) * pixelBytes;
    const rowB = <usize>load<i32>(rows + (<usize>u << 2)) * pixelBytes;
    const count = hi - lo, first = t == 0 && seeded == 0;
    // The channels' whole blocks, then (when the block does not divide them) the last block in a
    // pass of its own, overlapping: a block moved back within the pass's loop made H's passes
    // 11% slower.
    for (let part = 0; part < parts; part++) {
      const skip: usize = part == 0 ? 0 : pixelBytes - blockBytes, bytes = part == 0 ? wholeBytes : blockBytes;
      if (wide) nan |= rowPass<O, TwoVectors>(plan, from + skip, rowA, rowB, to + skip, count, bytes, pixelBytes, first, seedBytes, shared);
      else if (channels > 3) nan |= rowPass<O, OneVector>(plan, from + skip, rowA, rowB, to + skip, count, bytes, pixelBytes, first, seedBytes, false);
      else nan |= rowPass<O, ThreeLanes>(plan, from + skip, rowA, rowB, to + skip, count, blockBytes, pixelBytes, first, seedBytes, false);
    }
    // (sharing after an unseeded pair: the shared pass starts on that pair's second row)
    t = share && t < rowCount - 2 ? rowCount - 2 : t + 2;
  }
  if (OP == MAX && nan) {
    const firstIndex = load<i32>(plan.rowInit + (<usize>r << 2));
    for (let o = lo; o < hi; o++) {
      const col = load<i32>(plan.colFirst + (<usize>o << 2));
      // (three channels one by one: a block of four would write the next pixel's first)
      if (channels == 3) {
        for (let k: usize = 0; k < 12; k += 4) {
          exact1(OP, sample + k, dst + <usize>o * pixelBytes + k, 0, rows, rowCount, col, plan.kw, firstIndex + col, 1, pixelBytes, 1);
        }
        continue;
      }
      for (let c: usize = 0; c < channels; c += 4) {
        const k = min(c, channels - 4) << 2;
        exact4(OP, sample + k, dst + <usize>o * pixelBytes + k, 0, rows, rowCount, col, plan.kw, firstIndex + col, 1, pixelBytes, 1);
      }
    }
    return 0;
  }
  return seeds;
}

/** maxRowPass for the plan's window: 2 or 3 wide at stride 1 or 2. */
@inline function rowPass<O, W>(
  plan: Plan, from: usize, rowA: usize, rowB: usize, to: usize, count: i32, blockBytes: usize, pixelBytes: usize,
  first: bool, seedBytes: usize, shared: bool,
): bool {
  // (3 / stride 1, see maxRowInterior)
  if (sizeof<W>() == 2 && shared) return maxRowPass<O, Kernel3, Stride1, W, SharedRows>(from, rowA, rowB, to, count, blockBytes, pixelBytes, first, seedBytes);
  // An odd row out (3-row windows; 2-row windows at stride 1 once seeded; a range's first row
  // when streamed) in a pass of its own from eight channels: half the loads and folds of the
  // pair of it with itself (3 / stride 1 1.15-1.2x, 2 / stride 1 1.3x faster).
  if (sizeof<W>() == 2 && rowA == rowB) return rowPassOf<O, W, OneRow>(plan, from, rowA, rowB, to, count, blockBytes, pixelBytes, first, seedBytes);
  return rowPassOf<O, W, TwoRows>(plan, from, rowA, rowB, to, count, blockBytes, pixelBytes, first, seedBytes);
}

/**
 * Rows a pass takes, as type arguments of maxRowPass: two (rowA then rowB), rowA alone, or two
 * whose first the output holds already (SharedRows: rowB alone folded in, both rows' maxima seeded).
 */
type TwoRows = u8;
type OneRow = u16;
type SharedRows = u32;

/** rowPass for R rows a pass. */
@inline function rowPassOf<O, W, R>(
  plan: Plan, from: usize, rowA: usize, rowB: usize, to: usize, count: i32, blockBytes: usize, pixelBytes: usize,
  first: bool, seedBytes: usize,
): bool {
  // (3 to 7 channels at stride 1 stay on the planes: src/ops/channel-planes.ts)
  if (sizeof<W>() == 2 && plan.stride != 2) {
    return plan.kw == 2
      ? maxRowPass<O, Kernel2, Stride1, W, R>(from, rowA, rowB, to, count, blockBytes, pixelBytes, first, seedBytes)
      : maxRowPass<O, Kernel3, Stride1, W, R>(from, rowA, rowB, to, count, blockBytes, pixelBytes, first, seedBytes);
  }
  // The two most common passes from eight channels with their flags made constants (V8 keeps such
  // tests in the loop, a compare with a stack slot and a branch a block): 2x2 / stride 2's only
  // pass of a row (1x56x56x128 1.12x faster), and 3 / stride 2's over rows 2r and 2r+1, folded into
  // the output that row 2r-1 seeded and seeding row r+1 (H 1.05-1.07x).
  const common = sizeof<W>() == 2 && sizeof<R>() == 1;
  if (plan.kw == 2) {
    if (common && first && seedBytes == 0) {
      return maxRowPass<O, Kernel2, Stride2, W, R>(from, rowA, rowB, to, count, blockBytes, pixelBytes, true, 0, FIRST_UNSEEDING);
    }
    return maxRowPass<O, Kernel2, Stride2, W, R>(from, rowA, rowB, to, count, blockBytes, pixelBytes, first, seedBytes);
  }
  if (common && !first && seedBytes != 0) {
    return maxRowPass<O, Kernel3, Stride2, W, R>(from, rowA, rowB, to, count, blockBytes, pixelBytes, false, seedBytes, FOLDED_SEEDING);
  }
  return maxRowPass<O, Kernel3, Stride2, W, R>(from, rowA, rowB, to, count, blockBytes, pixelBytes, first, seedBytes);
}

/**
 * What maxRowPass's caller knows of its flags: nothing (they are tested as the pass runs), `first`
 * and `seedBytes` 0, or not `first` and `seedBytes` not 0.
 */
const FLAGS_TESTED = 0, FIRST_UNSEEDING = 1, FOLDED_SEEDING = 2;

/**
 * Two input rows of the window (R = TwoRows: `rowA` then `rowB`, byte offsets from `from`; the
 * same row twice for an odd one out under eight channels, which max does not mind), or rowA
 * alone (OneRow), over `count` interior windows two (K =
 * Kernel2) or three (Kernel3) columns wide at stride 2 or 1 (S; stride 1 for eight channels only), the first
 * `blockBytes` of each pixel's channels (pixels `pixelBytes` apart) eight (W = TwoVectors), four
 * (OneVector) or three (ThreeLanes) at a time: their
 * maxima start (`first`) or are folded into the output pixels at `to`; rowB's alone are also
 * stored `seedBytes` further on when that is not 0. SharedRows (3 / stride 1): rowA's maxima are
 * in the output already (unless `first`), so rowB's alone are folded in, and both rows' are stored
 * as the seed.
 * With MAX, returns whether a NaN was read. Each tap is watched once: a window's taps that the
 * one before did not read (its last `stride` ones, or all when the windows do not overlap), and
 * the first window's others before the loop.
 * Straight-line code on purpose: branches and short loops here cost more than the arithmetic.
 */
@inline function maxRowPass<O, K, S, W, R>(
  from: usize, rowA: usize, rowB: usize, to: usize, count: i32, blockBytes: usize, pixelBytes: usize,
  first: bool, seedBytes: usize, known: i32 = FLAGS_TESTED,
): bool {
  const OP = opOf<O>();
  const starts = known == FLAGS_TESTED ? first : known == FIRST_UNSEEDING;
  const seeds = known == FLAGS_TESTED ? seedBytes != 0 : known == FOLDED_SEEDING;
  const three = sizeof<K>() == 2, stride1 = sizeof<S>() == 1, two = sizeof<W>() == 2, lanes3 = sizeof<W>() == 4;
  const one = sizeof<R>() == 2, shared = sizeof<R>() == 4;
  const neutral = f32x4.splat(initial(OP));
  const twoPixels = pixelBytes << 1, step = stride1 ? pixelBytes : twoPixels;
  let nan = i32x4.splat(0);
  // The first window's taps that no window watches below: its first for 3 / stride 2 and 2 /
  // stride 1, its first two for 3 / stride 1.
  if (OP == MAX && (three || stride1)) {
    for (let c: usize = 0; c < blockBytes; c += 16) {
      let s = one ? v128.load(from + rowA + c) : f32x4.add(v128.load(from + rowA + c), v128.load(from + rowB + c));
      if (three && stride1) {
        const second = v128.load(from + rowA + pixelBytes + c);
        s = f32x4.add(s, one ? second : f32x4.add(second, v128.load(from + rowB + pixelBytes + c)));
      }
      nan = v128.or(nan, f32x4.ne(s, s));
    }
  }
  for (let o = 0; o < count; o++) {
    // The block's vectors: for OneVector the block is one vector, so there is no loop (a loop
    // run once made 4 to 7 channels 1.3-1.6x slower), and its second-vector values are left
    // unused (the optimizer drops them); TwoVectors loops over pairs (blockBytes >= 32).
    let c: usize = 0;
    do {
      const pa = from + rowA + c, pb = from + rowB + c, q = to + c;
      let xa0 = v128.load(pa), xa1 = two ? v128.load(pa, 16) : xa0;
      // (OneRow: row b's values are row a's, and nothing below folds or watches them)
      let xb0 = one ? xa0 : v128.load(pb), xb1 = one ? xa1 : two ? v128.load(pb, 16) : xb0;
      if (OP == MAX_NO_NAN) {
        // -inf first, so that a NaN in the first tap is dropped like any other.
        xa0 = f32x4.pmax(neutral, xa0); xa1 = f32x4.pmax(neutral, xa1);
        xb0 = f32x4.pmax(neutral, xb0); xb1 = f32x4.pmax(neutral, xb1);
      }
      const ya0 = v128.load(pa + pixelBytes), ya1 = two ? v128.load(pa + pixelBytes, 16) : ya0;
      const yb0 = one ? ya0 : v128.load(pb + pixelBytes), yb1 = one ? ya1 : two ? v128.load(pb + pixelBytes, 16) : yb0;
      // pmax keeps its first operand on ties (the earlier tap) and when that is NaN.
      let ha0 = f32x4.pmax(xa0, ya0), ha1 = f32x4.pmax(xa1, ya1);
      let hb0 = f32x4.pmax(xb0, yb0), hb1 = f32x4.pmax(xb1, yb1);
      if (three) {
        const za0 = v128.load(pa + twoPixels), za1 = two ? v128.load(pa + twoPixels, 16) : za0;
        const zb0 = one ? za0 : v128.load(pb + twoPixels), zb1 = one ? za1 : two ? v128.load(pb + twoPixels, 16) : zb0;
        ha0 = f32x4.pmax(ha0, za0); ha1 = f32x4.pmax(ha1, za1);
        hb0 = f32x4.pmax(hb0, zb0); hb1 = f32x4.pmax(hb1, zb1);
        if (OP == MAX && stride1) {
          const s = both(two, rowsSum(one, za0, zb0), rowsSum(one, za1, zb1));
          nan = v128.or(nan, f32x4.ne(s, s));
        } else if (OP == MAX) {
          const s = both(two, rowsSum(one, f32x4.add(ya0, za0), f32x4.add(yb0, zb0)), rowsSum(one, f32x4.add(ya1, za1), f32x4.add(yb1, zb1)));
          nan = v128.or(nan, f32x4.ne(s, s));
        }
      } else if (OP == MAX && stride1) {
        const s = both(two, rowsSum(one, ya0, yb0), rowsSum(one, ya1, yb1));
        nan = v128.or(nan, f32x4.ne(s, s));
      } else if (OP == MAX) {
        const s = both(two, rowsSum(one, f32x4.add(xa0, ya0), f32x4.add(xb0, yb0)), rowsSum(one, f32x4.add(xa1, ya1), f32x4.add(xb1, yb1)));
        nan = v128.or(nan, f32x4.ne(s, s));
      }
      if (one) {
        hb0 = ha0;
        hb1 = ha1;
      }
      let a0 = one ? ha0 : f32x4.pmax(ha0, hb0), a1 = one ? ha1 : f32x4.pmax(ha1, hb1);
      if (!starts) {
        a0 = one ? f32x4.pmax(v128.load(q), ha0) : shared ? f32x4.pmax(v128.load(q), hb0) : f32x4.pmax(f32x4.pmax(v128.load(q), ha0), hb0);
        if (two) a1 = one ? f32x4.pmax(v128.load(q, 16), ha1) : shared ? f32x4.pmax(v128.load(q, 16), hb1) : f32x4.pmax(f32x4.pmax(v128.load(q, 16), ha1), hb1);
      }
      if (seeds) {
        storeBlock<W>(q + seedBytes, shared ? f32x4.pmax(ha0, hb0) : hb0);
        if (two) v128.store(q + seedBytes, shared ? f32x4.pmax(ha1, hb1) : hb1, 16);
      }
      storeBlock<W>(q, a0);
      if (two) v128.store(q, a1, 16);
      c += 32;
    } while (two && c < blockBytes);
    from += step;
    to += pixelBytes;
  }
  // (ThreeLanes: the fourth lane is the next pixel's, or past the row)
  return OP == MAX && v128.any_true(lanes3 ? v128.and(nan, i32x4(-1, -1, -1, 0)) : nan);
}

/** A block's (first) vector stored: four lanes, or (ThreeLanes) the first three. */
@inline function storeBlock<W>(at: usize, v: v128): void {
  if (sizeof<W>() == 4) {
    v128.store64_lane(at, v, 0);
    v128.store32_lane(at, v, 2, 8);
  } else {
    v128.store(at, v);
  }
}

/** The NaN watch's sum of both rows' taps, or (`one`) of the first's. */
@inline function rowsSum(one: bool, first: v128, second: v128): v128 {
  return one ? first : f32x4.add(first, second);
}

/** The NaN watch's sum of both vectors' taps (`two`), or of the first's. */
@inline function both(two: bool, first: v128, second: v128): v128 {
  return two ? f32x4.add(first, second) : first;
}

/**
 * Averages of output row r's interior columns [vecLo, vecHi), 3 to 47 channels, four at a time (the
 * last four overlapping the block before when 4 does not divide them; three lanes for 3), windows 2 or 3 wide at
 * stride 2 or (8 channels or more) 3 wide at stride 1: per block, one pass per input row of the window, in order, each adding that row's taps
 * left to right into the output's running sums, which is PyTorch's order (the window's taps in scan
 * order), the last pass dividing. An overlapping block starts its sums afresh in its first pass,
 * so its lanes come out as the block before left them.
 */
function avgRowInterior(plan: Plan, sample: usize, dst: usize, rows: usize, rowCount: i32, divRow: f32, pixelBytes: usize): void {
  const lo = plan.vecLo, count = plan.vecHi - lo, channels = <usize>plan.channels;
  const from = sample + <usize>(plan.colOrigin + lo * plan.stride) * pixelBytes;
  const to = dst + <usize>lo * pixelBytes, divs = plan.colDiv + (<usize>lo << 2);
  for (let c: usize = 0; c < channels; c += 4) {
    const k = channels > 3 ? min(c, channels - 4) << 2 : 0;
    for (let t = 0; t < rowCount; t++) {
      const at = from + k + <usize>load<i32>(rows + (<usize>t << 2)) * pixelBytes, first = t == 0, last = t == rowCount - 1;
      if (plan.stride == 1) {
        avgRowPass<Kernel3, Stride1, OneVector>(at, to + k, divs, count, pixelBytes, first, last, divRow);
      } else if (channels == 3) {
        if (plan.kw == 2) avgRowPass<Kernel2, Stride2, ThreeLanes>(at, to + k, divs, count, pixelBytes, first, last, divRow);
        else avgRowPass<Kernel3, Stride2, ThreeLanes>(at, to + k, divs, count, pixelBytes, first, last, divRow);
      } else if (plan.kw == 2) {
        avgRowPass<Kernel2, Stride2, OneVector>(at, to + k, divs, count, pixelBytes, first, last, divRow);
      } else {
        avgRowPass<Kernel3, Stride2, OneVector>(at, to + k, divs, count, pixelBytes, first, last, divRow);
      }
    }
  }
}

/**
 * One input row's taps of `count` windows two (K = Kernel2) or three (Kernel3) pixels wide at
 * stride 2, or three wide at stride 1 (S), four channels (W = OneVector) or three (ThreeLanes), added in column order to the sums at `to` (`first`: starting them; the
 * first tap stands for 0 + it, which differs only in a zero's sign, and positiveZero settles that),
 * `last`: then divided by the window's divisor (the row's times the column's, as exact4 is given).
 * At stride 1 each pixel is loaded once: the window's taps slide along in registers.
 */
@inline function avgRowPass<K, S, W>(
  at: usize, to: usize, divs: usize, count: i32, pixelBytes: usize, first: bool, last: bool, divRow: f32,
): void {
  if (sizeof<S>() == 1) {
    let x = v128.load(at), y = v128.load(at + pixelBytes);
    for (let o = 0; o < count; o++) {
      const z = v128.load(at + (pixelBytes << 1));
      const sum = f32x4.add(f32x4.add(first ? x : f32x4.add(v128.load(to), x), y), z);
      storeSum<W>(to, sum, last, divRow, divs, o);
      x = y;
      y = z;
      at += pixelBytes;
      to += pixelBytes;
    }
    return;
  }
  const step = pixelBytes << 1;
  for (let o = 0; o < count; o++) {
    let sum = first ? v128.load(at) : f32x4.add(v128.load(to), v128.load(at));
    sum = f32x4.add(sum, v128.load(at + pixelBytes));
    if (sizeof<K>() == 2) sum = f32x4.add(sum, v128.load(at + step));
    storeSum<W>(to, sum, last, divRow, divs, o);
    at += step;
    to += pixelBytes;
  }
}

/** A row pass's sums stored, divided by window o's divisor after the `last` row. */
@inline function storeSum<W>(to: usize, sum: v128, last: bool, divRow: f32, divs: usize, o: i32): void {
  if (last) sum = positiveZero(f32x4.div(sum, f32x4.splat(divRow * load<f32>(divs + (<usize>o << 2)))));
  storeBlock<W>(to, sum);
}

/** Sixteen channels of one pixel, fast. False when max pooling met a NaN (nothing is final then). */
@inline function block16(
  OP: i32, start: usize, dst: usize, rowList: usize, rows: i32, col: i32, cols: i32, divisor: f32,
  pixelBytes: usize, tapBytes: usize,
): bool {
  const neutral = f32x4.splat(initial(OP));
  let a0 = neutral, a1 = neutral, a2 = neutral, a3 = neutral;
  let check = f32x4.splat(0);
  for (let t = 0; t < rows; t++) {
    let at = start + <usize>(load<i32>(rowList + (<usize>t << 2)) + col) * pixelBytes;
    for (let j = 0; j < cols; j++) {
      const v0 = v128.load(at), v1 = v128.load(at, 16), v2 = v128.load(at, 32), v3 = v128.load(at, 48);
      a0 = foldTap(OP, a0, v0);
      a1 = foldTap(OP, a1, v1);
      a2 = foldTap(OP, a2, v2);
      a3 = foldTap(OP, a3, v3);
      if (OP == MAX) check = f32x4.add(check, f32x4.add(f32x4.add(v0, v1), f32x4.add(v2, v3)));
      at += tapBytes;
    }
  }
  if (OP == MAX && v128.any_true(f32x4.ne(check, check))) return false;
  if (OP == AVG) {
    const d = f32x4.splat(divisor);
    a0 = positiveZero(f32x4.div(a0, d));
    a1 = positiveZero(f32x4.div(a1, d));
    a2 = positiveZero(f32x4.div(a2, d));
    a3 = positiveZero(f32x4.div(a3, d));
  }
  v128.store(dst, a0);
  v128.store(dst, a1, 16);
  v128.store(dst, a2, 32);
  v128.store(dst, a3, 48);
  return true;
}

/**
 * Sixteen channels of one pixel, max with indices (both NaN rules: OP is only read for that):
 * per tap a compare for the index (ties keep the earlier tap), pmax for the value, and an add
 * for a NaN watch. False when PyTorch's rule meets a NaN (a NaN wins there): exact4 decides.
 * A function of its own, shared by both index kernels.
 */
function indexBlock16(
  OP: i32, start: usize, dst: usize, idx: usize, rowList: usize, rows: i32, col: i32, cols: i32,
  firstIndex: i32, pixelBytes: usize, dilation: i32,
): bool {
  let a0 = f32x4.splat(-Infinity), a1 = a0, a2 = a0, a3 = a0;
  let b0 = i32x4.splat(firstIndex), b1 = b0, b2 = b0, b3 = b0;
  let check = f32x4.splat(0);
  const tapBytes = <usize>dilation * pixelBytes;
  for (let t = 0; t < rows; t++) {
    let index = load<i32>(rowList + (<usize>t << 2)) + col;
    let at = start + <usize>index * pixelBytes;
    for (let j = 0; j < cols; j++) {
      const v0 = v128.load(at), v1 = v128.load(at, 16), v2 = v128.load(at, 32), v3 = v128.load(at, 48);
      const i = i32x4.splat(index);
      b0 = v128.bitselect(i, b0, f32x4.gt(v0, a0));
      b1 = v128.bitselect(i, b1, f32x4.gt(v1, a1));
      b2 = v128.bitselect(i, b2, f32x4.gt(v2, a2));
      b3 = v128.bitselect(i, b3, f32x4.gt(v3, a3));
      a0 = f32x4.pmax(a0, v0);
      a1 = f32x4.pmax(a1, v1);
      a2 = f32x4.pmax(a2, v2);
      a3 = f32x4.pmax(a3, v3);
      check = f32x4.add(check, f32x4.add(f32x4.add(v0, v1), f32x4.add(v2, v3)));
      at += tapBytes;
      index += dilation;
    }
  }
  if (!ignoresNaN(OP) && v128.any_true(f32x4.ne(check, check))) return false;
  v128.store(dst, a0);
  v128.store(dst, a1, 16);
  v128.store(dst, a2, 32);
  v128.store(dst, a3, 48);
  v128.store(idx, b0);
  v128.store(idx, b1, 16);
  v128.store(idx, b2, 32);
  v128.store(idx, b3, 48);
  return true;
}

/** Four channels of one pixel, exactly: PyTorch's `v > best || isnan(v)` per lane, with indices. */
export function exact4(
  OP: i32, start: usize, dst: usize, idx: usize, rowList: usize, rows: i32, col: i32, cols: i32,
  firstIndex: i32, divisor: f32, pixelBytes: usize, dilation: i32,
): void {
  let acc = f32x4.splat(initial(OP));
  let best = i32x4.splat(firstIndex);
  const tapBytes = <usize>dilation * pixelBytes;
  for (let t = 0; t < rows; t++) {
    let index = load<i32>(rowList + (<usize>t << 2)) + col;
    let at = start + <usize>index * pixelBytes;
    for (let j = 0; j < cols; j++) {
      const v = v128.load(at);
      if (OP == AVG) {
        acc = f32x4.add(acc, v);
      } else {
        const m = takesLanes(OP, v, acc);
        acc = v128.bitselect(v, acc, m);
        if (hasIndex(OP)) best = v128.bitselect(i32x4.splat(index), best, m);
      }
      at += tapBytes;
      index += dilation;
    }
  }
  if (OP == AVG) acc = positiveZero(f32x4.div(acc, f32x4.splat(divisor)));
  v128.store(dst, acc);
  if (hasIndex(OP)) v128.store(idx, best);
}

/** One channel of one pixel (the tail of channels % 4). */
export function exact1(
  OP: i32, start: usize, dst: usize, idx: usize, rowList: usize, rows: i32, col: i32, cols: i32,
  firstIndex: i32, divisor: f32, pixelBytes: usize, dilation: i32,
): void {
  let best = initial(OP);
  let bestIndex = firstIndex;
  for (let t = 0; t < rows; t++) {
    let index = load<i32>(rowList + (<usize>t << 2)) + col;
    for (let j = 0; j < cols; j++) {
      const v = load<f32>(start + <usize>index * pixelBytes);
      if (OP == AVG) {
        best += v;
      } else if (takes(OP, v, best)) {
        best = v;
        bestIndex = index;
      }
      index += dilation;
    }
  }
  if (OP == AVG) best = best / divisor + 0;
  store<f32>(dst, best);
  if (hasIndex(OP)) store<i32>(idx, bestIndex);
}

export function maxPoolChannels_f32(plan: usize, input: usize, output: usize): void {
  poolChannels(MAX, changetype<Plan>(plan), input, output, 0, true);
}

export function maxPoolChannelsIndices_f32(plan: usize, input: usize, output: usize, indices: usize): void {
  poolChannels(MAX_INDEX, changetype<Plan>(plan), input, output, indices, true);
}

export function avgPoolChannels_f32(plan: usize, input: usize, output: usize): void {
  poolChannels(AVG, changetype<Plan>(plan), input, output, 0, true);
}

export function maxPoolChannelsNoNaN_f32(plan: usize, input: usize, output: usize): void {
  poolChannels(MAX_NO_NAN, changetype<Plan>(plan), input, output, 0, true);
}

export function maxPoolChannelsIndicesNoNaN_f32(plan: usize, input: usize, output: usize, indices: usize): void {
  poolChannels(MAX_INDEX_NO_NAN, changetype<Plan>(plan), input, output, indices, true);
}
