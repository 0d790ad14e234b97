// Closeness checks (STYLE.md 4.10): exact for single-rounding ops, rtol scaled by n*eps*sum|x| for reductions.
import { expect } from 'vitest';
import { mulberry32 } from '../../src/pipeline/rng.js';

/** Deterministic pseudo-random data in [0, 1) (mulberry32). */
export const rng = mulberry32;

export interface Tolerance {
  rtol?: number;
  atol?: number;
}

/** |a - e| <= atol + rtol * scale, NaN equal to NaN, infinities equal only to themselves. */
export function expectClose(actual: number, expected: number, tol: Tolerance & { scale?: number } = {}, label = ''): void {
  const { rtol = 1e-12, atol = 0, scale = Math.abs(expected) } = tol;
  if (Number.isNaN(expected)) {
    expect(actual, label).toBeNaN();
    return;
  }
  if (!Number.isFinite(expected)) {
    expect(actual, label).toBe(expected);
    return;
  }
  const err = Math.abs(actual - expected);
  if (!(err <= atol + rtol * scale)) {
    throw new Error(`${label} expected ${actual} to be within ${atol + rtol * scale} of ${expected} (error ${err})`);
  }
}

/** Element-wise expectClose over arrays of equal length. */
export function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance = {}, label = ''): void {
  expect(actual.length, `${label} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expectClose(actual[i]!, expected[i]!, tol, `${label}[${i}]`);
}

/** Tolerance for a sum of n terms in the given precision: c * n * eps, relative to sum |x|. */
export function sumRtol(n: number, eps = Number.EPSILON, c = 4): number {
  return c * Math.max(1, n) * eps;
}


/** Lengths that straddle SIMD lanes (2 for f64, 4 for f32, 4-wide unrolls) plus a few larger ones. */
export const LANE_LENGTHS = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 1000, 1023, 4099];
