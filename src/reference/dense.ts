// Plain JS dense linear algebra behind the linalg and rpca reference kernels (not kernels themselves):
// matrix product, Householder QR, one-sided Jacobi SVD, spectral norm, singular value thresholding.
// Row-major Float64Array matrices throughout; written for clarity, not speed.

/** C = op(A) op(B); op(A) is m x k, op(B) is k x n. */
export function matmul(a: Float64Array, b: Float64Array, m: number, n: number, k: number, transA = false, transB = false): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const aip = transA ? a[p * m + i]! : a[i * k + p]!;
      if (aip === 0) continue;
      for (let j = 0; j < n; j++) c[i * n + j]! += aip * (transB ? b[j * k + p]! : b[p * n + j]!);
    }
  }
  return c;
}

/** Orthonormal basis (m x l, row-major) of the columns of the m x l matrix A (m >= l), by Householder QR. */
export function orthonormalize(a: Float64Array, m: number, l: number): Float64Array {
  // work on columns: cols[j] is column j of A
  const cols: Float64Array[] = [];
  for (let j = 0; j < l; j++) {
    const c = new Float64Array(m);
    for (let i = 0; i < m; i++) c[i] = a[i * l + j]!;
    cols.push(c);
  }
  const vs: Float64Array[] = [];
  const taus: number[] = [];
  for (let k = 0; k < l; k++) {
    const x = cols[k]!;
    let norm = 0;
    for (let i = k; i < m; i++) norm += x[i]! * x[i]!;
    norm = Math.sqrt(norm);
    const v = new Float64Array(m);
    if (norm === 0) {
      vs.push(v);
      taus.push(0);
      continue;
    }
    const alpha = x[k]!;
    const beta = alpha >= 0 ? -norm : norm;
    v[k] = 1;
    for (let i = k + 1; i < m; i++) v[i] = x[i]! / (alpha - beta);
    const tau = (beta - alpha) / beta;
    vs.push(v);
    taus.push(tau);
    for (let j = k; j < l; j++) applyReflector(v, tau, cols[j]!, k);
  }
  // Q e_j = H_0 H_1 ... H_{l-1} e_j
  const q = new Float64Array(m * l);
  for (let j = 0; j < l; j++) {
    const e = new Float64Array(m);
    e[j] = 1;
    for (let k = l - 1; k >= 0; k--) applyReflector(vs[k]!, taus[k]!, e, k);
    for (let i = 0; i < m; i++) q[i * l + j] = e[i]!;
  }
  return q;
}

function applyReflector(v: Float64Array, tau: number, x: Float64Array, from: number): void {
  if (tau === 0) return;
  let s = 0;
  for (let i = from; i < x.length; i++) s += v[i]! * x[i]!;
  s *= tau;
  for (let i = from; i < x.length; i++) x[i]! -= s * v[i]!;
}

export interface RowSvd {
  /** Singular values, descending. */
  s: number[];
  /** Left singular vectors as columns: u[c] has length rows. */
  u: Float64Array[];
  /** Right singular vectors: v[c] has length cols. */
  v: Float64Array[];
}

/** SVD of the row-major m x n matrix A by one-sided Jacobi on the rows of A (m <= n) or of A^T (m > n). */
export function jacobiSvd(a: Float64Array, m: number, n: number): RowSvd {
  const wide = m <= n;
  const p = wide ? m : n;
  const q = wide ? n : m;
  const rows: Float64Array[] = [];
  for (let i = 0; i < p; i++) {
    const r = new Float64Array(q);
    for (let j = 0; j < q; j++) r[j] = wide ? a[i * n + j]! : a[j * n + i]!;
    rows.push(r);
  }
  const g: Float64Array[] = [];
  for (let i = 0; i < p; i++) {
    const r = new Float64Array(p);
    r[i] = 1;
    g.push(r);
  }
  // rows with norm below 1e-15 ||A||_F are numerically zero: rotating them only burns sweeps
  const tiny = 1e-30 * rows.reduce((acc, r) => acc + r.reduce((a, v) => a + v * v, 0), 0);
  for (let sweep = 0; sweep < 60; sweep++) {
    let changed = false;
    for (let i = 0; i < p - 1; i++) {
      for (let j = i + 1; j < p; j++) {
        const x = rows[i]!;
        const y = rows[j]!;
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let t = 0; t < q; t++) {
          alpha += x[t]! * x[t]!;
          beta += y[t]! * y[t]!;
          gamma += x[t]! * y[t]!;
        }
        if (alpha <= tiny || beta <= tiny || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        const zeta = (beta - alpha) / (2 * gamma);
        const tn = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + tn * tn);
        const s = c * tn;
        rot(x, y, c, s);
        rot(g[i]!, g[j]!, c, s);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const norms = rows.map((r) => Math.sqrt(r.reduce((acc, v) => acc + v * v, 0)));
  const order = norms.map((_, i) => i).sort((x, y) => norms[y]! - norms[x]! || x - y);
  const out: RowSvd = { s: [], u: [], v: [] };
  for (const i of order) {
    const sig = norms[i]!;
    const unit = rows[i]!.map((v) => (sig > 0 ? v / sig : 0));
    out.s.push(sig);
    // rows R = G X' with X' = A (wide) or A^T (tall): X' = G^T R
    if (wide) {
      out.u.push(Float64Array.from(g[i]!));
      out.v.push(unit);
    } else {
      out.u.push(unit);
      out.v.push(Float64Array.from(g[i]!));
    }
  }
  return out;
}

function rot(x: Float64Array, y: Float64Array, c: number, s: number): void {
  for (let t = 0; t < x.length; t++) {
    const a = x[t]!;
    const b = y[t]!;
    x[t] = c * a - s * b;
    y[t] = s * a + c * b;
  }
}

/** 2^k, built by exact doublings or halvings (-1074 <= k <= 1023). */
export function pow2(k: number): number {
  let r = 1;
  for (let i = 0; i < k; i++) r *= 2;
  for (let i = 0; i > k; i--) r /= 2;
  return r;
}

/** floor(log2(x)) for finite x > 0, subnormals included. */
export function exponentOf(x: number): number {
  let e = Math.floor(Math.log2(x));
  while (e > -1074 && pow2(e) > x) e--;
  while (e < 1023 && pow2(e + 1) <= x) e++;
  return e;
}

/** x => x * 2^k for |k| <= 1074, as two exact power-of-two products (k split at floor(k / 2)). */
export function timesPow2(k: number): (x: number) => number {
  const h = Math.floor(k / 2);
  const a = pow2(h);
  const b = pow2(k - h);
  return (x) => x * a * b;
}

/** The xorshift32 stream shared (as a specification) with the WASM solver: values in [-1, 1). */
export class Xorshift {
  constructor(private state: number) {}
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return (this.state / 4294967296) * 2 - 1;
  }
}

/** Largest singular value by power iteration on A^T A (same stopping rule as the WASM solver). */
export function spectralNorm(a: Float64Array, m: number, n: number, rand: Xorshift): number {
  let x: Float64Array = new Float64Array(n);
  for (let j = 0; j < n; j++) x[j] = rand.next();
  x = scaled(x, 1 / norm(x));
  let sigma = 0;
  for (let it = 0; it < 500; it++) {
    const y = matmul(a, x, m, 1, n);
    const prev = sigma;
    sigma = norm(y);
    if (sigma === 0) return 0;
    const z = matmul(a, y, n, 1, m, true);
    const nz = norm(z);
    if (nz === 0) return sigma;
    x = scaled(z, 1 / nz);
    if (Math.abs(sigma - prev) <= 1e-12 * sigma) break;
  }
  return sigma;
}

function norm(x: Float64Array): number {
  let s = 0;
  for (const v of x) s += v * v;
  return Math.sqrt(s);
}

function scaled(x: Float64Array, c: number): Float64Array {
  return x.map((v) => v * c);
}

export interface Truncated {
  /** The reconstruction sum over kept components of (sigma_i - tau) u_i v_i^T (or sigma_i u_i v_i^T with tau = 0). */
  L: Float64Array;
  kept: number;
  /** All computed singular values, descending. */
  sigma: number[];
  /** Randomized path: the n x l right basis it ended with (the last power iteration's), to warm-start the next call. */
  basis?: Float64Array;
}

/**
 * Singular value thresholding of X (m x n) at tau, keeping at most keepMax components. With l >= min(m, n)
 * a full Jacobi SVD; otherwise a randomized range finder with l columns and `power` power iterations, started
 * from `start` (n x l, a previous call's `basis`) when given, else from a random matrix.
 */
export function thresholdSvd(x: Float64Array, m: number, n: number, l: number, power: number, tau: number, keepMax: number, rand: Xorshift, start?: Float64Array): Truncated {
  const p = Math.min(m, n);
  let svd: RowSvd;
  let basis: Float64Array | undefined;
  if (l >= p) {
    svd = jacobiSvd(x, m, n);
  } else {
    let omega = start;
    if (!omega) {
      omega = new Float64Array(n * l);
      for (let i = 0; i < omega.length; i++) omega[i] = rand.next();
    }
    basis = omega;
    let q = orthonormalize(matmul(x, omega, m, l, n), m, l);
    for (let it = 0; it < power; it++) {
      basis = orthonormalize(matmul(x, q, n, l, m, true), n, l);
      q = orthonormalize(matmul(x, basis, m, l, n), m, l);
    }
    const b = matmul(q, x, l, n, m, true);
    const small = jacobiSvd(b, l, n);
    svd = { s: small.s, v: small.v, u: small.u.map((ub) => matmul(q, ub, m, 1, l)) };
  }
  let kept = 0;
  while (kept < svd.s.length && kept < keepMax && svd.s[kept]! > tau) kept++;
  const L = new Float64Array(m * n);
  for (let c = 0; c < kept; c++) {
    const w = svd.s[c]! - tau;
    const u = svd.u[c]!;
    const v = svd.v[c]!;
    for (let i = 0; i < m; i++) {
      const ui = w * u[i]!;
      for (let j = 0; j < n; j++) L[i * n + j]! += ui * v[j]!;
    }
  }
  return { L, kept, sigma: svd.s, basis };
}
