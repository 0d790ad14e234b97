// `pairsmith augment <pairs> -o <out> --reward-conditioned`: each pair with scores r_w > r_l becomes two
// goal-conditioned rows (goal r_w: chosen wins; goal r_l: the roles swap). Ties are dropped and counted.
import { Command, Option } from 'commander';
import { outputKind as outputKindOf, type OutputKind } from '../../io/node/output.js';
import { PAPER_TEMPLATE, PLACEMENTS, type Placement } from '../../pipeline/augment.js';
import { runAugment } from '../../pipeline/run-augment.js';
import type { CliContext } from '../context.js';
import { pipelineEngine } from '../engine-port.js';
import { withDataRun } from '../data-run.js';
import { CliError, EXIT } from '../io.js';
import { addInputOptions, addOutputOptions, INPUT_HELP, parseInputOptions } from '../options.js';

const EXAMPLES = `
Examples:
  $ pairsmith augment pairs.jsonl -o augmented.jsonl --reward-conditioned
  $ pairsmith augment pairs.jsonl -o augmented.jsonl --reward-conditioned --template 'Target quality: {g}/10.'
  $ pairsmith augment chat-pairs.jsonl -o augmented.parquet --reward-conditioned --placement prefix
  $ pairsmith augment uf-pairs.jsonl -o augmented.jsonl --reward-conditioned --filter-field avg_fine_score --keep-ties   # as the released code
Each pair with score_chosen > score_rejected gives two rows: the prompt conditioned on goal r_w (chosen y_w)
and on goal r_l (chosen y_l, rejected y_w: y_l meets that goal). Rows add pair_id (the input row), goal_role
(pos or neg) and goal; in the neg row chosen/rejected, score_chosen/score_rejected and chosen_index/
rejected_index are swapped and margin / implicit_margin negated. Placement auto: text prompts get the goal
text and a blank line before them, conversational prompts a system message. The default template is the
paper's (Zhang et al. 2025), {g} printed as 8 or 7.5. --keep-ties keeps pairs with equal goal scores (dropped
by default: their two rows carry one goal with opposite labels). --filter-field <name> keeps a pair when
<name>_chosen >= <name>_rejected (a missing one: missing_filter_scores), whatever the goal order, and swaps
that pair of fields in the neg row too; the goals stay score_chosen / score_rejected.
`;

export function augmentCommand(ctx: CliContext): Command {
  const cmd = new Command('augment')
    .description('reward-conditioned augmentation: each scored pair becomes two goal-conditioned rows')
    .argument('<input>', 'preference pairs with score_chosen and score_rejected, or - for stdin')
    .option('--reward-conditioned', 'goal-conditioned relabeling (the only mode; required)')
    .option('--template <text>', 'goal text; {g} is replaced by the goal score', PAPER_TEMPLATE)
    .addOption(new Option('--placement <where>', 'where the goal goes').choices([...PLACEMENTS]).default('auto'))
    .option('--keep-ties', 'keep pairs whose goal scores are equal (two rows with one goal and opposite labels; the released code keeps them)', false)
    .option('--filter-field <name>', 'keep pairs with <name>_chosen >= <name>_rejected (e.g. avg_fine_score, as the released code) instead of score_chosen > score_rejected');
  addOutputOptions(cmd);
  addInputOptions(cmd);
  return cmd.addHelpText('after', EXAMPLES + INPUT_HELP).action(async (input: string, opts: Record<string, unknown> & { output: string; template: string; placement: Placement }) => {
    if (opts.rewardConditioned !== true) throw new CliError('give --reward-conditioned (the augmentation mode)', EXIT.USAGE);
    if (!opts.template.includes('{g}')) throw new CliError('--template must contain {g} (the goal score)', EXIT.USAGE);
    const engine = await ctx.engine();
    const options = parseInputOptions(opts);
    const keepTies = opts.keepTies === true;
    const filterField = opts.filterField as string | undefined;
    if (filterField !== undefined && !/^[A-Za-z_][\w.-]*$/.test(filterField)) throw new CliError(`--filter-field takes a field name (its _chosen and _rejected fields are compared), got '${filterField}'`, EXIT.USAGE);
    // Only when not the default, so a default run's parameters stay as they were.
    const parameters = { reward_conditioned: true, template: opts.template, placement: opts.placement, ...(keepTies ? { keep_ties: true } : {}), ...(filterField !== undefined ? { filter_field: filterField } : {}), output: opts.output };
    await withDataRun(ctx, { command: 'augment', input, output: opts.output, options, parameters, twoPass: (opts.outputFormat ?? outputKindOf(opts.output)) === 'parquet', outputFormat: opts.outputFormat as OutputKind | undefined }, async (run) => {
      const out = (await run.openMain())!;
      const result = await runAugment(pipelineEngine(engine), run.input, run.read, { template: opts.template, placement: opts.placement, keepTies, filterField }, out.sink, run.hooks, run.pool(engine));
      await run.commit(result, engine.backend);
    });
  });
}
