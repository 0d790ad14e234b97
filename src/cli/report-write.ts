// Writing the HTML report from a command: build the data, render, write atomically. `report` uses it, and it is
// the hook for `curate --report report.html` (pass the pools collected with poolOf and the output rows).
import { writeTextAtomic } from '../io/node/write-text.js';
import { buildReportData, renderReport, type BuildOptions, type ReportData, type ReportInput } from '../report/index.js';
import type { CliContext } from './context.js';

/** Builds and writes the report to `path` (`-` = stdout); returns the data and where it went. */
export async function writeHtmlReport(ctx: CliContext, path: string, input: ReportInput, opts: BuildOptions): Promise<{ data: ReportData; where: string }> {
  const data = buildReportData(input, opts);
  const where = await writeTextAtomic(path, renderReport(data), { cwd: ctx.io.cwd, stdout: (s) => ctx.io.stdout(s) });
  return { data, where };
}
