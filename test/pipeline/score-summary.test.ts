// stats' tie flags, computed per batch where the batch runs: held to a plain sort-and-compare oracle.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GroupStats } from '../../src/kernels/groups.js';
import { quantileSorted } from '../../src/numeric.js';
import { distribution, ScoreSummaryCollector, TIE_ALL_EQUAL, TIE_ANY, TIE_MAX, tieFlags } from '../../src/pipeline/score-summary.js';
import { MemorySpool } from '../../src/io/spool.js';

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

/** A double as an exact count of 2^-1074 units. */
function units(x: number): bigint {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  const hi = dv.getUint32(0);
  const exp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(dv.getUint32(4));
  if (exp > 0) mant = (mant | (1n << 52n)) << BigInt(exp - 1);
  return hi >>> 31 ? -mant : mant;
}

/** A count of 2^-1074 units rounded to the nearest double (ties to even). */
function fromUnits(k: bigint): number {
  const neg = k < 0n;
  const a = neg ? -k : k;
  const len = a.toString(2).length;
  let v: number;
  if (a === 0n) v = 0;
  else if (len <= 53) v = Number(a) * 2 ** -1074;
  else {
    const s = len - 53;
    let q = a >> BigInt(s);
    const rem = a - (q << BigInt(s));
    const half = 1n << BigInt(s - 1);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
    v = Number(q) * 2 ** (s - 1074);
  }
  return neg ? -v : v;
}

/**
 * The plain distribution: a sort of the finite values (-0 as +0), quantileSorted on it, and the mean of their exactly
 * rounded sum (a BigInt of 2^-1074 units), from a sum of the values scaled by 2^-64 when that one overflows.
 */
function plainDistribution(xs: ArrayLike<number>) {
  const f = Array.from(xs)
    .filter((x) => Number.isFinite(x))
    .map((x) => (x === 0 ? 0 : x))
    .sort((a, b) => a - b);
  const n = f.length;
  if (n === 0) return { mean: null, min: null, p05: null, p25: null, median: null, p75: null, p95: null, max: null };
  let sum = fromUnits(f.reduce((k, x) => k + units(x), 0n));
  let scale = 1;
  if (!Number.isFinite(sum)) {
    scale = 2 ** 64;
    sum = fromUnits(f.reduce((k, x) => k + units(x / scale), 0n));
  }
  const q = (p: number) => quantileSorted(f, p);
  return { mean: (sum / n) * scale, min: f[0]!, p05: q(0.05), p25: q(0.25), median: q(0.5), p75: q(0.75), p95: q(0.95), max: f[n - 1]! };
}

describe('distribution', () => {
  const value = fc.oneof(
    fc.double(),
    fc.integer({ min: -3, max: 3 }),
    fc.constantFrom(0, -0, Number.NaN, Infinity, -Infinity, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 0.1, 1e16, 1, -1e16),
  );
  it('equals a plain sort, quantileSorted and an exactly rounded mean (no overflow at the largest doubles)', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 200 }), (xs) => {
        expect(distribution(Float64Array.from(xs))).toEqual(plainDistribution(xs));
      }),
      { numRuns: 1000 },
    );
    expect(distribution([Number.MAX_VALUE, Number.MAX_VALUE]).mean).toBe(Number.MAX_VALUE);
    expect(distribution([1e16, 1, -1e16]).mean).toBe(1 / 3);
    expect(distribution([Number.NaN, Infinity]).mean).toBeNull();
  });
});

describe('ScoreSummaryCollector', () => {
  // The result must not depend on a second summary, on prompts added after one, or on where the columns are (in
  // memory, or spilled to a spool and read back by blocks).
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
    return { count: plainDistribution(s.count), mean: plainDistribution(s.mean), std: plainDistribution(s.std), min: plainDistribution(s.min), max: plainDistribution(s.max) };
  };

  it('per-prompt distributions equal the plain distribution of the columns, again after a summary and after more prompts', () => {
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

  it('spilled to a spool (many blocks, read back by radix passes) gives the same summary as in memory', () => {
    // 300,000 prompts: past RADIX_FROM, so the order statistics select by radix over the spilled blocks.
    const n = 300_000;
    const ps = Array.from({ length: n }, (_, i) => ({
      count: i % 17,
      mean: i % 11 === 0 ? Number.NaN : Math.sin(i) * 1e3,
      std: i % 5 === 0 ? 0 : Math.abs(Math.cos(i)),
      min: i % 3 === 0 ? -0 : 1 + (i % 1000) * 2 ** -52,
      max: i === 7 ? Number.MAX_VALUE : i % 7,
    }));
    const spool = new MemorySpool();
    const spilled = new ScoreSummaryCollector(spool, 0);
    const kept = new ScoreSummaryCollector();
    for (let at = 0; at < n; at += 40_000) {
      const part = ps.slice(at, at + 40_000);
      spilled.add(statsOf(part), new Uint8Array(part.length));
      kept.add(statsOf(part), new Uint8Array(part.length));
    }
    const want = expected(ps);
    expect(spilled.summary().per_prompt).toEqual(want);
    expect(kept.summary().per_prompt).toEqual(want);
    // The spool holds every full block of the five columns.
    expect(spool.append(new Uint8Array(0))).toBe(5 * 8 * 32768 * Math.floor(n / 32768));
  });
});
