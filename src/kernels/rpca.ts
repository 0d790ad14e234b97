// Robust PCA (low-rank + sparse) solvers: API types, option defaults, argument checks and the WASM binding.
// Defaults follow spec rpca.md 3.3 (Lin-Chen-Ma inexact ALM) with lambda = 1/sqrt(max(m, n)); the IALM runs to
// the PCP optimum (primal and dual residual, residual-balanced penalty: README "Robust PCA").
import type { WasmContext } from '../wasm/context.js';
import { check } from '../wasm/abi.js';
import { assertArray, assertNumber } from './validate.js';
import { assertDim, assertFiniteMatrix } from './linalg.js';

export type RpcaMethod = 'ialm' | 'altproj';
export type RpcaSvd = 'auto' | 'dense' | 'randomized';

export interface RpcaOptions {
  /** `ialm` (default): convex PCP by inexact ALM; `altproj`: non-convex alternating projections up to `rank`. */
  method?: RpcaMethod;
  /**
   * Weight of the sparse term (IALM). Default 1/sqrt(max(m, n)); with a mask 1/sqrt(p * max(m, n)), p = observed
   * fraction. In rpcaBatch a number applies to every matrix; the default is computed per matrix. AltProj uses it
   * only for the reported objective.
   */
  lambda?: number;
  /** Primal tolerance: stop only when ||D - L - S||_F / ||D||_F (observed entries) < tol. Default 1e-7. */
  tol?: number;
  /**
   * Dual tolerance (IALM): stop only when the dual residual mu ||dL + dS||_F / ||Y||_F < dualTol as well (the
   * optimality residual of the S step; README "Robust PCA"). Default 1e-5.
   */
  dualTol?: number;
  /** Iteration budget. Default 1000; at the budget the result has converged = false. */
  maxIter?: number;
  /** Target (final) rank for AltProj (default 2, the rank of a BTL logit matrix). */
  rank?: number;
  /** Observed entries (1) and missing ones (0), same length as the data. Missing entries may hold NaN. */
  mask?: Uint8Array;
  /** SVD inside each iteration: `auto` (default) picks the randomized partial SVD when the predicted rank is small. */
  svd?: RpcaSvd;
  /** Oversampling of the randomized SVD (default 10). */
  oversample?: number;
  /** Power iterations of the randomized SVD (default 2). */
  powerIterations?: number;
  /** Seed of the random test matrices (u32, default 0x9e3779b9); same seed, same result. */
  seed?: number;
}

/** Options after defaults, as every backend receives them (lambdas: one per matrix). */
export interface ResolvedRpcaOptions {
  method: RpcaMethod;
  lambdas: Float64Array;
  tol: number;
  dualTol: number;
  maxIter: number;
  rank: number;
  mask: Uint8Array | undefined;
  svd: RpcaSvd;
  oversample: number;
  powerIterations: number;
  seed: number;
}

export interface RpcaResult {
  /** Low-rank part, row-major rows x cols. */
  L: Float64Array;
  /** Sparse part (0 at missing entries), row-major rows x cols. */
  S: Float64Array;
  iterations: number;
  converged: boolean;
  /** Rank of L (singular values kept in the last iteration). */
  rank: number;
  /** Primal residual ||D - L - S||_F / ||D||_F over observed entries at exit. */
  relativeResidual: number;
  /** Dual residual at exit (IALM; NaN for AltProj, which has no dual). */
  dualResidual: number;
  /** ||L||_* + lambda ||S||_1 (observed entries of S) at exit; Infinity when it exceeds the largest double. */
  objective: number;
}

export interface RpcaBatchResult {
  /** All L matrices back to back; matrix i is at offsets[i] .. offsets[i + 1]. */
  L: Float64Array;
  S: Float64Array;
  offsets: Int32Array;
  iterations: Int32Array;
  converged: Uint8Array;
  rank: Int32Array;
  relativeResidual: Float64Array;
  dualResidual: Float64Array;
  objective: Float64Array;
}

export interface RpcaKernels {
  /**
   * Splits the row-major rows x cols matrix D into low-rank L and sparse S (D = L + S on observed entries).
   * Throws RangeError on NaN/Inf in an observed entry (naming row and column), bad shapes or options. Any finite
   * magnitude works (from subnormal to near overflow): the solve runs at an exact power-of-two scale.
   * Cost per iteration: one (partial) SVD, O(m n (sv + oversample)) with the randomized SVD, plus O(m n).
   */
  rpca(D: Float64Array, rows: number, cols: number, options?: RpcaOptions | ResolvedRpcaOptions): RpcaResult;
  /**
   * RPCA of many matrices in one call: `data` holds them back to back, `dims` the (rows, cols) pairs.
   * The mask (optional) covers all of `data`. Same checks and results as calling rpca on each.
   */
  rpcaBatch(data: Float64Array, dims: Int32Array, options?: RpcaOptions | ResolvedRpcaOptions): RpcaBatchResult;
}

/** f64 workspace slots the WASM solver needs for one m x n problem (mirrors rpcaSlots in assembly/kernels/rpca.ts). */
export function rpcaWorkspaceSlots(m: number, n: number): number {
  const p = Math.min(m, n);
  return 4 * m * n + 2 + (m * n + p * p + 2 * m * p + 2 * n * p + 4 * p + 2 * (m + n) + 8);
}

/** f64 stats per matrix written by rpcaF64: iterations, converged, rank, primal, dual, objective. */
const RPCA_STATS = 6;

function isResolved(o: unknown): o is ResolvedRpcaOptions {
  return typeof o === 'object' && o !== null && (o as ResolvedRpcaOptions).lambdas instanceof Float64Array;
}

function oneOf<T extends string>(x: unknown, name: string, allowed: readonly T[], dflt: T): T {
  if (x === undefined) return dflt;
  if (!allowed.includes(x as T)) throw new RangeError(`pairsmith: ${name} must be one of ${allowed.join(', ')}, got ${String(x)}`);
  return x as T;
}

/** Checks the batch and fills in defaults. */
export function resolveRpcaOptions(data: Float64Array, dims: Int32Array, options: RpcaOptions = {}): ResolvedRpcaOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('pairsmith: options must be an object');
  const count = dims.length / 2;
  let total = 0;
  for (let i = 0; i < count; i++) {
    assertDim(dims[2 * i], `dims[${2 * i}] (rows of matrix ${i})`);
    assertDim(dims[2 * i + 1], `dims[${2 * i + 1}] (cols of matrix ${i})`);
    total += dims[2 * i]! * dims[2 * i + 1]!;
  }
  if (total !== data.length) throw new RangeError(`pairsmith: data has length ${data.length}, but dims describe ${total} entries`);
  const mask = options.mask;
  if (mask !== undefined) {
    assertArray(mask, 'mask', Uint8Array);
    if (mask.length !== data.length) throw new RangeError(`pairsmith: mask has length ${mask.length}, expected ${data.length}`);
  }
  const method = oneOf(options.method, 'method', ['ialm', 'altproj'] as const, 'ialm');
  const svd = oneOf(options.svd, 'svd', ['auto', 'dense', 'randomized'] as const, 'auto');
  const tol = options.tol ?? 1e-7;
  assertNumber(tol, 'tol', 0);
  if (!(tol > 0)) throw new RangeError('pairsmith: tol must be > 0');
  const dualTol = options.dualTol ?? 1e-5;
  assertNumber(dualTol, 'dualTol', 0);
  if (!(dualTol > 0)) throw new RangeError('pairsmith: dualTol must be > 0');
  const maxIter = options.maxIter ?? 1000;
  assertDim(maxIter, 'maxIter', true);
  const rank = options.rank ?? 2;
  assertDim(rank, 'rank');
  const oversample = options.oversample ?? 10;
  assertDim(oversample, 'oversample', true);
  const powerIterations = options.powerIterations ?? 2;
  assertDim(powerIterations, 'powerIterations', true);
  const seed = options.seed ?? 0x9e3779b9;
  assertNumber(seed, 'seed', 0, 0xffffffff);
  if (!Number.isInteger(seed)) throw new RangeError(`pairsmith: seed must be an integer, got ${seed}`);
  if (options.lambda !== undefined) {
    assertNumber(options.lambda, 'lambda', 0);
    if (!(options.lambda > 0)) throw new RangeError('pairsmith: lambda must be > 0');
  }
  const lambdas = new Float64Array(count);
  let off = 0;
  for (let i = 0; i < count; i++) {
    const m = dims[2 * i]!;
    const n = dims[2 * i + 1]!;
    assertFiniteMatrix(data.subarray(off, off + m * n), n, count === 1 ? 'D' : `matrix ${i}`, mask, off);
    let observed = m * n;
    if (mask) {
      observed = 0;
      for (let j = off; j < off + m * n; j++) if (mask[j] !== 0) observed++;
    }
    const frac = Math.max(observed, 1) / (m * n);
    lambdas[i] = options.lambda ?? 1 / Math.sqrt(frac * Math.max(m, n));
    off += m * n;
  }
  return { method, lambdas, tol, dualTol, maxIter, rank, mask, svd, oversample, powerIterations, seed: seed >>> 0 };
}

function resolveSingle(D: Float64Array, rows: number, cols: number, options?: RpcaOptions): ResolvedRpcaOptions {
  assertArray(D, 'D', Float64Array);
  assertDim(rows, 'rows');
  assertDim(cols, 'cols');
  if (D.length !== rows * cols) throw new RangeError(`pairsmith: D has length ${D.length}, expected rows * cols = ${rows * cols}`);
  return resolveRpcaOptions(D, new Int32Array([rows, cols]), options);
}

export function guardRpca(k: RpcaKernels): RpcaKernels {
  return {
    rpca(D, rows, cols, options) {
      return k.rpca(D, rows, cols, isResolved(options) ? options : resolveSingle(D, rows, cols, options));
    },
    rpcaBatch(data, dims, options) {
      assertArray(data, 'data', Float64Array);
      assertArray(dims, 'dims', Int32Array);
      if (dims.length % 2 !== 0) throw new RangeError(`pairsmith: dims must hold (rows, cols) pairs, got length ${dims.length}`);
      return k.rpcaBatch(data, dims, isResolved(options) ? options : resolveRpcaOptions(data, dims, options));
    },
  };
}

const SVD_CODE: Record<RpcaSvd, number> = { auto: 0, dense: 1, randomized: 2 };

export function bindRpca(ctx: WasmContext): RpcaKernels {
  const batch = (data: Float64Array, dims: Int32Array, o: ResolvedRpcaOptions): RpcaBatchResult => {
    const count = dims.length / 2;
    let slots = 0;
    const offsets = new Int32Array(count + 1);
    for (let i = 0; i < count; i++) {
      slots = Math.max(slots, rpcaWorkspaceSlots(dims[2 * i]!, dims[2 * i + 1]!));
      offsets[i + 1] = offsets[i]! + dims[2 * i]! * dims[2 * i + 1]!;
    }
    return ctx.run((s) => {
      const ptrs = o.mask ? s.inputs(data, dims, o.lambdas, o.mask) : s.inputs(data, dims, o.lambdas);
      const L = ctx.output(s, Float64Array, data.length);
      const S = ctx.output(s, Float64Array, data.length);
      const stats = ctx.output(s, Float64Array, RPCA_STATS * count);
      const params = s.inputs(new Float64Array([o.dualTol]))[0]!;
      const work = s.alloc(slots * 8);
      const status = ctx.raw.rpcaF64(count, ptrs[1]!, ptrs[0]!, o.mask ? ptrs[3]! : 0, ptrs[2]!, o.method === 'ialm' ? 0 : 1,
        o.rank, o.tol, o.maxIter, SVD_CODE[o.svd], o.oversample, o.powerIterations, o.seed, L.ptr, S.ptr, stats.ptr, work, slots,
        /* params: [dualTol] */ params);
      check('rpcaF64', status);
      const st = stats.finish();
      const res = emptyBatch(count, data.length);
      res.L = L.finish();
      res.S = S.finish();
      res.offsets = offsets;
      for (let i = 0; i < count; i++) {
        const b = RPCA_STATS * i;
        res.iterations[i] = st[b]!;
        res.converged[i] = st[b + 1]!;
        res.rank[i] = st[b + 2]!;
        res.relativeResidual[i] = st[b + 3]!;
        res.dualResidual[i] = st[b + 4]!;
        res.objective[i] = st[b + 5]!;
      }
      return res;
    });
  };
  return {
    rpca(D, rows, cols, options) {
      const r = batch(D, new Int32Array([rows, cols]), options as ResolvedRpcaOptions);
      return single(r);
    },
    rpcaBatch(data, dims, options) {
      return batch(data, dims, options as ResolvedRpcaOptions);
    },
  };
}

/** A batch result of `count` matrices and `entries` values, zero-filled (offsets left at 0). */
export function emptyBatch(count: number, entries: number): RpcaBatchResult {
  return {
    L: new Float64Array(entries), S: new Float64Array(entries), offsets: new Int32Array(count + 1),
    iterations: new Int32Array(count), converged: new Uint8Array(count), rank: new Int32Array(count),
    relativeResidual: new Float64Array(count), dualResidual: new Float64Array(count), objective: new Float64Array(count),
  };
}

/** The one result of a batch of one. */
export function single(r: RpcaBatchResult): RpcaResult {
  return {
    L: r.L, S: r.S, iterations: r.iterations[0]!, converged: r.converged[0] === 1, rank: r.rank[0]!,
    relativeResidual: r.relativeResidual[0]!, dualResidual: r.dualResidual[0]!, objective: r.objective[0]!,
  };
}
