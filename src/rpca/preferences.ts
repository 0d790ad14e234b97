// Preference matrices for RPCA cleaning (spec rpca.md 1.4): per prompt, pairwise judgments become a skew-symmetric
// logit matrix Y over the responses that were judged at least once (Y_ij = logit P_ij, Y_ji = -Y_ij, Y_ii = 0,
// unjudged pairs missing). Judgments are win probabilities p_ij (clipped before the logit) or win counts (k wins of
// t, add-half smoothed: P = (k + 1/2) / (t + 1)). After RPCA, clean scores are the row means of L, and a judged
// pair is flagged when the sparse part holds it and its logit departs from the clean Bradley-Terry fit by more than
// a noise threshold (README "pairsmith clean"). Runtime neutral.
import type { Engine } from '../engine.js';
import type { RpcaMethod } from '../kernels/rpca.js';
import { clippedLogit, quantileSorted } from '../numeric.js';

export interface PreferenceMatrix {
  /** Responses of the prompt (the length of its clean scores). */
  n: number;
  /** Matrix side: responses with at least one judgment. */
  size: number;
  /** Response index of each matrix row (ascending), length `size`. */
  rows: Int32Array;
  /** Row-major size x size logits (0 where missing). */
  Y: Float64Array;
  /** size x size, 1 where observed (the diagonal always is). */
  mask: Uint8Array;
  /** Judged pairs i < j. */
  observedPairs: number;
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

/** A comparison: [i, j, p_ij] (probability that i beats j) or [i, j, wins, total] (i won `wins` of `total`). */
export type Comparison = [number, number, number] | [number, number, number, number];

function checkProbability(p: unknown, where: string, field: string): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    const reason = typeof p !== 'number' ? 'wrong_type' : Number.isFinite(p) ? 'out_of_range' : 'non_finite';
    throw new PreferenceError(field, reason, `${where}: probability must be a number in [0, 1], got ${typeof p === 'number' ? String(p) : JSON.stringify(p)}`);
  }
  return p;
}

function checkCount(v: unknown, where: string, field: string, what: string, max: number): number {
  if (typeof v !== 'number') throw new PreferenceError(field, 'wrong_type', `${where}: ${what} must be a count, got ${JSON.stringify(v)}`);
  if (!Number.isFinite(v)) throw new PreferenceError(field, 'non_finite', `${where}: ${what} must be a count, got ${v}`);
  if (!Number.isInteger(v) || v < 0 || v > max) throw new PreferenceError(field, 'out_of_range', `${where}: ${what} must be an integer in [0, ${max}], got ${v}`);
  return v;
}

/**
 * Builds the logit matrix from a dense matrix of P[i][j] = Pr(i beats j) (null = missing) or from comparisons
 * (`Comparison`; one list holds one kind). Several probabilities of a pair (both directions included) are averaged
 * in logit space; win counts of a pair are summed first (both directions), then smoothed. The matrix covers only
 * the responses judged at least once, so its size is bounded by the judgments the record holds. The result is
 * exactly skew-symmetric. Throws PreferenceError (a RangeError) naming the offending entry.
 */
export function buildPreferenceMatrix(
  source: { matrix: (number | null)[][] } | { comparisons: Comparison[]; n: number },
  clip = 0.01,
): PreferenceMatrix {
  const n = 'matrix' in source ? source.matrix.length : source.n;
  // judged pairs lo < hi: logit sum and count (probabilities), or wins of lo and total (counts)
  const pairs = new Map<number, Map<number, { a: number; b: number }>>();
  let observedPairs = 0;
  const touch = (i: number, j: number) => {
    const lo = Math.min(i, j);
    let row = pairs.get(lo);
    if (!row) pairs.set(lo, (row = new Map()));
    let e = row.get(Math.max(i, j));
    if (!e) {
      row.set(Math.max(i, j), (e = { a: 0, b: 0 }));
      observedPairs++;
    }
    return e;
  };
  const addLogit = (i: number, j: number, y: number) => {
    const e = touch(i, j);
    e.a += i < j ? y : -y;
    e.b++;
  };
  let counts = false;
  if ('matrix' in source) {
    source.matrix.forEach((row, i) => {
      if (!Array.isArray(row)) throw new PreferenceError(`preference_matrix.${i}`, 'wrong_type', `preference_matrix[${i}]: expected a row of ${n} entries`);
      if (row.length !== n) throw new PreferenceError(`preference_matrix.${i}`, 'length_mismatch', `preference_matrix[${i}]: expected a row of ${n} entries, got ${row.length}`);
      row.forEach((p, j) => {
        if (p === null || i === j) return;
        addLogit(i, j, clippedLogit(checkProbability(p, `preference_matrix[${i}][${j}]`, `preference_matrix.${i}.${j}`), clip));
      });
    });
  } else {
    source.comparisons.forEach((c, k) => {
      if (!Array.isArray(c) || (c.length !== 3 && c.length !== 4)) {
        throw new PreferenceError(`comparisons.${k}`, 'wrong_type', `comparisons[${k}]: expected [i, j, p_ij] or [i, j, wins, total]`);
      }
      if (k === 0) counts = c.length === 4;
      else if (counts !== (c.length === 4)) {
        throw new PreferenceError(`comparisons.${k}`, 'wrong_type', `comparisons[${k}]: one list holds either [i, j, p_ij] or [i, j, wins, total] entries, not both`);
      }
      const [i, j] = c;
      for (const [v, name, at] of [[i, 'i', 0], [j, 'j', 1]] as const) {
        if (!Number.isInteger(v) || v < 0 || v >= n) {
          throw new PreferenceError(`comparisons.${k}.${at}`, typeof v === 'number' ? 'out_of_range' : 'wrong_type', `comparisons[${k}]: ${name} must be an index in [0, ${n}), got ${JSON.stringify(v)}`);
        }
      }
      if (!counts) {
        const p = checkProbability(c[2], `comparisons[${k}]`, `comparisons.${k}.2`);
        if (i !== j) addLogit(i, j, clippedLogit(p, clip));
        return;
      }
      const total = checkCount(c[3], `comparisons[${k}]`, `comparisons.${k}.3`, 'total', Number.MAX_SAFE_INTEGER);
      const wins = checkCount(c[2], `comparisons[${k}]`, `comparisons.${k}.2`, 'wins', total);
      if (i === j || total === 0) return;
      const e = touch(i, j);
      e.a += i < j ? wins : total - wins;
      e.b += total;
    });
  }
  // matrix rows: judged responses in index order
  const judged = new Set<number>();
  for (const [lo, row] of pairs) {
    judged.add(lo);
    for (const hi of row.keys()) judged.add(hi);
  }
  const rows = Int32Array.from([...judged].sort((a, b) => a - b));
  const size = rows.length;
  const at = new Map<number, number>();
  rows.forEach((r, k) => at.set(r, k));
  const Y = new Float64Array(size * size);
  const mask = new Uint8Array(size * size);
  for (let k = 0; k < size; k++) mask[k * size + k] = 1;
  for (const [lo, row] of pairs) {
    const i = at.get(lo)!;
    for (const [hi, e] of row) {
      const j = at.get(hi)!;
      const y = counts ? Math.log((e.a + 0.5) / (e.b - e.a + 0.5)) : e.a / e.b;
      Y[i * size + j] = y;
      Y[j * size + i] = -y;
      mask[i * size + j] = mask[j * size + i] = 1;
    }
  }
  return { n, size, rows, Y, mask, observedPairs };
}

export interface CleanResult {
  /** Row means of L (centred BTL scores); or the fallback scores when RPCA was skipped (null = no score). */
  clean_scores: (number | null)[];
  /** Judged pairs [i, j] (i < j) flagged as corrupted. */
  corrupted: [number, number][];
  /** Indices by clean score, best first (ties by index; null scores last). */
  ranking: number[];
  rpca_skipped: boolean;
  iterations: number;
  converged: boolean;
}

export interface CleanOptions {
  /** Below this many judged responses RPCA is skipped (spec 6: small matrices lose signal). Default 20. */
  minCandidates?: number;
  /** `ialm` (default) or `altproj` (rank 2). */
  method?: RpcaMethod;
  /** Sparse weight; default 1/sqrt(p max(m, n)) per matrix (p = observed fraction). */
  lambda?: number;
  /**
   * A judged pair is flagged when S holds it and |Y_ij - (s_i - s_j)| exceeds flagThreshold robust standard
   * deviations (1.4826 x the median absolute residual over the prompt's judged pairs). Default 3.
   */
  flagThreshold?: number;
  /** ...and exceeds flagTol * max |Y| (the floor for noise-free judgments; default 1e-6). */
  flagTol?: number;
  /** RPCA primal tolerance (default CLEAN_TOL). */
  tol?: number;
  /** RPCA dual tolerance, IALM (default CLEAN_DUAL_TOL). */
  dualTol?: number;
  maxIter?: number;
}

/**
 * clean's RPCA tolerances: looser than `rpca`'s (1e-7, 1e-5), since clean needs the ranking and the flags, not the
 * optimum to 1e-6. On batches of 16-48-response BTL prompts with 10% flips (bench/rpca-small.ts) they keep the
 * objective within 8e-5 (relative) of a 20,000-iteration solve at 2.5-4x fewer iterations than the strict ones.
 */
export const CLEAN_TOL = 1e-4;
export const CLEAN_DUAL_TOL = 1e-2;

/** Indices by score, best first; ties by index; null (or non-finite) scores last, by index. */
function rankingOf(scores: readonly (number | null)[]): number[] {
  const key = (i: number): number => {
    const s = scores[i];
    return typeof s === 'number' && Number.isFinite(s) ? s : Number.NEGATIVE_INFINITY;
  };
  const finite = (i: number): number => (key(i) === Number.NEGATIVE_INFINITY ? 0 : 1);
  return scores.map((_, i) => i).sort((a, b) => finite(b) - finite(a) || key(b) - key(a) || a - b);
}

/** Mean of the observed logits per response (the fallback scores); null for a response never judged. */
export function naiveScores(m: PreferenceMatrix): (number | null)[] {
  const out: (number | null)[] = new Array(m.n).fill(null);
  const k = m.size;
  for (let i = 0; i < k; i++) {
    let s = 0;
    let c = 0;
    for (let j = 0; j < k; j++) if (j !== i && m.mask[i * k + j]) (s += m.Y[i * k + j]!), c++;
    out[m.rows[i]!] = c ? s / c : null;
  }
  return out;
}

// Matrices solved per rpcaBatch call: at most this many entries (about 32 MB per array), or one matrix.
const BATCH_ENTRIES = 1 << 22;

/** Clean scores, flags and ranking of one matrix from its RPCA split (L, S: size x size). */
function readOut(m: PreferenceMatrix, L: Float64Array, S: Float64Array, flagThreshold: number, flagTol: number): Pick<CleanResult, 'clean_scores' | 'corrupted'> {
  const k = m.size;
  const s = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let t = 0;
    // re-skew (L - L^T)/2: IALM keeps skew symmetry up to rounding; this makes it exact
    for (let j = 0; j < k; j++) t += (L[i * k + j]! - L[j * k + i]!) / 2;
    s[i] = t / k;
  }
  let maxY = 0;
  for (const v of m.Y) maxY = Math.max(maxY, Math.abs(v));
  const residual = new Float64Array(m.observedPairs);
  let r = 0;
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) if (m.mask[i * k + j]) residual[r++] = Math.abs(m.Y[i * k + j]! - (s[i]! - s[j]!));
  }
  const sigma = r ? 1.4826 * quantileSorted(residual.slice(0, r).sort(), 0.5) : 0;
  const threshold = Math.max(flagThreshold * sigma, flagTol * maxY);
  const corrupted: [number, number][] = [];
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      if (!m.mask[i * k + j] || S[i * k + j] === 0) continue;
      if (Math.abs(m.Y[i * k + j]! - (s[i]! - s[j]!)) > threshold) corrupted.push([m.rows[i]!, m.rows[j]!]);
    }
  }
  const clean_scores: (number | null)[] = new Array(m.n).fill(null);
  for (let i = 0; i < k; i++) clean_scores[m.rows[i]!] = s[i]!;
  return { clean_scores, corrupted };
}

/**
 * Cleans many prompts' matrices with batched RPCA calls (each at most BATCH_ENTRIES entries, or one matrix;
 * lambda defaults per matrix). Matrices with fewer than minCandidates judged responses get `fallback[k]` (or naive
 * scores) and rpca_skipped = true; responses never judged get a null score. Results do not depend on how prompts
 * are split into calls (the batch solves each matrix as rpca would on its own).
 */
export function cleanPreferences(
  engine: Engine,
  mats: PreferenceMatrix[],
  opts: CleanOptions = {},
  fallback: (readonly (number | null)[] | undefined)[] = [],
): CleanResult[] {
  const min = opts.minCandidates ?? 20;
  const flagThreshold = opts.flagThreshold ?? 3;
  const flagTol = opts.flagTol ?? 1e-6;
  const out: CleanResult[] = mats.map((m, k) => {
    const scores = fallback[k]?.slice() ?? naiveScores(m);
    return { clean_scores: scores, corrupted: [], ranking: rankingOf(scores), rpca_skipped: true, iterations: 0, converged: true };
  });
  const run = mats.map((m, k) => (m.size >= min && m.size > 0 ? k : -1)).filter((k) => k >= 0);
  for (let a = 0; a < run.length; ) {
    // one call: matrices up to the entry budget (always at least one)
    let b = a;
    let total = 0;
    do total += mats[run[b++]!]!.size ** 2;
    while (b < run.length && total + mats[run[b]!]!.size ** 2 <= BATCH_ENTRIES);
    const part = run.slice(a, b);
    a = b;
    const data = new Float64Array(total);
    const mask = new Uint8Array(total);
    const dims = new Int32Array(2 * part.length);
    let off = 0;
    part.forEach((k, i) => {
      const m = mats[k]!;
      data.set(m.Y, off);
      mask.set(m.mask, off);
      dims[2 * i] = dims[2 * i + 1] = m.size;
      off += m.size * m.size;
    });
    const full = mask.every((v) => v === 1);
    const res = engine.rpcaBatch(data, dims, {
      method: opts.method, lambda: opts.lambda, mask: full ? undefined : mask, tol: opts.tol ?? CLEAN_TOL, dualTol: opts.dualTol ?? CLEAN_DUAL_TOL, maxIter: opts.maxIter,
    });
    part.forEach((k, i) => {
      const m = mats[k]!;
      const L = res.L.subarray(res.offsets[i]!, res.offsets[i + 1]!);
      const S = res.S.subarray(res.offsets[i]!, res.offsets[i + 1]!);
      const { clean_scores, corrupted } = readOut(m, L, S, flagThreshold, flagTol);
      out[k] = {
        clean_scores, corrupted, ranking: rankingOf(clean_scores), rpca_skipped: false,
        iterations: res.iterations[i]!, converged: res.converged[i] === 1,
      };
    });
  }
  return out;
}
