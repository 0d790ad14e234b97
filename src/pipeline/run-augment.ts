// `augment` as a library function: each scored pair becomes two goal-conditioned rows (reward-conditioned
// augmentation), streamed batch by batch. A Parquet sink first gets its column types from a pass over the input.
// Runtime neutral.
import { ObjectRowBuilder, type RowSink } from '../io/encode.js';
import type { ColumnSpec } from '../io/rows.js';
import { augmentRow, type AugmentOptions } from './augment.js';
import { RowEmitter } from './emit.js';
import { UsageError } from './errors.js';
import { Job, type JobHooks, type JobInput, type ReadSettings } from './job.js';
import { ColumnTypes, writePairRecordColumns } from './pair-records.js';
import type { RunResult } from './run-pairs.js';
import { writeObjectRow } from './run-select.js';
import type { RunEngine } from './tasks.js';

const NONE = new Set<string>();
const ADDED = new Set(['pair_id', 'goal_role', 'goal']);

export function needPairs(command: string, input: string): UsageError {
  return new UsageError(`${input}: ${command} takes preference pairs; the input holds candidate sets (run pairs first)`);
}

export async function runAugment(engine: RunEngine, input: JobInput, read: ReadSettings, o: AugmentOptions, sink: RowSink, hooks: JobHooks = {}): Promise<RunResult> {
  const job = new Job(engine, input, read, hooks);
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
  const obj = new ObjectRowBuilder();
  let augmented = 0;
  const dropped: Record<string, number> = {};
  for await (const a of job.pass(true)) {
    if (a.kind !== 'pairs') throw needPairs('augment', input.name);
    const c = a.columns;
    for (let g = 0; g < c.groups; g++) {
      conversational ??= c.conversational.a[g] === 1;
      writePairRecordColumns(obj, a.batch, c, g, conversational, NONE);
      obj.end();
      const row = obj.take()[0]!;
      let res;
      try {
        res = augmentRow(row, c.index.a[g]!, o);
      } catch (e) {
        throw new UsageError(`${input.name}:${c.line.a[g]}: ${(e as Error).message.replace(/^pairsmith: /, '')}`);
      }
      if ('rows' in res) {
        for (const r of res.rows) {
          writeObjectRow(emitter.builder, r);
          emitter.row();
        }
        augmented++;
        job.tally.written(2, 2);
      } else {
        job.tally.noPairFor(res.drop);
        dropped[res.drop] = (dropped[res.drop] ?? 0) + 1;
      }
    }
    await emitter.flush();
  }
  return { tally: job.tally, format: job.format ?? null, detected: job.detected, report: { augmented_pairs: augmented, rows: 2 * augmented, dropped } };
}
