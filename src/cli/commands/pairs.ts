// `pairsmith pairs <input> -o <out>`: one (or, with grid, up to 21) preference pairs per prompt from N scored
// candidates: sweet-spot (chosen = max, rejected nearest mu - 2 sigma), max-min, max-random, positions, grid.
import { Command } from 'commander';
import { groupEngineOf } from '../../pipeline/group-engine.js';
import type { PairRow } from '../../pipeline/candidates.js';
import { weightRows } from '../../pipeline/rows.js';
import type { CliContext } from '../context.js';
import { withDataRun } from '../data-run.js';
import { addInputOptions, INPUT_HELP, parseInputOptions } from '../options.js';
import { addPairOptions, pairParameters, parsePairOptions } from '../pair-options.js';
import { constructReportJson, PairRowsBuilder, pairSchema } from '../pair-rows.js';
import { fastPlan, runFastPairs } from '../pairs-fast.js';

const EXAMPLES = `
Examples:
  $ pairsmith pairs samples.jsonl -o pairs.jsonl                        # sweet spot: max vs nearest mu-2sigma
  $ pairsmith pairs samples.jsonl -o pairs.jsonl --strategy max-min     # the classic best vs worst
  $ pairsmith pairs judged.jsonl -o pairs.jsonl --transform logit       # scores are probabilities (win rates)
  $ pairsmith pairs samples.jsonl -o pairs.parquet --rejected mu-1.5sigma --fallback next-nearest
  $ pairsmith pairs samples.jsonl -o grid.jsonl --strategy grid         # all 21 position pairs, tagged
  $ pairsmith pairs samples.jsonl -o pairs.jsonl --strategy positions --chosen mu+2sigma --rejected mu-2sigma
Rows: prompt, chosen, rejected, score_chosen, score_rejected (raw input scores), margin, prompt_index,
chosen_index, rejected_index, strategy, chosen_position, rejected_position, and implicit_margin when the
input has policy_logps and reference_logps. A prompt without a pair is counted in the manifest with its
reason (insufficient_samples, no_spread, same_candidate, tie, below_min_gap, ...).
`;

export function pairsCommand(ctx: CliContext): Command {
  const cmd = new Command('pairs')
    .description('build preference pairs from N scored candidates per prompt (sweet spot, max-min, max-random, positions, grid)')
    .argument('<input>', 'candidate sets (.jsonl, .jsonl.gz, .json, .parquet) or - for stdin')
    .requiredOption('-o, --output <output>', 'output file (.jsonl, .jsonl.gz, .parquet) or - for stdout');
  addPairOptions(cmd);
  addInputOptions(cmd);
  return cmd.addHelpText('after', EXAMPLES + INPUT_HELP).action(async (input: string, opts: Record<string, unknown> & { output: string }) => {
    const engine = await ctx.engine();
    const options = parseInputOptions(opts);
    const p = parsePairOptions(opts);
    const ge = groupEngineOf(engine);
    const parameters = { ...pairParameters(p), output: opts.output };
    await withDataRun(ctx, { command: 'pairs', input, output: opts.output, options, parameters }, async (run) => {
      const plan = p.weights ? null : fastPlan(input, opts.output, options, ctx.io.cwd);
      if (plan) {
        if (plan.detected) ctx.info(`format: ${plan.format} (detected: ${plan.detected})`);
        const r = await runFastPairs(run, plan, opts.output, ge, p.pairs, options);
        await run.commit(engine.backend, {
          schema: pairSchema(false, true),
          report: { path: 'fast', fast_records: r.fastRecords, slow_records: r.slowRecords, ...constructReportJson(r.report) },
        });
        return;
      }
      const builder = new PairRowsBuilder(run, ge, p.pairs);
      const kept: PairRow[] = [];
      let weightsReport: Record<string, unknown> | undefined;
      for await (const chunk of run.records()) {
        const rows = builder.rows(chunk.records);
        if (p.weights) kept.push(...rows);
        else if (rows.length) await (await run.openOutput(pairSchema(builder.conversational ?? false, builder.implicit))).write(rows);
      }
      if (p.weights) {
        // The weight needs the mean gap over all pairs: the rows were kept in memory.
        const w = weightRows(kept, kept.map((r) => (r.score_chosen as number) - (r.score_rejected as number)));
        weightsReport = { mean_gap: w.meanGap, missing: w.missing, negative: w.negative };
        const writer = await run.openOutput(pairSchema(builder.conversational ?? false, builder.implicit, [{ name: 'weight', type: 'double' }]));
        await writer.write(kept);
      }
      await run.commit(engine.backend, {
        schema: pairSchema(builder.conversational ?? false, builder.implicit),
        report: { path: 'records', ...constructReportJson(builder.report), ...(weightsReport ? { weights: weightsReport } : {}) },
      });
    });
  });
}
