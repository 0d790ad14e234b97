// Issue #15 and #12 on every backend: the IALM reaches the PCP optimum on noisy BTL matrices (objective against a
// long-run fixed-penalty ADMM in numpy: bench/peers/rpca_optimum.py -> test/fixtures/rpca/optimum.json), AltProj
// converges on Lin-Chen-Ma cases, and entries near overflow or in the subnormal range are solved at an exact
// power-of-two scale, identically on every backend.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_BACKENDS, engineFor } from '../helpers/engines.js';
import { lowRankSparse, relErr } from '../helpers/rpca-data.js';

interface Case { n: number; alpha: number; noise: number; seed: number; lambda: number; D: number[]; objective: number; dual_bound: number; row_means: number[] }
const fixture = JSON.parse(readFileSync(join(__dirname, '../fixtures/rpca/optimum.json'), 'utf8')) as { cases: Case[] };

function rowMeans(L: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += L[i * n + j]!;
    out[i] = s / n;
  }
  return out;
}

function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]!));
  return m;
}

/** The unit-scale LCM problem used for the scaling tests (max |D| about 500). */
const small = lowRankSparse(40, 40, 2, 0.05, 21);

describe.each(ALL_BACKENDS)('rpca to the optimum on %s', (backend) => {
  const engine = engineFor(backend);

  it('noisy BTL matrices (n = 20-64, 5-15% flips): objective within 1e-6 of the converged reference, scores within 1e-5', () => {
    for (const c of fixture.cases) {
      // the reference is converged: its duality gap is below 1e-12
      expect((c.objective - c.dual_bound) / c.objective).toBeLessThan(1e-12);
      const res = engine.rpca(Float64Array.from(c.D), c.n, c.n);
      const what = `n = ${c.n}, seed ${c.seed}`;
      expect(res.converged, what).toBe(true);
      expect(res.relativeResidual).toBeLessThan(1e-7);
      expect(res.dualResidual).toBeLessThan(1e-5);
      expect(Math.abs(res.objective - c.objective) / c.objective, what).toBeLessThan(1e-6);
      // a feasible point cannot beat the optimum by more than its own infeasibility allows
      expect(res.objective, what).toBeGreaterThan(c.objective * (1 - 1e-6));
      const s = rowMeans(res.L, c.n);
      expect(relErr(s, Float64Array.from(c.row_means)), what).toBeLessThan(1e-5);
    }
  });

  it('a lower --tol does not move the objective away from the optimum (30x30, 15% flips, noise 0.5)', () => {
    const c = fixture.cases[0]!;
    for (const tol of [1e-7, 1e-9]) {
      const res = engine.rpca(Float64Array.from(c.D), c.n, c.n, { tol });
      expect(res.converged).toBe(true);
      expect(Math.abs(res.objective - c.objective) / c.objective).toBeLessThan(1e-6);
    }
  });

  it('AltProj converges on Lin-Chen-Ma cases (rank 5%, 5% errors U[-500, 500]) with the stage-wise rank increase', () => {
    const m = backend === 'js' ? 100 : 200;
    for (const seed of [3, 4]) {
      const p = lowRankSparse(m, m, Math.round(0.05 * m), 0.05, seed);
      const res = engine.rpca(p.D, m, m, { method: 'altproj', rank: p.rank });
      expect(res.converged, `seed ${seed}`).toBe(true);
      expect(res.rank).toBe(p.rank);
      expect(res.relativeResidual).toBeLessThan(1e-7);
      expect(Number.isNaN(res.dualResidual)).toBe(true);
      expect(relErr(res.L, p.A), `seed ${seed}`).toBeLessThan(1e-5);
    }
  });

  it('entries near max double and in the subnormal range are solved exactly as the unit-scale matrix, scaled', () => {
    const ref = engine.rpca(small.D, 40, 40);
    expect(ref.converged).toBe(true);
    expect(relErr(ref.L, small.A)).toBeLessThan(1e-5);
    // up: max |D| * 2^k just below max double (about 1.6e308); every entry is scaled exactly
    const up = 2 ** (1023 - Math.ceil(Math.log2(maxAbs(small.D))));
    const big = engine.rpca(small.D.map((v) => v * up), 40, 40);
    expect(maxAbs(small.D) * up).toBeGreaterThan(1e307);
    expect(big.iterations).toBe(ref.iterations);
    expect(big.converged).toBe(true);
    for (let i = 0; i < 1600; i++) {
      expect(big.L[i]).toBe(ref.L[i]! * up);
      expect(big.S[i]).toBe(ref.S[i]! * up);
    }
    expect(big.objective).toBe(ref.objective * up);
    // both signs near overflow: -D as well
    const neg = engine.rpca(small.D.map((v) => -v * up), 40, 40);
    for (let i = 0; i < 1600; i++) expect(neg.L[i]).toBe(-ref.L[i]! * up);
    // down: entries around 2^-1031 and below (subnormal, 43 bits or fewer): the solve sees the rounded entries scaled
    // back up exactly, and its L and S are rounded once on the way down
    const down = 2 ** -1040;
    const tiny = small.D.map((v) => v * down);
    expect(maxAbs(tiny)).toBeLessThan(2 ** -1022);
    const unit = engine.rpca(tiny.map((v) => v / down), 40, 40);
    const sub = engine.rpca(tiny, 40, 40);
    expect(sub.iterations).toBe(unit.iterations);
    expect(sub.converged).toBe(true);
    expect(maxAbs(sub.L)).toBeGreaterThan(0);
    for (let i = 0; i < 1600; i++) {
      expect(sub.L[i]).toBe(unit.L[i]! * down);
      expect(sub.S[i]).toBe(unit.S[i]! * down);
    }
  });
});

describe('rpca backends agree', () => {
  it('noisy BTL, near-overflow and subnormal matrices: wasm-simd, wasm-scalar and js give the same L and S (1e-9 of max |D|)', () => {
    const c = fixture.cases[2]!;
    const inputs: [Float64Array, number][] = [
      [Float64Array.from(c.D), c.n],
      [small.D.map((v) => v * 2 ** 1014), 40],
      [small.D.map((v) => v * 2 ** -1040), 40],
    ];
    for (const [D, n] of inputs) {
      const scale = maxAbs(D);
      const results = ALL_BACKENDS.map((b) => engineFor(b).rpca(D, n, n));
      for (const r of results.slice(1)) {
        expect(r.iterations).toBe(results[0]!.iterations);
        for (let i = 0; i < n * n; i++) {
          expect(Math.abs(r.L[i]! - results[0]!.L[i]!) / scale).toBeLessThan(1e-9);
          expect(Math.abs(r.S[i]! - results[0]!.S[i]!) / scale).toBeLessThan(1e-9);
        }
      }
    }
  });
});
