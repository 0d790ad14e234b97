// Writing the HTML report from a command: render the collected data, write atomically (or to stdout). `report`
// and `curate --report report.html` (see curate-report.ts) use it.
import { resolve } from 'node:path';
import { writeTextFile } from '../io/node/output.js';
import { renderReport, type ReportData } from '../report/index.js';
import type { CliContext } from './context.js';

/** Renders `data` and writes it to `path` (`-` = stdout); returns the absolute path (or `-`). */
export async function writeHtmlReport(ctx: CliContext, path: string, data: ReportData): Promise<string> {
  const html = renderReport(data);
  if (path === '-') {
    ctx.io.stdout(html);
    return '-';
  }
  await writeTextFile(path, html, ctx.io.cwd);
  return resolve(ctx.io.cwd ?? process.cwd(), path);
}
