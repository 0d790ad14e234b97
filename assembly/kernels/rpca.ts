// Robust PCA solvers (spec rpca.md 3.3-3.5): inexact ALM with optional mask of observed entries, and AltProj
// at a given rank. One export runs a batch of matrices back to back with one workspace (sized for the largest),
// so many small per-prompt matrices cost one call. Never allocates; f64 throughout.
import { E_INVALID, E_NONFINITE, S_OK } from "../util/status";
import { lowRank, lowRankSlots, spectralNorm } from "./lowrank";
import { ld, st, at } from "../util/mem";

@inline function observed(mask: usize, i: i32): bool {
  return mask == 0 || load<u8>(mask + <usize>i) != 0;
}

/** f64 slots of workspace one m x n problem needs (mirrored by rpcaWorkspaceSlots in src/kernels/rpca.ts). */
export function rpcaSlots(m: i32, n: i32): i32 {
  return 3 * m * n + 2 + lowRankSlots(m, n);
}

/** Columns of the randomized range finder for target sv, or min(m, n) for a dense SVD. */
function chooseL(sv: i32, p: i32, mode: i32, over: i32): i32 {
  if (mode == 1) return p;
  const l = sv + over;
  if (l >= p) return p;
  if (mode == 0 && 3 * l > p) return p;
  return l;
}

/** Inexact ALM (Lin-Chen-Ma, spec 3.3) with the missing-entries variant (3.4) when mask != 0. */
function ialm(m: i32, n: i32, d: usize, mask: usize, lambda: f64, tol: f64, maxIter: i32, mode: i32, over: i32,
  power: i32, lOut: usize, sOut: usize, stats: usize, ws: usize): void {
  const mn = m * n;
  const p = m < n ? m : n;
  const dm = ws;
  const y = at(dm, mn);
  const x = at(y, mn);
  const state = at(x, mn);
  const lw = at(state, 2);
  let normF: f64 = 0;
  let maxAbs: f64 = 0;
  for (let i = 0; i < mn; i++) {
    const v = observed(mask, i) ? ld(d, i) : 0.0;
    st(dm, i, v);
    normF += v * v;
    const a = Math.abs(v);
    if (a > maxAbs) maxAbs = a;
    st(lOut, i, 0);
    st(sOut, i, 0);
    st(y, i, 0);
  }
  normF = Math.sqrt(normF);
  if (normF == 0) {
    st(stats, 0, 0); st(stats, 1, 1); st(stats, 2, 0); st(stats, 3, 0);
    return;
  }
  const norm2 = spectralNorm(dm, m, n, at(lw, 4 * p), at(lw, 4 * p + n), state);
  const j = Math.max(norm2, maxAbs / lambda);
  for (let i = 0; i < mn; i++) st(y, i, ld(dm, i) / j);
  let mu = 1.25 / norm2;
  const muBar = mu * 1e7;
  const rho = 1.5;
  let sv = p < 10 ? p : 10;
  let iter = 0;
  let kept = 0;
  let residual: f64 = 1;
  let converged = 0;
  while (iter < maxIter) {
    iter++;
    const inv = 1 / mu;
    const shr = lambda * inv;
    for (let i = 0; i < mn; i++) {
      const t = ld(dm, i) - ld(lOut, i) + ld(y, i) * inv;
      let s = t;
      if (observed(mask, i)) s = t > shr ? t - shr : (t < -shr ? t + shr : 0.0);
      st(sOut, i, s);
      st(x, i, ld(dm, i) - s + ld(y, i) * inv);
    }
    const l = chooseL(sv, p, mode, over);
    kept = lowRank(x, m, n, l, power, inv, l >= p ? p : sv, 0, lOut, lw, state);
    if (kept < sv) sv = kept + 1 < p ? kept + 1 : p;
    else {
      const grow = kept + <i32>Math.round(0.05 * <f64>p);
      sv = grow < p ? grow : p;
    }
    if (sv < 1) sv = 1;
    let zz: f64 = 0;
    for (let i = 0; i < mn; i++) {
      if (!observed(mask, i)) continue;
      const z = ld(dm, i) - ld(lOut, i) - ld(sOut, i);
      zz += z * z;
      st(y, i, ld(y, i) + mu * z);
    }
    residual = Math.sqrt(zz) / normF;
    mu = Math.min(mu * rho, muBar);
    if (residual < tol) {
      converged = 1;
      break;
    }
  }
  if (mask != 0) for (let i = 0; i < mn; i++) if (!observed(mask, i)) st(sOut, i, 0);
  st(stats, 0, <f64>iter); st(stats, 1, <f64>converged); st(stats, 2, <f64>kept); st(stats, 3, residual);
}

/** AltProj (Netrapalli et al., spec 3.5) at a fixed rank r, started directly at rank r; mask fills with L. */
function altproj(m: i32, n: i32, d: usize, mask: usize, r: i32, tol: f64, maxIter: i32, mode: i32, over: i32,
  power: i32, lOut: usize, sOut: usize, stats: usize, ws: usize): void {
  const mn = m * n;
  const p = m < n ? m : n;
  const dm = ws;
  const x = at(dm, 2 * mn);
  const state = at(x, mn);
  const lw = at(state, 2);
  let normF: f64 = 0;
  for (let i = 0; i < mn; i++) {
    const v = observed(mask, i) ? ld(d, i) : 0.0;
    st(dm, i, v);
    normF += v * v;
    st(lOut, i, 0);
    st(sOut, i, 0);
  }
  normF = Math.sqrt(normF);
  if (normF == 0) {
    st(stats, 0, 0); st(stats, 1, 1); st(stats, 2, 0); st(stats, 3, 0);
    return;
  }
  if (r > p) r = p;
  const beta = 4.0 * <f64>r / Math.sqrt(<f64>m * <f64>n);
  const sigma1 = spectralNorm(dm, m, n, at(lw, 4 * p), at(lw, 4 * p + n), state);
  let zeta = beta * sigma1;
  for (let i = 0; i < mn; i++) {
    const v = ld(dm, i);
    st(sOut, i, observed(mask, i) && Math.abs(v) > zeta ? v : 0.0);
  }
  const target = r + 1 < p ? r + 1 : p;
  let iter = 0;
  let kept = 0;
  let residual: f64 = 1;
  let converged = 0;
  let decay: f64 = 1;
  while (iter < maxIter) {
    iter++;
    for (let i = 0; i < mn; i++) st(x, i, observed(mask, i) ? ld(dm, i) - ld(sOut, i) : ld(lOut, i));
    const l = chooseL(target, p, mode, over);
    kept = lowRank(x, m, n, l, power, 0, r, 1, lOut, lw, state);
    const sr = r <= p ? ld(lw, r - 1) : 0.0;
    const sr1 = r < p ? ld(lw, r) : 0.0;
    zeta = beta * (sr1 + decay * sr);
    decay *= 0.5;
    let zz: f64 = 0;
    for (let i = 0; i < mn; i++) {
      if (!observed(mask, i)) {
        st(sOut, i, 0);
        continue;
      }
      const e = ld(dm, i) - ld(lOut, i);
      const s = Math.abs(e) > zeta ? e : 0.0;
      st(sOut, i, s);
      zz += (e - s) * (e - s);
    }
    residual = Math.sqrt(zz) / normF;
    if (residual < tol) {
      converged = 1;
      break;
    }
  }
  st(stats, 0, <f64>iter); st(stats, 1, <f64>converged); st(stats, 2, <f64>kept); st(stats, 3, residual);
}

/**
 * RPCA of `count` matrices stored back to back (dims: i32 pairs rows, cols; data/L/S concatenated row-major;
 * mask: u8 per entry, 1 = observed, or 0 for fully observed; lambdas: f64 per matrix, ignored by AltProj).
 * method 0 = IALM, 1 = AltProj at `rank`. svdMode 0 = auto, 1 = dense, 2 = randomized. stats gets 4 f64 per
 * matrix: iterations, converged (0/1), rank, relative residual. work holds workLen f64 slots, at least
 * rpcaSlots of the largest matrix. Returns S_OK, E_INVALID or E_NONFINITE (observed NaN/Inf).
 */
export function rpcaF64(count: i32, dimsPtr: usize, dataPtr: usize, maskPtr: usize, lambdasPtr: usize,
  method: i32, rank: i32, tol: f64, maxIter: i32, svdMode: i32, over: i32, power: i32, seed: u32,
  lPtr: usize, sPtr: usize, statsPtr: usize, workPtr: usize, workLen: i32): i32 {
  if (count < 0 || maxIter < 0 || method < 0 || method > 1 || svdMode < 0 || svdMode > 2 || over < 0 || power < 0) return E_INVALID;
  let off = 0;
  for (let k = 0; k < count; k++) {
    const m = load<i32>(dimsPtr + (<usize>(2 * k) << 2));
    const n = load<i32>(dimsPtr + (<usize>(2 * k + 1) << 2));
    if (m < 1 || n < 1 || rpcaSlots(m, n) > workLen) return E_INVALID;
    if (method == 1 && rank < 1) return E_INVALID;
    const mn = m * n;
    const d = at(dataPtr, off);
    const mask: usize = maskPtr == 0 ? <usize>0 : maskPtr + <usize>off;
    for (let i = 0; i < mn; i++) {
      const v = ld(d, i);
      if (v - v != 0 && observed(mask, i)) return E_NONFINITE;
    }
    // every matrix restarts the random stream, so a batch gives what single calls give
    store<u32>(at(workPtr, 3 * mn), seed == 0 ? 0x9e3779b9 : seed);
    const stats = at(statsPtr, 4 * k);
    if (method == 0) {
      ialm(m, n, d, mask, ld(lambdasPtr, k), tol, maxIter, svdMode, over, power, at(lPtr, off), at(sPtr, off), stats, workPtr);
    } else {
      altproj(m, n, d, mask, rank, tol, maxIter, svdMode, over, power, at(lPtr, off), at(sPtr, off), stats, workPtr);
    }
    off += mn;
  }
  return S_OK;
}
