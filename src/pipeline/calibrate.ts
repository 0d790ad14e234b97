// Calibration of a margin source to a preference probability (spec selection.md 2.4):
//   p(m) = (clip(m, L, U) - L) / (U - L)
// with L = -2 and U found by the dynamic search of the official code (start trunc(max/d), raise in unit steps
// until the tail (U, max] holds fewer than 30 margins or fewer than (max - U)).
// Two arithmetics: `stable` (the paper's formula, U - L in the denominator; U <= L is an error) and `official`
// (the released m_sampler.py: margins clipped to [L, U], shifted by -L and divided by their own maximum, i.e.
// max(clip(m, L, U)) - L; that is U - L only when some margin reaches U, and 0/0 = NaN when every margin is <= L).

export type Missing = 'zero' | 'neutral' | 'drop';
export const MISSING_POLICIES: readonly Missing[] = ['zero', 'neutral', 'drop'];

export const DEFAULT_LOWER = -2;
export const DIVISOR_EXTERNAL = 1.5;
export const DIVISOR_IMPLICIT = 2.0;
export const DEFAULT_MIN_TAIL = 30;

export type CalibrationMode = 'stable' | 'official';
export const CALIBRATION_MODES: readonly CalibrationMode[] = ['stable', 'official'];

export interface CalibrationOptions {
  /** L (default -2). */
  lower?: number;
  /** U; when absent it is searched. */
  upper?: number;
  /** Start divisor of the U search: 1.5 for external, 2 for implicit sources. */
  divisor: number;
  /** Tail size that stops the U search (default 30). */
  minTail?: number;
  /** What a missing (non-finite) margin becomes: 0 (official), p = 0.5 (neutral) or excluded (drop). */
  missing?: Missing;
  /** stable (default): divide by U - L; official: by max(clip(m, L, U)) - L, NaN and all, as the released code. */
  mode?: CalibrationMode;
}

export interface Calibration {
  lower: number;
  upper: number;
  /** Whether U came from the search (false: given). */
  searched: boolean;
  /** Largest finite margin. */
  max: number;
  /** Margins at or below L (p = 0) and at or above U (p = 1). */
  clippedLow: number;
  clippedHigh: number;
  /** Non-finite margins and what happened to them. */
  missing: number;
  missingPolicy: Missing;
  mode: CalibrationMode;
  /** What p divides by: U - L (stable), max(clip(m, L, U)) - L (official; 0 gives NaN everywhere). */
  denominator: number;
  /** Smallest and largest finite p (null when none): the spread this source can add to a ranking. */
  pMin: number | null;
  pMax: number | null;
  warnings: string[];
}

/** Number of sorted values strictly greater than x. */
function countAbove(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length - lo;
}

/** The official dynamic upper bound over finite margins (Appendix B plus code). */
export function searchUpper(margins: ArrayLike<number>, divisor: number, minTail = DEFAULT_MIN_TAIL): number {
  return searchUpperOf(margins, divisor, minTail, false);
}

/**
 * searchUpper over the margins, a missing one counted as 0 when `missingAsZero` (the official nan_to_num) or left
 * out. U only rises from trunc(max / divisor), so only the margins above that are counted: they alone are copied
 * and sorted, not every margin.
 */
function searchUpperOf(margins: ArrayLike<number>, divisor: number, minTail: number, missingAsZero: boolean): number {
  const n = margins.length;
  let max = -Infinity;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const m = margins[i]!;
    if (Number.isFinite(m)) {
      count++;
      if (m > max) max = m;
    } else if (missingAsZero) {
      count++;
      if (0 > max) max = 0;
    }
  }
  if (count === 0) throw new RangeError('pairsmith: cannot calibrate a margin source with no finite margins');
  let u = Math.trunc(max / divisor);
  // The margins above the first U (all of them when it is NaN: !(v <= NaN)), sorted. A missing one is 0 here.
  const start = u;
  const zeroAbove = missingAsZero && !(0 <= start);
  let above = 0;
  for (let i = 0; i < n; i++) {
    const m = margins[i]!;
    if (Number.isFinite(m) ? !(m <= start) : zeroAbove) above++;
  }
  const sorted = new Float64Array(above);
  for (let i = 0, j = 0; j < above; i++) {
    const m = margins[i]!;
    if (Number.isFinite(m)) {
      if (!(m <= start)) sorted[j++] = m;
    } else if (zeroAbove) sorted[j++] = 0;
  }
  sorted.sort();
  // While the loop runs, max - U <= tail <= n, so it ends within n + 1 steps; the guard covers U + 1 == U.
  for (let guard = 0; guard <= count + 1; guard++) {
    const c = countAbove(sorted, u);
    if (c < minTail || c < max - u || u > max) break;
    u += 1;
  }
  return u;
}

/**
 * Calibrates margins to probabilities; p is NaN for a dropped missing margin (and, under `official`, for every
 * margin when none lies above L). Throws when U <= L (stable only) or when `official` meets a missing policy
 * other than zero (the released code's nan_to_num).
 */
export function calibrate(margins: Float64Array, opts: CalibrationOptions): { p: Float64Array; calibration: Calibration } {
  const c = calibration(margins, opts);
  const p = new Float64Array(margins.length);
  for (let i = 0; i < p.length; i++) p[i] = c.pOf(margins[i]!);
  return { p, calibration: c.calibration };
}

/**
 * calibrate() without the array of p: the calibration and the function from a margin to its p (the same
 * arithmetic, so pOf(margins[i]) === calibrate(margins).p[i]). For a caller that needs p of a few margins, or one
 * at a time: no array of n numbers.
 */
export function calibration(margins: Float64Array, opts: CalibrationOptions): { calibration: Calibration; pOf: (m: number) => number } {
  const lower = opts.lower ?? DEFAULT_LOWER;
  const missingPolicy = opts.missing ?? 'zero';
  const mode = opts.mode ?? 'stable';
  if (mode === 'official' && missingPolicy !== 'zero') {
    throw new RangeError(`pairsmith: calibration official counts a missing margin as 0 (the released code's nan_to_num); the missing policy must be zero, got ${missingPolicy}`);
  }
  const warnings: string[] = [];
  // One pass: the largest and smallest finite margin and the missing ones (plain loops: this runs once, cold).
  const n = margins.length;
  // The official code replaces a missing margin by 0 before the search; do the same under `zero`.
  const zero = missingPolicy === 'zero';
  let max = -Infinity;
  let min = Infinity;
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const m = margins[i]!;
    if (Number.isFinite(m)) {
      max = Math.max(max, m);
      min = Math.min(min, m);
    } else missing++;
  }
  if (zero && missing > 0) {
    max = Math.max(max, 0);
    min = Math.min(min, 0);
  }
  const counted = zero ? n : n - missing;
  const searched = opts.upper === undefined;
  const upper = opts.upper ?? searchUpperOf(margins, opts.divisor, opts.minTail ?? DEFAULT_MIN_TAIL, zero);
  if (mode === 'stable' && !(upper > lower)) {
    throw new RangeError(`pairsmith: calibration upper bound U = ${upper} must be above the lower bound L = ${lower}; set it explicitly`);
  }
  if (upper <= 0) warnings.push(`upper bound U = ${upper} <= 0: every positive margin saturates at p = 1`);
  /** The margin a calibration clips: itself, 0 for a missing one under `zero`, NaN for one neutral or dropped. */
  const effective = (m: number): number => (Number.isFinite(m) ? m : zero ? 0 : Number.NaN);
  // np.clip(m, L, U) = min(max(m, L), U), also when U < L (official only): then every value is U.
  const shift = (v: number): number => Math.min(Math.max(v, lower), upper) - lower;
  let clippedLow = 0;
  let clippedHigh = 0;
  let shiftedMax = -Infinity;
  for (let i = 0; i < n; i++) {
    let v = margins[i]!;
    if (!Number.isFinite(v)) {
      if (!zero) continue;
      v = 0;
    }
    if (v <= lower) clippedLow++;
    if (v >= upper) clippedHigh++;
    shiftedMax = Math.max(shiftedMax, shift(v));
  }
  let denominator = upper - lower;
  if (mode === 'official') {
    denominator = shiftedMax;
    if (denominator === -Infinity) denominator = upper - lower;
    else if (denominator !== upper - lower) {
      warnings.push(`official calibration divides by max(clip(m, L, U)) - L = ${denominator}, not U - L = ${upper - lower}`);
    }
    if (denominator === 0) warnings.push(`no margin lies above L = ${lower}: the official arithmetic gives p = 0/0 = NaN for every pair`);
  }
  const neutral = missingPolicy === 'neutral' ? 0.5 : Number.NaN;
  const pOf = (m: number): number => {
    const v = effective(m);
    return Number.isNaN(v) ? neutral : shift(v) / denominator;
  };
  // p is monotone in the margin (one denominator): its range comes from the smallest and largest margin when both
  // give a finite p (then every margin between does); otherwise (0/0, an overflowing U - L) from every margin.
  let pMin = Infinity;
  let pMax = -Infinity;
  const lo = counted > 0 ? pOf(min) : Number.NaN;
  const hi = counted > 0 ? pOf(max) : Number.NaN;
  if (Number.isFinite(lo) && Number.isFinite(hi)) {
    pMin = Math.min(lo, hi);
    pMax = Math.max(lo, hi);
    if (missing > 0 && missingPolicy === 'neutral') {
      pMin = Math.min(pMin, neutral);
      pMax = Math.max(pMax, neutral);
    }
  } else {
    for (let i = 0; i < n; i++) {
      const x = pOf(margins[i]!);
      if (!Number.isFinite(x)) continue;
      pMin = Math.min(pMin, x);
      pMax = Math.max(pMax, x);
    }
  }
  const range = pMin <= pMax ? { pMin, pMax } : { pMin: null, pMax: null };
  return { pOf, calibration: { lower, upper, searched, max, clippedLow, clippedHigh, missing, missingPolicy, mode, denominator, ...range, warnings } };
}
