// The simdpool command line: .npy files written by NumPy, results compared with PyTorch's
// (computed by /usr/bin/python3 with torch), and clear errors for files it cannot take.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCloseFloats, expectSameFloats, expectSameInts } from './support/engine';

const CLI = new URL('../dist/cli.js', import.meta.url).pathname;
const PYTHON = '/usr/bin/python3';
const hasTorch = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import numpy, torch'], { timeout: 60_000 }).status === 0;
let dir: string;

const CASES: Array<{ name: string; args: string[]; torch: string; indices?: boolean; exact: boolean; nhwc?: boolean }> = [
  { name: 'max k3 s2 p1 + indices', args: ['max', '--kernel', '3', '--stride', '2', '--padding', '1'], torch: 'F.max_pool2d(x, 3, 2, 1, return_indices=True)', indices: true, exact: true },
  { name: 'max k2,3 dilation 2 ceil', args: ['maxPool2d', '--kernel', '2,3', '--dilation', '2', '--ceil'], torch: 'F.max_pool2d(x, (2, 3), dilation=2, ceil_mode=True)', exact: true },
  { name: 'avg k3 s2 p1 ceil exclude-pad', args: ['avg', '--kernel', '3', '--stride', '2', '--padding', '1', '--ceil', '--exclude-pad'], torch: 'F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False)', exact: false },
  { name: 'avg k2 divisor 3', args: ['avgPool2d', '--kernel', '2', '--divisor', '3'], torch: 'F.avg_pool2d(x, 2, divisor_override=3)', exact: false },
  { name: 'global max', args: ['globalMaxPool2d'], torch: 'F.adaptive_max_pool2d(x, 1)', exact: true },
  { name: 'max NHWC', args: ['max', '--kernel', '3', '--stride', '2', '--layout', 'NHWC'], torch: 'F.max_pool2d(x, 3, 2)', exact: true, nhwc: true },
];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'simdpool-cli-'));
  if (!hasTorch) return;
  const script = `
import numpy as np, torch, torch.nn.functional as F, sys
d = sys.argv[1]
rng = np.random.default_rng(7)
x = rng.integers(-5, 6, size=(2, 3, 11, 13)).astype(np.float32)  # many ties
x[0, 0, 0, :3] = [np.nan, np.inf, -0.0]
np.save(f'{d}/x.npy', x)
np.save(f'{d}/x_nhwc.npy', np.ascontiguousarray(x.transpose(0, 2, 3, 1)))
t = torch.from_numpy(x)
cases = ${JSON.stringify(CASES.map((c) => c.torch))}
for i, expr in enumerate(cases):
    r = eval(expr, {'F': F, 'x': t})
    if isinstance(r, tuple):
        np.save(f'{d}/want{i}.npy', r[0].numpy()); np.save(f'{d}/want{i}_idx.npy', r[1].numpy().astype(np.int32))
    else:
        np.save(f'{d}/want{i}.npy', r.numpy())
np.save(f'{d}/f64.npy', x.astype(np.float64))
np.save(f'{d}/i8.npy', x.astype(np.int8))
np.save(f'{d}/u8.npy', x.astype(np.uint8))
# torch has no int8 max pooling on CPU: pool the integers as float32 (exact) and cast back.
xi = rng.integers(-128, 128, size=(2, 3, 11, 13)).astype(np.int8)
xu = rng.integers(0, 256, size=(2, 3, 11, 13)).astype(np.uint8)
np.save(f'{d}/xi8.npy', xi); np.save(f'{d}/xu8.npy', xu)
np.save(f'{d}/want_i8.npy', F.max_pool2d(torch.from_numpy(xi.astype(np.float32)), 3, 2, 1).numpy().astype(np.int8))
np.save(f'{d}/want_u8.npy', F.adaptive_max_pool2d(torch.from_numpy(xu.astype(np.float32)), 1).numpy().astype(np.uint8))
# quantized averages: torch's quantized kernels on the same bytes
qu = torch._make_per_tensor_quantized_tensor(torch.from_numpy(xu), 0.05, 7)
qi = torch._make_per_tensor_quantized_tensor(torch.from_numpy(xi), 0.3, -3)
np.save(f'{d}/want_avg_u8.npy', F.avg_pool2d(qu, 3, 2, 1).int_repr().numpy())
np.save(f'{d}/want_avg_i8.npy', F.avg_pool2d(qi, 2, 2, 0, True, False).int_repr().numpy())
np.save(f'{d}/want_gavg_i8.npy', F.adaptive_avg_pool2d(qi, 1).int_repr().numpy())
np.save(f'{d}/fortran.npy', np.asfortranarray(x))
big = rng.standard_normal((6, 4, 20, 20)).astype(np.float32)
np.save(f'{d}/big.npy', big)
for k in range(3): np.save(f'{d}/batch{k}.npy', (x + k).astype(np.float32))
`;
  execFileSync(PYTHON, ['-c', script, dir], { timeout: 120_000 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A float32 or int32 .npy as written by NumPy (v1.0 header). */
function load(path: string): { data: Float32Array | Int32Array; shape: number[] } {
  const b = readFileSync(path);
  const len = b.readUInt16LE(8);
  const header = b.subarray(10, 10 + len).toString('latin1');
  const shape = /'shape': \(([^)]*)\)/.exec(header)![1].split(',').filter((s) => s.trim()).map(Number);
  const bytes = b.subarray(10 + len);
  const copy = new Uint8Array(bytes).buffer;
  return { data: header.includes("'<i") ? new Int32Array(copy) : new Float32Array(copy), shape };
}

function cli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
}

function toNCHW(a: { data: Float32Array; shape: number[] }) {
  const [n, h, w, c] = a.shape;
  const out = new Float32Array(a.data.length);
  for (let b = 0; b < n; b++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out[((b * c + k) * h + y) * w + x] = a.data[((b * h + y) * w + x) * c + k];
  return { data: out, shape: [n, c, h, w] };
}

describe.skipIf(!hasTorch)('simdpool CLI against PyTorch (numpy .npy files)', () => {
  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', (_name, c, i) => {
    const input = join(dir, c.nhwc ? 'x_nhwc.npy' : 'x.npy');
    const out = join(dir, `got${i}.npy`);
    const extra = c.indices ? ['--indices', join(dir, `got${i}_idx.npy`)] : [];
    const [op, ...opts] = c.args;
    const r = cli(['pool', op, input, out, ...opts, ...extra]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    let got = load(out) as { data: Float32Array; shape: number[] };
    if (c.nhwc) got = toNCHW(got);
    const want = load(join(dir, `want${i}.npy`)) as { data: Float32Array; shape: number[] };
    expect(got.shape).toEqual(want.shape);
    if (c.exact) expectSameFloats(got.data, want.data);
    else expectCloseFloats(got.data, want.data);
    if (c.indices) expectSameInts(load(join(dir, `got${i}_idx.npy`)).data as Int32Array, load(join(dir, `want${i}_idx.npy`)).data as Int32Array);
  });

  it('pools a large tensor a few samples at a time with progress, identically', () => {
    const whole = cli(['pool', 'max', join(dir, 'big.npy'), join(dir, 'big1.npy'), '--kernel', '3', '--padding', '1', '--indices', join(dir, 'big1_idx.npy')]);
    expect(whole.status).toBe(0);
    const chunked = cli(['pool', 'max', join(dir, 'big.npy'), join(dir, 'big2.npy'), '--kernel', '3', '--padding', '1', '--indices', join(dir, 'big2_idx.npy'), '--progress'], { SIMDPOOL_CLI_CHUNK_ELEMENTS: '4000' });
    expect(chunked.status).toBe(0);
    expect(chunked.stderr).toMatch(/samples 2\/6/);
    expect(readFileSync(join(dir, 'big2.npy'))).toEqual(readFileSync(join(dir, 'big1.npy')));
    expect(readFileSync(join(dir, 'big2_idx.npy'))).toEqual(readFileSync(join(dir, 'big1_idx.npy')));
  });

  it('pools many files into --out-dir with progress', () => {
    const files = [0, 1, 2].map((k) => join(dir, `batch${k}.npy`));
    const r = cli(['pool', 'avg', '--out-dir', join(dir, 'out'), ...files, '--kernel', '2', '--progress']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/\[1\/3\].*\n.*\[3\/3\]/s);
    expect(r.stderr).toMatch(/3\/3 files pooled/);
    expect(load(join(dir, 'out', 'batch2.npy')).shape).toEqual([2, 3, 5, 6]);
  });

  it.each([
    ['f64.npy', /dtype <f8 \(float64\) is not supported; use float32/],
    ['fortran.npy', /Fortran-order arrays are not supported/],
  ])('rejects %s clearly', (file, message) => {
    const r = cli(['pool', 'max', join(dir, file), join(dir, 'never.npy'), '--kernel', '2']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(existsSync(join(dir, 'never.npy'))).toBe(false);
  });

  it.each([
    ['xi8.npy', 'want_i8.npy', ['max', '--kernel', '3', '--stride', '2', '--padding', '1']],
    ['xu8.npy', 'want_u8.npy', ['globalMax']],
  ])('max-pools %s exactly, in its own dtype', (file, wantFile, [op, ...opts]) => {
    const out = join(dir, `got_${file}`);
    const r = cli(['pool', op, join(dir, file), out, ...opts]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(out)).toEqual(readFileSync(join(dir, wantFile))); // same header, dtype and bytes as NumPy's
  });

  it.each([
    ['xu8.npy', 'want_avg_u8.npy', ['avg', '--kernel', '3', '--stride', '2', '--padding', '1', '--scale', '0.05', '--zero-point', '7']],
    ['xi8.npy', 'want_avg_i8.npy', ['avg', '--kernel', '2', '--ceil', '--scale', '0.3', '--zero-point', '-3']],
    ['xi8.npy', 'want_gavg_i8.npy', ['globalAvg']],
  ])('average-pools %s as PyTorch\'s quantized kernels', (file, wantFile, [op, ...opts]) => {
    const out = join(dir, `got_avg_${wantFile}`);
    const r = cli(['pool', op, join(dir, file), out, ...opts]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(out)).toEqual(readFileSync(join(dir, wantFile)));
  });

  it('rejects quantization flags for float32 files and for max pooling', () => {
    const a = cli(['pool', 'avg', join(dir, 'x.npy'), join(dir, 'never.npy'), '--kernel', '2', '--scale', '0.1', '--zero-point', '0']);
    expect(a.status).toBe(1);
    expect(a.stderr).toMatch(/--scale, --zero-point, --out-scale and --out-zero-point are for int8\/uint8 files, got float32/);
    const b = cli(['pool', 'max', join(dir, 'xi8.npy'), join(dir, 'never.npy'), '--kernel', '2', '--scale', '0.1']);
    expect(b.status).toBe(1);
    expect(b.stderr).toMatch(/--scale is only for avgPool2d of int8\/uint8 files/);
    const c = cli(['pool', 'avg', join(dir, 'xi8.npy'), join(dir, 'never.npy'), '--kernel', '2', '--scale', '0.1', '--zero-point', '300']);
    expect(c.status).toBe(1);
    expect(c.stderr).toMatch(/avgPool2d: zeroPoint must be an integer in \[-128, 127\], got 300/);
    expect(existsSync(join(dir, 'never.npy'))).toBe(false);
  });

  it.each([['i8.npy', /avgPool2d of int8 needs quantization parameters/], ['u8.npy', /avgPool2d of uint8 needs quantization/]])('rejects %s averages without --scale/--zero-point clearly', (file, message) => {
    const r = cli(['pool', 'avg', join(dir, file), join(dir, 'never.npy'), '--kernel', '2']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(existsSync(join(dir, 'never.npy'))).toBe(false);
  });
});

describe('simdpool CLI errors and help', () => {
  it('rejects a truncated file, a non-.npy file and bad options with exit status 1', () => {
    const d = mkdtempSync(join(tmpdir(), 'simdpool-cli-err-'));
    try {
      const good = join(d, 'ok.npy');
      // A valid file written by hand: shape (1, 1, 2, 2).
      const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 2, 2), }";
      const pad = ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
      const head = Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([1, 0]), Buffer.alloc(2)]);
      head.writeUInt16LE(header.length + pad.length, 8);
      const file = Buffer.concat([head, Buffer.from(header + pad, 'latin1'), Buffer.from(new Float32Array([1, 2, 3, 4]).buffer)]);
      writeFileSync(good, file);
      writeFileSync(join(d, 'short.npy'), file.subarray(0, file.length - 3));
      writeFileSync(join(d, 'text.npy'), 'hello');
      const ok = cli(['pool', 'max', good, join(d, 'out.npy'), '--kernel', '2']);
      expect(ok.status).toBe(0);
      expect(Array.from(load(join(d, 'out.npy')).data)).toEqual([4]);
      // Type codes NumPy reads as these dtypes too: '=' (native order) and a one-byte type with an order.
      for (const [descr, values] of [['=f4', new Float32Array([1, 2, 3, 4])], ['<i1', Int8Array.of(1, -2, 3, -4)], ['>u1', Uint8Array.of(1, 2, 3, 4)]] as const) {
        const h = header.replace("'<f4'", `'${descr}'`);
        const other = Buffer.concat([head, Buffer.from(h + pad, 'latin1'), Buffer.from(values.buffer)]);
        writeFileSync(join(d, 'descr.npy'), other);
        const r = cli(['pool', 'max', join(d, 'descr.npy'), join(d, 'descr-out.npy'), '--kernel', '2']);
        expect(r.stderr, descr).toBe('');
        // (one output value: the file's last byte for bytes, the float32 for float32)
        const got = values instanceof Float32Array ? load(join(d, 'descr-out.npy')).data[0] : readFileSync(join(d, 'descr-out.npy')).at(-1);
        expect(got, descr).toBe(Math.max(...values));
      }
      const cases: Array<[string[], RegExp]> = [
        [['pool', 'max', join(d, 'short.npy'), join(d, 'o.npy'), '--kernel', '2'], /truncated: shape \(1, 1, 2, 2\) of <f4 needs 16 bytes of data, the file has 13/],
        [['pool', 'max', join(d, 'text.npy'), join(d, 'o.npy'), '--kernel', '2'], /not a NumPy .npy file/],
        [['pool', 'max', join(d, 'missing.npy'), join(d, 'o.npy'), '--kernel', '2'], /cannot read .*missing.npy: ENOENT/],
        [['pool', 'max', good, join(d, 'o.npy')], /maxPool2d needs --kernel/],
        [['pool', 'max', good, join(d, 'o.npy'), '--kernel', 'x'], /--kernel must be an integer/],
        [['pool', 'max', good, join(d, 'o.npy'), '--kernel', '2', '--exclude-pad'], /--exclude-pad is only for avgPool2d/],
        [['pool', 'max', good, join(d, 'o.npy'), '--kernel', '3'], /output size is too small/],
        [['pool', 'median', good, join(d, 'o.npy')], /unknown operator "median"/],
        // Operators its flags cannot express (no output size, no norm, no 1D/3D layouts) are not offered.
        [['pool', 'lpPool2d', good, join(d, 'o.npy'), '--kernel', '2'], /unknown operator "lpPool2d"; one of maxPool2d, avgPool2d, globalMaxPool2d, globalAvgPool2d, toNHWC, toNCHW/],
        [['pool', 'adaptiveMaxPool2d', good, join(d, 'o.npy')], /unknown operator "adaptiveMaxPool2d"/],
        // Nothing written over an input, nor twice.
        [['pool', 'max', good, good, '--kernel', '2'], /ok\.npy would overwrite an input file/],
        [['pool', 'max', '--out-dir', d, good, '--kernel', '2'], /ok\.npy would overwrite an input file/],
        [['pool', 'max', good, join(d, 'o.npy'), '--kernel', '2', '--indices', join(d, 'o.npy')], /o\.npy would be written twice: the output of .*ok\.npy, then the indices of .*ok\.npy/],
        [['pool', 'max', good, '--kernel', '2'], /needs <in.npy> <out.npy>/],
        [['frobnicate'], /unknown command "frobnicate"/],
      ];
      for (const [args, message] of cases) {
        const r = cli(args);
        expect(r.status, args.join(' ')).toBe(1);
        expect(r.stderr).toMatch(message);
      }
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('--help documents every option; --version prints the version', () => {
    const help = cli(['--help']).stdout;
    for (const opt of ['--kernel', '--stride', '--padding', '--dilation', '--ceil', '--exclude-pad', '--divisor', '--indices', '--layout', '--out-dir', '--progress', '--quiet', 'bench']) {
      expect(help).toContain(opt);
    }
    expect(cli(['--version']).stdout.trim()).toBe(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
  });

  it('bench --quick runs', () => {
    const r = cli(['bench', '--quick']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/G 8x64x128x128 avg k2 s2 .* ms/);
  });
});
