// `pairsmith route <pairs> --dpo <out> --sft <out> --threshold t | --hard-fraction f`: small-margin pairs go
// to SFT on the chosen response (TRL prompt-completion), the rest to DPO, easy first (MixDPO).
import { Command } from 'commander';
import { FileSpool } from '../../io/node/spool.js';
import { runRoute } from '../../pipeline/run-route.js';
import type { CliContext } from '../context.js';
import { pipelineEngine } from '../engine-port.js';
import { withDataRun } from '../data-run.js';
import { CliError, EXIT } from '../io.js';
import { addInputOptions, INPUT_HELP, parseInputOptions } from '../options.js';
import { numberArg } from '../pair-options.js';

const EXAMPLES = `
Examples:
  $ pairsmith route pairs.jsonl --dpo dpo.jsonl --sft sft.jsonl --threshold 0.5
  $ pairsmith route pairs.jsonl --dpo dpo.jsonl --sft sft.jsonl --hard-fraction 0.1
  $ pairsmith route selected.jsonl --dpo dpo.jsonl --sft sft.jsonl --hard-fraction 0.1 --margin-field implicit_margin
A pair is hard when its margin < t (strict), or when it is among the floor(f * n) smallest margins. The margin
is score_chosen - score_rejected (or --margin-field). DPO rows keep every column and add route = "dpo", sorted
by margin, largest first (ties: input order, or a seeded order with --tie-seed); SFT rows are {prompt,
completion (= chosen), margin, pair_id, route = "sft"}, continuing that order. A pair without a margin is
rejected (missing_field). The manifest and rejects are written beside the --dpo output. The output of
augment (rows with goal_role) is refused: route first, then augment the DPO output.
`;

export function routeCommand(ctx: CliContext): Command {
  const cmd = new Command('route')
    .description('route small-margin pairs to SFT on the chosen response and the rest to DPO, easy first')
    .argument('<input>', 'preference pairs, or - for stdin')
    .requiredOption('--dpo <output>', 'DPO output (.jsonl, .jsonl.gz, .parquet)')
    .requiredOption('--sft <output>', 'SFT output (.jsonl, .jsonl.gz, .parquet)')
    .option('--threshold <t>', 'hard iff margin < t', numberArg('--threshold'))
    .option('--hard-fraction <f>', 'the floor(f * n) smallest margins are hard', numberArg('--hard-fraction', 0, 1))
    .option('--margin-field <name>', 'a numeric field to use as the margin (default: score_chosen - score_rejected)')
    .option('--tie-seed <n>', 'order equal margins by a seeded hash instead of input order', numberArg('--tie-seed', 0, 2 ** 32 - 1, true));
  addInputOptions(cmd);
  return cmd.addHelpText('after', EXAMPLES + INPUT_HELP).action(async (input: string, opts: Record<string, unknown> & { dpo: string; sft: string }) => {
    const threshold = opts.threshold as number | undefined;
    const hardFraction = opts.hardFraction as number | undefined;
    if ((threshold === undefined) === (hardFraction === undefined)) throw new CliError('give --threshold <t> or --hard-fraction <f> (one of them)', EXIT.USAGE);
    if (opts.dpo === '-' || opts.sft === '-' || opts.dpo === opts.sft) throw new CliError('--dpo and --sft must be two different files', EXIT.USAGE);
    const engine = await ctx.engine();
    const options = parseInputOptions(opts);
    const field = opts.marginField as string | undefined;
    const tieSeed = opts.tieSeed as number | undefined;
    const parameters = { threshold: threshold ?? null, hard_fraction: hardFraction ?? null, margin_field: field ?? null, tie_seed: tieSeed ?? null, dpo: opts.dpo, sft: opts.sft };
    await withDataRun(ctx, { command: 'route', input, output: opts.dpo, options, parameters, twoPass: true }, async (run) => {
      const dpo = (await run.openMain())!;
      const sft = await run.openExtra(opts.sft);
      const route = threshold !== undefined ? { threshold, tieSeed } : { hardFraction, tieSeed };
      const result = await runRoute(pipelineEngine(engine), run.input, run.read, { ...route, marginField: field, spool: () => new FileSpool() }, { dpo: dpo.sink, sft: sft.sink }, run.hooks);
      await run.commit({ ...result, report: { ...result.report, sft_output: opts.sft } }, engine.backend);
    });
  });
}
