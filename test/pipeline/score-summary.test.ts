// stats' tie flags, computed per batch where the batch runs: held to a plain sort-and-compare oracle.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GroupStats } from '../../src/kernels/groups.js';
import { distribution, ScoreSummaryCollector, TIE_ALL_EQUAL, TIE_ANY, TIE_MAX, tieFlags } from '../../src/pipeline/score-summary.js';

function oracle(groups: number[][]): number[] {
  return groups.map((g) => {
    const s = g.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
    if (s.length < 2) return 0;
    let f = 0;
    if (s[0] === s[s.length - 1]) f |= TIE_ALL_EQUAL;
    if (s.some((v, i) => i > 0 && v === s[i - 1])) f |= TIE_ANY;
    if (s[s.length - 1] === s[s.length - 2]) f |= TIE_MAX;
    return f;
  });
}

describe('tieFlags', () => {
  it('hand cases', () => {
    const groups = [[1, 2, 3], [2, 2, 2], [3, 1, 3], [1, 1, 2], [0, -0], [Number.NaN, 5, 5], [Infinity, 4, Infinity], [7], []];
    const offsets = Int32Array.from([0, ...groups.map((_, i) => groups.slice(0, i + 1).flat().length)]);
    const flags = Array.from(tieFlags(Float64Array.from(groups.flat()), offsets));
    expect(flags).toEqual([0, TIE_ALL_EQUAL | TIE_ANY | TIE_MAX, TIE_ANY | TIE_MAX, TIE_ANY, TIE_ALL_EQUAL | TIE_ANY | TIE_MAX, TIE_ALL_EQUAL | TIE_ANY | TIE_MAX, 0, 0, 0]);
  });

  it('equals the oracle on groups with few distinct values, +-0, NaN and infinities, small and large', () => {
    const v = fc.oneof(fc.constantFrom(0, -0, 1, 2, Number.NaN, Infinity, -Infinity, 5e-324), fc.double());
    fc.assert(
      fc.property(fc.array(fc.array(v, { maxLength: 150 }), { maxLength: 20 }), (groups) => {
        const offsets = Int32Array.from([0, ...groups.map((_, i) => groups.slice(0, i + 1).flat().length)]);
        expect(Array.from(tieFlags(Float64Array.from(groups.flat()), offsets))).toEqual(oracle(groups));
      }),
      { numRuns: 300 },
    );
  });
});

describe('ScoreSummaryCollector', () => {
  // The collector sorts its own columns in place when it summarises: the result must not depend on that, on a second
  // summary, or on prompts added after one.
  const stat = fc.oneof(fc.constantFrom(0, -0, 1, 2, Number.NaN, Infinity, -Infinity, 5e-324, Number.MAX_VALUE), fc.double());
  const prompt = fc.record({ count: fc.integer({ min: 0, max: 20 }), mean: stat, std: stat, min: stat, max: stat });
  const statsOf = (ps: { count: number; mean: number; std: number; min: number; max: number }[]): GroupStats =>
    ({
      count: Int32Array.from(ps, (p) => p.count),
      mean: Float64Array.from(ps, (p) => p.mean),
      std: Float64Array.from(ps, (p) => p.std),
      min: Float64Array.from(ps, (p) => p.min),
      max: Float64Array.from(ps, (p) => p.max),
    }) as unknown as GroupStats;
  const expected = (ps: { count: number; mean: number; std: number; min: number; max: number }[]) => {
    const s = statsOf(ps);
    return { count: distribution(Float64Array.from(s.count)), mean: distribution(s.mean), std: distribution(s.std), min: distribution(s.min), max: distribution(s.max) };
  };

  it('per-prompt distributions equal distribution() of the columns, again after a summary and after more prompts', () => {
    fc.assert(
      fc.property(fc.array(prompt, { maxLength: 60 }), fc.array(prompt, { maxLength: 30 }), (a, b) => {
        const c = new ScoreSummaryCollector();
        c.add(statsOf(a), new Uint8Array(a.length));
        expect(c.summary().per_prompt).toEqual(expected(a));
        expect(c.summary().per_prompt).toEqual(expected(a));
        c.add(statsOf(b), new Uint8Array(b.length));
        const s = c.summary();
        expect(s.per_prompt).toEqual(expected([...a, ...b]));
        expect(s.prompts).toBe(a.length + b.length);
      }),
      { numRuns: 300 },
    );
  });
});
