const { init } = await import('/work/main/dist/node/index.js'); const sp = await init();
const x = { data: new Float32Array(2 * 3 * 5).fill(1), shape: [2, 3, 5] };
const tries = [
  ['maxPool1d', { kernelSize: 2 ** 40, padding: 2 ** 39, stride: 1 }],
  ['maxPool1d', { kernelSize: 2 ** 53, padding: 2 ** 52, stride: 1 }],
  ['maxPool1d', { kernelSize: 3, padding: { left: 2 ** 40, right: 0 }, stride: 1 }],
  ['maxPool1d', { kernelSize: 3, padding: { left: 1e9, right: 1e9 }, stride: 2 ** 31 }],
  ['avgPool1d', { kernelSize: 2 ** 31, padding: 2 ** 30, stride: 2 ** 31, countIncludePad: true }],
  ['avgPool1d', { kernelSize: 5, divisorOverride: 2 ** 53 }],
  ['avgPool1d', { kernelSize: 5, divisorOverride: 1e300 }],
  ['maxPool1d', { kernelSize: 2, dilation: 2 ** 40, padding: 1 }],
  ['maxPool1d', { kernelSize: 2, dilation: 2 ** 31, padding: 1, returnIndices: true }],
  ['adaptiveAvgPool1d', { outputSize: 1e9 }],
  ['adaptiveMaxPool1d', { outputSize: 2 ** 31, returnIndices: true }],
  ['adaptiveMaxPool1d', { outputSize: 1e6, returnIndices: true }],
  ['lpPool1d', { kernelSize: 2 ** 40, ceilMode: true, normType: 2 }],
  ['maxPool1d', { kernelSize: 3, stride: 1, padding: 1, unknownOpt: 1 }],
  ['maxPool1d', { kernelSize: 3, stride: 1, padding: 1, dilation: 2, returnIndices: true, indexFormat: 'tf', includeBatchInIndex: true }],
];
for (const [op, o] of tries) {
  const t0 = Date.now();
  try { const r = sp[op](x, o); const out = r.output ?? r; console.log(op, JSON.stringify(o), '->', out.shape, Array.from(out.data.slice(0, 4)), r.indices ? Array.from(r.indices.data.slice(0, 4)) : '', Date.now() - t0, 'ms'); }
  catch (e) { console.log(op, JSON.stringify(o), 'threw', e.constructor.name, e.message.slice(0, 120), Date.now() - t0, 'ms'); }
}
