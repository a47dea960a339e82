// The simdpool command: pool NumPy .npy files (to check results against PyTorch), and a quick
// benchmark. Built to dist/cli.js (package.json "bin").
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { init, OPERATORS, type Engine } from '../index';
import { NpyError, formatNpy, parseNpy } from './npy';
import { product } from '../shape';

declare const SIMDPOOL_VERSION: string;

const HELP = `simdpool — PyTorch-exact pooling on WebAssembly SIMD

Usage:
  simdpool pool <op> <in.npy> <out.npy> [options]
  simdpool pool <op> --out-dir <dir> <in.npy>... [options]
  simdpool bench [--quick]
  simdpool --help | --version

Operators (<op>): maxPool2d (or max), avgPool2d (or avg), globalMaxPool2d, globalAvgPool2d,
toNHWC, toNCHW. Input: a float32 .npy array in C order, shape (N, C, H, W) or (C, H, W)
(or channels-last with --layout NHWC). Output: a float32 .npy array; with --indices, an int32
.npy of PyTorch's max indices too.

Window options (maxPool2d / avgPool2d; PyTorch's names in parentheses):
  --kernel K | KH,KW        window size (kernel_size), required
  --stride S | SH,SW        step (stride); default: the kernel size
  --padding P | PH,PW | same | valid
                            zero padding per side (padding), or TensorFlow's modes
  --dilation D | DH,DW      maxPool2d: spacing of window taps (dilation)
  --ceil                    round output sizes up (ceil_mode=True)
  --exclude-pad             avgPool2d: do not count padding in the divisor (count_include_pad=False)
  --divisor N               avgPool2d: divide every window by N (divisor_override)
  --indices <file.npy>      maxPool2d: also write the indices (return_indices=True); with
                            --out-dir, written as <name>.indices.npy there instead (no value)
Other options:
  --layout NCHW|NHWC        layout of the input (default NCHW; the output keeps it)
  --out-dir <dir>           pool every input file into <dir>/<same name>
  --progress | --no-progress
                            progress on stderr: by default on when stderr is a terminal, for
                            several files or for a tensor of more than 16M elements (pooled a
                            few samples at a time, with identical results)
  -q, --quiet               no messages but errors
  -h, --help                this help
  -v, --version             the version

Quantized inputs (int8 / uint8 .npy): pooled natively (sixteen lanes per SIMD vector), the
result written in the input's dtype. Max-style operators need nothing more (exact).
avgPool2d rounds as PyTorch's quantized avg_pool2d and needs the quantization parameters a
.npy file does not carry:
  --scale S --zero-point Z  the input's q_scale and q_zero_point
  --out-scale S --out-zero-point Z
                            requantize the result (default: the input's)
globalAvgPool2d of int8/uint8 needs none (PyTorch's quantized adaptive_avg_pool2d: the
result keeps the input's scale and zero point). toNHWC/toNCHW take float32 only.

Errors (a bad file, dtype, shape or option) exit with status 1 and one line on stderr.
Other dtypes, Fortran order and truncated files are rejected with a clear message.

Example (compare with torch.nn.functional.max_pool2d(x, 3, 2, 1)):
  simdpool pool max x.npy y.npy --kernel 3 --stride 2 --padding 1
`;

const CLI_OPERATORS = ['maxPool2d', 'avgPool2d', 'globalMaxPool2d', 'globalAvgPool2d', 'toNHWC', 'toNCHW'];
const ALIASES: Record<string, string> = { max: 'maxPool2d', avg: 'avgPool2d', globalMax: 'globalMaxPool2d', globalAvg: 'globalAvgPool2d' };
const VALUE_FLAGS = new Set([
  '--kernel', '--stride', '--padding', '--dilation', '--divisor', '--indices', '--layout', '--out-dir',
  '--scale', '--zero-point', '--out-scale', '--out-zero-point',
]);
/** Quantization flags (avgPool2d of int8/uint8) and the option each sets. */
const QUANT_FLAGS: Record<string, string> = { '--scale': 'scale', '--zero-point': 'zeroPoint', '--out-scale': 'outScale', '--out-zero-point': 'outZeroPoint' };
const BOOL_FLAGS = new Set(['--ceil', '--exclude-pad', '--progress', '--no-progress', '--quiet', '-q', '--quick']);
/** Above this many elements, a tensor is pooled a few samples at a time, with progress. */
const CHUNK_ELEMENTS = Number(process.env.SIMDPOOL_CLI_CHUNK_ELEMENTS) || 16 << 20; // env: for tests

class UsageError extends Error {}

interface Parsed {
  positional: string[];
  flags: Map<string, string | true>;
}

function parseArgs(args: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  // With --out-dir, --indices takes no value (<name>.indices.npy in the directory): reading the
  // next argument as its value would silently drop an input file.
  const outDir = args.some((a) => a === '--out-dir' || a.startsWith('--out-dir='));
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if (outDir && name === '--indices') {
      if (a !== name) throw new UsageError(`with --out-dir, --indices takes no value (indices go to <dir>/<name>.indices.npy), got ${JSON.stringify(a)}`);
      flags.set(name, true);
    } else if (VALUE_FLAGS.has(name)) {
      const value = eq > 0 && a.startsWith('--') ? a.slice(eq + 1) : args[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      flags.set(name, value);
    } else if (BOOL_FLAGS.has(a)) flags.set(a === '-q' ? '--quiet' : a, true);
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a} (see simdpool --help)`);
    else positional.push(a);
  }
  return { positional, flags };
}

function sizeOption(flags: Parsed['flags'], name: string): number | number[] | undefined {
  const v = flags.get(name);
  if (v === undefined) return undefined;
  const parts = String(v).split(/[,x]/);
  if (parts.some((p) => !/^\d+$/.test(p.trim()))) throw new UsageError(`${name} must be an integer or two separated by a comma, got ${JSON.stringify(v)}`);
  const nums = parts.map(Number);
  return nums.length === 1 ? nums[0] : nums;
}

function poolOptions(op: string, flags: Parsed['flags']): Record<string, unknown> | undefined {
  const kind = OPERATORS[op as keyof typeof OPERATORS].kind;
  const windowFlags = ['--kernel', '--stride', '--padding', '--dilation', '--ceil', '--exclude-pad', '--divisor', '--indices'];
  if (kind !== 'pool') {
    const given = [...windowFlags, ...Object.keys(QUANT_FLAGS)].filter((f) => flags.has(f));
    if (given.length) throw new UsageError(`${op} takes no window options (got ${given.join(', ')})`);
    return undefined;
  }
  const opts: Record<string, unknown> = {};
  const kernel = sizeOption(flags, '--kernel');
  if (kernel === undefined) throw new UsageError(`${op} needs --kernel`);
  opts.kernelSize = kernel;
  const stride = sizeOption(flags, '--stride');
  if (stride !== undefined) opts.stride = stride;
  const padding = flags.get('--padding');
  if (padding !== undefined) opts.padding = padding === 'same' || padding === 'valid' ? padding : sizeOption(flags, '--padding');
  if (flags.has('--ceil')) opts.ceilMode = true;
  const isMax = op === 'maxPool2d';
  const only = (flag: string, which: string) => {
    if (flags.has(flag)) throw new UsageError(`${flag} is only for ${which}`);
  };
  if (isMax) {
    only('--exclude-pad', 'avgPool2d');
    only('--divisor', 'avgPool2d');
    for (const f of Object.keys(QUANT_FLAGS)) only(f, 'avgPool2d of int8/uint8 files');
    const dilation = sizeOption(flags, '--dilation');
    if (dilation !== undefined) opts.dilation = dilation;
    if (flags.has('--indices')) opts.returnIndices = true;
  } else {
    only('--dilation', 'maxPool2d');
    only('--indices', 'maxPool2d');
    if (flags.has('--exclude-pad')) opts.countIncludePad = false;
    const divisor = flags.get('--divisor');
    if (divisor !== undefined) {
      const n = Number(divisor);
      if (!Number.isInteger(n) || n === 0) throw new UsageError(`--divisor must be a non-zero integer, got ${JSON.stringify(divisor)}`);
      opts.divisorOverride = n;
    }
    for (const [flag, option] of Object.entries(QUANT_FLAGS)) {
      const v = flags.get(flag);
      if (v === undefined) continue;
      const n = Number(v);
      if (String(v).trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} must be a number, got ${JSON.stringify(v)}`);
      opts[option] = n; // the engine checks the range (RangeError naming the option)
    }
  }
  return opts;
}

interface Progress {
  update(text: string): void;
  done(): void;
}

function progressBar(enabled: boolean): Progress {
  if (!enabled) return { update() {}, done() {} };
  const tty = process.stderr.isTTY;
  let last = 0;
  let shown = false;
  return {
    update(text) {
      const now = Date.now();
      if (tty) {
        if (now - last < 100) return;
        process.stderr.write(`\r\x1b[K${text}`);
      } else process.stderr.write(`${text}\n`);
      last = now;
      shown = true;
    },
    done() {
      if (tty && shown) process.stderr.write('\r\x1b[K');
    },
  };
}

type Values = Float32Array | Int8Array | Uint8Array;
type Pooled = { data: Values; shape: number[]; indices?: Int32Array };

/** Pool one array, a few samples at a time when it is large (results are per sample). */
function poolArray(sp: Engine, op: string, x: { data: Values; shape: number[]; layout: string }, opts: Record<string, unknown> | undefined, progress: Progress, label: string): Pooled {
  const call = (t: typeof x): Pooled => {
    const r = (sp as unknown as Record<string, (a: unknown, o?: unknown) => any>)[op](t, opts);
    return 'output' in r ? { data: r.output.data, shape: r.output.shape, indices: r.indices.data } : { data: r.data, shape: r.shape };
  };
  const batched = x.shape.length === 4;
  const n = batched ? x.shape[0] : 1;
  if (!batched || x.data.length <= CHUNK_ELEMENTS || n < 2) return call(x);
  const per = x.data.length / n;
  const step = Math.max(1, Math.floor(CHUNK_ELEMENTS / per));
  const parts: Pooled[] = [];
  for (let b = 0; b < n; b += step) {
    const m = Math.min(step, n - b);
    progress.update(`${label}: samples ${b}/${n}`);
    parts.push(call({ data: x.data.subarray(b * per, (b + m) * per), shape: [m, ...x.shape.slice(1)], layout: x.layout }));
  }
  const outPer = parts[0].data.length / parts[0].shape[0];
  const data = new (parts[0].data.constructor as Float32ArrayConstructor)(outPer * n);
  const indices = parts[0].indices ? new Int32Array(outPer * n) : undefined;
  let at = 0;
  for (const p of parts) {
    data.set(p.data, at);
    indices?.set(p.indices!, at);
    at += p.data.length;
  }
  return { data, shape: [n, ...parts[0].shape.slice(1)], indices };
}

/** An input array: float32, or int8/uint8 (pooled natively, results in the same dtype). */
function readInput(path: string, op: string, opts: Record<string, unknown> | undefined): { data: Values; shape: number[] } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // (Node reads a file into one buffer of at most 2 GiB)
    if (code === 'ERR_FS_FILE_TOO_LARGE') throw new UsageError(`cannot read ${path}: files over 2 GiB are not supported`);
    throw new UsageError(`cannot read ${path}: ${code ?? (e as Error).message}`);
  }
  const a = parseNpy(bytes, path);
  if (a.dtype === 'int8' || a.dtype === 'uint8') {
    if (op === 'avgPool2d' && (opts?.scale === undefined || opts?.zeroPoint === undefined)) {
      throw new NpyError(
        `${path}: avgPool2d of ${a.dtype} needs quantization parameters a .npy file does not carry: ` +
          `give --scale and --zero-point (PyTorch's q_scale and q_zero_point), or convert with x.astype(np.float32)`,
      );
    }
    if (OPERATORS[op as keyof typeof OPERATORS].kind === 'layout') throw new NpyError(`${path}: ${op} takes float32 only, got ${a.dtype}`);
    return { data: a.data as Int8Array | Uint8Array, shape: a.shape };
  }
  if (opts && Object.values(QUANT_FLAGS).some((o) => opts[o] !== undefined)) {
    throw new UsageError(`${path}: --scale, --zero-point, --out-scale and --out-zero-point are for int8/uint8 files, got ${a.dtype}`);
  }
  if (a.dtype !== 'float32') throw new NpyError(`${path}: dtype ${a.dtype} is not supported; use float32 (x.astype(np.float32))`);
  return { data: a.data as Float32Array, shape: a.shape };
}

/**
 * mkdir -p, with a clear error. (Not mkdirSync's recursive option: it loops forever where a
 * parent exists but refuses children with ENOENT, as under /proc.)
 */
function makeDir(dir: string): void {
  const fail = (e: unknown): never => {
    throw new UsageError(`cannot create --out-dir ${JSON.stringify(dir)}: ${typeof e === 'string' ? e : (e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  };
  const make = (d: string, parentMade: boolean): void => {
    try {
      mkdirSync(d);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        if (!statSync(d, { throwIfNoEntry: false })?.isDirectory()) fail(`${JSON.stringify(d)} exists and is not a directory`);
        return;
      }
      if (code !== 'ENOENT' || parentMade || dirname(d) === d) fail(e);
      make(dirname(d), false);
      make(d, true);
    }
  };
  if (dir === '') fail('empty path');
  make(dir, false);
}

function write(path: string, array: { data: Values | Int32Array; shape: readonly number[] }): void {
  try {
    writeFileSync(path, formatNpy(array));
  } catch (e) {
    throw new UsageError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/**
 * Before anything is written: no file is written twice (two inputs of one name into --out-dir,
 * --indices naming the output) and no input is overwritten (--out-dir . , or an input named like
 * another's indices file).
 */
function checkOutputs(jobs: ReadonlyArray<{ input: string; output: string; indices?: string }>): void {
  const inputs = new Set(jobs.map((j) => resolve(j.input)));
  const written = new Map<string, string>();
  for (const job of jobs) {
    for (const [path, kind] of job.indices ? [[job.output, 'output'], [job.indices, 'indices']] : [[job.output, 'output']]) {
      const full = resolve(path);
      if (inputs.has(full)) throw new UsageError(`${path} would overwrite an input file`);
      const what = `the ${kind} of ${job.input}`;
      const other = written.get(full);
      if (other !== undefined) throw new UsageError(`${path} would be written twice: ${other}, then ${what}`);
      written.set(full, what);
    }
  }
}

async function poolCommand(args: string[]): Promise<void> {
  const { positional, flags } = parseArgs(args);
  const [opName, ...files] = positional;
  if (!opName) throw new UsageError('pool needs an operator and files (see simdpool --help)');
  const op = ALIASES[opName] ?? opName;
  // The operators its flags can express, in 2D: not 1D or 3D (--layout is NCHW or NHWC), adaptive
  // pooling (no output size flag), unpooling and backward passes (several tensors) or Lp pooling.
  if (!CLI_OPERATORS.includes(op)) {
    throw new UsageError(`unknown operator ${JSON.stringify(opName)}; one of ${CLI_OPERATORS.join(', ')} (or max, avg, globalMax, globalAvg)`);
  }
  const opts = poolOptions(op, flags);
  const layout = String(flags.get('--layout') ?? 'NCHW');
  if (layout !== 'NCHW' && layout !== 'NHWC') throw new UsageError(`--layout must be NCHW or NHWC, got ${JSON.stringify(layout)}`);
  const outDir = flags.get('--out-dir') as string | undefined;
  let jobs: Array<{ input: string; output: string; indices?: string }>;
  if (outDir !== undefined) {
    if (files.length === 0) throw new UsageError('--out-dir needs at least one input file');
    makeDir(outDir);
    jobs = files.map((f) => ({
      input: f,
      output: join(outDir, basename(f)),
      indices: opts?.returnIndices ? join(outDir, basename(f).replace(/\.npy$/i, '') + '.indices.npy') : undefined,
    }));
  } else {
    if (files.length !== 2) throw new UsageError(`pool ${opName} needs <in.npy> <out.npy> (or --out-dir <dir> with inputs), got ${files.length} file(s)`);
    jobs = [{ input: files[0], output: files[1], indices: flags.get('--indices') as string | undefined }];
  }
  checkOutputs(jobs);
  const quiet = flags.has('--quiet');
  const showProgress = !quiet && !flags.has('--no-progress') && (flags.has('--progress') || process.stderr.isTTY === true);
  const progress = progressBar(showProgress);
  const sp = await init();
  const t0 = performance.now();
  let failures = 0;
  for (const [k, job] of jobs.entries()) {
    const label = jobs.length > 1 ? `[${k + 1}/${jobs.length}] ${job.input}` : job.input;
    progress.update(label);
    try {
      const x = readInput(job.input, op, opts);
      const r = poolArray(sp, op, { ...x, layout }, opts, progress, label);
      write(job.output, r);
      if (job.indices && r.indices) write(job.indices, { data: r.indices, shape: r.shape });
    } catch (e) {
      if (jobs.length === 1) throw e;
      failures++;
      progress.done();
      process.stderr.write(`simdpool: ${(e as Error).message}\n`);
    }
  }
  progress.done();
  if (!quiet && jobs.length > 1) {
    process.stderr.write(`simdpool: ${jobs.length - failures}/${jobs.length} files pooled in ${((performance.now() - t0) / 1000).toFixed(2)} s\n`);
  }
  if (failures > 0) process.exitCode = 1;
}

async function benchCommand(args: string[]): Promise<void> {
  const { flags } = parseArgs(args);
  const quick = flags.has('--quick');
  const sp = await init();
  const cases = [
    { name: 'B 1x64x112x112 max k3 s2 p1', shape: [1, 64, 112, 112], op: 'maxPool2d', opts: { kernelSize: 3, stride: 2, padding: 1 } },
    { name: 'D 16x32x32x32 max k2 s2', shape: [16, 32, 32, 32], op: 'maxPool2d', opts: { kernelSize: 2, stride: 2 } },
    { name: 'G 8x64x128x128 max k2 s2', shape: [8, 64, 128, 128], op: 'maxPool2d', opts: { kernelSize: 2, stride: 2 } },
    { name: 'G 8x64x128x128 avg k2 s2', shape: [8, 64, 128, 128], op: 'avgPool2d', opts: { kernelSize: 2, stride: 2 } },
  ];
  process.stdout.write(`simdpool ${SIMDPOOL_VERSION} quick benchmark (resident tensors, one thread, median of ${quick ? 5 : 20})\n`);
  for (const c of cases) {
    const n = product(c.shape);
    const x = sp.fromArray(Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37)), c.shape);
    const f = (sp as unknown as Record<string, (a: unknown, o?: unknown) => any>)[c.op].bind(sp);
    const out = f(x, c.opts);
    const times: number[] = [];
    for (let i = 0; i < (quick ? 5 : 20); i++) {
      const t = performance.now();
      f(x, { ...c.opts, out });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const ms = times[times.length >> 1];
    process.stdout.write(`  ${c.name.padEnd(30)} ${ms.toFixed(3).padStart(8)} ms  ${((n * 4) / (ms * 1e6)).toFixed(2).padStart(6)} GB/s read\n`);
    out.dispose();
    x.dispose();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '-h' || command === '--help' || command === 'help' || rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(HELP);
      return command === undefined ? 1 : 0;
    }
    if (command === '-v' || command === '--version') {
      process.stdout.write(`${SIMDPOOL_VERSION}\n`);
      return 0;
    }
    if (command === 'pool') await poolCommand(rest);
    else if (command === 'bench') await benchCommand(rest);
    else throw new UsageError(`unknown command ${JSON.stringify(command)} (commands: pool, bench; see simdpool --help)`);
    return (process.exitCode as number | undefined) ?? 0;
  } catch (e) {
    const known = e instanceof UsageError || e instanceof NpyError || e instanceof TypeError || e instanceof RangeError;
    process.stderr.write(`simdpool: ${known ? (e as Error).message : (e as Error).stack ?? e}\n`);
    return known ? 1 : 2;
  }
}

// Output piped into a reader that stops early (`simdpool bench | head -1`): end quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(process.exitCode ?? 0);
});
process.exitCode = await main(process.argv.slice(2));
