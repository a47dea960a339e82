// Pooling whose every window is one cell: kernel 1 and stride 1 without padding, or adaptive
// pooling to the input's own size (VGG's and AlexNet's classifier heads, 7x7 to 7x7). Max pooling
// then gives the input, bit for bit; an average gives the input plus +0, as PyTorch's window sum
// starts at +0 (so -0 becomes +0). src/ops/pool.ts takes this instead of the window kernels, whose
// bookkeeping per window cost up to 9x a copy there.
import { positiveZero } from './reduce';

export function poolOneCell_f32(input: usize, output: usize, count: i32, avg: bool): void {
  const bytes = <usize>count << 2;
  if (!avg) {
    memory.copy(output, input, bytes);
    return;
  }
  let at: usize = 0;
  if (ASC_FEATURE_SIMD) {
    for (; at + 16 <= bytes; at += 16) v128.store(output + at, positiveZero(v128.load(input + at)));
  }
  for (; at < bytes; at += 4) store<f32>(output + at, load<f32>(input + at) + 0);
}
