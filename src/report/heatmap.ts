// A 2-D histogram (heatmap) as SVG: counts of (x, y) points on nice bins, a single-hue sequential colour scale
// (light to dark blue, readable with colour-vision deficiencies and in greyscale) and a colour bar.
import { esc, fmt, int } from './format.js';
import { linearScale, niceBins } from './scale.js';
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
  bins?: number;
  width?: number;
  height?: number;
}

/** Counts on a grid of about `bins` x `bins` nice bins; darker = more points (square-root scale). */
export function heatmap(o: HeatmapOptions): string {
  const width = o.width ?? 460;
  const height = o.height ?? 260;
  const f = frame(width, height, { t: 14, r: 70, b: 44, l: 56 });
  const xs: number[] = [];
  const ys: number[] = [];
  let skipped = 0;
  for (let i = 0; i < o.x.length; i++) {
    if (Number.isFinite(o.x[i]!) && Number.isFinite(o.y[i]!)) {
      xs.push(o.x[i]!);
      ys.push(o.y[i]!);
    } else skipped++;
  }
  const bx = niceBins([xs], o.bins ?? 16);
  const by = niceBins([ys], o.bins ?? 12);
  const x = linearScale([bx.lo, bx.hi], [f.left, f.right]);
  const y = linearScale([by.lo, by.hi], [f.bottom, f.top]);
  const grid: number[][] = Array.from({ length: bx.n }, () => new Array<number>(by.n).fill(0));
  const wx = (bx.hi - bx.lo) / bx.n;
  const wy = (by.hi - by.lo) / by.n;
  for (let i = 0; i < xs.length; i++) {
    const a = wx > 0 ? Math.min(bx.n - 1, Math.floor((xs[i]! - bx.lo) / wx)) : 0;
    const b = wy > 0 ? Math.min(by.n - 1, Math.floor((ys[i]! - by.lo) / wy)) : 0;
    grid[a]![b]!++;
  }
  const max = Math.max(1, ...grid.flat());
  let cells = '';
  for (let a = 0; a < bx.n; a++) {
    for (let b = 0; b < by.n; b++) {
      const c = grid[a]![b]!;
      if (c === 0) continue;
      const x0 = x(bx.lo + a * wx);
      const x1 = x(bx.lo + (a + 1) * wx);
      const y0 = y(by.lo + (b + 1) * wy);
      const y1 = y(by.lo + b * wy);
      cells += el('rect', { x: x0, y: y0, width: Math.max(0.5, x1 - x0), height: Math.max(0.5, y1 - y0), fill: shade(Math.sqrt(c / max)) }, el('title', {}, esc(`${fmt(bx.lo + a * wx)} to ${fmt(bx.lo + (a + 1) * wx)}, ${fmt(by.lo + b * wy)} to ${fmt(by.lo + (b + 1) * wy)}: ${c}`)));
    }
  }
  let body = el('g', { class: 'cells' }, cells);
  body += xAxis(f, x, { label: o.xLabel });
  body += yAxis(f, y, { label: o.yLabel });
  // Colour bar: 1 at the bottom, max at the top.
  const cbx = f.right + 18;
  const steps = 8;
  const h = (f.bottom - f.top) / steps;
  for (let i = 0; i < steps; i++) body += el('rect', { x: cbx, y: f.bottom - (i + 1) * h, width: 10, height: h + 0.3, fill: shade((i + 0.5) / steps) });
  body += text(cbx + 14, f.bottom, '1', { fill: PALETTE.ink, 'font-size': 10 });
  body += text(cbx + 14, f.top + 8, int(max), { fill: PALETTE.ink, 'font-size': 10 });
  body += text(cbx - 2, f.top - 4, 'pairs', { fill: PALETTE.muted, 'font-size': 10 });
  if (skipped > 0) body += text(f.right, height - 4, `${int(skipped)} without a finite value`, { 'text-anchor': 'end', fill: PALETTE.muted, 'font-size': 10 });
  return svgDoc(f, o.title, body);
}

