// Pure-JS reference for assembly/kernels/rpca.ts: inexact ALM (with a mask of observed entries) run to the PCP
// optimum, and AltProj with its stage-wise rank increase, written plainly from spec rpca.md 3.3-3.5 and the
// README "Robust PCA". Options arrive resolved (src/kernels/rpca.ts fills the defaults).
import type { RpcaBatchResult, RpcaResult, ResolvedRpcaOptions } from '../kernels/rpca.js';
import { Xorshift, exponentOf, spectralNorm, thresholdSvd, timesPow2 } from './dense.js';

interface Problem {
  /** D scaled so that max |D| is in [1, 2), 0 where missing. */
  D: Float64Array;
  m: number;
  n: number;
  observed: (i: number) => boolean;
  lambda: number;
  o: ResolvedRpcaOptions;
}

/** Range-finder width for a target of sv singular values (min(m, n) means a dense SVD). */
function width(sv: number, p: number, o: ResolvedRpcaOptions): number {
  if (o.svd === 'dense') return p;
  const l = sv + o.oversample;
  if (l >= p) return p;
  if (o.svd === 'auto' && 3 * l > p) return p;
  return l;
}

function frobenius(x: Float64Array): number {
  let s = 0;
  for (const v of x) s += v * v;
  return Math.sqrt(s);
}

// Penalty schedule of the IALM (README "Robust PCA"). Phase 1: mu times 1.5 every iteration, until the dual residual
// exceeds 0.7 x its value 3 iterations earlier (once it has been non-zero for 4 iterations). Phase 2: mu divided by 1.5^3 once, over-relaxation 1.6; mu times
// 1.5 while the primal residual exceeds 0.3 x the dual one, divided by 1.5 while it is below 0.03 x the dual one;
// times 10 on a plateau: max(primal / tol, dual / dualTol) within a factor 1.05 over a window of 10 iterations.
// Always mu0 <= mu <= 1e7 mu0. Stall rule: every 20 iterations of phase 2, converged when the objective moved by at
// most 1e-7 relative over those 20, max(primal / tol, dual / dualTol) is below 30 and fell by less than a fifth.

function ialm({ D, m, n, observed, lambda, o }: Problem, rand: Xorshift): RpcaResult {
  const mn = m * n;
  const p = Math.min(m, n);
  let L: Float64Array = new Float64Array(mn);
  const S = new Float64Array(mn);
  const Y = new Float64Array(mn);
  const X = new Float64Array(mn);
  const Shat = new Float64Array(mn);
  const normF = frobenius(D);
  let maxAbs = 0;
  for (const v of D) maxAbs = Math.max(maxAbs, Math.abs(v));
  const norm2 = spectralNorm(D, m, n, rand);
  const J = Math.max(norm2, maxAbs / lambda);
  for (let i = 0; i < mn; i++) Y[i] = D[i]! / J;
  const mu0 = 1.25 / norm2;
  let mu = mu0;
  let sv = Math.min(10, p);
  let iterations = 0;
  let rank = 0;
  let nuclear = 0;
  let primal = 1;
  let dual = Infinity;
  let converged = false;
  let window: number[] = [];
  let relax = 1;
  const duals: number[] = [];
  // stall rule: iterations into the current window, objective and gap at its start
  let block = 0;
  let f0 = Infinity;
  let g0 = Infinity;
  let warm: { l: number; basis: Float64Array | undefined } = { l: 0, basis: undefined };
  while (iterations < o.maxIter) {
    iterations++;
    const shr = lambda / mu;
    for (let i = 0; i < mn; i++) {
      const t = D[i]! - L[i]! + Y[i]! / mu;
      S[i] = observed(i) ? Math.sign(t) * Math.max(Math.abs(t) - shr, 0) : t;
      Shat[i] = relax * S[i]! + (1 - relax) * (D[i]! - L[i]!);
      X[i] = D[i]! - Shat[i]! + Y[i]! / mu;
    }
    const l = width(sv, p, o);
    // the range finder restarts from the last basis while its width stays (README "Robust PCA")
    const svt = thresholdSvd(X, m, n, l, o.powerIterations, 1 / mu, l >= p ? p : sv, rand, warm.l === l ? warm.basis : undefined);
    warm = { l, basis: svt.basis };
    rank = svt.kept;
    nuclear = 0;
    for (let c = 0; c < rank; c++) nuclear += svt.sigma[c]! - 1 / mu;
    sv = rank < sv ? Math.min(rank + 1, p) : Math.min(rank + Math.round(0.05 * p), p);
    sv = Math.max(sv, 1);
    // primal: D - L - S on observed entries; dual: the S step's optimality residual mu (L - L_prev + S^ - S)
    let zz = 0;
    let rr = 0;
    let yy = 0;
    let l1 = 0;
    for (let i = 0; i < mn; i++) {
      const Lnew = svt.L[i]!;
      if (observed(i)) {
        l1 += Math.abs(S[i]!);
        zz += (D[i]! - Lnew - S[i]!) ** 2;
        rr += (mu * (Lnew - L[i]! + (Shat[i]! - S[i]!))) ** 2;
        Y[i]! += mu * (D[i]! - Lnew - Shat[i]!);
        yy += Y[i]! ** 2;
      } else {
        rr += (mu * (Lnew - L[i]!)) ** 2;
      }
    }
    L = svt.L;
    primal = Math.sqrt(zz) / normF;
    dual = yy > 0 ? Math.sqrt(rr / yy) : rr > 0 ? Infinity : 0;
    if (primal < o.tol && dual < o.dualTol) {
      converged = true;
      break;
    }
    if (relax !== 1 && ++block >= 20) {
      const f = nuclear + lambda * l1;
      const g = Math.max(primal / o.tol, dual / o.dualTol);
      if (Math.abs(f - f0) <= 1e-7 * Math.abs(f) && g < 30 && g > 0.8 * g0) {
        converged = true;
        break;
      }
      block = 0;
      f0 = f;
      g0 = g;
    }
    if (relax === 1) {
      duals.push(dual);
      const k = duals.length - 1;
      if (!(k >= 4 && duals[k - 4]! > 0 && dual > 0.7 * duals[k - 3]!)) {
        mu = Math.min(mu * 1.5, 1e7 * mu0);
        continue;
      }
      relax = 1.6;
      mu = Math.max(mu / 1.5 ** 3, mu0);
    }
    window.push(Math.max(primal / o.tol, dual / o.dualTol));
    if (window.length === 10) {
      const plateau = Math.max(...window) <= 1.05 * Math.min(...window);
      window = [];
      if (plateau) {
        mu = Math.min(mu * 10, 1e7 * mu0);
        continue;
      }
    }
    if (primal > 0.3 * dual) mu = Math.min(mu * 1.5, 1e7 * mu0);
    else if (primal < 0.03 * dual) mu = Math.max(mu / 1.5, mu0);
  }
  let l1 = 0;
  for (let i = 0; i < mn; i++) {
    if (observed(i)) l1 += Math.abs(S[i]!);
    else S[i] = 0;
  }
  const objective = nuclear + lambda * l1;
  return { L, S, iterations, converged, rank, relativeResidual: primal, dualResidual: dual, objective };
}

function altproj({ D, m, n, observed, lambda, o }: Problem, rand: Xorshift): RpcaResult {
  const mn = m * n;
  const p = Math.min(m, n);
  const r = Math.min(o.rank, p);
  let L: Float64Array = new Float64Array(mn);
  const S = new Float64Array(mn);
  const X = new Float64Array(mn);
  const normF = frobenius(D);
  const beta = 4 / Math.sqrt(m * n);
  const zeta0 = beta * spectralNorm(D, m, n, rand);
  for (let i = 0; i < mn; i++) S[i] = observed(i) && Math.abs(D[i]!) > zeta0 ? D[i]! : 0;
  let k = 1;
  let iterations = 0;
  let primal = 1;
  let converged = false;
  let decay = 1;
  let nuclear = 0;
  let warm: { l: number; basis: Float64Array | undefined } = { l: 0, basis: undefined };
  const svt = (rank: number) => {
    const l = width(rank + 1, p, o);
    const t = thresholdSvd(X, m, n, l, o.powerIterations, 0, rank, rand, warm.l === l ? warm.basis : undefined);
    warm = { l, basis: t.basis };
    return t;
  };
  while (iterations < o.maxIter) {
    iterations++;
    for (let i = 0; i < mn; i++) X[i] = observed(i) ? D[i]! - S[i]! : L[i]!;
    let t = svt(k);
    // singular values tied with sigma_k (within 1e-6) join the stage: a rank-k cut through a tie is not defined
    let tied = k;
    while (tied < r && tied < t.sigma.length && t.sigma[tied]! >= (1 - 1e-6) * t.sigma[tied - 1]!) tied++;
    if (tied > k) {
      k = tied;
      t = svt(k);
    }
    L = t.L;
    nuclear = 0;
    for (let c = 0; c < t.kept; c++) nuclear += t.sigma[c]!;
    const sk = t.sigma[k - 1]!;
    const sk1 = k < p ? t.sigma[k]! : 0;
    const zeta = beta * (sk1 + decay * sk);
    decay /= 2;
    let zz = 0;
    for (let i = 0; i < mn; i++) {
      if (!observed(i)) {
        S[i] = 0;
        continue;
      }
      const e = D[i]! - L[i]!;
      S[i] = Math.abs(e) > zeta ? e : 0;
      zz += (e - S[i]!) ** 2;
    }
    primal = Math.sqrt(zz) / normF;
    if (primal < o.tol) {
      converged = true;
      break;
    }
    // the stage ends once the 2^-t sigma_k part of the threshold is below sigma_{k+1}
    if (k < r && decay * sk < sk1) {
      k++;
      decay = 1;
    }
  }
  let l1 = 0;
  for (const v of S) l1 += Math.abs(v);
  return {
    L, S, iterations, converged, rank: iterations === 0 ? 0 : k, relativeResidual: primal, dualResidual: NaN,
    objective: nuclear + lambda * l1,
  };
}

/** RPCA of many matrices stored back to back; each starts the random stream from the seed. */
export function rpcaBatch(data: Float64Array, dims: Int32Array, o: ResolvedRpcaOptions): RpcaBatchResult {
  const count = dims.length / 2;
  const res: RpcaBatchResult = {
    L: new Float64Array(data.length), S: new Float64Array(data.length), offsets: new Int32Array(count + 1),
    iterations: new Int32Array(count), converged: new Uint8Array(count), rank: new Int32Array(count),
    relativeResidual: new Float64Array(count), dualResidual: new Float64Array(count), objective: new Float64Array(count),
  };
  let off = 0;
  for (let k = 0; k < count; k++) {
    const m = dims[2 * k]!;
    const n = dims[2 * k + 1]!;
    const base = off;
    const mask = o.mask;
    const observed = mask ? (i: number) => mask[base + i] !== 0 : () => true;
    let maxAbs = 0;
    for (let i = 0; i < m * n; i++) if (observed(i)) maxAbs = Math.max(maxAbs, Math.abs(data[off + i]!));
    res.offsets[k + 1] = off + m * n;
    res.converged[k] = 1;
    if (maxAbs === 0) {
      off += m * n;
      continue;
    }
    // solve D 2^-e with max |D| 2^-e in [1, 2): exact, and the method is scale-equivariant; scale back after
    const e = exponentOf(maxAbs);
    const down = timesPow2(-e);
    const up = timesPow2(e);
    const D = new Float64Array(m * n);
    for (let i = 0; i < m * n; i++) D[i] = observed(i) ? down(data[off + i]!) : 0;
    const prob: Problem = { D, m, n, observed, lambda: o.lambdas[k]!, o };
    const rand = new Xorshift(o.seed === 0 ? 0x9e3779b9 : o.seed);
    const r = o.method === 'ialm' ? ialm(prob, rand) : altproj(prob, rand);
    for (let i = 0; i < m * n; i++) {
      res.L[off + i] = up(r.L[i]!);
      res.S[off + i] = up(r.S[i]!);
    }
    res.iterations[k] = r.iterations;
    res.converged[k] = r.converged ? 1 : 0;
    res.rank[k] = r.rank;
    res.relativeResidual[k] = r.relativeResidual;
    res.dualResidual[k] = r.dualResidual;
    res.objective[k] = up(r.objective);
    off += m * n;
  }
  return res;
}

/** RPCA of one rows x cols matrix. */
export function rpca(D: Float64Array, rows: number, cols: number, o: ResolvedRpcaOptions): RpcaResult {
  const r = rpcaBatch(D, new Int32Array([rows, cols]), o);
  return {
    L: r.L, S: r.S, iterations: r.iterations[0]!, converged: r.converged[0] === 1, rank: r.rank[0]!,
    relativeResidual: r.relativeResidual[0]!, dualResidual: r.dualResidual[0]!, objective: r.objective[0]!,
  };
}
