// `clean` (issue #15, #12): win counts with add-half smoothing (hand-computed logits), the flag rule calibrated
// against noise (at most 5% of judged pairs flagged on uncorrupted prompts at observed fractions 0.3-1; precision
// on planted corruption), on every backend. The many-seed table is bench/clean-flags.ts (README "Robust PCA").
import { describe, expect, it } from 'vitest';
import { buildPreferenceMatrix, cleanPreferences } from '../../src/rpca/preferences.js';
import { ALL_BACKENDS, engineFor } from '../helpers/engines.js';
import { flagStats, judgedPrompt } from '../../bench/gen-preferences.js';

describe('win-count comparisons', () => {
  it('[i, j, wins, total]: both directions summed, then (wins + 1/2) / (total + 1); a total of 0 judges nothing', () => {
    const m = buildPreferenceMatrix({ comparisons: [[0, 1, 3, 4], [1, 0, 1, 2], [1, 2, 0, 0], [2, 0, 5, 5]], n: 3 });
    // pair (0, 1): 0 won 3 of 4 and 2 - 1 = 1 of 2 -> 4 of 6 -> P = 4.5 / 7, logit = ln(4.5 / 2.5) = ln 1.8
    // pair (0, 2): 2 won 5 of 5 -> 0 won 0 of 5 -> P = 0.5 / 6, logit = ln(0.5 / 5.5) = -ln 11
    expect(m.size).toBe(3);
    expect(m.Y[0 * 3 + 1]).toBeCloseTo(0.5877866649021191, 14);
    expect(m.Y[1 * 3 + 0]).toBeCloseTo(-0.5877866649021191, 14);
    expect(m.Y[0 * 3 + 2]).toBeCloseTo(-2.3978952727983707, 14);
    expect(m.Y[2 * 3 + 0]).toBeCloseTo(2.3978952727983707, 14);
    expect(m.mask[1 * 3 + 2]).toBe(0);
    expect(m.observedPairs).toBe(2);
    // all wins or no wins stay finite: 7 of 7 -> ln(7.5 / 0.5) = ln 15
    expect(buildPreferenceMatrix({ comparisons: [[0, 1, 7, 7]], n: 2 }).Y[1]).toBeCloseTo(Math.log(15), 14);
  });

  it('rejects bad counts naming the field: wins above total, non-integers, a mix with probabilities', () => {
    expect(() => buildPreferenceMatrix({ comparisons: [[0, 1, 5, 4]], n: 2 })).toThrow(expect.objectContaining({ field: 'comparisons.0.2', reason: 'out_of_range' }));
    expect(() => buildPreferenceMatrix({ comparisons: [[0, 1, 1, 2.5]], n: 2 })).toThrow(expect.objectContaining({ field: 'comparisons.0.3', reason: 'out_of_range' }));
    expect(() => buildPreferenceMatrix({ comparisons: [[0, 1, 1, 2], [0, 1, 0.5]], n: 2 })).toThrow(expect.objectContaining({ field: 'comparisons.1', reason: 'wrong_type' }));
  });
});

describe.each(ALL_BACKENDS)('clean flags on %s', (backend) => {
  const engine = engineFor(backend);
  const seeds = backend === 'js' ? [1] : [1, 2, 3, 4];

  it('uncorrupted win counts (n = 32, K = 10): at most 5% of judged pairs flagged at observed fractions 0.3, 0.5, 1', () => {
    for (const observed of [0.3, 0.5, 1]) {
      let judged = 0;
      let flagged = 0;
      for (const seed of seeds) {
        const p = judgedPrompt(32, observed, 10, 0, seed);
        const [res] = cleanPreferences(engine, [buildPreferenceMatrix({ comparisons: p.comparisons, n: 32 })], { minCandidates: 2 });
        expect(res!.rpca_skipped).toBe(false);
        const s = flagStats(p, res!.corrupted);
        judged += s.judged;
        flagged += s.flagged;
      }
      expect(flagged / judged, `observed ${observed}`).toBeLessThanOrEqual(0.05);
    }
  });

  it('20% of the pairs corrupted (counts swapped, all pairs judged): flags are mostly the corrupted pairs', () => {
    let flagged = 0;
    let hits = 0;
    for (const seed of seeds) {
      const p = judgedPrompt(32, 1, 10, 0.2, 100 + seed);
      const [res] = cleanPreferences(engine, [buildPreferenceMatrix({ comparisons: p.comparisons, n: 32 })], { minCandidates: 2 });
      const s = flagStats(p, res!.corrupted);
      flagged += s.flagged;
      hits += s.hits;
    }
    expect(flagged).toBeGreaterThan(0);
    // bench/clean-flags.ts over 100 seeds: precision about 0.9 here; the gate leaves room for few seeds
    expect(hits / flagged).toBeGreaterThanOrEqual(0.7);
  });

  it('nearly noise-free judgments (K = 1000 judges, 10% swapped): most flags are swapped pairs and most swaps are flagged', () => {
    const p = judgedPrompt(40, 1, 1000, 0.1, 7);
    const [res] = cleanPreferences(engine, [buildPreferenceMatrix({ comparisons: p.comparisons, n: 40 })], { minCandidates: 2 });
    const s = flagStats(p, res!.corrupted);
    // the residual scale is set by the sampling noise (logit sd about 1 / sqrt(K p (1 - p))), so a few noisy pairs
    // with large score gaps pass 3 robust sd, and swaps of pairs with near-equal scores change nothing detectable
    expect(s.hits / s.flagged, `${s.hits} of ${s.flagged} flags, ${s.truth} swapped`).toBeGreaterThanOrEqual(0.8);
    expect(s.hits / s.truth, `${s.hits} of ${s.truth} swapped pairs flagged`).toBeGreaterThanOrEqual(0.5);
  });

  it('--method altproj ranks like ialm; a huge --lambda leaves S = 0 and flags nothing', () => {
    const p = judgedPrompt(32, 1, 100, 0.1, 11);
    const m = buildPreferenceMatrix({ comparisons: p.comparisons, n: 32 });
    const clean = (o: { method?: 'altproj'; lambda?: number; tol?: number; dualTol?: number }) => cleanPreferences(engine, [m], { minCandidates: 2, ...o })[0]!;
    const ialm = clean({});
    const altproj = clean({ method: 'altproj' });
    // rpca's strict tolerances for the identity below (clean's defaults, 1e-4 and 1e-2, stop near it: checked last)
    const flat = clean({ lambda: 1e6, tol: 1e-7, dualTol: 1e-5 });
    expect(altproj.ranking.slice(0, 5)).toEqual(ialm.ranking.slice(0, 5));
    expect(flat.corrupted).toEqual([]);
    // lambda ||S||_1 above ||D||_* for any S != 0: L = D, so the scores are the plain row means of Y
    const naive = Array.from({ length: 32 }, (_, i) => {
      let t = 0;
      for (let j = 0; j < 32; j++) t += m.Y[i * 32 + j]!;
      return t / 32;
    });
    flat.clean_scores.forEach((v, i) => expect(v).toBeCloseTo(naive[i]!, 6));
    const loose = clean({ lambda: 1e6 });
    expect(loose.corrupted).toEqual([]);
    loose.clean_scores.forEach((v, i) => expect(Math.abs(v! - naive[i]!)).toBeLessThan(1e-4 * Math.max(...naive.map(Math.abs))));
  });
});
