// Pooling with SIMD lanes along output columns whose windows are irregular (adaptive pooling
// with a non-dividing size, planar layouts): four output columns at a time, each lane with its
// own first column and tap count from the plan (colFirst/colCount). Loads are gathered (one
// float per lane); a lane whose window is shorter than the longest of the four re-reads its
// last tap, which cannot change a max (same value, same index) and is masked out of a sum.
// Rows come from the plan's CSR lists exactly as in rows.ts; dilation is 1.
import { Plan } from './plan';
import { AVG, MAX, MAX_INDEX, MAX_INDEX_NO_NAN, MAX_NO_NAN, hasIndex, initial, positiveZero, takesLanes } from './reduce';
import { rowsColumn } from './rows';

@inline function gatherLanes(p: usize, offsets: v128): v128 {
  let v = f32x4.splat(load<f32>(p + <usize>i32x4.extract_lane(offsets, 0)));
  v = f32x4.replace_lane(v, 1, load<f32>(p + <usize>i32x4.extract_lane(offsets, 1)));
  v = f32x4.replace_lane(v, 2, load<f32>(p + <usize>i32x4.extract_lane(offsets, 2)));
  return f32x4.replace_lane(v, 3, load<f32>(p + <usize>i32x4.extract_lane(offsets, 3)));
}

@inline function poolGather(OP: i32, plan: Plan, input: usize, output: usize, indices: usize): void {
  const planes = plan.planes, inPlane = plan.inPlane, outPlane = plan.outPlane, inW = plan.inW;
  const outRows = plan.outRows, outW = plan.outW;
  const rowStarts = plan.rowStarts, rowList = plan.rowList, rowInit = plan.rowInit, rowDiv = plan.rowDiv;
  const colFirst = plan.colFirst, colCount = plan.colCount, colDiv = plan.colDiv;
  const vecW = outW & ~3;
  for (let p = 0; p < planes; p++) {
    const inPlanePtr = input + ((<usize>p * <usize>inPlane) << 2);
    for (let r = 0; r < outRows; r++) {
      const t0 = load<i32>(rowStarts + (<usize>r << 2));
      const t1 = load<i32>(rowStarts + (<usize>r << 2), 4);
      const firstRowIndex = load<i32>(rowInit + (<usize>r << 2)); // element offset of the row
      const divRow = load<f32>(rowDiv + (<usize>r << 2));
      const outIndex = <usize>p * <usize>outPlane + <usize>r * <usize>outW;
      const outRow = output + (outIndex << 2);
      const idxRow = indices + (outIndex << 2);
      for (let o = 0; o < vecW; o += 4) {
        const first = v128.load(colFirst + (<usize>o << 2));
        const count = v128.load(colCount + (<usize>o << 2));
        const last = i32x4.sub(count, i32x4.splat(1));
        const taps = max(
          max(i32x4.extract_lane(count, 0), i32x4.extract_lane(count, 1)),
          max(i32x4.extract_lane(count, 2), i32x4.extract_lane(count, 3)),
        );
        let acc = f32x4.splat(initial(OP));
        let aux = hasIndex(OP) ? i32x4.add(i32x4.splat(firstRowIndex), first) : i32x4.splat(0);
        for (let t = t0; t < t1; t++) {
          const rowIndex = i32x4.splat(load<i32>(rowList + (<usize>t << 2)));
          for (let j = 0; j < taps; j++) {
            const jv = i32x4.splat(j);
            const col = i32x4.add(rowIndex, i32x4.add(first, i32x4.min_s(jv, last)));
            const v = gatherLanes(inPlanePtr, i32x4.shl(col, 2));
            if (OP == AVG) {
              acc = f32x4.add(acc, v128.and(v, i32x4.lt_s(jv, count)));
            } else if (hasIndex(OP)) {
              const m = takesLanes(OP, v, acc);
              acc = v128.bitselect(v, acc, m);
              aux = v128.bitselect(col, aux, m);
            } else {
              acc = f32x4.pmax(acc, v);
              if (OP == MAX) aux = v128.or(aux, f32x4.ne(v, v));
            }
          }
        }
        const dst = outRow + (<usize>o << 2);
        if (OP == MAX) {
          v128.store(dst, v128.bitselect(f32x4.splat(NaN), acc, aux));
        } else if (OP == MAX_NO_NAN) {
          v128.store(dst, acc);
        } else if (hasIndex(OP)) {
          v128.store(dst, acc);
          v128.store(idxRow + (<usize>o << 2), aux);
        } else {
          const divisor = f32x4.mul(f32x4.splat(divRow), v128.load(colDiv + (<usize>o << 2)));
          v128.store(dst, positiveZero(f32x4.div(acc, divisor)));
        }
      }
      for (let c = vecW; c < outW; c++) rowsColumn(OP, plan, inPlanePtr, outRow, idxRow, r, c);
    }
  }
}

export function maxPoolGather_f32(plan: usize, input: usize, output: usize): void {
  poolGather(MAX, changetype<Plan>(plan), input, output, 0);
}

export function maxPoolGatherIndices_f32(plan: usize, input: usize, output: usize, indices: usize): void {
  poolGather(MAX_INDEX, changetype<Plan>(plan), input, output, indices);
}

export function maxPoolGatherNoNaN_f32(plan: usize, input: usize, output: usize): void {
  poolGather(MAX_NO_NAN, changetype<Plan>(plan), input, output, 0);
}

export function maxPoolGatherIndicesNoNaN_f32(plan: usize, input: usize, output: usize, indices: usize): void {
  poolGather(MAX_INDEX_NO_NAN, changetype<Plan>(plan), input, output, indices);
}

export function avgPoolGather_f32(plan: usize, input: usize, output: usize): void {
  poolGather(AVG, changetype<Plan>(plan), input, output, 0);
}
