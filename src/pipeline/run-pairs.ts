// `pairs` as a library function: candidate sets -> one (or, with grid, up to 21) preference pairs per prompt,
// streamed batch by batch to a row sink. With rating-gap weights a first pass finds the mean gap (every pair's
// weight needs it) and a second pass writes the rows. Runtime neutral.
import type { FormatName } from '../io/types.js';
import type { Detection } from '../io/detect.js';
import type { Tally } from '../io/manifest.js';
import { Column } from '../io/encode.js';
import { chunkOfColumns, pairSchema, writePairColumns, type RewardOptions } from './candidates.js';
import { emptyReport, mergeReport, pairsForChunk, type PairsOptions } from './pairs.js';
import { constructReportJson } from './report-json.js';
import { RowEmitter, type RowSink } from './emit.js';
import type { GroupEngine } from './group-engine.js';
import { Job, type JobHooks, type JobInput, type ReadSettings } from './job.js';
import type { ReaderEngine } from '../io/reader.js';
import { UsageError } from './errors.js';
import { gapWeight, GapAccumulator } from './weights.js';

/** What every run returns: the counts, the format read, and the command's own report (the manifest's `report`). */
export interface RunResult {
  tally: Tally;
  format: FormatName | null;
  detected: Detection | undefined;
  report: Record<string, unknown>;
}

export type RunEngine = GroupEngine & ReaderEngine;

export interface PairsRunOptions extends PairsOptions, RewardOptions {
  /** Add `weight` = max(gap, 0) / mean max(gap, 0) (a first pass finds the mean). */
  weights?: 'rating-gap';
}

const WEIGHT = new Column('weight');

/** The error of pair construction on a pairs input. */
export function needCandidates(input: string, format: string): UsageError {
  return new UsageError(`${input}: this input holds pairs (format ${format}); pair construction needs candidate sets (formats candidates, onpolicy, ultrafeedback)`);
}

export async function runPairs(engine: RunEngine, input: JobInput, read: ReadSettings, o: PairsRunOptions, sink: RowSink, hooks: JobHooks = {}): Promise<RunResult> {
  const job = new Job(engine, input, read, hooks);
  const report = emptyReport();
  let meanGap = Number.NaN;
  let weightReport: Record<string, unknown> | undefined;
  if (o.weights) {
    // Pass 1: every record counted, the pairs' gaps accumulated; nothing written.
    const acc = new GapAccumulator();
    for await (const a of job.pass(true)) {
      if (a.kind !== 'candidates') throw needCandidates(input.name, job.format!);
      const res = pairsForChunk(engine, chunkOfColumns(engine, a.columns, o), o);
      count(job.tally, res);
      mergeReport(report, res.report);
      for (let i = 0; i < res.rows.n; i++) acc.add(res.rows.scoreChosen[i]! - res.rows.scoreRejected[i]!);
    }
    const w = acc.report();
    meanGap = w.meanGap;
    weightReport = { mean_gap: Number.isFinite(w.meanGap) ? w.meanGap : null, missing: w.missing, negative: w.negative };
  }
  const emitter = new RowEmitter(sink);
  let conversational: boolean | undefined;
  let implicit = false;
  for await (const a of job.pass(!o.weights)) {
    if (a.kind !== 'candidates') throw needCandidates(input.name, job.format!);
    const c = a.columns;
    if (c.groups === 0) continue;
    const res = pairsForChunk(engine, chunkOfColumns(engine, c, o), o);
    if (!o.weights) {
      count(job.tally, res);
      mergeReport(report, res.report);
    }
    if (conversational === undefined) {
      // The first batch with a record fixes the file's text form and columns.
      conversational = c.conversational.a[0] === 1;
      for (let g = 0; g < c.groups; g++) if (c.withLogps.a[g]) implicit = true;
      await emitter.columns(pairSchema(conversational, implicit, o.weights ? [{ name: 'weight', type: 'double' }] : []));
    }
    const src = { batch: a.batch, columns: c, pairs: res };
    const b = emitter.builder;
    for (let i = 0; i < res.rows.n; i++) {
      writePairColumns(b, src, i, conversational, implicit);
      if (o.weights) {
        b.key(WEIGHT);
        b.num(gapWeight(res.rows.scoreChosen[i]! - res.rows.scoreRejected[i]!, meanGap));
      }
      b.end();
      emitter.row();
    }
    await emitter.flush();
  }
  if (conversational === undefined) await emitter.columns(pairSchema(false, false, o.weights ? [{ name: 'weight', type: 'double' }] : []));
  return {
    tally: job.tally,
    format: job.format ?? null,
    detected: job.detected,
    report: { ...constructReportJson(report), ...(weightReport ? { weights: weightReport } : {}) },
  };
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
