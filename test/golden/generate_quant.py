"""Golden cases for int8/uint8 pooling, computed by PyTorch 1.13's quantized CPU kernels.

Run with Debian's python3-torch: /usr/bin/python3 test/golden/generate_quant.py
Writes test/golden/quant.json (small: a few dozen cases).

- Averages: torch.quantize_per_tensor-style tensors (quint8 -> uint8, qint8 -> int8) through
  torch.nn.functional.avg_pool1d/2d/3d, adaptive_avg_pool1d/2d/3d (global = adaptive to 1).
  Inputs are contiguous with C >= 2 and spatial size > 1, so torch takes its contiguous
  kernels (a tensor that is also channels-last contiguous, e.g. C = 1, takes torch's NHWC kernel,
  which rounds some halves differently; simdpool follows the contiguous kernels in every layout).
  The generator also checks that the formula simdpool implements reproduces every torch output.
- Max: the quantized max_pool1d/2d where torch has it; max_pool3d, adaptive max and indices
  have no quantized kernel in torch 1.13, so those come from float32 max pooling of the integer
  values (exact: max needs no scale), after checking both agree where both exist.
"""
import json, random
import numpy as np
import torch
import torch.nn.functional as F

torch.manual_seed(5)
random.seed(5)
rng = np.random.default_rng(5)
f32 = np.float32
RANGE = {'int8': (-128, 127), 'uint8': (0, 255)}
QDTYPE = {'int8': torch.qint8, 'uint8': torch.quint8}
TDTYPE = {'int8': torch.int8, 'uint8': torch.uint8}


def quantized(q, dtype, scale, zp):
    return torch._make_per_tensor_quantized_tensor(torch.tensor(q, dtype=TDTYPE[dtype]), scale, zp)


def tup(v, dims):
    return list(v) if isinstance(v, (list, tuple)) else [v] * dims


def formula_windowed(q, dims, k, s, p, ceil, cip, dov, scale, zp, lo, hi):
    """avg_pool2d_out_frame: nearbyint(f32(sum - n*zp) * f32(scale/scale/div) + zp), clamped;
    avg_pool3d's qavg_pool3d kernel (any layout) adds zp after rounding: nearbyint(...) + zp."""
    k, s, p = tup(k, dims), tup(s if s is not None else k, dims), tup(p, dims)
    N, C = q.shape[:2]
    sp = q.shape[2:]
    outs = []
    for i in range(dims):
        n = sp[i] + 2 * p[i] - k[i] + (s[i] - 1 if ceil else 0)
        o = n // s[i] + 1
        if ceil and (o - 1) * s[i] >= sp[i] + p[i]:
            o -= 1
        outs.append(o)
    out = np.zeros((N, C, *outs), dtype=np.int64)
    for oc in np.ndindex(*outs):
        sl, pool, size = [], 1, 1
        for i in range(dims):
            st = oc[i] * s[i] - p[i]
            en = min(st + k[i], sp[i] + p[i])
            pool *= en - st
            a, b = max(st, 0), min(en, sp[i])
            size *= b - a
            sl.append(slice(a, b))
        div = dov if dov else (pool if cip else size)
        mult = f32(scale / scale / div)
        for n in range(N):
            for c in range(C):
                tot = int(q[(n, c, *sl)].sum()) - size * zp
                if dims == 3:
                    v = int(np.rint(f32(f32(tot) * mult))) + zp
                else:
                    v = int(np.rint(f32(f32(tot) * mult) + f32(zp)))
                out[(n, c, *oc)] = min(max(v, lo), hi)
    return out


def formula_adaptive(q, dims, outs):
    """adaptive_avg_pool: nearbyint(f32(sum) * (f32 chain 1/kD/kH/kW)); in 3D to 1x1x1 torch
    takes the quantized mean instead: nearbyint(f32(sum) / f32(cells)), one division."""
    N, C = q.shape[:2]
    sp = q.shape[2:]
    if dims == 3 and all(o == 1 for o in outs):
        cells = f32(int(np.prod(sp)))
        means = [[int(np.rint(f32(f32(int(q[n, c].sum())) / cells))) for c in range(C)] for n in range(N)]
        return np.array(means, dtype=np.int64).reshape(N, C, 1, 1, 1)
    out = np.zeros((N, C, *outs), dtype=np.int64)
    for oc in np.ndindex(*outs):
        sl, m = [], f32(1)
        for i in range(dims):
            a = (oc[i] * sp[i]) // outs[i]
            b = -((-(oc[i] + 1) * sp[i]) // outs[i])
            sl.append(slice(a, b))
            m = f32(m / f32(b - a))
        for n in range(N):
            for c in range(C):
                out[(n, c, *oc)] = int(np.rint(f32(f32(int(q[(n, c, *sl)].sum())) * m)))
    return out


AVG = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}
ADAPTIVE_AVG = {1: F.adaptive_avg_pool1d, 2: F.adaptive_avg_pool2d, 3: F.adaptive_avg_pool3d}
MAX = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
ADAPTIVE_MAX = {1: F.adaptive_max_pool1d, 2: F.adaptive_max_pool2d, 3: F.adaptive_max_pool3d}

cases = []


def add(op, dtype, q, options, output, indices=None):
    case = {'op': op, 'dtype': dtype, 'shape': list(q.shape), 'options': options,
            'input': q.flatten().tolist(), 'output': np.asarray(output).flatten().tolist(),
            'outShape': list(np.asarray(output).shape)}
    if indices is not None:
        case['indices'] = np.asarray(indices).flatten().tolist()
    cases.append(case)


def random_input(dtype, shape):
    lo, hi = RANGE[dtype]
    q = rng.integers(lo, hi + 1, size=shape)
    if random.random() < 0.3:  # ties: few distinct values
        q = rng.choice(np.array([lo, lo + 1, hi - 1, hi]), size=shape)
    return q


def spatial_shape(dims):
    return [random.randint(3, 9) if dims < 3 else random.randint(2, 5) for _ in range(dims)]


mismatches = 0
for dims in (1, 2, 3):
    for dtype in ('int8', 'uint8'):
        # windowed averages
        for _ in range(4 if dims != 3 else 3):
            shape = [random.randint(1, 2), random.randint(2, 3), *spatial_shape(dims)]
            q = random_input(dtype, shape)
            k = random.randint(2, 3)
            s = random.choice([1, 2, None])
            p = random.randint(0, k // 2)
            ceil = random.random() < 0.3
            cip = random.random() < 0.5
            dov = random.choice([None, None, None, 3, 7])
            scale = random.choice([0.1, 0.05, 0.0123, 1.0, 0.37])
            zp = random.randint(*RANGE[dtype])
            x = quantized(q, dtype, scale, zp)
            try:
                if dims == 1:
                    y = F.avg_pool1d(x, k, s, p, ceil, cip)
                    if dov:
                        dov = None  # avg_pool1d has no divisor_override
                else:
                    y = AVG[dims](x, k, s, p, ceil, cip, dov)
            except RuntimeError as e:
                print('skip', dims, dtype, e)
                continue
            # (an output size of 0 is an empty tensor: see the cases of size 0 below)
            got = y.int_repr().numpy().astype(np.int64)
            want = formula_windowed(q, dims, k, s, p, ceil, cip, dov, scale, zp, *RANGE[dtype])
            if want.shape != got.shape or (want != got).any():
                mismatches += 1
                print('FORMULA MISMATCH avg', dims, dtype, shape, k, s, p, ceil, cip, dov, scale, zp)
            opts = {'kernelSize': k, 'padding': p, 'ceilMode': ceil, 'countIncludePad': cip, 'scale': scale, 'zeroPoint': zp}
            if s is not None:
                opts['stride'] = s
            if dov:
                opts['divisorOverride'] = dov
            add(f'avgPool{dims}d', dtype, q, opts, got)
        # adaptive and global averages
        for _ in range(3):
            shape = [random.randint(1, 2), random.randint(2, 3), *spatial_shape(dims)]
            q = random_input(dtype, shape)
            outs = [random.randint(1, n) for n in shape[2:]]
            x = quantized(q, dtype, 0.1, 3 if dtype == 'uint8' else -3)
            got = ADAPTIVE_AVG[dims](x, outs if dims > 1 else outs[0]).int_repr().numpy().astype(np.int64)
            if (formula_adaptive(q, dims, outs) != got).any():
                mismatches += 1
                print('FORMULA MISMATCH adaptive', dims, dtype, shape, outs)
            add(f'adaptiveAvgPool{dims}d', dtype, q, {'outputSize': outs}, got)
        shape = [2, 3, *spatial_shape(dims)]
        q = random_input(dtype, shape)
        got = ADAPTIVE_AVG[dims](quantized(q, dtype, 0.5, 0), 1).int_repr().numpy().astype(np.int64)
        if (formula_adaptive(q, dims, [1] * dims) != got).any():
            mismatches += 1
            print('FORMULA MISMATCH global', dims, dtype, shape)
        add(f'globalAvgPool{dims}d', dtype, q, {}, got)
        # max: values (quantized torch where it exists) and indices (float torch)
        for _ in range(3):
            shape = [random.randint(1, 2), random.randint(1, 3), *spatial_shape(dims)]
            q = random_input(dtype, shape)
            k = random.randint(2, 3)
            s = random.choice([1, 2, None])
            p = random.randint(0, k // 2)
            d = random.choice([1, 1, 2])
            ceil = random.random() < 0.3
            xf = torch.tensor(q, dtype=torch.float32)
            try:
                yf, idx = MAX[dims](xf, k, s, p, d, ceil, True)
            except RuntimeError as e:
                print('skip max', e)
                continue
            if dims < 3:
                yq = MAX[dims](quantized(q, dtype, 0.1, 0), k, s, p, d, ceil).int_repr().numpy().astype(np.int64)
                assert (yq == yf.numpy().astype(np.int64)).all(), 'quantized max differs from float max'
            opts = {'kernelSize': k, 'padding': p, 'dilation': d, 'ceilMode': ceil, 'returnIndices': True}
            if s is not None:
                opts['stride'] = s
            add(f'maxPool{dims}d', dtype, q, opts, yf.numpy().astype(np.int64), idx.numpy())
        shape = [2, 2, *spatial_shape(dims)]
        q = random_input(dtype, shape)
        outs = [random.randint(1, n) for n in shape[2:]]
        yf, idx = ADAPTIVE_MAX[dims](torch.tensor(q, dtype=torch.float32), outs, True)
        add(f'adaptiveMaxPool{dims}d', dtype, q, {'outputSize': outs, 'returnIndices': True}, yf.numpy().astype(np.int64), idx.numpy())
        yf = ADAPTIVE_MAX[dims](torch.tensor(q, dtype=torch.float32), 1)
        add(f'globalMaxPool{dims}d', dtype, q, {}, yf.numpy().astype(np.int64))

# 3D averages whose scaled sums are halves (kernel sizes 2 and 8 cells, small integers): where
# adding the zero point before or after rounding differs (quantized avg_pool3d adds it after).
ties = random.Random(3)
for dtype in ('int8', 'uint8'):
    for k in ([1, 1, 2], [2, 2, 2], [1, 2, 2]):
        shape = [1, 2, 2, 3, 4]
        lo, hi = RANGE[dtype]
        q = np.array([ties.randint(lo, lo + 6) if dtype == 'uint8' else ties.randint(-3, 3) for _ in range(int(np.prod(shape)))], dtype=np.int64).reshape(shape)
        zp = 1 if dtype == 'int8' else lo + 1
        x = quantized(q, dtype, 1.0, zp)
        got = F.avg_pool3d(x, k).int_repr().numpy().astype(np.int64)
        want = formula_windowed(q, 3, k, None, 0, False, True, None, 1.0, zp, lo, hi)
        if want.shape != got.shape or (want != got).any():
            mismatches += 1
            print('FORMULA MISMATCH avg3d tie', dtype, k)
        add('avgPool3d', dtype, q, {'kernelSize': k, 'scale': 1.0, 'zeroPoint': zp}, got)

# 3D global averages (torch's quantized mean) whose sums are exact halves of the cell count: one
# division rounds them to even, a multiplication by 1/kD/kH/kW can land just past the half.
halves = random.Random(4)
for dtype in ('int8', 'uint8'):
    lo, hi = RANGE[dtype]
    shape = [1, 3, 4, 7, 7]
    cells = 4 * 7 * 7
    q = np.zeros(shape, dtype=np.int64) + (0 if dtype == 'int8' else 128)
    for c in range(3):
        step = [-1, 1, -3][c]
        picks = halves.sample(range(cells), cells // 2)
        flat = q[0, c].reshape(-1)
        for i in picks:
            flat[i] += step
        q[0, c] = flat.reshape(4, 7, 7)
    x = quantized(q, dtype, 0.5, 0 if dtype == 'int8' else 128)
    for op, outs in (('globalAvgPool3d', None), ('adaptiveAvgPool3d', [1, 1, 1])):
        got = ADAPTIVE_AVG[3](x, 1).int_repr().numpy().astype(np.int64)
        if (formula_adaptive(q, 3, [1, 1, 1]) != got).any():
            mismatches += 1
            print('FORMULA MISMATCH 3d mean half', dtype)
        add(op, dtype, q, {} if outs is None else {'outputSize': outs}, got)

# Windowed averages with an output size of 0 along some axis (all axes; one of them; by ceil
# mode, where without it the size is -1): torch's quantized kernels return an empty tensor, where
# its float kernels and quantized max pooling raise 'Output size is too small'. A negative size
# raises in torch too (checked here; simdpool's RangeError: test/quant-errors.test.ts).
empty = random.Random(6)
for dims in (1, 2, 3):
    for dtype in ('int8', 'uint8'):
        lo, hi = RANGE[dtype]
        windows = [([1] * dims, 2, 1, False), ([1] * dims, 5, 3, True)]
        if dims > 1:
            windows.append(([1] + [3] * (dims - 1), [2] + [1] * (dims - 1), 1, False))
        for spatial, k, s, ceil in windows:
            shape = [2, 3, *spatial]
            q = np.array([empty.randint(lo, hi) for _ in range(int(np.prod(shape)))], dtype=np.int64).reshape(shape)
            zp = empty.randint(lo, hi)
            got = AVG[dims](quantized(q, dtype, 0.25, zp), k, s, 0, ceil).int_repr().numpy().astype(np.int64)
            assert 0 in got.shape and got.shape == formula_windowed(q, dims, k, s, 0, ceil, True, None, 0.25, zp, lo, hi).shape
            add(f'avgPool{dims}d', dtype, q, {'kernelSize': k, 'stride': s, 'ceilMode': ceil, 'scale': 0.25, 'zeroPoint': zp}, got)
        for k, s in ((3, 1), (5, 3)):
            try:
                AVG[dims](quantized(np.zeros([1, 2] + [1] * dims, dtype=np.int64), dtype, 0.25, 0), k, s)
                raise AssertionError('torch gave a negative output size')
            except RuntimeError as e:
                assert 'negative dimension' in str(e), e

def pixel_cases(rng, label, configs):
    """Windowed averages and max pooling of pixels, each config (channels, dims, spatial, kernel,
    stride, padding, countIncludePad); the golden test runs each case channels-last too."""
    global mismatches
    for channels, dims, spatial, k, s, p, cip in configs:
        for dtype in ('int8', 'uint8'):
            lo, hi = RANGE[dtype]
            q = rng.integers(lo, hi + 1, size=[1, channels, *spatial])
            zp = int(rng.integers(lo, hi + 1))
            y = (F.avg_pool1d(quantized(q, dtype, 0.05, zp), k, s, p, False, cip) if dims == 1
                 else AVG[dims](quantized(q, dtype, 0.05, zp), k, s, p, False, cip))
            got = y.int_repr().numpy().astype(np.int64)
            want = formula_windowed(q, dims, k, s, p, False, cip, None, 0.05, zp, lo, hi)
            if want.shape != got.shape or (want != got).any():
                mismatches += 1
                print(f'FORMULA MISMATCH {label} avg', channels, dims, dtype)
            add(f'avgPool{dims}d', dtype, q, {'kernelSize': k, 'stride': s, 'padding': p, 'countIncludePad': cip, 'scale': 0.05, 'zeroPoint': zp}, got)
            yf = MAX[dims](torch.tensor(q, dtype=torch.float32), k, s, p)
            add(f'maxPool{dims}d', dtype, q, {'kernelSize': k, 'stride': s, 'padding': p}, yf.numpy().astype(np.int64))


# Each group below has a generator of its own, so the cases before it keep their inputs.
# RGBA: four channels and rows of 16 outputs or more, which channels-last inputs pool as planes
# (src/ops/bytes.ts).
pixel_cases(np.random.default_rng(18), 'rgba', ((4, 2, [7, 40], 3, 2, 1, False), (4, 1, [67], 2, 2, 0, True), (4, 3, [3, 4, 34], 2, 2, 0, True)))
# Two, three (RGB) and eight channels with rows of 16 outputs or more, pooled as planes too since
# the nineteenth round.
pixel_cases(np.random.default_rng(19), 'rgb', (
    (3, 2, [6, 37], 2, 2, 0, True), (3, 2, [5, 35], 3, 2, 1, False), (3, 1, [70], 3, 1, 1, True),
    (3, 3, [3, 3, 33], 2, 2, 0, False), (2, 2, [4, 49], 3, 2, 1, True), (2, 1, [40], 2, 2, 0, True),
    (8, 2, [4, 36], 2, 2, 0, True), (8, 2, [5, 33], 3, 2, 1, False), (8, 1, [51], 3, 1, 1, False)))
# Five to fifteen channels (not eight) with 128 outputs or more and windows of at most 32 cells,
# widened to sixteen channels (src/ops/bytes.ts).
pixel_cases(np.random.default_rng(20), 'sixteen', (
    (5, 2, [24, 24], 2, 2, 0, True), (6, 2, [24, 25], 3, 2, 1, False), (12, 1, [300], 3, 2, 1, True),
    (7, 3, [8, 12, 12], 2, 2, 0, False), (15, 2, [13, 40], 3, 1, 1, True), (9, 1, [150], 5, 1, 2, False)))

assert mismatches == 0, f'{mismatches} torch outputs differ from the formula simdpool implements'
meta = {'torch': torch.__version__, 'engine': torch.backends.quantized.engine, 'generator': 'test/golden/generate_quant.py'}
with open(__file__.replace('generate_quant.py', 'quant.json'), 'w') as f:
    json.dump({'meta': meta, 'cases': cases}, f, separators=(',', ':'))
print(len(cases), 'cases')
