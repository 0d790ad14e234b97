// orderStatistics (src/numeric.ts): several ranks of values read in chunks, found in shared radix passes without a
// sorted copy. Held to a plain sort of the non-NaN values (-0 as +0) over chunked sources, with ranks that share
// their prefixes (ties, values 1 ulp apart), infinities, subnormals and the largest doubles, by radix and by sort.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderStatistics } from '../../src/numeric.js';
import { chunked } from '../helpers/chunks.js';

const value = fc.oneof(
  fc.double(),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(Infinity, -Infinity, 0, -0, Number.NaN, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, -Number.MIN_VALUE, 2.2250738585072014e-308, 1 + 2 ** -52, 1, 1 + 2 ** -51),
);

function oracle(xs: number[]): number[] {
  return xs
    .filter((x) => !Number.isNaN(x))
    .map((x) => (x === 0 ? 0 : x))
    .sort((a, b) => a - b);
}

describe('orderStatistics', () => {
  it('gives the value of each rank of the sorted non-NaN values, by radix and by sort, over any chunking', () => {
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 300 }),
        fc.array(fc.nat({ max: 40 }), { maxLength: 8 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 12 }),
        fc.constantFrom(0, 1, undefined),
        (xs, sizes, picks, radixFrom) => {
          const sorted = oracle(xs);
          if (sorted.length === 0) return;
          let seen = -1;
          const got = orderStatistics(
            chunked(xs, sizes),
            (n) => {
              seen = n;
              return picks.map((p) => p % n);
            },
            radixFrom,
          );
          expect(seen).toBe(sorted.length);
          picks.forEach((p, k) => expect(Object.is(got[k], sorted[p % sorted.length]), `rank ${p % sorted.length}: ${got[k]} vs ${sorted[p % sorted.length]}`).toBe(true));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('resolves ranks whose values share 16, 32 and 48 high bits, and refuses a rank beyond the values', () => {
    // 1 + i ulp: the same high 32 bits for all, so every rank needs all four rounds.
    const xs = Array.from({ length: 3000 }, (_, i) => 1 + ((i * 7919) % 3000) * 2 ** -52);
    const ranks = [0, 1, 1499, 1500, 2998, 2999, 0];
    expect(orderStatistics(chunked(xs, [100, 1, 999]), () => ranks, 0)).toEqual(ranks.map((r) => 1 + r * 2 ** -52));
    expect(() => orderStatistics(chunked(xs, []), (n) => [n], 0)).toThrow(/order statistic 3000 of 3000/);
    expect(() => orderStatistics(chunked(xs, []), () => [0.5])).toThrow(/order statistic/);
    expect(orderStatistics(chunked([Number.NaN], []), () => [])).toEqual([]);
  });
});
