// `pairsmith stats <input>`: prompts, candidates and per-prompt score distributions. Each chunk's scores go
// into engine resident buffers (values + group offsets) and one groupStats call computes every group.
import { Command, Option } from 'commander';
import { FileSpool } from '../../io/node/spool.js';
import { runStats } from '../../pipeline/run-stats.js';
import type { CliContext } from '../context.js';
import { pipelineEngine } from '../engine-port.js';
import { withDataRun } from '../data-run.js';
import { addInputOptions, addShardOption, INPUT_HELP, parseInputOptions } from '../options.js';
import { formatStats } from './stats-format.js';

const EXAMPLES = `
Examples:
  $ pairsmith stats data.jsonl
  $ pairsmith stats alpaca_eval_multi.jsonl --responses-field responses --scores-field scores --transform logit
  $ pairsmith stats armorm.parquet --format onpolicy --json
  $ pairsmith stats data.jsonl --per-prompt per-prompt.jsonl      # one row per prompt, plus manifest and rejects
`;

interface StatsOpts {
  json?: boolean;
  perPrompt?: string;
  transform: 'none' | 'logit';
  std: 'population' | 'sample';
}

export function statsCommand(ctx: CliContext): Command {
  const cmd = new Command('stats')
    .description('prompts, candidates and per-prompt score distributions (mean/std/min/max, ties, min below mu - 2 sigma)')
    .argument('<input>', 'input file (.jsonl, .jsonl.gz, .json, .parquet) or - for stdin')
    .option('--json', 'print the summary as JSON on stdout')
    .option('--per-prompt <out>', 'write one row per prompt: prompt_index, count, mean, std, min, max, argmin, argmax')
    .addOption(new Option('--transform <t>', 'score transform before statistics: logit = logit(clamp(p, 1e-6, 1 - 1e-6)) for scores in [0, 1]').choices(['none', 'logit']).default('none'))
    .addOption(new Option('--std <kind>', 'standard deviation: population (divide by n) or sample (n - 1)').choices(['population', 'sample']).default('population'));
  addInputOptions(cmd);
  addShardOption(cmd, 'the N outputs, concatenated in shard order, are the unsharded output byte for byte');
  return cmd.addHelpText('after', EXAMPLES + INPUT_HELP).action(async (input: string, opts: StatsOpts & Record<string, unknown>) => {
    const engine = await ctx.engine();
    const options = parseInputOptions(opts);
    const output = opts.perPrompt ?? null;
    const parameters = { transform: opts.transform, std: opts.std, per_prompt: output };
    await withDataRun(ctx, { command: 'stats', input, output, options, parameters }, async (run) => {
      const out = await run.openMain();
      const result = await runStats(pipelineEngine(engine), run.input, run.read, { transform: opts.transform, std: opts.std, spill: () => new FileSpool() }, out?.sink, run.hooks, run.pool(engine));
      const collector = { summary: () => result.summary };
      const manifest = await run.commit(result, engine.backend);
      const summary = {
        input,
        format: manifest.format,
        backend: engine.backend,
        transform: opts.transform,
        std: opts.std,
        records: manifest.records,
        rejected_by_reason: manifest.rejected_by_reason,
        no_pair_by_reason: manifest.no_pair_by_reason,
        candidates: manifest.candidates,
        excluded_by_reason: manifest.excluded_by_reason,
        ...collector.summary(),
      };
      const text = opts.json ? `${JSON.stringify(summary, null, 2)}\n` : formatStats(summary);
      // With --per-prompt - the rows own stdout, so the summary goes to stderr.
      if (output === '-') ctx.io.stderr(text);
      else ctx.io.stdout(text);
    });
  });
}
