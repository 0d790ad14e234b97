// Low-rank building blocks of the RPCA solvers: a seeded xorshift32 stream, the spectral norm by power
// iteration, and singular value thresholding through a dense Jacobi SVD or a randomized range finder
// (Halko-Martinsson-Tropp: oversampling, power iterations re-orthonormalised by Householder QR).
// Never allocates: the workspace layout is fixed by lowRankLayout below and mirrored in src/kernels/rpca.ts.
import { axpy, dot, gemmF64, jacobiRows, qrThin, sortedRowNorms } from "./linalg";
import { ld, st, at } from "../util/mem";


/** Next value in [-1, 1) of the xorshift32 stream whose state (u32) lives at statePtr. */
export function nextUniform(statePtr: usize): f64 {
  let x = load<u32>(statePtr);
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  store<u32>(statePtr, x);
  return (<f64>x / 4294967296.0) * 2.0 - 1.0;
}

/**
 * Largest singular value of the m x n matrix A by power iteration on A^T A from a seeded start, until the
 * estimate changes by <= 1e-12 relative (at most 500 steps). x (n) and y (m) are scratch.
 */
export function spectralNorm(a: usize, m: i32, n: i32, x: usize, y: usize, statePtr: usize): f64 {
  let nx: f64 = 0;
  for (let j = 0; j < n; j++) {
    const v = nextUniform(statePtr);
    st(x, j, v);
    nx += v * v;
  }
  nx = Math.sqrt(nx);
  for (let j = 0; j < n; j++) st(x, j, ld(x, j) / nx);
  let sigma: f64 = 0;
  for (let it = 0; it < 500; it++) {
    for (let i = 0; i < m; i++) st(y, i, dot(at(a, i * n), x, n));
    const prev = sigma;
    sigma = Math.sqrt(dot(y, y, m));
    if (sigma == 0) return 0;
    for (let j = 0; j < n; j++) st(x, j, 0);
    for (let i = 0; i < m; i++) axpy(ld(y, i), at(a, i * n), x, n);
    const nrm = Math.sqrt(dot(x, x, n));
    if (nrm == 0) return sigma;
    for (let j = 0; j < n; j++) st(x, j, ld(x, j) / nrm);
    if (Math.abs(sigma - prev) <= 1e-12 * sigma) break;
  }
  return sigma;
}

// Workspace layout (in f64 slots) for an m x n problem, p = min(m, n). Offsets from the base pointer.
@inline function pmin(m: i32, n: i32): i32 {
  return m < n ? m : n;
}
/** f64 slots lowRank needs for an m x n input (R: m n, G: p^2, left: m p, om: n p, qm: m p, right: p n, vectors). */
export function lowRankSlots(m: i32, n: i32): i32 {
  const p = pmin(m, n);
  return m * n + p * p + 2 * m * p + 2 * n * p + 4 * p + 2 * (m + n) + 8;
}

/**
 * L = SVT_tau(X) restricted to at most keepMax components: L = sum (sigma_i - tau) u_i v_i^T over sigma_i > tau.
 * l >= min(m, n) computes a dense Jacobi SVD; smaller l runs the randomized range finder with l columns and
 * `power` power iterations. With `warm` != 0 the range finder starts from the right basis the previous call
 * (same m, n, l) left in the workspace instead of a random matrix: inside a solver X changes little from one
 * iteration to the next, so the power iterations accumulate and the partial SVD becomes exact as X settles.
 * The sorted singular values land in ws (first slots, see sigmaPtr); returns the number of components kept.
 * X is left untouched.
 */
export function lowRank(x: usize, m: i32, n: i32, l: i32, power: i32, tau: f64, keepMax: i32, keepAll: i32,
  lOut: usize, ws: usize, statePtr: usize, warm: i32): i32 {
  const p = pmin(m, n);
  const sig = ws;
  const perm = at(sig, p);
  const tauv = at(perm, p);
  const wv = at(tauv, p);
  const r = at(wv, p + 2 * (m + n) + 8);
  const g = at(r, m * n);
  const left = at(g, p * p);
  const om = at(left, m * p);
  const qm = at(om, n * p);
  const right = at(qm, m * p);
  let c: i32; // number of computed singular values
  let kept = 0;
  if (l >= p) {
    c = p;
    if (m <= n) {
      memory.copy(r, x, (<usize>(m * n)) << 3);
      jacobiRows(r, m, n, g, tauv, 60);
    } else {
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) st(r, j * m + i, ld(x, i * n + j));
      jacobiRows(r, n, m, g, tauv, 60);
    }
    const q = m <= n ? n : m;
    sortedRowNorms(r, p, q, sig, perm);
    kept = countAbove(sig, perm, c, tau, keepMax);
    for (let k = 0; k < kept; k++) {
      const pk = load<i32>(perm + (<usize>k << 2));
      const s = ld(sig, pk);
      const scale = keepAll ? 1.0 : (s - tau) / s;
      if (m <= n) {
        // X = G^T R: u_k = G[pk, :]^T, row pk of R is sigma v^T
        for (let i = 0; i < m; i++) st(left, i * kept + k, ld(g, pk * p + i) * scale);
        memory.copy(at(right, k * n), at(r, pk * n), (<usize>n) << 3);
      } else {
        // X^T = G^T R, so X = R^T G: column k of left is row pk of R, row k of right is row pk of G
        for (let i = 0; i < m; i++) st(left, i * kept + k, ld(r, pk * m + i) * scale);
        memory.copy(at(right, k * n), at(g, pk * p), (<usize>n) << 3);
      }
    }
    gemmF64(0, 0, m, n, kept, left, right, 0, lOut);
  } else {
    c = l;
    if (!warm) for (let i = 0; i < n * l; i++) st(om, i, nextUniform(statePtr));
    gemmF64(0, 0, m, l, n, x, om, 0, qm);
    qrThin(qm, m, l, tauv, wv);
    for (let it = 0; it < power; it++) {
      gemmF64(1, 0, n, l, m, x, qm, 0, om);
      qrThin(om, n, l, tauv, wv);
      gemmF64(0, 0, m, l, n, x, om, 0, qm);
      qrThin(qm, m, l, tauv, wv);
    }
    // B = Q^T X (l x n); rotate its rows: B = G^T R, so X ~ Q G^T R
    gemmF64(1, 0, l, n, m, qm, x, 0, r);
    jacobiRows(r, l, n, g, tauv, 60);
    sortedRowNorms(r, l, n, sig, perm);
    kept = countAbove(sig, perm, c, tau, keepMax);
    // T (l x kept, staged in lOut: om keeps the basis for a warm start): column k is G[pk, :]^T scaled;
    // left = Q T; right rows are rows pk of R
    for (let k = 0; k < kept; k++) {
      const pk = load<i32>(perm + (<usize>k << 2));
      const s = ld(sig, pk);
      const scale = keepAll ? 1.0 : (s - tau) / s;
      for (let i = 0; i < l; i++) st(lOut, i * kept + k, ld(g, pk * l + i) * scale);
      memory.copy(at(right, k * n), at(r, pk * n), (<usize>n) << 3);
    }
    gemmF64(0, 0, m, kept, l, qm, lOut, 0, left);
    gemmF64(0, 0, m, n, kept, left, right, 0, lOut);
  }
  // sigma in descending order at the front of ws (perm is consumed)
  for (let k = 0; k < c; k++) st(tauv, k, ld(sig, load<i32>(perm + (<usize>k << 2))));
  for (let k = 0; k < c; k++) st(sig, k, ld(tauv, k));
  return kept;
}

/** Number of leading (sorted) singular values above tau, at most keepMax. */
function countAbove(sig: usize, perm: usize, c: i32, tau: f64, keepMax: i32): i32 {
  let k = 0;
  while (k < c && k < keepMax && ld(sig, load<i32>(perm + (<usize>k << 2))) > tau) k++;
  return k;
}
