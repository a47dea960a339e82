// Hand-written SVG bar chart: GB/s (log scale) per case, one bar per implementation.

const COLORS = {
  'simdpool-resident': '#1b5e20',
  simdpool: '#4caf50',
  memlimit: '#757575',
  'memlimit-own': '#9e9e9e',
  arithfloor: '#bdbdbd',
  'tfjs-wasm-resident': '#e65100',
  'tfjs-wasm': '#ffa726',
  'tfjs-cpu': '#ffe0b2',
  'ort-web': '#1565c0',
  'ort-node': '#90caf9',
  js: '#8e24aa',
};
const FALLBACK = ['#c62828', '#00838f', '#6d4c41', '#ad1457'];

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const tick = (v) => String(+v.toPrecision(2));
const fmt = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toPrecision(2));

export function renderSvg(report) {
  const impls = report.impls;
  const color = (id, i) => COLORS[id] ?? FALLBACK[i % FALLBACK.length];
  const values = [];
  for (const c of report.cases) for (const i of impls) {
    const r = c.results[i.id];
    if (r && Number.isFinite(r.gbps) && r.gbps > 0) values.push(r.gbps);
  }
  const lo = values.length ? 10 ** Math.floor(Math.log10(Math.min(...values))) : 0.01;
  const hi = values.length ? 10 ** Math.ceil(Math.log10(Math.max(...values) * 1.05)) : 100;

  const W = 1040;
  const left = 200;
  const right = 70;
  const plotW = W - left - right;
  const barH = 12;
  const barGap = 2;
  const groupGap = 18;
  const legendCols = 3;
  const legendRowH = 20;
  const legendRows = Math.ceil(impls.length / legendCols);
  const top = 56 + legendRows * legendRowH + 28;
  const groupH = impls.length * (barH + barGap) - barGap;
  const plotH = report.cases.length * (groupH + groupGap) - groupGap;
  const H = top + plotH + 52;
  const x = (v) => left + (plotW * (Math.log10(v) - Math.log10(lo))) / (Math.log10(hi) - Math.log10(lo));

  const o = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="12">`);
  o.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  o.push(`<text x="${W / 2}" y="26" text-anchor="middle" font-size="17" font-weight="600">simdpool vs peers: throughput per case (GB/s, higher is better, log scale)</text>`);
  const m = report.meta;
  o.push(`<text x="${W / 2}" y="44" text-anchor="middle" fill="#555">${esc(`${m.cpu}, 1 thread, Node ${m.node}, ${m.date.slice(0, 10)}; GB/s = (input + output bytes) / median time`)}</text>`);

  // legend
  impls.forEach((impl, i) => {
    const col = i % legendCols;
    const row = Math.floor(i / legendCols);
    const lx = 40 + col * ((W - 80) / legendCols);
    const ly = 62 + row * legendRowH;
    o.push(`<rect x="${lx}" y="${ly}" width="14" height="12" fill="${color(impl.id, i)}" stroke="#333" stroke-width="0.5"/>`);
    o.push(`<text x="${lx + 20}" y="${ly + 10}">${esc(impl.label)}</text>`);
  });

  // grid
  for (let e = Math.round(Math.log10(lo)); e <= Math.round(Math.log10(hi)); e++) {
    for (const mult of [1, 2, 5]) {
      const v = mult * 10 ** e;
      if (v < lo * 0.999 || v > hi * 1.001) continue;
      const gx = x(v).toFixed(1);
      o.push(`<line x1="${gx}" y1="${top - 6}" x2="${gx}" y2="${top + plotH + 4}" stroke="${mult === 1 ? '#bbb' : '#e6e6e6'}" stroke-width="1"/>`);
      if (mult === 1 || plotW / (Math.log10(hi) - Math.log10(lo)) > 160) {
        o.push(`<text x="${gx}" y="${top + plotH + 20}" text-anchor="middle" fill="#444">${tick(v)}</text>`);
      }
    }
  }
  o.push(`<text x="${left + plotW / 2}" y="${top + plotH + 40}" text-anchor="middle" fill="#333">GB/s (log scale)</text>`);

  // bars
  report.cases.forEach((c, ci) => {
    const gy = top + ci * (groupH + groupGap);
    const [dims, ...rest] = c.title.split(' ');
    o.push(`<text x="${left - 10}" y="${gy + groupH / 2 - 12}" text-anchor="end" font-weight="600" font-size="15">${esc(c.id)}</text>`);
    o.push(`<text x="${left - 10}" y="${gy + groupH / 2 + 4}" text-anchor="end" fill="#555" font-size="11">${esc(dims)}</text>`);
    o.push(`<text x="${left - 10}" y="${gy + groupH / 2 + 18}" text-anchor="end" fill="#555" font-size="11">${esc(rest.join(' '))}</text>`);
    if (ci > 0) o.push(`<line x1="20" y1="${gy - groupGap / 2}" x2="${W - 20}" y2="${gy - groupGap / 2}" stroke="#eee"/>`);
    impls.forEach((impl, i) => {
      const r = c.results[impl.id];
      const by = gy + i * (barH + barGap);
      if (!r || !Number.isFinite(r.gbps)) {
        const why = !r ? 'not run' : r.skip ? 'not supported' : r.error ? 'error' : 'n/a';
        o.push(`<text x="${left + 4}" y="${by + barH - 2}" fill="#999" font-size="10">${esc(`${impl.id}: ${why}`)}</text>`);
        return;
      }
      const x1 = x(Math.max(r.gbps, lo));
      const bad = r.check?.status === 'MISMATCH';
      o.push(`<rect x="${left}" y="${by}" width="${Math.max(1, x1 - left).toFixed(1)}" height="${barH}" fill="${color(impl.id, i)}"${bad ? ' stroke="#d50000" stroke-width="1.5"' : ''}><title>${esc(`${c.id} ${impl.label}: ${fmt(r.gbps)} GB/s, median ${(r.medianMs * 1000).toFixed(1)} µs${bad ? ' — OUTPUT MISMATCH' : ''}`)}</title></rect>`);
      o.push(`<text x="${(x1 + 4).toFixed(1)}" y="${by + barH - 2}" font-size="10" fill="${bad ? '#d50000' : '#222'}">${fmt(r.gbps)}${bad ? ' ✗ mismatch' : ''}</text>`);
    });
  });
  o.push('</svg>');
  return o.join('\n') + '\n';
}
