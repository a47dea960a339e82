#!/usr/bin/python3
"""Golden cases for simdpool's 1D/3D, adaptive, Lp, global and unpooling operators, computed by
REAL PyTorch (Debian python3-torch 1.13). Same format as generate.py / pool2d.json.

Run:  /usr/bin/python3 test/golden/generate_breadth.py
Writes test/golden/breadth.json next to this file.

Every output comes out of a torch op (F.max_pool1d/3d, F.avg_pool1d/3d, F.adaptive_*_pool*d,
F.lp_pool1d/2d, F.max_unpool1d/2d/3d), except where torch 1.13 has no such op, marked below:
  * lpPool3d: torch 1.13 has no lp_pool3d; the case uses lp_pool2d's exact formula with
    avg_pool3d (what torch >= 2.2's lp_pool3d does).
  * globalLpPool2d: F.lp_pool2d with kernel_size = (H, W).
  * avgPool1d with divisorOverride: torch's avg_pool1d has no divisor_override; avg_pool2d on a
    height-1 plane (which is how torch implements avg_pool1d).
  * nanMode 'ignore': torch max pooling of the input with every NaN replaced by -Infinity
    (a NaN that never wins is exactly a value that never beats -Infinity, index rule included).
  * indexFormat 'onnx' / 'tf': torch's per-plane indices mapped by the ONNX MaxPool /
    TF max_pool_with_argmax definitions (numpy, below).
Inputs are channels-first (NC + spatial, or C + spatial unbatched); tests transpose them.
Unpooling cases carry the indices input as "indicesInput" (int32, same shape as the input).
Errors: wherever torch raises, the case records "error": "RangeError" plus torch's message.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

from golden_common import AAVGF, AMAXF, AVGF, MAXF, b64f32, b64i32, samplers, tup

torch.set_num_threads(1)
SEED = 20240602
rng = np.random.default_rng(SEED)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "breadth.json")
NAN, INF, NZ = float("nan"), float("inf"), -0.0

cases = []
names = set()


def add_case(name, op, x, options, run, indices_input=None):
    assert name not in names, name
    names.add(name)
    x = np.ascontiguousarray(x, dtype=np.float32)
    case = {"name": name, "op": op, "shape": list(x.shape), "input": b64f32(x), "options": options}
    if indices_input is not None:
        case["indicesInput"] = b64i32(indices_input)
    t = torch.from_numpy(x.copy())
    try:
        res = run(t)
    except (RuntimeError, ValueError, IndexError) as e:
        case["error"] = "RangeError"
        case["torchError"] = f"{type(e).__name__}: {str(e).splitlines()[0]}"
        cases.append(case)
        return case
    out, idx = res if isinstance(res, tuple) else (res, None)
    out = out.detach().numpy()
    case["output"] = {"shape": list(out.shape), "data": b64f32(out)}
    if idx is not None:
        idx = np.asarray(idx)
        assert idx.shape == out.shape
        case["indices"] = {"shape": list(idx.shape), "data": b64i32(idx)}
    cases.append(case)
    return case


randn, randint = samplers(rng)


UNPOOLF = {1: F.max_unpool1d, 2: F.max_unpool2d, 3: F.max_unpool3d}


def nan_to_neg_inf(t):
    return torch.where(torch.isnan(t), torch.full_like(t, -INF), t)


def remap_indices(idx, in_spatial, C, fmt, storage_order=0, include_batch=False):
    """Per-plane indices (N, C, *out) or (C, *out) -> ONNX / TF numbering (definitions)."""
    idx = np.asarray(idx).astype(np.int64)
    batched = idx.ndim == len(in_spatial) + 2
    b = idx if batched else idx[None]
    S = int(np.prod(in_spatial))
    n = np.arange(b.shape[0]).reshape((-1,) + (1,) * (b.ndim - 1))
    c = np.arange(C).reshape((1, -1) + (1,) * (b.ndim - 2))
    if fmt == "onnx":
        g = b
        if storage_order == 1:
            coords = np.unravel_index(b, in_spatial)  # row-major decomposition
            g = np.zeros_like(b)
            step = 1
            for d in range(len(in_spatial)):  # first spatial dim fastest
                g = g + coords[d] * step
                step *= in_spatial[d]
        r = (n * C + c) * S + g
    else:
        r = b * C + c + (n * S * C if include_batch else 0)
    return r if batched else r[0]


def max_case(name, d, x, nan_mode=None, index_format=None, **options):
    k = options["kernelSize"]
    s = options.get("stride", k)
    p = options.get("padding", 0)
    dil = options.get("dilation", 1)
    ceil = options.get("ceilMode", False)
    opts = dict(options)
    if nan_mode:
        opts["nanMode"] = nan_mode
    if index_format:
        opts.update(index_format)

    def run(t):
        if nan_mode == "ignore":
            t = nan_to_neg_inf(t)
        out, idx = MAXF[d](t, k, stride=s, padding=p, dilation=dil, ceil_mode=ceil, return_indices=True)
        idx = idx.numpy()
        if index_format:
            f = index_format["indexFormat"]
            idx = remap_indices(idx, list(t.shape[-d:]), t.shape[-d - 1], f,
                                index_format.get("storageOrder", 0), index_format.get("includeBatchInIndex", False))
        return out, idx

    return add_case(name, f"maxPool{d}d", x, opts, run)


def avg_case(name, d, x, **options):
    k = options["kernelSize"]

    def run(t):
        if d == 1 and options.get("divisorOverride") is not None:
            # torch's avg_pool1d has no divisor_override; it is avg_pool2d on a height-1 plane
            return F.avg_pool2d(t.unsqueeze(-2), (1, k), (1, options.get("stride", k)), (0, options.get("padding", 0)),
                                options.get("ceilMode", False), options.get("countIncludePad", True),
                                options["divisorOverride"]).squeeze(-2)
        extra = {} if d == 1 else {"divisor_override": options.get("divisorOverride")}
        return AVGF[d](t, k, stride=options.get("stride", k), padding=options.get("padding", 0),
                       ceil_mode=options.get("ceilMode", False), count_include_pad=options.get("countIncludePad", True),
                       **extra)

    return add_case(name, f"avgPool{d}d", x, options, run)


def lp_case(name, d, x, **options):
    p = options["normType"]
    k = options["kernelSize"]
    s = options.get("stride")
    ceil = options.get("ceilMode", False)

    def run(t):
        if d == 1:
            return F.lp_pool1d(t, p, k, stride=s, ceil_mode=ceil)
        if d == 2:
            return F.lp_pool2d(t, p, k, stride=s, ceil_mode=ceil)
        # torch 1.13 has no lp_pool3d: lp_pool2d's formula with avg_pool3d (== torch >= 2.2)
        kd, kh, kw = tup(k, 3)
        out = F.avg_pool3d(t.pow(p), k, s if s is not None else k, 0, ceil)
        return (torch.sign(out) * F.relu(torch.abs(out))).mul(kd * kh * kw).pow(1.0 / p)

    return add_case(name, f"lpPool{d}d", x, options, run)


def adaptive_max_case(name, d, x, output_size, nan_mode=None, index_format=None):
    opts = {"outputSize": output_size}
    if nan_mode:
        opts["nanMode"] = nan_mode
    if index_format:
        opts.update(index_format)
    size = tuple(output_size) if isinstance(output_size, list) else output_size

    def run(t):
        if nan_mode == "ignore":
            t = nan_to_neg_inf(t)
        out, idx = AMAXF[d](t, size, return_indices=True)
        idx = idx.numpy()
        if index_format:
            idx = remap_indices(idx, list(t.shape[-d:]), t.shape[-d - 1], index_format["indexFormat"],
                                index_format.get("storageOrder", 0), index_format.get("includeBatchInIndex", False))
        return out, idx

    return add_case(name, f"adaptiveMaxPool{d}d", x, opts, run)


def adaptive_avg_case(name, d, x, output_size):
    size = tuple(output_size) if isinstance(output_size, list) else output_size
    return add_case(name, f"adaptiveAvgPool{d}d", x, {"outputSize": output_size}, lambda t: AAVGF[d](t, size))


def global_case(name, kind, d, x, **options):
    def run(t):
        if kind == "max":
            src = nan_to_neg_inf(t) if options.get("nanMode") == "ignore" else t
            return AMAXF[d](src, 1)
        if kind == "avg":
            return AAVGF[d](t, 1)
        p = options.get("normType", 2)
        return F.lp_pool2d(t, p, tuple(t.shape[-2:]))

    return add_case(name, f"global{kind.capitalize()}Pool{d}d", x, options, run)


def unpool_case(name, d, x, idx, **options):
    k = options["kernelSize"]
    idx = np.asarray(idx, dtype=np.int64)

    def run(t):
        return UNPOOLF[d](t, torch.from_numpy(idx.copy()), k, stride=options.get("stride"),
                          padding=options.get("padding", 0), output_size=options.get("outputSize"))

    return add_case(name, f"maxUnpool{d}d", x, options, run, indices_input=idx)


def pooled(d, x, **kw):
    """(values, plane indices) of torch's max pooling, as unpooling inputs."""
    out, idx = MAXF[d](torch.from_numpy(x), return_indices=True, **kw)
    return out.numpy(), idx.numpy()


# ---------------------------------------------------------------------------
# 1D windowed pooling
max_case("max1d k3 s2 2x3x11", 1, randn(2, 3, 11), kernelSize=3, stride=2)
max_case("max1d k2 default stride 1x5x9 ties", 1, randint(0, 3, 1, 5, 9), kernelSize=2)
max_case("max1d k3 s1 p1 dilation 2 1x4x10", 1, randn(1, 4, 10), kernelSize=3, stride=1, padding=1, dilation=2)
max_case("max1d ceil partial last window k3 s2 1x2x8", 1, randn(1, 2, 8), kernelSize=3, stride=2, ceilMode=True)
max_case("max1d ceil drops window starting in padding k2 s2 p1 1x1x5", 1, randn(1, 1, 5), kernelSize=2, stride=2, padding=1,
         ceilMode=True)
max_case("max1d unbatched rank 2 3x13 k4 s3 p2", 1, randn(3, 13), kernelSize=4, stride=3, padding=2)
x = randn(1, 2, 12)
x[0, 0, 1] = NAN
x[0, 0, 6] = NAN
x[0, 0, 7] = NAN
x[0, 1, 3] = INF
x[0, 1, 9] = -INF
max_case("max1d NaN wins, last NaN index 1x2x12 k3 s1", 1, x, kernelSize=3, stride=1)
max_case("max1d nanMode ignore 1x2x12 k3 s1", 1, x, nan_mode="ignore", kernelSize=3, stride=1)
x = np.array([[[NAN, NAN, 1.0, NAN, NAN, NAN, -2.0]]], np.float32)
max_case("max1d nanMode ignore all-NaN window gives -Infinity k2 s2 1x1x7", 1, x, nan_mode="ignore", kernelSize=2, stride=2)
max_case("max1d -0/+0 ties keep first 1x1x6 k2", 1, np.array([[[NZ, 0.0, 0.0, NZ, NZ, NZ]]], np.float32), kernelSize=2)
max_case("max1d batch 0 0x2x6 k2", 1, np.zeros((0, 2, 6), np.float32), kernelSize=2)
max_case("max1d index onnx 2x3x9 k3 s2", 1, randn(2, 3, 9), index_format={"indexFormat": "onnx"}, kernelSize=3, stride=2)
max_case("max1d index tf with batch 2x5x9 k2", 1, randn(2, 5, 9),
         index_format={"indexFormat": "tf", "includeBatchInIndex": True}, kernelSize=2)
max_case("max1d error padding > k/2 k2 p2", 1, randn(1, 1, 8), kernelSize=2, padding=2)
max_case("max1d error output < 1 k5 on 3", 1, randn(1, 1, 3), kernelSize=5)
avg_case("avg1d k3 s2 p1 include pad 2x3x10", 1, randn(2, 3, 10), kernelSize=3, stride=2, padding=1)
avg_case("avg1d k3 s2 p1 exclude pad ceil 1x2x10", 1, randn(1, 2, 10), kernelSize=3, stride=2, padding=1,
         countIncludePad=False, ceilMode=True)
avg_case("avg1d ceil overhang past padding k3 s2 p1 include pad 1x1x6", 1, randn(1, 1, 6), kernelSize=3, stride=2, padding=1,
         ceilMode=True)
avg_case("avg1d divisorOverride 3 k2 1x4x8", 1, randn(1, 4, 8), kernelSize=2, divisorOverride=3)
avg_case("avg1d unbatched 5x7 k2 s1", 1, randn(5, 7), kernelSize=2, stride=1)
avg_case("avg1d error divisorOverride 0", 1, randn(1, 1, 4), kernelSize=2, divisorOverride=0)

# 3D windowed pooling
max_case("max3d k2 2x3x4x6x5", 3, randn(2, 3, 4, 6, 5), kernelSize=2)
max_case("max3d k3 s2 p1 1x2x5x7x9", 3, randn(1, 2, 5, 7, 9), kernelSize=3, stride=2, padding=1)
max_case("max3d k[2,3,2] s[1,2,2] dilation [2,1,2] 1x2x6x7x8", 3, randn(1, 2, 6, 7, 8), kernelSize=[2, 3, 2], stride=[1, 2, 2],
         dilation=[2, 1, 2])
max_case("max3d ceil partial windows k3 s2 1x1x6x6x7", 3, randn(1, 1, 6, 6, 7), kernelSize=3, stride=2, ceilMode=True)
max_case("max3d unbatched rank 4 3x4x5x6 k2 s1", 3, randint(0, 4, 3, 4, 5, 6), kernelSize=2, stride=1)
x = randn(1, 2, 4, 4, 4)
x[0, 0, 1, 1, 1] = NAN
x[0, 1, 2, 3, 0] = NAN
max_case("max3d NaN 1x2x4x4x4 k2", 3, x, kernelSize=2)
max_case("max3d nanMode ignore 1x2x4x4x4 k2", 3, x, nan_mode="ignore", kernelSize=2)
max_case("max3d index onnx storageOrder 1 2x3x4x5x6 k2", 3, randn(2, 3, 4, 5, 6),
         index_format={"indexFormat": "onnx", "storageOrder": 1}, kernelSize=2)
max_case("max3d index tf 1x6x4x4x4 k2", 3, randn(1, 6, 4, 4, 4), index_format={"indexFormat": "tf"}, kernelSize=2)
max_case("max3d error padding 2 > k/2 k3 (dilation not counted)", 3, randn(1, 1, 8, 8, 8), kernelSize=3, padding=2, dilation=2)
avg_case("avg3d k2 2x3x4x6x5", 3, randn(2, 3, 4, 6, 5), kernelSize=2)
avg_case("avg3d k3 s2 p1 exclude pad ceil 1x2x5x7x6", 3, randn(1, 2, 5, 7, 6), kernelSize=3, stride=2, padding=1,
         countIncludePad=False, ceilMode=True)
avg_case("avg3d k3 s2 p1 include pad 1x2x5x5x5", 3, randn(1, 2, 5, 5, 5), kernelSize=3, stride=2, padding=1)
avg_case("avg3d divisorOverride -3 k2 1x1x4x4x4", 3, randn(1, 1, 4, 4, 4), kernelSize=2, divisorOverride=-3)
avg_case("avg3d unbatched 2x3x4x5 k[1,2,3] s1", 3, randn(2, 3, 4, 5), kernelSize=[1, 2, 3], stride=1)
avg_case("avg3d error output < 1", 3, randn(1, 1, 2, 5, 5), kernelSize=3)

# 2D index formats and nanMode (2D windowed pooling itself is in pool2d.json)
max_case("max2d index onnx 2x3x6x7 k3 s2 p1", 2, randn(2, 3, 6, 7), index_format={"indexFormat": "onnx"},
         kernelSize=3, stride=2, padding=1)
max_case("max2d index onnx storageOrder 1 2x3x6x7 k3 s2 p1", 2, randn(2, 3, 6, 7),
         index_format={"indexFormat": "onnx", "storageOrder": 1}, kernelSize=3, stride=2, padding=1)
max_case("max2d index tf 2x5x6x6 k2", 2, randn(2, 5, 6, 6), index_format={"indexFormat": "tf"}, kernelSize=2)
max_case("max2d index tf include batch 2x5x6x6 k2", 2, randn(2, 5, 6, 6),
         index_format={"indexFormat": "tf", "includeBatchInIndex": True}, kernelSize=2)
x = randn(1, 3, 6, 9)
x[0, 0, 0:2, 0:2] = NAN
x[0, 1, 3, 4] = NAN
x[0, 2, :, :] = NAN
max_case("max2d nanMode ignore 1x3x6x9 k2 s2 ceil", 2, x, nan_mode="ignore", kernelSize=2, stride=2, ceilMode=True)

# ---------------------------------------------------------------------------
# adaptive pooling
adaptive_avg_case("adaptiveAvg1d non-dividing 7 -> 3 2x3x7", 1, randn(2, 3, 7), 3)
adaptive_avg_case("adaptiveAvg1d output larger 5 -> 8 1x2x5", 1, randn(1, 2, 5), 8)
adaptive_avg_case("adaptiveAvg1d dividing 12 -> 4 1x9x12", 1, randn(1, 9, 12), 4)
adaptive_avg_case("adaptiveAvg1d unbatched 3x10 -> 7", 1, randn(3, 10), 7)
adaptive_avg_case("adaptiveAvg1d output 0", 1, randn(1, 2, 5), 0)
adaptive_avg_case("adaptiveAvg2d non-dividing 5x7 -> 3x4 2x3x5x7", 2, randn(2, 3, 5, 7), [3, 4])
adaptive_avg_case("adaptiveAvg2d 13x11 -> 5x9 1x5x13x11", 2, randn(1, 5, 13, 11), [5, 9])
adaptive_avg_case("adaptiveAvg2d None keeps size 5x7 -> 5x3", 2, randn(1, 2, 5, 7), [None, 3])
adaptive_avg_case("adaptiveAvg2d output larger 3x4 -> 7x9", 2, randn(1, 2, 3, 4), [7, 9])
adaptive_avg_case("adaptiveAvg2d output 0x3", 2, randn(1, 2, 5, 7), [0, 3])
x = randn(1, 2, 4, 6)
x[0, 0, 1, 2] = NAN
x[0, 1, 0, 0] = INF
x[0, 1, 3, 5] = -INF
adaptive_avg_case("adaptiveAvg2d NaN Inf 4x6 -> 3x4", 2, x, [3, 4])
adaptive_avg_case("adaptiveAvg3d 3x4x5 -> 2x3x2 1x3x3x4x5", 3, randn(1, 3, 3, 4, 5), [2, 3, 2])
adaptive_avg_case("adaptiveAvg3d unbatched output larger 2x3x3x2 -> 3x5x4", 3, randn(2, 3, 3, 2), [3, 5, 4])
adaptive_avg_case("adaptiveAvg3d all -0 gives +0", 3, np.full((1, 1, 2, 2, 3), NZ, np.float32), [1, 1, 2])
adaptive_avg_case("adaptiveAvg2d error zero-size input", 2, np.zeros((1, 2, 0, 4), np.float32), [2, 2])
adaptive_max_case("adaptiveMax1d non-dividing 7 -> 3 2x3x7", 1, randn(2, 3, 7), 3)
adaptive_max_case("adaptiveMax1d output larger 5 -> 8 ties", 1, randint(0, 3, 1, 4, 5), 8)
adaptive_max_case("adaptiveMax1d output 0", 1, randn(1, 2, 5), 0)
adaptive_max_case("adaptiveMax2d non-dividing 5x7 -> 3x4 2x3x5x7", 2, randn(2, 3, 5, 7), [3, 4])
adaptive_max_case("adaptiveMax2d 10x13 -> 3x6 1x6x10x13", 2, randn(1, 6, 10, 13), [3, 6])
adaptive_max_case("adaptiveMax2d dividing 8x8 -> 4x2", 2, randn(1, 2, 8, 8), [4, 2])
adaptive_max_case("adaptiveMax2d None 4x9 -> 4x5", 2, randn(1, 2, 4, 9), [None, 5])
adaptive_max_case("adaptiveMax2d output larger 3x3 -> 5x7", 2, randn(1, 3, 3, 3), [5, 7])
x = randn(1, 2, 5, 7)
x[0, 0, 0, 0] = NAN
x[0, 0, 2, 3] = NAN
x[0, 1, :, 5:] = NAN
x[0, 1, 1, 1] = INF
adaptive_max_case("adaptiveMax2d NaN 5x7 -> 3x4", 2, x, [3, 4])
adaptive_max_case("adaptiveMax2d nanMode ignore 5x7 -> 3x4", 2, x, [3, 4], nan_mode="ignore")
adaptive_max_case("adaptiveMax2d -0/+0 5x7 -> 2x3", 2, np.where(randn(1, 1, 5, 7) > 0, 0.0, NZ).astype(np.float32), [2, 3])
adaptive_max_case("adaptiveMax2d index onnx 2x3x5x7 -> 2x3", 2, randn(2, 3, 5, 7), [2, 3], index_format={"indexFormat": "onnx"})
adaptive_max_case("adaptiveMax2d index tf 1x5x5x7 -> 3x3", 2, randn(1, 5, 5, 7), [3, 3], index_format={"indexFormat": "tf"})
adaptive_max_case("adaptiveMax3d 3x4x5 -> 2x3x2 1x2x3x4x5", 3, randn(1, 2, 3, 4, 5), [2, 3, 2])
adaptive_max_case("adaptiveMax3d unbatched 5x2x3x7 -> 2x2x3", 3, randn(5, 2, 3, 7), [2, 2, 3])
adaptive_max_case("adaptiveMax3d index onnx storageOrder 1 -> 2x3x2", 3, randn(1, 2, 3, 4, 5), [2, 3, 2],
                  index_format={"indexFormat": "onnx", "storageOrder": 1})

# ---------------------------------------------------------------------------
# Lp pooling
lp_case("lp1d p2 k3 s2 2x3x11", 1, randn(2, 3, 11), normType=2, kernelSize=3, stride=2)
lp_case("lp1d p1 k2 1x2x8", 1, randn(1, 2, 8), normType=1, kernelSize=2)
lp_case("lp1d p3 negative cubes give NaN k2 1x2x8", 1, randn(1, 2, 8), normType=3, kernelSize=2)
lp_case("lp1d p1.5 k3 s1 positive 1x2x9", 1, np.abs(randn(1, 2, 9)), normType=1.5, kernelSize=3, stride=1)
lp_case("lp1d p2 ceil partial window scaled by full kernel k3 s2 1x1x8", 1, randn(1, 1, 8), normType=2, kernelSize=3, stride=2,
        ceilMode=True)
lp_case("lp1d p2 NaN Inf -0 overflow k2 1x1x8", 1, np.array([[[3e19, 1.0, NAN, 1.0, INF, NZ, NZ, NZ]]], np.float32),
        normType=2, kernelSize=2)
lp_case("lp1d p0.7 exponent rounded to float32 tiny and huge values k1", 1,
        np.array([[[1e-30, 1e-39, 3.0, 1e20, 7e-45, 2.5, 1e-10, 0.0]]], np.float32), normType=0.7, kernelSize=1)
lp_case("lp1d unbatched 3x7 p2 k2 s1", 1, randn(3, 7), normType=2, kernelSize=2, stride=1)
lp_case("lp2d p2 k2 2x3x6x8", 2, randn(2, 3, 6, 8), normType=2, kernelSize=2)
lp_case("lp2d p2 k[2,3] s[1,2] ceil 1x2x5x8", 2, randn(1, 2, 5, 8), normType=2, kernelSize=[2, 3], stride=[1, 2], ceilMode=True)
lp_case("lp2d p4 k3 s2 positive 1x2x7x7", 2, np.abs(randn(1, 2, 7, 7)), normType=4, kernelSize=3, stride=2)
lp_case("lp2d p0.5 k2 positive 1x2x4x6", 2, np.abs(randn(1, 2, 4, 6)), normType=0.5, kernelSize=2)
lp_case("lp3d p2 k2 1x2x4x4x6 (lp_pool2d formula, avg_pool3d)", 3, randn(1, 2, 4, 4, 6), normType=2, kernelSize=2)
lp_case("lp3d p2 k[1,2,3] s[1,1,2] ceil 1x2x3x4x7", 3, randn(1, 2, 3, 4, 7), normType=2, kernelSize=[1, 2, 3], stride=[1, 1, 2],
        ceilMode=True)
lp_case("lp2d error output < 1 k5 on 3x3", 2, randn(1, 1, 3, 3), normType=2, kernelSize=5)

# ---------------------------------------------------------------------------
# global pooling
global_case("globalMax1d 2x3x7", "max", 1, randn(2, 3, 7))
x = randn(1, 3, 6)
x[0, 0, 2] = NAN
x[0, 1, :] = NAN
global_case("globalMax1d NaN 1x3x6", "max", 1, x)
global_case("globalMax1d nanMode ignore 1x3x6 (all-NaN plane gives -Infinity)", "max", 1, x, nanMode="ignore")
global_case("globalMax3d 2x3x3x4x5", "max", 3, randn(2, 3, 3, 4, 5))
global_case("globalMax3d unbatched -0/+0 2x2x2x2", "max", 3, np.array([NZ, 0.0] * 8, np.float32).reshape(2, 2, 2, 2))
global_case("globalAvg1d 2x3x7", "avg", 1, randn(2, 3, 7))
global_case("globalAvg3d 2x3x3x4x5", "avg", 3, randn(2, 3, 3, 4, 5))
global_case("globalAvg3d unbatched 4x2x3x2", "avg", 3, randn(4, 2, 3, 2))
global_case("globalLp2d p2 2x3x5x7", "lp", 2, randn(2, 3, 5, 7), normType=2)
global_case("globalLp2d p3 positive 1x4x3x3", "lp", 2, np.abs(randn(1, 4, 3, 3)), normType=3)
global_case("globalLp2d default p 2 1x2x4x4", "lp", 2, randn(1, 2, 4, 4))

# ---------------------------------------------------------------------------
# max unpooling
v, i = pooled(1, randn(2, 3, 10), kernel_size=2)
unpool_case("unpool1d k2 from maxPool1d 2x3x5", 1, v, i, kernelSize=2)
v, i = pooled(1, randn(1, 2, 11), kernel_size=3, stride=2)
unpool_case("unpool1d k3 s2 outputSize 11", 1, v, i, kernelSize=3, stride=2, outputSize=[11])
unpool_case("unpool1d k3 s2 outputSize full shape [1,2,12]", 1, v, i, kernelSize=3, stride=2, outputSize=[1, 2, 12])
unpool_case("unpool1d error outputSize out of range", 1, v, i, kernelSize=3, stride=2, outputSize=[14])
unpool_case("unpool1d duplicate indices keep the last 1x1x4", 1, np.array([[[1.0, 2.0, 3.0, 4.0]]], np.float32),
            np.array([[[0, 0, 5, 1]]]), kernelSize=2)
unpool_case("unpool1d error index out of range 1x1x4", 1, np.array([[[1.0, 2.0, 3.0, 4.0]]], np.float32),
            np.array([[[0, 0, 8, 1]]]), kernelSize=2)
unpool_case("unpool1d error negative index 1x1x4", 1, np.array([[[1.0, 2.0, 3.0, 4.0]]], np.float32),
            np.array([[[0, -1, 2, 1]]]), kernelSize=2)
v, i = pooled(2, randn(2, 3, 6, 8), kernel_size=2)
unpool_case("unpool2d k2 2x3x3x4", 2, v, i, kernelSize=2)
v, i = pooled(2, randn(1, 5, 7, 9), kernel_size=3, stride=2, padding=1)
unpool_case("unpool2d k3 s2 p1 1x5x4x5", 2, v, i, kernelSize=3, stride=2, padding=1)
unpool_case("unpool2d k3 s2 p1 outputSize [7,9]", 2, v, i, kernelSize=3, stride=2, padding=1, outputSize=[7, 9])
unpool_case("unpool2d error outputSize [5,9] too small", 2, v, i, kernelSize=3, stride=2, padding=1, outputSize=[5, 9])
unpool_case("unpool2d unbatched 3x3x4", 2, *pooled(2, randn(3, 6, 8), kernel_size=2), kernelSize=2)
v, i = pooled(3, randn(1, 2, 4, 6, 4), kernel_size=2)
unpool_case("unpool3d k2 1x2x2x3x2", 3, v, i, kernelSize=2)
v, i = pooled(3, randn(1, 6, 5, 5, 6), kernel_size=[2, 3, 2], stride=[2, 2, 1])
unpool_case("unpool3d k[2,3,2] s[2,2,1] outputSize [5,5,6]", 3, v, i, kernelSize=[2, 3, 2], stride=[2, 2, 1], outputSize=[5, 5, 6])
# Output sizes of 0, (in - 1) * stride + kernel - 2 * padding or given: torch returns an empty
# tensor without looking at the indices (5 and -7 here); below 0 it raises. (Fixed inputs: the
# random ones of the cases after these stay as they were.)
v = np.array([[[1.5], [-2.0]]], np.float32)
unpool_case("unpool1d output size 0 (k2 s2 p1) 1x2x1", 1, v, np.array([[[0], [5]]]), kernelSize=2, stride=2, padding=1)
unpool_case("unpool1d outputSize [0] (k1 s2) 1x2x1", 1, v, np.array([[[0], [-7]]]), kernelSize=1, stride=2, outputSize=[0])
unpool_case("unpool1d error output size -1 (k1 p1) 1x2x1", 1, v, np.array([[[0], [0]]]), kernelSize=1, padding=1)
unpool_case("unpool1d error outputSize [-1] (k2 s2 p1) 1x2x1", 1, v, np.array([[[0], [0]]]), kernelSize=2, stride=2, padding=1,
            outputSize=[-1])
unpool_case("unpool2d output size 0x3 (k[2,3] s[2,1] p[1,0]) 1x2x1x1", 2, v[..., None], np.array([[[[2]], [[0]]]]),
            kernelSize=[2, 3], stride=[2, 1], padding=[1, 0])
unpool_case("unpool3d unbatched output size 0x0x0 (k2 s2 p1) 2x1x1x1", 3, v[0, :, :, None, None], np.array([[[[0]]], [[[9]]]]),
            kernelSize=2, stride=2, padding=1)

# Adaptive averages that torch divides axis by axis (sum / kH / kW) where one division by the
# cell count would round differently: windows of 3 on two axes (dividing), and irregular ones.
adaptive_avg_case("adaptiveAvg2d dividing 9x12 -> 3x4 windows of 3 1x6x9x12", 2, randn(1, 6, 9, 12) * 1000, [3, 4])
adaptive_avg_case("adaptiveAvg2d 13x13 -> 6x6 1x20x13x13", 2, randn(1, 20, 13, 13), [6, 6])
adaptive_avg_case("adaptiveAvg3d 7x5x6 -> 3x2x4 1x4x7x5x6", 3, randn(1, 4, 7, 5, 6), [3, 2, 4])
adaptive_avg_case("adaptiveAvg3d dividing 9x3x6 -> 3x1x2 2x3x9x3x6", 3, randn(2, 3, 9, 3, 6), [3, 1, 2])

# Bounds the mutation review (docs/mutation-review.md) found untested. (Appended last: the random
# inputs of every case above stay as they were.)
# A one-element size list is that size on every dim, as torch reads kernel_size=[3] in 2D too.
max_case("max2d one-element lists k[3] s[2] p[1] 1x2x7x6", 2, randn(1, 2, 7, 6), kernelSize=[3], stride=[2], padding=[1])
# Unpooling's outputSize lies strictly between default - stride and default + stride (9 and 13
# here), whatever the indices: these all fit an output of 9.
v, i = np.array([[[1.5, -2.0, 3.0, 0.5, 4.0]]], np.float32), np.array([[[0, 2, 4, 6, 8]]])
unpool_case("unpool1d error outputSize 9, default - stride", 1, v, i, kernelSize=3, stride=2, outputSize=[9])
unpool_case("unpool1d error outputSize 13, default + stride", 1, v, i, kernelSize=3, stride=2, outputSize=[13])
unpool_case("unpool1d outputSize 10, the least allowed", 1, v, i, kernelSize=3, stride=2, outputSize=[10])

# 2x2x2 / stride 2 over planes 8 or more wide: four input rows per output row, in one pass in the
# full build (assembly/rows.ts rowGroups with FourRows): NaN in each depth slice, signed-zero ties
# (the first in depth, row, column order wins), an average. (Appended: earlier inputs unchanged.)
x = randn(1, 3, 4, 6, 17)
x[0, 0, 1, 3, 9] = NAN
x[0, 2, 2, 0, 16] = NAN
max_case("max3d k2 s2 NaN rows of two depth slices 1x3x4x6x17", 3, x, kernelSize=2, stride=2)
max_case("max3d k2 s2 nanMode ignore rows of two depth slices 1x3x4x6x17", 3, x, nan_mode="ignore", kernelSize=2, stride=2)
# (mostly -1, so that a window's first two rows often hold no zero and its last two decide)
z = np.array([0.0, -0.0, -1.0, -1.0, -1.0, -1.0], np.float32)[np.random.default_rng(17).integers(0, 6, size=(2, 2, 4, 6, 12))]
max_case("max3d k2 s2 signed-zero ties 2x2x4x6x12", 3, z, kernelSize=2, stride=2)
avg_case("avg3d k2 s2 2x3x6x4x21", 3, randn(2, 3, 6, 4, 21), kernelSize=2, stride=2)

# 4 to 47 channels (the golden test runs every case channels-last too): max and averages over 2 or
# 3 wide windows at column stride 2 go row by row there (assembly/channels.ts maxRowInterior and
# avgRowInterior: blocks of four channels, the last overlapping): NaN, signed-zero ties, every
# divisor rule. (Appended: earlier inputs unchanged.)
x = randn(1, 4, 9, 13)
x[0, 1, 4, 6] = NAN
x[0, 3, 0, 12] = NAN
max_case("max2d k3 s2 p1 NaN 4 channels 1x4x9x13", 2, x, kernelSize=3, stride=2, padding=1)
max_case("max2d k3 s2 p1 nanMode ignore 4 channels 1x4x9x13", 2, x, nan_mode="ignore", kernelSize=3, stride=2, padding=1)
z = np.array([0.0, -0.0, -1.0], np.float32)[np.random.default_rng(18).integers(0, 3, size=(2, 5, 8, 11))]
max_case("max2d k2 s2 signed-zero ties 5 channels 2x5x8x11", 2, z, kernelSize=2, stride=2)
avg_case("avg2d k3 s2 p1 countIncludePad false 5 channels 2x5x9x11", 2, randn(2, 5, 9, 11) * 100, kernelSize=3, stride=2,
         padding=1, countIncludePad=False)
avg_case("avg2d k2 s2 ceil 13 channels 1x13x7x9", 2, randn(1, 13, 7, 9), kernelSize=2, stride=2, ceilMode=True)
avg_case("avg2d k3 s2 divisorOverride -5 6 channels 1x6x7x10", 2, randn(1, 6, 7, 10), kernelSize=3, stride=2, divisorOverride=-5)
avg_case("avg2d k3 s2 p1 26 channels 1x26x6x9", 2, randn(1, 26, 6, 9), kernelSize=3, stride=2, padding=1)
avg_case("avg1d k3 s2 7 channels 1x7x21", 1, randn(1, 7, 21), kernelSize=3, stride=2)
avg_case("avg3d k2 s2 4 channels 1x4x4x6x10", 3, randn(1, 4, 4, 6, 10), kernelSize=2, stride=2)

# 3 channels (RGB) row by row channels-last: three lanes of four. (Appended: earlier inputs unchanged.)
x = randn(2, 3, 7, 12)
x[1, 2, 3, 5] = NAN
max_case("max2d k2 s2 NaN 3 channels 2x3x7x12", 2, x, kernelSize=2, stride=2)
avg_case("avg2d k3 s2 p1 3 channels 1x3x9x14", 2, randn(1, 3, 9, 14), kernelSize=3, stride=2, padding=1)

# 3D windows whose flattened rows (depth slices one after another) are not evenly spaced: with
# ceil mode over a height of 2 the last window of a depth slice is one row high, and the next
# slice's first window has that row second but another first (channels.ts maxRowInterior once
# seeded the next output row with a row outside its window). 9 channels, each depth slice and
# height the largest in some. (Appended: earlier inputs unchanged.)
x = randn(1, 9, 5, 2, 9)
for c in range(9):
    x[0, c, c % 5, c % 2, :] += 4
max_case("max3d k[2,3,3] s[1,2,1] p[0,1,1] ceil 9 channels 1x9x5x2x9", 3, x, kernelSize=[2, 3, 3], stride=[1, 2, 1],
         padding=[0, 1, 1], ceilMode=True)

doc = {"generator": "test/golden/generate_breadth.py", "torch": torch.__version__, "numpy": np.__version__, "seed": SEED,
       "cases": cases}
with open(OUT, "w") as f:
    json.dump(doc, f, indent=1, allow_nan=False)
    f.write("\n")
errs = sum(1 for c in cases if "error" in c)
print(f"wrote {OUT}: {len(cases)} cases ({errs} error cases), {os.path.getsize(OUT)} bytes", file=sys.stderr)
