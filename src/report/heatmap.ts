// A 2-D histogram (heatmap) as SVG: counts of (x, y) points on nice bins over each axis' robust range (far
// outliers counted, not drawn), a single-hue sequential colour scale (light to dark blue, readable with
// colour-vision deficiencies and in greyscale) and a colour bar.
import { esc, fmt, int } from './format.js';
import { niceAxis, robustRange, toPixels } from './scale.js';
import { el, frame, PALETTE, svgDoc, text, xAxis, yAxis } from './svg.js';

const LIGHT = [222, 235, 247];
const DARK = [8, 48, 107];

/** Colour for a share t in [0, 1] between light and dark blue. */
function shade(t: number): string {
  const c = LIGHT.map((l, i) => Math.round(l + (DARK[i]! - l) * t));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

export interface HeatmapOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Paired coordinates; pairs with a non-finite coordinate are skipped (and counted under the chart). */
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** The counted things (default "pairs"). */
  unit?: string;
  bins?: number;
  width?: number;
  height?: number;
}

/** Counts on a grid of about `bins` x `bins` nice bins; darker = more points (square-root scale). */
export function heatmap(o: HeatmapOptions): string {
  const width = o.width ?? 460;
  const height = o.height ?? 260;
  const xs: number[] = [];
  const ys: number[] = [];
  let skipped = 0;
  for (let i = 0; i < Math.min(o.x.length, o.y.length); i++) {
    if (Number.isFinite(o.x[i]!) && Number.isFinite(o.y[i]!)) {
      xs.push(o.x[i]!);
      ys.push(o.y[i]!);
    } else skipped++;
  }
  const rx = robustRange(xs);
  const ry = robustRange(ys);
  const ax = niceAxis(rx?.lo ?? 0, rx?.hi ?? 1, o.bins ?? 16, 5);
  const ay = niceAxis(ry?.lo ?? 0, ry?.hi ?? 1, o.bins ?? 12, 5);
  // Room on the left for the longest y tick label and the axis title.
  const labelW = Math.max(...ay.ticks.map((v) => ay.label(v).length)) * 6.2;
  const f = frame(width, height, { t: 14, r: 70, b: 44, l: Math.max(56, Math.ceil(labelW + 30)) });
  const x = toPixels(ax, f.left, f.right);
  const y = toPixels(ay, f.bottom, f.top);
  const grid = new Float64Array(ax.n * ay.n);
  let outside = 0;
  for (let i = 0; i < xs.length; i++) {
    const a = ax.bin(xs[i]!);
    const b = ay.bin(ys[i]!);
    if (a < 0 || a >= ax.n || b < 0 || b >= ay.n) outside++;
    else grid[a * ay.n + b]!++;
  }
  let max = 1;
  for (const c of grid) max = Math.max(max, c);
  let cells = '';
  for (let a = 0; a < ax.n; a++) {
    for (let b = 0; b < ay.n; b++) {
      const c = grid[a * ay.n + b]!;
      if (c === 0) continue;
      const x0 = x(ax.edge(a));
      const x1 = x(ax.edge(a + 1));
      const y0 = y(ay.edge(b + 1));
      const y1 = y(ay.edge(b));
      cells += el('rect', { x: x0, y: y0, width: Math.max(0.5, x1 - x0), height: Math.max(0.5, y1 - y0), fill: shade(Math.sqrt(c / max)) }, el('title', {}, esc(`${fmt(ax.edge(a))} to ${fmt(ax.edge(a + 1))}, ${fmt(ay.edge(b))} to ${fmt(ay.edge(b + 1))}: ${c}`)));
    }
  }
  let body = el('g', { class: 'cells' }, cells);
  body += xAxis(f, ax, x, { label: o.xLabel });
  body += yAxis(f, ay, y, { label: o.yLabel, titleX: f.left - labelW - 18 });
  // Colour bar: 1 at the bottom, max at the top.
  const cbx = f.right + 18;
  const steps = 8;
  const h = (f.bottom - f.top) / steps;
  for (let i = 0; i < steps; i++) body += el('rect', { x: cbx, y: f.bottom - (i + 1) * h, width: 10, height: h + 0.3, fill: shade((i + 0.5) / steps) });
  body += text(cbx + 14, f.bottom, '1', { fill: PALETTE.ink, 'font-size': 10 });
  body += text(cbx + 14, f.top + 8, int(max), { fill: PALETTE.ink, 'font-size': 10 });
  body += text(cbx - 2, f.top - 4, o.unit ?? 'pairs', { fill: PALETTE.muted, 'font-size': 10 });
  const notes: string[] = [];
  if (outside > 0) notes.push(`${int(outside)} outside the axes`);
  if (skipped > 0) notes.push(`${int(skipped)} without a finite value`);
  if (notes.length > 0) body += text(f.right, height - 4, notes.join(', '), { 'text-anchor': 'end', fill: PALETTE.muted, 'font-size': 10, class: 'outside' });
  return svgDoc(f, o.title, body);
}
