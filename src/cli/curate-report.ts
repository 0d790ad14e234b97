// `curate --report report.html`: the HTML report as part of the main job. curate's `--report [file]` writes
// select's kept-vs-dropped JSON; a file ending in .html or .htm gets this page instead. The pools are collected
// from the candidate records as curate reads them (scores only), the pairs are curate's ranked rows.
import type { CandidateColumns } from '../io/adapt.js';
import type { RecordBatch } from '../io/records.js';
import type { PairRowInput, PoolKernels, PromptPool, RoutingSection } from '../report/index.js';
import type { CliContext } from './context.js';
import { pairRowFromObject, poolOf, type ScoreTransform, transformScore } from './report-read.js';
import { writeHtmlReport } from './report-write.js';

/** The HTML report path when `--report` names an .html/.htm file (else undefined: the JSON summary stays). */
export function htmlReportPath(report: string | boolean | undefined): string | undefined {
  return typeof report === 'string' && /\.html?$/i.test(report) ? report : undefined;
}

/** Collects report pools from the candidate columns curate reads. */
export class PoolCollector {
  readonly pools: PromptPool[] = [];
  constructor(readonly transform: ScoreTransform) {}

  add(batch: RecordBatch, c: CandidateColumns): void {
    for (let g = 0; g < c.groups; g++) this.pools.push(poolOf(batch, c, g, this.transform, () => {}));
  }
}

/** Per constructed pair (same order as `rows`): the margins, the selection score and the 1-based kept rank (0 = dropped). */
export interface CurateSelection {
  external?: ArrayLike<number> | null;
  implicit?: ArrayLike<number> | null;
  score: ArrayLike<number>;
  rank: ArrayLike<number>;
}

export interface CurateReportInput {
  pools: PromptPool[];
  /** Every pair curate constructed (prompt_index, chosen_index, rejected_index, scores), kept or not. */
  rows: readonly Record<string, unknown>[];
  /** The selection over `rows`, when it ran. */
  selection?: CurateSelection;
  /** The `--by` curate ranked with. */
  by?: string;
  routing?: RoutingSection;
  manifest: Record<string, unknown>;
  input: string;
  transform: string;
  kernels: PoolKernels;
}

/** The report rows of curate's pairs, with the selection's per-pair margins, score and kept flag. */
export function pairRowsOf(rows: readonly Record<string, unknown>[], sel?: CurateSelection): PairRowInput[] {
  const v = (a: ArrayLike<number> | null | undefined, i: number): number | null => {
    const x = a?.[i];
    return x !== undefined && Number.isFinite(x) ? x : null;
  };
  return rows.map((r, i) => {
    const row = pairRowFromObject(r);
    if (!sel) return row;
    return { ...row, margin: v(sel.external, i) ?? row.margin, implicitMargin: v(sel.implicit, i), selectionScore: v(sel.score, i), selected: sel.rank[i] ?? 0 };
  });
}

/** Writes the report of one curate run; returns where it went. */
export async function writeCurateReport(ctx: CliContext, path: string, c: CurateReportInput): Promise<string> {
  // The report's analysis scale: logit as curate used it; zscore is affine per prompt, so raw scores are shown.
  const t: ScoreTransform = c.transform === 'logit' ? 'logit' : 'none';
  const { where } = await writeHtmlReport(
    ctx,
    path,
    {
      pools: c.pools.length > 0 ? c.pools : undefined,
      pairRows: pairRowsOf(c.rows, c.selection),
      transform: (x) => transformScore(x, t),
      selectionBy: c.by,
      routing: c.routing,
      manifest: { curate: c.manifest },
    },
    {
      title: 'pairsmith curate report',
      sources: [c.input],
      generatedAt: (ctx.io.now?.() ?? new Date()).toISOString(),
      scoreLabel: t === 'logit' ? 'logit(score)' : 'score',
      rawLabel: t === 'logit' ? 'score' : undefined,
      kernels: c.kernels,
    },
  );
  return where;
}
