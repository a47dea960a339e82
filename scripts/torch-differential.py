#!/usr/bin/python3
"""Differential campaign, half one: random pooling configurations and what real PyTorch (1.13,
Debian python3-torch) gives for them. scripts/torch-differential.mjs replays them through dist/.

Run:  /usr/bin/python3 scripts/torch-differential.py [--seed S] [--count N] [--out FILE]
      node scripts/torch-differential.mjs FILE
(or `npm run differential`: builds, then seed 1, 2000 cases, in the temp directory, which both
halves default to; $PYTHON picks another interpreter with torch).

Unlike test/golden/, nothing here is chosen: every case draws its operator, shapes, options and
input from the seed, biased toward the edges (ceilMode whose last window starts in padding,
padding = kernel/2, stride > kernel, dilation with ceilMode, size-1 dims, windows covering the
input, batch 0, NaN, +-inf, +-0 ties, few distinct values). Inputs are small, stored as data.
The reference is always torch's contiguous (channels-first) kernel; the .mjs half feeds
simdpool a random layout and transposes (simdpool documents its channels-last results as the
contiguous ones). Where torch 1.13 has no op the case uses torch's own formula, as the golden
generators do: lpPool3d (lp_pool2d's formula over avg_pool3d), avgPool1d's divisorOverride
(avg_pool2d on a height-1 plane), global pools (adaptive pooling to 1, lp_pool over the plane),
and int8/uint8 adaptive max (torch 1.13 has no quantized adaptive_max_pool: adaptive_max_pool*
over the codes in float64, exact for integers, whose output is the codes and whose indices are
the first largest in scan order, as simdpool's byte max documents).
"""
import argparse
import base64
import json
import math
import os
import sys
import tempfile

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "golden"))
from golden_common import AAVGF, AMAXF, AVGF, MAXF  # noqa: E402

torch.set_num_threads(1)
UNPOOLF = {1: F.max_unpool1d, 2: F.max_unpool2d, 3: F.max_unpool3d}
QAVG = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}
QDTYPE = {"int8": torch.qint8, "uint8": torch.quint8}
QRANGE = {"int8": (-128, 127), "uint8": (0, 255)}


def b64(a, dtype):
    return base64.b64encode(np.ascontiguousarray(a, dtype=dtype).tobytes()).decode("ascii")


class Gen:
    def __init__(self, rng):
        self.r = rng

    def chance(self, p):
        return self.r.random() < p

    def pick(self, seq):
        return seq[int(self.r.integers(len(seq)))]

    def spatial(self, d, big=False):
        """Small sizes per dim, sometimes 1, sometimes a long last row (SIMD interiors); big:
        planes past the 512 KiB streaming threshold, some larger than a 128 KiB chunk."""
        if big:
            return [int(self.r.integers(60000, 140000))] if d == 1 else \
                [int(self.r.integers(150, 230)) for _ in range(2)] if d == 2 else \
                [int(self.r.integers(20, 40)), int(self.r.integers(30, 70)), int(self.r.integers(30, 70))]
        top = {1: 24, 2: 10, 3: 6}[d]
        s = [int(self.r.integers(1, top + 1)) for _ in range(d)]
        if self.chance(0.15):
            s[int(self.r.integers(d))] = 1
        if self.chance(0.2):
            s[-1] = int(self.r.integers(17, 48 if d < 3 else 24))
        return s

    def lead(self):
        """N, C: batch 0 now and then, unbatched now and then, 16+ channels (channel lanes)."""
        n = 0 if self.chance(0.03) else int(self.r.integers(1, 3))
        c = int(self.pick([8, 16, 17, 19, 32, 33])) if self.chance(0.15) else int(self.r.integers(1, 5))
        return (None if self.chance(0.15) else n), c

    def values(self, shape, special=True):
        n = int(np.prod(shape))
        kind = self.r.random()
        if kind < 0.35:
            x = self.r.standard_normal(n).astype(np.float32)
        elif kind < 0.7:  # ties, signed zeros
            x = self.r.integers(-2, 3, n).astype(np.float32)
            zeros = x == 0
            x[zeros & (self.r.random(n) < 0.5)] = -0.0
        elif kind < 0.85:  # only zeros of both signs
            x = np.where(self.r.random(n) < 0.5, np.float32(-0.0), np.float32(0.0)).astype(np.float32)
        elif kind < 0.95:
            x = (self.r.standard_normal(n) * 10.0 ** self.r.integers(-3, 4)).astype(np.float32)
        else:  # near float32's ends: sums overflow, powers overflow or underflow
            x = (self.r.standard_normal(n) * 10.0 ** float(self.pick([-40, -20, 19, 37, 38]))).astype(np.float32)
        if special and self.chance(0.3):
            m = self.r.random(n)
            x[m < 0.05] = np.nan
            x[(m >= 0.05) & (m < 0.12)] = np.inf
            x[(m >= 0.12) & (m < 0.2)] = -np.inf
        if special and self.chance(0.04):
            x[:] = -np.inf
        return x.reshape(shape)

    def per_dim(self, vals):
        """simdpool option: one number when all dims agree (usually), else a list."""
        if vals[0] is not None and all(v == vals[0] for v in vals) and self.chance(0.7):
            return vals[0]
        return list(vals)

    def window(self, sp, dilation, padded=True, wide=False):
        """kernel, stride, padding, dilation per dim, biased to the edges; wide: windows of at
        least half the input (the byte kernels' i32 sums past 128 cells)."""
        k, s, p, dl = [], [], [], []
        for n in sp:
            kk = int(self.r.integers(1, min(n, 5) + 1)) if self.chance(0.8) else int(self.r.integers(1, min(n, 40) + 3))
            if wide:
                kk = int(self.r.integers(max(1, n // 2), n + 1))
            if self.chance(0.1) and n <= 64:
                kk = n  # window covers the input
            ss = self.pick([1, 1, 2, 2, 3, kk, kk + 1, kk + 2])
            ss = max(1, ss)
            pp = 0
            if padded and self.chance(0.6):
                pp = kk // 2 if self.chance(0.6) else int(self.r.integers(0, kk // 2 + 1))
            dd = self.pick([1, 1, 1, 2, 3]) if dilation else 1
            k.append(kk), s.append(ss), p.append(pp), dl.append(dd)
        return k, s, p, dl


def out_len(n, k, s, p, d, ceil):
    num = n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil else 0)
    if num < 0:
        return 0
    o = num // s + 1
    if ceil and (o - 1) * s >= n + p:
        o -= 1
    return o


def has_empty_window(sp, tk):
    """Whether some (dilated) window has no in-bounds tap along some dim."""
    for i, n in enumerate(sp):
        k, s, p, d = tk["kernel_size"][i], tk["stride"][i], tk["padding"][i], tk["dilation"][i]
        for o in range(out_len(n, k, s, p, d, tk["ceil_mode"])):
            if not any(0 <= o * s - p + j * d < n for j in range(k)):
                return True
    return False


def full_shape(n, c, sp):
    return ([] if n is None else [n]) + [c] + sp


def run_ref(fn):
    try:
        return fn(), None
    except (RuntimeError, ValueError, IndexError, TypeError) as e:
        return None, f"{type(e).__name__}: {str(e).splitlines()[0][:160]}"


def make(g, fam, d):
    """One case: a dict for the .mjs half (its 'expect' holds torch's answer)."""
    n, c = g.lead()
    big = fam in ("max", "avg", "unpool", "qmax", "qavg", "amax", "aavg") and g.chance(0.01)
    if big:
        n, c = int(g.r.integers(1, 3)), int(g.r.integers(2, 6))
    wide = not big and fam in ("avg", "qavg", "max", "qmax", "avgBackward") and d > 1 and g.chance(0.12)
    sp = [int(g.r.integers(9, 25)) for _ in range(d)] if wide else g.spatial(d, big)
    shape = full_shape(n, c, sp)
    case = {"fam": fam, "d": d, "shape": shape, "layout": "last" if g.chance(0.4) else "first"}
    tk = None
    windowed = fam in ("max", "avg", "lp", "maxBackward", "avgBackward", "lpBackward", "unpool", "qmax", "qavg")
    if windowed:
        dil = fam in ("max", "maxBackward", "unpool", "qmax")
        for _ in range(6):  # mostly valid windows; the last draw may be an error case
            k, s, p, dl = g.window(sp, dil, padded=not fam.startswith("lp"), wide=wide)
            ceil = g.chance(0.5)
            if all(out_len(*a, ceil) > 0 for a in zip(sp, k, s, p, dl)) or g.chance(0.05):
                break
        o = {"kernelSize": g.per_dim(k)}
        if s != k or g.chance(0.5):
            o["stride"] = g.per_dim(s)
        if any(p):
            o["padding"] = g.per_dim(p)
        if any(v != 1 for v in dl):
            o["dilation"] = g.per_dim(dl)
        if ceil:
            o["ceilMode"] = True
        case["options"] = o
        tk = dict(kernel_size=tuple(k), stride=tuple(s), ceil_mode=ceil)
        if not fam.startswith("lp"):
            tk["padding"] = tuple(p)
        if dil:
            tk["dilation"] = tuple(dl)
    if fam.startswith("q"):
        return make_quant(g, case, fam, d, tk)
    x = g.values(shape, special=fam not in ("lp", "lpBackward") or g.chance(0.2))
    case["input"] = b64(x, "<f4")
    t = torch.from_numpy(x.copy())
    exp = {}
    if fam == "max":
        ri = g.chance(0.6)
        if ri:
            case["options"]["returnIndices"] = True
        res, err = run_ref(lambda: MAXF[d](t, return_indices=True, **tk))
        if res is not None:
            exp["output"], exp["indices"] = res[0].numpy(), res[1].numpy()
            if not ri:
                del exp["indices"]
    elif fam == "avg":
        cip = g.chance(0.5)
        dov = g.pick([None, None, None, 1, 3, -2, 7]) if True else None
        if not cip:
            case["options"]["countIncludePad"] = False
        if dov is not None:
            case["options"]["divisorOverride"] = dov
        res, err = run_ref(lambda: avg_ref(t, d, tk, cip, dov))
        if res is not None:
            exp["output"] = res.numpy()
    elif fam == "lp":
        pn = g.pick([1, 2, 2, 3, 1.5, 0.7, 4])
        case["options"]["normType"] = pn
        res, err = run_ref(lambda: lp_ref(t, d, pn, tk))
        if res is not None:
            exp["output"] = res.numpy()
        case["tol"] = True
    elif fam in ("amax", "aavg"):
        outs = [g.pick([1, 1, 2, 3, 5, 7, m, m + 1, 2 * m + 1, max(1, m - 1), None]) for m in sp]
        if d == 1 and outs[0] is None:
            outs[0] = sp[0]
        case["options"] = {"outputSize": g.per_dim(outs)}
        tos = outs[0] if d == 1 else tuple(outs)
        if fam == "amax":
            ri = g.chance(0.6)
            if ri:
                case["options"]["returnIndices"] = True
            res, err = run_ref(lambda: AMAXF[d](t, tos, return_indices=True))
            if res is not None:
                exp["output"] = res[0].numpy()
                if ri:
                    exp["indices"] = res[1].numpy()
        else:
            res, err = run_ref(lambda: AAVGF[d](t, tos))
            if res is not None:
                exp["output"] = res.numpy()
    elif fam in ("gmax", "gavg", "glp"):
        case["options"] = {}
        if fam == "gmax":
            res, err = run_ref(lambda: AMAXF[d](t, 1))
        elif fam == "gavg":
            res, err = run_ref(lambda: AAVGF[d](t, 1))
        else:
            pn = g.pick([1, 2, 3, 1.5])
            case["options"]["normType"] = pn
            case["tol"] = True
            res, err = run_ref(lambda: lp_ref(t, d, pn, dict(kernel_size=tuple(sp), stride=tuple(sp), ceil_mode=False)))
        if res is not None:
            exp["output"] = res.numpy()
    elif fam == "unpool":
        res, err = run_ref(lambda: MAXF[d](t, return_indices=True, **tk))
        if res is None:
            return None
        y, idx = res
        case["pooledShape"] = list(y.shape)
        case["pooled"] = b64(y.numpy(), "<f4")
        case["pooledIndices"] = b64(idx.numpy(), "<i4")
        uk = dict(kernel_size=tk["kernel_size"], stride=tk["stride"], padding=tk["padding"])
        uo = {kk: case["options"][kk] for kk in ("kernelSize", "stride", "padding") if kk in case["options"]}
        # the default size, or the pooled input's (outputSize = x.size()), or one off it
        default = [(y.shape[-d + i] - 1) * s_ + k_ - 2 * p_ for i, (k_, s_, p_) in
                   enumerate(zip(uk["kernel_size"], uk["stride"], uk["padding"]))]
        mode = g.pick(["none", "input", "whole", "jitter"])
        osz = None
        if mode == "input":
            osz = list(sp)
        elif mode == "whole" and n is not None:
            osz = list(shape)
        elif mode == "jitter":
            osz = [max(0, v + int(g.r.integers(-2, 3))) for v in default]
        if osz is not None:
            uo["outputSize"] = osz
        case["options"] = uo
        res, err = run_ref(lambda: UNPOOLF[d](y, idx, output_size=osz, **uk))
        if res is not None:
            exp["output"] = res.numpy()
    elif fam.endswith("Backward"):
        return make_backward(g, case, fam, d, t, tk)
    case["expect"] = {"error": err} if err else enc(exp)
    return case


def avg_ref(t, d, tk, cip, dov):
    kw = dict(tk, count_include_pad=cip)
    if d == 1 and dov is not None:  # torch's avg_pool1d is avg_pool2d on a height-1 plane
        kw2 = {k: ((1,) + v if isinstance(v, tuple) else v) for k, v in kw.items()}
        kw2["padding"] = (0,) + tuple(tk["padding"])
        return AVGF[2](t.unsqueeze(-2), divisor_override=dov, **kw2).squeeze(-2)
    if d == 1:
        return AVGF[1](t, **kw)
    return AVGF[d](t, divisor_override=dov, **kw)


def lp_ref(t, d, p, tk):
    if d == 1:
        return F.lp_pool1d(t, p, tk["kernel_size"][0], tk["stride"][0], tk["ceil_mode"])
    if d == 2:
        return F.lp_pool2d(t, p, tk["kernel_size"], tk["stride"], tk["ceil_mode"])
    # torch 1.13 has no lp_pool3d: lp_pool2d's formula over avg_pool3d (torch >= 2.2's)
    k = tk["kernel_size"]
    out = F.avg_pool3d(t.pow(p), k, tk["stride"], 0, tk["ceil_mode"])
    return (torch.sign(out) * F.relu(torch.abs(out))).mul(k[0] * k[1] * k[2]).pow(1.0 / p)


def make_backward(g, case, fam, d, t, tk):
    t = t.clone().requires_grad_()
    exp = {}

    def fwd():
        if fam == "maxBackward":
            return MAXF[d](t, return_indices=True, **tk)
        if fam == "avgBackward":
            cip, dov = g.chance(0.5), (g.pick([None, None, 3, -2]) if d > 1 else None)
            if not cip:
                case["options"]["countIncludePad"] = False
            if dov is not None:
                case["options"]["divisorOverride"] = dov
            return AVGF[d](t, count_include_pad=cip, **({} if d == 1 else {"divisor_override": dov}), **tk)
        pn = g.pick([1, 2, 3, 1.5])
        case["options"]["normType"] = pn
        case["tol"] = True
        return lp_ref(t, d, pn, tk)

    if fam == "maxBackward" and has_empty_window(case["shape"][-d:], tk):
        # documented departure (docs/api-breadth.md, Indices and NaN): torch 1.13 adds such a
        # window's gradient at its start index, possibly past the plane (heap corruption)
        return None
    res, err = run_ref(fwd)
    if res is None:
        return None  # forward errors are the forward families' business
    out, idx = res if isinstance(res, tuple) else (res, None)
    grad = torch.from_numpy(g.values(list(out.shape), special=False))
    case["gradOutput"] = b64(grad.numpy(), "<f4")
    case["gradShape"] = list(out.shape)
    if idx is not None:
        case["fwdIndices"] = b64(idx.numpy(), "<i4")
    res2, err = run_ref(lambda: out.backward(grad))
    if err is None:
        exp["output"] = t.grad.numpy() if t.grad is not None else np.zeros(t.shape, np.float32)
    case["expect"] = {"error": err} if err else enc(exp)
    return case


def make_adaptive_backward(g, d):
    n, c = g.lead()
    sp = g.spatial(d)
    shape = full_shape(n, c, sp)
    fam = g.pick(["aavgBackward", "amaxBackward"])
    x = g.values(shape, special=fam == "amaxBackward")
    outs = [g.pick([1, 2, 3, 5, m, m + 1, max(1, m - 1)]) for m in sp]
    case = {"fam": fam, "d": d, "shape": shape, "layout": "last" if g.chance(0.4) else "first",
            "input": b64(x, "<f4"), "options": {}}
    t = torch.from_numpy(x.copy()).requires_grad_()
    tos = outs[0] if d == 1 else tuple(outs)
    res, err = run_ref(lambda: (AMAXF[d](t, tos, return_indices=True) if fam == "amaxBackward" else AAVGF[d](t, tos)))
    if res is None:
        return None
    out, idx = res if isinstance(res, tuple) else (res, None)
    grad = torch.from_numpy(g.values(list(out.shape), special=False))
    case["gradOutput"], case["gradShape"] = b64(grad.numpy(), "<f4"), list(out.shape)
    if idx is not None:
        case["fwdIndices"] = b64(idx.numpy(), "<i4")
    res2, err = run_ref(lambda: out.backward(grad))
    if err is None and t.grad is None:
        err = "no gradient"
    case["expect"] = {"error": err} if err else enc({"output": t.grad.numpy()})
    return case


def make_quant(g, case, fam, d, tk):
    dtype = g.pick(["int8", "uint8"])
    lo, hi = QRANGE[dtype]
    shape = case["shape"]
    # torch's contiguous quantized kernels (what simdpool follows in every layout) need a tensor
    # that is not also channels-last contiguous: C >= 2 and a spatial size > 1
    shape[-d - 1] = max(2, shape[-d - 1])
    if d == 3 and len(shape) == 4:  # torch 1.13's quantized avg_pool3d takes batched inputs only
        shape.insert(0, 1)
    if all(v == 1 for v in shape[-d:]):
        shape[-1] = 2
    case["shape"] = shape
    scale = float(np.float32(g.pick([0.01, 0.05, 0.1, 0.3, 1.0, 0.0372])))
    zp = int(g.r.integers(lo, hi + 1)) if g.chance(0.7) else (0 if dtype == "int8" else 128)
    # torch.quantize_per_tensor of random floats; the codes are what simdpool gets
    f = g.r.standard_normal(int(np.prod(shape))).astype(np.float32).reshape(shape) * scale * g.pick([5, 40, 200])
    if g.chance(0.3):
        f = np.round(f / scale / 60) * scale * 60  # few distinct codes: ties
    qt = torch.quantize_per_tensor(torch.from_numpy(f), scale, zp, QDTYPE[dtype])
    codes = qt.int_repr().numpy()
    case.update(dtype=dtype, input=b64(codes, np.int8 if dtype == "int8" else np.uint8))
    exp = {}
    if fam == "qmax":
        # torch 1.13's quantized max pooling: max_pool1d/2d only (no 3d, no indices)
        res, err = run_ref(lambda: MAXF[d](qt, **tk))
    elif fam == "qavg":
        tk = dict(tk)
        cip = g.chance(0.5)
        dov = g.pick([None, None, 3, 5, -2, 1]) if d > 1 else None
        if not cip:
            case["options"]["countIncludePad"] = False
        if dov is not None:
            case["options"]["divisorOverride"] = dov
        case["options"].update(scale=scale, zeroPoint=zp)
        res, err = run_ref(lambda: QAVG[d](qt, count_include_pad=cip, **({} if d == 1 else {"divisor_override": dov}), **tk))
    else:  # qaavg: adaptive average, no parameters
        outs = [g.pick([1, 2, 3, 5, m, m + 1, max(1, m - 1)]) for m in shape[-d:]]
        case["options"] = {"outputSize": g.per_dim(outs)}
        res, err = run_ref(lambda: AAVGF[d](qt, outs[0] if d == 1 else tuple(outs)))
    if res is not None:
        if not res.is_quantized or res.q_scale() != qt.q_scale() or res.q_zero_point() != zp:
            return None  # not a quantized kernel's answer
        exp["output"] = res.int_repr().numpy()
        exp["codes"] = True
    case["expect"] = {"error": err} if err else enc(exp, dtype)
    return case


def qamax_axis(g, last, top):
    """(input size, output size) along one axis of an int8/uint8 adaptive max, biased to the
    shapes with kernels of their own: along a planar row (last), irregular windows of 7-20
    outputs over out+1 .. 2*out+2 columns (windows narrower than the plan's bound, which
    byte-max.ts's direct planar kernel once took for regular ones),
    dividing sizes (plain pooling: the direct byte-max kernels), wide rows (SIMD interiors); on
    every axis output 1, the input's size, larger than the input, 0 now and then."""
    mode = g.pick(["irregular"] * 5 + ["regular"] * 3 + ["one", "same", "larger", "random", "wide"]) if last else \
        g.pick(["irregular", "regular", "regular", "one", "same", "larger", "random"])
    if mode == "irregular":
        o = int(g.r.integers(7, 21)) if last else int(g.r.integers(2, top + 1))
        n = int(g.r.integers(o + 1, 2 * o + 3)) if g.chance(0.85) else int(g.r.integers(1, o + 1))
    elif mode == "regular":
        o = int(g.r.integers(1, 21 if last else top + 1))
        n = o * int(g.r.integers(1, 5 if last else 3))
    elif mode == "wide":
        o = int(g.r.integers(17, 65))
        n = int(g.r.integers(o + 1, 3 * o + 1))
    else:
        n = int(g.r.integers(1, (48 if last else top) + 1))
        o = {"one": 1, "same": n, "larger": int(g.r.integers(n + 1, 2 * n + 2)),
             "random": int(g.r.integers(1, n + 1))}[mode]
    if g.chance(0.01):
        o = 0
    return n, o


def qamax_codes(g, shape, lo, hi):
    """int8/uint8 codes: uniform, few distinct (ties), the range's ends and the middle (where
    uint8's order-keeping top-bit flip turns 127/128 into -1/0), ramps along the row (a window
    bound off by one shows at once), one value everywhere."""
    size, row = int(np.prod(shape)), shape[-1]
    kind = g.pick(["uniform", "uniform", "few", "few", "edges", "ramp", "flat"])
    if kind == "uniform":
        x = g.r.integers(lo, hi + 1, size)
    elif kind == "few":
        vals = np.array([g.pick([lo, hi, int(g.r.integers(lo, hi + 1))]) for _ in range(int(g.r.integers(2, 4)))])
        x = vals[g.r.integers(0, len(vals), size)]
    elif kind == "edges":
        mid = (lo + hi + 1) // 2
        x = np.array([lo, lo + 1, mid - 1, mid, mid + 1, hi - 1, hi])[g.r.integers(0, 7, size)]
    elif kind == "ramp":
        col = np.arange(size) % max(row, 1)
        x = lo + (col * int(g.r.integers(1, 9)) + int(g.r.integers(0, 256))) % (hi - lo + 1)
        if g.chance(0.5):
            x = hi - (x - lo)
    else:
        x = np.full(size, g.pick([lo, hi, int(g.r.integers(lo, hi + 1))]))
    return x.reshape(shape).astype(np.int8 if lo < 0 else np.uint8)


def make_qamax(g, d):
    """int8/uint8 adaptive max (see the docstring's departures for its reference)."""
    n = None if g.chance(0.15) else 0 if g.chance(0.03) else int(g.r.integers(1, 3))
    c = int(g.pick([1, 3, 16, 17])) if g.chance(0.8) else int(g.pick([2, 4, 5, 8, 32, 33]))
    top = {1: 1, 2: 8, 3: 5}[d]
    axes = [qamax_axis(g, i == d - 1, top) for i in range(d)]
    if g.chance(0.01):  # past the streaming threshold
        n, c = int(g.r.integers(1, 3)), int(g.r.integers(2, 6))
        axes = [(size, a[1]) for size, a in zip(g.spatial(d, big=True), axes)]
    sp, outs = [a[0] for a in axes], [a[1] for a in axes]
    if d > 1 and g.chance(0.08):
        outs[int(g.r.integers(d - 1))] = None  # the input's size
    shape = full_shape(n, c, sp)
    dtype = g.pick(["int8", "uint8"])
    codes = qamax_codes(g, shape, *QRANGE[dtype])
    case = {"fam": "qamax", "d": d, "shape": shape, "layout": "last" if g.chance(0.5) else "first",
            "dtype": dtype, "input": b64(codes, codes.dtype), "options": {"outputSize": g.per_dim(outs)}}
    ri = g.chance(0.5)
    if ri:
        case["options"]["returnIndices"] = True
    t = torch.from_numpy(codes.astype(np.float64))
    res, err = run_ref(lambda: AMAXF[d](t, outs[0] if d == 1 else tuple(outs), return_indices=True))
    exp = {}
    if res is not None:
        exp["output"] = res[0].numpy()
        if ri:
            exp["indices"] = res[1].numpy()
    case["expect"] = {"error": err} if err else enc(exp, dtype)
    return case


def enc(exp, dtype=None):
    e = {}
    if "output" in exp:
        o = np.asarray(exp["output"])
        e["shape"] = list(o.shape)
        if dtype:
            e["output"] = b64(o, np.int8 if dtype == "int8" else np.uint8)
        else:
            e["output"] = b64(o, "<f4")
    if "indices" in exp:
        e["indices"] = b64(exp["indices"], "<i4")
    return e


FAMILIES = [
    ("max", 4), ("avg", 4), ("lp", 2), ("amax", 2), ("aavg", 2), ("gmax", 1), ("gavg", 1), ("glp", 1),
    ("unpool", 2), ("maxBackward", 3), ("avgBackward", 3), ("lpBackward", 1), ("adaptiveBackward", 2),
    ("qmax", 2), ("qavg", 3), ("qaavg", 2), ("qamax", 4),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--out", default=os.path.join(tempfile.gettempdir(), "simdpool-differential.json"))
    a = ap.parse_args()
    g = Gen(np.random.default_rng(a.seed))
    names = [f for f, w in FAMILIES for _ in range(w)]
    cases = []
    while len(cases) < a.count:
        fam = g.pick(names)
        d = int(g.r.integers(1, 3 if fam == "qmax" else 4))  # torch 1.13 has no quantized max_pool3d
        c = make_adaptive_backward(g, d) if fam == "adaptiveBackward" else make_qamax(g, d) if fam == "qamax" \
            else make(g, fam, d)
        if c is not None:
            c["id"] = len(cases)
            cases.append(c)
    with open(a.out, "w") as f:
        json.dump({"seed": a.seed, "torch": torch.__version__, "cases": cases}, f)
    print(f"{len(cases)} cases (seed {a.seed}) -> {a.out}")


if __name__ == "__main__":
    main()
