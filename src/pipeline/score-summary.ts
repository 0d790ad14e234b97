// Dataset-level summary of per-prompt score statistics (for `pairsmith stats`): distributions of the
// per-prompt mean/std/min/max across prompts, tie counts, and how often the minimum lies below mu - 2 sigma.
// Memory: a few numbers per prompt (growable typed arrays), never the candidates themselves.
import { GrowF64, GrowI32, growAll } from '../io/grow.js';
import type { GroupStats } from '../kernels/groups.js';
import { finiteSorted, quantileSorted, sortFiniteInPlace } from '../numeric.js';

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

const q = (sorted: Float64Array | Int32Array, p: number): number | null => (sorted.length ? quantileSorted(sorted, p) : null);

export function distribution(values: Float64Array): Distribution {
  return sortedDistribution(finiteSorted(values));
}

/** distribution() of values already finite and sorted ascending. */
function sortedDistribution(finite: Float64Array | Int32Array): Distribution {
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

/** Per-prompt tie flags (tieFlags). */
export const TIE_ALL_EQUAL = 1;
export const TIE_ANY = 2;
export const TIE_MAX = 4;

/**
 * Per group of `values` (CSR `offsets`; non-finite entries left out): TIE_ALL_EQUAL when its scores are all equal,
 * TIE_ANY when two are equal, TIE_MAX when the two largest are. Groups of fewer than two scores have none. Sorts
 * each group in one reused scratch column (no allocation per prompt). Runs where the batch is (a worker).
 */
export function tieFlags(values: Float64Array, offsets: Int32Array): Uint8Array {
  const groups = offsets.length - 1;
  const flags = new Uint8Array(groups);
  let scratch = new Float64Array(64);
  for (let i = 0; i < groups; i++) {
    const e = offsets[i + 1]!;
    if (scratch.length < e - offsets[i]!) scratch = new Float64Array(2 * (e - offsets[i]!));
    let m = 0;
    for (let k = offsets[i]!; k < e; k++) {
      const v = values[k]!;
      if (!Number.isFinite(v)) continue;
      // Insertion sort as the scores arrive (-0 and 0 are equal here, as for ===).
      let j = m++;
      while (j > 0 && scratch[j - 1]! > v) {
        scratch[j] = scratch[j - 1]!;
        j--;
      }
      scratch[j] = v;
    }
    if (m < 2) continue;
    let f = 0;
    if (scratch[0] === scratch[m - 1]) f |= TIE_ALL_EQUAL;
    for (let k = 1; k < m; k++) {
      if (scratch[k] === scratch[k - 1]) {
        f |= TIE_ANY;
        break;
      }
    }
    if (scratch[m - 1] === scratch[m - 2]) f |= TIE_MAX;
    flags[i] = f;
  }
  return flags;
}

/** Collects per-prompt statistics chunk by chunk and summarizes them at the end. */
export class ScoreSummaryCollector {
  /** Scored candidates per prompt (an integer: 4 bytes, not 8). */
  private readonly count = new GrowI32();
  private readonly mean = new GrowF64();
  private readonly std = new GrowF64();
  private readonly min = new GrowF64();
  private readonly max = new GrowF64();
  private scored = 0;
  private allEqual = 0;
  private withTies = 0;
  private maxTied = 0;
  private below = 0;

  /**
   * Adds one chunk: `stats` for its groups and their tieFlags. `expected` (the prompts of the whole input, when
   * estimated) sizes the columns once instead of doubling them.
   */
  add(stats: GroupStats, flags: Uint8Array, expected = 0): void {
    const g = stats.count.length;
    growAll([this.count, this.mean, this.std, this.min, this.max], this.count.n + g, expected);
    for (let i = 0; i < g; i++) {
      const n = stats.count[i]!;
      this.count.push(n);
      this.mean.push(stats.mean[i]!);
      this.std.push(stats.std[i]!);
      this.min.push(stats.min[i]!);
      this.max.push(stats.max[i]!);
      this.scored += n;
      if (n >= 2 && stats.min[i]! < stats.mean[i]! - 2 * stats.std[i]!) this.below++;
      const f = flags[i]!;
      if (f & TIE_ALL_EQUAL) this.allEqual++;
      if (f & TIE_ANY) this.withTies++;
      if (f & TIE_MAX) this.maxTied++;
    }
  }

  /** Prompts added so far. */
  get prompts(): number {
    return this.count.n;
  }

  /**
   * The summary so far. Each column is summarised in place (sorted, no copy: a distribution does not depend on the
   * order of the prompts), so a summary adds no memory to the columns'.
   */
  summary(): ScoreSummary {
    const prompts = this.count.n;
    return {
      prompts,
      scored_candidates: this.scored,
      per_prompt: {
        count: sortedDistribution(this.count.values().sort()),
        mean: sortedDistribution(sortFiniteInPlace(this.mean.values())),
        std: sortedDistribution(sortFiniteInPlace(this.std.values())),
        min: sortedDistribution(sortFiniteInPlace(this.min.values())),
        max: sortedDistribution(sortFiniteInPlace(this.max.values())),
      },
      ties: { prompts_all_equal: this.allEqual, prompts_with_ties: this.withTies, prompts_max_tied: this.maxTied },
      min_below_mu_minus_2sigma: { prompts: this.below, share: prompts ? this.below / prompts : null },
    };
  }
}
