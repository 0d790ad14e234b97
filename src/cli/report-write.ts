// Writing the HTML report from a command: build the data, render, write atomically. `report` uses it, and it is
// the hook for `curate --report report.html` (see curate-report.ts).
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { buildReportData, renderReport, type BuildOptions, type ReportData, type ReportInput } from '../report/index.js';
import { writeFileAtomic } from './atomic.js';
import type { CliContext } from './context.js';

/** Builds and writes the report to `path` (`-` = stdout); returns the data and the absolute path (or `-`). */
export async function writeHtmlReport(ctx: CliContext, path: string, input: ReportInput, opts: BuildOptions): Promise<{ data: ReportData; where: string }> {
  const data = buildReportData(input, opts);
  const html = renderReport(data);
  if (path === '-') {
    ctx.io.stdout(html);
    return { data, where: '-' };
  }
  const cwd = ctx.io.cwd ?? process.cwd();
  const where = resolve(cwd, path);
  await mkdir(dirname(where), { recursive: true });
  await writeFileAtomic(where, html, cwd);
  return { data, where };
}
