// RPCA solvers on every backend: Lin-Chen-Ma and Candes-style recovery (spec 4.2-4.3, test plan T2-T3), BTL
// preference matrices with flips (T5), missing entries (T6), the edge cases of spec section 6, and batches.
import { describe, expect, it } from 'vitest';
import { rpca as reference } from '../../src/reference/index.js';
import { resolveRpcaOptions } from '../../src/kernels/rpca.js';
import { ALL_BACKENDS, engineFor } from '../helpers/engines.js';
import { rng } from '../helpers/close.js';
import { btl, kendallTau, lowRankSparse, numericalRank, relErr, rowMeans } from '../helpers/rpca-data.js';

function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j]!;
  return t;
}

function nonZeros(x: Float64Array): number {
  let k = 0;
  for (const v of x) if (v !== 0) k++;
  return k;
}

function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]!));
  return m;
}

/** Mask with the diagonal and each pair (i < j) observed with probability p, mirrored. */
function pairMask(n: number, p: number, seed: number): Uint8Array {
  const r = rng(seed);
  const mask = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) {
    mask[i * n + i] = 1;
    for (let j = i + 1; j < n; j++) if (r() < p) mask[i * n + j] = mask[j * n + i] = 1;
  }
  return mask;
}

describe.each(ALL_BACKENDS)('rpca on %s', (backend) => {
  const engine = engineFor(backend);
  const big = backend === 'js' ? 120 : 200;

  // ||L - A||/||A|| is bounded by about tol * ||D||/||A||, which shrinks with m: at m = 500 it is ~1.5e-7 (spec 4.2:
  // 4.3e-7), at m = 120-200 ~1e-6. The 1e-6 gate is checked at m = 500 (WASM; the JS twin is too slow for the suite),
  // smaller sizes get 5e-6.
  // Iterations: the reference IALM (primal residual only, geometric mu) takes 20-23 (spec 4.2). This solver also
  // requires the dual residual below 1e-5 and, once the dual residual stagnates, steps mu back and balances the
  // residuals (issue #15: run to the optimum), which costs more iterations on some matrices: 500x500 with 10%
  // errors takes 47 (27 at 5%, 34 at 200x200 10%). Hence 15-50, with the same error gates.
  it('Lin-Chen-Ma-style recovery (rank 5%, U[-500, 500] errors): exact rank and support, iterations 15-50', () => {
    const runs: [number, number, number][] = backend === 'js' ? [[120, 0.05, 5e-6]] : [[500, 0.05, 1e-6], [200, 0.1, 5e-6]];
    if (backend === 'wasm-simd') runs.push([500, 0.1, 1e-6]);
    for (const [m, frac, gate] of runs) {
      const p = lowRankSparse(m, m, Math.round(0.05 * m), frac, 11 + frac * 100);
      const res = engine.rpca(p.D, m, m);
      expect(res.converged).toBe(true);
      expect(res.relativeResidual).toBeLessThan(1e-7);
      expect(res.iterations).toBeGreaterThanOrEqual(15);
      expect(res.iterations).toBeLessThanOrEqual(50);
      expect(relErr(res.L, p.A), `m = ${m}, ${frac}`).toBeLessThan(gate);
      expect(res.rank).toBe(p.rank);
      if (m <= 200) expect(numericalRank(engine.svd(res.L, m, m).s)).toBe(p.rank);
      expect(Math.abs(nonZeros(res.S) - p.support)).toBeLessThanOrEqual(Math.ceil(0.001 * p.support));
    }
  });

  it('Candes-style recovery (N(0, 1/n) factors, +-1 errors on 5%)', () => {
    const n = backend === 'js' ? 100 : 200;
    const p = lowRankSparse(n, n, Math.round(0.05 * n), 0.05, 5, 'candes');
    const res = engine.rpca(p.D, n, n);
    expect(res.converged).toBe(true);
    expect(res.iterations).toBeLessThanOrEqual(35);
    expect(relErr(res.L, p.A)).toBeLessThan(5e-6);
    expect(res.rank).toBe(p.rank);
  });

  it('BTL preferences with 10% flipped pairs: exact ranking, flagged = injected (IALM and AltProj, n = 64)', () => {
    for (const seed of [1, 2, 3]) {
      const b = btl(64, 0.1, seed, false);
      const naive = kendallTau(rowMeans(b.D, 64), b.scores);
      for (const method of ['ialm', 'altproj'] as const) {
        const res = engine.rpca(b.D, 64, 64, { method });
        expect(res.converged).toBe(true);
        expect(res.rank).toBe(2);
        const tau = kendallTau(rowMeans(res.L, 64), b.scores);
        expect(tau, `${method} seed ${seed}`).toBeGreaterThanOrEqual(0.995);
        expect(tau).toBeGreaterThan(naive);
        const flagged = new Set<number>();
        res.S.forEach((v, i) => Math.abs(v) > 1e-6 && flagged.add(i));
        expect([...flagged].sort()).toEqual([...b.flipped].sort());
        // skew in, skew out
        let skew = 0;
        for (let i = 0; i < 64; i++) for (let j = 0; j < 64; j++) skew = Math.max(skew, Math.abs(res.L[i * 64 + j]! + res.L[j * 64 + i]!));
        expect(skew).toBeLessThan(1e-6 * maxAbs(b.Y));
      }
    }
  });

  it('BTL with clipped probabilities (n = 128, 20% flips): ranking beats the naive row means', () => {
    const b = btl(128, 0.2, 9);
    const res = engine.rpca(b.D, 128, 128);
    const tau = kendallTau(rowMeans(res.L, 128), b.scores);
    expect(tau).toBeGreaterThanOrEqual(0.98);
    expect(tau).toBeGreaterThan(kendallTau(rowMeans(b.D, 128), b.scores) + 0.05);
  });

  it('missing comparisons (n = 64): p = 0.5 and 0.8 with 10% flips beat naive; S is 0 off the mask', () => {
    for (const [p, gate] of [[0.5, 0.95], [0.8, 0.99]] as const) {
      let tauSum = 0;
      let naiveSum = 0;
      for (const seed of [1, 2, 3, 4]) {
        const b = btl(64, 0.1, seed, false);
        const mask = pairMask(64, p, seed + 100);
        const D = b.D.map((v, i) => (mask[i] ? v : NaN)); // NaN is fine where unobserved
        const res = engine.rpca(D, 64, 64, { mask });
        expect(res.converged).toBe(true);
        for (let i = 0; i < D.length; i++) if (!mask[i]) expect(res.S[i]).toBe(0);
        tauSum += kendallTau(rowMeans(res.L, 64), b.scores);
        const naive = new Float64Array(64);
        for (let i = 0; i < 64; i++) {
          let s = 0;
          let c = 0;
          for (let j = 0; j < 64; j++) if (mask[i * 64 + j] && i !== j) (s += D[i * 64 + j]!), c++;
          naive[i] = c ? s / c : 0;
        }
        naiveSum += kendallTau(naive, b.scores);
      }
      expect(tauSum / 4, `p = ${p}`).toBeGreaterThanOrEqual(gate);
      expect(tauSum).toBeGreaterThan(naiveSum);
    }
  });

  it('AltProj at the true rank recovers a Candes-style rank-2 + sparse matrix', () => {
    const p = lowRankSparse(100, 100, 2, 0.05, 21, 'candes');
    const res = engine.rpca(p.D, 100, 100, { method: 'altproj', rank: 2 });
    expect(res.converged).toBe(true);
    expect(res.rank).toBe(2);
    expect(relErr(res.L, p.A)).toBeLessThan(5e-6);
  });

  describe('edge cases (spec section 6)', () => {
    it('zero matrix: L = S = 0, 0 iterations, converged, before any division', () => {
      for (const method of ['ialm', 'altproj'] as const) {
        const res = engine.rpca(new Float64Array(12), 3, 4, { method });
        expect(res).toMatchObject({ iterations: 0, converged: true, rank: 0, relativeResidual: 0 });
        expect(maxAbs(res.L) + maxAbs(res.S)).toBe(0);
      }
    });
    it('rank 0 + sparse: L = 0 and S = D', () => {
      const r = rng(4);
      const D = new Float64Array(100 * 100);
      for (let i = 0; i < D.length; i++) if (r() < 0.05) D[i] = r() < 0.5 ? -1 : 1;
      const res = engine.rpca(D, 100, 100);
      expect(res.converged).toBe(true);
      expect(res.rank).toBe(0);
      expect(maxAbs(res.L)).toBe(0);
      expect(maxAbs(res.S.map((v, i) => v - D[i]!))).toBeLessThan(1e-6);
    });
    it('constant matrix (rank 1): L = D, S = 0', () => {
      const D = new Float64Array(30 * 20).fill(3.5);
      const res = engine.rpca(D, 30, 20);
      expect(res.converged).toBe(true);
      expect(res.rank).toBe(1);
      expect(relErr(res.L, D)).toBeLessThan(1e-7);
      expect(maxAbs(res.S)).toBeLessThan(1e-6);
    });
    it('1x1 and 2x2 skew matrices give finite L + S = D (the signal goes to S: too small for RPCA)', () => {
      for (const [D, n] of [[new Float64Array([5]), 1], [new Float64Array([0, 1.5, -1.5, 0]), 2]] as const) {
        const res = engine.rpca(D, n, n);
        expect(res.converged).toBe(true);
        expect(res.L.every(Number.isFinite) && res.S.every(Number.isFinite)).toBe(true);
        expect(maxAbs(res.L.map((v, i) => v + res.S[i]! - D[i]!))).toBeLessThan(1e-6 * maxAbs(D));
      }
    });
    it('NaN / Inf give a clear RangeError naming row and column; a mask makes them missing', () => {
      const D = new Float64Array(9).fill(1);
      D[5] = NaN;
      expect(() => engine.rpca(D, 3, 3)).toThrow(/D has a non-finite value \(NaN\) at row 1, column 2/);
      D[5] = -Infinity;
      expect(() => engine.rpca(D, 3, 3)).toThrow(RangeError);
      const mask = new Uint8Array(9).fill(1);
      mask[5] = 0;
      expect(engine.rpca(D, 3, 3, { mask }).L.every(Number.isFinite)).toBe(true);
      const data = new Float64Array(8).fill(1);
      data[6] = Infinity;
      expect(() => engine.rpcaBatch(data, new Int32Array([2, 2, 2, 2]))).toThrow(/matrix 1 has a non-finite value/);
    });
    it('wide and tall shapes: lambda = 1/sqrt(max(m, n)) recovers both and the solver is transpose-equivariant', () => {
      const p = lowRankSparse(30, 300, 2, 0.05, 8);
      const wide = engine.rpca(p.D, 30, 300);
      const tall = engine.rpca(transpose(p.D, 30, 300), 300, 30);
      expect(wide.rank).toBe(2);
      expect(relErr(wide.L, p.A)).toBeLessThan(1e-4);
      expect(relErr(transpose(tall.L, 300, 30), wide.L)).toBeLessThan(1e-6);
    });
    it('max iterations reached: converged = false with the last residual', () => {
      const p = lowRankSparse(40, 40, 2, 0.05, 3);
      const res = engine.rpca(p.D, 40, 40, { maxIter: 3 });
      expect(res).toMatchObject({ iterations: 3, converged: false });
      expect(res.relativeResidual).toBeGreaterThan(1e-7);
      expect(engine.rpca(p.D, 40, 40, { maxIter: 0 }).iterations).toBe(0);
    });
    it('rejects bad options and shapes, naming the argument', () => {
      const D = new Float64Array(4);
      expect(() => engine.rpca(D, 2, 3)).toThrow(/D has length 4, expected rows \* cols = 6/);
      expect(() => engine.rpca(D, 2, 2, { method: 'pcp' as 'ialm' })).toThrow(/method must be one of ialm, altproj/);
      expect(() => engine.rpca(D, 2, 2, { tol: 0 })).toThrow(/tol/);
      expect(() => engine.rpca(D, 2, 2, { lambda: -1 })).toThrow(/lambda/);
      expect(() => engine.rpca(D, 2, 2, { mask: new Uint8Array(3) })).toThrow(/mask has length 3/);
      expect(() => engine.rpcaBatch(D, new Int32Array([2, 3]))).toThrow(/dims describe 6 entries/);
    });
  });

  it('scale equivariance: rpca(c D) = c rpca(D)', () => {
    const p = lowRankSparse(50, 50, 3, 0.05, 30);
    const a = engine.rpca(p.D, 50, 50);
    const b = engine.rpca(p.D.map((v) => v * 8), 50, 50);
    expect(relErr(b.L, a.L.map((v) => v * 8))).toBeLessThan(1e-9);
    expect(b.iterations).toBe(a.iterations);
  });

  it('an empty batch returns empty results; arena bytes in use return to 0 after every call', () => {
    const r = engine.rpcaBatch(new Float64Array(0), new Int32Array(0));
    expect(r.L.length + r.iterations.length).toBe(0);
    expect(Array.from(r.offsets)).toEqual([0]);
    const before = engine.memory().bytesInUse;
    engine.rpca(btl(24, 0.1, 1).D, 24, 24);
    expect(() => engine.rpca(new Float64Array([NaN]), 1, 1)).toThrow(RangeError);
    expect(engine.memory().bytesInUse).toBe(before);
  });

  it('a batch of mixed sizes gives exactly what single calls give', () => {
    const shapes = [[16, 16], [4, 4], [24, 10], [33, 33]];
    const mats = shapes.map(([m, n], i) => btl(Math.min(m!, n!), 0.1, 40 + i, false));
    const parts = shapes.map(([m, n], i) => (m === n ? mats[i]!.D : lowRankSparse(m!, n!, 2, 0.05, i).D));
    const dims = new Int32Array(shapes.flat());
    const data = new Float64Array(parts.reduce((s, x) => s + x.length, 0));
    let off = 0;
    for (const x of parts) (data.set(x, off), (off += x.length));
    const batch = engine.rpcaBatch(data, dims);
    shapes.forEach(([m, n], i) => {
      const one = engine.rpca(parts[i]!, m!, n!);
      expect(Array.from(batch.L.subarray(batch.offsets[i]!, batch.offsets[i + 1]!))).toEqual(Array.from(one.L));
      expect(Array.from(batch.S.subarray(batch.offsets[i]!, batch.offsets[i + 1]!))).toEqual(Array.from(one.S));
      expect(batch.iterations[i]).toBe(one.iterations);
      expect(batch.rank[i]).toBe(one.rank);
    });
  });
});

describe('WASM solvers against the JS twin', () => {
  const cases: [string, Float64Array, number, number, Record<string, unknown>][] = [
    ['LCM 80x80', lowRankSparse(80, 80, 4, 0.1, 2).D, 80, 80, {}],
    ['wide 20x70', lowRankSparse(20, 70, 2, 0.05, 3).D, 20, 70, {}],
    ['tall 70x20 dense SVD', lowRankSparse(70, 20, 2, 0.05, 4).D, 70, 20, { svd: 'dense' }],
    ['BTL 48 randomized SVD', btl(48, 0.1, 5).D, 48, 48, { svd: 'randomized' }],
    ['BTL 40 AltProj', btl(40, 0.1, 6, false).D, 40, 40, { method: 'altproj' }],
    ['BTL 40 masked', btl(40, 0.1, 7, false).D, 40, 40, { mask: pairMask(40, 0.6, 7) }],
  ];
  for (const backend of ['wasm-simd', 'wasm-scalar'] as const) {
    it.each(cases)(`${backend}: %s`, (_name, D, m, n, options) => {
      const resolved = resolveRpcaOptions(D, new Int32Array([m, n]), options);
      const want = reference.rpca(D, m, n, resolved);
      const got = engineFor(backend).rpca(D, m, n, options);
      expect(Math.abs(got.iterations - want.iterations)).toBeLessThanOrEqual(1);
      expect(got.rank).toBe(want.rank);
      expect(got.converged).toBe(want.converged);
      expect(relErr(got.L, want.L)).toBeLessThan(1e-6);
    });
  }
  it('dense and randomized SVD inside IALM reach the same L', () => {
    const e = engineFor('wasm-simd');
    const b = btl(96, 0.1, 12, false);
    const dense = e.rpca(b.D, 96, 96, { svd: 'dense' });
    const rand = e.rpca(b.D, 96, 96, { svd: 'randomized' });
    expect(relErr(rand.L, dense.L)).toBeLessThan(1e-6);
    expect(Math.abs(rand.iterations - dense.iterations)).toBeLessThanOrEqual(1);
  });
});
