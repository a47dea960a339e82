#!/usr/bin/python3
"""Golden cases for planar windows four wide at stride four (assembly/four-wide.ts): kernel 4 /
stride 4 max and average pooling, and adaptive pooling whose sizes divide into windows of 4
(28 -> 7 and others), computed by REAL PyTorch (Debian python3-torch 1.13). Same format as
breadth.json; test/four-wide.test.ts runs them in both layouts, max pooling with and without
indices (only the calls without indices take four-wide.ts), every output compared bit for bit.

Run:  /usr/bin/python3 test/golden/generate_four_wide.py
Writes test/golden/four-wide.json next to this file.

Inputs are channels-first, one kind of plane per channel: random values, signed zeros and -1
(ties that only PyTorch's scan order settles: the first largest value wins), one NaN, several
NaNs (the last one wins PyTorch's max), and infinities.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

from golden_common import AAVGF, AMAXF, AVGF, MAXF, b64f32, b64i32, samplers

torch.set_num_threads(1)
SEED = 20240604
rng = np.random.default_rng(SEED)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "four-wide.json")
NAN, INF, NZ = float("nan"), float("inf"), -0.0
randn, randint = samplers(rng)

cases = []


def planes(batch, spatial):
    """Channels of the kinds above, batch x 6 x spatial."""
    size = int(np.prod(spatial))
    kinds = []
    for _ in range(batch):
        ties = rng.choice(np.array([0.0, NZ, -1.0], np.float32), size)
        one_nan = randn(size)
        one_nan[rng.integers(size)] = NAN
        nans = rng.choice(np.array([0.0, NZ, -1.0], np.float32), size)
        nans[rng.integers(0, size, 5)] = NAN
        infs = randn(size)
        infs[rng.integers(0, size, 6)] = INF
        infs[rng.integers(0, size, 6)] = -INF
        kinds.append(np.stack([randn(size), ties, rng.choice(np.array([0.0, NZ], np.float32), size), one_nan, nans, infs]))
    return np.stack(kinds).reshape((batch, 6) + tuple(spatial)).astype(np.float32)


def add_case(name, op, x, options, out, idx=None):
    case = {"name": name, "op": op, "shape": list(x.shape), "input": b64f32(x), "options": options,
            "output": {"shape": list(out.shape), "data": b64f32(out.detach().numpy())}}
    if idx is not None:
        case["indices"] = {"shape": list(idx.shape), "data": b64i32(idx.numpy())}
    cases.append(case)


def torch_window(o):
    """torch's window arguments from simdpool's options."""
    k = o["kernelSize"]
    return dict(kernel_size=k, stride=o.get("stride", k), padding=o.get("padding", 0), ceil_mode=o.get("ceilMode", False))


def max_case(name, d, x, **options):
    out, idx = MAXF[d](torch.from_numpy(x), dilation=options.get("dilation", 1), return_indices=True, **torch_window(options))
    add_case(f"max {name}", f"maxPool{d}d", x, options, out, idx)


def avg_case(name, d, x, **options):
    """Average pooling of 1000 x (so that sums round)."""
    x = x * np.float32(1000)
    extra = {"divisor_override": options["divisorOverride"]} if "divisorOverride" in options else {}
    out = AVGF[d](torch.from_numpy(x), count_include_pad=options.get("countIncludePad", True), **torch_window(options), **extra)
    add_case(f"avg {name}", f"avgPool{d}d", x, options, out)


def windowed(name, d, x, **options):
    """Max pooling of x, and average pooling of 1000 x."""
    max_case(name, d, x, **options)
    avg_case(name, d, x, **options)


def adaptive(name, d, x, size):
    """As windowed(), adaptive pooling."""
    add_case(f"adaptive max {name}", f"adaptiveMaxPool{d}d", x, {"outputSize": size}, *AMAXF[d](torch.from_numpy(x), size, return_indices=True))
    x = x * np.float32(1000)
    add_case(f"adaptive avg {name}", f"adaptiveAvgPool{d}d", x, {"outputSize": size}, AAVGF[d](torch.from_numpy(x), size))


# Whole groups (16 -> 4), ragged rows (20 -> 5, 28 -> 7: the last group overlaps), columns past
# the last window (23 -> 5), row windows that overlap (stride [2, 4]), and 1 (1D), 4 or 16 (3D)
# input rows per output row.
windowed("k4 s4 1x6x16x20", 2, planes(1, [16, 20]), kernelSize=4, stride=4)
windowed("k4 s4 1x6x13x23", 2, planes(1, [13, 23]), kernelSize=4, stride=4)
windowed("k4 s4 1d 1x6x33", 1, planes(1, [33]), kernelSize=4, stride=4)
windowed("k4 s[2,4] 1x6x9x16", 2, planes(1, [9, 16]), kernelSize=4, stride=[2, 4])
adaptive("28x28 -> 7x7 1x6x28x28", 2, planes(1, [28, 28]), 7)
adaptive("16x24 -> 4x6 1x6x16x24", 2, planes(1, [16, 24]), [4, 6])
adaptive("3d 4x8x16 -> 1x2x4 1x6x4x8x16", 3, planes(1, [4, 8, 16]), [1, 2, 4])

# Rows the plan shapes (the kernel takes them from its row lists; its columns stay unpadded):
# padded rows, ceil mode's last partial row window, dilated rows, and the average's divisor
# options. (Appended last: the cases above keep their random inputs.)
windowed("k4 s4 rows padded [1, 0] 1x6x14x16", 2, planes(1, [14, 16]), kernelSize=4, stride=4, padding=[1, 0])
avg_case("k4 s4 rows padded [1, 0] countIncludePad false 1x6x14x16", 2, planes(1, [14, 16]), kernelSize=4, stride=4,
         padding=[1, 0], countIncludePad=False)
windowed("k4 s4 ceilMode rows 1x6x14x16", 2, planes(1, [14, 16]), kernelSize=4, stride=4, ceilMode=True)
avg_case("k4 s4 divisorOverride 3 1x6x8x16", 2, planes(1, [8, 16]), kernelSize=4, stride=4, divisorOverride=3)
avg_case("k4 s4 divisorOverride -7 1x6x8x16", 2, planes(1, [8, 16]), kernelSize=4, stride=4, divisorOverride=-7)
max_case("k4 s[1,4] dilation [2,1] 1x6x12x16", 2, planes(1, [12, 16]), kernelSize=4, stride=[1, 4], dilation=[2, 1])

doc = {"generator": "test/golden/generate_four_wide.py", "torch": torch.__version__, "numpy": np.__version__, "seed": SEED,
       "cases": cases}
with open(OUT, "w") as f:
    json.dump(doc, f, indent=1, allow_nan=False)
    f.write("\n")
print(f"wrote {OUT}: {len(cases)} cases, {os.path.getsize(OUT)} bytes", file=sys.stderr)
