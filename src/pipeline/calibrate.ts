// Calibration of a margin source to a preference probability (spec selection.md 2.4):
//   p(m) = (clip(m, L, U) - L) / (U - L)
// with L = -2 and U found by the dynamic search of the official code (start trunc(max/d), raise in unit steps
// until the tail (U, max] holds fewer than 30 margins or fewer than (max - U)).

export type Missing = 'zero' | 'neutral' | 'drop';
export const MISSING_POLICIES: readonly Missing[] = ['zero', 'neutral', 'drop'];

export const DEFAULT_LOWER = -2;
export const DIVISOR_EXTERNAL = 1.5;
export const DIVISOR_IMPLICIT = 2.0;
export const DEFAULT_MIN_TAIL = 30;

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
  const finite: number[] = [];
  for (let i = 0; i < margins.length; i++) if (Number.isFinite(margins[i]!)) finite.push(margins[i]!);
  if (finite.length === 0) throw new RangeError('pairsmith: cannot calibrate a margin source with no finite margins');
  const sorted = Float64Array.from(finite).sort();
  const max = sorted[sorted.length - 1]!;
  let u = Math.trunc(max / divisor);
  // While the loop runs, max - U <= tail <= n, so it ends within n + 1 steps; the guard covers U + 1 == U.
  for (let guard = 0; guard <= sorted.length + 1; guard++) {
    const c = countAbove(sorted, u);
    if (c < minTail || c < max - u || u > max) break;
    u += 1;
  }
  return u;
}

/** Calibrates margins to probabilities; p is NaN for a dropped missing margin. Throws when U <= L. */
export function calibrate(margins: Float64Array, opts: CalibrationOptions): { p: Float64Array; calibration: Calibration } {
  const lower = opts.lower ?? DEFAULT_LOWER;
  const missingPolicy = opts.missing ?? 'zero';
  const warnings: string[] = [];
  let max = -Infinity;
  let missing = 0;
  for (const m of margins) {
    if (Number.isFinite(m)) max = Math.max(max, m);
    else missing++;
  }
  // The official code replaces a missing margin by 0 before the search; do the same under `zero`.
  const searchInput = missingPolicy === 'zero' && missing > 0 ? margins.map((m) => (Number.isFinite(m) ? m : 0)) : margins;
  if (missingPolicy === 'zero' && missing > 0) max = Math.max(max, 0);
  const searched = opts.upper === undefined;
  const upper = opts.upper ?? searchUpper(searchInput, opts.divisor, opts.minTail ?? DEFAULT_MIN_TAIL);
  if (!(upper > lower)) {
    throw new RangeError(`pairsmith: calibration upper bound U = ${upper} must be above the lower bound L = ${lower}; set it explicitly`);
  }
  if (upper <= 0) warnings.push(`upper bound U = ${upper} <= 0: every positive margin saturates at p = 1`);
  const p = new Float64Array(margins.length);
  let clippedLow = 0;
  let clippedHigh = 0;
  const span = upper - lower;
  for (let i = 0; i < margins.length; i++) {
    let m = margins[i]!;
    if (!Number.isFinite(m)) {
      if (missingPolicy === 'neutral') {
        p[i] = 0.5;
        continue;
      }
      if (missingPolicy === 'drop') {
        p[i] = Number.NaN;
        continue;
      }
      m = 0;
    }
    if (m <= lower) clippedLow++;
    if (m >= upper) clippedHigh++;
    p[i] = (Math.min(Math.max(m, lower), upper) - lower) / span;
  }
  return { p, calibration: { lower, upper, searched, max, clippedLow, clippedHigh, missing, missingPolicy, warnings } };
}
