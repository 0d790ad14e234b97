// `route` as a library function (MixDPO): small-margin pairs go to SFT on the chosen response, the rest to DPO, easy
// first. Pass 1 reads every pair's margin (counted; a pair without one is rejected), the routing runs on the
// margins, pass 2 writes each pair's row to a spool (a bucket sort by routed position) and the rows are then written in
// routed order. Runtime neutral.
import { Column, JsonlRowBuilder, ObjectRowBuilder, type RowSink } from '../io/encode.js';
import { ByteSink } from '../io/bytes.js';
import { growAll, GrowF64, GrowI32 } from '../io/grow.js';
import { Key, type Reject } from '../io/records.js';
import type { ColumnSpec } from '../io/rows.js';
import { BadRecordError } from '../io/types.js';
import { RowEmitter } from './emit.js';
import { Job, type JobHooks, type JobInput, type ReadSettings } from './job.js';
import { ColumnTypes, writePairRecordColumns } from './pair-records.js';
import { augmentedInput, routePairs, type RouteOptions } from './route.js';
import { needPairs } from './run-augment.js';
import type { RunResult } from './run-pairs.js';
import { sftSchema, writeObjectRow } from './run-select.js';
import { MemorySpool, type SpoolFactory } from '../io/spool.js';
import { Reorder } from './spool.js';
import type { RunEngine } from './tasks.js';

export interface RouteRunOptions extends RouteOptions {
  /** A numeric top-level field to route by (default: score_chosen - score_rejected). */
  marginField?: string;
  spool?: SpoolFactory;
}

const ROUTE = new Column('route');
const ROUTED = new Set(['route']);
/** The field augment adds to each of its two rows: routing such rows by margin would send every neg row to SFT. */
const GOAL_ROLE = new Key('goal_role');

export async function runRoute(engine: RunEngine, input: JobInput, read: ReadSettings, o: RouteRunOptions, sinks: { dpo: RowSink; sft: RowSink }, hooks: JobHooks = {}): Promise<RunResult> {
  // The adapter's rejects and the margin rejects of a batch go out together, in input order.
  const rejects: Reject[] = [];
  const flush = async (): Promise<void> => {
    if (rejects.length === 0) return;
    rejects.sort((x, y) => x.index - y.index);
    await hooks.rejects?.(rejects.splice(0));
  };
  const job = new Job(engine, input, read, { ...hooks, rejects: (rs) => void rejects.push(...rs) });
  const field = o.marginField !== undefined ? new Key(o.marginField) : undefined;
  const record = new GrowI32();
  const margin = new GrowF64();
  const types = new ColumnTypes();
  let conversational: boolean | undefined;
  // Pass 1: the margin of every pair (a pair without one is rejected: missing_field).
  for await (const a of job.pass(true)) {
    if (a.kind !== 'pairs') throw needPairs('route', input.name);
    const c = a.columns;
    // Sized once from the bytes read (as the selection's table), not doubled.
    growAll([record, margin], record.n + c.groups, job.expected(record.n + c.groups));
    for (let g = 0; g < c.groups; g++) {
      conversational ??= c.conversational.a[g] === 1;
      if (a.batch.member(c.rec.a[g]!, GOAL_ROLE) >= 0) throw augmentedInput(`${input.name}:${c.line.a[g]}`);
      let m = Number.NaN;
      if (field) {
        const k = a.batch.member(c.rec.a[g]!, field);
        if (k >= 0) m = a.batch.memberValue(k);
      } else m = c.scoreChosen.a[g]! - c.scoreRejected.a[g]!;
      if (!Number.isFinite(m)) {
        const f = o.marginField ?? 'score_chosen';
        const rej = a.batch.reject(c.rec.a[g]!, f, 'missing_field', `no numeric margin (${o.marginField ? `'${o.marginField}'` : 'score_chosen - score_rejected'})`);
        job.tally.reject('missing_field');
        if (read.onError === 'fail') throw new BadRecordError(rej);
        rejects.push(rej);
        continue;
      }
      record.push(c.index.a[g]!);
      margin.push(m);
      if (sinks.dpo.kind === 'objects') types.observeRecord(a.batch, c, g, ROUTED);
    }
    await flush();
  }
  await flush();
  const n = record.n;
  const r = routePairs(margin.values(), o);
  // Each pair's output and its position there (1 dpo, 2 sft).
  const where = new Uint8Array(n);
  const rank = new Int32Array(n);
  r.dpo.forEach((i, k) => ((where[i] = 1), (rank[i] = k)));
  r.sft.forEach((i, k) => ((where[i] = 2), (rank[i] = k)));
  for (let i = 0; i < n; i++) job.tally.written(1, where[i] === 1 ? 1 : 0);
  const form = conversational ?? false;
  const dpo = new RowEmitter(sinks.dpo);
  const sft = new RowEmitter(sinks.sft);
  const t = form ? 'messages' : 'string';
  const base: ColumnSpec[] = [...types.specs(), { name: 'prompt', type: t }, { name: 'chosen', type: t }, { name: 'rejected', type: t }, { name: 'score_chosen', type: 'double' }, { name: 'score_rejected', type: 'double' }];
  await dpo.columns([...base, { name: 'route', type: 'string' }]);
  await sft.columns(sftSchema(form, true));
  // Pass 2: each pair's row into the spool by its position, then the rows in routed order.
  const spool = (o.spool ?? (() => new MemorySpool()))();
  try {
    // The rows take about the input's bytes; each output gets its share.
    const share = (k: number): number => (n > 0 ? (job.bytesRead * k) / n : 0);
    const order = { 1: new Reorder(spool, r.dpo.length, share(r.dpo.length)), 2: new Reorder(spool, r.sft.length, share(r.sft.length)) };
    const sink = new ByteSink(1 << 16);
    const jb = new JsonlRowBuilder(sink);
    const obj = new ObjectRowBuilder(true);
    let i = 0;
    // An SFT row's pair_id: the pair's number among every pair read (those rejected for their margin too).
    let pairId = 0;
    for await (const a of job.pass(false)) {
      if (a.kind !== 'pairs') continue;
      const c = a.columns;
      for (let g = 0; g < c.groups && i < n; g++, pairId++) {
        if (c.index.a[g] !== record.a[i]) continue; // rejected for its margin
        if (where[i] === 1) {
          writePairRecordColumns(jb, a.batch, c, g, form, ROUTED);
          jb.key(ROUTE);
          jb.str('dpo');
          jb.end();
        } else {
          writePairRecordColumns(obj, a.batch, c, g, form, ROUTED);
          obj.end();
          const row = obj.take()[0]!;
          const s: Record<string, unknown> = { prompt: row.prompt, completion: row.chosen, margin: margin.a[i]! };
          s.prompt_index = typeof row.prompt_index === 'number' ? row.prompt_index : null;
          s.pair_id = pairId;
          s.route = 'sft';
          writeObjectRow(jb, s);
        }
        order[where[i] as 1 | 2].put(rank[i]!, sink.take());
        i++;
      }
    }
    await order[1].drain((row) => dpo.spooled(row));
    await order[2].drain((row) => sft.spooled(row));
    await dpo.flush();
    await sft.flush();
  } finally {
    spool.close();
  }
  return { tally: job.tally, format: job.format ?? null, detected: job.detected, report: { dpo: r.dpo.length, sft: r.sft.length, no_margin: job.tally.rejected.missing_field } };
}

