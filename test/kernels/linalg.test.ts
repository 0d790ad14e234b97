// GEMM and the Jacobi SVD on every backend: known answers, the JS reference, and ml-matrix's SVD as an oracle.
import { describe, expect, it } from 'vitest';
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { linalg } from '../../src/reference/index.js';
import { ALL_BACKENDS, engineFor } from '../helpers/engines.js';
import { expectAllClose, expectClose, rng } from '../helpers/close.js';
import { product } from '../helpers/rpca-data.js';

function rand(n: number, seed: number): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => r() * 2 - 1);
}

function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j]!;
  return t;
}

/** Max |U diag(s) Vt - A| relative to max |A|. */
function reconstructionError(a: Float64Array, m: number, n: number, r: { U: Float64Array; s: Float64Array; Vt: Float64Array }): number {
  const k = Math.min(m, n);
  let err = 0;
  let scale = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let v = 0;
      for (let c = 0; c < k; c++) v += r.U[i * k + c]! * r.s[c]! * r.Vt[c * n + j]!;
      err = Math.max(err, Math.abs(v - a[i * n + j]!));
      scale = Math.max(scale, Math.abs(a[i * n + j]!));
    }
  }
  return err / scale;
}

describe('reference linalg (known answers)', () => {
  it('multiplies a 2x3 by a 3x2 matrix', () => {
    const a = new Float64Array([1, 2, 3, 4, 5, 6]);
    const b = new Float64Array([7, 8, 9, 10, 11, 12]);
    expect(Array.from(linalg.gemm(a, b, 2, 2, 3))).toEqual([58, 64, 139, 154]);
    expect(Array.from(linalg.gemm(a, b, 3, 3, 2, { transA: true, transB: true }))).toEqual([39, 49, 59, 54, 68, 82, 69, 87, 105]);
  });
  it('finds the singular values of diag(3, -2) and of a rank-1 matrix', () => {
    expectAllClose(linalg.svd(new Float64Array([3, 0, 0, -2]), 2, 2).s, [3, 2], { rtol: 1e-15 });
    // [1 2; 2 4; 3 6] = [1 2 3]^T [1 2]: sigma = sqrt(14) * sqrt(5)
    expectAllClose(linalg.svd(new Float64Array([1, 2, 2, 4, 3, 6]), 3, 2).s, [Math.sqrt(70), 0], { rtol: 1e-14, atol: 1e-14 });
  });
  it('gives the paired singular values of a skew BTL matrix: sigma1 = sigma2 = sqrt(n) * ||s - mean(s)||', () => {
    const s = [0.3, -1.2, 2.0, 0.7, -0.4, 1.1, -2.2, 0.5];
    const n = s.length;
    const mean = s.reduce((a, b) => a + b) / n;
    const y = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) y[i * n + j] = s[i]! - s[j]!;
    const want = Math.sqrt(n) * Math.sqrt(s.reduce((a, v) => a + (v - mean) ** 2, 0));
    const got = linalg.svd(y, n, n).s;
    expectClose(got[0]!, want, { rtol: 1e-13 });
    expectClose(got[1]!, want, { rtol: 1e-13 });
    expect(got[2]!).toBeLessThan(1e-12 * want);
  });
});

describe.each(ALL_BACKENDS)('gemm on %s', (backend) => {
  const engine = engineFor(backend);
  it('matches the reference for every transpose combination at tile-straddling shapes', () => {
    for (const [m, n, k] of [[1, 1, 1], [3, 5, 2], [4, 4, 4], [5, 7, 9], [8, 9, 3], [13, 17, 11], [33, 6, 40]] as const) {
      const a = rand(m * k, m + 10 * n + 100 * k);
      const b = rand(k * n, 7 * m + n + k);
      const want = product(a, b, m, n, k);
      const tol = { rtol: 0, atol: 8 * k * Number.EPSILON };
      expectAllClose(engine.gemm(a, b, m, n, k), want, tol, `NN ${m}x${n}x${k}`);
      expectAllClose(engine.gemm(transpose(a, m, k), b, m, n, k, { transA: true }), want, tol, `TN ${m}x${n}x${k}`);
      expectAllClose(engine.gemm(a, transpose(b, k, n), m, n, k, { transB: true }), want, tol, `NT ${m}x${n}x${k}`);
      expectAllClose(engine.gemm(transpose(a, m, k), transpose(b, k, n), m, n, k, { transA: true, transB: true }), want, tol, `TT`);
    }
  });
  it('handles empty shapes and misaligned subarrays', () => {
    expect(engine.gemm(new Float64Array(0), new Float64Array(0), 0, 0, 0).length).toBe(0);
    expect(Array.from(engine.gemm(new Float64Array(0), new Float64Array(0), 2, 2, 0))).toEqual([0, 0, 0, 0]);
    const base = rand(200, 5);
    const a = base.subarray(1, 1 + 6 * 5);
    const b = base.subarray(51, 51 + 5 * 7);
    expectAllClose(engine.gemm(a, b, 6, 7, 5), product(a, b, 6, 7, 5), { rtol: 0, atol: 1e-14 });
  });
  it('rejects wrong types and lengths, naming the argument', () => {
    expect(() => engine.gemm(new Float32Array(4) as unknown as Float64Array, new Float64Array(4), 2, 2, 2)).toThrow(/a must be Float64Array/);
    expect(() => engine.gemm(new Float64Array(4), new Float64Array(5), 2, 2, 2)).toThrow(/b has length 5/);
    expect(() => engine.gemm(new Float64Array(4), new Float64Array(4), 2, -2, 2)).toThrow(/n must be an integer/);
  });
});

describe.each(ALL_BACKENDS)('svd on %s', (backend) => {
  const engine = engineFor(backend);
  it('agrees with ml-matrix on square, wide and tall matrices', () => {
    for (const [m, n] of [[1, 1], [2, 2], [5, 5], [6, 11], [11, 6], [40, 40], [30, 57]] as const) {
      const a = rand(m * n, m * 31 + n);
      const got = engine.svd(a, m, n);
      const rows = Array.from({ length: m }, (_, i) => Array.from(a.subarray(i * n, (i + 1) * n)));
      const oracle = new SingularValueDecomposition(new Matrix(rows), { autoTranspose: true });
      const want = oracle.diagonal.slice(0, Math.min(m, n));
      expectAllClose(got.s, want, { rtol: 1e-12, atol: 1e-13 * want[0]! }, `sigma ${m}x${n}`);
      expect(reconstructionError(a, m, n, got), `reconstruction ${m}x${n}`).toBeLessThan(1e-13);
      // U has orthonormal columns
      const k = Math.min(m, n);
      const utu = product(transpose(got.U, m, k), got.U, k, k, m);
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) expectClose(utu[i * k + j]!, i === j ? 1 : 0, { atol: 1e-13 });
    }
  });
  it('returns the exact rank of a low-rank matrix (trailing sigma ~ 0)', () => {
    const m = 30;
    const n = 20;
    const a = product(rand(m * 3, 1), rand(3 * n, 2), m, n, 3);
    const s = engine.svd(a, m, n).s;
    expect(s[2]!).toBeGreaterThan(1e-3);
    for (let i = 3; i < s.length; i++) expect(s[i]!).toBeLessThan(1e-13 * s[0]!);
  });
  it('rejects NaN/Inf with the position', () => {
    const a = new Float64Array([1, 2, 3, NaN]);
    expect(() => engine.svd(a, 2, 2)).toThrow(/non-finite value \(NaN\) at row 1, column 1/);
    expect(() => engine.svd(new Float64Array([Infinity]), 1, 1)).toThrow(RangeError);
    expect(() => engine.svd(new Float64Array(0), 0, 0)).toThrow(/m must be an integer >= 1/);
  });
});
