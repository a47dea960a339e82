// The package as npm installs it: `npm pack` (what `files` ships; the build is already in dist/),
// then `npm install` of the tarball into a fresh project outside the repository (offline: the
// package has no dependencies).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Packs the repository into `dir` and installs the tarball in the project `dir/app`; returns the app's path. */
export function installPacked(dir: string): string {
  const npm = (args: string[], cwd: string) => execFileSync('npm', [...args, '--silent'], { cwd, encoding: 'utf8' });
  const tgz = npm(['pack', '--ignore-scripts', '--pack-destination', dir], ROOT).trim().split('\n').pop()!;
  const app = path.join(dir, 'app');
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  npm(['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', path.join(dir, tgz)], app);
  return app;
}
