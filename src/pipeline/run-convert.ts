// `convert` as a library function: candidate sets or pairs -> TRL (standard or conversational), KTO unpaired,
// candidates, onpolicy or HH rows. A candidate set becomes its max-vs-min pair for the pair targets (first index wins
// ties; all scores equal: a no-pair outcome). Text is copied as written where the target keeps its form.
// Runtime neutral.
import type { CandidateColumns, PairColumns } from '../io/adapt.js';
import { EX_NONE } from '../io/adapt.js';
import { FORM_MESSAGES, FORM_STRING, type Cells } from '../io/cells.js';
import { cellValue, Column, type RowBuilder } from '../io/encode.js';
import type { RecordBatch } from '../io/records.js';
import { candidatesSchema, hhRow, hhSchema, ktoSchema, onpolicySchema, trlSchema, type ColumnSpec, type Target } from '../io/rows.js';
import { HH_ASSISTANT, promptMessages, promptString, responseMessages, responseString } from '../io/text.js';
import type { Text } from '../io/types.js';
import { batchRowBuilder, RowEmitter, rowsTransfer, type BatchRows, type RowSink } from './emit.js';
import { Job, type JobHooks, type JobInput, type ReadSettings } from './job.js';
import type { RunResult } from './run-pairs.js';
import type { BatchPool, RunEngine, Stage } from './tasks.js';

const K = (n: string) => new Column(n);
const C = {
  prompt: K('prompt'),
  chosen: K('chosen'),
  rejected: K('rejected'),
  scoreChosen: K('score_chosen'),
  scoreRejected: K('score_rejected'),
  completion: K('completion'),
  label: K('label'),
  id: K('id'),
  responses: K('responses'),
  scores: K('scores'),
  promptId: K('prompt_id'),
  allResponses: K('all_generated_responses'),
  allScores: K('all_rm_scores'),
};

function schemaFor(to: Target, conversational: boolean, withScores: boolean): ColumnSpec[] {
  switch (to) {
    case 'trl':
      return trlSchema(false, withScores);
    case 'trl-conversational':
      return trlSchema(true, withScores);
    case 'kto':
      return ktoSchema(conversational);
    case 'candidates':
      return candidatesSchema(conversational);
    case 'onpolicy':
      return onpolicySchema(conversational);
    case 'hh-rlhf':
      return hhSchema();
  }
}

/** A pair to write: text cells of one batch and its scores (NaN: absent or excluded). */
interface PairCells {
  cells: Cells;
  prompt: number;
  chosen: number;
  rejected: number;
  scoreChosen: number;
  scoreRejected: number;
}

/**
 * A response as a message list after an HH prompt ("...\n\nAssistant:"): the space that followed the marker in a
 * string response is dropped, as a message of its own does not start with it.
 */
function replyMessages(prompt: Text, t: Text): Text {
  if (typeof prompt === 'string' && typeof t === 'string' && prompt.endsWith(HH_ASSISTANT) && t.startsWith(' ')) return responseMessages(t.slice(1));
  return responseMessages(t);
}

/** Writes the rows of one pair for a pair target; returns the number of rows. */
function writePair(b: RowBuilder, buf: Uint8Array, p: PairCells, to: Target, conversational: boolean, withScores: boolean): number {
  const form = conversational ? FORM_MESSAGES : FORM_STRING;
  if (to === 'trl' || to === 'trl-conversational') {
    b.begin();
    b.key(C.prompt);
    b.cell(p.cells, p.prompt, buf, 'prompt', form);
    if (to === 'trl-conversational') {
      const prompt = cellValue(p.cells, p.prompt, buf) as Text;
      b.key(C.chosen);
      b.value(replyMessages(prompt, cellValue(p.cells, p.chosen, buf) as Text));
      b.key(C.rejected);
      b.value(replyMessages(prompt, cellValue(p.cells, p.rejected, buf) as Text));
    } else {
      b.key(C.chosen);
      b.cell(p.cells, p.chosen, buf, 'response', form);
      b.key(C.rejected);
      b.cell(p.cells, p.rejected, buf, 'response', form);
    }
    if (withScores) {
      b.key(C.scoreChosen);
      b.num(p.scoreChosen);
      b.key(C.scoreRejected);
      b.num(p.scoreRejected);
    }
    b.end();
    return 1;
  }
  if (to === 'kto') {
    const prompt = cellValue(p.cells, p.prompt, buf) as Text;
    for (const [cell, label] of [
      [p.chosen, true],
      [p.rejected, false],
    ] as const) {
      b.begin();
      b.key(C.prompt);
      b.value(conversational ? promptMessages(prompt) : promptString(prompt));
      b.key(C.completion);
      const t = cellValue(p.cells, cell, buf) as Text;
      b.value(conversational ? replyMessages(prompt, t) : responseString(t));
      b.key(C.label);
      b.bool(label);
      b.end();
    }
    return 2;
  }
  // hh-rlhf
  const row = hhRow({ prompt: cellValue(p.cells, p.prompt, buf) as Text, chosen: cellValue(p.cells, p.chosen, buf) as Text, rejected: cellValue(p.cells, p.rejected, buf) as Text });
  b.begin();
  b.key(C.chosen);
  b.str(row.chosen as string);
  b.key(C.rejected);
  b.str(row.rejected as string);
  b.end();
  return 1;
}

/** A candidates / onpolicy row from text cells, scores (NaN: null) and an id cell (-1: none). */
function writeCandidates(b: RowBuilder, buf: Uint8Array, cells: Cells, id: number, prompt: number, resp: readonly number[], scores: readonly number[], to: Target, conversational: boolean): void {
  const form = conversational ? FORM_MESSAGES : FORM_STRING;
  const onpolicy = to === 'onpolicy';
  b.begin();
  b.key(onpolicy ? C.promptId : C.id);
  if (id < 0) b.null();
  else b.str(String(cellValue(cells, id, buf)));
  b.key(C.prompt);
  b.cell(cells, prompt, buf, 'prompt', form);
  b.key(onpolicy ? C.allResponses : C.responses);
  b.value(resp.map((c) => {
    const t = cellValue(cells, c, buf) as Text;
    return conversational ? responseMessages(t) : responseString(t);
  }));
  b.key(onpolicy ? C.allScores : C.scores);
  b.value(scores.map((x) => (Number.isFinite(x) ? x : null)));
  b.end();
}

export interface ConvertRunOptions {
  to: Target;
}

/** The plan of a convert pass (clonable). */
interface ConvertPlan {
  to: Target;
  sink: 'jsonl' | 'objects';
  /** The file's text form and whether rows have scores: fixed by its first record (settle). */
  conversational?: boolean;
  withScores?: boolean;
}

interface ConvertBatch {
  rows: BatchRows;
  conversational?: boolean;
  withScores?: boolean;
}

const rowBuilders: Parameters<typeof batchRowBuilder>[0] = {};

export const convertStage: Stage<ConvertPlan, ConvertBatch | null> = {
  name: 'convert',
  ready: (plan) => plan.conversational !== undefined,
  settle(a, plan) {
    if (a.columns.groups === 0) return;
    const to = plan.to;
    // The first record fixes the column types (kto/candidates/onpolicy follow the input's text form).
    const conv = a.columns.conversational.a[0] === 1;
    plan.conversational = to === 'kto' || to === 'candidates' || to === 'onpolicy' ? conv : to === 'trl-conversational';
    plan.withScores = a.kind === 'candidates' ? true : a.columns.hasScoreChosen.a[0] === 1 || a.columns.hasScoreRejected.a[0] === 1;
  },
  run(_engine, a, plan, tally) {
    if (a.columns.groups === 0) return null;
    const to = plan.to;
    const conversational = plan.conversational!;
    const withScores = plan.withScores!;
    const pairTarget = to === 'trl' || to === 'trl-conversational' || to === 'kto' || to === 'hh-rlhf';
    const pairsPerRow = to === 'trl' || to === 'trl-conversational' || to === 'hh-rlhf' ? 1 : 0;
    const rb = batchRowBuilder(rowBuilders, plan.sink);
    const b = rb.builder;
    const buf = a.batch.buf;
    const written = (rows: number, pairs: number): void => {
      tally.written(rows, pairs);
      for (let r = 0; r < rows; r++) rb.row();
    };
    if (a.kind === 'candidates') {
      const c: CandidateColumns = a.columns;
      for (let g = 0; g < c.groups; g++) {
        const s0 = c.off.a[g]!;
        const s1 = c.off.a[g + 1]!;
        if (!pairTarget) {
          writeCandidates(b, buf, c.cells, c.id.a[g]!, c.prompt.a[g]!, Array.from(c.resp.a.subarray(s0, s1)), Array.from(c.score.a.subarray(s0, s1)), to, conversational);
          written(1, 0);
          continue;
        }
        // The max-vs-min pair (first index wins ties).
        let hi = -1;
        let lo = -1;
        for (let i = s0; i < s1; i++) {
          if (c.excl.a[i] !== EX_NONE) continue;
          if (hi < 0 || c.score.a[i]! > c.score.a[hi]!) hi = i;
          if (lo < 0 || c.score.a[i]! < c.score.a[lo]!) lo = i;
        }
        if (hi < 0 || lo < 0 || c.score.a[hi] === c.score.a[lo]) {
          tally.noPairFor('all_scores_equal');
          continue;
        }
        const rows = writePair(b, buf, { cells: c.cells, prompt: c.prompt.a[g]!, chosen: c.resp.a[hi]!, rejected: c.resp.a[lo]!, scoreChosen: c.score.a[hi]!, scoreRejected: c.score.a[lo]! }, to, conversational, withScores);
        written(rows, pairsPerRow * rows);
      }
    } else {
      const c: PairColumns = a.columns;
      for (let g = 0; g < c.groups; g++) {
        if (!pairTarget) {
          writeCandidates(b, buf, c.cells, c.id.a[g]!, c.prompt.a[g]!, [c.chosen.a[g]!, c.rejected.a[g]!], [c.scoreChosen.a[g]!, c.scoreRejected.a[g]!], to, conversational);
          written(1, 0);
          continue;
        }
        const rows = writePair(b, buf, { cells: c.cells, prompt: c.prompt.a[g]!, chosen: c.chosen.a[g]!, rejected: c.rejected.a[g]!, scoreChosen: c.scoreChosen.a[g]!, scoreRejected: c.scoreRejected.a[g]! }, to, conversational, withScores);
        written(rows, pairsPerRow * rows);
      }
    }
    return { rows: rb.take(), conversational, withScores };
  },
  transfer: (r) => rowsTransfer(r?.rows),
};

export async function runConvert(engine: RunEngine, input: JobInput, read: ReadSettings, o: ConvertRunOptions, sink: RowSink, hooks: JobHooks = {}, pool?: BatchPool): Promise<RunResult> {
  const job = new Job(engine, input, read, hooks, pool);
  try {
    const emitter = new RowEmitter(sink);
    for await (const r of job.run(convertStage, { to: o.to, sink: sink.kind })) {
      if (!r) continue;
      await emitter.columns(schemaFor(o.to, r.conversational!, r.withScores!));
      await emitter.write(r.rows);
    }
    await emitter.columns(schemaFor(o.to, o.to === 'trl-conversational', false));
    return { tally: job.tally, format: job.format ?? null, detected: job.detected, report: {} };
  } finally {
    job.free();
  }
}
