// Distribution summaries (Pan et al. Table 5: n, mean, std, min, quartiles, max) computed on the engine: count,
// mean, std, min and max come from its groupStats kernel (one group), which rescales sums and squares so values
// near the largest double do not overflow; quartiles by linear interpolation over a sorted copy.
import type { GroupKernels } from '../kernels/groups.js';
import { pearson, quantileSorted } from '../numeric.js';
import type { Summary } from './types.js';

/** The group kernels the report computes with: an Engine (any backend) fits. */
export type ReportKernels = Pick<GroupKernels, 'groupStats' | 'pickPositions' | 'zscores'>;

const EMPTY: Summary = { count: 0, mean: NaN, std: NaN, min: NaN, p25: NaN, median: NaN, p75: NaN, max: NaN };

/** Summary of the finite values (count 0 and NaN fields when there are none). O(n log n). */
export function summarize(values: ArrayLike<number>, engine: ReportKernels, std: 'population' | 'sample' = 'population'): Summary {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) n++;
  if (n === 0) return { ...EMPTY };
  const v = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) v[k++] = values[i]!;
  const s = engine.groupStats(v, Int32Array.of(0, n), { std });
  v.sort();
  return {
    count: n,
    mean: s.mean[0]!,
    std: s.std[0]!,
    min: v[0]!,
    p25: quantileSorted(v, 0.25),
    median: quantileSorted(v, 0.5),
    p75: quantileSorted(v, 0.75),
    max: v[n - 1]!,
  };
}

/** Ranks 1..n of the finite values (ties share their average rank); NaN where the value is not finite. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const idx: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) idx.push(i);
  idx.sort((a, b) => values[a]! - values[b]! || a - b);
  const r = new Float64Array(values.length).fill(NaN);
  for (let i = 0; i < idx.length; ) {
    let j = i + 1;
    while (j < idx.length && values[idx[j]!] === values[idx[i]!]) j++;
    const avg = (i + 1 + j) / 2;
    for (let t = i; t < j; t++) r[idx[t]!] = avg;
    i = j;
  }
  return r;
}

/** Spearman's rho: Pearson correlation of the average ranks, over indices where both values are finite. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const n = Math.min(x.length, y.length);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(x[i]!) && Number.isFinite(y[i]!)) {
      xs.push(x[i]!);
      ys.push(y[i]!);
    }
  }
  return pearson(averageRanks(xs), averageRanks(ys));
}
