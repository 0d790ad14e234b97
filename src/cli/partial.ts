// `select`/`curate --shard K/N`: a partial result for `pairsmith merge`. The selection is global, so a shard writes
// every pair it built (its rows, without the selection columns) to -o, and the numbers the selection needs to
// `<out>.margins.jsonl`; its manifest counts the shard's records (each record with pairs as written: its pairs are
// the partial's rows) and its rejects go to `<out>.rejects.jsonl` as usual.
import type { Engine } from '../engine.js';
import { FileSpool } from '../io/node/spool.js';
import { runSelect, type SelectRunOptions } from '../pipeline/run-select.js';
import type { DataRun } from './data-run.js';
import type { CliContext } from './context.js';
import { pipelineEngine } from './engine-port.js';
import { CliError, EXIT } from './io.js';

/** The margins file of a partial result. */
export const marginsPath = (out: string): string => `${out}.margins.jsonl`;

/** Runs one shard of select/curate as a partial result; `meta` is kept for the merge (command, parameters, ...). */
export async function runPartial(ctx: CliContext, run: DataRun, engine: Engine, o: SelectRunOptions, meta: { command: string } & Record<string, unknown>): Promise<void> {
  const output = run.spec.output;
  if (output === null || output === '-' || run.kindOf(output) !== 'jsonl') {
    throw new CliError(`${meta.command} --shard writes a partial result for pairsmith merge: give -o a .jsonl file`, EXIT.USAGE);
  }
  const out = (await run.openMain())!;
  const margins = await run.openExtra(marginsPath(output));
  const result = await runSelect(pipelineEngine(engine), run.input, run.read, { ...o, spool: () => new FileSpool(), partial: meta }, { main: out.sink, margins: margins.sink }, run.hooks, run.pool(engine));
  const m = await run.commit(result, engine.backend);
  const shard = m.shard!;
  ctx.info(`${meta.command}: shard ${shard.index}/${shard.count} is a partial result (${m.rows_written} pairs, ${marginsPath(output)}): merge the ${shard.count} shards with pairsmith merge <partials...> -o <out>`);
}
