// The report's derived numbers on the hand-made fixture (expected values worked out in fixture.ts).
import { describe, expect, it } from 'vitest';
import { analysePools, pairSection, summarize } from '../../src/report/index.js';
import { ALL_BACKENDS, engineFor } from '../helpers/engines.js';
import { POOLS } from './fixture.js';

describe('analysePools on the hand-made fixture', () => {
  const { pools, pairs } = analysePools(POOLS);

  it('counts prompts, candidates, exclusions and skips', () => {
    expect(pools.prompts).toBe(7);
    expect(pools.candidates).toBe(47);
    expect(pools.excludedNonFinite).toBe(1);
    expect(pools.analysed).toBe(5);
    expect(pools.skipped).toEqual({ no_spread: 1, insufficient_samples: 1 });
  });

  it('finds where sweet spot and max-min differ, and how far below mu the minimum sits', () => {
    expect(pools.sweetDiffersFromMin).toBe(1);
    expect(pools.minBelow2Sigma).toBe(2);
    const want = [-3.7752, -2.12028, -1.805743, -1.224745, -1.507557];
    pools.zMin.forEach((z, i) => expect(z).toBeCloseTo(want[i]!, 3));
    expect(pools.zMinSummary.median).toBeCloseTo(-1.805743, 5);
    expect(pools.zMinSummary.p25).toBeCloseTo(-2.12028, 4);
    expect(pools.zMinSummary.p75).toBeCloseTo(-1.507557, 5);
    // Sweet-spot rejected of T1 is -1.8: z = (-1.8 + 0.025) / 1.5827 = -1.1215.
    expect(pools.zSweet[0]).toBeCloseTo(-1.1215, 3);
    expect(pools.topTies).toBe(1);
    expect(pools.z.length).toBe(20 + 10 + 5 + 3 + 4);
  });

  it('keeps sigma and the picks of the spec worked examples (T1: -1.8 not the -6.0 outlier)', () => {
    const t1 = pools.sample.find((v) => v.promptIndex === 0)!;
    expect(t1.mu).toBeCloseTo(-0.025, 12);
    expect(t1.sigma).toBeCloseTo(1.5827, 4);
    expect(t1.scores[t1.rejected]).toBe(-1.8);
    expect(t1.scores[t1.min]).toBe(-6.0);
    expect(t1.scores[t1.chosen]).toBe(1.6);
    const t2 = pools.sample.find((v) => v.promptIndex === 1)!;
    expect(t2.sigma).toBeCloseTo(0.207048, 6);
    const nan = pools.sample.find((v) => v.promptIndex === 4)!;
    expect(nan.scores).toEqual([1, NaN, 0, 2]);
    expect(nan.rejected).toBe(2);
    expect(nan.sigma).toBeCloseTo(Math.sqrt(2 / 3), 12);
  });

  it('chosen rank, percentile, gaps and ties', () => {
    expect(pairs.chosenRank).toEqual([1, 1, 2, 1, 1]);
    expect(pairs.chosenPercentile![2]).toBe(0.75);
    expect(pairs.chosen).toEqual([1.6, 0.9, 0.9, 2, 2]);
    expect(pairs.rejected).toEqual([-1.8, 0.1, -1.2, 0, 2]);
    [3.4, 0.8, 2.1, 2, 0].forEach((g, i) => expect(pairs.gap[i]).toBeCloseTo(g, 12));
    expect(pairs.ties).toBe(1);
    // Median of all 46 finite candidate scores: 18 are below 0.5 and 6 equal it, so values 23 and 24 are 0.5.
    // No chosen (all >= 0.9) is below it.
    expect(pairs.lowChosen).toEqual({ threshold: 0.5, count: 0 });
    expect(pairs.gapSummary.median).toBe(2);
    expect(pairs.gapSummary.mean).toBeCloseTo(1.66, 12);
  });

  it('sample std (ddof 1) and another rejected position', () => {
    // T3 with ddof 1: sigma = 0.9783 (spec T3).
    const r = analysePools([POOLS[2]!], { std: 'sample', rejectedK: -1 });
    expect(r.pools.sample[0]!.sigma).toBeCloseTo(0.9783, 4);
    // mu - sigma = 0.38 - 0.9783 = -0.598: nearest is 0.3 (distance 0.898) vs -1.2 (0.602) -> -1.2.
    expect(r.pools.zSweet[0]).toBeCloseTo((-1.2 - 0.38) / 0.9783, 3);
  });
});

describe('helpers', () => {
  it('summarize: Table-5 fields by linear interpolation; empty input gives count 0 and NaN', () => {
    const s = summarize([4, 1, 3, 2]);
    expect(s).toEqual({ count: 4, mean: 2.5, std: Math.sqrt(1.25), min: 1, p25: 1.75, median: 2.5, p75: 3.25, max: 4 });
    expect(summarize([NaN]).count).toBe(0);
    expect(summarize([]).median).toBeNaN();
  });

  it('pairSection counts ties and near-ties and skips non-finite pairs', () => {
    const q = pairSection([{ chosen: 1, rejected: 1 }, { chosen: 1, rejected: 0.95 }, { chosen: 2, rejected: 0 }, { chosen: NaN, rejected: 0 }], 0.1);
    expect(q.pairs).toBe(3);
    expect(q.ties).toBe(1);
    expect(q.nearTies).toBe(1);
  });
});

describe.each(ALL_BACKENDS)('analysePools on the %s engine', (backend) => {
  it("gives the same numbers as on the JS reference", () => {
    const engine = engineFor(backend);
    const want = analysePools(POOLS);
    const got = analysePools(POOLS, {}, engine);
    expect(got.pools.sweetDiffersFromMin).toBe(want.pools.sweetDiffersFromMin);
    expect(got.pools.skipped).toEqual(want.pools.skipped);
    got.pools.z.forEach((z, i) => expect(z).toBeCloseTo(want.pools.z[i]!, 12));
    got.pools.zMin.forEach((z, i) => expect(z).toBeCloseTo(want.pools.zMin[i]!, 12));
    expect(got.pairs.chosenRank).toEqual(want.pairs.chosenRank);
    expect(got.pairs.gap).toEqual(want.pairs.gap);
  });
});
