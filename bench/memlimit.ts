// Memory-limit reference kernel (AssemblyScript, wasm SIMD).
//
// Does the least work any pooling kernel must do: read every input byte once and
// write every output byte once, in 16-byte vectors, streaming through both in step.
// The output is cut into blocks of 64 vectors (1 KiB); for each block the loop
// reads that block's proportional share of the input (OR-reducing it into four
// independent accumulators, so no dependency chain or float semantics slow it)
// and then writes the block. No pooling arithmetic: its time is the floor for
// moving a case's bytes through this machine's caches and memory from wasm.

export function alloc(bytes: usize): usize {
  // 16-byte aligned block; the stub runtime never frees, the bench allocates once per case.
  return (heap.alloc(bytes + 16) + 15) & ~(<usize>15);
}

export function stream(src: usize, inVecs: i32, dst: usize, outVecs: i32): void {
  const BLOCK = 64;
  let p = src;
  let o = dst;
  for (let ob = 0; ob < outVecs; ob += BLOCK) {
    const oe = min(ob + BLOCK, outVecs);
    const inEnd = src + (<usize>((<i64>oe * inVecs) / outVecs) << 4);
    let a = i32x4.splat(0);
    let b = a;
    let c = a;
    let d = a;
    while (p + 64 <= inEnd) {
      a = v128.or(a, v128.load(p));
      b = v128.or(b, v128.load(p, 16));
      c = v128.or(c, v128.load(p, 32));
      d = v128.or(d, v128.load(p, 48));
      p += 64;
    }
    while (p < inEnd) {
      a = v128.or(a, v128.load(p));
      p += 16;
    }
    a = v128.or(v128.or(a, b), v128.or(c, d));
    const oEnd = dst + (<usize>oe << 4);
    while (o + 64 <= oEnd) {
      v128.store(o, a);
      v128.store(o, a, 16);
      v128.store(o, a, 32);
      v128.store(o, a, 48);
      o += 64;
    }
    while (o < oEnd) {
      v128.store(o, a);
      o += 16;
    }
  }
}

// Arithmetic-floor reference for 3x3 stride-1 averages (case E).
//
// The least SIMD work PyTorch's summation order leaves a kernel that keeps it bit for bit:
// per four outputs, nine taps summed in one dependent chain of eight adds (row-major scan
// order; sum = 0; sum += x, with the leading 0 + x folded away) and one true division, the
// result stored. The taps come from a three-row window kept in L1 (the row of groups is
// walked over and over), the divisor stays in a register, and the stores go to an
// output-sized buffer (every output byte written once). No input streaming from memory, no
// borders, divisor loads, -0 fix or row/plane bookkeeping: its time bounds from below any
// kernel with PyTorch's order and division, on this machine, from wasm SIMD (4 lanes).
export function avgFloor3x3(window: usize, rowBytes: i32, groupsPerRow: i32, dst: usize, outVecs: i32): void {
  const divisor = f32x4.splat(9);
  const r1 = <usize>rowBytes, r2 = <usize>rowBytes * 2;
  const end = dst + (<usize>outVecs << 4);
  let o = dst;
  while (o < end) {
    let a = window;
    for (let g = 0; g < groupsPerRow && o < end; g++) {
      let s = f32x4.add(v128.load(a), v128.load(a, 4));
      s = f32x4.add(s, v128.load(a, 8));
      s = f32x4.add(s, v128.load(a + r1));
      s = f32x4.add(s, v128.load(a + r1, 4));
      s = f32x4.add(s, v128.load(a + r1, 8));
      s = f32x4.add(s, v128.load(a + r2));
      s = f32x4.add(s, v128.load(a + r2, 4));
      s = f32x4.add(s, v128.load(a + r2, 8));
      v128.store(o, f32x4.div(s, divisor));
      o += 16;
      a += 16;
    }
  }
}
