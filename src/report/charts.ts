// The report's chart types, each a self-contained SVG string: histogram (overlaid series, reference lines, a
// shaded region; robust to far outliers and to piles such as a clamp bound), a strip plot of one prompt's pool,
// a small-multiples grid of those, and a horizontal bar chart. Pure functions over plain numbers; every count of
// bins, ticks and elements is bounded for any finite input.
import { Z_GRID } from './bins.js';
import { esc, fmt, int } from './format.js';
import { chunksOf, type Chunks } from '../numeric.js';
import { extent, gridAxis, niceAxis, robustRangeOf, toPixels, type Axis } from './scale.js';
import { el, frame, legend, type LegendItem, marker, PALETTE, svgDoc, text, xAxis, yAxis } from './svg.js';
import type { BinnedHistogram, FixedHistogram, PoolView } from './types.js';

export interface RefLine {
  x: number;
  label: string;
  color?: string;
  dash?: string;
}

/** A series of values, or counts already on a fixed grid (all series of one chart of the same kind). */
export interface HistogramSeries {
  label: string;
  values?: ArrayLike<number>;
  fixed?: FixedHistogram;
  color?: string;
}

export interface HistogramOptions {
  /** Accessible title (tooltip). */
  title: string;
  /** x-axis title with its unit. */
  xLabel: string;
  /** y-axis title, also the noun for counts in notes (default "count"). */
  yLabel?: string;
  /** The first series is drawn as bars, later ones as step outlines on the same bins. */
  series: HistogramSeries[];
  /** Counts already binned (binSeries; one per series, which then give only labels and colours). */
  binned?: BinnedHistogram;
  refs?: RefLine[];
  /** A shaded x interval, e.g. the kept region above a threshold. */
  shade?: { from: number; to: number; label: string; color?: string };
  /** Values known to be clamp bounds: a pile there is labelled "(clamp)". */
  clamps?: readonly number[];
  bins?: number;
  width?: number;
  height?: number;
}

const DASH = { solid: undefined, dashed: '5 3', dotted: '2 3', dashdot: '7 3 2 3' } as const;

interface Binned {
  axis: Axis;
  counts: number[][];
  below: number;
  above: number;
  nonFinite: number;
  /** Exact pile of the first series (value and count), when one value repeats a lot (value series only). */
  pile?: { value: number; count: number };
  min?: number;
  max?: number;
}

/**
 * Bins value series (read in chunks) on a nice axis of about `target` bins over their robust range, widened to take
 * in the reference values that lie within the data's extent (far outliers counted, not binned); undefined when
 * there is no finite value. Bounded memory: a few passes over the chunks, no copy of the values.
 */
export function binSeries(series: readonly Chunks[], refs: readonly number[] = [], target = 24): BinnedHistogram | undefined {
  const rr = robustRangeOf(series);
  if (!rr) return undefined;
  let lo = rr.lo;
  let hi = rr.hi;
  for (const x of refs) {
    if (!Number.isFinite(x) || x < rr.min || x > rr.max) continue;
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  const axis = niceAxis(lo, hi, target);
  let below = 0;
  let above = 0;
  let nonFinite = 0;
  const counts = series.map((each, k) => {
    const c = new Array<number>(axis.n).fill(0);
    each((vals) => {
      for (let i = 0; i < vals.length; i++) {
        const b = axis.bin(vals[i]!);
        if (Number.isNaN(b)) {
          if (k === 0) nonFinite++;
        } else if (b < 0) {
          if (k === 0) below++;
        } else if (b >= axis.n) {
          if (k === 0) above++;
        } else c[b]!++;
      }
    });
    return c;
  });
  const pile = series.length === 1 ? rr.pile : robustRangeOf(series.slice(0, 1))?.pile;
  const out: BinnedHistogram = { step: axis.step, i0: axis.i0, bins: axis.n, lo: axis.lo, hi: axis.hi, counts, below, above, nonFinite, min: rr.min, max: rr.max };
  if (pile) out.pile = pile;
  return out;
}

/** The chart's bins of a BinnedHistogram (its axis rebuilt from the grid it was counted on). */
function binnedOf(h: BinnedHistogram): Binned {
  return { axis: gridAxis(h.step, h.i0, h.bins, h.lo, h.hi), counts: h.counts, below: h.below, above: h.above, nonFinite: h.nonFinite, pile: h.pile, min: h.min, max: h.max };
}

/** Re-bins fixed-grid histograms to about `target` bins over their occupied range (power-of-two merges). */
function binFixed(series: HistogramSeries[], refs: RefLine[], target: number): Binned | undefined {
  const hs = series.map((s) => s.fixed!);
  const w = hs[0]!.width;
  let j0 = Infinity;
  let j1 = -Infinity;
  for (const h of hs) {
    const base = Math.round(h.lo / w);
    h.counts.forEach((c, k) => {
      if (c > 0) {
        j0 = Math.min(j0, base + k);
        j1 = Math.max(j1, base + k);
      }
    });
  }
  if (!Number.isFinite(j0)) return undefined;
  // Show at least one z unit, so a single occupied bin is not stretched over the whole chart.
  const unit = Math.round(1 / w);
  if (j1 - j0 + 1 < unit) {
    const pad = Math.floor((unit - (j1 - j0 + 1)) / 2);
    j0 -= pad;
    j1 = j0 + unit - 1;
  }
  for (const r of refs) {
    if (!Number.isFinite(r.x)) continue;
    const j = Math.floor(r.x / w);
    if (j >= j0 - (j1 - j0) && j <= j1 + (j1 - j0)) {
      j0 = Math.min(j0, j);
      j1 = Math.max(j1, j);
    }
  }
  let f = 1;
  while ((j1 - j0 + 1) / f > target && f < Z_GRID.n) f *= 2;
  const J0 = Math.floor(j0 / f);
  const J1 = Math.floor(j1 / f) + 1;
  const step = w * f;
  const axis = gridAxis(step, J0, J1 - J0, J0 * step, J1 * step);
  const counts = hs.map((h) => {
    const c = new Array<number>(axis.n).fill(0);
    const base = Math.round(h.lo / w);
    h.counts.forEach((v, k) => {
      if (v > 0) c[Math.floor((base + k) / f) - J0]! += v;
    });
    return c;
  });
  const h0 = hs[0]!;
  return { axis, counts, below: h0.below, above: h0.above, nonFinite: h0.nonFinite };
}

/**
 * A histogram of one or more series on shared bins, with counts on the y axis. Value series are drawn over their
 * robust range (far outliers counted under the chart); a bar holding an exact pile (e.g. a clamp bound) that
 * towers over the others is cut at the top and its count written above it.
 */
export function histogram(o: HistogramOptions): string {
  const width = o.width ?? 460;
  const height = o.height ?? 262;
  const f = frame(width, height, { t: 42, r: 16, b: 48, l: 56 });
  const refs = o.refs ?? [];
  const noun = o.yLabel ?? 'count';
  const fixed = o.series.length > 0 && o.series.every((s) => s.fixed);
  let b: Binned | undefined;
  if (o.binned) b = binnedOf(o.binned);
  else if (fixed) b = binFixed(o.series, refs, o.bins ?? 32);
  else {
    const h = binSeries(
      o.series.map((s) => chunksOf(s.values ?? [])),
      refs.map((r) => r.x),
      o.bins ?? 24,
    );
    b = h && binnedOf(h);
  }
  const items: LegendItem[] = o.series.map((s, i) => ({ label: s.label, color: s.color ?? (i === 0 ? PALETTE.bar : PALETTE.bar2), kind: i === 0 ? 'box' : 'line' }));
  if (!b) {
    const body = legend(f.left, 14, items) + text((f.left + f.right) / 2, (f.top + f.bottom) / 2, 'no finite values', { 'text-anchor': 'middle', fill: PALETTE.muted });
    return svgDoc(f, o.title, body);
  }
  const { axis } = b;
  const x = toPixels(axis, f.left, f.right);
  // A pile (one bin far above all others, e.g. a clamp bound) is cut at the top and labelled with its count.
  const first = b.counts[0] ?? [];
  let top = 0;
  let second = 0;
  let topBin = -1;
  first.forEach((c, i) => {
    if (c > top) {
      second = top;
      top = c;
      topBin = i;
    } else if (c > second) second = c;
  });
  // The tallest overlay bar outside the top bin (overlays are usually subsets, e.g. the kept pairs).
  let others = 0;
  for (const c of b.counts.slice(1)) c.forEach((v, i) => (others = i === topBin ? others : Math.max(others, v)));
  // Only an exact pile (one value repeated, e.g. a clamp bound) is cut, never an ordinary peak.
  const pileBin = b.pile ? axis.bin(b.pile.value) : -1;
  const cut = pileBin === topBin && top > 2.5 * Math.max(second, others) && Math.max(second, others) > 0 ? topBin : -1;
  let overlayMax = 0;
  for (const c of b.counts.slice(1)) for (const v of c) overlayMax = Math.max(overlayMax, v);
  const shownMax = cut >= 0 ? Math.max(second, others) * 1.3 : Math.max(top, overlayMax);
  const ya = niceAxis(0, Math.max(1, shownMax * 1.08), 4, 4);
  const yTop = ya.edge(ya.n);
  const y = (v: number) => f.bottom - (Math.min(v, yTop) / yTop) * (f.bottom - f.top);
  let body = '';
  if (o.shade) {
    const a = x(Math.max(axis.edge(0), Math.min(o.shade.from, o.shade.to)));
    const c = x(Math.min(axis.edge(axis.n), Math.max(o.shade.from, o.shade.to)));
    if (c > a) body += el('rect', { x: a, y: f.top, width: c - a, height: f.bottom - f.top, fill: o.shade.color ?? PALETTE.kept, 'fill-opacity': 0.12 });
  }
  body += yAxis(f, ya, y, { label: noun, values: ya.ticks.filter((v) => Number.isInteger(v) && v <= yTop), grid: true, format: (v) => int(v) });
  const color = o.series[0]?.color ?? PALETTE.bar;
  let bars = '';
  first.forEach((c, i) => {
    if (c === 0) return;
    const x0 = x(axis.edge(i));
    const x1 = x(axis.edge(i + 1));
    const tip = `${fmt(axis.edge(i))} to ${fmt(axis.edge(i + 1))}: ${int(c)}`;
    bars += el('rect', { x: x0 + 0.5, y: y(c), width: Math.max(0.5, x1 - x0 - 1), height: f.bottom - y(c), fill: color }, el('title', {}, esc(tip)));
    if (i === cut) {
      // Break marks across the cut bar, and its count above the plot.
      const yb = f.top + 10;
      bars += el('path', { d: `M${x0 - 1} ${yb + 3}L${x1 + 1} ${yb - 3}M${x0 - 1} ${yb + 8}L${x1 + 1} ${yb + 2}`, stroke: '#fff', 'stroke-width': 2.5, class: 'break' });
      const p = b.pile && axis.bin(b.pile.value) === i ? b.pile : undefined;
      const clamp = p && (o.clamps ?? []).some((v) => Math.abs(v - p.value) <= 1e-9 * Math.max(1, Math.abs(v)));
      const what = p ? `${int(p.count)} at ${fmt(p.value)}${clamp ? ' (clamp)' : ''}` : int(c);
      const flip = x0 > (f.left + f.right) / 2;
      bars += text(flip ? x1 : x0, f.top - 3, `▲ ${what}${p && p.count !== c ? `; bar ${int(c)}` : ''}`, { 'text-anchor': flip ? 'end' : 'start', fill: PALETTE.ink, 'font-size': 10, class: 'pile halo' });
    }
  });
  body += el('g', { class: 'bars' }, bars);
  b.counts.slice(1).forEach((cs, k) => {
    const s = o.series[k + 1]!;
    let d = `M${x(axis.edge(0)).toFixed(2)} ${y(0).toFixed(2)}`;
    cs.forEach((c, i) => {
      d += `L${x(axis.edge(i)).toFixed(2)} ${y(c).toFixed(2)}L${x(axis.edge(i + 1)).toFixed(2)} ${y(c).toFixed(2)}`;
    });
    d += `L${x(axis.edge(axis.n)).toFixed(2)} ${y(0).toFixed(2)}`;
    body += el('path', { d, fill: 'none', stroke: s.color ?? PALETTE.bar2, 'stroke-width': 2, class: 'step' });
  });
  body += refLines(f, x, refs);
  body += xAxis(f, axis, x, { label: o.xLabel });
  if (o.shade) items.push({ label: o.shade.label, color: o.shade.color ?? PALETTE.kept, kind: 'box' });
  body += legend(f.left, 12, items);
  const notes: string[] = [];
  if (b.below > 0) notes.push(`${int(b.below)} below${b.min !== undefined ? ` (min ${fmt(b.min)})` : ''}`);
  if (b.above > 0) notes.push(`${int(b.above)} above${b.max !== undefined ? ` (max ${fmt(b.max)})` : ''}`);
  if (b.nonFinite > 0) notes.push(`${int(b.nonFinite)} not finite`);
  if (notes.length > 0) body += text(f.right, height - 3, `outside the axis: ${notes.join(', ')}`, { 'text-anchor': 'end', fill: PALETTE.muted, 'font-size': 10, class: 'outside' });
  return svgDoc(f, o.title, body);
}

/** Vertical reference lines with a short label at the top of each (labels with a white halo over bars). */
function refLines(f: ReturnType<typeof frame>, x: (v: number) => number, refs: RefLine[]): string {
  let s = '';
  for (const r of refs) {
    if (!Number.isFinite(r.x)) continue;
    const px = x(r.x);
    if (px < f.left - 0.5 || px > f.right + 0.5) continue;
    s += el('line', { x1: px, x2: px, y1: f.top, y2: f.bottom, stroke: r.color ?? PALETTE.ink, 'stroke-width': 1.5, 'stroke-dasharray': r.dash });
    // Labels near the right edge go to the left of their line so they stay inside the chart.
    const flip = px + 3 + r.label.length * 5.5 > f.right;
    if (r.label) s += text(flip ? px - 3 : px + 3, f.top + 9, r.label, { fill: r.color ?? PALETTE.ink, 'font-size': 10, 'text-anchor': flip ? 'end' : undefined, class: 'halo' });
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
  const axis = niceAxis(lo, hi, 24, 4);
  const x = toPixels(axis, f.left, f.right);
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
  const at = (i: number | undefined) => (i !== undefined && i >= 0 && Number.isFinite(p.scores[i]!) ? p.scores[i]! : undefined);
  const mn = at(p.min);
  const rj = at(p.rejected);
  const ch = at(p.chosen);
  if (mn !== undefined && p.min !== p.rejected && p.min !== p.chosen) body += marker('cross', x(mn), cy, 4.5, PALETTE.min, `min ${fmt(mn)}`);
  if (rj !== undefined) body += marker('square', x(rj), cy, 4.5, PALETTE.rejected, `rejected ${fmt(rj)}`);
  if (ch !== undefined) body += marker('triangle', x(ch), cy, 5, PALETTE.chosen, `chosen ${fmt(ch)}`);
  body += xAxis(f, axis, x, { label: p.axisLabel });
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

/** One line of a string (whitespace collapsed), cut to n characters with an ellipsis. */
export function oneLine(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

/**
 * A grid of strip plots with one shared legend; under each panel its full prompt (folded: the summary shows the
 * start). The axis title is given once below the grid.
 */
export function smallMultiples(pools: readonly PoolView[], axisLabel: string): string {
  const panels = pools
    .map((v) => {
      const svg = stripPlot({ title: `#${v.promptIndex} ${oneLine(v.label, 38)}`, scores: v.scores, mu: v.mu, sigma: v.sigma, chosen: v.chosen >= 0 ? v.chosen : undefined, rejected: v.rejected >= 0 ? v.rejected : undefined, min: v.min >= 0 ? v.min : undefined });
      const thinned = v.candidates > v.scores.length ? ` <span class="absent">(${int(v.scores.length)} of ${int(v.candidates)} candidates drawn)</span>` : '';
      return `<div class="panel">${svg}<details class="prompt"><summary>full prompt${thinned}</summary><p class="text">${esc(v.label)}</p></details></div>`;
    })
    .join('');
  return `<div class="multiples-legend">${stripLegend()}</div><div class="multiples">${panels}</div><p class="axis-note">x axis of each panel: ${esc(axisLabel)}, on that prompt's own range. Unfold a panel's prompt to read it.</p>`;
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
  const axis = niceAxis(0, maxV, 4, 4);
  const end = axis.edge(axis.n);
  const x = (v: number) => f.left + (Math.max(0, Math.min(v, end)) / end) * (f.right - f.left);
  let body = xAxis(f, axis, x, { label: o.xLabel, grid: true, values: axis.ticks.filter((v) => Number.isInteger(v) && v >= 0), format: (v) => int(v) });
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
