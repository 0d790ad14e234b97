// sortIndices (src/numeric.ts): the typed-array merge sort the selection and routing use instead of
// Array.prototype.sort. Held to Array.prototype.sort (a stable sort since ES2019) with the same comparator, on
// random keys with many ties and infinities (no NaN: a comparator that calls NaN equal to everything is not an
// order, and no two sorts need agree on it; the callers exclude or map NaN first), at sizes around the run length
// and the merge widths.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortIndices } from '../../src/numeric.js';

const value = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ noNaN: true }), fc.constantFrom(Infinity, -Infinity, 0, -0));

describe('sortIndices', () => {
  it('orders like Array.prototype.sort with the same comparator (ties keep their order), any size', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 300 }), fc.array(value, { maxLength: 300 }), (keys, ties) => {
        const n = keys.length;
        const tie = (i: number) => ties[i] ?? 0;
        // Equal keys give 0, equal infinities NaN: both mean "equal"; then the tie key decides.
        const cmp = (a: number, b: number) => keys[b]! - keys[a]! || tie(b) - tie(a);
        const want = Array.from({ length: n }, (_, i) => i).sort(cmp);
        const got = sortIndices(Int32Array.from({ length: n }, (_, i) => i), cmp);
        expect(Array.from(got)).toEqual(want);
      }),
      { numRuns: 300, seed: 20261202 },
    );
  });

  it('sorts 100,000 indices in place (the array it was given), stable on a 3-valued key', () => {
    const n = 100_000;
    const key = Int32Array.from({ length: n }, (_, i) => (i * 7919) % 3);
    const idx = Int32Array.from({ length: n }, (_, i) => i);
    const out = sortIndices(idx, (a, b) => key[a]! - key[b]!);
    expect(out).toBe(idx);
    for (let i = 1; i < n; i++) {
      const a = idx[i - 1]!;
      const b = idx[i]!;
      expect(key[a]! < key[b]! || (key[a] === key[b] && a < b)).toBe(true);
    }
  });
});
