// `pairsmith pairs <input> -o <out>`: one (or, with grid, up to 21) preference pairs per prompt from N scored
// candidates: sweet-spot (chosen = max, rejected nearest mu - 2 sigma), max-min, max-random, positions, grid.
import { Command } from 'commander';
import { runPairs } from '../../pipeline/run-pairs.js';
import type { OutputKind } from '../../io/node/output.js';
import type { CliContext } from '../context.js';
import { pipelineEngine } from '../engine-port.js';
import { withDataRun } from '../data-run.js';
import { addInputOptions, addShardOption, addOutputOptions, INPUT_HELP, parseInputOptions } from '../options.js';
import { addPairOptions, pairParameters, parsePairOptions } from '../pair-options.js';

const EXAMPLES = `
Examples:
  $ pairsmith pairs samples.jsonl -o pairs.jsonl                        # sweet spot: max vs nearest mu-2sigma
  $ pairsmith pairs samples.jsonl -o pairs.jsonl --strategy max-min     # the classic best vs worst
  $ pairsmith pairs judged.jsonl -o pairs.jsonl --transform logit       # scores are probabilities (win rates)
  $ pairsmith pairs samples.jsonl -o pairs.parquet --rejected mu-1.5sigma --fallback next-nearest
  $ pairsmith pairs samples.jsonl -o grid.jsonl --strategy grid         # all 21 position pairs, tagged
  $ pairsmith pairs samples.jsonl -o grid.jsonl --strategy grid --grid-arms independent   # every arm whole (the 21-arm study)
  $ pairsmith pairs samples.jsonl -o pairs.jsonl --rejected min-of-k:5 --seed 1   # rejected = lowest of 5 random samples
  $ pairsmith pairs samples.jsonl -o pairs.jsonl --strategy positions --chosen mu+2sigma --rejected mu-2sigma
Rows: prompt, chosen, rejected, score_chosen, score_rejected (raw input scores), margin, prompt_index,
chosen_index, rejected_index, strategy, chosen_position, rejected_position, and implicit_margin when the
input has policy_logps and reference_logps. A prompt without a pair is counted in the manifest with its
reason (insufficient_samples, no_spread, same_candidate, tie, below_min_gap, ...).
--rejected min-of-k:K (sweet-spot, positions): the lowest-scoring of K candidates drawn uniformly without
replacement, seeded by --seed and the record number (K >= N: the minimum); rejected_position is min-of-k:K.
--grid-arms independent: no duplicate_pair drop, so filtering rows by (chosen_position, rejected_position)
gives each arm's full set of pairs.
`;

export function pairsCommand(ctx: CliContext): Command {
  const cmd = new Command('pairs')
    .description('build preference pairs from N scored candidates per prompt (sweet spot, max-min, max-random, positions, grid)')
    .argument('<input>', 'candidate sets (.jsonl, .jsonl.gz, .json, .parquet) or - for stdin')
    ;
  addOutputOptions(cmd);
  addPairOptions(cmd);
  addInputOptions(cmd);
  addShardOption(cmd, 'the N outputs, concatenated in shard order, are the unsharded output byte for byte');
  return cmd.addHelpText('after', EXAMPLES + INPUT_HELP).action(async (input: string, opts: Record<string, unknown> & { output: string }) => {
    const engine = await ctx.engine();
    const options = parseInputOptions(opts);
    const p = parsePairOptions(opts);
    const parameters = { ...pairParameters(p), output: opts.output };
    await withDataRun(ctx, { command: 'pairs', input, output: opts.output, options, parameters, twoPass: p.weights !== undefined, outputFormat: opts.outputFormat as OutputKind | undefined }, async (run) => {
      const out = (await run.openMain())!;
      const result = await runPairs(pipelineEngine(engine), run.input, run.read, { ...p.pairs, weights: p.weights }, out.sink, run.hooks, run.pool(engine));
      await run.commit(result, engine.backend);
    });
  });
}
