// Channels-last pooling of 2 to 7 channels as planes (the full engine's; a step around the
// kernel, Settings.around, that replaces it). The channel-lane kernel works 16, 4 or 1 channels
// of a pixel at a time and pays its per-pixel bookkeeping for every four or every one of them: on
// 224x224 pixels of 3 channels, 2x2 / stride 2 max ran 44x and 3 / stride 2 36x the planar
// kernels' time on the same values (2 channels 30x, 4 channels 7-11x, 8 channels 1-4x). The
// call's samples are transposed into planes in scratch a group at a time (a large sample in
// bands of rows), pooled by the planar row kernel with a plan of their own, and the results
// transposed back: 2.5-17x faster, and 2.5-3x more with 2 or 3 channels since transpose_f32
// shuffles them (docs/performance.md, sixteenth round). Not with indices (callKernel runs their
// kernel without steps around it), nor for max and average pooling of 3 to 7 channels that the
// channel-lane kernel does row by row (rowWise). In simdpool/parallel each worker transposes,
// pools and transposes back a part of the samples as one work item (Context.fork), the planar
// plan pinned by the recording as the call's own is (src/parallel/memory.ts).
import type { Context } from '../context';
import { axisWindows, type Axis, type Geometry } from '../shape';
import { oneCellWindows } from './one-cell';
import { FIELD, HEADER_BYTES, readHeader, rowRange } from './plane-range';
import { rowChunks, rowSpans } from './row-chunks';
import { chunkPlanes } from './stream';
import { derivedPlanOf, planBytesBound, planDivisor, planShapeOf, poolKernel, type AroundKernel, type CallKernel, type Settings } from './pool';
import type { CallMemory } from './tensors';

const FEWEST_CHANNELS = 2;
const MOST_CHANNELS = 7;

const cells = (axes: readonly Axis[], of: 'size' | 'out') => axes.reduce((n, a) => n * a[of], 1);

/**
 * Input bytes that stay in cache: a batch of at most this much is one group of samples, and a
 * sample of more goes in bands of output rows whose input rows take about this much.
 */
const IN_CACHE_BYTES = 2 << 20;

/**
 * The step over a call's samples `group` at a time (fewer in its last group): a batch of at most
 * 2 MiB in one group (in cache anyway), larger ones a streamed chunk's samples (streaming.chunkBytes'
 * worth, at least one), so that an end-to-end call's chunks are a group each and wasm memory holds
 * a group's scratch, not the batch's (64x224x224x3 grew it to 83 MB for a 37 MB input). Resident
 * calls take the same groups: their transposed input and output stay in cache (batches past it
 * ran 1.1-1.3x faster; groups of 64 KiB to 1 MiB ran alike: docs/performance.md).
 * simdpool/parallel (ctx.fork) gives each worker its groups (of at most its share of the batch),
 * transposed, pooled and transposed back as one work item: split kernel call by kernel call, a
 * call paid three round trips to the workers, its transposes ran on one worker, and 64x56x56x2
 * 3 / stride 1 max took 1.5-3.7x the one thread's time (0.64-0.79x of that now; 1x1000x1000x3
 * 0.47-0.58x: docs/performance.md). `bytes` counts the batch's scratch (over the groups' or
 * bands' of any engine's parts: the 4 GiB pre-check errs on the side of refusing).
 */
function channelPlanes(group: number, batch: number, channels: number, inPixels: number, outPixels: number): AroundKernel {
  const inSample = 4 * channels * inPixels, outSample = 4 * channels * outPixels;
  const banded = group === 1 && inSample > IN_CACHE_BYTES;
  return {
    // the transposed input and output of the batch, the planar plan and a header copy for a short
    // group (banded: a header a band, at most one an output row)
    bytes: (axes) => batch * (inSample + outSample) + planBytesBound(axes) + HEADER_BYTES * (banded ? cells(axes.slice(0, -1), 'out') : 1),
    kernel(ctx, call, g, axes, _channelKernel, s) {
      // simdpool/parallel's parts: none for a call it runs here (by its pooling's work, floats read
      // and window taps: the one-thread engine's groups, kernel calls made one by one); else each a
      // worker's share of the batch, in as few even groups of at most IN_CACHE_BYTES as it takes
      // (it streams no chunks: 16x112x112x4 in groups of a chunk recorded and posted 48 kernel
      // calls, 1.14-1.21x slower)
      const parts = ctx.fork?.parts(g.batch * (inSample + outSample * axes.reduce((n, a) => n * a.kernel, 1)) / 4) ?? 0;
      const share = Math.ceil(g.batch / parts);
      const most = parts ? Math.ceil(share / Math.ceil(share * inSample / IN_CACHE_BYTES)) : group;
      // (kept by the signature's settings, which its calls share: pool.ts derivedPlanOf)
      const plan = derivedPlanOf(ctx, s, planShapeOf({ ...g, batch: most, channelsLast: false }), axes, planDivisor(s));
      const planar = poolKernel(ctx.kernels, 'Rows', s.reduce, s.nanMode === 'ignore');
      if (banded) return bandKernel(ctx, call, plan, planar, channels, inSample, outSample, g.batch, parts);
      // (part j's first group is group j: planes of its samples, so that the parts' take at most the batch's)
      const groups = inParts(ctx, call, Math.min(parts, Math.ceil(g.batch / most)), (j) => Math.min(most, g.batch - j * most), inSample, outSample);
      const headerCopy = call.block(HEADER_BYTES, 'plan header');
      const k = ctx.kernels;
      // `samples`: the call's, or a streamed chunk's (one part); a short group pools through a
      // header copy over its planes only (the plan's would pool the rest of the scratch too),
      // written before any kernel runs, and names the plan so that simdpool/parallel pins it
      return (_plan, input, output, _indices, samples) => {
        if (samples % most) {
          const header = readHeader(ctx.memory.memory, plan);
          header[FIELD.planes] = samples % most * channels;
          new Int32Array(ctx.memory.memory.buffer).set(header, headerCopy >> 2);
        }
        groups(Math.ceil(samples / most), (u, planesIn, planesOut) => {
          const first = u * most, n = Math.min(most, samples - first);
          k.transpose_f32(input + first * inSample, planesIn, n, inPixels, channels);
          planar(n === most ? plan : headerCopy, planesIn, planesOut, plan);
          k.transpose_f32(planesOut, output + first * outSample, n, channels, outPixels);
        });
      };
    },
  };
}

/**
 * Planes in and out for `parts` parts (none: one, its units run here in turn), part j `samples(j)`
 * samples of `inBytes` and `outBytes` (blocks of their own: no part's kernels write into another's
 * guard bytes); and what runs units [0, units) over them, part j units j, j + parts, ..., each
 * part one work item of simdpool/parallel's (Context.fork).
 */
function inParts(ctx: Context, call: CallMemory, parts: number, samples: (part: number) => number, inBytes: number, outBytes: number) {
  const n = Math.max(1, parts), scratch: number[] = [];
  for (let j = 0; j < n; j++) scratch.push(call.block(samples(j) * inBytes, 'planes'), call.block(samples(j) * outBytes, 'planes out'));
  // (closures left unnamed, and no Array.from: the Node bundle names a named one at each call, and
  // the two made small calls 0.7 µs slower)
  return (units: number, unit: (u: number, planesIn: number, planesOut: number) => void) => {
    const runs: Array<() => void> = [];
    for (let j = 0; j < n; j++) {
      runs.push(() => {
        for (let u = j; u < units; u += n) unit(u, scratch[2 * j], scratch[2 * j + 1]);
      });
    }
    if (parts) ctx.fork!.run(runs);
    else runs[0]();
  };
}

/**
 * Samples over IN_CACHE_BYTES (a group of one) in bands of output rows whose input rows take
 * about that much (./row-chunks.ts, as planes larger than a chunk stream), so that the scratch
 * holds a band's planes, not a sample's (a 2000x2000 RGB image took 96 MB of it). Each band pools with a
 * header of its own over band-sized planes (./plane-range.ts rowRange, inPlane and outPlane the
 * band's, the input pointer moved back to the band's first row as a streamed chunk's is), all
 * written before any kernel runs: simdpool/parallel runs the recorded calls later. Its parts
 * take the batch's bands in turn, as many parts as the batch's scratch (`bytes`) holds planes for.
 */
function bandKernel(
  ctx: Context, call: CallMemory, plan: number, planar: ReturnType<typeof poolKernel>, channels: number, inSample: number, outSample: number, batch: number, parts: number,
): CallKernel {
  const full = readHeader(ctx.memory.memory, plan), outW = full[FIELD.outW];
  const bands = rowChunks(rowSpans(new Int32Array(ctx.memory.memory.buffer), full), IN_CACHE_BYTES / 4 / channels, full[FIELD.inPlane]);
  const inBand = 4 * channels * bands.reduce((n, b) => Math.max(n, b.hi - b.lo), 0);
  const outBand = 4 * channels * outW * bands.reduce((n, b) => Math.max(n, b.rows), 0);
  // (a part without bands, where the cap passes them, makes no work item: the engine leaves it out)
  const groups = inParts(ctx, call, Math.min(parts, Math.floor(batch * (inSample + outSample) / (inBand + outBand))), () => 1, inBand, outBand);
  const headers = call.block(HEADER_BYTES * bands.length, 'plan headers');
  const heap = new Int32Array(ctx.memory.memory.buffer);
  bands.forEach(({ r0, rows, lo, hi }, i) => {
    const fields = rowRange(full.slice(), full, r0, rows);
    fields[FIELD.inPlane] = hi - lo;
    fields[FIELD.outPlane] = rows * outW;
    heap.set(fields, (headers + i * HEADER_BYTES) >> 2);
  });
  const k = ctx.kernels;
  return (_plan, input, output, _indices, samples) => groups(samples * bands.length, (u, planesIn, planesOut) => {
    const n = Math.floor(u / bands.length), i = u % bands.length, { r0, rows, lo, hi } = bands[i];
    // (the plan as an unread trailing argument: simdpool/parallel pins the blocks a recorded call
    // names until it has run, and only the band headers, which point into the plan's tables, name it)
    k.transpose_f32(input + n * inSample + 4 * channels * lo, planesIn, 1, hi - lo, channels);
    planar(headers + i * HEADER_BYTES, planesIn - 4 * lo, planesOut, plan);
    k.transpose_f32(planesOut, output + n * outSample + 4 * channels * outW * r0, 1, channels, rows * outW);
  });
}

/**
 * Whether the channel-lane kernel does the call's interior columns row by row (assembly/channels.ts
 * maxRowInterior, avgRowInterior), 3 to 7 channels: max or average pooling with column windows 2 or
 * 3 wide at stride 2, undilated, with a column window inside the row. A vector a pixel (the last four
 * channels overlapping; three lanes of one for RGB), it ran RGB and RGBA images 1.5-3x faster than
 * the planes, whose two transposes cost more than the pooling; max over 3 / stride 1, which reads
 * every pixel three times, ran 0.4-0.6x, so it stays here (docs/performance.md, eighteenth round).
 */
function rowWise(axes: readonly Axis[], channels: number): boolean {
  const columns = axes[axes.length - 1];
  const window = (columns.kernel === 2 || columns.kernel === 3) && columns.stride === 2 && columns.dilation === 1;
  if (channels < 3 || !window) return false;
  const w = axisWindows(columns);
  return w.interiorLo < w.interiorHi;
}

/**
 * The settings of a channels-last call of 2 to 7 channels without indices (none for others, nor
 * for windows of one cell, which run elementwise: ./one-cell.ts, nor for those the channel-lane
 * kernel does row by row: rowWise).
 */
export function channelPlaneSettings(bag: Record<string, unknown>, axes: readonly Axis[], g: Geometry): Partial<Settings> | undefined {
  const few = g.channelsLast && g.channels >= FEWEST_CHANNELS && g.channels <= MOST_CHANNELS;
  if (!few || bag.returnIndices === true || oneCellWindows(axes) || rowWise(axes, g.channels)) return undefined;
  const inPixels = cells(axes, 'size'), sample = 4 * g.channels * inPixels;
  const group = g.batch * sample <= IN_CACHE_BYTES ? g.batch : Math.min(g.batch, chunkPlanes(sample));
  return { around: channelPlanes(group, g.batch, g.channels, inPixels, cells(axes, 'out')) };
}
