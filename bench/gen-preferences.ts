// Win-count judgments of one prompt for the clean flag-rate study (README "Robust PCA"): n responses with BTL scores
// s ~ N(0, 1); each pair (i < j) judged with probability `observed`, by K independent judges (i wins each with
// probability sigmoid(s_i - s_j)); a fraction `corrupted` of the judged pairs has its counts swapped (wins -> K - wins).
// Shared by bench/clean-flags.ts and test/pipeline/clean-flags.test.ts.
import { mulberry32 } from '../src/pipeline/rng.js';

export interface JudgedPrompt {
  n: number;
  scores: Float64Array;
  /** [i, j, wins of i, K] per judged pair (i < j). */
  comparisons: [number, number, number, number][];
  /** Keys i * n + j (i < j) of the corrupted pairs. */
  corrupted: Set<number>;
}

export function judgedPrompt(n: number, observed: number, K: number, corrupted: number, seed: number): JudgedPrompt {
  const r = mulberry32(seed);
  const scores = Float64Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()));
  const comparisons: [number, number, number, number][] = [];
  const bad = new Set<number>();
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (r() >= observed) continue;
      const p = 1 / (1 + Math.exp(scores[j]! - scores[i]!));
      let w = 0;
      for (let k = 0; k < K; k++) if (r() < p) w++;
      if (r() < corrupted) {
        w = K - w;
        bad.add(i * n + j);
      }
      comparisons.push([i, j, w, K]);
    }
  }
  return { n, scores, comparisons, corrupted: bad };
}

/** Flag rate (flagged / judged pairs), precision and recall of `flagged` pairs [i, j] (i < j) against the truth. */
export function flagStats(p: JudgedPrompt, flagged: [number, number][]): { judged: number; flagged: number; hits: number; truth: number } {
  let hits = 0;
  for (const [i, j] of flagged) if (p.corrupted.has(i * p.n + j)) hits++;
  return { judged: p.comparisons.length, flagged: flagged.length, hits, truth: p.corrupted.size };
}
