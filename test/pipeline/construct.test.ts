// Pair construction: the spec's worked examples (selection.md 1.6) and properties.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { constructPairs, type ConstructOptions } from '../../src/pipeline/construct.js';
import { parsePosition, positionLabel } from '../../src/pipeline/positions.js';
import type { GroupEngine } from '../../src/pipeline/group-engine.js';
import { ALL_BACKENDS } from '../helpers/engines.js';
import { groupEngineFor } from '../helpers/group-engine.js';

const T1 = [-6.0, -1.8, -1.0, -0.6, -0.4, -0.2, 0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.3, 1.6];

let engine: GroupEngine;

function one(values: number[], opts: ConstructOptions) {
  return constructPairs(engine, Float64Array.from(values), Int32Array.from([0, values.length]), opts);
}

function csr(groups: number[][]): { values: Float64Array; offsets: Int32Array } {
  const offsets = [0];
  for (const g of groups) offsets.push(offsets[offsets.length - 1]! + g.length);
  return { values: Float64Array.from(groups.flat()), offsets: Int32Array.from(offsets) };
}

describe.each(ALL_BACKENDS)('pair construction on %s', (backend) => {
  beforeAll(() => {
    engine = groupEngineFor(backend);
  });

  describe('positions', () => {
    it('parses and labels positions', () => {
      expect(parsePosition('mu-2sigma')).toEqual({ kind: 'sigma', k: -2 });
      expect(parsePosition('mu+1.5*sigma')).toEqual({ kind: 'sigma', k: 1.5 });
      expect(parsePosition('mu-s')).toEqual({ kind: 'sigma', k: -1 });
      expect(parsePosition('mu')).toEqual({ kind: 'sigma', k: 0 });
      expect(parsePosition('MAX')).toEqual({ kind: 'max' });
      expect(positionLabel(parsePosition('mu+2s'))).toBe('mu+2sigma');
      expect(positionLabel(parsePosition('mu-sigma'))).toBe('mu-sigma');
      expect(() => parsePosition('median')).toThrow(/median/);
    });
  });

  describe('sweet spot vs min (spec T1, outlier avoidance)', () => {
    it('sweet spot picks -1.8, max-min picks the -6.0 outlier', () => {
      const ss = one(T1, { strategy: 'sweet-spot' });
      expect(ss.pairs.n).toBe(1);
      expect(T1[ss.pairs.chosen[0]!]).toBe(1.6);
      expect(T1[ss.pairs.rejected[0]!]).toBe(-1.8);
      expect(ss.stats.mean[0]).toBeCloseTo(-0.025, 12);
      expect(ss.stats.std[0]).toBeCloseTo(1.5827, 4);
      expect(ss.report.rejectedNotMin).toBe(1);
      const mm = one(T1, { strategy: 'max-min' });
      expect(T1[mm.pairs.rejected[0]!]).toBe(-6.0);
      expect(mm.report.rejectedNotMin).toBe(0);
    });

    it('ddof 1 gives the same picks (sigma 1.6238)', () => {
      const r = one(T1, { strategy: 'sweet-spot', std: 'sample' });
      expect(r.stats.std[0]).toBeCloseTo(1.6238, 4);
      expect(T1[r.pairs.rejected[0]!]).toBe(-1.8);
    });

    it('grid drops exactly the same-candidate collisions of the spec', () => {
      const r = one(T1, { strategy: 'grid' });
      const got = new Set<string>();
      for (let i = 0; i < r.pairs.n; i++) got.add(`${r.pairs.chosenPosition[i]}/${r.pairs.rejectedPosition[i]}`);
      for (const dropped of ['mu-sigma/mu-2sigma', 'mu+2sigma/mu+sigma', 'max/mu+2sigma', 'max/mu+sigma']) expect(got.has(dropped)).toBe(false);
      expect(r.report.pairsDropped.same_candidate).toBe(4);
      // (max, x) and (mu+2sigma, x) are the same pair (both pick 1.6); so are (x, mu-2sigma) and (x, mu-sigma).
      const dup = r.report.pairsDropped.duplicate_pair ?? 0;
      expect(r.pairs.n + 4 + dup).toBe(21);
      const keys = new Set<string>();
      for (let i = 0; i < r.pairs.n; i++) keys.add(`${r.pairs.chosen[i]}-${r.pairs.rejected[i]}`);
      expect(keys.size).toBe(r.pairs.n);
    });
  });

  describe('spec T2-T4', () => {
    it('T2: small N, the rules coincide', () => {
      const v = [0.1, 0.35, 0.42, 0.5, 0.55, 0.58, 0.61, 0.66, 0.72, 0.9];
      const a = one(v, { strategy: 'sweet-spot' });
      const b = one(v, { strategy: 'max-min' });
      expect([v[a.pairs.chosen[0]!], v[a.pairs.rejected[0]!]]).toEqual([0.9, 0.1]);
      expect([v[b.pairs.chosen[0]!], v[b.pairs.rejected[0]!]]).toEqual([0.9, 0.1]);
      expect(a.stats.std[0]).toBeCloseTo(0.207048, 6);
    });

    it('T3: ddof sensitivity', () => {
      const v = [-1.2, 0.3, 0.5, 0.9, 1.4];
      const p = one(v, { strategy: 'sweet-spot' });
      const s = one(v, { strategy: 'sweet-spot', std: 'sample' });
      expect(p.stats.std[0]).toBeCloseTo(0.875, 3);
      expect(s.stats.std[0]).toBeCloseTo(0.9783, 4);
      expect(v[p.pairs.rejected[0]!]).toBe(-1.2);
      expect(v[s.pairs.rejected[0]!]).toBe(-1.2);
    });

    it('T4: all equal and a single candidate are skipped with their reason', () => {
      const { values, offsets } = csr([[0.5, 0.5, 0.5], [0.7], [0.1, 0.9]]);
      const r = constructPairs(engine, values, offsets, { strategy: 'sweet-spot' });
      expect(r.report.promptsWithoutPair).toEqual({ no_spread: 1, insufficient_samples: 1 });
      expect(r.pairs.n).toBe(1);
      expect(Array.from(r.pairs.group)).toEqual([2]);
      expect(r.report.smallPrompts).toBe(2);
    });
  });

  describe('collisions, ties, fallback, min-gap', () => {
    it('a tie with the chosen is dropped unless --keep-ties; --fallback takes the nearest strictly lower', () => {
      // max-random on [5, 5, 1]: the draw may land on the other 5 (a tie) or on 1; over many streams both happen.
      const groups = Array.from({ length: 40 }, () => [5, 5, 1]);
      const { values, offsets } = csr(groups);
      const r = constructPairs(engine, values, offsets, { strategy: 'max-random', seed: 1 });
      const ties = r.report.promptsWithoutPair.tie ?? 0;
      expect(ties).toBeGreaterThan(0);
      expect(r.pairs.n + ties).toBe(40);
      const k = constructPairs(engine, values, offsets, { strategy: 'max-random', seed: 1, keepTies: true });
      expect(k.pairs.n).toBe(40);
      const f = constructPairs(engine, values, offsets, { strategy: 'max-random', seed: 1, fallback: 'next-nearest' });
      expect(f.pairs.n).toBe(40);
      expect(f.report.fallbackUsed).toBe(ties);
      for (let i = 0; i < f.pairs.n; i++) expect(f.pairs.rejected[i]).toBe(2);
    });

    it('equal maxima: the nearest pick resolves to the lowest index, so the collision is same_candidate', () => {
      const v = [2, 2, 2, 2, 0.1, 2];
      const r = one(v, { strategy: 'positions', chosen: parsePosition('max'), rejected: parsePosition('mu+sigma') });
      expect(r.report.promptsWithoutPair).toEqual({ same_candidate: 1 });
      const f = one(v, { strategy: 'positions', chosen: parsePosition('max'), rejected: parsePosition('mu+sigma'), fallback: 'next-nearest' });
      expect(v[f.pairs.rejected[0]!]).toBe(0.1);
    });

    it('same-candidate collision: chosen = mu+2sigma and rejected = mu+sigma on T1', () => {
      const opts: ConstructOptions = { strategy: 'positions', chosen: parsePosition('mu+2sigma'), rejected: parsePosition('mu+sigma') };
      const r = one(T1, opts);
      expect(r.report.promptsWithoutPair).toEqual({ same_candidate: 1 });
      const f = one(T1, { ...opts, fallback: 'next-nearest' });
      // The nearest to mu+sigma = 1.5577 strictly below 1.6 is 1.3.
      expect(T1[f.pairs.rejected[0]!]).toBe(1.3);
    });

    it('--min-gap drops small gaps', () => {
      const v = [1.0, 0.9, 0.95, 0.92];
      expect(one(v, { strategy: 'max-min', minGap: 0.2 }).report.promptsWithoutPair).toEqual({ below_min_gap: 1 });
      expect(one(v, { strategy: 'max-min', minGap: 0.05 }).pairs.n).toBe(1);
    });

    it('max-random is seeded, deterministic per stream and never picks the chosen', () => {
      const { values, offsets } = csr(Array.from({ length: 50 }, (_, g) => [g % 7, 10, 3, 5, 1, 2, 8]));
      const a = constructPairs(engine, values, offsets, { strategy: 'max-random', seed: 7 });
      const b = constructPairs(engine, values, offsets, { strategy: 'max-random', seed: 7 });
      const c = constructPairs(engine, values, offsets, { strategy: 'max-random', seed: 8 });
      expect(Array.from(a.pairs.rejected)).toEqual(Array.from(b.pairs.rejected));
      expect(Array.from(a.pairs.rejected)).not.toEqual(Array.from(c.pairs.rejected));
      for (let i = 0; i < a.pairs.n; i++) expect(a.pairs.rejected[i]).not.toBe(a.pairs.chosen[i]);
      // Splitting the groups into two chunks with their stream ids gives the same draws.
      const half = offsets[25]!;
      const first = constructPairs(engine, values.subarray(0, half), offsets.subarray(0, 26), { strategy: 'max-random', seed: 7 });
      const tail = Int32Array.from(offsets.subarray(25), (o) => o - half);
      const second = constructPairs(engine, values.subarray(half), tail, { strategy: 'max-random', seed: 7 }, Int32Array.from({ length: 25 }, (_, i) => 25 + i));
      expect([...first.pairs.rejected, ...second.pairs.rejected]).toEqual(Array.from(a.pairs.rejected));
    });
  });

  describe('properties', () => {
    const group = fc.array(fc.integer({ min: -800, max: 800 }).map((x) => x / 8), { minLength: 0, maxLength: 30 });
    const strategies = fc.constantFrom<ConstructOptions['strategy']>('sweet-spot', 'max-min', 'max-random', 'grid');
    it('chosen score >= rejected score, distinct candidates, gap >= min-gap; counts add up', () => {
      fc.assert(
        fc.property(fc.array(group, { maxLength: 12 }), strategies, fc.boolean(), fc.boolean(), (groups, strategy, keepTies, fb) => {
          const { values, offsets } = csr(groups);
          const r = constructPairs(engine, values, offsets, { strategy, keepTies, fallback: fb ? 'next-nearest' : 'none', seed: 3 });
          for (let i = 0; i < r.pairs.n; i++) {
            const s = offsets[r.pairs.group[i]!]!;
            const c = values[s + r.pairs.chosen[i]!]!;
            const j = values[s + r.pairs.rejected[i]!]!;
            expect(r.pairs.chosen[i]).not.toBe(r.pairs.rejected[i]);
            expect(c).toBeGreaterThanOrEqual(j);
            if (!keepTies) expect(c).toBeGreaterThan(j);
          }
          const without = Object.values(r.report.promptsWithoutPair).reduce((a, b) => a + (b ?? 0), 0);
          if (strategy !== 'grid') {
            expect(r.report.promptsWithPair + without).toBe(groups.length);
            expect(r.pairs.n).toBe(r.report.promptsWithPair);
          } else {
            const dropped = Object.values(r.report.pairsDropped).reduce((a, b) => a + (b ?? 0), 0);
            const usable = groups.filter((g) => g.length >= 2 && new Set(g).size > 1).length;
            expect(r.pairs.n + dropped).toBe(usable * 21);
          }
        }),
        { numRuns: 200 },
      );
    });

    it('picks are invariant under r -> a*r + b (a > 0)', () => {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 2, maxLength: 25 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: -20, max: 20 }), (g, a, b) => {
          const r1 = one(g, { strategy: 'grid' });
          const r2 = one(g.map((x) => a * x + b), { strategy: 'grid' });
          expect(Array.from(r2.pairs.chosen)).toEqual(Array.from(r1.pairs.chosen));
          expect(Array.from(r2.pairs.rejected)).toEqual(Array.from(r1.pairs.rejected));
        }),
        { numRuns: 100 },
      );
    });
  });
});
