// The report's statistics over values read in chunks (bounded memory, no sorted copy): robustRangeOf, summaryOf,
// binSeries, heatmapGrid and pearsonOf. robustRangeOf and summaryOf are held to plain oracles written here over the
// whole array (a sort, a plain sum of values whose sum is exact, the type-7 quantile formula); binSeries, heatmapGrid
// and pearsonOf account for every value and are shown not to depend on how the values are cut into chunks (pearsonOf
// also against numpy's value).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pearsonOf, type PairChunks } from '../../src/numeric.js';
import { binSeries, heatmapGrid, summaryOf } from '../../src/report/index.js';
import { robustRangeOf, type RobustRange } from '../../src/report/scale.js';
import { chunked } from '../helpers/chunks.js';

function pairsChunked(xs: readonly number[], ys: readonly number[], sizes: readonly number[]): PairChunks {
  const cx: Float64Array[] = [];
  const cy: Float64Array[] = [];
  chunked(xs, sizes)((c) => cx.push(c.slice()));
  let at = 0;
  for (const c of cx) {
    cy.push(Float64Array.from(ys.slice(at, at + c.length)));
    at += c.length;
  }
  return (each) => cx.forEach((c, k) => each(c, cy[k]!));
}

/** Type-7 quantile of sorted values. */
function q7(v: readonly number[], q: number): number {
  const h = (v.length - 1) * q;
  const i = Math.floor(h);
  const j = Math.min(v.length - 1, i + 1);
  return h === i || v[i] === v[j] ? v[i]! : v[i]! + (h - i) * (v[j]! - v[i]!);
}

/** The robust range as the report drew it before it read chunks: a sorted copy, fences, the longest run. */
function plainRange(values: readonly number[]): RobustRange | undefined {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  const n = v.length;
  if (n === 0) return undefined;
  let lo = v[0]!;
  let hi = v[n - 1]!;
  let below = 0;
  let above = 0;
  if (n >= 20) {
    const a = q7(v, 0.01);
    const b = q7(v, 0.99);
    const half = b / 2 - a / 2;
    if (half > 0) {
      const fl = a - 2 * half;
      const fh = b + 2 * half;
      below = v.filter((x) => x < fl).length;
      above = v.filter((x) => x > fh).length;
      lo = v[below]!;
      hi = v[n - above - 1]!;
    }
  }
  let best = 0;
  let bestValue = NaN;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && v[j] === v[i]) j++;
    if (j - i > best) [best, bestValue] = [j - i, v[i]!];
    i = j;
  }
  const out: RobustRange = { n, min: v[0]!, max: v[n - 1]!, lo, hi, below, above };
  if (best >= 5 && best >= 0.1 * n && n > best) out.pile = { value: bestValue, count: best };
  return out;
}

// Values with piles (small integers repeat), far outliers, infinities, NaN and the extremes.
const value = fc.oneof(
  { weight: 5, arbitrary: fc.double({ min: -100, max: 100, noNaN: true }) },
  { weight: 4, arbitrary: fc.integer({ min: -3, max: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(1e6, -1e7, Infinity, -Infinity, NaN, Number.MAX_VALUE, -Number.MAX_VALUE, 5e-324, 0) },
);
const sizes = fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 8 });

/** +0 for -0, so a comparison does not tell them apart (the order statistics give +0). */
const z = (x: number | undefined): number | undefined => (x === 0 ? 0 : x);
const norm = (r: RobustRange | undefined) => r && { ...r, min: z(r.min), max: z(r.max), lo: z(r.lo), hi: z(r.hi), pile: r.pile && { ...r.pile, value: z(r.pile.value) } };

describe('report statistics over chunks', () => {
  it('robustRangeOf gives the sorted copy\'s range, fences, counts and pile, over any chunking', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 300 }), sizes, (xs, cut) => {
        expect(norm(robustRangeOf([chunked(xs, cut)]))).toEqual(norm(plainRange(xs)));
        // Two series count as their concatenation.
        const k = Math.floor(xs.length / 2);
        expect(norm(robustRangeOf([chunked(xs.slice(0, k), cut), chunked(xs.slice(k), cut)]))).toEqual(norm(plainRange(xs)));
      }),
      { numRuns: 400 },
    );
  });

  it('finds a pile of exactly a tenth of the values wherever it lies in the order', () => {
    for (const at of [-5, 0.5, 99]) {
      const xs = [...Array.from({ length: 90 }, (_, i) => i / 10 + 0.001), ...new Array(10).fill(at)];
      expect(robustRangeOf([chunked(xs, [7])])!.pile).toEqual({ value: at, count: 10 });
    }
    // Nine of a hundred is not a pile.
    expect(robustRangeOf([chunked([...Array.from({ length: 91 }, (_, i) => i), ...new Array(9).fill(3.5)], [])])!.pile).toBeUndefined();
  });

  it('summaryOf: exact mean, std, min, quartiles and max of the finite values, over any chunking', () => {
    // Multiples of 1/8 below 2^40: every partial sum is exact, so the plain sum is the exact one.
    const exact = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }).map((i) => i / 8) }, { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity) });
    fc.assert(
      fc.property(fc.array(exact, { maxLength: 200 }), sizes, fc.constantFrom('population', 'sample') as fc.Arbitrary<'population' | 'sample'>, (xs, cut, std) => {
        const s = summaryOf(chunked(xs, cut), std);
        const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
        expect(s.count).toBe(v.length);
        if (v.length === 0) {
          expect(s.mean).toBeNaN();
          return;
        }
        const mean = v.reduce((a, b) => a + b, 0) / v.length;
        expect(s.mean).toBe(mean);
        const dof = std === 'sample' ? v.length - 1 : v.length;
        const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / dof);
        if (dof === 0) expect(s.std).toBeNaN();
        else expect(Math.abs(s.std - sd)).toBeLessThanOrEqual(1e-9 * Math.max(1, sd));
        expect([s.min, s.p25, s.median, s.p75, s.max].map(z)).toEqual([v[0], q7(v, 0.25), q7(v, 0.5), q7(v, 0.75), v[v.length - 1]].map(z));
      }),
      { numRuns: 300 },
    );
  });

  it('summaryOf does not overflow at the largest double and keeps subnormals', () => {
    const big = summaryOf(chunked([Number.MAX_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MAX_VALUE], [1]));
    // Mean max/2; deviations +-max/2 and -1.5 max: std = max * sqrt((3 * 0.25 + 2.25) / 4) = max * sqrt(0.75).
    expect(big.mean).toBe(Number.MAX_VALUE / 2);
    expect(big.std / Number.MAX_VALUE).toBeCloseTo(Math.sqrt(0.75), 12);
    const tiny = summaryOf(chunked([5e-324, 1e-323, 1.5e-323], []));
    expect(tiny.mean).toBe(1e-323);
    expect(tiny.std).toBeGreaterThan(0);
  });

  it('binSeries and heatmapGrid do not depend on the chunking', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 200 }), fc.array(value, { maxLength: 200 }), sizes, (xs, ys, cut) => {
        const whole = binSeries([chunked(xs, [])], [0.5]);
        expect(binSeries([chunked(xs, cut)], [0.5])).toEqual(whole);
        if (whole) {
          // Every value is binned, or counted below, above or as non-finite.
          const total = whole.counts[0]!.reduce((a, b) => a + b, 0) + whole.below + whole.above + whole.nonFinite;
          expect(total).toBe(xs.length);
        }
        const n = Math.min(xs.length, ys.length);
        const x = xs.slice(0, n);
        const y = ys.slice(0, n);
        const g = heatmapGrid(pairsChunked(x, y, cut));
        expect(heatmapGrid(pairsChunked(x, y, []))).toEqual(g);
        expect(g.counts.reduce((a, b) => a + b, 0) + g.outside + g.skipped).toBe(n);
        expect(g.skipped).toBe(x.filter((v, i) => !Number.isFinite(v) || !Number.isFinite(y[i]!)).length);
      }),
      { numRuns: 200 },
    );
  });

  it('pearsonOf does not depend on the chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(value, value), { maxLength: 120 }), sizes, (ps, cut) => {
        const x = ps.map((p) => p[0]);
        const y = ps.map((p) => p[1]);
        const r = pearsonOf(pairsChunked(x, y, cut));
        const want = pearsonOf(pairsChunked(x, y, []));
        if (want === null) expect(r).toBeNull();
        else expect(r!).toBeCloseTo(want, 9);
      }),
      { numRuns: 200 },
    );
    // Hand-checked: numpy.corrcoef([25, -9, 0], [3.4, 0.8, 2.1])[0, 1] = 0.96501643.
    expect(pearsonOf(pairsChunked([25, -9, 0], [3.4, 0.8, 2.1], [1]))).toBeCloseTo(0.96501643, 7);
  });
});
