// Pure-JS reference for assembly/kernels/rpca.ts: inexact ALM (with a mask of observed entries) and AltProj,
// written plainly from spec rpca.md 3.3-3.5. Options arrive resolved (src/kernels/rpca.ts fills the defaults).
import type { RpcaBatchResult, RpcaResult, ResolvedRpcaOptions } from '../kernels/rpca.js';
import { Xorshift, spectralNorm, thresholdSvd } from './dense.js';

interface Problem {
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

function ialm({ D, m, n, observed, lambda, o }: Problem, rand: Xorshift): RpcaResult {
  const mn = m * n;
  const p = Math.min(m, n);
  let L: Float64Array = new Float64Array(mn);
  const S = new Float64Array(mn);
  const Y = new Float64Array(mn);
  let normF = 0;
  let maxAbs = 0;
  for (let i = 0; i < mn; i++) {
    normF += D[i]! * D[i]!;
    maxAbs = Math.max(maxAbs, Math.abs(D[i]!));
  }
  normF = Math.sqrt(normF);
  if (normF === 0) return { L, S, iterations: 0, converged: true, rank: 0, relativeResidual: 0 };
  const norm2 = spectralNorm(D, m, n, rand);
  const J = Math.max(norm2, maxAbs / lambda);
  for (let i = 0; i < mn; i++) Y[i] = D[i]! / J;
  let mu = 1.25 / norm2;
  const muBar = mu * 1e7;
  let sv = Math.min(10, p);
  let iterations = 0;
  let rank = 0;
  let residual = 1;
  let converged = false;
  const X = new Float64Array(mn);
  while (iterations < o.maxIter) {
    iterations++;
    const shr = lambda / mu;
    for (let i = 0; i < mn; i++) {
      const t = D[i]! - L[i]! + Y[i]! / mu;
      S[i] = observed(i) ? Math.sign(t) * Math.max(Math.abs(t) - shr, 0) : t;
      X[i] = D[i]! - S[i]! + Y[i]! / mu;
    }
    const l = width(sv, p, o);
    const svt = thresholdSvd(X, m, n, l, o.powerIterations, 1 / mu, l >= p ? p : sv, rand);
    L = svt.L;
    rank = svt.kept;
    sv = rank < sv ? Math.min(rank + 1, p) : Math.min(rank + Math.round(0.05 * p), p);
    sv = Math.max(sv, 1);
    let zz = 0;
    for (let i = 0; i < mn; i++) {
      if (!observed(i)) continue;
      const z = D[i]! - L[i]! - S[i]!;
      zz += z * z;
      Y[i]! += mu * z;
    }
    residual = Math.sqrt(zz) / normF;
    mu = Math.min(mu * 1.5, muBar);
    if (residual < o.tol) {
      converged = true;
      break;
    }
  }
  for (let i = 0; i < mn; i++) if (!observed(i)) S[i] = 0;
  return { L, S, iterations, converged, rank, relativeResidual: residual };
}

function altproj({ D, m, n, observed, o }: Problem, rand: Xorshift): RpcaResult {
  const mn = m * n;
  const p = Math.min(m, n);
  const r = Math.min(o.rank, p);
  let L: Float64Array = new Float64Array(mn);
  const S = new Float64Array(mn);
  let normF = 0;
  for (let i = 0; i < mn; i++) normF += D[i]! * D[i]!;
  normF = Math.sqrt(normF);
  if (normF === 0) return { L, S, iterations: 0, converged: true, rank: 0, relativeResidual: 0 };
  const beta = (4 * r) / Math.sqrt(m * n);
  let zeta = beta * spectralNorm(D, m, n, rand);
  for (let i = 0; i < mn; i++) S[i] = observed(i) && Math.abs(D[i]!) > zeta ? D[i]! : 0;
  let iterations = 0;
  let rank = 0;
  let residual = 1;
  let converged = false;
  let decay = 1;
  const X = new Float64Array(mn);
  while (iterations < o.maxIter) {
    iterations++;
    for (let i = 0; i < mn; i++) X[i] = observed(i) ? D[i]! - S[i]! : L[i]!;
    const t = thresholdSvd(X, m, n, width(Math.min(r + 1, p), p, o), o.powerIterations, 0, r, rand);
    L = t.L;
    rank = t.kept;
    const sr = t.sigma[r - 1] ?? 0;
    const sr1 = r < p ? (t.sigma[r] ?? 0) : 0;
    zeta = beta * (sr1 + decay * sr);
    decay *= 0.5;
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
    residual = Math.sqrt(zz) / normF;
    if (residual < o.tol) {
      converged = true;
      break;
    }
  }
  return { L, S, iterations, converged, rank, relativeResidual: residual };
}

/** RPCA of many matrices stored back to back; each starts the random stream from the seed. */
export function rpcaBatch(data: Float64Array, dims: Int32Array, o: ResolvedRpcaOptions): RpcaBatchResult {
  const count = dims.length / 2;
  const res: RpcaBatchResult = {
    L: new Float64Array(data.length), S: new Float64Array(data.length), offsets: new Int32Array(count + 1),
    iterations: new Int32Array(count), converged: new Uint8Array(count), rank: new Int32Array(count),
    relativeResidual: new Float64Array(count),
  };
  let off = 0;
  for (let k = 0; k < count; k++) {
    const m = dims[2 * k]!;
    const n = dims[2 * k + 1]!;
    const base = off;
    const mask = o.mask;
    const observed = mask ? (i: number) => mask[base + i] !== 0 : () => true;
    const D = new Float64Array(m * n);
    for (let i = 0; i < m * n; i++) D[i] = observed(i) ? data[off + i]! : 0;
    const prob: Problem = { D, m, n, observed, lambda: o.lambdas[k]!, o };
    const rand = new Xorshift(o.seed === 0 ? 0x9e3779b9 : o.seed);
    const r = o.method === 'ialm' ? ialm(prob, rand) : altproj(prob, rand);
    res.L.set(r.L, off);
    res.S.set(r.S, off);
    res.iterations[k] = r.iterations;
    res.converged[k] = r.converged ? 1 : 0;
    res.rank[k] = r.rank;
    res.relativeResidual[k] = r.relativeResidual;
    off += m * n;
    res.offsets[k + 1] = off;
  }
  return res;
}

/** RPCA of one rows x cols matrix. */
export function rpca(D: Float64Array, rows: number, cols: number, o: ResolvedRpcaOptions): RpcaResult {
  const r = rpcaBatch(D, new Int32Array([rows, cols]), o);
  return {
    L: r.L, S: r.S, iterations: r.iterations[0]!, converged: r.converged[0] === 1, rank: r.rank[0]!,
    relativeResidual: r.relativeResidual[0]!,
  };
}
