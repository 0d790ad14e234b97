// The HTML report of a browser run, assembled as `pairsmith curate --report page.html` assembles it
// (src/cli/curate-report.ts, which reads files and so cannot run here): pools and pairs stream into a
// ReportCollector during pass 1; the selection, routing, first rejects and the manifest are added at the end.
import type { CandidateColumns } from '../../src/io/adapt.js';
import type { Manifest } from '../../src/io/manifest.js';
import type { RecordBatch, Reject } from '../../src/io/records.js';
import { logitClamped } from '../../src/numeric.js';
import type { ChunkPairs } from '../../src/pipeline/pairs.js';
import { pairColumnsOfPairs, poolChunkOfColumns, type ReportTransform } from '../../src/pipeline/report-feed.js';
import type { SelectRunResult } from '../../src/pipeline/run-select.js';
import { pairColumnsOf, renderReport, ReportCollector, type PairRowInput, type ReportKernels } from '../../src/report/index.js';

export class CurateReport {
  readonly collector: ReportCollector;

  constructor(
    engine: ReportKernels,
    readonly transform: ReportTransform,
  ) {
    this.collector = new ReportCollector(engine, { pairsFrom: 'rows' });
  }

  /** curate's onCandidates hook: a batch's pairs first (joined to their pools), then its pools. */
  readonly add = (batch: RecordBatch, columns: CandidateColumns, pairs: ChunkPairs): void => {
    if (pairs.rows.n > 0) this.collector.addPairs(pairColumnsOfPairs(batch, columns, pairs, this.transform));
    if (columns.groups > 0) this.collector.addPools(poolChunkOfColumns(batch, columns, this.transform));
  };

  /** The page, after the run. */
  render(o: { result: SelectRunResult; threshold: number | undefined; manifest: Manifest; rejects: readonly Reject[]; rejected: number; input: string; generatedAt: string }): string {
    const col = this.collector;
    const t = o.result.pairs;
    const tf = (x: number): number => (this.transform === 'none' || !Number.isFinite(x) ? x : logitClamped(x));
    const num = (x: number): number | null => (Number.isFinite(x) ? x : null);
    // A pairs input reaches curate without the pair builder: its rows are added here (no pools to join).
    if (col.pairs.n === 0 && t.n > 0) {
      const rows: PairRowInput[] = Array.from({ length: t.n }, (_, i) => ({
        promptIndex: t.record[i],
        chosenIndex: t.chosen[i]! >= 0 ? t.chosen[i] : null,
        rejectedIndex: t.rejected[i]! >= 0 ? t.rejected[i] : null,
        scoreChosen: num(t.scoreChosen[i]!),
        scoreRejected: num(t.scoreRejected[i]!),
        margin: num(t.scoreChosen[i]! - t.scoreRejected[i]!),
        implicitMargin: null,
        selectionScore: null,
        selected: null,
        route: null,
        chosenTokens: null,
        rejectedTokens: null,
      }));
      col.addPairs(pairColumnsOf(rows, tf));
    }
    const sel = o.result.selection;
    if (sel) {
      col.setSelection({
        length: t.n,
        ...(t.external ? { margin: t.external } : {}),
        ...(t.implicit ? { implicitMargin: t.implicit } : {}),
        selectionScore: sel.score,
        selected: sel.rank,
      });
    }
    const head = o.rejects.slice(0, 50).map((r) => ({ file: r.file, line: r.line, field: r.field, reason: r.reason, detail: r.detail }));
    col.addRejects(head, Math.max(0, o.rejected - head.length));
    const route = o.result.report.route as { dpo: number; sft: number } | undefined;
    const logit = this.transform === 'logit';
    const data = col.finish({
      title: 'pairsmith curate report',
      sources: [o.input],
      generatedAt: o.generatedAt,
      ...(logit ? { scoreLabel: 'logit(score)', rawLabel: 'score' } : { scoreLabel: 'score' }),
      clamps: logit ? [logitClamped(0), logitClamped(1)] : undefined,
      selectionBy: o.result.by,
      routing: route ? { dpo: route.dpo, sft: route.sft, threshold: o.threshold } : undefined,
      manifest: { curate: o.manifest as unknown as Record<string, unknown> },
    });
    return renderReport(data);
  }
}
