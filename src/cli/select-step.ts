// The selection report of select and curate: printed on stderr with --report, and written as JSON to a file.
import { writeJsonFile } from '../io/node/output.js';
import { selectionLines } from '../pipeline/select-report.js';
import type { CliContext } from './context.js';

/** Prints the selection report (--report) and writes it as JSON when a file is given. */
export async function emitReport(ctx: CliContext, report: Record<string, unknown>, opt: string | boolean | undefined): Promise<void> {
  if (opt === undefined || opt === false) return;
  for (const l of selectionLines(report)) ctx.info(l);
  if (typeof opt === 'string') await writeJsonFile(opt, report, ctx.io.cwd);
}
