// `pairsmith route <pairs> --dpo <out> --sft <out> --threshold t | --hard-fraction f`: small-margin pairs go
// to SFT on the chosen response (TRL prompt-completion), the rest to DPO, easy first (MixDPO).
import { Command } from 'commander';
import { openRowWriter } from '../../io/node/write.js';
import { routeRows, type Row } from '../../pipeline/rows.js';
import type { CliContext } from '../context.js';
import { withDataRun } from '../data-run.js';
import { CliError, EXIT } from '../io.js';
import { addInputOptions, INPUT_HELP, parseInputOptions } from '../options.js';
import { numberArg } from '../pair-options.js';
import { pairRecordRow } from '../row-input.js';
import { inferSchema } from '../row-input.js';
import { writeRows } from '../select-step.js';

const EXAMPLES = `
Examples:
  $ pairsmith route pairs.jsonl --dpo dpo.jsonl --sft sft.jsonl --threshold 0.5
  $ pairsmith route pairs.jsonl --dpo dpo.jsonl --sft sft.jsonl --hard-fraction 0.1
  $ pairsmith route selected.jsonl --dpo dpo.jsonl --sft sft.jsonl --hard-fraction 0.1 --margin-field implicit_margin
A pair is hard when its margin < t (strict), or when it is among the floor(f * n) smallest margins. The margin
is score_chosen - score_rejected (or --margin-field). DPO rows keep every column and add route = "dpo", sorted
by margin, largest first (ties: input order, or a seeded order with --tie-seed); SFT rows are {prompt,
completion (= chosen), margin, pair_id, route = "sft"}, continuing that order. A pair without a margin is
rejected (missing_field). The manifest and rejects are written beside the --dpo output.
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
    await withDataRun(ctx, { command: 'route', input, output: opts.dpo, options, parameters }, async (run) => {
      const rows: Row[] = [];
      const lines: number[] = [];
      for await (const chunk of run.records()) {
        for (const r of chunk.records) {
          if (r.kind !== 'pair') throw new CliError(`${input}: route takes preference pairs; the input holds candidate sets (run pairs first)`, EXIT.USAGE);
          rows.push(pairRecordRow(r));
          lines.push(r.line);
        }
      }
      const margins = rows.map((r) => {
        const v = field ? r[field] : typeof r.score_chosen === 'number' && typeof r.score_rejected === 'number' ? r.score_chosen - r.score_rejected : undefined;
        return typeof v === 'number' ? v : Number.NaN;
      });
      const routed = routeRows(rows, margins, threshold !== undefined ? { threshold, tieSeed } : { hardFraction, tieSeed });
      const missingField = field ?? 'score_chosen';
      for (const i of routed.missing) {
        run.tally.reject('missing_field');
        if (options.onError === 'fail') throw new CliError(`bad record at ${input}:${lines[i]}:${missingField}: missing_field: no margin (--on-error fail; no output written)`, EXIT.BAD_INPUT);
      }
      await run.writeRejects(
        routed.missing.map((i) => ({ file: input, line: lines[i]!, field: missingField, reason: 'missing_field' as const, detail: `no numeric margin (${field ? `'${field}'` : 'score_chosen - score_rejected'})`, record: rows[i] })),
      );
      for (let i = 0; i < routed.dpo.length + routed.sft.length; i++) run.tally.written(1, i < routed.dpo.length ? 1 : 0);
      await writeRows(run, routed.dpo);
      const { schema, rows: sftRows } = inferSchema(routed.sft);
      const sft = await openRowWriter(opts.sft, schema, { cwd: ctx.io.cwd });
      try {
        await sft.write(sftRows);
        await run.commit(engine.backend, { report: { dpo: routed.dpo.length, sft: routed.sft.length, no_margin: routed.missing.length, sft_output: opts.sft } });
        await sft.commit();
      } catch (e) {
        await sft.abort();
        throw e;
      }
    });
  });
}
