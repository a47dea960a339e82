// Pooling with SIMD lanes along channels: channels-last layouts (NWC, NHWC, NDHWC).
// Every tap of a window is one contiguous run of `channels` floats, so each output pixel is
// reduced four channels at a time with plain loads; the windows come from the same plan
// tables as the planar kernels (rows flattened, columns last), borders included.
import { Plan } from './plan';
import { AVG, MAX, MAX_INDEX, initial, positiveZero, takes, takesLanes } from './reduce';

@inline function poolChannels(OP: i32, plan: Plan, input: usize, output: usize, indices: usize): void {
  const batches = plan.planes, inPlane = plan.inPlane, outPlane = plan.outPlane, inW = plan.inW;
  const channels = plan.channels, outRows = plan.outRows, outW = plan.outW;
  const rowStarts = plan.rowStarts, rowList = plan.rowList, rowInit = plan.rowInit, rowDiv = plan.rowDiv;
  const colFirst = plan.colFirst, colCount = plan.colCount, colDiv = plan.colDiv;
  const dilation = plan.dilation;
  const pixelBytes = <usize>channels << 2;
  const tapBytes = <usize>dilation * pixelBytes;
  const vecChannels = channels & ~3;
  for (let b = 0; b < batches; b++) {
    const inSample = input + ((<usize>b * <usize>inPlane) << 2);
    for (let r = 0; r < outRows; r++) {
      const t0 = load<i32>(rowStarts + (<usize>r << 2));
      const t1 = load<i32>(rowStarts + (<usize>r << 2), 4);
      const firstRowIndex = load<i32>(rowInit + (<usize>r << 2));
      const divRow = load<f32>(rowDiv + (<usize>r << 2));
      for (let o = 0; o < outW; o++) {
        const c0 = load<i32>(colFirst + (<usize>o << 2));
        const n = load<i32>(colCount + (<usize>o << 2));
        const divisor = divRow * load<f32>(colDiv + (<usize>o << 2));
        const outPixel = (<usize>b * <usize>outPlane + (<usize>r * <usize>outW + <usize>o) * <usize>channels) << 2;
        const dst = output + outPixel;
        const idx = indices + outPixel;
        let c = 0;
        for (; c < vecChannels; c += 4) {
          let acc = f32x4.splat(initial(OP));
          let aux = OP == MAX_INDEX ? i32x4.splat(firstRowIndex + c0) : i32x4.splat(0);
          for (let t = t0; t < t1; t++) {
            let index = load<i32>(rowList + (<usize>t << 2)) + c0;
            let at = inSample + <usize>index * pixelBytes + (<usize>c << 2);
            for (let j = 0; j < n; j++) {
              const v = v128.load(at);
              if (OP == MAX) {
                acc = f32x4.pmax(acc, v); // keeps acc on ties; NaNs are tracked in aux
                aux = v128.or(aux, f32x4.ne(v, v));
              } else if (OP == MAX_INDEX) {
                const m = takesLanes(v, acc);
                acc = v128.bitselect(v, acc, m);
                aux = v128.bitselect(i32x4.splat(index), aux, m);
              } else {
                acc = f32x4.add(acc, v);
              }
              at += tapBytes;
              index += dilation;
            }
          }
          if (OP == MAX) {
            v128.store(dst + (<usize>c << 2), v128.bitselect(f32x4.splat(NaN), acc, aux));
          } else if (OP == MAX_INDEX) {
            v128.store(dst + (<usize>c << 2), acc);
            v128.store(idx + (<usize>c << 2), aux);
          } else {
            v128.store(dst + (<usize>c << 2), positiveZero(f32x4.div(acc, f32x4.splat(divisor))));
          }
        }
        for (; c < channels; c++) {
          let best = initial(OP);
          let bestIndex = firstRowIndex + c0;
          for (let t = t0; t < t1; t++) {
            let index = load<i32>(rowList + (<usize>t << 2)) + c0;
            for (let j = 0; j < n; j++) {
              const v = load<f32>(inSample + <usize>index * pixelBytes + (<usize>c << 2));
              if (OP == AVG) {
                best += v;
              } else if (takes(v, best)) {
                best = v;
                bestIndex = index;
              }
              index += dilation;
            }
          }
          if (OP == AVG) best = best / divisor + 0;
          store<f32>(dst + (<usize>c << 2), best);
          if (OP == MAX_INDEX) store<i32>(idx + (<usize>c << 2), bestIndex);
        }
      }
    }
  }
}

export function maxPoolChannels_f32(plan: usize, input: usize, output: usize): void {
  poolChannels(MAX, changetype<Plan>(plan), input, output, 0);
}

export function maxPoolChannelsIndices_f32(plan: usize, input: usize, output: usize, indices: usize): void {
  poolChannels(MAX_INDEX, changetype<Plan>(plan), input, output, indices);
}

export function avgPoolChannels_f32(plan: usize, input: usize, output: usize): void {
  poolChannels(AVG, changetype<Plan>(plan), input, output, 0);
}
