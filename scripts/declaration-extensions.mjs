// The type declarations tsc emits keep the sources' extensionless relative imports
// (`from './engine'`). TypeScript projects resolving like Node (`moduleResolution` node16 or
// nodenext) reject those in an ES module package: every import is an error, or, with
// `skipLibCheck`, silently `any`. This names each one's file as Node would (`./engine.js`,
// `./parallel/index.js`), which every resolution mode accepts.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** `from '…'`, `import('…')` and `import '…'` with a relative specifier. */
const RELATIVE = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.\.?\/[^'"]*)\2/g;

/** Rewrites every .d.ts under `dir`; an import that names no emitted declaration is an error. */
export function addDeclarationExtensions(dir) {
  for (const entry of readdirSync(dir, { recursive: true })) {
    if (!entry.endsWith('.d.ts')) continue;
    const file = path.join(dir, entry);
    const text = readFileSync(file, 'utf8');
    const fixed = text.replace(RELATIVE, (_, lead, quote, spec) => `${lead}${quote}${jsPath(file, spec)}${quote}`);
    if (fixed !== text) writeFileSync(file, fixed);
  }
}

function jsPath(file, spec) {
  if (spec.endsWith('.js')) return spec;
  const base = path.resolve(path.dirname(file), spec);
  if (existsSync(`${base}.d.ts`)) return `${spec}.js`;
  if (existsSync(path.join(base, 'index.d.ts'))) return `${spec}/index.js`;
  throw new Error(`${file}: import '${spec}' names no declaration file`);
}
