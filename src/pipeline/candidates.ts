// Candidate columns of one batch (src/io/adapt.ts) -> the CSR chunk of usable candidates with their implicit
// rewards (implicitRewards kernel over the log-probs) -> pairs (pairsForChunk), and the pair rows written through
// the one row writer. Used by pairs, select, curate and report.
import type { CandidateColumns } from '../io/adapt.js';
import { EX_NONE, LP_SUM, LP_TOKENS } from '../io/adapt.js';
import { FORM_MESSAGES, FORM_STRING } from '../io/cells.js';
import { Column, type RowBuilder } from '../io/encode.js';
import type { RecordBatch } from '../io/records.js';
import type { ColumnSpec } from '../io/rows.js';
import type { GroupEngine } from './group-engine.js';
import { pairsForChunk, type CandidateChunk, type ChunkPairs, type PairsOptions } from './pairs.js';

export interface RewardOptions {
  /** Scale of the implicit reward (default 1: the Less-is-More margin). */
  beta?: number;
  /** Reduce per-token log-probs by sum (default) or mean per token; a given sequence value is used as is. */
  reduce?: 'sum' | 'mean';
}

/** The usable candidates of a batch as a chunk, with implicit rewards when any group has log-probs. */
export function chunkOfColumns(engine: GroupEngine, c: CandidateColumns, o: RewardOptions = {}): CandidateChunk {
  const groups = c.groups;
  const offsets = new Int32Array(groups + 1);
  let usable = 0;
  for (let i = 0; i < c.resp.n; i++) if (c.excl.a[i] === EX_NONE) usable++;
  const scores = new Float64Array(usable);
  const candidateIndex = new Int32Array(usable);
  let anyLogps = false;
  for (let g = 0; g < groups; g++) if (c.withLogps.a[g]) anyLogps = true;
  // Token CSR of the usable candidates (a sequence value is one token; a missing entry none, its reward NaN).
  let tokens = 0;
  if (anyLogps) {
    for (let g = 0; g < groups; g++) {
      const base = c.lpBase.a[g]!;
      if (base < 0) continue;
      for (let i = c.off.a[g]!; i < c.off.a[g + 1]!; i++) {
        if (c.excl.a[i] !== EX_NONE) continue;
        const j = base + i - c.off.a[g]!;
        if (c.lpKind.a[j] === LP_SUM) tokens++;
        else if (c.lpKind.a[j] === LP_TOKENS) tokens += c.tokOff.a[j + 1]! - c.tokOff.a[j]!;
      }
    }
  }
  const pol = anyLogps ? new Float64Array(tokens) : null;
  const ref = anyLogps ? new Float64Array(tokens) : null;
  const tokOff = anyLogps ? new Int32Array(usable + 1) : null;
  const missing = anyLogps ? new Uint8Array(usable) : null;
  let u = 0;
  let t = 0;
  for (let g = 0; g < groups; g++) {
    const s = c.off.a[g]!;
    const e = c.off.a[g + 1]!;
    const base = c.lpBase.a[g]!;
    for (let i = s; i < e; i++) {
      if (c.excl.a[i] !== EX_NONE) continue;
      scores[u] = c.score.a[i]!;
      candidateIndex[u] = i - s;
      if (anyLogps) {
        const j = base + i - s;
        const k = base < 0 ? -1 : c.lpKind.a[j];
        if (k === LP_SUM) {
          pol![t] = c.lpPol.a[j]!;
          ref![t] = c.lpRef.a[j]!;
          t++;
        } else if (k === LP_TOKENS) {
          for (let x = c.tokOff.a[j]!; x < c.tokOff.a[j + 1]!; x++) {
            pol![t] = c.tokPol.a[x]!;
            ref![t] = c.tokRef.a[x]!;
            t++;
          }
        } else missing![u] = 1;
        tokOff![u + 1] = t;
      }
      u++;
    }
    offsets[g + 1] = u;
  }
  let rewards: Float64Array | undefined;
  if (anyLogps) {
    rewards = engine.implicitRewards(pol!, ref!, tokOff!, { beta: o.beta ?? 1, reduce: o.reduce ?? 'sum' });
    for (let i = 0; i < usable; i++) if (missing![i]) rewards[i] = Number.NaN;
  }
  return { promptIndex: c.index.values().slice(), offsets, scores, candidateIndex, rewards };
}

/** Pairs of one batch's candidate columns. */
export function pairsOfColumns(engine: GroupEngine, c: CandidateColumns, opts: PairsOptions & RewardOptions): ChunkPairs {
  return pairsForChunk(engine, chunkOfColumns(engine, c, opts), opts);
}

/** The columns of pair rows, in their fixed order (TRL's preference columns first, then pairsmith's). */
export const PAIR_COLUMNS = {
  prompt: new Column('prompt'),
  chosen: new Column('chosen'),
  rejected: new Column('rejected'),
  scoreChosen: new Column('score_chosen'),
  scoreRejected: new Column('score_rejected'),
  margin: new Column('margin'),
  promptIndex: new Column('prompt_index'),
  chosenIndex: new Column('chosen_index'),
  rejectedIndex: new Column('rejected_index'),
  strategy: new Column('strategy'),
  chosenPosition: new Column('chosen_position'),
  rejectedPosition: new Column('rejected_position'),
  implicitMargin: new Column('implicit_margin'),
};

/** The Parquet types of pair rows (`extra` columns follow). */
export function pairSchema(conversational: boolean, implicit: boolean, extra: readonly ColumnSpec[] = []): ColumnSpec[] {
  const t = conversational ? 'messages' : 'string';
  return [
    { name: 'prompt', type: t, nullable: false },
    { name: 'chosen', type: t, nullable: false },
    { name: 'rejected', type: t, nullable: false },
    { name: 'score_chosen', type: 'double' },
    { name: 'score_rejected', type: 'double' },
    { name: 'margin', type: 'double' },
    { name: 'prompt_index', type: 'int' },
    { name: 'chosen_index', type: 'int' },
    { name: 'rejected_index', type: 'int' },
    { name: 'strategy', type: 'string' },
    { name: 'chosen_position', type: 'string' },
    { name: 'rejected_position', type: 'string' },
    ...(implicit ? [{ name: 'implicit_margin', type: 'double' as const }] : []),
    ...extra,
  ];
}

/** What a pair row is made of: its batch, the batch's candidate columns and the pair (row i of `pairs`). */
export interface PairRowSource {
  batch: RecordBatch;
  columns: CandidateColumns;
  pairs: ChunkPairs;
}

/**
 * Writes the pair columns of pair i (without ending the row: the caller may add columns, then calls end()).
 * `conversational`: the file's text form; `implicit`: whether the file has the implicit_margin column.
 */
export function writePairColumns(b: RowBuilder, src: PairRowSource, i: number, conversational: boolean, implicit: boolean): void {
  const { batch, columns: c, pairs } = src;
  const r = pairs.rows;
  const g = r.group[i]!;
  const base = c.off.a[g]!;
  const form = conversational ? FORM_MESSAGES : FORM_STRING;
  const C = PAIR_COLUMNS;
  b.begin();
  b.key(C.prompt);
  b.cell(c.cells, c.prompt.a[g]!, batch.buf, 'prompt', form);
  b.key(C.chosen);
  b.cell(c.cells, c.resp.a[base + r.chosenIndex[i]!]!, batch.buf, 'response', form);
  b.key(C.rejected);
  b.cell(c.cells, c.resp.a[base + r.rejectedIndex[i]!]!, batch.buf, 'response', form);
  // Scores as written in the input (their number text) when read from it, else formatted.
  const ci = base + r.chosenIndex[i]!;
  const ri = base + r.rejectedIndex[i]!;
  b.key(C.scoreChosen);
  if (c.scoreS.a[ci]! >= 0) b.span(batch.buf, c.scoreS.a[ci]!, c.scoreE.a[ci]!, false);
  else b.num(r.scoreChosen[i]!);
  b.key(C.scoreRejected);
  if (c.scoreS.a[ri]! >= 0) b.span(batch.buf, c.scoreS.a[ri]!, c.scoreE.a[ri]!, false);
  else b.num(r.scoreRejected[i]!);
  b.key(C.margin);
  b.num(r.margin[i]!);
  b.key(C.promptIndex);
  b.int(r.promptIndex[i]!);
  b.key(C.chosenIndex);
  b.int(r.chosenIndex[i]!);
  b.key(C.rejectedIndex);
  b.int(r.rejectedIndex[i]!);
  b.key(C.strategy);
  b.str(r.strategy);
  b.key(C.chosenPosition);
  const cp = r.chosenPosition[i];
  if (cp) b.str(cp);
  else b.null();
  b.key(C.rejectedPosition);
  const rp = r.rejectedPosition[i];
  if (rp) b.str(rp);
  else b.null();
  if (implicit) {
    b.key(C.implicitMargin);
    b.num(r.implicitMargin && c.withLogps.a[g] ? r.implicitMargin[i]! : Number.NaN);
  }
}
