"""Golden cases for int8/uint8 adaptive averages over windows of more than 8,421,504 cells
(2^31 / 255: past it an int32 window sum may wrap), computed by PyTorch 1.13's contiguous
quantized adaptive_avg_pool kernel, which sums each window in int64.

Run with Debian's python3-torch: /usr/bin/python3 test/golden/generate_quant_large.py
Writes test/golden/quant-large.json: each case's parameters and torch's output codes only. The
inputs (9-34 MB each) are too big to commit: test/quant-large-windows.test.ts computes them
from the same formula (`codes` below).

- Inputs have C = 2, so torch takes its contiguous kernel (C = 1 is also channels-last
  contiguous, and torch's channels-last kernel sums in int32: 3000x3000 codes of 255 average
  to 0 there; simdpool follows the contiguous kernel in every layout).
- Each plane starts with a run of one code (the dtype's end) and goes on with a scrambled
  pattern. The runs were picked (searched once, offline) so that some outputs differ from the
  exactly rounded mean: torch converts the int64 sum to float32 before multiplying by its
  float32 1/k0/k1/... chain, and those outputs pin that down. The generator checks the formula
  nearbyint(f32(f32(sum) * m)) against every torch output and reports how many outputs the
  exact mean and a float32 division (the quantized mean's rounding) would get wrong.
"""
import json
from fractions import Fraction

import numpy as np
import torch

from golden_common import AAVGF, tup

f32 = np.float32
NP_DTYPE = {'int8': np.int8, 'uint8': np.uint8}
LOW = {'int8': -128, 'uint8': 0}

# (dtype, shape [N, C, *spatial], outputSize, run, fill, zeroPoint); zeroPoint only goes to
# torch (an adaptive average's codes do not depend on it).
CASES = [
    ('uint8', [1, 2, 2902, 2903], 1, 5946709, 255, 3),                 # global 2D, 8,424,506 cells
    ('int8', [1, 2, 2902, 2903], 1, 6277082, -128, -3),
    ('uint8', [1, 2, 8500000], 1, 333336, 255, 7),                     # global 1D
    ('int8', [1, 2, 16843010], 2, 15224758, 127, -5),                  # 1D, two windows of 8,421,505
    ('uint8', [1, 2, 3, 4210753], [2, 1], 10419553, 255, 100),         # rows [0, 2), [1, 3): 8,421,506 cells;
                                                                       # the first all 255 (its sum is past 2^31)
    ('int8', [1, 2, 3, 2052, 2053], [2, 1, 1], 7929894, -128, 9),      # 3D (not to 1x1x1: no quantized mean)
]


def codes(dtype, shape, run, fill):
    """Flat index i of the contiguous [N, C, *spatial] tensor: `fill` for the first `run` cells
    of each plane, else (i * 7919 + 13) % 256 shifted into the dtype's range."""
    n = int(np.prod(shape))
    plane = int(np.prod(shape[2:]))
    i = np.arange(n, dtype=np.int64)
    v = np.where(i % plane < run, fill, (i * 7919 + 13) % 256 + LOW[dtype])
    return v.astype(NP_DTYPE[dtype]).reshape(shape)


def window_bounds(size, out):
    """torch's quantized adaptive bounds, in float32: [floor(f32(o*size) / out), ceil(f32((o+1)*size) / out))."""
    return [(int(np.floor(f32(f32(o * size) / f32(out)))), int(np.ceil(f32(f32((o + 1) * size) / f32(out)))))
            for o in range(out)]


def formula(q, outs):
    """nearbyint(f32(f32(sum) * m)), m = f32(...f32(f32(1 / k0) / k1)... / kLast); also the exact
    mean rounded and f32(sum) / f32(cells) rounded, for the report."""
    dims = len(outs)
    sp = q.shape[2:]
    bounds = [window_bounds(sp[d], outs[d]) for d in range(dims)]
    res, exact, div = (np.zeros((*q.shape[:2], *outs), np.int64) for _ in range(3))
    for oc in np.ndindex(*outs):
        win = [bounds[d][oc[d]] for d in range(dims)]
        assert all(b <= sp[d] for d, (_, b) in enumerate(win)), 'a window past the input (torch reads beyond it)'
        ks = [b - a for a, b in win]
        m = f32(1)
        for k in ks:
            m = f32(m / f32(k))
        cells = int(np.prod(ks))
        sums = q[(..., *[slice(a, b) for a, b in win])].reshape(*q.shape[:2], -1).astype(np.int64).sum(-1)
        for idx in np.ndindex(*q.shape[:2]):
            s = int(sums[idx])
            res[(*idx, *oc)] = int(np.rint(f32(f32(s) * m)))
            exact[(*idx, *oc)] = round(Fraction(s, cells))  # half to even, exactly
            div[(*idx, *oc)] = int(np.rint(f32(f32(s) / f32(cells))))
    return res, exact, div


def main():
    torch.set_num_threads(1)
    cases = []
    for dtype, shape, out, run, fill, zp in CASES:
        dims = len(shape) - 2
        outs = tup(out, dims)
        q = codes(dtype, shape, run, fill)
        x = torch._make_per_tensor_quantized_tensor(torch.from_numpy(q), 0.5, zp)
        y = AAVGF[dims](x, out)
        assert y.q_scale() == 0.5 and y.q_zero_point() == zp
        got = y.int_repr().numpy().astype(np.int64)
        want, exact, div = formula(q, outs)
        assert np.array_equal(got, want), (dtype, shape, got.ravel(), want.ravel())
        report = f'{dtype} {shape} -> {outs}: {got.ravel().tolist()}; exact mean differs in {int((exact != got).sum())}, f32 division in {int((div != got).sum())}'
        if dims == 2:
            cl = AAVGF[2](x.contiguous(memory_format=torch.channels_last), out).int_repr().numpy()
            report += f'; torch channels-last: {cl.ravel().tolist()}'
        print(report)
        assert (exact != got).any(), 'the run no longer pins down the float32 rounding'
        cases.append({'dtype': dtype, 'shape': shape, 'outputSize': outs, 'run': run, 'fill': fill,
                      'zeroPoint': zp, 'output': got.ravel().tolist()})
    meta = {'torch': torch.__version__, 'generator': 'test/golden/generate_quant_large.py'}
    with open(__file__.replace('generate_quant_large.py', 'quant-large.json'), 'w') as f:
        json.dump({'meta': meta, 'cases': cases}, f, separators=(',', ':'))


if __name__ == '__main__':
    main()
