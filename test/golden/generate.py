#!/usr/bin/python3
"""Golden cases for simdpool, computed by REAL PyTorch (Debian python3-torch 1.13).

Run:  /usr/bin/python3 test/golden/generate.py
Writes test/golden/pool2d.json next to this file.

Every output here comes out of a torch op:
  * symmetric / 'valid' padding  -> F.max_pool2d(..., return_indices=True) / F.avg_pool2d
  * globals                      -> F.adaptive_max_pool2d(x, 1, return_indices=True) /
                                    F.adaptive_avg_pool2d(x, 1)
  * 'same' and explicit asymmetric padding, which torch pooling cannot express:
      max: F.pad(x, value=-inf) then F.max_pool2d with padding 0; indices are mapped
           from the padded plane back to the input plane (asserted to land inside it)
      avg: sums = F.avg_pool2d(F.pad(x, 0), divisor_override=1), counts = the same on a
           padded ones-tensor (padding 1 when padded cells count, 0 otherwise), out = sums/counts
    The output size torch gives for the padded tensor is asserted to equal simdpool's
    formula, so such cases are only generated where the two agree.

Inputs are always NCHW (or CHW); tests transpose them for NHWC themselves.
Errors: wherever torch raises, the case records "error": "RangeError" plus torch's message.
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

from golden_common import b64f32, b64i32

torch.set_num_threads(1)
SEED = 20240601
rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "pool2d.json")

NAN = float("nan")
INF = float("inf")

cases = []
names = set()


def pair(v):
    if isinstance(v, (list, tuple)):
        assert len(v) == 2
        return (int(v[0]), int(v[1]))
    return (int(v), int(v))


def spec_out(n, k, s, d, before, after, ceil):
    """simdpool's output-size rule (== torch's pooling_output_shape_pad_lr)."""
    numer = n + before + after - d * (k - 1) - 1 + (s - 1 if ceil else 0)
    out = numer // s + 1  # floor division, like torch's div_rtn
    if ceil and (out - 1) * s >= n + before:
        out -= 1
    return out


def same_pads(n, k, s, d):
    out = -(-n // s)
    total = max((out - 1) * s + d * (k - 1) + 1 - n, 0)
    return total // 2, total - total // 2


def add_case(name, op, x, options, run):
    assert name not in names, name
    names.add(name)
    x = np.ascontiguousarray(x, dtype=np.float32)
    case = {"name": name, "op": op, "shape": list(x.shape), "input": b64f32(x), "options": options}
    t = torch.from_numpy(x.copy())
    try:
        res = run(t)
    except (RuntimeError, ValueError) as e:
        case["error"] = "RangeError"
        case["torchError"] = f"{type(e).__name__}: {str(e).splitlines()[0]}"
        cases.append(case)
        return case
    if isinstance(res, tuple):
        out, idx = res
    else:
        out, idx = res, None
    out = out.detach().numpy()
    case["output"] = {"shape": list(out.shape), "data": b64f32(out)}
    if idx is not None:
        idx = idx.numpy()
        assert idx.shape == out.shape
        case["indices"] = {"shape": list(idx.shape), "data": b64i32(idx)}
    cases.append(case)
    return case


def resolve_padding(padding, H, W, k, s, d):
    """-> (kind, top, bottom, left, right)"""
    if padding is None:
        return "sym", 0, 0, 0, 0
    if padding == "valid":
        return "sym", 0, 0, 0, 0
    if padding == "same":
        top, bottom = same_pads(H, k[0], s[0], d[0])
        left, right = same_pads(W, k[1], s[1], d[1])
        return "same", top, bottom, left, right
    if isinstance(padding, dict):
        return "explicit", padding["top"], padding["bottom"], padding["left"], padding["right"]
    p = pair(padding)
    return "sym", p[0], p[0], p[1], p[1]


def max_case(name, x, **options):
    k = pair(options["kernelSize"])
    s = pair(options.get("stride", options["kernelSize"]))
    d = pair(options.get("dilation", 1))
    ceil = bool(options.get("ceilMode", False))
    padding = options.get("padding")

    def run(t):
        H, W = t.shape[-2], t.shape[-1]
        kind, top, bottom, left, right = resolve_padding(padding, H, W, k, s, d)
        if kind == "sym":
            p = (top, left)
            # torch's own kernel, nothing emulated
            return F.max_pool2d(t, k, stride=s, padding=p, dilation=d, ceil_mode=ceil, return_indices=True)
        tp = F.pad(t, (left, right, top, bottom), value=-INF)
        out, pidx = F.max_pool2d(tp, k, stride=s, padding=0, dilation=d, ceil_mode=ceil, return_indices=True)
        want = (spec_out(H, k[0], s[0], d[0], top, bottom, ceil), spec_out(W, k[1], s[1], d[1], left, right, ceil))
        if tuple(out.shape[-2:]) != want:
            raise AssertionError(f"{name}: padded torch size {tuple(out.shape[-2:])} != spec {want}")
        Wp = W + left + right
        ph, pw = pidx // Wp, pidx % Wp
        h, w = ph - top, pw - left
        if not bool(((h >= 0) & (h < H) & (w >= 0) & (w < W)).all()):
            raise AssertionError(f"{name}: a max index landed in padding; choose an input without such windows")
        return out, (h * W + w).to(torch.int64)

    return add_case(name, "maxPool2d", x, options, run)


def avg_case(name, x, **options):
    k = pair(options["kernelSize"])
    s = pair(options.get("stride", options["kernelSize"]))
    ceil = bool(options.get("ceilMode", False))
    div = options.get("divisorOverride")
    padding = options.get("padding")
    # 'same' counts padded cells only when asked (ONNX count_include_pad=1); by default not, as TF
    cip = bool(options.get("countIncludePad", padding != "same"))

    def run(t):
        H, W = t.shape[-2], t.shape[-1]
        kind, top, bottom, left, right = resolve_padding(padding, H, W, k, s, (1, 1))
        if kind == "sym":
            return F.avg_pool2d(
                t, k, stride=s, padding=(top, left), ceil_mode=ceil, count_include_pad=cip, divisor_override=div
            )
        if div == 0:
            raise AssertionError("use symmetric padding for the divisor 0 error case")
        pads = (left, right, top, bottom)
        sums = F.avg_pool2d(F.pad(t, pads, value=0.0), k, stride=s, padding=0, ceil_mode=ceil, divisor_override=1)
        ones = torch.ones((1, 1, H, W), dtype=torch.float32)
        in_count = F.avg_pool2d(F.pad(ones, pads, value=0.0), k, stride=s, padding=0, ceil_mode=ceil, divisor_override=1)
        want = (spec_out(H, k[0], s[0], 1, top, bottom, ceil), spec_out(W, k[1], s[1], 1, left, right, ceil))
        if tuple(sums.shape[-2:]) != want:
            raise AssertionError(f"{name}: padded torch size {tuple(sums.shape[-2:])} != spec {want}")
        if div is not None:
            divisor = torch.full_like(in_count, float(div))
        elif cip:
            divisor = F.avg_pool2d(F.pad(ones, pads, value=1.0), k, stride=s, padding=0, ceil_mode=ceil, divisor_override=1)
        else:  # in-input cells only: countIncludePad false, or 'same' by default
            divisor = in_count
        out = sums / divisor.reshape(divisor.shape[-2:])
        # torch's avg kernel writes 0 for windows without any input cell and adds to +0
        out = torch.where(in_count.reshape(in_count.shape[-2:]) == 0, torch.zeros_like(out), out) + 0.0
        return out

    return add_case(name, "avgPool2d", x, options, run)


def gmax_case(name, x):
    return add_case(name, "globalMaxPool2d", x, {}, lambda t: F.adaptive_max_pool2d(t, 1, return_indices=True))


def gavg_case(name, x):
    return add_case(name, "globalAvgPool2d", x, {}, lambda t: F.adaptive_avg_pool2d(t, 1))


def randn(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def randint(lo, hi, *shape):
    """small integer values -> lots of ties"""
    return rng.integers(lo, hi, size=shape).astype(np.float32)


def zero_ties(*shape):
    """-1, +0 and -0 at random: ties of signed zeros, whose first in scan order torch keeps."""
    return np.choose(randint(0, 3, *shape).astype(np.int64), [np.float32(-1.0), np.float32(0.0), NZ]).astype(np.float32)


def arr(rows):
    return np.array(rows, dtype=np.float32)


# ---------------------------------------------------------------------------
# max pooling

max_case("max seed example 1x1x28x28 k2 s2", randn(1, 1, 28, 28), kernelSize=2, stride=2)
max_case("max k2 default stride 2x3x6x8", randn(2, 3, 6, 8), kernelSize=2)
max_case("max k3 s1 p0 2x3x7x9", randn(2, 3, 7, 9), kernelSize=3, stride=1)
max_case("max k3 s2 p1 1x2x8x8", randn(1, 2, 8, 8), kernelSize=3, stride=2, padding=1)
max_case("max k3 s2 p1 ceil partial last window 1x2x8x8", randn(1, 2, 8, 8), kernelSize=3, stride=2, padding=1, ceilMode=True)
max_case("max k3 s2 p0 ceil adds partial window 1x1x6x6", randn(1, 1, 6, 6), kernelSize=3, stride=2, ceilMode=True)
max_case("max k2 s2 p1 ceil drops window starting in right padding 1x1x5x5", randn(1, 1, 5, 5),
         kernelSize=2, stride=2, padding=1, ceilMode=True)
max_case("max k2 s2 p1 no ceil 1x1x5x5", randn(1, 1, 5, 5), kernelSize=2, stride=2, padding=1)
max_case("max k1 s2 ceil drops last window 1x1x4x4", randn(1, 1, 4, 4), kernelSize=1, stride=2, ceilMode=True)
max_case("max k3 s3 ceil 1x2x7x8", randn(1, 2, 7, 8), kernelSize=3, stride=3, ceilMode=True)
max_case("max non-square kernel [2,3] stride [1,2] padding [1,0] 1x2x5x7", randn(1, 2, 5, 7),
         kernelSize=[2, 3], stride=[1, 2], padding=[1, 0])
max_case("max per-dim k[3,1] s[2,1] p[1,0] d[1,1] 2x1x7x4", randn(2, 1, 7, 4),
         kernelSize=[3, 1], stride=[2, 1], padding=[1, 0], dilation=[1, 1])
max_case("max non-square everything k[2,3] s[1,2] p[1,1] d[1,2] ceil 1x2x6x9", randn(1, 2, 6, 9),
         kernelSize=[2, 3], stride=[1, 2], padding=[1, 1], dilation=[1, 2], ceilMode=True)
max_case("max dilation 2 k3 s1 p1 1x2x7x7", randn(1, 2, 7, 7), kernelSize=3, stride=1, padding=1, dilation=2)
max_case("max dilation 2 k3 s2 p1 ceil 1x1x9x8", randn(1, 1, 9, 8), kernelSize=3, stride=2, padding=1, dilation=2, ceilMode=True)
max_case("max dilation [3,2] k[2,3] s[2,1] 1x1x8x9", randn(1, 1, 8, 9), kernelSize=[2, 3], stride=[2, 1], dilation=[3, 2])
max_case("max dilation window with no in-bounds tap -> -inf, index past the plane 1x1x2x3", randn(1, 1, 2, 3),
         kernelSize=[2, 1], stride=1, padding=[1, 0], dilation=[3, 1])
max_case("max dilation no in-bounds tap in both dims 1x1x2x2", randn(1, 1, 2, 2), kernelSize=2, stride=1, padding=1, dilation=3)
max_case("max kernel 5 larger than 3x3 input p2 s1", randn(1, 2, 3, 3), kernelSize=5, stride=1, padding=2)
max_case("max kernel 4 larger than 2x3 input p2 s2 ceil", randn(1, 1, 2, 3), kernelSize=4, stride=2, padding=2, ceilMode=True)
max_case("max kernel 5 default stride on 3x3 p2", randn(1, 1, 3, 3), kernelSize=5, padding=2)
max_case("max ceil accepts kernel 5 larger than unpadded 3x3 input s3", randn(1, 2, 3, 3), kernelSize=5, stride=3, ceilMode=True)
max_case("max ceil kernel [4,1] larger than unpadded height 3 s[2,1] 1x1x3x4", randn(1, 1, 3, 4),
         kernelSize=[4, 1], stride=[2, 1], ceilMode=True)
max_case("max stride larger than kernel k2 s3 1x2x8x7", randn(1, 2, 8, 7), kernelSize=2, stride=3)
max_case("max k1 s1 identity 1x3x4x5", randn(1, 3, 4, 5), kernelSize=1, stride=1)
max_case("max ties small integers k3 s1 p1 2x2x6x6", randint(0, 3, 2, 2, 6, 6), kernelSize=3, stride=1, padding=1)
max_case("max ties all equal k2 s1 1x1x4x4", np.full((1, 1, 4, 4), 7.0, np.float32), kernelSize=2, stride=1)
max_case("max ties k[2,3] s1 p1 ceil 1x1x5x6", randint(-1, 2, 1, 1, 5, 6), kernelSize=[2, 3], stride=1, padding=1, ceilMode=True)
NZ = -0.0
max_case("max -0/+0 ties in both orders k[1,2] s[1,2] 1x1x2x4",
         arr([[[[NZ, 0.0, 0.0, NZ], [NZ, NZ, 0.0, 0.0]]]]), kernelSize=[1, 2], stride=[1, 2])
max_case("max -0/+0 ties 2x2 windows with padding 1x1x3x3",
         arr([[[[NZ, 0.0, NZ], [0.0, NZ, 0.0], [NZ, NZ, 0.0]]]]), kernelSize=2, stride=1, padding=1)
max_case("max -0/+0 with negatives k2 s2 1x1x4x4",
         arr([[[[-1.0, NZ, 0.0, -2.0], [0.0, -3.0, NZ, -1.0], [NZ, NZ, -5.0, 0.0], [-4.0, -1.0, 0.0, NZ]]]]),
         kernelSize=2, stride=2)
x = randn(1, 2, 6, 6)
x[0, 0, 0, 1] = NAN
x[0, 0, 3, 3] = NAN
x[0, 1, 5, 0] = NAN
max_case("max one NaN per window k2 s2 1x2x6x6", x, kernelSize=2, stride=2)
x = randn(1, 1, 6, 6)
x[0, 0, 0, 0] = NAN
x[0, 0, 1, 2] = NAN
x[0, 0, 2, 1] = NAN
x[0, 0, 4, 4] = NAN
x[0, 0, 4, 5] = NAN
x[0, 0, 5, 3] = NAN
max_case("max several NaN per window, index is the last NaN k3 s3 1x1x6x6", x, kernelSize=3, stride=3)
x = randn(1, 1, 5, 5)
x[0, 0, 1, 1] = NAN
x[0, 0, 2, 3] = NAN
x[0, 0, 4, 0] = NAN
max_case("max overlapping windows with NaN k3 s1 p1 1x1x5x5", x, kernelSize=3, stride=1, padding=1)
x = randn(1, 1, 4, 4)
x[0, 0, 0, 0] = NAN
x[0, 0, 0, 1] = INF
x[0, 0, 1, 2] = INF
x[0, 0, 1, 3] = NAN
max_case("max NaN vs +Infinity in a window k2 s2 1x1x4x4", x, kernelSize=2, stride=2)
x = randn(1, 2, 6, 6)
x[0, 0, 0, 0] = INF
x[0, 0, 2, 3] = INF
x[0, 0, 2, 2] = INF
x[0, 1, 1, 1] = -INF
x[0, 1, 4, 4] = -INF
x[0, 1, 5, 5] = INF
max_case("max +-Infinity k3 s2 p1 ceil 1x2x6x6", x, kernelSize=3, stride=2, padding=1, ceilMode=True)
x = np.full((1, 1, 4, 4), -INF, np.float32)
x[0, 0, 3, 3] = 1.0
max_case("max windows of only -Infinity k2 s1 p1 1x1x4x4", x, kernelSize=2, stride=1, padding=1)
max_case("max all -Infinity plane k3 s2 p1 ceil 1x1x5x5", np.full((1, 1, 5, 5), -INF, np.float32),
         kernelSize=3, stride=2, padding=1, ceilMode=True)
max_case("max rank 3 unbatched 3x5x6 k2 s2", randn(3, 5, 6), kernelSize=2, stride=2)
max_case("max rank 3 unbatched 2x7x5 k3 s2 p1 ceil", randn(2, 7, 5), kernelSize=3, stride=2, padding=1, ceilMode=True)
max_case("max 1x1 input k1", randn(1, 2, 1, 1), kernelSize=1)
max_case("max 1x1 input k2 p1", randn(1, 2, 1, 1), kernelSize=2, padding=1)
max_case("max 1x1 input k2 p1 s1 ceil", randn(1, 1, 1, 1), kernelSize=2, stride=1, padding=1, ceilMode=True)
max_case("max 1x1 input k3 p1 s1", randn(2, 1, 1, 1), kernelSize=3, stride=1, padding=1)
max_case("max odd sizes 1x3x13x11 k3 s2 p1 ceil", randn(1, 3, 13, 11), kernelSize=3, stride=2, padding=1, ceilMode=True)
max_case("max odd sizes 2x5x9x15 k[3,5] s[2,3] p[1,2]", randn(2, 5, 9, 15), kernelSize=[3, 5], stride=[2, 3], padding=[1, 2])
max_case("max many channels 1x17x5x5 k2 s1", randn(1, 17, 5, 5), kernelSize=2, stride=1)
max_case("max 1 row input 1x2x1x9 k[1,3] s[1,2] ceil", randn(1, 2, 1, 9), kernelSize=[1, 3], stride=[1, 2], ceilMode=True)
max_case("max batch 0 0x2x4x4 k2", np.zeros((0, 2, 4, 4), np.float32), kernelSize=2)
max_case("max padding 'valid' k3 s2 1x2x7x8", randn(1, 2, 7, 8), kernelSize=3, stride=2, padding="valid")
max_case("max padding 'valid' ceil k3 s2 1x1x8x8", randn(1, 1, 8, 8), kernelSize=3, stride=2, padding="valid", ceilMode=True)
max_case("max padding 'same' k3 s1 1x2x5x6", randn(1, 2, 5, 6), kernelSize=3, stride=1, padding="same")
max_case("max padding 'same' k3 s2 odd total pad goes to the end 1x1x6x7", randn(1, 1, 6, 7),
         kernelSize=3, stride=2, padding="same")
max_case("max padding 'same' k2 s1 pad only at the end 1x1x4x5", randn(1, 1, 4, 5), kernelSize=2, stride=1, padding="same")
max_case("max padding 'same' k[4,2] s[3,2] d[1,2] 1x2x7x9", randn(1, 2, 7, 9),
         kernelSize=[4, 2], stride=[3, 2], dilation=[1, 2], padding="same")
max_case("max padding 'same' k5 larger than 3x3 input", randn(1, 1, 3, 3), kernelSize=5, stride=1, padding="same")
max_case("max asymmetric padding t0 b2 l1 r0 k3 s1 1x2x5x5", randn(1, 2, 5, 5),
         kernelSize=3, stride=1, padding={"top": 0, "bottom": 2, "left": 1, "right": 0})
max_case("max asymmetric padding larger than k/2 t2 b0 l0 r2 k3 s2 1x1x6x6", randn(1, 1, 6, 6),
         kernelSize=3, stride=2, padding={"top": 2, "bottom": 0, "left": 0, "right": 2})
max_case("max asymmetric padding with dilation and ceil 1x1x7x6", randn(1, 1, 7, 6),
         kernelSize=[3, 2], stride=2, dilation=[2, 1], ceilMode=True, padding={"top": 1, "bottom": 2, "left": 1, "right": 0})

# max errors (torch raises)
max_case("max error padding > k/2 k3 p2", randn(1, 1, 6, 6), kernelSize=3, padding=2)
max_case("max error padding > k/2 uses kernel not dilated extent k2 d3 p2", randn(1, 1, 6, 6), kernelSize=2, padding=2, dilation=3)
max_case("max error padding [0,2] > k/2 in width only k[3,3]", randn(1, 1, 6, 6), kernelSize=3, stride=1, padding=[0, 2])
max_case("max error output size < 1 k5 on 3x3", randn(1, 1, 3, 3), kernelSize=5)
max_case("max error ceil k5 s2 on 3x3 still too small", randn(1, 1, 3, 3), kernelSize=5, stride=2, ceilMode=True)
max_case("max error output size < 1 dilated extent too big k3 d3 on 4x4", randn(1, 1, 4, 4), kernelSize=3, dilation=3)
max_case("max error output size < 1 in one dim k[1,4] on 4x3", randn(1, 1, 4, 3), kernelSize=[1, 4])
max_case("max error stride 0", randn(1, 1, 4, 4), kernelSize=2, stride=0)
max_case("max error kernel 0", randn(1, 1, 4, 4), kernelSize=0)
max_case("max error dilation 0", randn(1, 1, 4, 4), kernelSize=2, dilation=0)
max_case("max error negative padding", randn(1, 1, 4, 4), kernelSize=2, padding=-1)
max_case("max error zero height input 1x1x0x4", np.zeros((1, 1, 0, 4), np.float32), kernelSize=1)

# ---------------------------------------------------------------------------
# average pooling

avg_case("avg seed example 1x1x28x28 k2 s2", randn(1, 1, 28, 28), kernelSize=2, stride=2)
avg_case("avg k2 default stride 2x3x6x8", randn(2, 3, 6, 8), kernelSize=2)
avg_case("avg k3 s1 p0 2x3x7x9", randn(2, 3, 7, 9), kernelSize=3, stride=1)
avg_case("avg k3 s2 p1 countIncludePad true 1x2x8x8", randn(1, 2, 8, 8), kernelSize=3, stride=2, padding=1)
x = randn(1, 2, 8, 8)
avg_case("avg k3 s2 p1 countIncludePad false 1x2x8x8", x, kernelSize=3, stride=2, padding=1, countIncludePad=False)
avg_case("avg k3 s2 p1 countIncludePad explicit true 1x2x8x8", x, kernelSize=3, stride=2, padding=1, countIncludePad=True)
x = randn(1, 1, 6, 6)
avg_case("avg ceil overhang past padding not counted k3 s2 p1 include pad 1x1x6x6", x,
         kernelSize=3, stride=2, padding=1, ceilMode=True, countIncludePad=True)
avg_case("avg ceil overhang k3 s2 p1 exclude pad 1x1x6x6", x,
         kernelSize=3, stride=2, padding=1, ceilMode=True, countIncludePad=False)
avg_case("avg ceil partial window no padding k3 s2 1x1x6x6", randn(1, 1, 6, 6), kernelSize=3, stride=2, ceilMode=True)
avg_case("avg ceil drops window starting in right padding k2 s2 p1 1x1x5x5", randn(1, 1, 5, 5),
         kernelSize=2, stride=2, padding=1, ceilMode=True)
avg_case("avg k1 s2 ceil drops last window 1x1x4x4", randn(1, 1, 4, 4), kernelSize=1, stride=2, ceilMode=True)
avg_case("avg divisorOverride 3 k2 s2 1x2x4x6", randn(1, 2, 4, 6), kernelSize=2, divisorOverride=3)
avg_case("avg divisorOverride 5 with padding and ceil k3 s2 p1 1x1x6x7", randn(1, 1, 6, 7),
         kernelSize=3, stride=2, padding=1, ceilMode=True, divisorOverride=5)
avg_case("avg divisorOverride 2 with countIncludePad false ignored k3 s2 p1 1x1x5x5", randn(1, 1, 5, 5),
         kernelSize=3, stride=2, padding=1, countIncludePad=False, divisorOverride=2)
avg_case("avg negative divisorOverride -2 k2 s1 1x1x3x4", randn(1, 1, 3, 4), kernelSize=2, stride=1, divisorOverride=-2)
avg_case("avg negative divisorOverride -4 on zeros gives +0 1x1x2x2",
         arr([[[[0.0, NZ], [NZ, 0.0]]]]), kernelSize=1, divisorOverride=-4)
avg_case("avg non-square kernel [2,3] stride [1,2] padding [1,0] 1x2x5x7", randn(1, 2, 5, 7),
         kernelSize=[2, 3], stride=[1, 2], padding=[1, 0])
avg_case("avg non-square k[3,2] s[2,1] p[1,1] ceil exclude pad 2x1x7x6", randn(2, 1, 7, 6),
         kernelSize=[3, 2], stride=[2, 1], padding=[1, 1], ceilMode=True, countIncludePad=False)
avg_case("avg kernel 5 larger than 3x3 input p2 s1 include pad", randn(1, 2, 3, 3), kernelSize=5, stride=1, padding=2)
avg_case("avg kernel 5 larger than 3x3 input p2 s1 exclude pad", randn(1, 2, 3, 3), kernelSize=5, stride=1, padding=2,
         countIncludePad=False)
avg_case("avg kernel 4 larger than 2x3 input p2 s2 ceil", randn(1, 1, 2, 3), kernelSize=4, stride=2, padding=2, ceilMode=True)
avg_case("avg ceil accepts kernel 5 larger than unpadded 3x3 input s3 include pad", randn(1, 2, 3, 3),
         kernelSize=5, stride=3, ceilMode=True)
avg_case("avg ceil kernel 4 s3 p1 overhang past padding 1x1x3x3", randn(1, 1, 3, 3), kernelSize=4, stride=3, padding=1, ceilMode=True)
avg_case("avg stride larger than kernel k2 s3 1x2x8x7", randn(1, 2, 8, 7), kernelSize=2, stride=3)
avg_case("avg k1 s1 identity 1x3x4x5", randn(1, 3, 4, 5), kernelSize=1, stride=1)
avg_case("avg all -0 window gives +0 k2 1x1x2x4", arr([[[[NZ, NZ, 1.0, NZ], [NZ, NZ, NZ, -1.0]]]]), kernelSize=2)
x = randn(1, 1, 4, 6)
x[0, 0, 0, 0] = NAN
x[0, 0, 1, 2] = INF
x[0, 0, 0, 4] = INF
x[0, 0, 1, 5] = -INF
x[0, 0, 3, 3] = -INF
avg_case("avg NaN and +-Infinity propagate k2 s2 1x1x4x6", x, kernelSize=2, stride=2)
avg_case("avg large magnitudes float32 sum order k3 s1 1x1x4x4",
         (randn(1, 1, 4, 4) * np.float32(1e7)).astype(np.float32), kernelSize=3, stride=1)
avg_case("avg rank 3 unbatched 3x5x6 k2 s2", randn(3, 5, 6), kernelSize=2, stride=2)
avg_case("avg rank 3 unbatched 2x7x5 k3 s2 p1 ceil exclude pad", randn(2, 7, 5),
         kernelSize=3, stride=2, padding=1, ceilMode=True, countIncludePad=False)
avg_case("avg 1x1 input k1", randn(1, 2, 1, 1), kernelSize=1)
avg_case("avg 1x1 input k2 p1 include pad", randn(1, 2, 1, 1), kernelSize=2, padding=1)
avg_case("avg 1x1 input k3 s1 p1 exclude pad", randn(1, 2, 1, 1), kernelSize=3, stride=1, padding=1, countIncludePad=False)
avg_case("avg odd sizes 1x3x13x11 k3 s2 p1 ceil", randn(1, 3, 13, 11), kernelSize=3, stride=2, padding=1, ceilMode=True)
avg_case("avg odd sizes 2x5x9x15 k[3,5] s[2,3] p[1,2] exclude pad", randn(2, 5, 9, 15),
         kernelSize=[3, 5], stride=[2, 3], padding=[1, 2], countIncludePad=False)
avg_case("avg batch 0 0x2x4x4 k2", np.zeros((0, 2, 4, 4), np.float32), kernelSize=2)
avg_case("avg padding 'valid' k3 s2 1x2x7x8", randn(1, 2, 7, 8), kernelSize=3, stride=2, padding="valid")
avg_case("avg padding 'same' k3 s1 padded cells never counted 1x2x5x6", randn(1, 2, 5, 6),
         kernelSize=3, stride=1, padding="same")
avg_case("avg padding 'same' k3 s2 odd total pad goes to the end 1x1x6x7", randn(1, 1, 6, 7),
         kernelSize=3, stride=2, padding="same")
avg_case("avg padding 'same' k2 s1 countIncludePad true counts pads as ONNX count_include_pad 1x1x4x5", randn(1, 1, 4, 5),
         kernelSize=2, stride=1, padding="same", countIncludePad=True)
avg_case("avg padding 'same' k4 s3 divisorOverride 4 1x1x7x8", randn(1, 1, 7, 8),
         kernelSize=4, stride=3, padding="same", divisorOverride=4)
avg_case("avg asymmetric padding t0 b2 l1 r0 include pad 1x2x5x5", randn(1, 2, 5, 5),
         kernelSize=3, stride=1, padding={"top": 0, "bottom": 2, "left": 1, "right": 0})
avg_case("avg asymmetric padding t0 b2 l1 r0 exclude pad 1x2x5x5", randn(1, 2, 5, 5),
         kernelSize=3, stride=1, padding={"top": 0, "bottom": 2, "left": 1, "right": 0}, countIncludePad=False)
avg_case("avg asymmetric padding larger than k/2 t2 b0 l0 r3 k3 s2 include pad 1x1x6x6", randn(1, 1, 6, 6),
         kernelSize=3, stride=2, padding={"top": 2, "bottom": 0, "left": 0, "right": 3})
avg_case("avg asymmetric padding window entirely in padding gives 0 t3 b1 l0 r0 k2 s2 exclude pad 1x1x4x4", randn(1, 1, 4, 4),
         kernelSize=2, stride=2, padding={"top": 3, "bottom": 1, "left": 0, "right": 0}, countIncludePad=False)
avg_case("avg asymmetric padding with ceil t1 b0 l0 r1 k3 s2 exclude pad 1x1x6x6", randn(1, 1, 6, 6),
         kernelSize=3, stride=2, ceilMode=True, padding={"top": 1, "bottom": 0, "left": 0, "right": 1},
         countIncludePad=False)

# avg errors (torch raises)
avg_case("avg error divisorOverride 0", randn(1, 1, 4, 4), kernelSize=2, divisorOverride=0)
avg_case("avg error padding > k/2 k2 p2", randn(1, 1, 6, 6), kernelSize=2, padding=2)
avg_case("avg error padding [2,0] > k/2 in height only k3", randn(1, 1, 6, 6), kernelSize=3, stride=1, padding=[2, 0])
avg_case("avg error output size < 1 k5 on 3x3", randn(1, 1, 3, 3), kernelSize=5)
avg_case("avg error output size < 1 in one dim k[4,1] on 3x4", randn(1, 1, 3, 4), kernelSize=[4, 1])
avg_case("avg error stride 0", randn(1, 1, 4, 4), kernelSize=2, stride=0)
avg_case("avg error negative padding", randn(1, 1, 4, 4), kernelSize=2, padding=-1)
avg_case("avg error zero width input 1x1x3x0", np.zeros((1, 1, 3, 0), np.float32), kernelSize=1)

# ---------------------------------------------------------------------------
# global pooling

gmax_case("globalMax 2x3x5x7", randn(2, 3, 5, 7))
gmax_case("globalMax ties keep first 1x2x3x3", randint(0, 2, 1, 2, 3, 3))
x = randn(1, 2, 4, 4)
x[0, 0, 1, 1] = NAN
x[0, 0, 3, 0] = NAN
x[0, 1, 2, 2] = INF
gmax_case("globalMax NaN (last wins) and +Infinity 1x2x4x4", x)
gmax_case("globalMax all -Infinity plane index 0 1x1x2x3", np.full((1, 1, 2, 3), -INF, np.float32))
gmax_case("globalMax -0/+0 1x2x1x2", arr([[[[NZ, 0.0]], [[0.0, NZ]]]]))
gmax_case("globalMax rank 3 unbatched 4x3x5", randn(4, 3, 5))
gmax_case("globalMax 1x1 input 2x3x1x1", randn(2, 3, 1, 1))
gmax_case("globalMax seed example 1x1x28x28", randn(1, 1, 28, 28))
gavg_case("globalAvg 2x3x5x7", randn(2, 3, 5, 7))
gavg_case("globalAvg rank 3 unbatched 4x3x5", randn(4, 3, 5))
gavg_case("globalAvg 1x1 input 2x3x1x1", randn(2, 3, 1, 1))
gavg_case("globalAvg odd 1x5x13x11", randn(1, 5, 13, 11))
gavg_case("globalAvg seed example 1x1x28x28", randn(1, 1, 28, 28))
x = randn(1, 3, 3, 3)
x[0, 0, 1, 1] = NAN
x[0, 1, 0, 0] = INF
x[0, 2, 0, 0] = INF
x[0, 2, 2, 2] = -INF
gavg_case("globalAvg NaN and +-Infinity 1x3x3x3", x)
gavg_case("globalAvg all -0 gives +0 1x1x2x2", np.full((1, 1, 2, 2), NZ, np.float32))

# Four planes reduced together (lanes across positions, folded out of scan order): the first zero
# of each plane is +0 (position 1), a -0 follows at position 2; torch keeps the first of tied maxima.
gmax_case("globalMax first zero +0 before -0, four planes 1x4x2x4",
          np.tile(arr([-1.0, 0.0, NZ, -1.0, -1.0, -1.0, -1.0, -1.0]).reshape(1, 1, 2, 4), (1, 4, 1, 1)))

# Windows 4 to 16 wide at column stride 1 (YOLO's SPPF; the row-fold kernel, assembly/row-folds.ts):
# signed-zero ties across rows and columns (the first in scan order wins), NaN, infinities.
x = zero_ties(1, 3, 12, 21)
max_case("max SPPF k5 s1 p2 signed-zero ties 1x3x12x21", x, kernelSize=5, stride=1, padding=2)
x = randn(1, 2, 9, 20)
x[0, 0, 2, 3] = NAN
x[0, 0, 7, 15] = INF
x[0, 1, 4, 0] = -INF
x[0, 1, 5, 19] = NAN
max_case("max SPPF k5 s1 p2 NaN and infinities 1x2x9x20", x, kernelSize=5, stride=1, padding=2)
max_case("max k7 s1 p3 ceil 2x2x10x13", randn(2, 2, 10, 13), kernelSize=7, stride=1, padding=3, ceilMode=True)
max_case("max k[3,9] s[2,1] p[1,4] d[2,1] 1x2x11x30", randn(1, 2, 11, 30), kernelSize=[3, 9], stride=[2, 1], padding=[1, 4], dilation=[2, 1])
# 2x2 at stride 1 (its own specialisation of the planar row loops): signed-zero ties, padding.
x = zero_ties(1, 3, 9, 22)
max_case("max k2 s1 signed-zero ties 1x3x9x22", x, kernelSize=2, stride=1)
max_case("max k2 s1 p1 signed-zero ties 1x3x9x22", x, kernelSize=2, stride=1, padding=1)
# 5x5 and 7x7 at stride 2 (the row folds at column stride 2): signed-zero ties, NaN.
x = zero_ties(1, 2, 15, 23)
max_case("max k5 s2 p2 signed-zero ties 1x2x15x23", x, kernelSize=5, stride=2, padding=2)
x = randn(1, 2, 16, 30)
x[0, 1, 7, 11] = NAN
max_case("max k7 s2 p3 ceil NaN 1x2x16x30", x, kernelSize=7, stride=2, padding=3, ceilMode=True)
# Windows that overlap at column stride 3 or more, 16 planes or more (the full engine's plane groups,
# src/ops/paths.ts): Inception-v3's auxiliary 5 / stride 3 average, signed-zero
# ties, NaN, padding, ceil mode, group tails (planes not a multiple of 16).
x = randn(1, 20, 17, 17)
avg_case("avg k5 s3 (Inception aux) 1x20x17x17", x, kernelSize=5, stride=3)
avg_case("avg k5 s3 p2 countIncludePad 1x20x17x17", x, kernelSize=5, stride=3, padding=2, countIncludePad=True)
x = zero_ties(1, 18, 14, 16)
max_case("max k5 s3 signed-zero ties 1x18x14x16", x, kernelSize=5, stride=3)
x = randn(2, 9, 19, 23)
x[0, 3, 5, 6] = NAN
x[1, 8, 18, 22] = NAN
max_case("max k7 s4 p3 ceil NaN 2x9x19x23", x, kernelSize=7, stride=4, padding=3, ceilMode=True)
# Narrow planes, 16 or more, windows inside the rows (the full engine's row kernels there,
# src/ops/paths.ts): VGG's last pooling (14x14 k2 s2), AlexNet's (13x13 k3 s2), a 3 / stride 1
# average; signed-zero ties, NaN.
x = zero_ties(1, 16, 14, 14)
max_case("max k2 s2 (VGG pool5) signed-zero ties 1x16x14x14", x, kernelSize=2, stride=2)
x = randn(1, 20, 13, 13)
x[0, 4, 6, 7] = NAN
x[0, 19, 12, 12] = NAN
max_case("max k3 s2 (AlexNet pool5) NaN 1x20x13x13", x, kernelSize=3, stride=2)
avg_case("avg k3 s1 1x17x10x12", randn(1, 17, 10, 12), kernelSize=3, stride=1)
# 3 / stride 1 averages of 8 to 47 channels, which channels-last runs row by row
# (assembly/channels.ts avgRowInterior at stride 1): 8, 16 (the one multiple of sixteen there),
# 24 and 44 channels, padded and not, counting the padding or not; magnitudes wide enough that
# another order of the sums would round differently.
avg_case("avg k3 s1 p1 1x8x9x11", randn(1, 8, 9, 11) * 1000, kernelSize=3, stride=1, padding=1)
avg_case("avg k3 s1 p1 exclude pad 2x16x7x10", randn(2, 16, 7, 10), kernelSize=3, stride=1, padding=1, countIncludePad=False)
avg_case("avg k3 s1 1x24x6x9", randn(1, 24, 6, 9) * 1e6, kernelSize=3, stride=1)
avg_case("avg k3 s1 p1 ceil 1x44x5x8", randn(1, 44, 5, 8), kernelSize=3, stride=1, padding=1, ceilMode=True)
# 2 / stride 1 max of 8 channels or more, which channels-last runs row by row (maxRowPass at
# stride 1, which watches each window's last column for NaN): NaN in the first, a middle and the
# last column, signed-zero ties, 'same' padding (YOLOv3-tiny's last pooling), and 3 / stride 1 with
# NaN in the last column.
x = randn(1, 12, 6, 9)
x[0, 2, 1, 8] = NAN
x[0, 5, 3, 0] = NAN
x[0, 11, 5, 4] = NAN
max_case("max k2 s1 NaN first middle last column 1x12x6x9", x, kernelSize=2, stride=1)
max_case("max k2 s1 signed-zero ties 2x8x5x7", zero_ties(2, 8, 5, 7), kernelSize=2, stride=1)
x = randn(1, 16, 5, 7)
x[0, 9, 2, 6] = NAN
max_case("max padding 'same' k2 s1 NaN last column 1x16x5x7", x, kernelSize=2, stride=1, padding="same")
x = randn(1, 10, 5, 8)
x[0, 7, 4, 7] = NAN
x[0, 1, 0, 6] = NAN
max_case("max k3 s1 NaN last columns 1x10x5x8", x, kernelSize=3, stride=1)

# Windows two rows higher than their row stride, 3 wide at column stride 1, 8 channels or more:
# channels-last runs them row by row and seeds the next output row with the two rows both windows
# share (assembly/channels.ts maxRowInterior), once folding too few rows after the seed.
x = randn(1, 8, 6, 5)
for c in range(8):
    x[0, c, c % 6, :] += 4  # each input row the largest in some channels: a row left out shows
max_case("max k[4,3] s[2,1] p[1,0] (rows seeded with two) 1x8x6x5", x, kernelSize=[4, 3], stride=[2, 1], padding=[1, 0])
x = randn(1, 9, 11, 9)
for c in range(9):
    x[0, c, c + 1, :] += 4
max_case("max k[5,3] s[3,1] p[2,1] 1x9x11x9", x, kernelSize=[5, 3], stride=[3, 1], padding=[2, 1])
x = randn(1, 12, 9, 7)
for c in range(12):
    x[0, c, c % 9, :] += 4
x[0, 10, 8, 2] = NAN  # (in the last output row's window only: a row that meets a NaN is redone exactly)
max_case("max k[4,3] s[2,1] padding 'same' NaN 1x12x9x7", x, kernelSize=[4, 3], stride=[2, 1], padding="same")

doc = {
    "generator": "test/golden/generate.py",
    "torch": torch.__version__,
    "numpy": np.__version__,
    "seed": SEED,
    "cases": cases,
}
with open(OUT, "w") as f:
    json.dump(doc, f, indent=1, allow_nan=False)
    f.write("\n")
errs = sum(1 for c in cases if "error" in c)
print(f"wrote {OUT}: {len(cases)} cases ({errs} error cases), {os.path.getsize(OUT)} bytes", file=sys.stderr)
