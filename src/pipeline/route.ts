// Small-margin routing (spec losses.md section 4, MixDPO): pairs with a small margin go to SFT on the chosen
// response, the rest to DPO, all in curriculum order (margin descending, easy first). A pair is hard iff
// margin < threshold (strict), or it is among the floor(f * n) smallest margins for --hard-fraction f.
import { UsageError } from './errors.js';
import { sortIndices } from '../numeric.js';
import { mix32 } from './rng.js';
import { fractionCount } from './select.js';

export interface RouteOptions {
  threshold?: number;
  hardFraction?: number;
  /** Ties in margin keep input order by default; with a seed they are ordered by a seeded hash instead. */
  tieSeed?: number;
}

export interface RouteResult {
  /** Indices routed to DPO, easy first. */
  dpo: Int32Array;
  /** Indices routed to SFT, continuing the same order (largest of the small margins first). */
  sft: Int32Array;
  /** Indices without a finite margin (not routed; the caller rejects them). */
  missing: Int32Array;
}

/** Partitions pairs by margin. Every index lands in exactly one of dpo, sft, missing. */
export function routePairs(margins: ArrayLike<number>, opts: RouteOptions): RouteResult {
  if ((opts.threshold === undefined) === (opts.hardFraction === undefined)) throw new RangeError('pairsmith: give exactly one of threshold and hard fraction');
  if (opts.hardFraction !== undefined && !(opts.hardFraction >= 0 && opts.hardFraction <= 1)) {
    throw new RangeError(`pairsmith: hard fraction must be in [0, 1], got ${opts.hardFraction}`);
  }
  let finite = 0;
  for (let i = 0; i < margins.length; i++) if (Number.isFinite(margins[i]!)) finite++;
  const valid = new Int32Array(finite);
  const missing = new Int32Array(margins.length - finite);
  for (let i = 0, v = 0, m = 0; i < margins.length; i++) {
    if (Number.isFinite(margins[i]!)) valid[v++] = i;
    else missing[m++] = i;
  }
  const seed = opts.tieSeed;
  const tieKey = seed === undefined ? null : (i: number) => mix32(mix32(seed >>> 0) ^ i);
  sortIndices(valid, (a, b) => margins[b]! - margins[a]! || (tieKey ? tieKey(a) - tieKey(b) : 0) || a - b);
  let cut: number;
  if (opts.threshold !== undefined) {
    cut = valid.length;
    while (cut > 0 && margins[valid[cut - 1]!]! < opts.threshold) cut--;
  } else {
    cut = valid.length - fractionCount(opts.hardFraction!, valid.length);
  }
  return { dpo: valid.slice(0, cut), sft: valid.slice(cut), missing };
}

/** A finite number, or undefined. */
function finite(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

/**
 * The TRL prompt-completion (SFT) row of a pair: prompt + chosen as `completion`, always with `margin`: the one it
 * was routed by when given, else the row's `margin`, else score_chosen - score_rejected (null when none exists).
 * Throws a RangeError for an augmented row (goal_role): its neg row's chosen is the original rejected response.
 */
export function sftRow(row: Record<string, unknown>, pairId: number, margin?: number): Record<string, unknown> {
  if ('goal_role' in row) throw new RangeError('pairsmith: an augmented row (goal_role) cannot become an SFT row: route before augmenting');
  const out: Record<string, unknown> = { prompt: row.prompt, completion: row.chosen };
  const sc = finite(row.score_chosen);
  const sr = finite(row.score_rejected);
  out.margin = finite(margin) ?? finite(row.margin) ?? (sc !== undefined && sr !== undefined ? sc - sr : null);
  if (typeof row.prompt_index === 'number') out.prompt_index = row.prompt_index;
  out.pair_id = pairId;
  out.route = 'sft';
  return out;
}

/** The refusal of an augmented row (augment's goal_role field): route before augmenting. */
export function augmentedInput(where: string): UsageError {
  return new UsageError(
    `${where}: route takes pairs before augmentation; this row has goal_role (an augment output), whose neg row has its margin negated: ` +
      'routing by margin would send every negative-goal row to SFT, i.e. SFT on rejected responses. Route first, then augment the DPO output ' +
      '(curate --route --augment does this: it augments the DPO rows only)',
  );
}
