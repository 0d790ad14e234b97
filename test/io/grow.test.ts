// Growable columns: how far they grow (capacityFor) and exact sizing (reserve).
import { describe, expect, it } from 'vitest';
import { capacityFor, GrowF64 } from '../../src/io/grow.js';

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
