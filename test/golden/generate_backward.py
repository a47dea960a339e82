#!/usr/bin/python3
"""Golden cases for simdpool's backward passes, computed by REAL PyTorch autograd (Debian
python3-torch 1.13): x.requires_grad_(), out = F.<pool>(x, ...), out.backward(gradOutput), and
x.grad is the expected gradInput.

Run:  /usr/bin/python3 test/golden/generate_backward.py
Writes test/golden/backward.json next to this file.

Each case: "op" is the forward operator (simdpool name; the test calls op + "Backward"),
"options" its forward options (simdpool names), "shape"/"input" the forward input
(channels-first), "gradOutput" the gradient fed to backward(), "gradInput" x.grad, and for max
pooling "indices" the forward indices (PyTorch's per-plane flat index), so both call forms
(indices, and input with the argmax recomputed) are checked. Tests transpose everything for
channels-last layouts. Where torch 1.13 has no op it is marked:
  * lpPool3d: lp_pool2d's exact formula with avg_pool3d (what torch >= 2.2's lp_pool3d does).
Covered: padding, dilation, ceilMode, countIncludePad, divisorOverride (negative too),
overlapping windows (stride < kernel: gradients accumulate), ties (first max in scan order
wins), NaN and infinities in the input, Lp windows whose sum of powers is 0 (gradient 0),
unbatched inputs, asymmetric kernels, and sizes that reach every kernel path (SIMD interiors,
sixteen-channel blocks).
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

from golden_common import AAVGF, AMAXF, AVGF, MAXF, b64f32, b64i32, samplers, tup

torch.set_num_threads(1)
SEED = 20241128
rng = np.random.default_rng(SEED)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "backward.json")
NAN, INF = float("nan"), float("inf")

cases = []
names = set()


randn, randint = samplers(rng)


def add_case(name, op, x, options, forward):
    """forward(t) -> out or (out, indices); the gradient fed back is random normal."""
    assert name not in names, name
    names.add(name)
    x = np.ascontiguousarray(x, dtype=np.float32)
    t = torch.from_numpy(x.copy()).requires_grad_()
    res = forward(t)
    out, idx = res if isinstance(res, tuple) else (res, None)
    grad = torch.from_numpy(randn(*out.shape))
    out.backward(grad)
    case = {
        "name": name, "op": op, "shape": list(x.shape), "input": b64f32(x), "options": options,
        "gradOutput": {"shape": list(out.shape), "data": b64f32(grad.numpy())},
        "gradInput": {"shape": list(x.shape), "data": b64f32(t.grad.numpy())},
    }
    if idx is not None:
        case["indices"] = {"shape": list(idx.shape), "data": b64i32(idx.numpy())}
    cases.append(case)


def max_case(name, d, x, **o):
    k = o["kernelSize"]
    return add_case(name, f"maxPool{d}d", x, o, lambda t: MAXF[d](
        t, k, stride=o.get("stride", k), padding=o.get("padding", 0), dilation=o.get("dilation", 1),
        ceil_mode=o.get("ceilMode", False), return_indices=True))


def avg_case(name, d, x, **o):
    k = o["kernelSize"]
    extra = {} if d == 1 else {"divisor_override": o.get("divisorOverride")}
    assert d > 1 or "divisorOverride" not in o
    return add_case(name, f"avgPool{d}d", x, o, lambda t: AVGF[d](
        t, k, stride=o.get("stride", k), padding=o.get("padding", 0), ceil_mode=o.get("ceilMode", False),
        count_include_pad=o.get("countIncludePad", True), **extra))


def lp_case(name, d, x, **o):
    p, k, s, ceil = o["normType"], o["kernelSize"], o.get("stride"), o.get("ceilMode", False)

    def forward(t):
        if d == 1:
            return F.lp_pool1d(t, p, k, stride=s, ceil_mode=ceil)
        if d == 2:
            return F.lp_pool2d(t, p, k, stride=s, ceil_mode=ceil)
        out = F.avg_pool3d(t.pow(p), k, s if s is not None else k, 0, ceil)
        return (torch.sign(out) * F.relu(torch.abs(out))).mul(int(np.prod(tup(k, 3)))).pow(1.0 / p)

    return add_case(name, f"lpPool{d}d", x, o, forward)


def adaptive_case(name, kind, d, x, output_size):
    size = tuple(output_size) if isinstance(output_size, list) else output_size
    if kind == "max":
        return add_case(name, f"adaptiveMaxPool{d}d", x, {"outputSize": output_size},
                        lambda t: AMAXF[d](t, size, return_indices=True))
    return add_case(name, f"adaptiveAvgPool{d}d", x, {"outputSize": output_size}, lambda t: AAVGF[d](t, size))


def with_specials(x):
    """NaN, +-Infinity and -0 sprinkled in."""
    flat = x.reshape(-1)
    n = flat.size
    for i, v in zip(rng.choice(n, size=max(3, n // 12), replace=False), [NAN, INF, -INF, -0.0] * n):
        flat[i] = v
    return x


# ---- max pooling ----------------------------------------------------------------------------
max_case("max2d k3s2p1", 2, randn(1, 3, 9, 9), kernelSize=3, stride=2, padding=1)
max_case("max2d k2s1 ties (overlap)", 2, randint(0, 3, 2, 2, 6, 7), kernelSize=2, stride=1)
max_case("max2d k3s1p1 ties (overlap)", 2, randint(-2, 2, 1, 2, 7, 6), kernelSize=3, stride=1, padding=1)
max_case("max2d dilation2 p1 ceil", 2, randn(1, 2, 8, 9), kernelSize=3, stride=2, padding=1, dilation=2, ceilMode=True)
max_case("max2d NaN inf", 2, with_specials(randn(2, 2, 6, 6)), kernelSize=3, stride=1, padding=1)
max_case("max2d asym kernel", 2, randn(1, 2, 7, 10), kernelSize=[2, 3], stride=[1, 2], padding=[1, 1])
max_case("max2d unbatched ceil", 2, randn(3, 7, 7), kernelSize=2, stride=2, ceilMode=True)
max_case("max2d 17 channels", 2, randint(0, 4, 1, 17, 6, 6), kernelSize=3, stride=2, padding=1)
max_case("max2d wide k2s2", 2, randn(1, 2, 5, 24), kernelSize=2, stride=2)
max_case("max1d k3s1p1 ties", 1, randint(0, 3, 2, 3, 13), kernelSize=3, stride=1, padding=1)
max_case("max1d dilation ceil", 1, randn(1, 2, 12), kernelSize=3, stride=2, dilation=2, padding=1, ceilMode=True)
max_case("max3d k2s1 overlap", 3, randint(0, 3, 1, 2, 3, 4, 5), kernelSize=2, stride=1)
max_case("max3d k3s2p1 dil", 3, randn(1, 2, 5, 6, 6), kernelSize=3, stride=2, padding=1, dilation=[1, 2, 1])
max_case("max3d NaN", 3, with_specials(randn(1, 2, 4, 4, 4)), kernelSize=2, stride=1, padding=1)

# ---- average pooling ------------------------------------------------------------------------
avg_case("avg2d k3s1p1 cip", 2, randn(1, 2, 7, 9), kernelSize=3, stride=1, padding=1)
avg_case("avg2d k3s1p1 nocip", 2, randn(1, 2, 7, 9), kernelSize=3, stride=1, padding=1, countIncludePad=False)
avg_case("avg2d k3s2p1 ceil cip", 2, randn(1, 2, 6, 6), kernelSize=3, stride=2, padding=1, ceilMode=True)
avg_case("avg2d k3s2p1 ceil nocip", 2, randn(1, 2, 6, 7), kernelSize=3, stride=2, padding=1, ceilMode=True, countIncludePad=False)
avg_case("avg2d divisor 5", 2, randn(2, 2, 6, 6), kernelSize=3, stride=2, padding=1, divisorOverride=5)
avg_case("avg2d divisor -3 ceil", 2, randn(1, 2, 7, 7), kernelSize=2, stride=2, ceilMode=True, divisorOverride=-3)
avg_case("avg2d k2s2", 2, randn(1, 3, 8, 8), kernelSize=2, stride=2)
avg_case("avg2d k2s2 wide ceil", 2, randn(1, 2, 5, 27), kernelSize=2, stride=2, ceilMode=True, padding=1)
avg_case("avg2d k3s1 wide", 2, randn(1, 2, 5, 26), kernelSize=3, stride=1, padding=1, countIncludePad=False)
avg_case("avg2d k4s1 wide p2", 2, randn(1, 1, 6, 23), kernelSize=[3, 4], stride=1, padding=[1, 2])
avg_case("avg2d asym overlap", 2, randn(1, 2, 8, 9), kernelSize=[3, 2], stride=[2, 1], padding=[1, 0])
avg_case("avg2d unbatched", 2, randn(2, 5, 5), kernelSize=3, stride=1, padding=1)
avg_case("avg2d 17 channels", 2, randn(1, 17, 5, 5), kernelSize=3, stride=2, padding=1, countIncludePad=False)
avg_case("avg2d NaN inf", 2, with_specials(randn(1, 2, 6, 6)), kernelSize=2, stride=1)
avg_case("avg1d k3s2p1 ceil nocip", 1, randn(2, 2, 11), kernelSize=3, stride=2, padding=1, ceilMode=True, countIncludePad=False)
avg_case("avg1d k4s1 wide", 1, randn(1, 3, 30), kernelSize=4, stride=1, padding=2)
avg_case("avg3d k3s1p1 nocip", 3, randn(1, 2, 4, 5, 6), kernelSize=3, stride=1, padding=1, countIncludePad=False)
avg_case("avg3d k2s2 ceil divisor 3", 3, randn(1, 2, 5, 5, 5), kernelSize=2, stride=2, ceilMode=True, divisorOverride=3)
avg_case("avg3d asym", 3, randn(1, 2, 4, 6, 7), kernelSize=[1, 3, 3], stride=[1, 2, 1], padding=[0, 1, 1])

# ---- Lp pooling -----------------------------------------------------------------------------
lp_case("lp2d p2 k2s2", 2, randn(1, 2, 6, 6), normType=2, kernelSize=2, stride=2)
lp_case("lp2d p3 k3s1 overlap ceil", 2, randn(1, 2, 7, 8), normType=3, kernelSize=3, stride=1, ceilMode=True)
lp_case("lp2d p1.5 zeros", 2, np.where(randn(1, 2, 6, 6) > 0.3, 0, np.abs(randn(1, 2, 6, 6))), normType=1.5, kernelSize=2, stride=2)
lp_case("lp2d p2 zero windows", 2, np.where(np.arange(36).reshape(1, 1, 6, 6) % 12 < 6, 0, randn(1, 1, 6, 6)), normType=2, kernelSize=2)
lp_case("lp2d p1 ceil", 2, np.abs(randn(1, 2, 7, 7)), normType=1, kernelSize=3, stride=2, ceilMode=True)
lp_case("lp2d p2 wide overlap", 2, randn(1, 2, 5, 22), normType=2, kernelSize=[2, 3], stride=1)
lp_case("lp1d p2 k3s2 ceil", 1, randn(2, 2, 12), normType=2, kernelSize=3, stride=2, ceilMode=True)
lp_case("lp3d p2 k2s1", 3, randn(1, 2, 3, 4, 4), normType=2, kernelSize=2, stride=1)

# ---- adaptive pooling -----------------------------------------------------------------------
adaptive_case("adaptive avg2d 7x9->3x4", "avg", 2, randn(1, 2, 7, 9), [3, 4])
adaptive_case("adaptive avg2d 6x6->3 (dividing)", "avg", 2, randn(1, 2, 6, 6), 3)
adaptive_case("adaptive avg2d 5x5->7 (upsampling)", "avg", 2, randn(1, 2, 5, 5), 7)
adaptive_case("adaptive avg2d 17 channels", "avg", 2, randn(1, 17, 5, 7), [2, 3])
adaptive_case("adaptive avg1d 11->4", "avg", 1, randn(2, 2, 11), 4)
adaptive_case("adaptive avg3d 5x6x7->2x3x4", "avg", 3, randn(1, 2, 5, 6, 7), [2, 3, 4])
adaptive_case("adaptive max2d 7x9->3x4 ties", "max", 2, randint(0, 3, 1, 2, 7, 9), [3, 4])
adaptive_case("adaptive max2d 5x5->7 overlap", "max", 2, randn(1, 2, 5, 5), 7)
adaptive_case("adaptive max2d NaN", "max", 2, with_specials(randn(1, 2, 6, 6)), 4)
adaptive_case("adaptive max1d 11->4", "max", 1, randn(2, 2, 11), 4)
adaptive_case("adaptive max3d 5x6x7->2x3x4", "max", 3, randn(1, 2, 5, 6, 7), [2, 3, 4])

# ---- Lp windows whose sum of powers is NaN (last: the cases above keep their random draws) ----
# torch's sign(NaN) is 0, so such a window sends no gradient where its power's gradient is finite
# (p = 1: C^(1/p - 1) = C^0 = 1) and NaN otherwise; NaN cells in a window, and +Inf beside -Inf.
lp_case("lp1d p1 NaN windows", 1, np.array([[[1.5, -2, 0.5, NAN, 0, -0.5, INF, -INF, 2, 0.25, NAN, 3]]], dtype=np.float32), normType=1, kernelSize=2, stride=1)
lp_case("lp2d p1 NaN windows overlap", 2, with_specials(randn(1, 2, 6, 7)), normType=1, kernelSize=[2, 3], stride=1)
lp_case("lp2d p2 NaN windows", 2, with_specials(randn(1, 2, 6, 6)), normType=2, kernelSize=2, stride=1)

# ---- kernel 3 / stride 2 averages over rows wide enough for the four-column gather (last) -----
# Every input row takes two output rows' deltas, so the order of a cell's adds shows in its bits.
avg_case("avg2d k3s2p1 wide gather", 2, randn(1, 3, 9, 37), kernelSize=3, stride=2, padding=1)
avg_case("avg2d k3s2 wide ceil nocip", 2, randn(1, 2, 8, 30), kernelSize=3, stride=2, ceilMode=True, countIncludePad=False)
avg_case("avg2d k3s2p1 wide odd width divisor", 2, randn(2, 2, 7, 26), kernelSize=[3, 3], stride=2, padding=[1, 1], divisorOverride=7)
avg_case("avg1d k3s2 wide", 1, randn(2, 2, 43), kernelSize=3, stride=2)

doc = {"generator": "test/golden/generate_backward.py", "torch": torch.__version__, "cases": cases}
with open(OUT, "w") as f:
    json.dump(doc, f, indent=0)
    f.write("\n")
print(f"{len(cases)} cases -> {OUT} ({os.path.getsize(OUT)} bytes)")
