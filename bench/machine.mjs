// Machine, runtime and package versions for the report.
import os from 'node:os';
import { readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));

function pkgVersion(dir) {
  const file = path.join(dir, 'package.json');
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')).version;
}

function git(args) {
  try {
    return execFileSync('git', args, { cwd: here, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function cpuFlags() {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const flags = (info.match(/^flags\s*:\s*(.*)$/m)?.[1] ?? '').split(/\s+/);
    return ['sse4_1', 'sse4_2', 'avx', 'avx2', 'avx512f', 'fma'].filter((f) => flags.includes(f));
  } catch {
    return [];
  }
}

export async function machineInfo() {
  const cpus = os.cpus();
  const nm = path.join(here, 'node_modules');
  const versions = {
    simdpool: pkgVersion(path.resolve(here, '..')),
    '@tensorflow/tfjs-core': pkgVersion(path.join(nm, '@tensorflow/tfjs-core')),
    '@tensorflow/tfjs-backend-wasm': pkgVersion(path.join(nm, '@tensorflow/tfjs-backend-wasm')),
    '@tensorflow/tfjs-backend-cpu': pkgVersion(path.join(nm, '@tensorflow/tfjs-backend-cpu')),
    'onnxruntime-web': pkgVersion(path.join(nm, 'onnxruntime-web')),
    'onnxruntime-node': pkgVersion(path.join(nm, 'onnxruntime-node')),
    assemblyscript: pkgVersion(path.resolve(here, '..', 'node_modules', 'assemblyscript')),
  };
  // uncommitted changes to the library sources or the bench code (not its results)
  const dirty = git(['status', '--porcelain', '--untracked-files=no', '--', '../src', '../assembly', '../scripts', '../asconfig.json', '.', ':!results.*']);
  return {
    date: new Date().toISOString(),
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cpuFlags: cpuFlags(),
    cores: cpus.length,
    memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
    commit: git(['rev-parse', '--short', 'HEAD']),
    dirty: dirty === null ? null : dirty.length > 0,
    versions,
  };
}
