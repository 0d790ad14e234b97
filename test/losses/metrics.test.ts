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

  it('loss/total is the weighted sum of the per-loss means (TRL loss_weights), null when a term is', async () => {
    const { DpoMetricsAccumulator } = await import('../../src/losses/metrics.js');
    const acc = new DpoMetricsAccumulator();
    const z = Float64Array.from([0, 0]);
    acc.add({ loss: { sigmoid: Float64Array.from([1, 3]), sft: Float64Array.from([10, 10]), odpo: Float64Array.from([NaN, 4]) }, gradChosen: {}, gradRejected: {}, chosenReward: z, rejectedReward: z, margin: z }, z, z);
    // 0.5 * 2 + 2 * 10 + 0.25 * 4 (odpo's mean is over its one valid row)
    expect(acc.result(['sigmoid', 'sft', 'odpo'], [0.5, 2, 0.25]).metrics['loss/total']).toBe(22);
    expect(acc.result(['sigmoid', 'sft']).metrics['loss/total']).toBeUndefined();
    expect(() => acc.result(['sigmoid', 'sft'], [1])).toThrow(/1 loss weights for 2 loss types/);
    const empty = new DpoMetricsAccumulator();
    expect(empty.result(['sigmoid'], [1]).metrics['loss/total']).toBeNull();
  });

  it('empty input gives nulls, not NaN', () => {
    const e = new Float64Array(0);
    const { metrics } = dpoMetrics({ loss: { sigmoid: e }, gradChosen: {}, gradRejected: {}, chosenReward: e, rejectedReward: e, margin: e }, e, e);
    expect(metrics['rewards/accuracies']).toBeNull();
    expect(metrics['loss/sigmoid']).toBeNull();
  });
});

describe('DpoMetricsAccumulator', () => {
  it('adding consecutive slices gives exactly the metrics of one result', async () => {
    const { DpoMetricsAccumulator } = await import('../../src/losses/metrics.js');
    const n = 37;
    const f = (g: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => g(i));
    const result: LossResult = {
      loss: { sigmoid: f((i) => Math.sin(i) + 1.5), rdpo: f((i) => (i % 3 === 0 ? NaN : Math.cos(i))) },
      gradChosen: {},
      gradRejected: {},
      chosenReward: f((i) => Math.sin(i * 0.7) / 3),
      rejectedReward: f((i) => Math.cos(i * 0.3) / 7),
      margin: f((i) => Math.sin(i * 0.7) / 3 - Math.cos(i * 0.3) / 7),
    };
    const pc = f((i) => -10 - i / 3);
    const pr = f((i) => -12 - i / 7);
    const one = dpoMetrics(result, pc, pr);
    const acc = new DpoMetricsAccumulator();
    for (const [s, e] of [[0, 5], [5, 6], [6, 30], [30, 37]] as const) {
      const part: LossResult = {
        loss: { sigmoid: result.loss.sigmoid!.subarray(s, e), rdpo: result.loss.rdpo!.subarray(s, e) },
        gradChosen: {},
        gradRejected: {},
        chosenReward: result.chosenReward.subarray(s, e),
        rejectedReward: result.rejectedReward.subarray(s, e),
        margin: result.margin.subarray(s, e),
      };
      acc.add(part, pc.subarray(s, e), pr.subarray(s, e));
    }
    expect(acc.result()).toEqual(one);
    expect(one.counts).toEqual({ sigmoid: 37, rdpo: 24 });
    // the requested types fix the loss keys even with no rows
    expect(new DpoMetricsAccumulator().result(['sigmoid']).metrics['loss/sigmoid']).toBeNull();
  });
});
