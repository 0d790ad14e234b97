// dpoMetrics: TRL's metric names and meanings on a hand-made result (strict ">" for accuracy, NaN rows left out).
import { describe, expect, it } from 'vitest';
import type { LossResult } from '../../src/kernels/losses.js';
import { dpoMetrics } from '../../src/losses/metrics.js';

describe('dpoMetrics', () => {
  it('means over rows, ties are not accurate, missing ratings are counted apart', () => {
    const result: LossResult = {
      loss: { sigmoid: Float64Array.from([1, 2, 3]), rdpo: Float64Array.from([4, NaN, 6]) },
      gradChosen: {},
      gradRejected: {},
      chosenReward: Float64Array.from([0.2, 0.1, -0.3]),
      rejectedReward: Float64Array.from([0.1, 0.1, 0.3]),
      margin: Float64Array.from([0.1, 0, -0.6]),
    };
    const { metrics, counts } = dpoMetrics(result, [-10, -20, -30], [-1, -2, -3]);
    expect(metrics['rewards/accuracies']).toBeCloseTo(1 / 3, 15);
    expect(metrics['rewards/chosen']).toBeCloseTo(0, 15);
    expect(metrics['rewards/rejected']).toBeCloseTo(0.5 / 3, 15);
    expect(metrics['rewards/margins']).toBeCloseTo(-0.5 / 3, 15);
    expect(metrics['logps/chosen']).toBe(-20);
    expect(metrics['logps/rejected']).toBe(-2);
    expect(metrics['loss/sigmoid']).toBe(2);
    expect(metrics['loss/rdpo']).toBe(5);
    expect(counts).toEqual({ sigmoid: 3, rdpo: 2 });
  });

  it('empty input gives nulls, not NaN', () => {
    const e = new Float64Array(0);
    const { metrics } = dpoMetrics({ loss: { sigmoid: e }, gradChosen: {}, gradRejected: {}, chosenReward: e, rejectedReward: e, margin: e }, e, e);
    expect(metrics['rewards/accuracies']).toBeNull();
    expect(metrics['loss/sigmoid']).toBeNull();
  });
});
