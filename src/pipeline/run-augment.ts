// `augment` as a library function: each scored pair becomes two goal-conditioned rows (reward-conditioned
// augmentation), streamed batch by batch. A Parquet sink first gets its column types from a pass over the input.
// Runtime neutral.
import { ObjectRowBuilder, type RowSink } from '../io/encode.js';
import type { ColumnSpec } from '../io/rows.js';
import { augmentInto, type AugmentOptions } from './augment.js';
import { batchRowBuilder, RowEmitter, rowsTransfer, type BatchRows } from './emit.js';
import { UsageError } from './errors.js';
import { Job, type JobHooks, type JobInput, type ReadSettings } from './job.js';
import { ColumnTypes, writePairRecordColumns } from './pair-records.js';
import type { RunResult } from './run-pairs.js';
import { BuilderOut } from './run-select.js';
import type { BatchPool, RunEngine, Stage } from './tasks.js';

const NONE = new Set<string>();
const ADDED = new Set(['pair_id', 'goal_role', 'goal']);

export function needPairs(command: string, input: string): UsageError {
  return new UsageError(`${input}: ${command} takes preference pairs; the input holds candidate sets (run pairs first)`);
}

/** The plan of an augment pass (clonable). */
interface AugmentPlan {
  o: AugmentOptions;
  sink: 'jsonl' | 'objects';
  file: string;
  /** The file's text form, fixed by its first pair. */
  conversational?: boolean;
}

interface AugmentBatch {
  rows: BatchRows;
  augmented: number;
  dropped: Record<string, number>;
}

const rowBuilders: Parameters<typeof batchRowBuilder>[0] = {};

export const augmentStage: Stage<AugmentPlan, AugmentBatch | null> = {
  name: 'augment',
  ready: (plan) => plan.conversational !== undefined,
  settle(a, plan) {
    if (a.kind !== 'pairs' || a.columns.groups === 0) return;
    plan.conversational = a.columns.conversational.a[0] === 1;
  },
  run(_engine, a, plan, tally) {
    if (a.kind !== 'pairs') throw needPairs('augment', plan.file);
    const c = a.columns;
    if (c.groups === 0) return null;
    const obj = new ObjectRowBuilder(true);
    const rb = batchRowBuilder(rowBuilders, plan.sink);
    const rows = new BuilderOut(rb.builder);
    const out: AugmentBatch = { rows: { n: 0 }, augmented: 0, dropped: {} };
    for (let g = 0; g < c.groups; g++) {
      writePairRecordColumns(obj, a.batch, c, g, plan.conversational!, NONE);
      obj.end();
      const row = obj.take()[0]!;
      let drop;
      try {
        drop = augmentInto(row, c.index.a[g]!, plan.o, rows);
      } catch (e) {
        throw new UsageError(`${plan.file}:${c.line.a[g]}: ${(e as Error).message.replace(/^pairsmith: /, '')}`);
      }
      if (drop === null) {
        rb.row();
        rb.row();
        out.augmented++;
        tally.written(2, 2);
      } else {
        tally.noPairFor(drop);
        out.dropped[drop] = (out.dropped[drop] ?? 0) + 1;
      }
    }
    out.rows = rb.take();
    return out;
  },
  transfer: (r) => rowsTransfer(r?.rows),
};

export async function runAugment(engine: RunEngine, input: JobInput, read: ReadSettings, o: AugmentOptions, sink: RowSink, hooks: JobHooks = {}, pool?: BatchPool): Promise<RunResult> {
  // Half-size batches: a batch's rows are 2.7 times its bytes, and each thread holds a few batches of rows.
  const job = new Job(engine, input, { batchBytes: 1 << 19, ...read }, hooks, pool);
  const emitter = new RowEmitter(sink);
  let conversational: boolean | undefined;
  if (sink.kind === 'objects') {
    // Typed columns: a first (uncounted) pass finds the input's columns and their types.
    const types = new ColumnTypes();
    for await (const a of job.pass(false)) {
      if (a.kind !== 'pairs') throw needPairs('augment', input.name);
      for (let g = 0; g < a.columns.groups; g++) {
        conversational ??= a.columns.conversational.a[g] === 1;
        types.observeRecord(a.batch, a.columns, g, ADDED);
      }
    }
    const t = conversational ? 'messages' : 'string';
    const cols: ColumnSpec[] = [
      ...types.specs(),
      { name: 'prompt', type: t },
      { name: 'chosen', type: t },
      { name: 'rejected', type: t },
      { name: 'score_chosen', type: 'double' },
      { name: 'score_rejected', type: 'double' },
      { name: 'pair_id', type: 'int' },
      { name: 'goal_role', type: 'string' },
      { name: 'goal', type: 'double' },
    ];
    await emitter.columns(cols);
    conversational = undefined;
  }
  let augmented = 0;
  const dropped: Record<string, number> = {};
  for await (const r of job.run(augmentStage, { o, sink: sink.kind, file: input.name })) {
    if (!r) continue;
    augmented += r.augmented;
    for (const [k, v] of Object.entries(r.dropped)) dropped[k] = (dropped[k] ?? 0) + v;
    await emitter.write(r.rows);
  }
  return { tally: job.tally, format: job.format ?? null, detected: job.detected, report: { augmented_pairs: augmented, rows: 2 * augmented, dropped } };
}
