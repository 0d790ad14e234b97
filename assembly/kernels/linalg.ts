// Dense f64 linear algebra for the RPCA solvers: blocked GEMM (with transposed operands), Householder QR
// (thin Q) and a one-sided Jacobi SVD on rows. Kernels never allocate; all matrices are row-major and
// every scratch area is passed in by JS.
import { E_INVALID, S_OK } from "../util/status";
import { ld, st } from "../util/mem";


/** Dot product of two contiguous f64 vectors of length n. */
export function dot(a: usize, b: usize, n: i32): f64 {
  let i = 0;
  let s: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    let acc0 = f64x2.splat(0);
    let acc1 = f64x2.splat(0);
    const end = n & ~3;
    for (; i < end; i += 4) {
      const o = <usize>i << 3;
      acc0 = f64x2.add(acc0, f64x2.mul(v128.load(a + o), v128.load(b + o)));
      acc1 = f64x2.add(acc1, f64x2.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
    }
    acc0 = f64x2.add(acc0, acc1);
    s = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1);
  }
  for (; i < n; i++) s += ld(a, i) * ld(b, i);
  return s;
}

/** y += alpha * x over n contiguous elements. */
export function axpy(alpha: f64, x: usize, y: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const av = f64x2.splat(alpha);
    const end = n & ~1;
    for (; i < end; i += 2) {
      const o = <usize>i << 3;
      v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(av, v128.load(x + o))));
    }
  }
  for (; i < n; i++) st(y, i, ld(y, i) + alpha * ld(x, i));
}

/** Plane rotation of two contiguous rows: x' = c x - s y, y' = s x + c y. */
function rotate(x: usize, y: usize, n: i32, c: f64, s: f64): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const cv = f64x2.splat(c);
    const sv = f64x2.splat(s);
    const end = n & ~1;
    for (; i < end; i += 2) {
      const o = <usize>i << 3;
      const a = v128.load(x + o);
      const b = v128.load(y + o);
      v128.store(x + o, f64x2.sub(f64x2.mul(cv, a), f64x2.mul(sv, b)));
      v128.store(y + o, f64x2.add(f64x2.mul(sv, a), f64x2.mul(cv, b)));
    }
  }
  for (; i < n; i++) {
    const a = ld(x, i);
    const b = ld(y, i);
    st(x, i, c * a - s * b);
    st(y, i, s * a + c * b);
  }
}

// op(A)[i, p] and op(B)[p, j] for row-major storage.
@inline function opA(a: usize, transA: i32, m: i32, k: i32, i: i32, p: i32): f64 {
  return transA ? ld(a, p * m + i) : ld(a, i * k + p);
}
@inline function opB(b: usize, transB: i32, k: i32, n: i32, p: i32, j: i32): f64 {
  return transB ? ld(b, j * k + p) : ld(b, p * n + j);
}

/** Scalar GEMM over the block rows [i0, i1) x cols [j0, j1) of C (C already scaled by beta). */
function gemmBlockScalar(transA: i32, transB: i32, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize,
  i0: i32, i1: i32, j0: i32, j1: i32): void {
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < j1; j++) {
      let s: f64 = 0;
      for (let p = 0; p < k; p++) s += opA(a, transA, m, k, i, p) * opB(b, transB, k, n, p, j);
      st(c, i * n + j, ld(c, i * n + j) + s);
    }
  }
}

/**
 * C (m x n) = op(A) * op(B) + beta * C, where op(A) is m x k (A stored m x k, or k x m when transA = 1) and
 * op(B) is k x n (B stored k x n, or n x k when transB = 1). beta 0 overwrites C (NaN in C is not kept).
 * SIMD: a 4 x 4 register tile of C over the whole k range when B is not transposed; the rest is scalar.
 */
export function gemmF64(transA: i32, transB: i32, m: i32, n: i32, k: i32, aPtr: usize, bPtr: usize, beta: f64, cPtr: usize): i32 {
  if (m < 0 || n < 0 || k < 0) return E_INVALID;
  const mn = m * n;
  if (beta == 0) for (let i = 0; i < mn; i++) st(cPtr, i, 0);
  else if (beta != 1) for (let i = 0; i < mn; i++) st(cPtr, i, beta * ld(cPtr, i));
  let m4 = 0;
  let n4 = 0;
  if (ASC_FEATURE_SIMD) {
    if (!transB) {
      m4 = m & ~3;
      n4 = n & ~3;
      for (let i = 0; i < m4; i += 4) {
        for (let j = 0; j < n4; j += 4) {
          let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
          let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
          let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
          let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
          for (let p = 0; p < k; p++) {
            const bp = bPtr + ((<usize>(p * n + j)) << 3);
            const b0 = v128.load(bp);
            const b1 = v128.load(bp, 16);
            let a0: f64, a1: f64, a2: f64, a3: f64;
            if (transA) {
              const ap = aPtr + ((<usize>(p * m + i)) << 3);
              a0 = load<f64>(ap); a1 = load<f64>(ap, 8); a2 = load<f64>(ap, 16); a3 = load<f64>(ap, 24);
            } else {
              const ap = aPtr + ((<usize>(i * k + p)) << 3);
              const ks = <usize>k << 3;
              a0 = load<f64>(ap); a1 = load<f64>(ap + ks); a2 = load<f64>(ap + 2 * ks); a3 = load<f64>(ap + 3 * ks);
            }
            const v0 = f64x2.splat(a0), v1 = f64x2.splat(a1), v2 = f64x2.splat(a2), v3 = f64x2.splat(a3);
            c00 = f64x2.add(c00, f64x2.mul(v0, b0)); c01 = f64x2.add(c01, f64x2.mul(v0, b1));
            c10 = f64x2.add(c10, f64x2.mul(v1, b0)); c11 = f64x2.add(c11, f64x2.mul(v1, b1));
            c20 = f64x2.add(c20, f64x2.mul(v2, b0)); c21 = f64x2.add(c21, f64x2.mul(v2, b1));
            c30 = f64x2.add(c30, f64x2.mul(v3, b0)); c31 = f64x2.add(c31, f64x2.mul(v3, b1));
          }
          const cp = cPtr + ((<usize>(i * n + j)) << 3);
          const ns = <usize>n << 3;
          v128.store(cp, f64x2.add(v128.load(cp), c00)); v128.store(cp, f64x2.add(v128.load(cp, 16), c01), 16);
          v128.store(cp + ns, f64x2.add(v128.load(cp + ns), c10)); v128.store(cp + ns, f64x2.add(v128.load(cp + ns, 16), c11), 16);
          v128.store(cp + 2 * ns, f64x2.add(v128.load(cp + 2 * ns), c20)); v128.store(cp + 2 * ns, f64x2.add(v128.load(cp + 2 * ns, 16), c21), 16);
          v128.store(cp + 3 * ns, f64x2.add(v128.load(cp + 3 * ns), c30)); v128.store(cp + 3 * ns, f64x2.add(v128.load(cp + 3 * ns, 16), c31), 16);
        }
      }
      // right strip (all tiled rows) below
      gemmBlockScalar(transA, transB, m, n, k, aPtr, bPtr, cPtr, 0, m4, n4, n);
      gemmBlockScalar(transA, transB, m, n, k, aPtr, bPtr, cPtr, m4, m, 0, n);
      return S_OK;
    }
  }
  // Scalar path: i-p-j order so B rows stream contiguously when B is not transposed.
  if (!transB) {
    for (let i = 0; i < m; i++) {
      const crow = cPtr + ((<usize>(i * n)) << 3);
      for (let p = 0; p < k; p++) {
        const av = opA(aPtr, transA, m, k, i, p);
        if (av == 0) continue;
        const brow = bPtr + ((<usize>(p * n)) << 3);
        for (let j = 0; j < n; j++) st(crow, j, ld(crow, j) + av * ld(brow, j));
      }
    }
    return S_OK;
  }
  gemmBlockScalar(transA, transB, m, n, k, aPtr, bPtr, cPtr, 0, m, 0, n);
  return S_OK;
}

/**
 * Householder QR of the row-major m x l matrix A (m >= l), in place: on return A holds the thin Q (m x l,
 * orthonormal columns). tau (l) and w (l) are scratch. A zero column gives a unit column of Q (any orthonormal
 * completion is valid for the range finder).
 */
export function qrThin(a: usize, m: i32, l: i32, tau: usize, w: usize): void {
  // Factor: reflector k is v = A[k:, k] with v[0] = 1 implied, stored below the diagonal.
  for (let k = 0; k < l; k++) {
    let norm2: f64 = 0;
    for (let i = k; i < m; i++) {
      const v = ld(a, i * l + k);
      norm2 += v * v;
    }
    const alpha = ld(a, k * l + k);
    const norm = Math.sqrt(norm2);
    if (norm == 0) {
      st(tau, k, 0);
      continue;
    }
    const beta = alpha >= 0 ? -norm : norm;
    const scale = 1 / (alpha - beta);
    for (let i = k + 1; i < m; i++) st(a, i * l + k, ld(a, i * l + k) * scale);
    st(tau, k, (beta - alpha) / beta);
    st(a, k * l + k, beta);
    // w = v^T A[k:, k+1:], then A[k:, k+1:] -= tau v w
    const t = ld(tau, k);
    const rest = l - k - 1;
    if (rest <= 0) continue;
    for (let j = 0; j < rest; j++) st(w, j, ld(a, k * l + k + 1 + j));
    for (let i = k + 1; i < m; i++) axpy(ld(a, i * l + k), a + ((<usize>(i * l + k + 1)) << 3), w, rest);
    for (let j = 0; j < rest; j++) st(a, k * l + k + 1 + j, ld(a, k * l + k + 1 + j) - t * ld(w, j));
    for (let i = k + 1; i < m; i++) axpy(-t * ld(a, i * l + k), w, a + ((<usize>(i * l + k + 1)) << 3), rest);
  }
  // Form Q = H_0 ... H_{l-1} I[:, :l] backwards, overwriting the reflectors column by column.
  for (let k = l - 1; k >= 0; k--) {
    const t = ld(tau, k);
    // columns j > k already hold Q's partial product; column k becomes e_k - t v (v^T e_k = 1)
    const rest = l - k - 1;
    if (rest > 0) {
      // w = v^T Q[k:, k+1:]; Q[k, j > k] is still 0 here (row k of A holds R, which is overwritten now)
      for (let j = 0; j < rest; j++) st(w, j, 0);
      for (let i = k + 1; i < m; i++) axpy(ld(a, i * l + k), a + ((<usize>(i * l + k + 1)) << 3), w, rest);
      for (let j = 0; j < rest; j++) st(a, k * l + k + 1 + j, -t * ld(w, j));
      for (let i = k + 1; i < m; i++) axpy(-t * ld(a, i * l + k), w, a + ((<usize>(i * l + k + 1)) << 3), rest);
    }
    for (let i = k + 1; i < m; i++) st(a, i * l + k, -t * ld(a, i * l + k));
    st(a, k * l + k, 1 - t);
    for (let i = 0; i < k; i++) st(a, i * l + k, 0);
  }
}

/**
 * One-sided Jacobi on the rows of the p x q row-major matrix R (p <= q), in place: rotates row pairs until they
 * are mutually orthogonal, accumulating the rotations in G (p x p, set to I here). On return R = G * R_in with
 * orthogonal rows, so R_in = G^T * R: row i of R is sigma_i * v_i^T and column i of G^T is u_i.
 * nrm (p f64) is scratch for the squared row norms: recomputed at every sweep, updated exactly in between
 * (a rotation moves t * gamma from one row to the other). Returns the number of sweeps (maxSweeps + 1 if it did
 * not converge).
 */
export function jacobiRows(r: usize, p: i32, q: i32, g: usize, nrm: usize, maxSweeps: i32): i32 {
  for (let i = 0; i < p * p; i++) st(g, i, 0);
  for (let i = 0; i < p; i++) st(g, i * p + i, 1);
  const tol: f64 = 1e-15;
  // rows with norm below 1e-15 ||R||_F are numerically zero: rotating them only burns sweeps
  let total: f64 = 0;
  for (let i = 0; i < p; i++) total += dot(r + ((<usize>(i * q)) << 3), r + ((<usize>(i * q)) << 3), q);
  const tiny = 1e-30 * total;
  for (let sweep = 1; sweep <= maxSweeps; sweep++) {
    for (let i = 0; i < p; i++) st(nrm, i, dot(r + ((<usize>(i * q)) << 3), r + ((<usize>(i * q)) << 3), q));
    let rotated = 0;
    for (let i = 0; i < p - 1; i++) {
      const ri = r + ((<usize>(i * q)) << 3);
      for (let j = i + 1; j < p; j++) {
        const rj = r + ((<usize>(j * q)) << 3);
        const alpha = ld(nrm, i);
        const beta = ld(nrm, j);
        if (alpha <= tiny || beta <= tiny) continue;
        const gamma = dot(ri, rj, q);
        if (Math.abs(gamma) <= tol * Math.sqrt(alpha * beta)) continue;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1.0 : -1.0) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotate(ri, rj, q, c, s);
        rotate(g + ((<usize>(i * p)) << 3), g + ((<usize>(j * p)) << 3), p, c, s);
        st(nrm, i, alpha - t * gamma);
        st(nrm, j, beta + t * gamma);
        rotated++;
      }
    }
    if (rotated == 0) return sweep;
  }
  return maxSweeps + 1;
}

/** Writes the row norms of R (p x q) to s and a descending order of them to perm (i32, ties by index). */
export function sortedRowNorms(r: usize, p: i32, q: i32, s: usize, perm: usize): void {
  for (let i = 0; i < p; i++) {
    const ri = r + ((<usize>(i * q)) << 3);
    st(s, i, Math.sqrt(dot(ri, ri, q)));
    store<i32>(perm + (<usize>i << 2), i);
  }
  // insertion sort: p is small (at most a few hundred)
  for (let i = 1; i < p; i++) {
    const pi = load<i32>(perm + (<usize>i << 2));
    const v = ld(s, pi);
    let j = i - 1;
    while (j >= 0) {
      const pj = load<i32>(perm + (<usize>j << 2));
      if (ld(s, pj) >= v) break;
      store<i32>(perm + (<usize>(j + 1) << 2), pj);
      j--;
    }
    store<i32>(perm + (<usize>(j + 1) << 2), pi);
  }
}

/**
 * Economy SVD of the row-major m x n matrix A: A = U diag(s) Vt, k = min(m, n); U is m x k, s is k
 * (descending), Vt is k x n. work needs k * max(m, n) + k * k + k f64 plus k i32 (given as k more f64).
 * Returns S_OK, E_INVALID for bad shapes, or E_NOCONVERGE when Jacobi ran out of sweeps.
 */
export function svdF64(m: i32, n: i32, aPtr: usize, uPtr: usize, sPtr: usize, vtPtr: usize, work: usize): i32 {
  if (m < 1 || n < 1) return E_INVALID;
  const k = m < n ? m : n;
  const q = m < n ? n : m;
  const r = work;
  const g = r + ((<usize>(k * q)) << 3);
  const norms = g + ((<usize>(k * k)) << 3);
  const perm = norms + ((<usize>k) << 3);
  if (m <= n) memory.copy(r, aPtr, (<usize>(m * n)) << 3);
  else for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) st(r, j * m + i, ld(aPtr, i * n + j));
  const sweeps = jacobiRows(r, k, q, g, norms, 60);
  sortedRowNorms(r, k, q, norms, perm);
  for (let c = 0; c < k; c++) {
    const pc = load<i32>(perm + (<usize>c << 2));
    const sig = ld(norms, pc);
    st(sPtr, c, sig);
    const inv = sig > 0 ? 1 / sig : 0;
    // left factor from G (m <= n: U = G^T) or from the normalised rows (m > n: U = R^T / sigma)
    if (m <= n) {
      for (let i = 0; i < m; i++) st(uPtr, i * k + c, ld(g, pc * k + i));
      for (let j = 0; j < n; j++) st(vtPtr, c * n + j, ld(r, pc * q + j) * inv);
    } else {
      for (let i = 0; i < m; i++) st(uPtr, i * k + c, ld(r, pc * q + i) * inv);
      for (let j = 0; j < n; j++) st(vtPtr, c * n + j, ld(g, pc * k + j));
    }
  }
  return sweeps > 60 ? 4 : S_OK;
}
