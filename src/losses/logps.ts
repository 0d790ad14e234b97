// Sequence log-probs of a chunk of loss rows: numbers are taken as given; per-token arrays are packed into
// engine resident buffers (f64 values + i32 CSR offsets) and summed by engine.sequenceLogps, one call per
// column and chunk (STYLE.md Decision 3), never one call per row.
import type { EnginePort } from '../engine.js';
import { packScores } from '../io/columns.js';
import { LOGP_FIELDS, type LossRow } from './loss-rows.js';

/** The four sequence log-prob columns (LOGP_FIELDS order) of `rows`, each a Float64Array of rows.length. */
export type SummedLogps = [Float64Array, Float64Array, Float64Array, Float64Array];

/**
 * Sums each row's per-token arrays (reduce 'sum', f64) and returns the four columns. Rows come from
 * LossRowChecker, so every token is finite and no sum can overflow; a non-finite sum is a bug and throws.
 * O(rows + tokens).
 */
export function sequenceLogpColumns(engine: EnginePort, rows: readonly LossRow[]): SummedLogps {
  return [0, 1, 2, 3].map((k) => column(engine, rows, k)) as SummedLogps;
}

function column(engine: EnginePort, rows: readonly LossRow[], k: number): Float64Array {
  const out = new Float64Array(rows.length);
  const arrays: ArrayLike<number>[] = [];
  const at: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i]!.logps[k]!;
    if (typeof v === 'number') out[i] = v;
    else {
      arrays.push(v);
      at.push(i);
    }
  }
  if (arrays.length === 0) return out;
  const packed = packScores(engine, arrays);
  try {
    const sums = engine.sequenceLogps(packed.values, packed.offsets, { reduce: 'sum' });
    for (let j = 0; j < at.length; j++) {
      const s = sums[j]!;
      if (!Number.isFinite(s)) throw new Error(`pairsmith: internal error: ${LOGP_FIELDS[k]![0]} of row ${rows[at[j]!]!.index} summed to ${s}`);
      out[at[j]!] = s;
    }
  } finally {
    packed.free();
  }
  return out;
}
