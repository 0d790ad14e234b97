// kthLargest (src/numeric.ts): the selection's threshold without a sorted copy. Held to a sort of the non-NaN
// values (the k-th from the top), with NaN skipped, -0 and +0 equal, infinities, subnormals, the largest doubles,
// many ties, and a view into a larger buffer (a subarray).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kthLargest, RADIX_FROM } from '../../src/numeric.js';

const value = fc.oneof(
  fc.double(),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(Infinity, -Infinity, 0, -0, Number.NaN, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, -Number.MIN_VALUE, 2.2250738585072014e-308, 1 + 2 ** -52, 1),
);

function oracle(xs: number[], k: number): number {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => b - a);
  const t = s[k - 1]!;
  return t === 0 ? 0 : t;
}

describe('kthLargest', () => {
  it('is the k-th value from the top of the sorted non-NaN values', () => {
    fc.assert(
      // radixFrom 0: the radix select; the default: a sorted copy at these sizes.
      fc.property(fc.array(value, { minLength: 1, maxLength: 400 }), fc.nat(), fc.nat({ max: 3 }), fc.constantFrom(0, undefined), (xs, pick, pad, radixFrom) => {
        const m = xs.filter((x) => !Number.isNaN(x)).length;
        if (m === 0) return;
        const k = 1 + (pick % m);
        // A view at an offset into a larger buffer, as a column's values() is.
        const buf = new Float64Array(xs.length + 2 * pad).fill(123.5);
        buf.set(xs, pad);
        const got = kthLargest(buf.subarray(pad, pad + xs.length), k, radixFrom);
        expect(Object.is(got, oracle(xs, k)), `k=${k}: ${got} vs ${oracle(xs, k)}`).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('handles values that share their high bits (one digit round each) and refuses a k beyond them', () => {
    for (const from of [0, undefined]) {
      const xs = Float64Array.from({ length: 1000 }, (_, i) => 1 + i * 2 ** -52);
      for (const k of [1, 2, 500, 999, 1000]) expect(kthLargest(xs, k, from)).toBe(1 + (1000 - k) * 2 ** -52);
      expect(() => kthLargest(xs, 1001, from)).toThrow(/fewer values/);
      expect(() => kthLargest(xs, 0, from)).toThrow(/k = 0/);
      expect(kthLargest(Float64Array.from([-0, -0, Number.NaN]), 2, from)).toBe(0);
      expect(Object.is(kthLargest(Float64Array.from([-0, -1]), 1, from), 0)).toBe(true);
    }
    // Past RADIX_FROM, the default selects by radix: held to a sort there too.
    const big = Float64Array.from({ length: RADIX_FROM + 5 }, (_, i) => Math.sin(i) * 1e3);
    const sorted = Float64Array.from(big).sort();
    for (const k of [1, 77, RADIX_FROM]) expect(kthLargest(big, k)).toBe(sorted[sorted.length - k]);
  });
});
