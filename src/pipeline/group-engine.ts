// The per-group numeric port the pipeline needs (statistics, position picks, z-scores, implicit rewards): the
// engine's kernels (src/kernels/groups.ts, scoring.ts) on every backend; the pipeline never computes these itself.
import type { GroupStats } from '../kernels/groups.js';
import type { Kernels } from '../kernels/index.js';
import type { Position } from '../kernels/positions.js';
import type { ResidentBuffer, TypedArray, TypedArrayCtor } from '../kernels/types.js';

/** A column in engine memory or a typed array (kernels take either; resident ones are used in place). */
export type F64Col = Float64Array | ResidentBuffer<Float64Array>;
export type I32Col = Int32Array | ResidentBuffer<Int32Array>;

export type StdKind = 'population' | 'sample';
export type { GroupStats };


export interface GroupEngine {
  /** Statistics of each group `values[offsets[g] .. offsets[g+1])` (non-finite values counted, left out). */
  groupStats(values: F64Col, offsets: I32Col, opts: { std: StdKind }): GroupStats;
  /**
   * For each group and position, the index within the group of the candidate nearest the position's target
   * (ties: smaller distance, then the lower value for role `rejected` (default) or the higher for `chosen`, then
   * the lower index; max/min: the first occurrence); -1 when the group has no candidate.
   * Row-major: `out[g * positions.length + j]`. `exclude[g]` (an index within group g, or -1) is never picked.
   */
  pickPositions(
    values: F64Col,
    offsets: I32Col,
    stats: GroupStats,
    positions: readonly Position[],
    opts?: { exclude?: Int32Array; role?: 'chosen' | 'rejected' },
  ): Int32Array;
  /** (value - mean) / std per element of each group (NaN where std is 0 or the value is non-finite). */
  zscores(values: Float64Array, offsets: Int32Array, stats: GroupStats): Float64Array;
  /**
   * beta * (log pi - log pi_ref) per sequence: from per-token log-probs grouped by `offsets` (reduced by sum, or
   * mean per token), or from per-sequence values when `offsets` is null. f64 accumulation.
   */
  /**
   * Engine-owned columns (the engine's `alloc`): when present, a chunk's values are copied into engine memory
   * once and every kernel call of the chunk runs on them in place (STYLE.md Decision 3).
   */
  alloc?<T extends TypedArray>(type: TypedArrayCtor<T>, n: number): ResidentBuffer<T>;
  implicitRewards(
    policy: Float32Array | Float64Array,
    reference: Float32Array | Float64Array,
    offsets: Int32Array | null,
    opts: { beta: number; reduce: 'sum' | 'mean' },
  ): Float64Array;
}

/** The engine's kernels as the pipeline's port (the per-sequence implicitRewards form takes no offsets). */
export function groupEngineOf(k: Kernels & { alloc?: GroupEngine['alloc'] }): GroupEngine {
  return {
    ...(k.alloc ? { alloc: k.alloc.bind(k) } : {}),
    groupStats: (values, offsets, opts) => k.groupStats(values, offsets, opts),
    pickPositions: (values, offsets, stats, positions, opts) => k.pickPositions(values, offsets, stats, positions, opts),
    zscores: (values, offsets, stats) => k.zscores(values, offsets, stats),
    implicitRewards: (policy, reference, offsets, opts) =>
      offsets === null ? k.implicitRewards(policy, reference, { beta: opts.beta }) : k.implicitRewards(policy, reference, offsets, opts),
  };
}
