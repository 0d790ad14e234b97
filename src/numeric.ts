// Small numeric helpers with one home each, used by every layer (a leaf module: it imports nothing).

/** Clamp bound of the logit transform of probabilities: p is clamped to [LOGIT_EPS, 1 - LOGIT_EPS]. */
export const LOGIT_EPS = 1e-6;

/** logit(clip(q, eps, 1 - eps)) for any q (a NaN stays NaN), as log(q) - log1p(-q): exact near 0 and 1. */
export function clippedLogit(q: number, eps = LOGIT_EPS): number {
  const c = Math.min(Math.max(q, eps), 1 - eps);
  return Math.log(c) - Math.log1p(-c);
}

/** The logit transform of a probability: logit(clamp(p, eps, 1 - eps)); NaN for p outside [0, 1] or non-finite. */
export function logitClamped(p: number, eps = LOGIT_EPS): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  return clippedLogit(p, eps);
}

/** A sigmoid that neither overflows nor loses the small tail: 1/(1+e^-z) for z >= 0, e^z/(1+e^z) below. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** softplus(x) = log(1 + e^x) as max(x, 0) + log1p(e^-|x|): no overflow for large x, no lost tail for small. */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/**
 * Quantile by linear interpolation between order statistics (Hyndman-Fan type 7, NumPy's default) of sorted
 * data; NaN when `sorted` is empty.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const i = Math.floor(h);
  const j = Math.min(n - 1, i + 1);
  return sorted[i]! + (h - i) * (sorted[j]! - sorted[i]!);
}
