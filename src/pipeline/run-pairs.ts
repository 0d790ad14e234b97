// `pairs` as a library function: candidate sets -> one (or, with grid, up to 21) preference pairs per prompt,
// streamed batch by batch to a row sink. With rating-gap weights a first pass finds the mean gap (every pair's
// weight needs it) and a second pass writes the rows. Each batch's pairs and rows are built by pairsStage, on this
// thread or in a pool's workers. Runtime neutral.
import type { FormatName } from '../io/types.js';
import type { Detection } from '../io/detect.js';
import type { Tally } from '../io/manifest.js';
import { Column } from '../io/encode.js';
import { chunkOfColumns, pairSchema, writePairColumns, type RewardOptions } from './candidates.js';
import { emptyReport, mergeReport, pairsForChunk, type PairsOptions } from './pairs.js';
import type { ConstructReport } from './construct.js';
import type { ColumnSpec } from '../io/rows.js';
import { constructReportJson } from './report-json.js';
import { batchRowBuilder, RowEmitter, rowsTransfer, type BatchRows, type RowSink } from './emit.js';
import { Job, type JobHooks, type JobInput, type ReadSettings } from './job.js';
import type { AdaptedBatch, BatchPool, Stage } from './tasks.js';
import { UsageError } from './errors.js';
import { gapWeight, GapAccumulator } from './weights.js';

/** What every run returns: the counts, the format read, and the command's own report (the manifest's `report`). */
export interface RunResult {
  tally: Tally;
  format: FormatName | null;
  detected: Detection | undefined;
  report: Record<string, unknown>;
}

export type { RunEngine } from './tasks.js';
import type { RunEngine } from './tasks.js';

export interface PairsRunOptions extends PairsOptions, RewardOptions {
  /** Add `weight` = max(gap, 0) / mean max(gap, 0) (a first pass finds the mean). */
  weights?: 'rating-gap';
}

const WEIGHT = new Column('weight');

/** The error of pair construction on a pairs input. */
export function needCandidates(input: string, format: string): UsageError {
  return new UsageError(`${input}: this input holds pairs (format ${format}); pair construction needs candidate sets (formats candidates, onpolicy, ultrafeedback)`);
}

/** The plan of a pairs pass (clonable: it travels to the workers). */
export interface PairsPlan {
  o: PairsRunOptions;
  /** Build the rows (else only count and collect the gaps of the weights' first pass). */
  write: boolean;
  sink: 'jsonl' | 'objects';
  /** The weights' normaliser (from the first pass). */
  meanGap: number;
  /** The file's text form and implicit-margin column, fixed by its first candidate set. */
  conversational?: boolean;
  implicit?: boolean;
}

/** A pairs pass's result for one batch. */
export interface PairsBatch {
  report: ConstructReport;
  /** The gap (score_chosen - score_rejected) of each pair (the weights' first pass). */
  gaps?: Float64Array;
  rows?: BatchRows;
  /** With rows: the file's text form and implicit-margin column (for the schema). */
  conversational?: boolean;
  implicit?: boolean;
}

const rowBuilders: Parameters<typeof batchRowBuilder>[0] = {};

/**
 * Which text form a file's rows have and whether they have implicit_margin: decided by its first candidate set (not
 * by a batch, so batch sizes, threads and shards give the same rows).
 */
export function settleForm(a: AdaptedBatch, plan: { conversational?: boolean; implicit?: boolean }): void {
  if (a.kind !== 'candidates' || a.columns.groups === 0) return;
  const c = a.columns;
  plan.conversational = c.conversational.a[0] === 1;
  plan.implicit = c.withLogps.a[0] === 1;
}

export const pairsStage: Stage<PairsPlan, PairsBatch> = {
  name: 'pairs',
  ready: (plan) => plan.conversational !== undefined,
  settle: settleForm,
  run(engine, a, plan, tally) {
    if (a.kind !== 'candidates') throw needCandidates(a.batch.file, a.format);
    const c = a.columns;
    if (c.groups === 0) return { report: emptyReport() };
    const o = plan.o;
    const res = pairsForChunk(engine, chunkOfColumns(engine, c, o), o);
    count(tally, res);
    const out: PairsBatch = { report: res.report };
    if (!plan.write) {
      out.gaps = Float64Array.from({ length: res.rows.n }, (_, i) => res.rows.scoreChosen[i]! - res.rows.scoreRejected[i]!);
      return out;
    }
    const rb = batchRowBuilder(rowBuilders, plan.sink);
    const b = rb.builder;
    const src = { batch: a.batch, columns: c, pairs: res };
    for (let i = 0; i < res.rows.n; i++) {
      writePairColumns(b, src, i, plan.conversational!, plan.implicit!);
      if (o.weights) {
        b.key(WEIGHT);
        b.num(gapWeight(res.rows.scoreChosen[i]! - res.rows.scoreRejected[i]!, plan.meanGap));
      }
      b.end();
      rb.row();
    }
    out.rows = rb.take();
    out.conversational = plan.conversational;
    out.implicit = plan.implicit;
    return out;
  },
  transfer: (r) => [...rowsTransfer(r.rows), ...(r.gaps ? [r.gaps.buffer as ArrayBuffer] : [])],
};

export async function runPairs(engine: RunEngine, input: JobInput, read: ReadSettings, o: PairsRunOptions, sink: RowSink, hooks: JobHooks = {}, pool?: BatchPool): Promise<RunResult> {
  const job = new Job(engine, input, read, hooks, pool);
  try {
    const report = emptyReport();
    const extra: ColumnSpec[] = o.weights ? [{ name: 'weight', type: 'double' }] : [];
    const options = pairsOptions(o);
    let meanGap = Number.NaN;
    let weightReport: Record<string, unknown> | undefined;
    if (o.weights) {
      // Pass 1: every record counted, the pairs' gaps accumulated; nothing written.
      const acc = new GapAccumulator();
      for await (const r of job.run(pairsStage, { o: options, write: false, sink: sink.kind, meanGap })) {
        mergeReport(report, r.report);
        for (const g of r.gaps ?? []) acc.add(g);
      }
      const w = acc.report();
      meanGap = w.meanGap;
      weightReport = { mean_gap: Number.isFinite(w.meanGap) ? w.meanGap : null, missing: w.missing, negative: w.negative };
    }
    const emitter = new RowEmitter(sink);
    for await (const r of job.run(pairsStage, { o: options, write: true, sink: sink.kind, meanGap }, { count: !o.weights })) {
      if (!o.weights) mergeReport(report, r.report);
      if (!r.rows) continue;
      await emitter.columns(pairSchema(r.conversational === true, r.implicit === true, extra));
      await emitter.write(r.rows);
    }
    await emitter.columns(pairSchema(false, false, extra));
    return {
      tally: job.tally,
      format: job.format ?? null,
      detected: job.detected,
      report: { ...constructReportJson(report), ...(weightReport ? { weights: weightReport } : {}) },
    };
  } finally {
    job.free();
  }
}

/** The clonable options of a pairs pass (no functions). */
function pairsOptions(o: PairsRunOptions): PairsRunOptions {
  const { strategy, chosen, rejected, std, minGap, keepTies, fallback, seed, transform, beta, reduce, weights, rejectedMinOfK, gridArms } = o;
  return { strategy, chosen, rejected, std, minGap, keepTies, fallback, seed, transform, beta, reduce, weights, rejectedMinOfK, gridArms };
}

/** Counts each group's outcome: its pairs written, or why it has none; transform exclusions too. */
export function count(tally: Tally, res: ReturnType<typeof pairsForChunk>): void {
  if (res.outOfRange > 0) tally.exclude('score_out_of_range', res.outOfRange);
  for (let g = 0; g < res.groupPairs.length; g++) {
    const k = res.groupPairs[g]!;
    if (k > 0) tally.written(k, k);
    else tally.noPairFor(res.noPair[g] ?? 'no_pair');
  }
}
