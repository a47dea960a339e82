// Eager compilation of the functions every first call runs, for the Node bundle.
// V8 compiles a function lazily: the script's compile only pre-parses it, and its first call
// parses it again and generates its bytecode. init() and a first simdpool call run about 50
// top-level functions (init() itself, the loader, option validation, sizes, the window plan)
// and as many methods and callbacks, and compiling them one by one was most of their time. A function expression in parentheses, `(function f() {})`,
// is V8's hint to compile it with the script instead (once, no pre-parse), so these functions
// cost at import what they cost at the first call before, minus the pre-parse.
// scripts/startup-functions.json names them (scripts/trace-startup.mjs writes it).
import { readFileSync } from 'node:fs';

/** The names from scripts/startup-functions.json. */
export function startupFunctions() {
  return JSON.parse(readFileSync(new URL('./startup-functions.json', import.meta.url), 'utf8')).functions;
}

/**
 * `code`: an unminified esbuild bundle (top-level declarations start at column 0 and end with a
 * `}` line). Each named top-level function declaration moves to the top of the bundle as
 * `var f = (function f(...) {...});`: where a declaration is hoisted anyway, so code above its
 * old place (an object literal naming it, say) still sees it. A name that is not a top-level
 * function declaration is an error: a renamed function must not silently lose its hint.
 */
export function compileEagerly(code, names) {
  const lines = code.split('\n');
  const hoisted = [];
  for (const name of names) {
    const start = lines.findIndex((l) => l.startsWith(`function ${name}(`) || l.startsWith(`async function ${name}(`));
    if (start < 0) throw new Error(`compile hints: no top-level function ${name} in the bundle (scripts/startup-functions.json)`);
    const end = lines[start].endsWith('}') ? start : lines.indexOf('}', start);
    const body = lines.splice(start, end - start + 1).join('\n');
    hoisted.push(`var ${name} = (${body});`);
  }
  return [...hoisted, ...lines].join('\n');
}
