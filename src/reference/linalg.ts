// Pure-JS reference for assembly/kernels/linalg.ts: plain matrix product and Jacobi SVD (test oracle and fallback).
import type { GemmOptions, SvdResult } from '../kernels/linalg.js';
import { jacobiSvd, matmul } from './dense.js';

/** C = op(A) op(B) (row-major f64). */
export function gemm(a: Float64Array, b: Float64Array, m: number, n: number, k: number, options: GemmOptions = {}): Float64Array {
  return matmul(a, b, m, n, k, !!options.transA, !!options.transB);
}

/** Economy SVD A = U diag(s) Vt (descending s). */
export function svd(a: Float64Array, m: number, n: number): SvdResult {
  const k = Math.min(m, n);
  const r = jacobiSvd(a, m, n);
  const U = new Float64Array(m * k);
  const Vt = new Float64Array(k * n);
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < m; i++) U[i * k + c] = r.u[c]![i]!;
    for (let j = 0; j < n; j++) Vt[c * n + j] = r.v[c]![j]!;
  }
  return { U, s: Float64Array.from(r.s), Vt };
}
