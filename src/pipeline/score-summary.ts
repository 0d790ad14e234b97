// Dataset-level summary of per-prompt score statistics (for `pairsmith stats`): distributions of the
// per-prompt mean/std/min/max across prompts, tie counts, and how often the minimum lies below mu - 2 sigma.
// Memory: five numbers per prompt in SpillColumns (in blocks, to a spool when one is given and they grow), never the
// candidates themselves; the quantiles are exact order statistics read from the columns (orderStatistics).
import { exactMean, quantilesOf, type Chunks } from '../numeric.js';
import type { GroupStats } from '../kernels/groups.js';
import { SpillColumn, type Spool } from '../io/spool.js';

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

const QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

/** Non-finite values become NaN, which the sum and the order statistics leave out. */
const finiteOrNaN = (v: number): number => (Number.isFinite(v) ? v : Number.NaN);

/** The distribution of the finite values of `values` (-0 counts as +0). */
export function distribution(values: ArrayLike<number>): Distribution {
  const c = Float64Array.from(values, finiteOrNaN);
  return distributionOf((each) => each(c));
}

/**
 * The distribution of the values of `chunks`, each finite or NaN (NaN left out; -0 counts as +0): the mean of their exact sum (so it does not
 * depend on their order: scaled by 2^-64 when that sum overflows), min and max, and the quantiles by linear
 * interpolation between order statistics (quantileSorted), which are found without sorting a copy (orderStatistics).
 */
function distributionOf(finite: Chunks): Distribution {
  const { n, mean } = exactMean(finite);
  if (n === 0) return { mean: null, min: null, p05: null, p25: null, median: null, p75: null, p95: null, max: null };
  const { min, max, q } = quantilesOf(finite, QUANTILES);
  return { mean, min, p05: q[0]!, p25: q[1]!, median: q[2]!, p75: q[3]!, p95: q[4]!, max };
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
  /** Scored candidates per prompt. */
  private readonly count: SpillColumn;
  private readonly mean: SpillColumn;
  private readonly std: SpillColumn;
  private readonly min: SpillColumn;
  private readonly max: SpillColumn;
  private scored = 0;
  private allEqual = 0;
  private withTies = 0;
  private maxTied = 0;
  private below = 0;

  /**
   * With a spool, the per-prompt columns go to it once each holds more than `keepBytes` (1 MiB), so memory does not
   * grow with the number of prompts; the caller closes the spool after the last summary.
   */
  constructor(spool?: Spool, keepBytes?: number) {
    const col = () => new SpillColumn(spool, keepBytes);
    this.count = col();
    this.mean = col();
    this.std = col();
    this.min = col();
    this.max = col();
  }

  /** Adds one chunk: `stats` for its groups and their tieFlags. */
  add(stats: GroupStats, flags: Uint8Array): void {
    const g = stats.count.length;
    for (let i = 0; i < g; i++) {
      const n = stats.count[i]!;
      this.count.push(n);
      this.mean.push(finiteOrNaN(stats.mean[i]!));
      this.std.push(finiteOrNaN(stats.std[i]!));
      this.min.push(finiteOrNaN(stats.min[i]!));
      this.max.push(finiteOrNaN(stats.max[i]!));
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

  /** The summary so far (the columns are only read: more prompts may follow). */
  summary(): ScoreSummary {
    const prompts = this.count.n;
    const of = (c: SpillColumn): Distribution => distributionOf((each) => c.forEach(each));
    return {
      prompts,
      scored_candidates: this.scored,
      per_prompt: { count: of(this.count), mean: of(this.mean), std: of(this.std), min: of(this.min), max: of(this.max) },
      ties: { prompts_all_equal: this.allEqual, prompts_with_ties: this.withTies, prompts_max_tied: this.maxTied },
      min_below_mu_minus_2sigma: { prompts: this.below, share: prompts ? this.below / prompts : null },
    };
  }
}
