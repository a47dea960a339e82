// One NaN at every input position, for the planar kernels' specialised windows (2/2, 2/1, 3/2, 3/1,
// over 1 to 4 input rows, with and without padding) and two of any width (4/4, 5/3), row widths that give whole, ragged and
// single interior runs, and heights whose 3/1 output rows end with a row pair (rows.ts
// rowPairGroups) or a single row.
// Their interior runs watch for NaN with a sum of each group's taps that the next group does
// not load again, plus the rest of the last group's: a tap left out of that watch shows here
// as a NaN that max drops. Random property tests rarely place a lone NaN on such a tap.
// The channel-lane kernel's row-wise path (2 and 3 / stride 2, 3 / stride 1 in NHWC; 3 channels or
// more) watches each input element once and carries a row's maxima to the next output row (3 wide):
// the second block checks it the same way, in both NaN modes, and with signed zeros that only scan
// order tells apart.
import { describe, expect, it } from 'vitest';
import { maxPool2dRef } from './reference/pool2d';
import { expectSameFloats, expectSameInts, getEngine, target } from './support/engine';
import type { Layout } from '../dist/index.js';

const WINDOWS = [
  { kernelSize: 2, stride: 2 },
  { kernelSize: 2, stride: 1 },
  { kernelSize: 3, stride: 2 },
  { kernelSize: 3, stride: 1 },
  // windows of 1 and 4 rows: interior runs and masked border groups that loop over input rows
  { kernelSize: [2, 3] as [number, number], stride: 1 },
  { kernelSize: [4, 2] as [number, number], stride: [1, 2] as [number, number] },
  // widths of 4 and 5: the any-width interior loop, whose watch adds each tap as it folds it, and
  // (4/4 unpadded) assembly/four-wide.ts's whole planes, whose watch sums each group's sixteen
  // taps (4/4 leaves up to three rows and columns past its last whole window)
  { kernelSize: 4, stride: 4, reach: 0.5 },
  { kernelSize: [2, 5] as [number, number], stride: [1, 3] as [number, number] },
  // 3 wide at column stride 3 or more: one 4x4 block of taps a row, in straight-line code whose
  // watch sums the three taps it folds (rows.ts interiorRun); windows 3 high and 2 high
  { kernelSize: 3, stride: 3, reach: 0.5 },
  { kernelSize: [2, 3] as [number, number], stride: [1, 4] as [number, number], reach: 0.5 },
];
const WIDTHS = [9, 13, 16, 17, 19, 22, 28, 33];
const HEIGHTS = [5, 6];

describe('a lone NaN anywhere reaches the max pooling output', () => {
  for (const window of WINDOWS) {
    for (const padding of [0, 1]) {
      it(`kernel ${window.kernelSize}, stride ${window.stride}, padding ${padding}`, async () => {
        const sp = await getEngine();
        let placements = 0;
        let reaching = 0;
        for (const h of HEIGHTS) {
          for (const w of WIDTHS) {
            const values = Float32Array.from({ length: h * w }, (_, i) => Math.sin(i * 1.7));
            for (let at = 0; at < values.length; at++) {
              const data = values.slice();
              data[at] = NaN;
              const x = { data, shape: [1, h, w], layout: 'NCHW' as const };
              const { reach: _, ...shape } = window as typeof window & { reach?: number };
              const opts = { ...shape, padding };
              const want = maxPool2dRef(x, opts).output.data;
              expectSameFloats(sp.maxPool2d(x, opts).data, want, `height ${h}, width ${w}, NaN at ${at}`);
              placements++;
              if (want.some(Number.isNaN)) reaching++;
            }
          }
        }
        // all but the rows and columns past the last whole window (a 2/2 window's odd last one)
        // lie in some window
        expect(reaching).toBeGreaterThan(placements * ((window as { reach?: number }).reach ?? 0.7));
      });
    }
  }
});

describe('2 / stride 2 over several planes: a NaN redoes its own plane only', () => {
  // Unpadded 2x2 stride-2 windows run every plane with one NaN test per plane (rows.ts
  // twoRowPlanes): a lone NaN in the middle plane must reach its outputs, and the planes before
  // and after (other NaN-test runs) must come out as the reference's. With nanMode 'ignore' the
  // same plane loop (widths 8 and 16: output rows of whole groups, flatPlane) or the row loop
  // (22, 28) must drop it as if it were -Infinity, whichever tap it is (simdpool/core has no nanMode).
  const ignoreMode = target().bundle !== 'core';
  for (const w of [8, 16, 22, 28]) {
    it(`width ${w}, NaN at every position of plane 1 of 3, both NaN modes`, async () => {
      const sp = await getEngine();
      const plane = 6 * w;
      const values = Float32Array.from({ length: 3 * plane }, (_, i) => Math.sin(i * 1.3));
      for (let at = plane; at < 2 * plane; at++) {
        const data = values.slice();
        data[at] = NaN;
        const x = { data, shape: [1, 3, 6, w], layout: 'NCHW' as const };
        const opts = { kernelSize: 2, stride: 2 };
        const want = maxPool2dRef(x, opts).output.data;
        expect(want.some(Number.isNaN)).toBe(true);
        expectSameFloats(sp.maxPool2d(x, opts).data, want, `NaN at ${at}`);
        // with indices: PyTorch's index of the (last) NaN, every other window's first maximum
        const withIndices = sp.maxPool2d(x, { ...opts, returnIndices: true });
        const ref = maxPool2dRef(x, opts);
        expectSameFloats(withIndices.output.data, want, `indices call, NaN at ${at}`);
        expectSameInts(withIndices.indices.data as Int32Array, ref.indices.data, `indices, NaN at ${at}`);
        if (ignoreMode) {
          const dropped = data.slice();
          dropped[at] = -Infinity;
          const refIgnored = maxPool2dRef({ ...x, data: dropped }, opts);
          expectSameFloats(sp.maxPool2d(x, { ...opts, nanMode: 'ignore' }).data, refIgnored.output.data, `ignore: NaN at ${at}`);
          const ignored = sp.maxPool2d(x, { ...opts, nanMode: 'ignore', returnIndices: true });
          expectSameFloats(ignored.output.data, refIgnored.output.data, `ignore, indices call: NaN at ${at}`);
          expectSameInts(ignored.indices.data as Int32Array, refIgnored.indices.data, `ignore, indices: NaN at ${at}`);
        }
      }
    });
  }

  it('ties (signed zeros, equal values): the first largest in scan order and its index', async () => {
    const sp = await getEngine();
    let seed = 11;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (const w of [8, 16, 22]) {
      for (let trial = 0; trial < 20; trial++) {
        const data = Float32Array.from({ length: 3 * 6 * w }, () => [0, -0, -1, 2, 2][Math.floor(next() * 5)]);
        const x = { data, shape: [1, 3, 6, w], layout: 'NCHW' as const };
        const opts = { kernelSize: 2, stride: 2, returnIndices: true };
        const ref = maxPool2dRef(x, opts);
        const got = sp.maxPool2d(x, opts);
        expectSameFloats(got.output.data, ref.output.data, `width ${w}, trial ${trial}`);
        expectSameInts(got.indices.data as Int32Array, ref.indices.data, `width ${w}, trial ${trial}`);
        if (ignoreMode) {
          const ignored = sp.maxPool2d(x, { ...opts, nanMode: 'ignore' });
          expectSameInts(ignored.indices.data as Int32Array, ref.indices.data, `ignore: width ${w}, trial ${trial}`);
        }
      }
    }
  });
});

describe('channels-last 2 and 3 / stride 2 and 3 / stride 1 max pooling: lone NaNs and scan order', () => {
  // Heights give chained and unchained output rows; channels give eight-channel blocks and, past
  // a multiple of eight or four, last blocks that overlap the ones before (assembly/channels.ts);
  // 4 to 7 channels go four at a time, 3 as three lanes of four (at stride 2; 3 / stride 1 pools
  // them as planes).
  const SHAPES = [
    [5, 7, 8], [7, 9, 12], [6, 13, 20], [3, 12, 8], [5, 9, 13], [5, 9, 4], [6, 11, 5], [5, 8, 7], [5, 9, 3],
  ];
  const nhwc = (data: Float32Array, [h, w, c]: number[]) => ({ data, shape: [1, h, w, c], layout: 'NHWC' as Layout });
  // simdpool/core has no nanMode option (and keeps the per-pixel kernel).
  const ignoreMode = target().bundle !== 'core';

  for (const [kernelSize, stride, padding, ceilMode] of [
    [3, 2, 0, false], [3, 2, 1, false], [2, 2, 0, false], [2, 2, 1, true], [3, 1, 0, false], [3, 1, 1, false],
  ] as const) {
    it(`a lone NaN anywhere, kernel ${kernelSize}, stride ${stride}, padding ${padding}${ceilMode ? ', ceilMode' : ''}, both NaN modes`, async () => {
      const sp = await getEngine();
      const opts = { kernelSize, stride, padding, ceilMode };
      let reaching = 0;
      let placements = 0;
      for (const shape of SHAPES) {
        const values = Float32Array.from({ length: shape[0] * shape[1] * shape[2] }, (_, i) => Math.sin(i * 1.3));
        for (let at = 0; at < values.length; at++) {
          const data = values.slice();
          data[at] = NaN;
          const want = maxPool2dRef(nhwc(data, shape), opts).output.data;
          expectSameFloats(sp.maxPool2d(nhwc(data, shape), opts).data, want, `shape ${shape}, NaN at ${at}`);
          if (ignoreMode) {
            // 'ignore': the NaN is as if it were -Infinity.
            const dropped = data.slice();
            dropped[at] = -Infinity;
            const wantIgnored = maxPool2dRef(nhwc(dropped, shape), opts).output.data;
            expectSameFloats(sp.maxPool2d(nhwc(data, shape), { ...opts, nanMode: 'ignore' }).data, wantIgnored, `ignore: shape ${shape}, NaN at ${at}`);
          }
          placements++;
          if (want.some(Number.isNaN)) reaching++;
        }
      }
      // (unpadded 2 / stride 2 leaves an odd last row and column out of every window)
      expect(reaching).toBeGreaterThan(placements * (kernelSize === 2 && padding === 0 ? 0.6 : 0.7));
    });
  }

  it('signed zeros: the first largest value in scan order wins', async () => {
    const sp = await getEngine();
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (const shape of SHAPES) {
      for (let trial = 0; trial < 20; trial++) {
        const data = Float32Array.from({ length: shape[0] * shape[1] * shape[2] }, () => [0, -0, -1][Math.floor(next() * 3)]);
        for (const [kernelSize, stride, padding] of [[3, 2, 0], [3, 2, 1], [2, 2, 0], [2, 2, 1], [3, 1, 0], [3, 1, 1]]) {
          const opts = { kernelSize, stride, padding };
          const want = maxPool2dRef(nhwc(data, shape), opts).output.data;
          expectSameFloats(sp.maxPool2d(nhwc(data, shape), opts).data, want, `shape ${shape}, trial ${trial}`);
          if (ignoreMode) {
            expectSameFloats(sp.maxPool2d(nhwc(data, shape), { ...opts, nanMode: 'ignore' }).data, want, `ignore: shape ${shape}, trial ${trial}`);
          }
        }
      }
    }
  });
});

describe('3 / stride 2 planar max: row pairs and the one-column left border', () => {
  // Two output rows whose windows share an input row (the first one's last, the second one's
  // first) go in one pass over five input rows (rows.ts rowPairGroupsStride2), the shared
  // row's fold used by both; with one padded column the left border group masks only its
  // first tap (padOneGroup). Heights give several pairs, a last row alone, and (padding 1)
  // top and bottom rows of two input rows; widths whole and ragged runs, and right border
  // groups. Rows 4 apart, dilated by 2, make pairs of rows that are not adjacent.
  const SHAPES = [[9, 9], [10, 16], [11, 17], [12, 22], [13, 28]];
  // (reach: the share of positions in some window; rows 4 apart, dilated by 2, skip odd rows)
  const WINDOWS = [
    { kernelSize: 3, stride: 2, reach: 0.7 },
    { kernelSize: 3, stride: [4, 2] as [number, number], dilation: [2, 1] as [number, number], reach: 0.4 },
  ];
  for (const { reach, ...window } of WINDOWS) {
    for (const padding of [0, 1]) {
      it(`a lone NaN anywhere: stride ${window.stride}, dilation ${window.dilation ?? 1}, padding ${padding}`, async () => {
        const sp = await getEngine();
        const opts = { ...window, padding };
        let placements = 0;
        let reaching = 0;
        for (const [h, w] of SHAPES) {
          const values = Float32Array.from({ length: 2 * h * w }, (_, i) => Math.sin(i * 1.7));
          // two planes: a NaN in the first must leave the second as the reference's
          for (let at = 0; at < h * w; at++) {
            const data = values.slice();
            data[at] = NaN;
            const x = { data, shape: [1, 2, h, w], layout: 'NCHW' as const };
            const want = maxPool2dRef(x, opts).output.data;
            expectSameFloats(sp.maxPool2d(x, opts).data, want, `height ${h}, width ${w}, NaN at ${at}`);
            placements++;
            if (want.some(Number.isNaN)) reaching++;
          }
        }
        expect(reaching).toBeGreaterThan(placements * reach);
      });
    }
  }
});

describe('channels-last row-wise max pooling: output rows whose windows are one shared row', () => {
  // A row's pass also seeds the next output row when that row's window starts on this one's last
  // row (channels.ts maxRowInterior); a seeded row of one window row runs no pass, so it must not
  // claim to seed the row after it. Adaptive pooling from one row up to five, and 3 / stride 1
  // with two padded rows each side, give three or more such rows in a chain. The output tensor
  // starts at 7: a row left unwritten shows.
  const cases: Array<[string, (sp: Awaited<ReturnType<typeof getEngine>>, x: unknown, out: unknown) => void, number[], number[]]> = [
    ['adaptiveMaxPool2d 1x10 -> 5x5, 8 channels', (sp, x, out) => sp.adaptiveMaxPool2d(x as never, { outputSize: 5, out } as never), [1, 1, 10, 8], [1, 5, 5, 8]],
    ['maxPool2d 3 / stride 1, two padded rows each side, 16 channels', (sp, x, out) => sp.maxPool2d(x as never, { kernelSize: 3, stride: 1, padding: { top: 2, bottom: 2, left: 1, right: 1 }, out } as never), [1, 1, 9, 16], [1, 3, 9, 16]],
  ];
  for (const [name, pool, inShape, outShape] of cases) {
    it(name, async () => {
      const sp = await getEngine();
      const data = Float32Array.from({ length: inShape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.9));
      const x = sp.fromArray(data, inShape, 'NHWC');
      const out = sp.fromArray(new Float32Array(outShape.reduce((a, b) => a * b, 1)).fill(7), outShape, 'NHWC');
      pool(sp, x, out);
      // each output pixel: the max over its window's columns of the one input row
      const [, , w, c] = inShape;
      const want = new Float32Array(out.data.length);
      const cols = (o: number) => (name.startsWith('adaptive') ? [2 * o, 2 * o + 1] : [o - 1, o, o + 1].filter((j) => j >= 0 && j < w));
      for (let r = 0; r < outShape[1]; r++) {
        for (let o = 0; o < outShape[2]; o++) {
          for (let k = 0; k < c; k++) want[(r * outShape[2] + o) * c + k] = Math.max(...cols(o).map((j) => data[j * c + k]));
        }
      }
      expectSameFloats(out.data, want);
      x.dispose();
      out.dispose();
    });
  }
});
