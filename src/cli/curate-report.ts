// `curate --report report.html`: the HTML report as part of the main job. curate's `--report [file]` writes
// select's kept-vs-dropped JSON; a file ending in .html or .htm gets this page instead. The candidate sets and the
// pairs curate builds from them stream into a ReportCollector batch by batch (pairs first, so each is joined to
// its pool); the selection and routing are added at the end, and the rejected records are read back
// from the committed run's rejects file (the first 50).
import { createReadStream, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { CandidateColumns } from '../io/adapt.js';
import type { RecordBatch } from '../io/records.js';
import type { ChunkPairs } from '../pipeline/pairs.js';
import { pairColumnsOfPairs, poolChunkOfColumns } from '../pipeline/report-feed.js';
import { pairColumnsOf, ReportCollector, type RejectInfo, type ReportKernels, type RoutingSection } from '../report/index.js';
import type { CliContext } from './context.js';
import { pairRowFromObject, scaleLabels, transformClamps, transformScore, type ScoreTransform } from './report-read.js';
import { writeHtmlReport } from './report-write.js';

/** The HTML report path when `--report` names an .html/.htm file (else undefined: the JSON summary stays). */
export function htmlReportPath(report: string | boolean | undefined): string | undefined {
  return typeof report === 'string' && /\.html?$/i.test(report) ? report : undefined;
}

/** Feeds a ReportCollector from the candidate sets curate reads and the pairs it builds from them (pass 1). */
export class PoolCollector {
  readonly collector: ReportCollector;

  constructor(
    readonly transform: ScoreTransform,
    engine: ReportKernels,
  ) {
    this.collector = new ReportCollector(engine, { pairsFrom: 'rows' });
  }

  /** One batch: its pairs first (the collector joins each row to its prompt's pool when the pool arrives). */
  add(batch: RecordBatch, columns: CandidateColumns, pairs: ChunkPairs): void {
    if (pairs.rows.n > 0) this.collector.addPairs(pairColumnsOfPairs(batch, columns, pairs, this.transform));
    if (columns.groups > 0) this.collector.addPools(poolChunkOfColumns(batch, columns, this.transform));
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
  collector: PoolCollector;
  /** Every pair curate constructed (prompt_index, chosen_index, rejected_index, scores), kept or not. */
  rows: readonly Record<string, unknown>[];
  /** The selection over `rows`, when it ran. */
  selection?: CurateSelection;
  /** The `--by` curate ranked with (as resolved). */
  by?: string;
  routing?: RoutingSection;
  manifest: Record<string, unknown>;
  input: string;
  transform: string;
}

/** The first `n` records of a rejects file (`<out>.rejects.jsonl`), as listed on the page. */
export async function readRejectsHead(path: string, n = 50): Promise<RejectInfo[]> {
  if (!existsSync(path)) return [];
  const out: RejectInfo[] = [];
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (out.length >= n) break;
      if (line.trim() === '') continue;
      try {
        const r = JSON.parse(line) as Record<string, unknown>;
        out.push({ file: String(r.file ?? ''), line: Number(r.line ?? 0), field: typeof r.field === 'string' ? r.field : null, reason: String(r.reason ?? ''), detail: String(r.detail ?? '') });
      } catch {
        // A rejects file is written by pairsmith; a line that does not parse is skipped.
      }
    }
  } finally {
    lines.close();
  }
  return out;
}

/** Writes the report of one curate run; returns where it went. */
export async function writeCurateReport(ctx: CliContext, path: string, c: CurateReportInput): Promise<string> {
  const col = c.collector.collector;
  // A pairs input reaches curate without the builder: its rows are added here (no pools to join).
  if (col.pairs.n === 0 && c.rows.length > 0) col.addPairs(pairColumnsOf(c.rows.map((r) => pairRowFromObject(r)), (x) => transformScore(x, c.collector.transform)));
  const sel = c.selection;
  if (sel) {
    col.setSelection({
      length: c.rows.length,
      ...(sel.external ? { margin: sel.external } : {}),
      ...(sel.implicit ? { implicitMargin: sel.implicit } : {}),
      selectionScore: sel.score,
      selected: sel.rank,
    });
  }
  const m = c.manifest;
  const records = (m.records ?? {}) as { rejected?: number };
  if (typeof m.rejects === 'string') {
    const head = await readRejectsHead(resolve(ctx.io.cwd ?? process.cwd(), m.rejects));
    col.addRejects(head, Math.max(0, (records.rejected ?? head.length) - head.length));
  }
  // The report's analysis scale: logit as curate used it; zscore is affine per prompt, so raw scores are shown.
  const t: ScoreTransform = c.transform === 'logit' ? 'logit' : 'none';
  const data = col.finish({
    title: 'pairsmith curate report',
    sources: [c.input],
    generatedAt: (ctx.io.now?.() ?? new Date()).toISOString(),
    ...scaleLabels(t),
    clamps: transformClamps(t),
    selectionBy: c.by,
    routing: c.routing,
    manifest: { curate: c.manifest },
  });
  return writeHtmlReport(ctx, path, data);
}
