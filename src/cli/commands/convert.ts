// `pairsmith convert <input> -o <output> [--to trl|trl-conversational|kto|candidates|onpolicy|hh-rlhf]`.
// Candidate sets become their max-vs-min pair for pair targets (all scores equal: counted as no pair);
// `pairs` selection rules live in `pairsmith pairs`.
import { Command, Option } from 'commander';
import type { RowWriter } from '../../io/node/write.js';
import {
  candidatesRow,
  candidatesSchema,
  hhRow,
  hhSchema,
  onpolicyRow,
  onpolicySchema,
  ktoRows,
  ktoSchema,
  maxMinPair,
  pairOf,
  TARGETS,
  trlRow,
  trlSchema,
  type ColumnSpec,
  type OutputRow,
  type Pair,
  type Target,
} from '../../io/rows.js';
import type { CandidateRecord, InputRecord } from '../../io/types.js';
import type { CliContext } from '../context.js';
import { withDataRun, type DataRun } from '../data-run.js';
import { addInputOptions, INPUT_HELP, parseInputOptions } from '../options.js';

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

function schemaFor(to: Target, conversational: boolean, withScores: boolean): ColumnSpec[] {
  switch (to) {
    case 'trl':
      return trlSchema(false, withScores);
    case 'trl-conversational':
      return trlSchema(true, withScores);
    case 'kto':
      return ktoSchema(conversational);
    case 'candidates':
      return candidatesSchema(conversational);
    case 'onpolicy':
      return onpolicySchema(conversational);
    case 'hh-rlhf':
      return hhSchema();
  }
}

function asCandidates(r: InputRecord): CandidateRecord {
  if (r.kind === 'candidates') return r;
  const c: CandidateRecord = {
    kind: 'candidates',
    index: r.index,
    line: r.line,
    prompt: r.prompt,
    responses: [r.chosen, r.rejected],
    scores: [r.scoreChosen ?? null, r.scoreRejected ?? null],
    conversational: r.conversational,
    raw: r.raw,
  };
  if (r.id !== undefined) c.id = r.id;
  return c;
}

/** Rows for one record, or the no-pair reason. */
function convertOne(r: InputRecord, to: Target, conversational: boolean, withScores: boolean): { rows: OutputRow[]; pairs: number } | { noPair: string } {
  if (to === 'candidates') return { rows: [candidatesRow(asCandidates(r), conversational)], pairs: 0 };
  if (to === 'onpolicy') return { rows: [onpolicyRow(asCandidates(r), conversational)], pairs: 0 };
  let pair: Pair;
  if (r.kind === 'pair') pair = pairOf(r);
  else {
    const p = maxMinPair(r);
    if ('noPair' in p) return { noPair: p.noPair };
    pair = p;
  }
  if (to === 'kto') return { rows: ktoRows(pair, conversational), pairs: 0 };
  if (to === 'hh-rlhf') return { rows: [hhRow(pair)], pairs: 1 };
  return { rows: [trlRow(pair, to === 'trl-conversational', withScores)], pairs: 1 };
}

interface ConvertOpts {
  output: string;
  to: Target;
}

export function convertCommand(ctx: CliContext): Command {
  const cmd = new Command('convert')
    .description('convert between formats: TRL (standard or conversational), KTO unpaired, candidates, onpolicy, hh-rlhf')
    .argument('<input>', 'input file (.jsonl, .jsonl.gz, .json, .parquet) or - for stdin')
    .requiredOption('-o, --output <output>', 'output file (.jsonl, .jsonl.gz, .parquet) or - for stdout')
    .addOption(new Option('--to <target>', 'output format').choices([...TARGETS]).default('trl'));
  addInputOptions(cmd);
  return cmd.addHelpText('after', EXAMPLES + INPUT_HELP).action(async (input: string, opts: ConvertOpts & Record<string, unknown>) => {
    const engine = await ctx.engine();
    const options = parseInputOptions(opts);
    const parameters = { to: opts.to, output: opts.output };
    await withDataRun(ctx, { command: 'convert', input, output: opts.output, options, parameters }, async (run: DataRun) => {
      let writer: RowWriter | undefined;
      let conversational = opts.to === 'trl-conversational';
      // score_chosen/score_rejected columns are written when the input has scores (decided by the first record).
      let withScores = false;
      for await (const chunk of run.records()) {
        const rows: OutputRow[] = [];
        for (const r of chunk.records) {
          if (!writer) {
            // The first record fixes the column types (kto/candidates follow the input's form).
            if (opts.to === 'kto' || opts.to === 'candidates' || opts.to === 'onpolicy') conversational = r.conversational;
            withScores = r.kind === 'candidates' || r.scoreChosen !== undefined || r.scoreRejected !== undefined;
            writer = await run.openOutput(schemaFor(opts.to, conversational, withScores));
          }
          const c = convertOne(r, opts.to, conversational, withScores);
          if ('noPair' in c) run.tally.noPairFor(c.noPair);
          else {
            rows.push(...c.rows);
            run.tally.written(c.rows.length, c.pairs);
          }
        }
        if (writer && rows.length) await writer.write(rows);
      }
      await run.commit(engine.backend, { schema: schemaFor(opts.to, conversational, withScores) });
    });
  });
}
