// The package entry as users get it: plain Node imports `simdpool` by name after `npm ci`,
// and the entry has no top-level Node-only imports (the same init() must work in browsers);
// and the packed tarball in a fresh project: Node ESM and CommonJS, the bin, TypeScript.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installPacked } from './support/pack';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('package entry', () => {
  it('plain Node imports simdpool by name and pools the seed example', () => {
    const script = `
      import { init } from 'simdpool';
      const sp = await init();
      const x = { data: Float32Array.from({ length: 784 }, (_, i) => i), shape: [1, 1, 28, 28] };
      const y = sp.maxPool2d(x, { kernelSize: 2, stride: 2 });
      console.log(JSON.stringify({ shape: y.shape, first: y.data[0], last: y.data[195] }));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ shape: [1, 1, 14, 14], first: 29, last: 783 });
  });

  it('plain Node imports simdpool/core by name', () => {
    const script = `
      import { init } from 'simdpool/core';
      const sp = await init();
      const y = sp.maxPool2d({ data: Float32Array.from({ length: 784 }, (_, i) => i), shape: [1, 1, 28, 28] }, { kernelSize: 2 });
      console.log(JSON.stringify({ shape: y.shape, last: y.data[195], lp: typeof sp.lpPool2d }));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ shape: [1, 1, 14, 14], last: 783, lp: 'undefined' });
  });

  it('has no Node-only imports and ships its types', () => {
    const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));
    expect(pkg.name).toBe('simdpool');
    for (const name of ['index', 'core']) {
      const entry = readFileSync(`${root}/dist/${name}.js`, 'utf8');
      expect(entry).not.toMatch(/from\s*["']node:|require\(/);
      const types = readFileSync(`${root}/dist/${name}.d.ts`, 'utf8');
      expect(types).toMatch(/export declare function init/);
    }
  });
});

// The packed tarball in a fresh project outside the repository, as a user installs it.
describe('the packed package in a fresh project', () => {
  let work: string;
  let app: string;
  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'simdpool-consumer-'));
    app = installPacked(work);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: app, encoding: 'utf8' });

  it('Node ESM imports every Node entry by name; simdpool/url reads its .wasm files (Node 20.16+: fetch has no file: URLs)', () => {
    const script = `
      const x = { data: Float32Array.from({ length: 16 }, (_, i) => i), shape: [1, 1, 4, 4] };
      const results = {};
      for (const entry of ['simdpool', 'simdpool/core']) {
        const sp = await (await import(entry)).init();
        results[entry] = [...sp.maxPool2d(x, { kernelSize: 2 }).data];
      }
      const sp = await (await import('simdpool/parallel')).initParallel({ threads: 1, inlineBelow: 0 });
      results['simdpool/parallel'] = [...(await sp.maxPool2d(x, { kernelSize: 2 })).data];
      await sp.close();
      results['simdpool/url'] = await (await import('simdpool/url')).init().then((sp) => [...sp.maxPool2d(x, { kernelSize: 2 }).data], (e) => e.name);
      console.log(JSON.stringify(results));
    `;
    // (before 20.16 Node has no process.getBuiltinModule, and simdpool/url falls back to fetch)
    const readsFiles = typeof (process as { getBuiltinModule?: unknown }).getBuiltinModule === 'function';
    expect(JSON.parse(node(['--input-type=module', '-e', script]))).toEqual({
      simdpool: [5, 7, 13, 15], 'simdpool/core': [5, 7, 13, 15], 'simdpool/parallel': [5, 7, 13, 15],
      'simdpool/url': readsFiles ? [5, 7, 13, 15] : 'TypeError',
    });
  });

  it('CommonJS: require() where Node loads ES modules with it (20.19+), else a clear ERR_REQUIRE_ESM', () => {
    const script = `
      try { const { init } = require('simdpool'); init().then((sp) => console.log(sp.maxPool2d({ data: new Float32Array([1, 2, 3, 4]), shape: [1, 1, 2, 2] }, { kernelSize: 2 }).data[0])); }
      catch (e) { console.log(e.code); }
    `;
    const canRequireEsm = (process.features as { require_module?: boolean }).require_module === true;
    expect(node(['--input-type=commonjs', '--no-warnings', '-e', script]).trim()).toBe(canRequireEsm ? '4' : 'ERR_REQUIRE_ESM');
  });

  it('the bin: npx simdpool --version', () => {
    const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
    expect(execFileSync('npx', ['--no-install', 'simdpool', '--version'], { cwd: app, encoding: 'utf8' }).trim()).toBe(version);
  });

  // test/consumer/typed-calls.ts: the docs' calls with their types, and errors the types must catch.
  // (Node-only projects have no DOM lib, so no WebAssembly namespace: @types/node declares none.)
  it.each([
    ['node16', 'node16', 'dom'], ['nodenext', 'nodenext', 'dom'], ['bundler', 'esnext', 'dom'], ['node16', 'node16', '@types/node'],
  ])('TypeScript (strict, moduleResolution %s, module %s, types from %s) type-checks the documented calls', (moduleResolution, module, lib) => {
    copyFileSync(path.join(root, 'test/consumer/typed-calls.ts'), path.join(app, 'typed-calls.ts'));
    const libs = lib === 'dom' ? { lib: ['es2022', 'dom'], types: [] } : { lib: ['es2023'], types: ['node'], typeRoots: [path.join(root, 'node_modules/@types')] };
    writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, module, moduleResolution, target: 'es2022', ...libs, noEmit: true, skipLibCheck: false },
      files: ['typed-calls.ts'],
    }));
    const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
    // (A failed run shows tsc's diagnostics, or its error output when it printed none.)
    let out = '';
    try {
      node([tsc, '-p', 'tsconfig.json']);
    } catch (e) {
      const { stdout, stderr, status } = e as { stdout?: string; stderr?: string; status?: number };
      out = String(stdout || stderr || `tsc exited with status ${status}`);
    }
    expect(out).toBe('');
  });
});
