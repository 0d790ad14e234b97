// The selection step shared by select and curate, and writing arbitrary rows to a run's output.
import { DEFAULT_MARGIN_FIELDS, rowMargins, selectRows, weightRows, type Row } from '../pipeline/rows.js';
import { logitClamped } from '../pipeline/transform.js';
import type { DataRun } from './data-run.js';
import { CliError, EXIT } from './io.js';
import type { PairCliOptions, SelectCliOptions } from './pair-options.js';
import { resolveBy } from './pair-options.js';
import { inferSchema } from './row-input.js';
import { selectionLines, selectionReport } from './select-report.js';

export interface SelectStep {
  /** Output rows (kept only, or all with --all), annotated. */
  rows: Row[];
  /** Per input row: kept by the selection. */
  kept: boolean[];
  report: Record<string, unknown>;
  /** Per input row: the margins, the selection score and the kept rank (for curate --report). */
  margins: { external: Float64Array | null; implicit: Float64Array | null };
  score: Float64Array;
  rank: Int32Array;
}

export function selectStep(rows: readonly Row[], sel: SelectCliOptions, p: PairCliOptions): SelectStep {
  // --transform logit: the external margin is the gap of logit(clamp(p)) (judge probabilities); zscore needs
  // per-prompt statistics, which pair rows do not carry, so it leaves the raw gap.
  const tf = p.pairs.transform === 'logit' ? logitClamped : undefined;
  const margins = rowMargins(rows, DEFAULT_MARGIN_FIELDS, p.pairs.beta ?? 1, p.pairs.reduce ?? 'sum', tf);
  const by = resolveBy(sel.by, { external: margins.external !== null, implicit: margins.implicit !== null });
  let res;
  try {
    res = selectRows(rows, margins, { by, ...sel.select }, sel.all);
  } catch (e) {
    throw new CliError((e as Error).message.replace(/^pairsmith: /, ''), EXIT.USAGE);
  }
  const kept = Array.from(res.result.rank, (r) => r > 0);
  return { rows: res.rows, kept, report: selectionReport(by, res.result, margins), margins, score: res.result.score, rank: res.result.rank };
}

/** Adds rating-gap weights over `rows` (in place) and returns the weights report. */
export function weightStep(rows: Row[]): Record<string, unknown> {
  const gaps = rows.map((r) => (typeof r.score_chosen === 'number' && typeof r.score_rejected === 'number' ? r.score_chosen - r.score_rejected : Number.NaN));
  const w = weightRows(rows, gaps);
  return { formula: 'max(gap, 0) / mean(max(gap, 0))', mean_gap: w.meanGap, missing: w.missing, negative: w.negative };
}

/** Writes rows to the run's output (Parquet columns inferred from the rows). */
export async function writeRows(run: DataRun, rows: readonly Row[]): Promise<void> {
  const { schema, rows: fixed } = inferSchema(rows);
  const w = await run.openOutput(schema);
  const CHUNK = 5000;
  for (let i = 0; i < fixed.length; i += CHUNK) await w.write(fixed.slice(i, i + CHUNK));
}

/** Prints the selection report (--report) and writes it as JSON when a file is given. */
export async function emitReport(run: DataRun, report: Record<string, unknown>, opt: string | boolean | undefined, writeJson: (path: string, v: unknown) => Promise<void>): Promise<void> {
  if (opt === undefined || opt === false) return;
  for (const l of selectionLines(report)) run.ctx.info(l);
  if (typeof opt === 'string') await writeJson(opt, report);
}
