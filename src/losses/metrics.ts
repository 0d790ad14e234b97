// TRL's logged DPO metrics from dpoLosses results: the names and meanings of DPOTrainer's log
// (rewards/*, logps/*) plus loss/<type> as means over rows, and with loss weights loss/total = sum_k w_k loss/<k>
// (TRL's `loss`). Running sums, so a run over many chunks keeps O(losses) state and gives the same means as one
// result over all rows (same summation order).
import type { LossResult, LossType } from '../kernels/losses.js';

export interface DpoMetrics {
  /** Metric name -> mean over rows (null when no row has a value). */
  metrics: Record<string, number | null>;
  /** Rows that entered each loss mean (fewer than n for a loss that cannot use some rows). */
  counts: Partial<Record<LossType, number>>;
}

/** A running mean that skips NaN (a row the loss cannot use, never a silent NaN in the mean). */
class Mean {
  sum = 0;
  count = 0;
  add(x: ArrayLike<number>): void {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (Number.isNaN(v)) continue;
      this.sum += v;
      this.count++;
    }
  }
  get value(): number | null {
    return this.count > 0 ? this.sum / this.count : null;
  }
}

/**
 * Accumulates TRL's metrics over consecutive results: `rewards/chosen` and `rewards/rejected` (mean beta *
 * log-ratio), `rewards/accuracies` (share of rows with chosen reward strictly above rejected),
 * `rewards/margins`, `logps/chosen` and `logps/rejected` (mean summed policy log-prob), and `loss/<type>`
 * (mean per-row loss). O(n * losses) per add.
 */
export class DpoMetricsAccumulator {
  private rows = 0;
  private accurate = 0;
  private readonly chosen = new Mean();
  private readonly rejected = new Mean();
  private readonly margins = new Mean();
  private readonly logpsChosen = new Mean();
  private readonly logpsRejected = new Mean();
  private readonly losses = new Map<LossType, Mean>();

  add(result: LossResult, policyChosen: ArrayLike<number>, policyRejected: ArrayLike<number>): void {
    const n = result.margin.length;
    for (let i = 0; i < n; i++) if (result.chosenReward[i]! > result.rejectedReward[i]!) this.accurate++;
    this.rows += n;
    this.chosen.add(result.chosenReward);
    this.rejected.add(result.rejectedReward);
    this.margins.add(result.margin);
    this.logpsChosen.add(policyChosen);
    this.logpsRejected.add(policyRejected);
    for (const [type, values] of Object.entries(result.loss) as [LossType, Float64Array][]) {
      let m = this.losses.get(type);
      if (!m) this.losses.set(type, (m = new Mean()));
      m.add(values);
    }
  }

  /**
   * The metrics so far; `types` fixes the loss keys (and their order) even when no row was added. With `weights`
   * (one per type), `loss/total` is sum_k weights[k] * loss/<types[k]> as TRL's combined loss (null when a term is).
   */
  result(types?: readonly LossType[], weights?: readonly number[]): DpoMetrics {
    const metrics: Record<string, number | null> = {
      'rewards/chosen': this.chosen.value,
      'rewards/rejected': this.rejected.value,
      'rewards/accuracies': this.rows > 0 ? this.accurate / this.rows : null,
      'rewards/margins': this.margins.value,
      'logps/chosen': this.logpsChosen.value,
      'logps/rejected': this.logpsRejected.value,
    };
    const counts: Partial<Record<LossType, number>> = {};
    for (const type of types ?? this.losses.keys()) {
      const m = this.losses.get(type);
      metrics[`loss/${type}`] = m?.value ?? null;
      counts[type] = m?.count ?? 0;
    }
    if (weights !== undefined && types !== undefined) {
      if (weights.length !== types.length) throw new RangeError(`pairsmith: ${weights.length} loss weights for ${types.length} loss types`);
      let total: number | null = 0;
      types.forEach((type, k) => {
        const v = metrics[`loss/${type}`];
        total = total === null || v === null || v === undefined ? null : total + weights[k]! * v;
      });
      metrics['loss/total'] = total;
    }
    return { metrics, counts };
  }
}

/** TRL's metrics of one result (see DpoMetricsAccumulator). */
export function dpoMetrics(result: LossResult, policyChosen: ArrayLike<number>, policyRejected: ArrayLike<number>): DpoMetrics {
  const acc = new DpoMetricsAccumulator();
  acc.add(result, policyChosen, policyRejected);
  return acc.result();
}
