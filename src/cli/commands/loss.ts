// `pairsmith loss`: every requested DPO-family loss, rewards, margins and gradients for rows of given
// log-probs, with TRL's summary metrics. Rows come through the shared datasets layer (.jsonl, .jsonl.gz,
// .json, .parquet, stdin; rejects and manifest) and are evaluated chunk by chunk (LossEvaluator).
import { Command, InvalidArgumentError, Option } from 'commander';
import { outputKind } from '../../io/node/output.js';
import { F_DIVERGENCES, LOSS_TYPES, type FDivergence, type LossType } from '../../kernels/losses.js';
import { LossRowChecker } from '../../losses/rows.js';
import type { CliContext } from '../context.js';
import { withDataRun } from '../data-run.js';
import { CliError, EXIT } from '../io.js';
import { addRowInputOptions, parseRowInputOptions } from '../options.js';
import { LossEvaluator } from './loss-run.js';

interface LossCliOptions {
  loss: LossType[];
  beta: number;
  labelSmoothing: number;
  fDivergence: FDivergence;
  fAlpha: number;
  discopopTau: number;
  batchSize: number;
  bcoRunningMean: boolean;
  ratingBeta: number;
  ratingVariance: number;
  odpoAlpha: number;
  chunkSize: number;
  output?: string;
  json?: boolean;
}

const number =
  (name: string, check: (x: number) => boolean, what: string) =>
  (v: string): number => {
    const x = Number(v);
    if (v.trim() === '' || !Number.isFinite(x) || !check(x)) throw new InvalidArgumentError(`${name} must be ${what}, got '${v}'`);
    return x;
  };

function lossList(v: string): LossType[] {
  const names = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new InvalidArgumentError('name at least one loss type');
  for (const s of names) {
    if (!(LOSS_TYPES as readonly string[]).includes(s)) throw new InvalidArgumentError(`unknown loss type '${s}' (use ${LOSS_TYPES.join(', ')})`);
  }
  if (new Set(names).size !== names.length) throw new InvalidArgumentError('a loss type is listed twice');
  return names as LossType[];
}

const HELP = `
Input: .jsonl, .jsonl.gz (any gzip input is detected), .json (one array), .parquet, or - for stdin; one pair per
row with policy_chosen_logps, policy_rejected_logps, reference_chosen_logps and reference_rejected_logps (TRL's
chosen_logps, rejected_logps, ref_chosen_logps, ref_rejected_logps work too), each a number (sequence sum) or
an array of per-token log-probs (summed by the sequenceLogps kernel). Optional: chosen_length and rejected_length
(token counts; ipo then uses per-token means, sft a token mean), score_chosen and score_rejected (the rating gap
of rdpo, ripo, ml-rdpo, odpo; a null or non-finite score leaves the row unrated and is counted as excluded).

Bad rows are written to <out>.rejects.jsonl ({"file","line","field","reason","detail","record"}) and counted in
<out>.manifest.json (with -o a file); --on-error fail stops at the first one (exit 3, naming file:line:field).

Loss types: ${LOSS_TYPES.join(', ')}.
bco_pair (running mean), aot, aot_unpaired and sft couple the rows of consecutive --batch-size batches;
chunks are whole batches, and bco_pair's running mean carries from chunk to chunk.

Examples:
  $ pairsmith loss pairs.jsonl --loss sigmoid,ipo,aot --beta 0.1
  $ pairsmith loss pairs.jsonl --loss sigmoid --label-smoothing 0.3 --json      cDPO, summary as JSON
  $ pairsmith loss logps.parquet --loss sigmoid,robust --f-divergence js_divergence -o rows.jsonl.gz
  $ pairsmith loss rated.jsonl --loss rdpo,ml-rdpo,odpo --rating-beta 0.5 --rating-variance 1
`;

export function lossCommand(ctx: CliContext): Command {
  const cmd = new Command('loss')
    .description('DPO-family losses, rewards, margins and gradients for given log-probs, with TRL metrics')
    .argument('<input>', "log-probs: .jsonl, .jsonl.gz, .json, .parquet, or - for stdin")
    .addOption(new Option('--loss <types>', 'comma-separated loss types').argParser(lossList).default(['sigmoid'], 'sigmoid'))
    .option('--beta <beta>', 'DPO beta (> 0)', number('--beta', (x) => x > 0, 'a number > 0'), 0.1)
    .option('--label-smoothing <eps>', 'label smoothing in [0, 0.5): cDPO for sigmoid; robust, exo_pair, aot*', number('--label-smoothing', (x) => x >= 0 && x < 0.5, 'in [0, 0.5)'), 0)
    .addOption(new Option('--f-divergence <kind>', 'f-DPO divergence of the DPO logit (sigmoid, robust, hinge, ipo, exo_pair, rating losses)').choices(F_DIVERGENCES).default('reverse_kl'))
    .option('--f-alpha <a>', "alpha_divergence coefficient a (TRL v0.28's alpha_divergence_coef)", number('--f-alpha', () => true, 'a number'), 1)
    .option('--discopop-tau <tau>', 'DiscoPOP temperature (> 0)', number('--discopop-tau', (x) => x > 0, 'a number > 0'), 0.05)
    .option('--batch-size <n>', 'rows per batch for batch-coupled losses', number('--batch-size', (x) => Number.isInteger(x) && x >= 1 && x < 2 ** 31, 'an integer >= 1'), 8)
    .option('--no-bco-running-mean', 'bco_pair without the running-mean shift (TRL v1.x)')
    .option('--rating-beta <beta1>', 'RDPO/RIPO trust in ratings beta1 (> 0)', number('--rating-beta', (x) => x > 0, 'a number > 0'), 1)
    .option('--rating-variance <V>', 'ML-RDPO rating-noise variance V (> 0)', number('--rating-variance', (x) => x > 0, 'a number > 0'), 1)
    .option('--odpo-alpha <alpha>', 'ODPO offset scale alpha (>= 0)', number('--odpo-alpha', (x) => x >= 0, 'a number >= 0'), 1)
    .option('--chunk-size <rows>', 'rows evaluated per chunk (memory bound), rounded up to whole batches', number('--chunk-size', (x) => Number.isInteger(x) && x >= 1 && x < 2 ** 31, 'an integer >= 1'), 1000)
    .option('-o, --output <file>', 'one JSON line per row (.jsonl, .jsonl.gz, or - for stdout), with <out>.rejects.jsonl and <out>.manifest.json')
    .option('--json', 'print the summary as JSON on stdout');
  addRowInputOptions(cmd);
  return cmd.addHelpText('after', HELP).action(async (input: string, opts: LossCliOptions & Record<string, unknown>) => {
    const output = opts.output ?? null;
    if (output !== null && output !== '-' && outputKind(output) === 'parquet') {
      throw new CliError('-o: per-row loss output is JSON Lines (.jsonl, .jsonl.gz or - for stdout), not Parquet', EXIT.USAGE);
    }
    const engine = await ctx.engine();
    const options = parseRowInputOptions(opts);
    // Chunks are whole batches, so batch-coupled losses see the same batches as in one pass.
    const chunkRows = Math.ceil(opts.chunkSize / opts.batchSize) * opts.batchSize;
    const lossOptions = {
      losses: opts.loss,
      beta: opts.beta,
      labelSmoothing: opts.labelSmoothing,
      fDivergence: opts.fDivergence,
      fAlpha: opts.fAlpha,
      discopopTau: opts.discopopTau,
      batchSize: opts.batchSize,
      bcoRunningMean: opts.bcoRunningMean,
      ratingBeta: opts.ratingBeta,
      ratingVariance: opts.ratingVariance,
      odpoAlpha: opts.odpoAlpha,
    };
    const parameters = { ...lossOptions, chunk_size: chunkRows, output };
    await withDataRun(ctx, { command: 'loss', input, output, options, parameters }, async (run) => {
      const checker = new LossRowChecker({ odpo: opts.loss.includes('odpo') });
      const writer = output !== null ? await run.objectWriter() : undefined;
      const job = run.job(engine);
      const evaluator = new LossEvaluator(engine, lossOptions, chunkRows, writer, job.tally);
      for await (const rows of job.rows(checker.adapt, chunkRows)) await evaluator.push(rows, checker.withLengths === true);
      await evaluator.finish(checker.withLengths === true);
      evaluator.checkRatings(input);
      const manifest = await run.commit({ tally: job.tally, format: 'logps' }, engine.backend);
      const { metrics, counts } = evaluator.metrics.result(opts.loss);
      const summary = {
        backend: engine.backend,
        rows: manifest.records.written,
        rejected: manifest.records.rejected,
        records: manifest.records,
        rejected_by_reason: manifest.rejected_by_reason,
        excluded_by_reason: manifest.excluded_by_reason,
        metrics,
        rows_per_loss: counts,
      };
      const text = opts.json ? `${JSON.stringify(summary, null, 2)}\n` : table(summary.backend, summary.rows, summary.rejected, metrics, counts);
      // With -o - the rows own stdout, so the summary goes to stderr.
      if (output === '-') ctx.io.stderr(text);
      else ctx.io.stdout(text);
    });
  });
}

function table(backend: string, n: number, rejected: number, metrics: Record<string, number | null>, counts: Partial<Record<LossType, number>>): string {
  const width = Math.max(...Object.keys(metrics).map((k) => k.length));
  const lines = [`rows: ${n}  rejected: ${rejected}  backend: ${backend}`];
  for (const [k, v] of Object.entries(metrics)) {
    const t = k.startsWith('loss/') ? (k.slice(5) as LossType) : undefined;
    const note = t !== undefined && counts[t] !== n ? `  (${counts[t]} rows with a rating)` : '';
    lines.push(`${k.padEnd(width)}  ${v === null ? '-' : v.toPrecision(10)}${note}`);
  }
  return `${lines.join('\n')}\n`;
}
