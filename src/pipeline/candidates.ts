// The record path of pair construction: validated candidate records (already parsed) -> a CandidateChunk
// (usable candidates only, implicit rewards from their log-probs on the engine) -> pair row objects.
import type { GroupEngine } from './group-engine.js';
import { pairsForChunk, type ChunkPairs, type PairsOptions } from './pairs.js';

/** What the pipeline needs of a candidate record (the datasets layer's CandidateRecord fits). */
export interface CandidateLike {
  /** 0-based record number in the input. */
  index: number;
  prompt: unknown;
  responses: readonly unknown[];
  /** null for an excluded candidate. */
  scores: readonly (number | null)[];
  /** Per candidate: a sequence log-prob (sum) or per-token log-probs. */
  policyLogps?: readonly (number | readonly number[] | null)[];
  referenceLogps?: readonly (number | readonly number[] | null)[];
}

export interface RewardOptions {
  /** Scale of the implicit reward (default 1: the Less-is-More margin). */
  beta?: number;
  /** Reduce per-token log-probs by sum (default) or mean per token; a given sequence value is used as is. */
  reduce?: 'sum' | 'mean';
}

function tokens(x: number | readonly number[] | null | undefined): readonly number[] | null {
  if (typeof x === 'number') return Number.isFinite(x) ? [x] : null;
  if (Array.isArray(x) && x.every((v) => typeof v === 'number' && Number.isFinite(v))) return x;
  return null;
}

/** Columns of the usable candidates of `records`, with implicit rewards when any record has log-probs. */
export function chunkFromRecords(engine: GroupEngine, records: readonly CandidateLike[], o: RewardOptions = {}) {
  const promptIndex = new Int32Array(records.length);
  const offsets = new Int32Array(records.length + 1);
  const scores: number[] = [];
  const cand: number[] = [];
  const withLogps = new Uint8Array(records.length);
  const pol: number[] = [];
  const ref: number[] = [];
  const tokOff: number[] = [0];
  const missing: number[] = [];
  const any = records.some((r) => r.policyLogps && r.referenceLogps);
  records.forEach((r, g) => {
    promptIndex[g] = r.index;
    const lp = r.policyLogps && r.referenceLogps;
    withLogps[g] = lp ? 1 : 0;
    r.scores.forEach((s, i) => {
      if (s === null || !Number.isFinite(s)) return;
      scores.push(s);
      cand.push(i);
      if (!any) return;
      const a = lp ? tokens(r.policyLogps![i]) : null;
      const b = lp ? tokens(r.referenceLogps![i]) : null;
      const ok = a !== null && b !== null && a.length === b.length;
      if (ok) {
        pol.push(...a);
        ref.push(...b);
      }
      missing.push(ok ? 0 : 1);
      tokOff.push(pol.length);
    });
    offsets[g + 1] = scores.length;
  });
  let rewards: Float64Array | undefined;
  if (any) {
    rewards = engine.implicitRewards(Float64Array.from(pol), Float64Array.from(ref), Int32Array.from(tokOff), { beta: o.beta ?? 1, reduce: o.reduce ?? 'sum' });
    for (let i = 0; i < missing.length; i++) if (missing[i]) rewards[i] = Number.NaN;
  }
  return { chunk: { promptIndex, offsets, scores: Float64Array.from(scores), candidateIndex: Int32Array.from(cand), rewards }, withLogps };
}

/** A pair row (TRL preference columns first, then pairsmith's). */
export type PairRow = Record<string, unknown>;

/**
 * Pair rows of `records`. `text(value, role)` renders a prompt or response for the output (e.g. to the
 * standard or conversational form); by default values are used as they are.
 */
export function pairRowsFromRecords(
  engine: GroupEngine,
  records: readonly CandidateLike[],
  opts: PairsOptions & RewardOptions,
  text: (value: unknown, role: 'prompt' | 'response') => unknown = (v) => v,
): { rows: PairRow[]; result: ChunkPairs } {
  const { chunk, withLogps } = chunkFromRecords(engine, records, opts);
  const result = pairsForChunk(engine, chunk, opts);
  const r = result.rows;
  const rows: PairRow[] = [];
  for (let i = 0; i < r.n; i++) {
    const g = r.group[i]!;
    const rec = records[g]!;
    const row: PairRow = {
      prompt: text(rec.prompt, 'prompt'),
      chosen: text(rec.responses[r.chosenIndex[i]!], 'response'),
      rejected: text(rec.responses[r.rejectedIndex[i]!], 'response'),
      score_chosen: r.scoreChosen[i],
      score_rejected: r.scoreRejected[i],
      margin: r.margin[i],
      prompt_index: r.promptIndex[i],
      chosen_index: r.chosenIndex[i],
      rejected_index: r.rejectedIndex[i],
      strategy: r.strategy,
    };
    if (r.chosenPosition[i]) row.chosen_position = r.chosenPosition[i];
    if (r.rejectedPosition[i]) row.rejected_position = r.rejectedPosition[i];
    if (r.implicitMargin && withLogps[g]) row.implicit_margin = Number.isFinite(r.implicitMargin[i]!) ? r.implicitMargin[i] : null;
    rows.push(row);
  }
  return { rows, result };
}
