// Axes, bins and ranges for the report's charts, for any finite doubles: spans that overflow (-max to +max),
// values at +-max double, subnormals, spreads of 1e-170. Every count here is bounded (at most MAX_BINS bins and
// MAX_TICKS ticks) and every loop runs over a bounded integer counter, never over a floating-point range.
import { chunksOf, finiteChunks, lowerBound, quantileSorted, quantilesOf, type Chunks } from '../numeric.js';
import { fixed, MINUS } from './format.js';

/** Most bins an axis ever has. */
export const MAX_BINS = 400;
/** Most ticks an axis ever has. */
export const MAX_TICKS = 40;
const MAXV = Number.MAX_VALUE;
const MIN_NORMAL = 2.2250738585072014e-308;

/** The gap between |x| and the next larger double (Number.MIN_VALUE for subnormals and 0); NaN for non-finite x. */
export function ulp(x: number): number {
  const a = Math.abs(x);
  if (!Number.isFinite(a)) return Number.NaN;
  if (a < MIN_NORMAL) return Number.MIN_VALUE;
  let e = Math.floor(Math.log2(a));
  // log2 can be off by one near powers of two: settle e with 2^e <= a < 2^(e+1).
  if (2 ** e > a) e--;
  else if (e < 1023 && 2 ** (e + 1) <= a) e++;
  return 2 ** (e - 52);
}

/**
 * An axis over a finite interval: `n` equal bins [(i0 + k) * step, (i0 + k + 1) * step), the last one closed,
 * and tick values with labels. Bin and position arithmetic is done in units of `step` (v / step - i0), so
 * nothing overflows even when the interval spans -max to +max double.
 */
export interface Axis {
  /** The interval it was made for (finite). */
  readonly lo: number;
  readonly hi: number;
  readonly step: number;
  readonly i0: number;
  /** Number of bins, 1 to MAX_BINS. */
  readonly n: number;
  /** Bin of v: 0..n-1 inside, -1 below, n above, NaN when v is not finite. */
  bin(v: number): number;
  /** Left edge of bin k (k = n: the right end), clamped to +-max double. */
  edge(k: number): number;
  /** Position of v along the axis: 0 at edge(0), 1 at edge(n). */
  pos(v: number): number;
  readonly ticks: number[];
  /** A tick label with enough digits to tell the ticks apart (exponent form for very large or small values). */
  label(v: number): string;
}

/** Widens a zero-width interval so it can be drawn; never returns a non-finite end. */
function widen(lo: number, hi: number): [number, number] {
  if (lo !== hi) return [lo, hi];
  if (lo === 0) return [-0.5, 0.5];
  const d = Math.max(Math.abs(lo) * 0.0625, Number.MIN_VALUE);
  let a = lo - d;
  let b = hi + d;
  if (!Number.isFinite(b)) {
    b = hi;
    a = lo - 2 * d;
  }
  if (!Number.isFinite(a)) {
    a = lo;
    b = hi + 2 * d;
  }
  return [a, b];
}

/**
 * A "nice" step (1, 2 or 5 times a power of ten) giving about `count` intervals over [lo, hi], never below
 * `floor` (one ulp of the values: finer bins cannot hold distinct doubles) and never infinite.
 */
function stepFor(lo: number, hi: number, count: number, floor: number): number {
  // (hi/2 - lo/2) never overflows; raw = span / count.
  const half = hi / 2 - lo / 2;
  let raw = (half / Math.max(1, count)) * 2;
  if (!Number.isFinite(raw)) raw = MAXV;
  if (!(raw > 0)) return floor;
  const p = Math.floor(Math.log10(raw));
  const mag = Number(`1e${p}`);
  const r = raw / mag;
  let step = (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * mag;
  if (!Number.isFinite(step)) step = MAXV;
  if (!(step >= floor)) step = floor * Math.max(1, Math.ceil(raw / floor));
  return Number.isFinite(step) ? step : MAXV;
}

function finiteClamp(x: number): number {
  return x > MAXV ? MAXV : x < -MAXV ? -MAXV : x;
}

/** Tick values: multiples of a nice step inside [lo, hi], at most MAX_TICKS. */
function tickValues(lo: number, hi: number, count: number, floor: number): { values: number[]; step: number } {
  let step = stepFor(lo, hi, count, floor);
  let t0 = Math.ceil(lo / step - 1e-9);
  let t1 = Math.floor(hi / step + 1e-9);
  for (let guard = 0; t1 - t0 + 1 > MAX_TICKS && guard < 64; guard++) {
    step = Number.isFinite(step * 2) ? step * 2 : MAXV;
    t0 = Math.ceil(lo / step - 1e-9);
    t1 = Math.floor(hi / step + 1e-9);
  }
  const values: number[] = [];
  for (let j = 0; j <= t1 - t0 && j < MAX_TICKS; j++) {
    const v = (t0 + j) * step;
    if (!Number.isFinite(v)) continue;
    // Round away float noise (0.30000000000000004) unless that would merge ticks that differ in the 12th digit.
    const r = Number(v.toPrecision(12));
    const x = Math.abs(r - v) <= step * 1e-6 ? r : v;
    if (values.length === 0 || x !== values[values.length - 1]) values.push(x);
  }
  if (values.length === 0) values.push(lo / 2 + hi / 2);
  return { values, step };
}

/** Labels for ticks of a given step: fixed decimals for ordinary ranges, exponent form for extreme ones. */
export function tickFormatter(values: readonly number[], step: number): (v: number) => string {
  let big = 0;
  for (const v of values) big = Math.max(big, Math.abs(v));
  if (big === 0 || !(step > 0)) return (v) => (v === 0 ? '0' : String(v).replace('-', MINUS));
  if (big >= 1e6 || step < 1e-4) {
    const digits = Math.max(1, Math.min(17, Math.floor(Math.log10(big)) - Math.floor(Math.log10(step)) + 1));
    return (v) => (v === 0 ? '0' : v.toExponential(digits - 1).replace(/\.?0+e/, 'e').replace('e+', 'e').replace(/-/g, MINUS));
  }
  const d = stepDecimals(step);
  return (v) => fixed(v, d);
}

/** Decimals needed to print ticks of this step without noise (0 for steps >= 1). */
export function stepDecimals(step: number): number {
  return step >= 1 ? 0 : Math.min(17, Math.ceil(-Math.log10(step) - 1e-9));
}

/** An axis from a bin grid: bins [(i0 + k) * step, ...) for k < n. */
export function gridAxis(step: number, i0: number, n: number, lo: number, hi: number, tickCount = 5): Axis {
  const maxAbs = Math.max(Math.abs(lo), Math.abs(hi));
  const t = tickValues(finiteClamp(i0 * step), finiteClamp((i0 + n) * step), tickCount, ulp(maxAbs));
  const label = tickFormatter(t.values, t.step);
  return {
    lo,
    hi,
    step,
    i0,
    n,
    bin(v: number): number {
      if (!Number.isFinite(v)) return Number.NaN;
      const u = v / step - i0;
      if (u < 0) return -1;
      if (u >= n) return u <= n * (1 + 1e-12) && v <= hi ? n - 1 : n;
      return Math.min(n - 1, Math.floor(u));
    },
    edge: (k: number) => finiteClamp((i0 + k) * step),
    pos: (v: number) => (v / step - i0) / n,
    ticks: t.values,
    label,
  };
}

/**
 * An axis with about `bins` equal bins aligned to a nice step over [lo, hi] (non-finite ends give [0, 1]; a
 * zero-width interval is widened), and about `tickCount` ticks. Bounded for any finite input.
 */
export function niceAxis(lo: number, hi: number, bins = 24, tickCount = 5): Axis {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1];
  if (lo > hi) [lo, hi] = [hi, lo];
  [lo, hi] = widen(lo, hi);
  const floor = ulp(Math.max(Math.abs(lo), Math.abs(hi)));
  let step = stepFor(lo, hi, bins, floor);
  let i0 = Math.floor(lo / step);
  let i1 = Math.max(i0 + 1, Math.ceil(hi / step));
  for (let guard = 0; i1 - i0 > MAX_BINS && guard < 64; guard++) {
    step = Number.isFinite(step * 2) ? step * 2 : MAXV;
    i0 = Math.floor(lo / step);
    i1 = Math.max(i0 + 1, Math.ceil(hi / step));
  }
  const n = Math.max(1, Math.min(MAX_BINS, i1 - i0));
  return gridAxis(step, i0, n, lo, hi, tickCount);
}

/** Tick values at multiples of a nice step inside [lo, hi] (bounded; see niceAxis). */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (lo === hi) return [lo];
  return tickValues(Math.min(lo, hi), Math.max(lo, hi), count, ulp(Math.max(Math.abs(lo), Math.abs(hi)))).values;
}

/** Finite minimum and maximum of one or more series; [NaN, NaN] when there is no finite value. */
export function extent(...series: ArrayLike<number>[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.length; i++) {
      const v = s[i]!;
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : [Number.NaN, Number.NaN];
}

/** A pixel mapping along an axis (positions clamped a little outside the plot, so always finite). */
export function toPixels(axis: Axis, r0: number, r1: number): (v: number) => number {
  return (v: number) => {
    const p = axis.pos(v);
    const c = Number.isNaN(p) ? 0.5 : Math.max(-0.05, Math.min(1.05, p));
    return r0 + c * (r1 - r0);
  };
}

/** The range a chart shows of some values, robust to far outliers, with what it leaves out and any pile. */
export interface RobustRange {
  /** Finite values considered. */
  n: number;
  min: number;
  max: number;
  /** The shown range: [min, max] unless far outliers were cut. */
  lo: number;
  hi: number;
  /** Values below lo / above hi (not drawn; counted and labelled). */
  below: number;
  above: number;
  /** The most repeated exact value when it holds at least 10% (and at least 5) of the values, e.g. a clamp. */
  pile?: { value: number; count: number };
}

/**
 * The range to draw `values` on: the finite extent, unless values lie beyond the 1% and 99% quantiles by more
 * than the distance between those quantiles; then the range is cut at those fences and the values beyond are
 * counted. Also finds a pile (one exact value repeated in >= 10% of the values, as a clamp bound makes).
 * Undefined when there is no finite value. (robustRangeOf over the arrays.)
 */
export function robustRange(...series: ArrayLike<number>[]): RobustRange | undefined {
  return robustRangeOf(series.map(chunksOf));
}

/** Order statistics looked at for a pile: every run of equal values of at least a tenth of them holds one of these ranks. */
const PILE_POINTS = 20;

/**
 * robustRange over series read in chunks, in bounded memory (no sorted copy of the values): the extent, the 1% and
 * 99% quantiles and PILE_POINTS + 1 evenly spaced order statistics come from one orderStatistics; a last pass counts
 * the values beyond the fences and how often each of those evenly spaced values occurs (a value in a tenth of the
 * values or more is one of them, so the pile is exact).
 */
export function robustRangeOf(series: readonly Chunks[]): RobustRange | undefined {
  // Non-finite values are left out: infinities become NaN, which the order statistics skip.
  const finite = finiteChunks((each) => {
    for (const s of series) s(each);
  });
  // The 1% and 99% quantiles, and PILE_POINTS + 1 evenly spaced order statistics (the pile's candidates).
  const pilePoints = (n: number): number[] => Array.from({ length: PILE_POINTS + 1 }, (_, j) => Math.floor((j * (n - 1)) / PILE_POINTS));
  const { n, min, max, q, more } = quantilesOf(finite, [0.01, 0.99], pilePoints);
  if (n === 0) return undefined;
  let fenceLo = -Infinity;
  let fenceHi = Infinity;
  // Fences at one inter-quantile distance beyond each quantile (from 20 values on), in halves so they cannot overflow.
  const half = q[1]! / 2 - q[0]! / 2;
  if (n >= 20 && half > 0) {
    fenceLo = q[0]! - 2 * half;
    fenceHi = q[1]! + 2 * half;
  }
  const cand = Float64Array.from(new Set(more)).sort();
  const counts = new Float64Array(cand.length);
  let below = 0;
  let above = 0;
  let lo = Infinity;
  let hi = -Infinity;
  finite((c) => {
    for (let i = 0; i < c.length; i++) {
      const v = c[i]!;
      if (Number.isNaN(v)) continue;
      if (v < fenceLo) below++;
      else if (v < lo) lo = v;
      if (v > fenceHi) above++;
      else if (v > hi) hi = v;
      const a = lowerBound(cand, v);
      if (a < cand.length && cand[a] === v) counts[a]!++;
    }
  });
  // The most repeated value (the smallest of equally repeated ones).
  let best = 0;
  let bestValue = Number.NaN;
  counts.forEach((k, j) => {
    if (k > best) {
      best = k;
      bestValue = cand[j]!;
    }
  });
  const out: RobustRange = { n, min, max, lo: below > 0 ? lo : min, hi: above > 0 ? hi : max, below, above };
  if (best >= 5 && best >= 0.1 * n && n > best) out.pile = { value: bestValue, count: best };
  return out;
}

export { quantileSorted };
