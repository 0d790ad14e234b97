// `pairsmith select <pairs-or-candidates> -o <out>`: rank pairs by the external margin, the implicit margin,
// their sum (add) or their calibrated Bayesian fusion (bees), and keep the top fraction or top k.
import { Command } from 'commander';
import { FileSpool } from '../../io/node/spool.js';
import { runSelect } from '../../pipeline/run-select.js';
import type { OutputKind } from '../../io/node/output.js';
import type { CliContext } from '../context.js';
import { pipelineEngine } from '../engine-port.js';
import { withDataRun } from '../data-run.js';
import { addInputOptions, addOutputOptions, addShardOption, INPUT_HELP, parseInputOptions } from '../options.js';
import { runPartial } from '../partial.js';
import { addPairOptions, addSelectOptions, pairParameters, parsePairOptions, parseSelectOptions } from '../pair-options.js';
import { emitReport } from '../select-step.js';

const EXAMPLES = `
Examples:
  $ pairsmith select pairs.jsonl -o top.jsonl --fraction 0.1                  # bees when log-probs exist
  $ pairsmith select pairs.jsonl -o top.jsonl --top 6000 --by external --report
  $ pairsmith select pairs.jsonl -o top.jsonl --fraction 0.1 --by bees --upper-external 4 --report sel.json
  $ pairsmith select samples.jsonl -o top.jsonl --fraction 0.25              # candidates: sweet-spot pairs first
  $ pairsmith select pairs.jsonl -o top.jsonl --top 6000 --by bees --calibration official   # the released code's arithmetic
  $ pairsmith select pairs.jsonl -o top.jsonl --fraction 0.1 --by bees --scale-external auto  # small RM gaps (ArmoRM)
Margins: external = score_chosen - score_rejected; implicit = implicit_margin, or from policy_chosen_logps,
policy_rejected_logps, reference_chosen_logps, reference_rejected_logps (numbers or token lists):
beta * [(pi(w) - ref(w)) - (pi(l) - ref(l))], beta = 1 (Less-is-More). bees calibrates each margin to
p = (clip(m, L, U) - L) / (U - L) (L = -2, U searched: start trunc(max / 1.5) external, trunc(max / 2)
implicit, +1 while the tail above U holds >= 30 margins and >= max - U) and ranks by
logit(p_ex) + logit(p_im) with p clipped to [eps, 1 - eps]; ties: score, then m_ex + m_im, then input order.
--calibration official: p = (clip(m, L, U) - L) / (max(clip(m, L, U)) - L), P = p_ex p_im / (p_ex p_im +
(1 - p_ex)(1 - p_im)) with its NaN (0/0) kept, order of numpy's stable argsort taken from the end (NaN first,
equal P: later row first); NaN pairs are counted in the report. A source whose p spans < 0.2 is warned about.
--scale-external s: p_external = p(s * m_ex); auto: s = IQR(m_im) / IQR(m_ex). Rankings by external/add and
the tie-break use the raw margins.
Rows keep every input column and add p_external, p_implicit, selection_score (the margin, the sum, or
the fused probability for bees) and selected (the 1-based rank; null for dropped rows with --all).
`;

export function selectCommand(ctx: CliContext): Command {
  const cmd = new Command('select')
    .description('keep the pairs with the largest margins: external, implicit, add, or bees (calibrated Bayesian fusion)')
    .argument('<input>', 'pairs (or candidate sets, turned into pairs first) or - for stdin')
    ;
  addOutputOptions(cmd);
  addSelectOptions(cmd);
  addPairOptions(cmd);
  addInputOptions(cmd);
  addShardOption(cmd, 'writes a partial result (-o a .jsonl file, plus <out>.margins.jsonl) for pairsmith merge');
  return cmd.addHelpText('after', EXAMPLES + INPUT_HELP).action(async (input: string, opts: Record<string, unknown> & { output: string }) => {
    const engine = await ctx.engine();
    const options = parseInputOptions(opts);
    const p = parsePairOptions(opts);
    const sel = parseSelectOptions(opts);
    const parameters = { ...pairParameters(p), by: sel.by, ...sel.select, all: sel.all, output: opts.output };
    await withDataRun(ctx, { command: 'select', input, output: opts.output, options, parameters, twoPass: true, outputFormat: opts.outputFormat as OutputKind | undefined }, async (run) => {
      const o = { ...p.pairs, weights: p.weights, by: sel.by, select: sel.select, all: sel.all };
      if (options.shard) return runPartial(ctx, run, engine, o, { command: 'select', report: sel.report ?? null });
      const out = (await run.openMain())!;
      const result = await runSelect(
        pipelineEngine(engine),
        run.input,
        run.read,
        { ...o, spool: () => new FileSpool(), spill: () => new FileSpool() },
        { main: out.sink },
        run.hooks,
        run.pool(engine),
      );
      await emitReport(ctx, result.report.selection as Record<string, unknown>, sel.report);
      await run.commit(result, engine.backend);
    });
  });
}
