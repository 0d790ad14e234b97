// Preference matrices for RPCA cleaning (spec rpca.md 1.4): per prompt, pairwise win probabilities become a
// skew-symmetric logit matrix Y (Y_ij = logit P_ij, Y_ji = -Y_ij, Y_ii = 0, unjudged pairs missing); after
// RPCA, clean scores are the row means of L, flagged comparisons are the support of S. Runtime neutral.
import type { Engine } from '../engine.js';

export interface PreferenceMatrix {
  n: number;
  /** Row-major logits (0 where missing). */
  Y: Float64Array;
  /** 1 where observed (the diagonal always is). */
  mask: Uint8Array;
  observedPairs: number;
}

/** Probabilities are clipped to [clip, 1 - clip] before the logit, so certain outcomes stay finite. */
function logit(p: number, clip: number): number {
  const q = Math.min(1 - clip, Math.max(clip, p));
  return Math.log(q / (1 - q));
}

/**
 * A bad entry of a preference matrix or comparison list: `field` is its dot path (`preference_matrix.1.2`,
 * `comparisons.0.2`), `reason` the datasets layer's reject reason. The message reads
 * `preference_matrix[1][2]: probability must be a number in [0, 1], got 1.5`.
 */
export class PreferenceError extends RangeError {
  constructor(
    readonly field: string,
    readonly reason: 'wrong_type' | 'length_mismatch' | 'non_finite' | 'out_of_range',
    message: string,
  ) {
    super(message);
    this.name = 'PreferenceError';
  }
}

/**
 * Builds the logit matrix from a dense matrix of P[i][j] = Pr(i beats j) (null = missing) or from comparisons
 * [i, j, p_ij]. Both directions of a pair are averaged in logit space (logit P_ij and -logit P_ji), so the
 * result is exactly skew-symmetric. Throws PreferenceError (a RangeError) naming the offending entry.
 */
export function buildPreferenceMatrix(
  source: { matrix: (number | null)[][] } | { comparisons: [number, number, number][]; n: number },
  clip = 0.01,
): PreferenceMatrix {
  const n = 'matrix' in source ? source.matrix.length : source.n;
  const sum = new Float64Array(n * n);
  const count = new Float64Array(n * n);
  const add = (i: number, j: number, p: unknown, where: string, field: string): void => {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      const reason = typeof p !== 'number' ? 'wrong_type' : Number.isFinite(p) ? 'out_of_range' : 'non_finite';
      throw new PreferenceError(field, reason, `${where}: probability must be a number in [0, 1], got ${typeof p === 'number' ? String(p) : JSON.stringify(p)}`);
    }
    if (i === j) return;
    const y = logit(p, clip);
    sum[i * n + j]! += y;
    count[i * n + j]!++;
    sum[j * n + i]! -= y;
    count[j * n + i]!++;
  };
  if ('matrix' in source) {
    source.matrix.forEach((row, i) => {
      if (!Array.isArray(row)) throw new PreferenceError(`preference_matrix.${i}`, 'wrong_type', `preference_matrix[${i}]: expected a row of ${n} entries`);
      if (row.length !== n) throw new PreferenceError(`preference_matrix.${i}`, 'length_mismatch', `preference_matrix[${i}]: expected a row of ${n} entries, got ${row.length}`);
      row.forEach((p, j) => {
        if (p !== null && i !== j) add(i, j, p, `preference_matrix[${i}][${j}]`, `preference_matrix.${i}.${j}`);
      });
    });
  } else {
    source.comparisons.forEach((c, k) => {
      if (!Array.isArray(c) || c.length !== 3) throw new PreferenceError(`comparisons.${k}`, 'wrong_type', `comparisons[${k}]: expected [i, j, p_ij]`);
      const [i, j, p] = c;
      for (const [v, name, at] of [[i, 'i', 0], [j, 'j', 1]] as const) {
        if (!Number.isInteger(v) || v < 0 || v >= n) {
          throw new PreferenceError(`comparisons.${k}.${at}`, typeof v === 'number' ? 'out_of_range' : 'wrong_type', `comparisons[${k}]: ${name} must be an index in [0, ${n}), got ${JSON.stringify(v)}`);
        }
      }
      add(i, j, p, `comparisons[${k}]`, `comparisons.${k}.2`);
    });
  }
  const Y = new Float64Array(n * n);
  const mask = new Uint8Array(n * n);
  let observedPairs = 0;
  for (let i = 0; i < n; i++) {
    mask[i * n + i] = 1;
    for (let j = 0; j < n; j++) {
      if (count[i * n + j]! > 0) {
        Y[i * n + j] = sum[i * n + j]! / count[i * n + j]!;
        mask[i * n + j] = 1;
        if (j > i) observedPairs++;
      }
    }
  }
  return { n, Y, mask, observedPairs };
}

export interface CleanResult {
  /** Row means of L (centred BTL scores); or the fallback scores when RPCA was skipped (null = no score). */
  clean_scores: (number | null)[];
  /** Judged pairs [i, j] (i < j) whose comparison the sparse part flags as corrupted. */
  corrupted: [number, number][];
  /** Indices by clean score, best first (ties by index; null scores last). */
  ranking: number[];
  rpca_skipped: boolean;
  iterations: number;
  converged: boolean;
}

export interface CleanOptions {
  /** Below this many candidates RPCA is skipped (spec 6: small matrices lose signal). Default 20. */
  minCandidates?: number;
  /** |S_ij| above flagTol * max|Y| counts as corrupted (default 1e-6). */
  flagTol?: number;
  tol?: number;
  maxIter?: number;
}

/** Indices by score, best first; ties by index; null (or non-finite) scores last, by index. */
function rankingOf(scores: readonly (number | null)[]): number[] {
  const key = (i: number): number => {
    const s = scores[i];
    return typeof s === 'number' && Number.isFinite(s) ? s : Number.NEGATIVE_INFINITY;
  };
  const finite = (i: number): number => (key(i) === Number.NEGATIVE_INFINITY ? 0 : 1);
  return scores.map((_, i) => i).sort((a, b) => finite(b) - finite(a) || key(b) - key(a) || a - b);
}

/** Mean of the observed logits per row (the fallback scores). */
export function naiveScores(m: PreferenceMatrix): number[] {
  const out: number[] = [];
  for (let i = 0; i < m.n; i++) {
    let s = 0;
    let c = 0;
    for (let j = 0; j < m.n; j++) if (j !== i && m.mask[i * m.n + j]) (s += m.Y[i * m.n + j]!), c++;
    out.push(c ? s / c : 0);
  }
  return out;
}

/**
 * Cleans many prompts' matrices with one batched RPCA call (IALM, lambda defaults per matrix). Matrices with
 * fewer than minCandidates rows get `fallback[k]` (or naive scores) and rpca_skipped = true. Results do not
 * depend on how prompts are split into calls (the batch solves each matrix as rpca would on its own).
 */
export function cleanPreferences(
  engine: Engine,
  mats: PreferenceMatrix[],
  opts: CleanOptions = {},
  fallback: (readonly (number | null)[] | undefined)[] = [],
): CleanResult[] {
  const min = opts.minCandidates ?? 20;
  const flagTol = opts.flagTol ?? 1e-6;
  const run = mats.map((m, k) => (m.n >= min && m.n > 0 ? k : -1)).filter((k) => k >= 0);
  const total = run.reduce((s, k) => s + mats[k]!.n ** 2, 0);
  const data = new Float64Array(total);
  const mask = new Uint8Array(total);
  const dims = new Int32Array(2 * run.length);
  let off = 0;
  run.forEach((k, b) => {
    const m = mats[k]!;
    data.set(m.Y, off);
    mask.set(m.mask, off);
    dims[2 * b] = dims[2 * b + 1] = m.n;
    off += m.n * m.n;
  });
  const full = mask.every((v) => v === 1);
  const res = run.length ? engine.rpcaBatch(data, dims, { mask: full ? undefined : mask, tol: opts.tol, maxIter: opts.maxIter }) : undefined;
  const out: CleanResult[] = mats.map((m, k) => {
    const scores = fallback[k]?.slice() ?? naiveScores(m);
    return { clean_scores: scores, corrupted: [], ranking: rankingOf(scores), rpca_skipped: true, iterations: 0, converged: true };
  });
  run.forEach((k, b) => {
    const m = mats[k]!;
    const n = m.n;
    const L = res!.L.subarray(res!.offsets[b]!, res!.offsets[b + 1]!);
    const S = res!.S.subarray(res!.offsets[b]!, res!.offsets[b + 1]!);
    let maxY = 0;
    for (const v of m.Y) maxY = Math.max(maxY, Math.abs(v));
    const scores: number[] = [];
    const corrupted: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      let s = 0;
      // re-skew (L - L^T)/2: IALM keeps skew symmetry up to rounding; this makes it exact
      for (let j = 0; j < n; j++) s += (L[i * n + j]! - L[j * n + i]!) / 2;
      scores.push(s / n);
      for (let j = i + 1; j < n; j++) {
        if (m.mask[i * n + j] && Math.abs(S[i * n + j]!) > flagTol * maxY) corrupted.push([i, j]);
      }
    }
    out[k] = {
      clean_scores: scores, corrupted, ranking: rankingOf(scores), rpca_skipped: false,
      iterations: res!.iterations[b]!, converged: res!.converged[b] === 1,
    };
  });
  return out;
}
