// Synthetic RPCA problems for tests and benchmarks (spec rpca.md 4.2-4.5): Lin-Chen-Ma-style and Candes-style
// low-rank + sparse matrices, BTL logit preference matrices with flipped comparisons, and Kendall tau.
import { rng } from './close.js';

/** Standard normal draws from a seeded uniform stream (Box-Muller). */
export function gaussian(r: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** Row-major product of m x k and k x n (plain loops; independent of the code under test). */
export function product(a: Float64Array, b: Float64Array, m: number, n: number, k: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) c[i * n + j]! += a[i * k + p]! * b[p * n + j]!;
  return c;
}

export interface LowRankSparse {
  m: number;
  n: number;
  rank: number;
  /** Clean low-rank part. */
  A: Float64Array;
  /** Injected sparse part (0 off its support). */
  E: Float64Array;
  /** A + E. */
  D: Float64Array;
  support: number;
}

/**
 * Lin-Chen-Ma style: A = L R^T with N(0, 1) factors (or N(0, 1/n) for `candes`), errors on a uniform random
 * support of fraction `frac`, values U[-500, 500] (or +-1 for `candes`).
 */
export function lowRankSparse(m: number, n: number, rank: number, frac: number, seed: number, kind: 'lcm' | 'candes' = 'lcm'): LowRankSparse {
  const r = rng(seed);
  const g = gaussian(r);
  const sd = kind === 'candes' ? 1 / Math.sqrt(n) : 1;
  const Lf = Float64Array.from({ length: m * rank }, () => g() * sd);
  const Rf = Float64Array.from({ length: rank * n }, () => g() * sd);
  const A = product(Lf, Rf, m, n, rank);
  const E = new Float64Array(m * n);
  let support = 0;
  for (let i = 0; i < m * n; i++) {
    if (r() < frac) {
      E[i] = kind === 'candes' ? (r() < 0.5 ? -1 : 1) : (r() * 2 - 1) * 500;
      support++;
    }
  }
  const D = A.map((v, i) => v + E[i]!);
  return { m, n, rank, A, E, D, support };
}

export interface Btl {
  n: number;
  scores: Float64Array;
  /** Clean logit matrix Y_ij = logit(clip(sigmoid(s_i - s_j))). */
  Y: Float64Array;
  /** Corrupted matrix (flipped pairs mirrored, so it stays skew-symmetric). */
  D: Float64Array;
  /** Injected corrupted entries (both (i,j) and (j,i)). */
  flipped: Set<number>;
}

/**
 * BTL preference matrix with a fraction `alpha` of the pairs flipped (K = infinity). With `clip` (default) the
 * probabilities are clipped to [0.01, 0.99] as in spec 4.4, which makes a few large-gap entries sparse errors too;
 * without it Y is exactly rank 2.
 */
export function btl(n: number, alpha: number, seed: number, clip = true): Btl {
  const r = rng(seed);
  const g = gaussian(r);
  const scores = Float64Array.from({ length: n }, () => g());
  const Y = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const d = scores[i]! - scores[j]!;
      const p = Math.min(0.99, Math.max(0.01, 1 / (1 + Math.exp(-d))));
      Y[i * n + j] = clip ? Math.log(p / (1 - p)) : d;
    }
  }
  const D = Y.slice();
  const flipped = new Set<number>();
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (r() < alpha) {
        D[i * n + j] = -Y[i * n + j]!;
        D[j * n + i] = -Y[j * n + i]!;
        flipped.add(i * n + j);
        flipped.add(j * n + i);
      }
    }
  }
  return { n, scores, Y, D, flipped };
}

/** Row means of a row-major n x n matrix. */
export function rowMeans(x: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += x[i * n + j]!;
    out[i] = s / n;
  }
  return out;
}

/** Kendall tau-b between two score vectors. */
export function kendallTau(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let concordant = 0;
  let discordant = 0;
  let tiesA = 0;
  let tiesB = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      const da = Math.sign(a[i]! - a[j]!);
      const db = Math.sign(b[i]! - b[j]!);
      if (da === 0 && db === 0) continue;
      if (da === 0) tiesA++;
      else if (db === 0) tiesB++;
      else if (da === db) concordant++;
      else discordant++;
    }
  }
  const denom = Math.sqrt((concordant + discordant + tiesA) * (concordant + discordant + tiesB));
  return denom === 0 ? 0 : (concordant - discordant) / denom;
}

/** ||x - y||_F / ||y||_F. */
export function relErr(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let e = 0;
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    e += (x[i]! - y[i]!) ** 2;
    s += y[i]! ** 2;
  }
  return Math.sqrt(e / s);
}

/** Numerical rank: singular values above rtol * sigma_1. */
export function numericalRank(s: ArrayLike<number>, rtol = 1e-6): number {
  let k = 0;
  while (k < s.length && s[k]! > rtol * s[0]!) k++;
  return k;
}
