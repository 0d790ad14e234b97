// Scales, ticks and binning for the report's charts. Pure functions over finite numbers.

/** A linear map from a data domain to a pixel range. */
export interface LinearScale {
  (x: number): number;
  domain: readonly [number, number];
  range: readonly [number, number];
}

export function linearScale(domain: readonly [number, number], range: readonly [number, number]): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  const f = ((x: number) => (span === 0 ? (r0 + r1) / 2 : r0 + ((x - d0) / span) * (r1 - r0))) as LinearScale;
  f.domain = domain;
  f.range = range;
  return f;
}

/** The "nice" step (1, 2 or 5 times a power of ten) giving about `count` intervals over [lo, hi]. */
export function niceStep(lo: number, hi: number, count = 5): number {
  const span = hi - lo;
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const r = raw / mag;
  const m = r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10;
  return m * mag;
}

/** Tick values at multiples of the nice step inside [lo, hi] (inclusive, with a float tolerance). */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (lo === hi) return [lo];
  const step = niceStep(lo, hi, count);
  const out: number[] = [];
  const start = Math.ceil(lo / step - 1e-9);
  const end = Math.floor(hi / step + 1e-9);
  for (let i = start; i <= end; i++) out.push(Number((i * step).toPrecision(12)));
  return out;
}

/** Decimals needed to print ticks of this step without noise (0 for steps >= 1). */
export function stepDecimals(step: number): number {
  return step >= 1 ? 0 : Math.min(12, Math.ceil(-Math.log10(step) - 1e-9));
}

/** A domain widened to nice step boundaries; a zero-width domain becomes [x - 1, x + 1]. */
export function niceDomain(lo: number, hi: number, count = 5): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (lo === hi) return lo === 0 ? [-1, 1] : [lo - Math.abs(lo) * 0.5, hi + Math.abs(hi) * 0.5];
  const step = niceStep(lo, hi, count);
  return [Math.floor(lo / step + 1e-9) * step, Math.ceil(hi / step - 1e-9) * step];
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

export interface Bins {
  /** Bin edges, length = counts.length + 1; bins are [e_i, e_i+1), the last one closed. */
  edges: number[];
  counts: number[];
  /** Values outside [edges[0], edges[last]] or non-finite, not counted in any bin. */
  outside: number;
}

/** Equal-width bins over [lo, hi] with `n` bins; values outside are counted in `outside`. */
export function binValues(values: ArrayLike<number>, lo: number, hi: number, n: number): Bins {
  const edges: number[] = [];
  for (let i = 0; i <= n; i++) edges.push(lo + ((hi - lo) * i) / n);
  const counts = new Array<number>(n).fill(0);
  let outside = 0;
  const w = (hi - lo) / n;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v) || v < lo || v > hi) {
      outside++;
      continue;
    }
    const b = w > 0 ? Math.min(n - 1, Math.floor((v - lo) / w)) : 0;
    counts[b]!++;
  }
  return { edges, counts, outside };
}

/**
 * Bins aligned to a nice step so edges are round numbers: about `target` bins over the data's extent
 * (or over `domain` when given, e.g. to share bins between overlaid series).
 */
export function niceBins(series: ArrayLike<number>[], target = 24, domain?: readonly [number, number]): { lo: number; hi: number; n: number } {
  let [lo, hi] = domain ?? extent(...series);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { lo: 0, hi: 1, n: 1 };
  if (lo === hi) {
    const pad = lo === 0 ? 0.5 : Math.abs(lo) * 0.05;
    return { lo: lo - pad, hi: hi + pad, n: 1 };
  }
  const step = niceStep(lo, hi, target);
  lo = Math.floor(lo / step + 1e-9) * step;
  hi = Math.ceil(hi / step - 1e-9) * step;
  if (hi <= lo) hi = lo + step;
  return { lo, hi, n: Math.max(1, Math.round((hi - lo) / step)) };
}

export { quantileSorted } from '../numeric.js';
