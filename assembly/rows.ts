// Pooling with SIMD lanes along output columns: layouts whose columns are contiguous
// (NCW, NCHW, NCDHW, and channels-last with one channel). One plane at a time, four output
// columns at a time in the interior, one at a time at the borders and tails.
import { Plan } from './plan';
import { AVG, MAX, MAX_INDEX, initial, positiveZero, takes, takesLanes } from './reduce';
import { Stride1, Stride2, StrideAny, laneOffsets, loadStrided } from './lanes';

@inline function poolRows<S>(OP: i32, plan: Plan, input: usize, output: usize, indices: usize): void {
  const planes = plan.planes, inPlane = plan.inPlane, outPlane = plan.outPlane, inW = plan.inW;
  const outRows = plan.outRows, outW = plan.outW;
  const rowStarts = plan.rowStarts, rowList = plan.rowList, rowInit = plan.rowInit, rowDiv = plan.rowDiv;
  const colFirst = plan.colFirst, colDiv = plan.colDiv;
  const kw = plan.kw, stride = plan.stride, dilation = plan.dilation, vecLo = plan.vecLo, vecHi = plan.vecHi;
  const strideBytes = <usize>stride << 2;
  const dilationBytes = <usize>dilation << 2;
  const lanes = laneOffsets(stride);
  for (let p = 0; p < planes; p++) {
    const inPlanePtr = input + ((<usize>p * <usize>inPlane) << 2);
    for (let r = 0; r < outRows; r++) {
      const t0 = load<i32>(rowStarts + (<usize>r << 2));
      const t1 = load<i32>(rowStarts + (<usize>r << 2), 4);
      const firstRowIndex = load<i32>(rowInit + (<usize>r << 2)) * inW;
      const divRow = load<f32>(rowDiv + (<usize>r << 2));
      const outIndex = <usize>p * <usize>outPlane + <usize>r * <usize>outW;
      const outRow = output + (outIndex << 2);
      const idxRow = indices + (outIndex << 2);

      let o = vecLo;
      for (; o + 4 <= vecHi; o += 4) {
        const c0 = load<i32>(colFirst + (<usize>o << 2));
        let acc = f32x4.splat(initial(OP));
        // MAX: lanes that met a NaN; MAX_INDEX: index of each lane's current best.
        let aux = OP == MAX_INDEX ? i32x4.add(i32x4.splat(firstRowIndex + c0), lanes) : i32x4.splat(0);
        for (let t = t0; t < t1; t++) {
          let col = load<i32>(rowList + (<usize>t << 2)) * inW + c0;
          let at = inPlanePtr + (<usize>col << 2);
          for (let j = 0; j < kw; j++) {
            const v = loadStrided<S>(at, strideBytes);
            if (OP == MAX) {
              acc = f32x4.pmax(acc, v); // one maxps: keeps acc on ties, but ignores a NaN in v...
              aux = v128.or(aux, f32x4.ne(v, v)); // ...so NaNs are remembered here
            } else if (OP == MAX_INDEX) {
              const m = takesLanes(v, acc);
              acc = v128.bitselect(v, acc, m);
              aux = v128.bitselect(i32x4.add(i32x4.splat(col), lanes), aux, m);
            } else {
              acc = f32x4.add(acc, v);
            }
            at += dilationBytes;
            col += dilation;
          }
        }
        const dst = outRow + (<usize>o << 2);
        if (OP == MAX) {
          v128.store(dst, v128.bitselect(f32x4.splat(NaN), acc, aux));
        } else if (OP == MAX_INDEX) {
          v128.store(dst, acc);
          v128.store(idxRow + (<usize>o << 2), aux);
        } else {
          const divisor = f32x4.mul(f32x4.splat(divRow), v128.load(colDiv + (<usize>o << 2)));
          v128.store(dst, positiveZero(f32x4.div(acc, divisor)));
        }
      }
      for (let c = 0; c < vecLo; c++) rowsColumn(OP, plan, inPlanePtr, outRow, idxRow, c, t0, t1, firstRowIndex, divRow);
      for (let c = o; c < outW; c++) rowsColumn(OP, plan, inPlanePtr, outRow, idxRow, c, t0, t1, firstRowIndex, divRow);
    }
  }
}

/** One output column, one lane: borders (clipped windows) and tails. */
@inline function rowsColumn(
  OP: i32, plan: Plan, inPlanePtr: usize, outRow: usize, idxRow: usize, o: i32,
  t0: i32, t1: i32, firstRowIndex: i32, divRow: f32,
): void {
  const inW = plan.inW, dilation = plan.dilation, rowList = plan.rowList;
  const c0 = load<i32>(plan.colFirst + (<usize>o << 2));
  const n = load<i32>(plan.colCount + (<usize>o << 2));
  let best = initial(OP);
  let bestIndex = firstRowIndex + c0;
  for (let t = t0; t < t1; t++) {
    const base = load<i32>(rowList + (<usize>t << 2)) * inW + c0;
    for (let j = 0; j < n; j++) {
      const index = base + j * dilation;
      const v = load<f32>(inPlanePtr + (<usize>index << 2));
      if (OP == AVG) {
        best += v;
      } else if (takes(v, best)) {
        best = v;
        bestIndex = index;
      }
    }
  }
  if (OP == AVG) best = best / (divRow * load<f32>(plan.colDiv + (<usize>o << 2))) + 0;
  store<f32>(outRow + (<usize>o << 2), best);
  if (OP == MAX_INDEX) store<i32>(idxRow + (<usize>o << 2), bestIndex);
}

/** Specialise on the column stride so the common strides get contiguous loads. */
@inline function poolRowsByStride(OP: i32, planPtr: usize, input: usize, output: usize, indices: usize): void {
  const plan = changetype<Plan>(planPtr);
  const stride = plan.stride;
  if (stride == 1) poolRows<Stride1>(OP, plan, input, output, indices);
  else if (stride == 2) poolRows<Stride2>(OP, plan, input, output, indices);
  else poolRows<StrideAny>(OP, plan, input, output, indices);
}

export function maxPoolRows_f32(plan: usize, input: usize, output: usize): void {
  poolRowsByStride(MAX, plan, input, output, 0);
}

export function maxPoolRowsIndices_f32(plan: usize, input: usize, output: usize, indices: usize): void {
  poolRowsByStride(MAX_INDEX, plan, input, output, indices);
}

export function avgPoolRows_f32(plan: usize, input: usize, output: usize): void {
  poolRowsByStride(AVG, plan, input, output, 0);
}
