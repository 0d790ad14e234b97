// Score transforms applied before per-prompt statistics: none, logit (for probabilities such as judge win
// rates, clamped to [1e-6, 1 - 1e-6]) and per-prompt z-scores.
import { logitClamped } from '../numeric.js';
import type { GroupEngine, StdKind } from './group-engine.js';

export { LOGIT_EPS, logitClamped } from '../numeric.js';

export type Transform = 'none' | 'logit' | 'zscore';
export const TRANSFORMS: readonly Transform[] = ['none', 'logit', 'zscore'];

export interface TransformResult {
  values: Float64Array;
  /** Element indices the transform cannot take (logit of a value outside [0, 1]). */
  invalid: number[];
}

/**
 * Applies `transform` to finite raw scores grouped by `offsets`. `zscore` standardises each group with its own
 * mean and std (groups with std 0 become NaN: they carry no preference signal and are skipped later).
 */
export function applyTransform(
  raw: Float64Array,
  offsets: Int32Array,
  transform: Transform,
  engine: GroupEngine,
  std: StdKind = 'population',
): TransformResult {
  const invalid: number[] = [];
  if (transform === 'none') return { values: raw, invalid };
  if (transform === 'logit') {
    const out = new Float64Array(raw.length);
    for (let i = 0; i < raw.length; i++) {
      const v = logitClamped(raw[i]!);
      if (Number.isNaN(v) && Number.isFinite(raw[i]!)) invalid.push(i);
      out[i] = v;
    }
    return { values: out, invalid };
  }
  const stats = engine.groupStats(raw, offsets, { std });
  return { values: engine.zscores(raw, offsets, stats), invalid };
}
