// `select`/`curate --shard K/N`: a partial result for `pairsmith merge`. The selection is global, so a shard writes
// every pair it built (its rows, without the selection columns) to -o, and the numbers the selection needs to
// `<out>.margins.jsonl`; its manifest counts the shard's records (each record with pairs as written: its pairs are
// the partial's rows) and its rejects go to `<out>.rejects.jsonl` as usual. With curate's HTML report
// (`--report page.html`) the shard also keeps its report collector's state in `<out>.report-state.jsonl` (named in
// the margins file's header as `report_state`), which `merge --report page.html` merges.
import { createReadStream, existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Engine } from '../engine.js';
import { FileSpool } from '../io/node/spool.js';
import type { CurateReport } from '../pipeline/report-feed.js';
import { runSelect, type SelectRunOptions } from '../pipeline/run-select.js';
import { stateLines, stateOfLines, type CollectorState } from '../report/state.js';
import type { DataRun } from './data-run.js';
import type { CliContext } from './context.js';
import { pipelineEngine } from './engine-port.js';
import { CliError, EXIT } from './io.js';

/** The margins file of a partial result. */
export const marginsPath = (out: string): string => `${out}.margins.jsonl`;

/** The report state of a partial result (curate --shard with --report page.html). */
export const reportStatePath = (out: string): string => `${out}.report-state.jsonl`;

/**
 * Runs one shard of select/curate as a partial result; `meta` is kept for the merge (command, parameters, ...).
 * With `report`, the shard feeds it as the unsharded run does (pass 1) and writes its collector's state.
 */
export async function runPartial(ctx: CliContext, run: DataRun, engine: Engine, o: SelectRunOptions, meta: { command: string } & Record<string, unknown>, report?: CurateReport): Promise<void> {
  const output = run.spec.output;
  if (output === null || output === '-' || run.kindOf(output) !== 'jsonl') {
    throw new CliError(`${meta.command} --shard writes a partial result for pairsmith merge: give -o a .jsonl file`, EXIT.USAGE);
  }
  const out = (await run.openMain())!;
  const margins = await run.openExtra(marginsPath(output));
  const state = report ? await run.openExtra(reportStatePath(output)) : undefined;
  const partial = state ? { ...meta, report_state: basename(reportStatePath(output)) } : meta;
  let result: Awaited<ReturnType<typeof runSelect>>;
  try {
    result = await runSelect(
      pipelineEngine(engine),
      run.input,
      run.read,
      { ...o, spool: () => new FileSpool(), spill: () => new FileSpool(), partial, onCandidates: report?.add, onPairNumbers: report?.addNumbers },
      { main: out.sink, margins: margins.sink },
      run.hooks,
      run.pool(engine),
    );
    if (state && report) {
      const enc = new TextEncoder();
      for (const line of stateLines(report.collector.state())) await state.sink.writeBytes!(enc.encode(`${line}\n`));
    }
  } finally {
    report?.close();
  }
  const m = await run.commit(result, engine.backend);
  const shard = m.shard!;
  ctx.info(`${meta.command}: shard ${shard.index}/${shard.count} is a partial result (${m.rows_written} pairs, ${marginsPath(output)}${state ? `, ${reportStatePath(output)}` : ''}): merge the ${shard.count} shards with pairsmith merge <partials...> -o <out>`);
}

/** Where a partial's report state is: the file its margins header names (`report_state`), beside it; undefined without one. */
export function reportStateOf(partial: string, meta: Record<string, unknown>): string | undefined {
  const name = meta.report_state;
  return typeof name === 'string' && name !== '' && basename(name) === name ? join(dirname(partial), name) : undefined;
}

/** Reads a partial's report state (a CliError, exit 3, when it is missing or damaged). */
export async function readReportState(path: string): Promise<CollectorState> {
  if (!existsSync(path)) throw new CliError(`${path}: missing (a partial result's report state: written by curate --shard K/N --report page.html)`, EXIT.BAD_INPUT);
  const lines: string[] = [];
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of rl) lines.push(line);
  try {
    return stateOfLines(lines);
  } catch (e) {
    throw new CliError(`${path}: not a pairsmith report state (${(e as Error).message.replace(/^pairsmith: /, '')}; is the file damaged?)`, EXIT.BAD_INPUT);
  }
}
