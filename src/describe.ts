// Short, readable renderings of user values for error messages ("got -1", "got Array(4)").

/**
 * "a Float32Array", "an Int8Array", "a Uint8Array", "an Unknown": a class name with its article
 * (a U as in "URL" or "Unit", an "Un-" as in "Unknown").
 */
export const withArticle = (name: string) => (/^([AEIO]|Un[^i])/.test(name) ? 'an ' : 'a ') + name;

/** "A", "A or B", "A, B or C". */
export const orList = (words: readonly string[]) => words.slice(0, -1).join(', ') + (words.length > 1 ? ' or ' : '') + words.at(-1);

export function describe(value: unknown, depth = 0): string {
  if (value == null || typeof value === 'boolean' || typeof value === 'symbol') return String(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  // (a long one cut: a data: URL given as a string would make a message of its whole module)
  if (typeof value === 'string') return JSON.stringify(value.length > 99 ? `${value.slice(0, 80)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) {
    // (nested arrays only a few levels deep: a deeply nested value would overflow the stack)
    return value.length <= 8 && depth < 4 ? `[${value.map((v) => describe(v, depth + 1)).join(', ')}]` : `Array(${value.length})`;
  }
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as { length?: number }).length ?? value.byteLength})`;
  const name = (value as object).constructor?.name;
  if (name && name !== 'Object') return withArticle(name);
  try {
    const json = JSON.stringify(value);
    return json.length <= 80 ? json : 'an object';
  } catch {
    return 'an object';
  }
}
