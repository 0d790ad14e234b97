// `pairsmith convert <input> -o <output> [--to trl|trl-conversational|kto|candidates|onpolicy|hh-rlhf]`.
// Candidate sets become their max-vs-min pair for pair targets (all scores equal: counted as no pair);
// `pairs` selection rules live in `pairsmith pairs`.
import { Command, Option } from 'commander';
import { TARGETS, type Target } from '../../io/rows.js';
import { runConvert } from '../../pipeline/run-convert.js';
import type { OutputKind } from '../../io/node/output.js';
import type { CliContext } from '../context.js';
import { withDataRun } from '../data-run.js';
import { pipelineEngine } from '../engine-port.js';
import { addInputOptions, addShardOption, addOutputOptions, INPUT_HELP, parseInputOptions } from '../options.js';

const EXAMPLES = `
Examples:
  $ pairsmith convert hh-rlhf_harmless-base_test.jsonl.gz -o hh.parquet                 # TRL prompt/chosen/rejected
  $ pairsmith convert pairs.jsonl -o chat.jsonl --to trl-conversational
  $ pairsmith convert pairs.parquet -o kto.jsonl.gz --to kto                             # prompt/completion/label
  $ pairsmith convert ultrafeedback.jsonl --score fine-grained -o cands.parquet --to candidates
  $ cat data.jsonl | pairsmith convert - -o - --to trl > pairs.jsonl
Output: .jsonl, .jsonl.gz, .parquet (real list/struct columns) or - (JSON Lines on stdout); with a file,
<out>.manifest.json and <out>.rejects.jsonl are written next to it.
`;

interface ConvertOpts {
  output: string;
  to: Target;
}

export function convertCommand(ctx: CliContext): Command {
  const cmd = new Command('convert')
    .description('convert between formats: TRL (standard or conversational), KTO unpaired, candidates, onpolicy, hh-rlhf')
    .argument('<input>', 'input file (.jsonl, .jsonl.gz, .json, .parquet) or - for stdin')
    .addOption(new Option('--to <target>', 'output format').choices([...TARGETS]).default('trl'));
  addOutputOptions(cmd);
  addInputOptions(cmd);
  addShardOption(cmd, 'the N outputs, concatenated in shard order, are the unsharded output byte for byte');
  return cmd.addHelpText('after', EXAMPLES + INPUT_HELP).action(async (input: string, opts: ConvertOpts & Record<string, unknown>) => {
    const engine = await ctx.engine();
    const options = parseInputOptions(opts);
    const parameters = { to: opts.to, output: opts.output };
    await withDataRun(ctx, { command: 'convert', input, output: opts.output, options, parameters, outputFormat: opts.outputFormat as OutputKind | undefined }, async (run) => {
      const out = (await run.openMain())!;
      const result = await runConvert(pipelineEngine(engine), run.input, run.read, { to: opts.to }, out.sink, run.hooks, run.pool(engine));
      await run.commit(result, engine.backend);
    });
  });
}
