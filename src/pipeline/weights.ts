// Rating-gap weights (spec losses.md 3.6): a per-pair `weight` column from the score gap g = score_chosen -
// score_rejected, for trainers that accept per-example weights:
//   weight_i = max(g_i, 0) / mean_j max(g_j, 0)      (over the pairs with a finite gap)
// so the mean weight is 1 and a mean-reduced loss keeps its scale; a pair with twice the average gap counts twice.
// A missing gap gets no weight (null, counted), never a synthesised 0; a negative gap (label and scores disagree)
// gets weight 0 and is counted. If every gap is 0 all weights are 1.

export interface WeightReport {
  /** Mean of max(g, 0) over finite gaps (the normaliser). */
  meanGap: number;
  missing: number;
  negative: number;
}

/** Accumulates the normaliser over a stream of gaps (first pass). */
export class GapAccumulator {
  private sum = 0;
  private count = 0;
  missing = 0;
  negative = 0;
  add(g: number): void {
    if (!Number.isFinite(g)) {
      this.missing++;
      return;
    }
    if (g < 0) this.negative++;
    this.sum += Math.max(g, 0);
    this.count++;
  }
  report(): WeightReport {
    return { meanGap: this.count > 0 ? this.sum / this.count : Number.NaN, missing: this.missing, negative: this.negative };
  }
}

/** The weight of one gap given the normaliser (NaN for a missing gap: write null). */
export function gapWeight(g: number, meanGap: number): number {
  if (!Number.isFinite(g)) return Number.NaN;
  if (!(meanGap > 0)) return 1;
  return Math.max(g, 0) / meanGap;
}

/** Weights of a column of gaps. */
export function ratingGapWeights(gaps: ArrayLike<number>): { weight: Float64Array; report: WeightReport } {
  const acc = new GapAccumulator();
  for (let i = 0; i < gaps.length; i++) acc.add(gaps[i]!);
  const report = acc.report();
  const weight = new Float64Array(gaps.length);
  for (let i = 0; i < gaps.length; i++) weight[i] = gapWeight(gaps[i]!, report.meanGap);
  return { weight, report };
}
