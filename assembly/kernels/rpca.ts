// Robust PCA solvers (spec rpca.md 3.3-3.5): inexact ALM with optional mask of observed entries, and AltProj
// with the stage-wise rank increase of Netrapalli et al. One export runs a batch of matrices back to back with
// one workspace (sized for the largest), so many small per-prompt matrices cost one call. Never allocates; f64
// throughout. Every matrix is solved at an exact power-of-two scale (max |D| in [1, 2)), so entries near
// overflow or in the subnormal range are solved like any other; L, S and the objective are scaled back.
import { E_INVALID, E_NONFINITE, S_OK } from "../util/status";
import { lowRank, lowRankSlots, spectralNorm } from "./lowrank";
import { ld, st, at } from "../util/mem";

@inline function observed(mask: usize, i: i32): bool {
  return mask == 0 || load<u8>(mask + <usize>i) != 0;
}

// Layout of the per-matrix stats block (mirrored in src/kernels/rpca.ts): RPCA_STATS f64 per matrix.
const RPCA_STATS: i32 = 6;
const STAT_ITER: i32 = 0;
const STAT_CONVERGED: i32 = 1;
const STAT_RANK: i32 = 2;
const STAT_PRIMAL: i32 = 3;
const STAT_DUAL: i32 = 4;
const STAT_OBJECTIVE: i32 = 5;
// Layout of the params block (f64, mirrored in src/kernels/rpca.ts).
const PARAM_DUAL_TOL: i32 = 0;

// IALM penalty schedule (documented in README "Robust PCA"). Phase 1 is the reference IALM: mu grows by RHO every
// iteration, which reaches exact low-rank + sparse optima fastest. When the dual residual stops falling (above
// STAGNANT times its value LAG iterations before, once it has been non-zero for LAG + 1 iterations: L's first
// non-zero step is no trend) the iterates are freezing short of the optimum: phase 2 steps mu back by RHO^LAG,
// over-relaxes by ALPHA and balances the residuals, multiplying mu by RHO while primal > GROW * dual and dividing
// it by RHO while primal < SHRINK * dual; on a plateau (max(primal / tol, dual / dualTol) within a factor FLAT over
// a window of STALL iterations) mu jumps by JUMP. Always mu0 <= mu <= MU_CAP * mu0, mu0 = 1.25 / ||D||_2.
const RHO: f64 = 1.5;
const LAG: i32 = 3;
const STAGNANT: f64 = 0.7;
const ALPHA: f64 = 1.6;
const GROW: f64 = 0.3;
const SHRINK: f64 = 0.03;
const STALL: i32 = 10;
const FLAT: f64 = 1.05;
const JUMP: f64 = 10;
const MU_CAP: f64 = 1e7;
// Stall rule (README "Robust PCA"): on small noisy matrices phase 2 can creep towards both tolerances for hundreds
// of iterations with the objective already settled. Every WINDOW iterations of phase 2 the solve is accepted as
// converged when the objective ||L||_* + lambda ||S||_1 moved by at most OBJ_STALL relative over the window, the
// gap max(primal / tol, dual / dualTol) is below GAP_STALL and it fell by less than a fifth over the window.
const WINDOW: i32 = 20;
const OBJ_STALL: f64 = 1e-7;
const GAP_STALL: f64 = 30;
// AltProj: a singular value within this relative distance of the one above it belongs to the same stage.
const TIED: f64 = 1e-6;

/** f64 slots of workspace one m x n problem needs (mirrored by rpcaWorkspaceSlots in src/kernels/rpca.ts). */
export function rpcaSlots(m: i32, n: i32): i32 {
  return 4 * m * n + 2 + lowRankSlots(m, n);
}

/** Columns of the randomized range finder for target sv, or min(m, n) for a dense SVD. */
function chooseL(sv: i32, p: i32, mode: i32, over: i32): i32 {
  if (mode == 1) return p;
  const l = sv + over;
  if (l >= p) return p;
  if (mode == 0 && 3 * l > p) return p;
  return l;
}

/** floor(log2(x)) for finite x > 0, subnormals included. */
function exponentOf(x: f64): i32 {
  const b = reinterpret<u64>(x);
  const e = <i32>((b >> 52) & 0x7ff);
  if (e != 0) return e - 1023;
  return -1011 - <i32>clz<u64>(b & 0xfffffffffffff);
}

/** 2^k for -1022 <= k <= 1023. */
@inline function pow2(k: i32): f64 {
  return reinterpret<f64>(<u64>(k + 1023) << 52);
}

/** x * 2^k for -1074 <= k <= 1074, as two exact power-of-two products (one rounding at most, on underflow). */
@inline function scaled(x: f64, k: i32): f64 {
  const h = k >> 1;
  return x * pow2(h) * pow2(k - h);
}

/** Sum of the first `kept` singular values left at the front of the low-rank workspace, each minus tau. */
function nuclear(lw: usize, kept: i32, tau: f64): f64 {
  let s: f64 = 0;
  for (let k = 0; k < kept; k++) s += ld(lw, k) - tau;
  return s;
}

/** Writes the stats of one matrix; the objective is scaled back by 2^e. */
function finish(stats: usize, iter: i32, converged: i32, rank: i32, primal: f64, dual: f64, objective: f64, e: i32): void {
  st(stats, STAT_ITER, <f64>iter);
  st(stats, STAT_CONVERGED, <f64>converged);
  st(stats, STAT_RANK, <f64>rank);
  st(stats, STAT_PRIMAL, primal);
  st(stats, STAT_DUAL, dual);
  st(stats, STAT_OBJECTIVE, scaled(objective, e));
}

/**
 * Inexact ALM (Lin-Chen-Ma, spec 3.3; missing entries 3.4 when mask != 0) on dm (already scaled, 0 off the mask),
 * S updated first, over-relaxed by ALPHA, with a residual-balanced penalty. Stops when the primal residual
 * ||P(D - L - S)||_F / ||P(D)||_F < tol and the dual residual mu ||L_k - L_{k-1} + S^_k - S_k||_F / ||Y_k||_F
 * < dualTol (S^ = relaxed S: the optimality residual of the S step; L's is 0 by construction).
 */
function ialm(m: i32, n: i32, dm: usize, mask: usize, lambda: f64, tol: f64, dualTol: f64, maxIter: i32, mode: i32,
  over: i32, power: i32, lOut: usize, sOut: usize, stats: usize, ws: usize, e: i32): void {
  const mn = m * n;
  const p = m < n ? m : n;
  const y = ws;
  const x = at(y, mn);
  const prev = at(x, mn);
  const state = at(prev, mn);
  const lw = at(state, 2);
  let normF: f64 = 0;
  let maxAbs: f64 = 0;
  for (let i = 0; i < mn; i++) {
    const v = ld(dm, i);
    normF += v * v;
    const a = Math.abs(v);
    if (a > maxAbs) maxAbs = a;
  }
  normF = Math.sqrt(normF);
  const norm2 = spectralNorm(dm, m, n, at(lw, 4 * p), at(lw, 4 * p + n), state);
  const j = Math.max(norm2, maxAbs / lambda);
  for (let i = 0; i < mn; i++) st(y, i, ld(dm, i) / j);
  const mu0 = 1.25 / norm2;
  const muBar = mu0 * MU_CAP;
  let alpha: f64 = 1.0;
  let mu = mu0;
  let sv = p < 10 ? p : 10;
  let iter = 0;
  let kept = 0;
  let tau: f64 = 0;
  let primal: f64 = 1;
  let dual: f64 = Infinity;
  let converged = 0;
  let since = 0;
  let lo: f64 = Infinity;
  let hi: f64 = 0;
  let width = 0;
  // phase 1: the dual residuals of the last LAG + 2 iterations
  let d1: f64 = 0, d2: f64 = 0, d3: f64 = 0, d4: f64 = 0;
  // stall rule: iterations into the current window, objective and gap at its start
  let block = 0;
  let f0: f64 = Infinity;
  let g0: f64 = Infinity;
  while (iter < maxIter) {
    iter++;
    const inv = 1 / mu;
    const shr = lambda * inv;
    // S step (exact), then the relaxed S^ = ALPHA S + (1 - ALPHA)(D - L) feeds the L step
    for (let i = 0; i < mn; i++) {
      const d = ld(dm, i);
      const lp = ld(lOut, i);
      const t = d - lp + ld(y, i) * inv;
      let s = t;
      if (observed(mask, i)) s = t > shr ? t - shr : (t < -shr ? t + shr : 0.0);
      st(sOut, i, s);
      st(prev, i, lp);
      st(x, i, d - (alpha * s + (1 - alpha) * (d - lp)) + ld(y, i) * inv);
    }
    const l = chooseL(sv, p, mode, over);
    tau = inv;
    kept = lowRank(x, m, n, l, power, inv, l >= p ? p : sv, 0, lOut, lw, state, l == width ? 1 : 0);
    width = l;
    if (kept < sv) sv = kept + 1 < p ? kept + 1 : p;
    else {
      const grow = kept + <i32>Math.round(0.05 * <f64>p);
      sv = grow < p ? grow : p;
    }
    if (sv < 1) sv = 1;
    let zz: f64 = 0;
    let rr: f64 = 0;
    let yy: f64 = 0;
    let l1: f64 = 0;
    for (let i = 0; i < mn; i++) {
      const lp = ld(prev, i);
      const ln = ld(lOut, i);
      if (!observed(mask, i)) {
        const r = mu * (ln - lp);
        rr += r * r;
        continue;
      }
      const d = ld(dm, i);
      const s = ld(sOut, i);
      l1 += Math.abs(s);
      const sh = alpha * s + (1 - alpha) * (d - lp);
      const z = d - ln - s;
      zz += z * z;
      const r = mu * (ln - lp + (sh - s));
      rr += r * r;
      const yi = ld(y, i) + mu * (d - ln - sh);
      st(y, i, yi);
      yy += yi * yi;
    }
    primal = Math.sqrt(zz) / normF;
    dual = yy > 0 ? Math.sqrt(rr / yy) : (rr > 0 ? Infinity : 0.0);
    if (primal < tol && dual < dualTol) {
      converged = 1;
      break;
    }
    if (alpha != 1.0 && ++block >= WINDOW) {
      const f = nuclear(lw, kept, tau) + lambda * l1;
      const g = Math.max(primal / tol, dual / dualTol);
      if (Math.abs(f - f0) <= OBJ_STALL * Math.abs(f) && g < GAP_STALL && g > 0.8 * g0) {
        converged = 1;
        break;
      }
      block = 0;
      f0 = f;
      g0 = g;
    }
    if (alpha == 1.0) {
      // phase 1: d3 is the dual residual LAG iterations back
      const stagnant = d4 > 0 && dual > STAGNANT * d3;
      d4 = d3; d3 = d2; d2 = d1; d1 = dual;
      if (!stagnant) {
        mu = Math.min(mu * RHO, muBar);
        continue;
      }
      alpha = ALPHA;
      mu = Math.max(mu / (RHO * RHO * RHO), mu0);
    }
    const gap = Math.max(primal / tol, dual / dualTol);
    if (gap < lo) lo = gap;
    if (gap > hi) hi = gap;
    if (++since >= STALL) {
      const plateau = hi <= FLAT * lo;
      since = 0;
      lo = Infinity;
      hi = 0;
      if (plateau) {
        mu = Math.min(mu * JUMP, muBar);
        continue;
      }
    }
    if (primal > GROW * dual) mu = Math.min(mu * RHO, muBar);
    else if (primal < SHRINK * dual) mu = Math.max(mu / RHO, mu0);
  }
  let l1: f64 = 0;
  for (let i = 0; i < mn; i++) {
    if (observed(mask, i)) l1 += Math.abs(ld(sOut, i));
    else st(sOut, i, 0);
  }
  finish(stats, iter, converged, kept, primal, dual, nuclear(lw, kept, tau) + lambda * l1, e);
}

/**
 * AltProj (Netrapalli et al., spec 3.5) with its stage-wise rank increase on dm (scaled, 0 off the mask; missing
 * entries are filled with L). Stage k projects D - S on rank k and hard-thresholds D - L at
 * zeta = beta (sigma_{k+1} + 2^-t sigma_k) of D - S, beta = 4 / sqrt(m n); the stage ends when 2^-t sigma_k has
 * fallen below sigma_{k+1}, then k grows by one up to r (singular values tied within TIED go up together: a BTL
 * matrix's pair sigma_1 = sigma_2 starts at rank 2). Stops when ||P(D - L - S)||_F / ||P(D)||_F < tol.
 */
function altproj(m: i32, n: i32, dm: usize, mask: usize, r: i32, lambda: f64, tol: f64, maxIter: i32, mode: i32,
  over: i32, power: i32, lOut: usize, sOut: usize, stats: usize, ws: usize, e: i32): void {
  const mn = m * n;
  const p = m < n ? m : n;
  const x = ws;
  const state = at(x, 3 * mn);
  const lw = at(state, 2);
  let normF: f64 = 0;
  for (let i = 0; i < mn; i++) normF += ld(dm, i) * ld(dm, i);
  normF = Math.sqrt(normF);
  if (r > p) r = p;
  const beta = 4.0 / Math.sqrt(<f64>m * <f64>n);
  const sigma1 = spectralNorm(dm, m, n, at(lw, 4 * p), at(lw, 4 * p + n), state);
  const zeta0 = beta * sigma1;
  for (let i = 0; i < mn; i++) {
    const v = ld(dm, i);
    st(sOut, i, observed(mask, i) && Math.abs(v) > zeta0 ? v : 0.0);
  }
  let k = 1;
  let iter = 0;
  let primal: f64 = 1;
  let converged = 0;
  let decay: f64 = 1;
  let sk: f64 = 0;
  let width = 0;
  while (iter < maxIter) {
    iter++;
    for (let i = 0; i < mn; i++) st(x, i, observed(mask, i) ? ld(dm, i) - ld(sOut, i) : ld(lOut, i));
    let l = chooseL(k + 1, p, mode, over);
    let kept = lowRank(x, m, n, l, power, 0, k, 1, lOut, lw, state, l == width ? 1 : 0);
    width = l;
    // a tie at the stage's last singular value: the rank-k projection is not defined, take the tie in
    let tied = k;
    const computed = l >= p ? p : l;
    while (tied < r && tied < computed && ld(lw, tied) >= (1 - TIED) * ld(lw, tied - 1)) tied++;
    if (tied > k) {
      k = tied;
      l = chooseL(k + 1, p, mode, over);
      kept = lowRank(x, m, n, l, power, 0, k, 1, lOut, lw, state, l == width ? 1 : 0);
      width = l;
    }
    sk = 0;
    for (let c = 0; c < kept; c++) sk += ld(lw, c);
    const sr = ld(lw, k - 1);
    const sr1 = k < p ? ld(lw, k) : 0.0;
    const zeta = beta * (sr1 + decay * sr);
    decay *= 0.5;
    let zz: f64 = 0;
    for (let i = 0; i < mn; i++) {
      if (!observed(mask, i)) {
        st(sOut, i, 0);
        continue;
      }
      const r0 = ld(dm, i) - ld(lOut, i);
      const s = Math.abs(r0) > zeta ? r0 : 0.0;
      st(sOut, i, s);
      zz += (r0 - s) * (r0 - s);
    }
    primal = Math.sqrt(zz) / normF;
    if (primal < tol) {
      converged = 1;
      break;
    }
    if (k < r && decay * sr < sr1) {
      k++;
      decay = 1;
    }
  }
  let l1: f64 = 0;
  for (let i = 0; i < mn; i++) l1 += Math.abs(ld(sOut, i));
  finish(stats, iter, converged, iter == 0 ? 0 : k, primal, NaN, sk + lambda * l1, e);
}

/**
 * RPCA of `count` matrices stored back to back (dims: i32 pairs rows, cols; data/L/S concatenated row-major;
 * mask: u8 per entry, 1 = observed, or 0 for fully observed; lambdas: f64 per matrix, the sparse weight of IALM
 * and of the reported objective). method 0 = IALM, 1 = AltProj at target `rank`. svdMode 0 = auto, 1 = dense,
 * 2 = randomized. params: f64 block [dualTol]. stats gets RPCA_STATS f64 per matrix: iterations, converged (0/1),
 * rank, primal residual, dual residual (NaN for AltProj), objective ||L||_* + lambda ||S||_1. work holds workLen
 * f64 slots, at least rpcaSlots of the largest matrix. Returns S_OK, E_INVALID or E_NONFINITE (observed NaN/Inf).
 */
export function rpcaF64(count: i32, dimsPtr: usize, dataPtr: usize, maskPtr: usize, lambdasPtr: usize,
  method: i32, rank: i32, tol: f64, maxIter: i32, svdMode: i32, over: i32, power: i32, seed: u32,
  lPtr: usize, sPtr: usize, statsPtr: usize, workPtr: usize, workLen: i32, paramsPtr: usize): i32 {
  if (count < 0 || maxIter < 0 || method < 0 || method > 1 || svdMode < 0 || svdMode > 2 || over < 0 || power < 0) return E_INVALID;
  const dualTol = ld(paramsPtr, PARAM_DUAL_TOL);
  if (!(dualTol > 0)) return E_INVALID;
  let off = 0;
  for (let k = 0; k < count; k++) {
    const m = load<i32>(dimsPtr + (<usize>(2 * k) << 2));
    const n = load<i32>(dimsPtr + (<usize>(2 * k + 1) << 2));
    if (m < 1 || n < 1 || rpcaSlots(m, n) > workLen) return E_INVALID;
    if (method == 1 && rank < 1) return E_INVALID;
    const mn = m * n;
    const d = at(dataPtr, off);
    const mask: usize = maskPtr == 0 ? <usize>0 : maskPtr + <usize>off;
    let maxAbs: f64 = 0;
    for (let i = 0; i < mn; i++) {
      if (!observed(mask, i)) continue;
      const v = ld(d, i);
      if (v - v != 0) return E_NONFINITE;
      const a = Math.abs(v);
      if (a > maxAbs) maxAbs = a;
    }
    const lOut = at(lPtr, off);
    const sOut = at(sPtr, off);
    const stats = at(statsPtr, RPCA_STATS * k);
    off += mn;
    for (let i = 0; i < mn; i++) {
      st(lOut, i, 0);
      st(sOut, i, 0);
    }
    if (maxAbs == 0) {
      finish(stats, 0, 1, 0, 0, 0, 0, 0);
      continue;
    }
    // the solve sees D * 2^-e with max |D| * 2^-e in [1, 2): exact, and every step is scale-equivariant
    const e = exponentOf(maxAbs);
    const dm = workPtr;
    for (let i = 0; i < mn; i++) st(dm, i, observed(mask, i) ? scaled(ld(d, i), -e) : 0.0);
    const ws = at(workPtr, mn);
    // every matrix restarts the random stream, so a batch gives what single calls give
    store<u32>(at(ws, 3 * mn), seed == 0 ? 0x9e3779b9 : seed);
    const lambda = ld(lambdasPtr, k);
    if (method == 0) ialm(m, n, dm, mask, lambda, tol, dualTol, maxIter, svdMode, over, power, lOut, sOut, stats, ws, e);
    else altproj(m, n, dm, mask, rank, lambda, tol, maxIter, svdMode, over, power, lOut, sOut, stats, ws, e);
    for (let i = 0; i < mn; i++) {
      st(lOut, i, scaled(ld(lOut, i), e));
      st(sOut, i, scaled(ld(sOut, i), e));
    }
  }
  return S_OK;
}
