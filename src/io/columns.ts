// Packing a chunk's scores straight into engine resident buffers (STYLE.md Decision 3) in the CSR layout the
// group kernels read: values (f64, NaN for an excluded candidate) and offsets (i32, groups + 1).
import type { Engine } from '../engine.js';
import type { ResidentBuffer } from '../kernels/types.js';

/** Resident score columns of one chunk. The caller owns them: call free() (e.g. in a finally). */
export interface ScoreColumns {
  /** All candidates' scores, group after group; excluded candidates are NaN (kernels skip non-finite values). */
  values: ResidentBuffer<Float64Array>;
  /** Group g is values[offsets[g], offsets[g + 1]). */
  offsets: ResidentBuffer<Int32Array>;
  groups: number;
  /** Total number of values. */
  n: number;
  free(): void;
}

/**
 * Packs one score list per group (null = excluded) into resident buffers. `map` may transform each finite
 * score (return NaN to exclude it). O(n); nothing is copied again before the kernels run. Any per-group
 * number lists pack the same way (e.g. per-token log-probs for sequenceLogps).
 */
export function packScores(
  engine: Pick<Engine, 'alloc'>,
  groups: readonly ArrayLike<number | null>[],
  map?: (score: number) => number,
): ScoreColumns {
  let n = 0;
  for (const g of groups) n += g.length;
  const values = engine.alloc(Float64Array, n);
  let offsets: ResidentBuffer<Int32Array>;
  try {
    offsets = engine.alloc(Int32Array, groups.length + 1);
  } catch (e) {
    values.free();
    throw e;
  }
  // Views are taken after both allocations (an allocation may grow memory and detach earlier views).
  const v = values.view();
  const o = offsets.view();
  let at = 0;
  for (let k = 0; k < groups.length; k++) {
    o[k] = at;
    const g = groups[k]!;
    for (let j = 0; j < g.length; j++) {
      const s = g[j]!;
      const x = s === null ? Number.NaN : s;
      v[at++] = map && Number.isFinite(x) ? map(x) : x;
    }
  }
  o[groups.length] = at;
  return {
    values,
    offsets,
    groups: groups.length,
    n,
    free() {
      values.free();
      offsets.free();
    },
  };
}
