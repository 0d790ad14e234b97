// A 2-D histogram (heatmap) as SVG: counts of (x, y) points on nice bins over each axis' robust range (far
// outliers counted, not drawn), a single-hue sequential colour scale (light to dark blue, readable with
// colour-vision deficiencies and in greyscale) and a colour bar.
import { esc, fmt, int } from './format.js';
import type { Chunks, PairChunks } from '../numeric.js';
import { niceAxis, robustRangeOf, toPixels, type Axis } from './scale.js';
import type { HeatmapGrid } from './types.js';
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
  x?: ArrayLike<number>;
  y?: ArrayLike<number>;
  /** Or the counts already on their grid (heatmapGrid). */
  grid?: HeatmapGrid;
  /** The counted things (default "pairs"). */
  unit?: string;
  bins?: number;
  width?: number;
  height?: number;
}

/** Bins of the x and y axes asked for by default. */
const X_BINS = 16;
const Y_BINS = 12;

/** The axes of a grid: nice bins over each robust range (an empty side gets [0, 1]). */
function axesOf(g: Pick<HeatmapGrid, 'x' | 'y'>): [Axis, Axis] {
  return [niceAxis(g.x.lo, g.x.hi, g.x.bins, 5), niceAxis(g.y.lo, g.y.hi, g.y.bins, 5)];
}

/**
 * Counts of the points (x, y) with both coordinates finite on a grid of about xBins x yBins nice bins over each
 * axis' robust range (robustRangeOf of those points' x and of their y). Bounded memory: passes over the chunks.
 */
export function heatmapGrid(points: PairChunks, xBins = X_BINS, yBins = Y_BINS): HeatmapGrid {
  // Each side with NaN where the other is not finite, so both ranges are over the same points.
  let sx = new Float64Array(0);
  const side =
    (which: 0 | 1): Chunks =>
    (each) =>
      points((x, y) => {
        if (sx.length < x.length) sx = new Float64Array(x.length);
        const d = sx.subarray(0, x.length);
        const [a, b] = which === 0 ? [x, y] : [y, x];
        for (let i = 0; i < x.length; i++) d[i] = Number.isFinite(a[i]!) && Number.isFinite(b[i]!) ? a[i]! : Number.NaN;
        each(d);
      });
  const rx = robustRangeOf([side(0)]);
  const ry = robustRangeOf([side(1)]);
  const g = { x: { lo: rx?.lo ?? 0, hi: rx?.hi ?? 1, bins: xBins }, y: { lo: ry?.lo ?? 0, hi: ry?.hi ?? 1, bins: yBins } };
  const [ax, ay] = axesOf(g);
  const counts = new Array<number>(ax.n * ay.n).fill(0);
  let outside = 0;
  let skipped = 0;
  points((x, y) => {
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i]!) || !Number.isFinite(y[i]!)) {
        skipped++;
        continue;
      }
      const a = ax.bin(x[i]!);
      const b = ay.bin(y[i]!);
      if (a < 0 || a >= ax.n || b < 0 || b >= ay.n) outside++;
      else counts[a * ay.n + b]!++;
    }
  });
  return { ...g, counts, outside, skipped };
}

/** Counts on a grid of about `bins` x `bins` nice bins; darker = more points (square-root scale). */
export function heatmap(o: HeatmapOptions): string {
  const width = o.width ?? 460;
  const height = o.height ?? 260;
  let g = o.grid;
  if (!g) {
    const n = Math.min(o.x?.length ?? 0, o.y?.length ?? 0);
    const xs = Float64Array.from({ length: n }, (_, i) => o.x![i]!);
    const ys = Float64Array.from({ length: n }, (_, i) => o.y![i]!);
    g = heatmapGrid((each) => each(xs, ys), o.bins ?? X_BINS, o.bins ?? Y_BINS);
  }
  const [ax, ay] = axesOf(g);
  const { outside, skipped } = g;
  const grid = g.counts;
  // Room on the left for the longest y tick label and the axis title.
  const labelW = Math.max(...ay.ticks.map((v) => ay.label(v).length)) * 6.2;
  const f = frame(width, height, { t: 14, r: 70, b: 44, l: Math.max(56, Math.ceil(labelW + 30)) });
  const x = toPixels(ax, f.left, f.right);
  const y = toPixels(ay, f.bottom, f.top);
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
