"""Helpers shared by the golden-case generators: base64 of little-endian arrays (the JSON
format test/reference/golden-decode.ts reads), random inputs from a generator's own seeded
numpy Generator, per-dim option tuples, and torch's pooling functions by dims."""
import base64

import numpy as np
import torch.nn.functional as F

# torch's pooling functions by number of spatial dims
MAXF = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
AVGF = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}
AMAXF = {1: F.adaptive_max_pool1d, 2: F.adaptive_max_pool2d, 3: F.adaptive_max_pool3d}
AAVGF = {1: F.adaptive_avg_pool1d, 2: F.adaptive_avg_pool2d, 3: F.adaptive_avg_pool3d}


def b64f32(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype="<f4").tobytes()).decode("ascii")


def b64i32(a):
    a = np.asarray(a)
    assert a.size == 0 or (a.min() >= -(2**31) and a.max() < 2**31)
    return base64.b64encode(np.ascontiguousarray(a, dtype="<i4").tobytes()).decode("ascii")


def samplers(rng):
    """randn(*shape) and randint(lo, hi, *shape), float32, drawn from rng."""

    def randn(*shape):
        return rng.standard_normal(shape).astype(np.float32)

    def randint(lo, hi, *shape):
        return rng.integers(lo, hi, shape).astype(np.float32)

    return randn, randint


def tup(v, d):
    """A per-dim option: a list or tuple as it is, a number repeated d times (as a tuple)."""
    return tuple(v) if isinstance(v, (list, tuple)) else (v,) * d
