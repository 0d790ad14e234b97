// TRL's logged DPO metrics from a dpoLosses result: the names and meanings of DPOTrainer's log
// (rewards/*, logps/*) plus loss/<type>, as means over rows.
import type { LossResult, LossType } from '../kernels/losses.js';

export interface DpoMetrics {
  /** Metric name -> mean over rows (null when no row has a value). */
  metrics: Record<string, number | null>;
  /** Rows that entered each loss mean (fewer than n for rating losses on rows without a rating). */
  counts: Partial<Record<LossType, number>>;
}

function mean(x: ArrayLike<number>): { value: number | null; count: number } {
  let s = 0;
  let k = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isNaN(v)) continue; // a missing rating, never a silent NaN in the mean
    s += v;
    k++;
  }
  return { value: k > 0 ? s / k : null, count: k };
}

/**
 * TRL's metrics: `rewards/chosen` and `rewards/rejected` (mean beta * log-ratio), `rewards/accuracies` (share of
 * rows with chosen reward strictly above rejected), `rewards/margins`, `logps/chosen` and `logps/rejected`
 * (mean summed policy log-prob), and `loss/<type>` (mean per-row loss). O(n * losses).
 */
export function dpoMetrics(result: LossResult, policyChosen: ArrayLike<number>, policyRejected: ArrayLike<number>): DpoMetrics {
  const n = result.margin.length;
  let acc = 0;
  for (let i = 0; i < n; i++) if (result.chosenReward[i]! > result.rejectedReward[i]!) acc++;
  const metrics: Record<string, number | null> = {
    'rewards/chosen': mean(result.chosenReward).value,
    'rewards/rejected': mean(result.rejectedReward).value,
    'rewards/accuracies': n > 0 ? acc / n : null,
    'rewards/margins': mean(result.margin).value,
    'logps/chosen': mean(policyChosen).value,
    'logps/rejected': mean(policyRejected).value,
  };
  const counts: Partial<Record<LossType, number>> = {};
  for (const [type, values] of Object.entries(result.loss) as [LossType, Float64Array][]) {
    const m = mean(values);
    metrics[`loss/${type}`] = m.value;
    counts[type] = m.count;
  }
  return { metrics, counts };
}
