// The report's chart types, each a self-contained SVG string: histogram (with overlaid series, reference
// lines and a shaded region), a strip plot of one prompt's candidate pool, a small-multiples grid of those,
// and a horizontal bar chart. Pure functions; the caller supplies plain numbers.
import { esc, fmt, int } from './format.js';
import { binValues, extent, linearScale, niceBins, niceDomain, ticks } from './scale.js';
import { el, frame, legend, type LegendItem, marker, PALETTE, svgDoc, text, xAxis, yAxis } from './svg.js';

export interface RefLine {
  x: number;
  label: string;
  color?: string;
  dash?: string;
}

export interface HistogramSeries {
  label: string;
  values: ArrayLike<number>;
  color?: string;
}

export interface HistogramOptions {
  /** Accessible title (tooltip). */
  title: string;
  /** x-axis title with its unit. */
  xLabel: string;
  yLabel?: string;
  /** The first series is drawn as bars, later ones as step outlines on the same bins. */
  series: HistogramSeries[];
  refs?: RefLine[];
  /** A shaded x interval, e.g. the kept region above a threshold. */
  shade?: { from: number; to: number; label: string; color?: string };
  /** Fixed x range; values outside are counted and noted under the chart. */
  domain?: readonly [number, number];
  bins?: number;
  width?: number;
  height?: number;
}

const DASH = { solid: undefined, dashed: '5 3', dotted: '2 3', dashdot: '7 3 2 3' } as const;

/** A histogram of one or more series on shared bins, with counts on the y axis. */
export function histogram(o: HistogramOptions): string {
  const width = o.width ?? 460;
  const height = o.height ?? 250;
  const f = frame(width, height, { t: 30, r: 16, b: 44, l: 56 });
  const all = o.series.map((s) => s.values);
  const refXs = (o.refs ?? []).map((r) => r.x).filter(Number.isFinite);
  let dom = o.domain;
  if (!dom) {
    const [lo, hi] = extent(...all, refXs);
    dom = [lo, hi];
  }
  const nb = niceBins(all, o.bins ?? 24, dom);
  const binned = o.series.map((s) => binValues(s.values, nb.lo, nb.hi, nb.n));
  const maxCount = Math.max(1, ...binned.flatMap((b) => b.counts));
  const x = linearScale([nb.lo, nb.hi], [f.left, f.right]);
  const yTop = maxCount <= 4 ? maxCount : niceDomain(0, maxCount, 4)[1];
  const y = linearScale([0, yTop], [f.bottom, f.top]);
  const yTicks = ticks(0, yTop, 4).filter((v) => Number.isInteger(v));
  let body = '';
  if (o.shade) {
    const a = x(Math.max(nb.lo, Math.min(o.shade.from, o.shade.to)));
    const b = x(Math.min(nb.hi, Math.max(o.shade.from, o.shade.to)));
    if (b > a) body += el('rect', { x: a, y: f.top, width: b - a, height: f.bottom - f.top, fill: o.shade.color ?? PALETTE.kept, 'fill-opacity': 0.12 });
  }
  body += yAxis(f, y, { label: o.yLabel ?? 'count', values: yTicks, grid: true, format: (v) => int(v) });
  const first = binned[0];
  if (first) {
    const color = o.series[0]!.color ?? PALETTE.bar;
    let bars = '';
    first.counts.forEach((c, i) => {
      if (c === 0) return;
      const x0 = x(first.edges[i]!);
      const x1 = x(first.edges[i + 1]!);
      bars += el('rect', { x: x0 + 0.5, y: y(c), width: Math.max(0.5, x1 - x0 - 1), height: f.bottom - y(c), fill: color }, el('title', {}, esc(`${fmt(first.edges[i]!)} to ${fmt(first.edges[i + 1]!)}: ${c}`)));
    });
    body += el('g', { class: 'bars' }, bars);
  }
  binned.slice(1).forEach((b, k) => {
    const s = o.series[k + 1]!;
    let d = `M${x(b.edges[0]!)} ${y(0)}`;
    b.counts.forEach((c, i) => {
      d += `L${x(b.edges[i]!).toFixed(2)} ${y(c).toFixed(2)}L${x(b.edges[i + 1]!).toFixed(2)} ${y(c).toFixed(2)}`;
    });
    d += `L${x(b.edges[b.edges.length - 1]!).toFixed(2)} ${y(0).toFixed(2)}`;
    body += el('path', { d, fill: 'none', stroke: s.color ?? PALETTE.bar2, 'stroke-width': 2, class: 'step' });
  });
  body += refLines(f, x, o.refs ?? []);
  body += xAxis(f, x, { label: o.xLabel });
  const items: LegendItem[] = o.series.map((s, i) => ({ label: s.label, color: s.color ?? (i === 0 ? PALETTE.bar : PALETTE.bar2), kind: i === 0 ? 'box' : 'line' }));
  if (o.shade) items.push({ label: o.shade.label, color: o.shade.color ?? PALETTE.kept, kind: 'box' });
  body += legend(f.left, 14, items);
  const outside = binned.reduce((a, b) => a + b.outside, 0);
  if (outside > 0) body += text(f.right, height - 4, `${int(outside)} value${outside === 1 ? '' : 's'} outside the axis range`, { 'text-anchor': 'end', fill: PALETTE.muted, 'font-size': 10 });
  return svgDoc(f, o.title, body);
}

/** Vertical reference lines with a short label at the top of each (clipped to the plot area). */
function refLines(f: ReturnType<typeof frame>, x: (v: number) => number, refs: RefLine[]): string {
  let s = '';
  for (const r of refs) {
    if (!Number.isFinite(r.x)) continue;
    const px = x(r.x);
    if (px < f.left - 0.5 || px > f.right + 0.5) continue;
    s += el('line', { x1: px, x2: px, y1: f.top, y2: f.bottom, stroke: r.color ?? PALETTE.ink, 'stroke-width': 1.5, 'stroke-dasharray': r.dash });
    // Labels near the right edge go to the left of their line so they stay inside the chart.
    const flip = px + 3 + r.label.length * 5.5 > f.right;
    if (r.label) s += text(flip ? px - 3 : px + 3, f.top + 9, r.label, { fill: r.color ?? PALETTE.ink, 'font-size': 10, 'text-anchor': flip ? 'end' : undefined });
  }
  return el('g', { class: 'refs' }, s);
}

/** One prompt's candidate pool for a strip plot. */
export interface PoolPlot {
  title: string;
  /** Scores on the analysis scale (non-finite ones are not drawn). */
  scores: ArrayLike<number>;
  mu: number;
  sigma: number;
  chosen?: number;
  rejected?: number;
  min?: number;
  /** Axis title with unit (only drawn when `axisLabel` is set). */
  axisLabel?: string;
  width?: number;
  height?: number;
}

/** Deterministic vertical jitter in [-1, 1] from the candidate index (no RNG, so reports are reproducible). */
function jitter(i: number): number {
  const h = Math.imul(i + 1, 2654435761) >>> 0;
  return (h / 2 ** 32) * 2 - 1;
}

/**
 * A strip plot of one pool: every candidate as a grey dot, the chosen as a blue triangle, the rejected as a
 * vermillion square, the minimum (when it differs from the rejected) as a purple cross; mu solid,
 * mu +- sigma dashed, mu - 2 sigma dash-dotted orange.
 */
export function stripPlot(p: PoolPlot): string {
  const width = p.width ?? 250;
  const height = p.height ?? 112;
  const f = frame(width, height, { t: 20, r: 10, b: p.axisLabel ? 40 : 24, l: 10 });
  const [lo, hi] = extent(p.scores, [p.mu - 2 * p.sigma, p.mu + p.sigma]);
  const pad = (hi - lo) * 0.04 || 1;
  const x = linearScale([lo - pad, hi + pad], [f.left, f.right]);
  const cy = (f.top + f.bottom) / 2;
  const amp = (f.bottom - f.top) / 2 - 7;
  let body = '';
  const refs: RefLine[] = [
    { x: p.mu - 2 * p.sigma, label: '', color: PALETTE.sweet, dash: DASH.dashdot },
    { x: p.mu - p.sigma, label: '', color: PALETTE.muted, dash: DASH.dashed },
    { x: p.mu, label: '', color: PALETTE.ink },
    { x: p.mu + p.sigma, label: '', color: PALETTE.muted, dash: DASH.dashed },
  ];
  body += refLines(f, x, refs);
  let dots = '';
  for (let i = 0; i < p.scores.length; i++) {
    if (i === p.chosen || i === p.rejected || i === p.min || !Number.isFinite(p.scores[i]!)) continue;
    dots += el('circle', { cx: x(p.scores[i]!), cy: cy + jitter(i) * amp, r: 2.6, fill: PALETTE.other, 'fill-opacity': 0.7 });
  }
  body += el('g', { class: 'pool' }, dots);
  if (p.min !== undefined && p.min !== p.rejected && p.min !== p.chosen) body += marker('cross', x(p.scores[p.min]!), cy, 4.5, PALETTE.min, `min ${fmt(p.scores[p.min]!)}`);
  if (p.rejected !== undefined) body += marker('square', x(p.scores[p.rejected]!), cy, 4.5, PALETTE.rejected, `rejected ${fmt(p.scores[p.rejected]!)}`);
  if (p.chosen !== undefined) body += marker('triangle', x(p.scores[p.chosen]!), cy, 5, PALETTE.chosen, `chosen ${fmt(p.scores[p.chosen]!)}`);
  body += xAxis(f, x, { label: p.axisLabel, count: 4 });
  body += text(f.left, 12, p.title, { fill: PALETTE.ink, 'font-size': 10.5, class: 'panel-title' });
  return svgDoc(f, p.title, body, 'chart panel');
}

/** The legend shared by all strip plots. */
export function stripLegend(): string {
  const f = frame(760, 22, { t: 0, r: 0, b: 0, l: 0 });
  const items: LegendItem[] = [
    { label: 'candidate', color: PALETTE.other, kind: 'circle' },
    { label: 'chosen', color: PALETTE.chosen, kind: 'triangle' },
    { label: 'rejected', color: PALETTE.rejected, kind: 'square' },
    { label: 'min (when not rejected)', color: PALETTE.min, kind: 'cross' },
    { label: '\u03BC', color: PALETTE.ink, kind: 'line' },
    { label: '\u03BC \u00B1 \u03C3', color: PALETTE.muted, kind: 'line', dash: DASH.dashed },
    { label: '\u03BC \u2212 2\u03C3', color: PALETTE.sweet, kind: 'line', dash: DASH.dashdot },
  ];
  return svgDoc(f, 'legend', legend(4, 15, items), 'chart legend-row');
}

/** A grid of strip plots with one shared legend; the axis title is given once below the grid. */
export function smallMultiples(pools: PoolPlot[], axisLabel: string): string {
  const panels = pools.map((p) => stripPlot(p)).join('');
  return `<div class="multiples-legend">${stripLegend()}</div><div class="multiples">${panels}</div><p class="axis-note">x axis of each panel: ${esc(axisLabel)}, on that prompt's own range.</p>`;
}

export interface BarItem {
  label: string;
  value: number;
  color?: string;
  /** Text after the value, e.g. a percentage. */
  note?: string;
}

/** Horizontal bars with category labels on the left and the value (and note) at the end of each bar. */
export function barChart(o: { title: string; items: BarItem[]; xLabel: string; width?: number }): string {
  const width = o.width ?? 460;
  const rowH = 22;
  const labelW = Math.min(200, 12 + Math.max(4, ...o.items.map((i) => i.label.length)) * 6.2);
  const height = 30 + o.items.length * rowH + 40;
  const f = frame(width, height, { t: 16, r: 90, b: 40, l: labelW });
  const maxV = Math.max(1, ...o.items.map((i) => i.value));
  const x = linearScale([0, niceDomain(0, maxV, 4)[1]], [f.left, f.right]);
  let body = xAxis(f, x, { label: o.xLabel, grid: true, count: 4, values: ticks(0, x.domain[1], 4).filter(Number.isInteger), format: (v) => int(v) });
  o.items.forEach((it, i) => {
    const yc = f.top + 8 + i * rowH + rowH / 2;
    body += text(f.left - 8, yc + 4, it.label, { 'text-anchor': 'end', fill: PALETTE.ink });
    const w = Math.max(0, x(it.value) - f.left);
    body += el('rect', { x: f.left, y: yc - 7, width: it.value > 0 ? Math.max(1, w) : 0, height: 14, fill: it.color ?? PALETTE.bar });
    body += text(f.left + w + 5, yc + 4, `${int(it.value)}${it.note ? ` (${it.note})` : ''}`, { fill: PALETTE.ink });
  });
  return svgDoc(f, o.title, body);
}

export { DASH };
