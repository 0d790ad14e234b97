// Bayesian fusion of calibrated preference probabilities (spec selection.md 2.4, "BeeS"/DM-MUL):
//   P = prod p_i / (prod p_i + prod (1 - p_i)) = sigmoid(sum_i logit(p_i)),
// computed as the logit sum with every p clipped to [eps, 1 - eps], so a conflict (p = 1 in one source and 0 in
// the other) gives a finite, neutral score instead of the official code's 0/0 = NaN.
import { clippedLogit, LOGIT_EPS } from '../numeric.js';

export { clippedLogit, sigmoid } from '../numeric.js';

/** Probabilities are clipped to [FUSION_EPS, 1 - FUSION_EPS] before the logit sum. */
export const FUSION_EPS = LOGIT_EPS;

/** The fusion score as a logit sum over any number of sources (NaN if any p is NaN: a dropped pair). */
export function fuseLogit(ps: readonly number[], eps = FUSION_EPS): number {
  let z = 0;
  for (const p of ps) z += clippedLogit(p, eps);
  return z;
}

/**
 * The official two-source arithmetic, p_ex*p_im / (p_ex*p_im + (1-p_ex)*(1-p_im)), NaN included: what
 * `--calibration official` ranks by (select.ts); the default ranks by fuseLogit's clipped logit sum.
 */
export function officialProduct(pEx: number, pIm: number): number {
  const a = pEx * pIm;
  return a / (a + (1 - pEx) * (1 - pIm));
}
