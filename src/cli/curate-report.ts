// `curate --report report.html`: the HTML report as part of the main job. curate's `--report [file]` writes
// select's kept-vs-dropped JSON; a file ending in .html or .htm gets this page instead. The page is built by
// CurateReport (src/pipeline/report-feed.ts: fed in pass 1, finished after the selection); here the rejected
// records are read back from the committed run's rejects file (the first 50) and the page is written. A sharded
// run keeps each shard's collector state beside its partial (src/cli/partial.ts) and `merge --report` writes the
// page from them (src/cli/commands/merge.ts).
import { createReadStream, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { CurateReport, CurateReportEnd } from '../pipeline/report-feed.js';
import type { RejectInfo, ReportData } from '../report/index.js';
import type { CliContext } from './context.js';
import { writeHtmlReport } from './report-write.js';

/** The HTML report path when `--report` names an .html/.htm file (else undefined: the JSON summary stays). */
export function htmlReportPath(report: string | boolean | null | undefined): string | undefined {
  return typeof report === 'string' && /\.html?$/i.test(report) ? report : undefined;
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

/** Writes the report of a curate run (or of the merge of its shards) after its commit; returns where it went. */
export async function writeCurateReport(ctx: CliContext, path: string, report: CurateReport, end: Omit<CurateReportEnd, 'rejects' | 'generatedAt'>): Promise<string> {
  const m = end.manifest;
  let rejects: CurateReportEnd['rejects'];
  if (typeof m.rejects === 'string') {
    const head = await readRejectsHead(resolve(ctx.io.cwd ?? process.cwd(), m.rejects));
    const records = (m.records ?? {}) as { rejected?: number };
    rejects = { head, total: records.rejected ?? head.length };
  }
  let data: ReportData;
  try {
    data = report.finish({ ...end, rejects, generatedAt: (ctx.io.now?.() ?? new Date()).toISOString() });
  } finally {
    report.close();
  }
  return writeHtmlReport(ctx, path, data);
}
