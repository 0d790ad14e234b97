// Growable columns: how far they grow (capacityFor) and exact sizing (reserve).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capacityFor, FillColumn, GrowF64, GrowI32 } from '../../src/io/grow.js';

describe('capacityFor', () => {
  it('takes the estimate when it covers the need, up to 64x the need; else grows by half', () => {
    expect(capacityFor(100, 64, 500)).toBe(500);
    expect(capacityFor(100, 64, 1e12)).toBe(6400);
    expect(capacityFor(100, 64, 50)).toBe(100);
    expect(capacityFor(100, 64, 0)).toBe(100);
    expect(capacityFor(150, 100, 0)).toBe(150);
    expect(capacityFor(101, 100, 0)).toBe(150);
    expect(capacityFor(101, 100, 120.2)).toBe(150);
    expect(capacityFor(101, 100, 170.2)).toBe(171);
  });

  it('reserve sizes a column exactly and keeps its values; append copies', () => {
    const g = new GrowF64();
    g.append(Float64Array.from([1, 2, 3]));
    g.reserve(5000);
    expect(g.a.length).toBe(5000);
    g.reserve(10);
    expect(g.a.length).toBe(5000);
    expect(Array.from(g.values())).toEqual([1, 2, 3]);
  });
});

describe('FillColumn', () => {
  // Operations: a batch of values (empty: that many fills), or single pushes; held to a plain array.
  const op = (fill: number, v: fc.Arbitrary<number>) =>
    fc.oneof(
      fc.record({ kind: fc.constant('batch' as const), xs: fc.array(fc.oneof(fc.constant(fill), v), { maxLength: 40 }), empty: fc.boolean() }),
      fc.record({ kind: fc.constant('push' as const), x: fc.oneof(fc.constant(fill), v) }),
    );
  /** Runs the operations on `col` and on a plain array; returns the array and whether the column had to store. */
  const run = <G extends GrowF64 | GrowI32>(col: FillColumn<G>, make: (xs: number[]) => G['a'], ops: { kind: 'batch' | 'push'; xs?: number[]; empty?: boolean; x?: number }[], isFill: (x: number) => boolean) => {
    const plain: number[] = [];
    let stores = false;
    for (const o of ops) {
      if (o.kind === 'push') {
        col.push(o.x!);
        plain.push(o.x!);
        stores ||= !isFill(o.x!);
      } else if (o.empty) {
        // An empty batch array stands for that many fills.
        col.append(make([]), o.xs!.length, plain.length + o.xs!.length);
        for (let k = 0; k < o.xs!.length; k++) plain.push(col.fill);
      } else {
        col.append(make(o.xs!), o.xs!.length, plain.length + o.xs!.length);
        plain.push(...o.xs!);
        stores ||= o.xs!.length > 0;
      }
    }
    return { plain, stores };
  };

  it('holds the same values as a plain array, and takes storage only at a stored batch or a pushed value that is not the fill', () => {
    fc.assert(
      fc.property(fc.array(op(Number.NaN, fc.double()), { maxLength: 30 }), (ops) => {
        const col = new FillColumn(() => new GrowF64(), Number.NaN);
        const { plain, stores } = run(col, (xs) => Float64Array.from(xs), ops, Number.isNaN);
        expect(col.n).toBe(plain.length);
        expect(col.materialized).toBe(stores);
        expect(Array.from(col.values())).toEqual(plain);
        plain.forEach((x, i) => expect(col.get(i)).toBe(x));
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(fc.array(op(-1, fc.integer({ min: -5, max: 5 })), { maxLength: 30 }), (ops) => {
        const col = new FillColumn(() => new GrowI32(), -1);
        const { plain, stores } = run(col, (xs) => Int32Array.from(xs), ops, (x) => x === -1);
        expect(col.materialized).toBe(stores);
        expect(Array.from(col.values())).toEqual(plain);
      }),
      { numRuns: 400 },
    );
  });

  it('an all-fill column reads as fills and stays without storage', () => {
    const col = new FillColumn(() => new GrowI32(), -1);
    col.append(new Int32Array(0), 5, 5);
    col.push(-1);
    expect(col.materialized).toBe(false);
    expect(Array.from(col.values())).toEqual([-1, -1, -1, -1, -1, -1]);
    col.append(Int32Array.from([3]), 1, 7);
    expect(col.materialized).toBe(true);
    expect(Array.from(col.values())).toEqual([-1, -1, -1, -1, -1, -1, 3]);
    expect(() => col.append(Int32Array.from([1, 2]), 3, 10)).toThrow(/internal error/);
  });
});
