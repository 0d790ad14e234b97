// Margin selection: the spec's 8-pair worked example (selection.md 2.8) incl. the official NaN case, and properties.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calibrate, searchUpper } from '../../src/pipeline/calibrate.js';
import { clippedLogit, fuseLogit, officialProduct, sigmoid } from '../../src/pipeline/fusion.js';
import { externalMargin, implicitMargin } from '../../src/pipeline/margins.js';
import { fractionCount, selectPairs, topOf } from '../../src/pipeline/select.js';
import { ratingGapWeights } from '../../src/pipeline/weights.js';
import { expectAllClose, expectClose } from '../helpers/close.js';

const MEX = Float64Array.from([-3, -0.5, 0.4, 1.2, 2.0, 3.5, 6.0, 9.0]);
const MIM = Float64Array.from([25, 44, -6, 1, 12, -40, 5, 18]);

describe('the 8-pair worked example', () => {
  it('U search: U_ex = 6, U_im = 22', () => {
    expect(searchUpper(MEX, 1.5)).toBe(6);
    expect(searchUpper(MIM, 2)).toBe(22);
  });

  it('calibrated probabilities', () => {
    const e = calibrate(MEX, { divisor: 1.5 });
    const i = calibrate(MIM, { divisor: 2 });
    expectAllClose(e.p, [0, 0.1875, 0.3, 0.4, 0.5, 0.6875, 1, 1], { atol: 1e-15 });
    expectAllClose(i.p, [1, 1, 0, 0.125, 0.583333333333, 0, 0.291666666667, 0.833333333333], { atol: 1e-12 });
    expect(e.calibration.clippedLow).toBe(1);
    expect(e.calibration.clippedHigh).toBe(2);
  });

  it('bees ranks 7, 6, 1, 4, 0, 3, 5, 2; pair 0 (the official NaN) is neutral, not selected', () => {
    const r = selectPairs({ external: MEX, implicit: MIM }, { by: 'bees', top: 3 });
    expect(Array.from(r.order)).toEqual([7, 6, 1, 4, 0, 3, 5, 2]);
    expectAllClose(r.key, [0, 12.349, -14.663, -2.351, 0.336, -13.027, 12.928, 15.425], { atol: 1e-3 });
    expectClose(r.score[0]!, 0.5, { atol: 1e-9 });
    expectClose(r.score[3]!, 0.086957, { atol: 1e-6 });
    expectClose(r.score[4]!, 0.583333, { atol: 1e-6 });
    expect(Array.from(r.rank)).toEqual([0, 3, 0, 0, 0, 0, 2, 1]);
    for (const s of r.score) expect(Number.isFinite(s)).toBe(true);
  });

  it('the official arithmetic gives NaN for pair 0 and puts it in its top 3 (argsort sorts NaN last)', () => {
    const pe = calibrate(MEX, { divisor: 1.5 }).p;
    const pi = calibrate(MIM, { divisor: 2 }).p;
    const official = Array.from(pe, (p, i) => officialProduct(p, pi[i]!));
    expect(official[0]).toBeNaN();
    // NumPy argsort ascending with NaN last, then the last 3: emulate it.
    const idx = official.map((_, i) => i).sort((a, b) => {
      const x = official[a]!;
      const y = official[b]!;
      if (Number.isNaN(x)) return Number.isNaN(y) ? a - b : 1;
      if (Number.isNaN(y)) return -1;
      return x - y || a - b;
    });
    expect(new Set(idx.slice(-3))).toEqual(new Set([6, 7, 0]));
  });

  it('add: scores [22, 43.5, -5.6, 2.2, 14, -36.5, 11, 27], top 3 = {1, 7, 0}', () => {
    const r = selectPairs({ external: MEX, implicit: MIM }, { by: 'add', top: 3 });
    expectAllClose(r.score, [22, 43.5, -5.6, 2.2, 14, -36.5, 11, 27], { atol: 1e-12 });
    expect(new Set(Array.from(r.order.subarray(0, 3)))).toEqual(new Set([1, 7, 0]));
  });

  it('identity: p = (0.875, 32/42) fuses to 0.957265', () => {
    expectClose(officialProduct(0.875, 32 / 42), 0.957265, { atol: 1e-6 });
    expectClose(sigmoid(fuseLogit([0.875, 32 / 42])), 0.957265, { atol: 1e-6 });
  });

  it('implicit margin unit test: 30 - 15 = 15, no beta; beta scales it', () => {
    expect(implicitMargin(-120, -150, -130, -145)).toBe(15);
    expect(implicitMargin(-120, -150, -130, -145, 0.1)).toBeCloseTo(1.5, 12);
    expect(externalMargin(0.9, 0.2)).toBeCloseTo(0.7, 15);
  });
});

describe('calibration edge cases', () => {
  it('U <= L fails with an explicit error; U <= 0 warns', () => {
    expect(() => calibrate(Float64Array.from([-5, -4, -3]), { divisor: 1.5 })).toThrow(/upper bound U = -2/);
    // Tiny margins (judge-score gaps): U = trunc(0.3 / 1.5) = 0 and the tail of 3 stops the search at once.
    const c = calibrate(Float64Array.from([0.1, 0.2, 0.3]), { divisor: 1.5 });
    expect(c.calibration.upper).toBe(0);
    expect(c.calibration.warnings.join()).toMatch(/saturates/);
    expect(calibrate(Float64Array.from([-1, -0.5]), { divisor: 1.5, upper: 0 }).calibration.warnings.join()).toMatch(/U = 0/);
  });

  it('the U search stops once the tail is sparser than one pair per unit', () => {
    // 100 margins at 10: start trunc(10/2) = 5, tail (5, 10] = 100 >= 30 and >= 5: step; ... until U = 10.
    expect(searchUpper(new Float64Array(100).fill(10), 2)).toBe(10);
    // Huge margins end at once: the tail (1e20/2, 1e20] holds 3 < 30.
    expect(searchUpper(Float64Array.from([1, 2, 1e20]), 2)).toBe(5e19);
  });

  it('the U search equals the released loop over every sorted finite margin (it sorts only the tail)', () => {
    // The official search as written: sort every finite margin, start at trunc(max / divisor), step while the tail
    // above U holds at least minTail and at least max - U margins.
    const plain = (xs: number[], divisor: number, minTail: number): number => {
      const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
      const max = s[s.length - 1]!;
      let u = Math.trunc(max / divisor);
      for (let g = 0; g <= s.length + 1; g++) {
        const c = s.filter((x) => x > u).length;
        if (c < minTail || c < max - u || u > max) break;
        u += 1;
      }
      return u;
    };
    const margin = fc.oneof(fc.double({ min: -50, max: 200, noNaN: true }), fc.integer({ min: -5, max: 60 }), fc.constantFrom(Number.NaN, Infinity, -Infinity, 1e300));
    fc.assert(
      fc.property(fc.array(margin, { minLength: 1, maxLength: 300 }), fc.constantFrom(0.5, 1, 1.5, 2, 3, 10), fc.integer({ min: 0, max: 40 }), (xs, divisor, minTail) => {
        if (!xs.some(Number.isFinite)) return;
        expect(searchUpper(Float64Array.from(xs), divisor, minTail)).toBe(plain(xs, divisor, minTail));
      }),
      { numRuns: 1500 },
    );
  });

  it('missing margins: zero (official), neutral, drop', () => {
    const m = Float64Array.from([Number.NaN, 1, 2]);
    expect(calibrate(m, { divisor: 1.5, upper: 2 }).p[0]).toBeCloseTo(0.5, 15);
    expect(calibrate(m, { divisor: 1.5, upper: 6, missing: 'neutral' }).p[0]).toBe(0.5);
    expect(calibrate(m, { divisor: 1.5, upper: 6, missing: 'drop' }).p[0]).toBeNaN();
    const r = selectPairs({ external: m }, { by: 'external', fraction: 1, missing: 'drop' });
    expect(r.k).toBe(2);
    expect(r.ineligible).toBe(1);
    expect(r.warnings.join()).toMatch(/only 2 can be ranked/);
  });
});

describe('selection properties', () => {
  const margin = fc.integer({ min: -400, max: 400 }).map((x) => x / 4);
  it('keeps exactly floor(f * n) pairs, and they are the top ones by score', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(margin, margin), { maxLength: 80 }), fc.integer({ min: 1, max: 100 }), fc.constantFrom('external', 'implicit', 'add', 'bees' as const), (rows, pct, by) => {
        const ex = Float64Array.from(rows, (r) => r[0]);
        const im = Float64Array.from(rows, (r) => r[1]);
        let r;
        try {
          r = selectPairs({ external: ex, implicit: im }, { by, fraction: pct / 100 });
        } catch (e) {
          expect(by).toBe('bees'); // bees needs calibratable sources (U > L)
          expect(String(e)).toMatch(/upper bound|no finite margins/);
          return;
        }
        const k = Math.floor((pct * rows.length) / 100);
        expect(r.k).toBe(k);
        const kept = Array.from(r.rank).filter((x) => x > 0).sort((a, b) => a - b);
        expect(kept).toEqual(Array.from({ length: k }, (_, i) => i + 1));
        let minKept = Infinity;
        let maxDropped = -Infinity;
        for (let i = 0; i < rows.length; i++) {
          if (r.rank[i]! > 0) minKept = Math.min(minKept, r.key[i]!);
          else maxDropped = Math.max(maxDropped, r.key[i]!);
        }
        expect(minKept).toBeGreaterThanOrEqual(maxDropped);
      }),
      { numRuns: 200 },
    );
  });

  it('fusion: symmetric, a neutral source changes nothing, monotone', () => {
    const p = fc.double({ min: 0.001, max: 0.999, noNaN: true });
    fc.assert(
      fc.property(p, p, p, (a, b, c) => {
        expectClose(fuseLogit([a, b]), fuseLogit([b, a]), { atol: 1e-12 });
        expectClose(sigmoid(fuseLogit([a, 0.5])), a, { atol: 1e-12 });
        if (b < c) expect(fuseLogit([a, b])).toBeLessThanOrEqual(fuseLogit([a, c]));
        if (c - b > 1e-9) expect(fuseLogit([a, b])).toBeLessThan(fuseLogit([a, c]));
        expectClose(sigmoid(fuseLogit([a, b])), officialProduct(a, b), { atol: 1e-12 });
      }),
    );
    expect(clippedLogit(1)).toBeCloseTo(-clippedLogit(0), 9);
    expect(Number.isFinite(clippedLogit(1))).toBe(true);
  });

  it('fractionCount guards binary rounding', () => {
    expect(fractionCount(0.29, 100)).toBe(29);
    expect(fractionCount(0.1, 30)).toBe(3);
    expect(fractionCount(1, 7)).toBe(7);
  });
});

describe('rating-gap weights', () => {
  it('weight = max(g, 0) / mean max(g, 0): mean 1, missing stays missing, negatives count', () => {
    const { weight, report } = ratingGapWeights([1, 3, Number.NaN, -2, 0]);
    // mean of max(g,0) over finite gaps = (1 + 3 + 0 + 0) / 4 = 1
    expect(report).toEqual({ meanGap: 1, missing: 1, negative: 1 });
    expect(Array.from(weight)).toEqual([1, 3, Number.NaN, 0, 0]);
    expect(Array.from(ratingGapWeights([0, 0]).weight)).toEqual([1, 1]);
  });
});

describe('the selection ranks only its top k', () => {
  // The oracle: every rankable pair sorted with Array.prototype.sort (stable) by the documented order: the ranking
  // key descending (NaN: not rankable), then the summed raw margins descending (missing = 0), then the input order.
  const oracleRanks = (key: ArrayLike<number>, ex: number[], im: number[] | null, k: number): number[] => {
    const z = (x: number): number => (Number.isFinite(x) ? x : 0);
    const tie = ex.map((x, i) => z(x) + (im ? z(im[i]!) : 0));
    const idx = ex.map((_, i) => i).filter((i) => !Number.isNaN(key[i]!));
    idx.sort((a, b) => key[b]! - key[a]! || tie[b]! - tie[a]! || a - b);
    const rank = new Array<number>(ex.length).fill(0);
    idx.slice(0, k).forEach((i, r) => (rank[i] = r + 1));
    return rank;
  };
  // Few distinct values (many ties), both zeros, infinities, NaN (a missing margin counts as 0 under `zero`).
  const margin = fc.oneof(
    fc.constantFrom(0, -0, 1, -1, 2.5, Infinity, -Infinity, Number.NaN, Number.MAX_VALUE, -Number.MAX_VALUE, 5e-324),
    fc.integer({ min: -3, max: 3 }),
    fc.double({ noNaN: true }),
  );
  const by = fc.constantFrom('external', 'add', 'bees') as fc.Arbitrary<'external' | 'add' | 'bees'>;

  it('ranks equal the full sort for every k (external, add and bees; ties, +-0, infinities)', () => {
    fc.assert(
      fc.property(fc.array(margin, { minLength: 1, maxLength: 300 }), fc.array(margin, { minLength: 300, maxLength: 300 }), fc.nat(), by, (ex, imAll, kSeed, b) => {
        const im = b === 'external' ? null : imAll.slice(0, ex.length);
        const k = kSeed % (ex.length + 1);
        // bees calibrates with fixed bounds here (a searched U may not exist for arbitrary margins).
        const bounds = b === 'bees' ? { upperExternal: 2, upperImplicit: 3 } : {};
        const r = selectPairs({ external: Float64Array.from(ex), ...(im ? { implicit: Float64Array.from(im) } : {}) }, { by: b, top: k, ...bounds });
        expect(Array.from(r.rank)).toEqual(oracleRanks(r.key, ex, im, k));
        // The full ranking (sorted when read) starts with the kept pairs, in rank order.
        const kept = Array.from(r.rank).map((x, i) => [x, i] as const).filter(([x]) => x > 0).sort((x, y) => x[0] - y[0]).map(([, i]) => i);
        expect(Array.from(r.order.subarray(0, r.k))).toEqual(kept);
        expect(r.order.length).toBe(ex.length - r.ineligible);
      }),
      { numRuns: 600 },
    );
  });
});

describe('topOf: the top k from a sampled threshold', () => {
  // Orders that fool an evenly spaced sample (sorted, reversed, a sawtooth of the sample's stride), heavy ties, NaN.
  const shape = fc.constantFrom('random', 'ascending', 'descending', 'sawtooth', 'peaks', 'ties', 'nan');
  it('equals a full sort by the comparator for every k, sample size and input order (the fallbacks included)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: -50, max: 50 }), fc.double({ noNaN: true })), { minLength: 1, maxLength: 3000, size: 'max' }), shape, fc.nat(), fc.constantFrom(1, 2, 7, 64, 2048), (xs, how, kSeed, sample) => {
        let v = xs.slice();
        if (how === 'ascending') v.sort((a, b) => a - b);
        if (how === 'descending') v.sort((a, b) => b - a);
        const sampled = (i: number) => i % Math.max(1, Math.floor(v.length / sample)) === 0;
        if (how === 'sawtooth') v = v.map((x, i) => (sampled(i) ? -1e9 : x));
        if (how === 'peaks') v = v.map((x, i) => (sampled(i) ? 1e9 : x));
        if (how === 'ties') v = v.map((x, i) => (i % 5 === 0 ? x : 0));
        if (how === 'nan') v = v.map((x, i) => (i % 3 === 0 ? Number.NaN : x));
        const key = Float64Array.from(v);
        const idx = [...key.keys()].filter((i) => !Number.isNaN(key[i]!));
        const m = idx.length;
        if (m === 0) return;
        const k = kSeed % (m + 1);
        const cmp = (a: number, b: number) => key[b]! - key[a]! || a - b;
        const want = idx.sort(cmp).slice(0, k);
        expect(Array.from(topOf(key, k, m, cmp, sample))).toEqual(want);
      }),
      { numRuns: 400 },
    );
  });
});

describe('calibrate against a plain transcription of the formula', () => {
  // p = (clip(m, L, U) - L) / D, D = U - L (stable) or max(clip(m, L, U)) - L (official); a missing margin is 0
  // (zero), p = 0.5 (neutral) or NaN (drop). Written from the spec, array by array.
  function reference(ms: number[], o: { lower: number; upper?: number; divisor: number; missing: 'zero' | 'neutral' | 'drop'; mode: 'stable' | 'official' }) {
    const x = ms.map((m) => (Number.isFinite(m) ? m : o.missing === 'zero' ? 0 : Number.NaN));
    const U = o.upper ?? searchUpper(Float64Array.from(x), o.divisor);
    const shifted = x.map((v) => (Number.isNaN(v) ? Number.NaN : Math.min(Math.max(v, o.lower), U) - o.lower));
    const kept = shifted.filter((v) => !Number.isNaN(v));
    const D = o.mode === 'official' && kept.length > 0 ? Math.max(...kept) : U - o.lower;
    const p = shifted.map((v) => (Number.isNaN(v) ? (o.missing === 'neutral' ? 0.5 : Number.NaN) : v / D));
    const finite = p.filter(Number.isFinite);
    return {
      p,
      upper: U,
      denominator: D,
      clippedLow: x.filter((v) => v <= o.lower).length,
      clippedHigh: x.filter((v) => v >= U).length,
      pMin: finite.length ? Math.min(...finite) : null,
      pMax: finite.length ? Math.max(...finite) : null,
    };
  }
  const margin = fc.oneof(fc.double({ min: -10, max: 10, noNaN: true }), fc.constantFrom(Number.NaN, Infinity, -Infinity, -2, 0, 3, -0));

  it('the same p (bit for bit), bounds, clip counts and p range, for every missing policy and both arithmetics', () => {
    fc.assert(
      fc.property(
        fc.array(margin, { minLength: 1, maxLength: 80 }),
        fc.constantFrom('zero', 'neutral', 'drop'),
        fc.constantFrom('stable', 'official'),
        fc.option(fc.double({ min: -1, max: 8, noNaN: true }), { nil: undefined }),
        (ms, missing, mode, upper) => {
          if (mode === 'official' && missing !== 'zero') return;
          const o = { lower: -2, upper, divisor: 1.5, missing, mode } as const;
          if (!ms.some((m) => Number.isFinite(m)) && missing !== 'zero') return; // nothing to search U from
          let want: ReturnType<typeof reference>;
          try {
            want = reference(ms, o);
          } catch {
            return;
          }
          if (mode === 'stable' && !(want.upper > -2)) {
            expect(() => calibrate(Float64Array.from(ms), o)).toThrow(/upper bound/);
            return;
          }
          const got = calibrate(Float64Array.from(ms), o);
          expect(Array.from(got.p)).toEqual(want.p);
          expect(got.calibration.upper).toBe(want.upper);
          expect(got.calibration.denominator).toBe(want.denominator);
          expect([got.calibration.clippedLow, got.calibration.clippedHigh]).toEqual([want.clippedLow, want.clippedHigh]);
          expect([got.calibration.pMin, got.calibration.pMax]).toEqual([want.pMin, want.pMax]);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("a selection's p of pair i equals its p array (made when first read)", () => {
    const ex = Float64Array.from({ length: 200 }, (_, i) => Math.sin(i) * 4);
    const im = Float64Array.from({ length: 200 }, (_, i) => (i % 7 === 0 ? Number.NaN : Math.cos(i) * 5));
    for (const by of ['external', 'bees'] as const) {
      const r = selectPairs({ external: ex, implicit: im }, { by, fraction: 0.3 });
      for (let i = 0; i < 200; i++) {
        expect(r.pExternalOf!(i)).toBe(r.pExternal![i]);
        expect(Object.is(r.pImplicitOf!(i), r.pImplicit![i])).toBe(true);
      }
    }
  });
});
