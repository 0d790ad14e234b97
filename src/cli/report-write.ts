// Writing the HTML report from a command: build the data, render, write atomically. `report` uses it, and it is
// the hook for `curate --report report.html` (see curate-report.ts).
import { resolve } from 'node:path';
import { writeTextFile } from '../io/node/output.js';
import { buildReportData, renderReport, type BuildOptions, type ReportData, type ReportInput } from '../report/index.js';
import type { CliContext } from './context.js';

/** Builds and writes the report to `path` (`-` = stdout); returns the data and the absolute path (or `-`). */
export async function writeHtmlReport(ctx: CliContext, path: string, input: ReportInput, opts: BuildOptions): Promise<{ data: ReportData; where: string }> {
  const data = buildReportData(input, opts);
  const html = renderReport(data);
  if (path === '-') {
    ctx.io.stdout(html);
    return { data, where: '-' };
  }
  const where = resolve(ctx.io.cwd ?? process.cwd(), path);
  await writeTextFile(where, html);
  return { data, where };
}
