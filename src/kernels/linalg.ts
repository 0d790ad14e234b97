// Dense f64 linear algebra (GEMM, SVD): API types, argument checks and the WASM binding.
import type { WasmContext } from '../wasm/context.js';
import { check } from '../wasm/abi.js';
import { assertArray } from './validate.js';

export interface GemmOptions {
  /** A is stored k x m and used transposed (default false: A is m x k). */
  transA?: boolean;
  /** B is stored n x k and used transposed (default false: B is k x n). */
  transB?: boolean;
}

export interface SvdResult {
  /** m x k left singular vectors, row-major, k = min(m, n). */
  U: Float64Array;
  /** k singular values, descending. */
  s: Float64Array;
  /** k x n right singular vectors (transposed), row-major. */
  Vt: Float64Array;
}

export interface LinalgKernels {
  /**
   * C = op(A) * op(B) for row-major f64 matrices: op(A) is m x k, op(B) is k x n, C (m x n) is returned.
   * Throws TypeError unless A and B are Float64Array, RangeError when their lengths do not match the shapes.
   * O(m n k); SIMD 4 x 4 register tiles when B is not transposed.
   */
  gemm(a: Float64Array, b: Float64Array, m: number, n: number, k: number, options?: GemmOptions): Float64Array;
  /**
   * Economy SVD of a row-major m x n f64 matrix by one-sided Jacobi: A = U diag(s) Vt. For small and
   * medium matrices (O(sweeps * min(m,n)^2 * max(m,n))). Throws RangeError on NaN/Inf or an empty shape.
   */
  svd(a: Float64Array, m: number, n: number): SvdResult;
}

/** Asserts a positive integer dimension (or non-negative with `allowZero`). */
export function assertDim(x: unknown, name: string, allowZero = false): asserts x is number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < (allowZero ? 0 : 1) || x > 0x3fffffff) {
    throw new RangeError(`pairsmith: ${name} must be an integer >= ${allowZero ? 0 : 1}, got ${String(x)}`);
  }
}

/** Asserts every element of a row-major matrix is finite, naming the first bad (row, column). */
export function assertFiniteMatrix(x: Float64Array, cols: number, name: string, mask?: Uint8Array, base = 0): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v - v !== 0 && (mask === undefined || mask[base + i] !== 0)) {
      throw new RangeError(
        `pairsmith: ${name} has a non-finite value (${v}) at row ${Math.floor(i / cols)}, column ${i % cols}` +
          (mask ? ' of an observed entry' : '') + '; pass a mask to treat it as missing',
      );
    }
  }
}

export function guardLinalg(k: LinalgKernels): LinalgKernels {
  return {
    gemm(a, b, m, n, kk, options = {}) {
      assertArray(a, 'a', Float64Array);
      assertArray(b, 'b', Float64Array);
      assertDim(m, 'm', true);
      assertDim(n, 'n', true);
      assertDim(kk, 'k', true);
      if (a.length !== m * kk) throw new RangeError(`pairsmith: a has length ${a.length}, expected m * k = ${m * kk}`);
      if (b.length !== kk * n) throw new RangeError(`pairsmith: b has length ${b.length}, expected k * n = ${kk * n}`);
      return k.gemm(a, b, m, n, kk, { transA: !!options.transA, transB: !!options.transB });
    },
    svd(a, m, n) {
      assertArray(a, 'a', Float64Array);
      assertDim(m, 'm');
      assertDim(n, 'n');
      if (a.length !== m * n) throw new RangeError(`pairsmith: a has length ${a.length}, expected m * n = ${m * n}`);
      assertFiniteMatrix(a, n, 'a');
      return k.svd(a, m, n);
    },
  };
}

export function bindLinalg(ctx: WasmContext): LinalgKernels {
  return {
    gemm(a, b, m, n, kk, options = {}) {
      return ctx.run((s) => {
        const [ap, bp] = s.inputs(a, b);
        const c = ctx.output(s, Float64Array, m * n);
        check('gemmF64', ctx.raw.gemmF64(options.transA ? 1 : 0, options.transB ? 1 : 0, m, n, kk, ap!, bp!, 0, c.ptr));
        return c.finish();
      });
    },
    svd(a, m, n) {
      return ctx.run((s) => {
        const k = Math.min(m, n);
        const [ap] = s.inputs(a);
        const u = ctx.output(s, Float64Array, m * k);
        const sv = ctx.output(s, Float64Array, k);
        const vt = ctx.output(s, Float64Array, k * n);
        const work = s.array(Float64Array, k * Math.max(m, n) + k * k + 2 * k);
        check('svdF64', ctx.raw.svdF64(m, n, ap!, u.ptr, sv.ptr, vt.ptr, work), 'Jacobi SVD did not converge in 60 sweeps');
        return { U: u.finish(), s: sv.finish(), Vt: vt.finish() };
      });
    },
  };
}
