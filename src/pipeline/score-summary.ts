// Dataset-level summary of per-prompt score statistics (for `pairsmith stats`): distributions of the
// per-prompt mean/std/min/max across prompts, tie counts, and how often the minimum lies below mu - 2 sigma.
// Memory: a few numbers per prompt (growable typed arrays), never the candidates themselves.
import { GrowF64 } from '../io/grow.js';
import type { GroupStats } from '../kernels/groups.js';
import { quantileSorted } from '../numeric.js';

/** Summary of one per-prompt quantity across prompts. */
export interface Distribution {
  mean: number | null;
  min: number | null;
  p05: number | null;
  p25: number | null;
  median: number | null;
  p75: number | null;
  p95: number | null;
  max: number | null;
}

const q = (sorted: Float64Array, p: number): number | null => (sorted.length ? quantileSorted(sorted, p) : null);

export function distribution(values: Float64Array): Distribution {
  const finite = values.filter((v) => Number.isFinite(v)).sort();
  let sum = 0;
  for (const v of finite) sum += v;
  return {
    mean: finite.length ? sum / finite.length : null,
    min: finite.length ? finite[0]! : null,
    p05: q(finite, 0.05),
    p25: q(finite, 0.25),
    median: q(finite, 0.5),
    p75: q(finite, 0.75),
    p95: q(finite, 0.95),
    max: finite.length ? finite[finite.length - 1]! : null,
  };
}

export interface ScoreSummary {
  prompts: number;
  scored_candidates: number;
  per_prompt: { count: Distribution; mean: Distribution; std: Distribution; min: Distribution; max: Distribution };
  ties: { prompts_all_equal: number; prompts_with_ties: number; prompts_max_tied: number };
  min_below_mu_minus_2sigma: { prompts: number; share: number | null };
}

/** Collects per-prompt statistics chunk by chunk and summarizes them at the end. */
export class ScoreSummaryCollector {
  private readonly count = new GrowF64();
  private readonly mean = new GrowF64();
  private readonly std = new GrowF64();
  private readonly min = new GrowF64();
  private readonly max = new GrowF64();
  private scored = 0;
  private allEqual = 0;
  private withTies = 0;
  private maxTied = 0;
  private below = 0;
  private scratch = new Float64Array(64);

  /**
   * Adds one chunk: `stats` for its groups, and the scores of each group (`values` with `offsets`,
   * non-finite entries excluded) for the tie counts.
   */
  add(stats: GroupStats, values: Float64Array, offsets: Int32Array): void {
    const g = stats.count.length;
    for (let i = 0; i < g; i++) {
      const n = stats.count[i]!;
      this.count.push(n);
      this.mean.push(stats.mean[i]!);
      this.std.push(stats.std[i]!);
      this.min.push(stats.min[i]!);
      this.max.push(stats.max[i]!);
      this.scored += n;
      if (n >= 2 && stats.min[i]! < stats.mean[i]! - 2 * stats.std[i]!) this.below++;
      // The group's finite scores, sorted in a reused scratch column (no per-prompt allocation).
      let m = 0;
      const e = offsets[i + 1]!;
      if (this.scratch.length < e - offsets[i]!) this.scratch = new Float64Array(2 * (e - offsets[i]!));
      for (let k = offsets[i]!; k < e; k++) if (Number.isFinite(values[k]!)) this.scratch[m++] = values[k]!;
      if (m >= 2) {
        const s = this.scratch.subarray(0, m).sort();
        if (s[0] === s[m - 1]) this.allEqual++;
        let tie = false;
        for (let k = 1; k < m && !tie; k++) tie = s[k] === s[k - 1];
        if (tie) this.withTies++;
        if (s[m - 1] === s[m - 2]) this.maxTied++;
      }
    }
  }

  summary(): ScoreSummary {
    const prompts = this.count.n;
    return {
      prompts,
      scored_candidates: this.scored,
      per_prompt: {
        count: distribution(this.count.values()),
        mean: distribution(this.mean.values()),
        std: distribution(this.std.values()),
        min: distribution(this.min.values()),
        max: distribution(this.max.values()),
      },
      ties: { prompts_all_equal: this.allEqual, prompts_with_ties: this.withTies, prompts_max_tied: this.maxTied },
      min_below_mu_minus_2sigma: { prompts: this.below, share: prompts ? this.below / prompts : null },
    };
  }
}
