// Axes, bins and ranges for any finite doubles: hand-checked steps, bin counts and edges for ordinary data, and
// bounded, finite results for spans that overflow, +-max double, subnormals and 1e-170 spreads (issue #12: the
// binning returned n: Infinity and the process died).
import { describe, expect, it } from 'vitest';
import { FixedBins } from '../../src/report/bins.js';
import { MAX_BINS, MAX_TICKS, niceAxis, robustRange, ticks, ulp } from '../../src/report/scale.js';
import { pearsonOf, quantileSorted } from '../../src/numeric.js';

const pearson = (x: number[], y: number[]): number | null => pearsonOf((each) => each(Float64Array.from(x), Float64Array.from(y)));

const MAX = Number.MAX_VALUE;
const MIN = Number.MIN_VALUE;
const M = '\u2212';

/** Bin counts of values on an axis, with the values outside. */
function count(values: number[], lo: number, hi: number, bins = 24) {
  const a = niceAxis(lo, hi, bins);
  const c = new Array<number>(a.n).fill(0);
  let outside = 0;
  for (const v of values) {
    const b = a.bin(v);
    if (b >= 0 && b < a.n) c[b]!++;
    else outside++;
  }
  return { a, c, outside };
}

function wellFormed(a: ReturnType<typeof niceAxis>): void {
  expect(Number.isInteger(a.n)).toBe(true);
  expect(a.n).toBeGreaterThanOrEqual(1);
  expect(a.n).toBeLessThanOrEqual(MAX_BINS);
  for (let k = 0; k <= a.n; k++) expect(Number.isFinite(a.edge(k))).toBe(true);
  expect(a.ticks.length).toBeGreaterThanOrEqual(1);
  expect(a.ticks.length).toBeLessThanOrEqual(MAX_TICKS);
  for (const t of a.ticks) expect(Number.isFinite(t)).toBe(true);
  expect(new Set(a.ticks.map(a.label)).size).toBe(a.ticks.length);
}

describe('niceAxis on ordinary data (hand-checked)', () => {
  it('[0, 1] with 5 bins: step 0.2, edges 0..1, ticks every 0.2', () => {
    const a = niceAxis(0, 1, 5);
    expect([a.step, a.i0, a.n]).toEqual([0.2, 0, 5]);
    expect(a.ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(a.label(0.4)).toBe('0.4');
    // 1 falls in the last (closed) bin; 0.2 starts bin 1.
    expect([a.bin(0), a.bin(0.2), a.bin(1), a.bin(1.2), a.bin(-0.1), a.bin(NaN)]).toEqual([0, 1, 4, 5, -1, NaN]);
  });

  it('[-2.5, 6] with about 5 intervals: step 2, ticks -2..6', () => {
    expect(ticks(-2.5, 6, 5)).toEqual([-2, 0, 2, 4, 6]);
    const a = niceAxis(-2.5, 6, 5);
    expect([a.step, a.i0, a.n]).toEqual([2, -2, 5]);
    expect(a.label(-2)).toBe(`${M}2`);
  });

  it('counts of [0, 0.5, 1, 1, 5] on [0, 5] in 5 bins: 2, 2, 0, 0, 1', () => {
    expect(count([0, 0.5, 1, 1, 5], 0, 5, 5).c).toEqual([2, 2, 0, 0, 1]);
  });

  it('a single value is widened by 1/16 of its magnitude on each side', () => {
    const a = niceAxis(8, 8, 4);
    expect(a.lo).toBe(7.5);
    expect(a.hi).toBe(8.5);
    expect(a.bin(8)).toBeGreaterThanOrEqual(0);
  });
});

describe('niceAxis on extreme doubles', () => {
  it('-max to +max: step 1e307, 36 bins, edges clamped to +-max, ticks -1e308, 0, 1e308', () => {
    const a = niceAxis(-MAX, MAX, 24);
    wellFormed(a);
    // span/24 = 1.5e307 -> nice 1e307; floor(-17.98) = -18 .. ceil(17.98) = 18.
    expect([a.step, a.i0, a.n]).toEqual([1e307, -18, 36]);
    expect(a.edge(0)).toBe(-MAX);
    expect(a.edge(36)).toBe(MAX);
    expect([a.bin(-MAX), a.bin(0), a.bin(MAX)]).toEqual([0, 18, 35]);
    expect(a.ticks).toEqual([-1e308, 0, 1e308]);
    expect(a.ticks.map(a.label)).toEqual([`${M}1e308`, '0', '1e308']);
    expect([a.pos(-MAX), a.pos(MAX)].every(Number.isFinite)).toBe(true);
  });

  it('the largest double alone, and [1, max] (issue #12)', () => {
    wellFormed(niceAxis(MAX, MAX));
    const { a, c, outside } = count([MAX, 1], 1, MAX);
    wellFormed(a);
    expect(c.reduce((x, y) => x + y, 0)).toBe(2);
    expect(outside).toBe(0);
  });

  it('subnormals: [MIN, 4 MIN] gives 3 bins one ulp wide', () => {
    const { a, c } = count([MIN, 2 * MIN, 3 * MIN, 4 * MIN], MIN, 4 * MIN);
    wellFormed(a);
    expect([a.step, a.i0, a.n]).toEqual([MIN, 1, 3]);
    expect(c).toEqual([1, 1, 2]);
  });

  it('a spread of 1e-170 and one of a few ulps around 1', () => {
    const { a, c } = count([1e-170, 2e-170, 3e-170], 1e-170, 3e-170);
    wellFormed(a);
    expect(a.n).toBeGreaterThanOrEqual(10);
    expect(c.reduce((x, y) => x + y, 0)).toBe(3);
    expect(a.label(a.ticks[1]!)).toMatch(/e−17[01]$/);
    const e = Number.EPSILON;
    const b = count([1, 1 + 2 * e, 1 + 4 * e], 1, 1 + 4 * e);
    wellFormed(b.a);
    // Bins cannot be narrower than one ulp (2.2e-16): 4 bins, one value in bins 0, 2 and 3 (the closed end).
    expect(b.a.step).toBe(ulp(1 + 4 * e));
    expect(b.c).toEqual([1, 0, 1, 1]);
  });

  it('ticks() never loops over a float range', () => {
    expect(ticks(1e308, MAX).length).toBeLessThanOrEqual(MAX_TICKS);
    expect(ticks(1, 1 + Number.EPSILON).length).toBeLessThanOrEqual(MAX_TICKS);
    expect(ticks(-MAX, MAX)).toEqual([-1e308, 0, 1e308]);
  });

  it('non-finite ends give [0, 1]', () => {
    const a = niceAxis(NaN, Infinity);
    wellFormed(a);
    expect([a.lo, a.hi]).toEqual([0, 1]);
  });
});

describe('robustRange', () => {
  it('cuts a far outlier and counts it', () => {
    const v = [...Array.from({ length: 100 }, (_, i) => i + 1), 1e300];
    const r = robustRange(v)!;
    expect([r.lo, r.hi, r.below, r.above, r.max]).toEqual([1, 100, 0, 1, 1e300]);
  });

  it('keeps a long but continuous tail', () => {
    const v = Array.from({ length: 200 }, (_, i) => i * i);
    const r = robustRange(v)!;
    expect([r.lo, r.hi, r.below, r.above]).toEqual([0, 199 * 199, 0, 0]);
  });

  it('finds a pile (a clamp bound repeated 50 times) and never overflows at +-max', () => {
    const v = [...new Array(50).fill(-13.8), ...Array.from({ length: 50 }, (_, i) => -13 + i / 10)];
    expect(robustRange(v)!.pile).toEqual({ value: -13.8, count: 50 });
    const w = [-MAX, MAX, ...Array.from({ length: 200 }, (_, i) => i)];
    const r = robustRange(w)!;
    expect([r.min, r.max]).toEqual([-MAX, MAX]);
    expect(Number.isFinite(r.lo) && Number.isFinite(r.hi)).toBe(true);
    expect(r.below + r.above).toBe(2);
    expect(robustRange([NaN, Infinity])).toBeUndefined();
  });
});

describe('fixed bins (the z grid)', () => {
  it('counts on [-32, 32) in 1/16 bins, outside and non-finite apart; trims to the occupied bins', () => {
    const b = new FixedBins();
    for (const v of [-32, -1, -0.9375, 31.99, 32, -32.01, NaN, Infinity]) b.add(v);
    expect([b.below, b.above, b.nonFinite]).toEqual([1, 1, 2]);
    expect(b.counts[0]).toBe(1);
    // -1 is the first value of bin (−1 + 32) * 16 = 496; -0.9375 of bin 497.
    expect([b.counts[496], b.counts[497], b.counts[1023]]).toEqual([1, 1, 1]);
    const j = b.toJSON();
    expect(j.lo).toBe(-32);
    expect(j.counts).toHaveLength(1024);
    const c = new FixedBins();
    c.add(0.5);
    expect(c.toJSON()).toEqual({ lo: 0.5, width: 1 / 16, counts: [1], below: 0, above: 0, nonFinite: 0 });
  });
});

describe('numeric helpers at the extremes', () => {
  it('quantileSorted interpolates between -max and +max without overflow', () => {
    expect(quantileSorted([-MAX, MAX], 0.5)).toBe(0);
    // -max/2 up to rounding (0.75 * -max + 0.25 * max).
    expect(Math.abs(quantileSorted([-MAX, MAX], 0.25) / (-MAX / 2) - 1)).toBeLessThan(1e-15);
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
  });

  it('pearson is scale-free: max doubles and subnormals', () => {
    expect(pearson([MAX, MAX / 2, 0], [1, 2, 3])).toBeCloseTo(-1, 12);
    expect(pearson([MIN, 2 * MIN, 3 * MIN], [1, 2, 3])).toBeCloseTo(1, 12);
    // numpy.corrcoef([1, 2, 3, 4], [1, 3, 2, 4])[0, 1] = 0.8
    expect(pearson([1, 2, 3, 4, NaN], [1, 3, 2, 4, 5])).toBeCloseTo(0.8, 12);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(pearson([1, 2], [1, 2])).toBeNull();
  });
});
