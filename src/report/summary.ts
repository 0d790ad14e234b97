// Distribution summaries (Pan et al. Table 5: n, mean, std, min, quartiles, max) over values read in chunks, in
// bounded memory (no sorted copy): exact mean, a rescaled second pass for the std, order statistics for the rest.
import type { GroupKernels } from '../kernels/groups.js';
import { chunksOf, exactMean, finiteChunks, pearsonOf, quantilesOf, sortIndices, type Chunks } from '../numeric.js';
import type { Summary } from './types.js';

/** The group kernels the report computes with: an Engine (any backend) fits. */
export type ReportKernels = Pick<GroupKernels, 'groupStats' | 'pickPositions' | 'zscores'>;

const EMPTY: Summary = { count: 0, mean: NaN, std: NaN, min: NaN, p25: NaN, median: NaN, p75: NaN, max: NaN };

/** Summary of the finite values of an array (count 0 and NaN fields when there are none); see summaryOf. */
export function summarize(values: ArrayLike<number>, std: 'population' | 'sample' = 'population'): Summary {
  return summaryOf(chunksOf(values), std);
}

/**
 * Summary of the finite values of `chunks`, in bounded memory: the mean is their exactly rounded sum over n (exactMean),
 * the std a second pass over the values divided by their largest magnitude (no overflow or underflow for any finite
 * input), min, quartiles (linear interpolation, as numpy) and max from order statistics (quantilesOf).
 */
export function summaryOf(chunks: Chunks, std: 'population' | 'sample' = 'population'): Summary {
  const finite = finiteChunks(chunks);
  const { n, mean } = exactMean(finite);
  if (n === 0) return { ...EMPTY };
  const { min, max, q } = quantilesOf(finite, [0.25, 0.5, 0.75]);
  const scale = Math.max(Math.abs(min), Math.abs(max));
  let ss = 0;
  if (scale > 0) {
    const m = mean / scale;
    finite((c) => {
      for (let i = 0; i < c.length; i++) {
        const v = c[i]!;
        if (Number.isNaN(v)) continue;
        const d = v / scale - m;
        ss += d * d;
      }
    });
  }
  const dof = std === 'sample' ? n - 1 : n;
  return { count: n, mean, std: dof > 0 ? scale * Math.sqrt(ss / dof) : Number.NaN, min, p25: q[0]!, median: q[1]!, p75: q[2]!, max };
}

/** Ranks 1..n of the finite values (ties share their average rank); NaN where the value is not finite. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) n++;
  const idx = new Int32Array(n);
  for (let i = 0, k = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) idx[k++] = i;
  sortIndices(idx, (a, b) => values[a]! - values[b]!);
  const r = new Float64Array(values.length).fill(NaN);
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && values[idx[j]!] === values[idx[i]!]) j++;
    const avg = (i + 1 + j) / 2;
    for (let t = i; t < j; t++) r[idx[t]!] = avg;
    i = j;
  }
  return r;
}

/** Spearman's rho: Pearson correlation of the average ranks, over indices where both values are finite. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const len = Math.min(x.length, y.length);
  let n = 0;
  for (let i = 0; i < len; i++) if (Number.isFinite(x[i]!) && Number.isFinite(y[i]!)) n++;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0, k = 0; i < len; i++) {
    if (Number.isFinite(x[i]!) && Number.isFinite(y[i]!)) {
      xs[k] = x[i]!;
      ys[k++] = y[i]!;
    }
  }
  const rx = averageRanks(xs);
  const ry = averageRanks(ys);
  return pearsonOf((each) => each(rx, ry));
}
