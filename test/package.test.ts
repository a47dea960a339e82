// The package entry as users get it: plain Node imports `simdpool` by name after `npm ci`,
// and the entry has no top-level Node-only imports (the same init() must work in browsers).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

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
