// `pairsmith loss`: every requested DPO-family loss, rewards, margins and gradients for rows of given
// log-probs, with TRL's summary metrics. Rows come through the shared datasets layer (.jsonl, .jsonl.gz,
// .json, .parquet, stdin; rejects and manifest) and are evaluated chunk by chunk (LossEvaluator).
import { Command, InvalidArgumentError, Option } from 'commander';
import { outputKind } from '../../io/node/output.js';
import {
  F_DIVERGENCES,
  LOSS_DEFAULTS,
  LOSS_TYPES,
  resolveLossOptions,
  TRL_DEFAULTS,
  TRL_VERSIONS,
  type FDivergence,
  type LossOptions,
  type LossType,
  type TrlVersion,
} from '../../kernels/losses.js';
import { LossRowChecker } from '../../losses/loss-rows.js';
import type { CliContext } from '../context.js';
import { withDataRun } from '../data-run.js';
import { CliError, EXIT } from '../io.js';
import { addRowInputOptions, parseRowInputOptions } from '../options.js';
import { LossEvaluator } from './loss-run.js';

interface LossCliOptions {
  loss: LossType[];
  lossWeights?: number[];
  trl: TrlVersion;
  beta: number;
  labelSmoothing: number;
  fDivergence: FDivergence;
  fAlpha?: number;
  discopopTau: number;
  batchSize: number;
  bcoRunningMean?: boolean;
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

function weightList(v: string): number[] {
  const parts = v.split(',').map((s) => s.trim());
  const w = parts.map(Number);
  if (parts.some((s) => s === '') || w.some((x) => !Number.isFinite(x))) throw new InvalidArgumentError(`--loss-weights must be finite numbers, got '${v}'`);
  return w;
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
chunks are whole batches, and bco_pair's running mean carries from chunk to chunk. A row a loss cannot use (rdpo,
ripo without scores; odpo without scores or with score_chosen <= score_rejected) gets null for that loss and is
counted under invalid_by_loss; it is rejected only when no requested loss can use it.

--trl v0.28 (default) or v1 follows that TRL version where they differ: under v1 sigmoid ignores
--label-smoothing, bco_pair has no running mean, --f-alpha is v1's alpha (default 0.5; v0.28's a defaults to 1),
the f-divergence enters every loss that uses the scores, and exo_pair needs --label-smoothing > 0.
--loss-weights w1,w2,... (one per --loss) reports loss/total = sum of w_k * loss/<k>, TRL's combined loss
(e.g. MPO: --loss sigmoid,bco_pair,sft --loss-weights 0.8,0.2,1).

Examples:
  $ pairsmith loss pairs.jsonl --loss sigmoid,ipo,aot --beta 0.1
  $ pairsmith loss pairs.jsonl --loss sigmoid --label-smoothing 0.3 --json      cDPO, summary as JSON
  $ pairsmith loss logps.parquet --loss sigmoid,robust --f-divergence js_divergence -o rows.jsonl.gz
  $ pairsmith loss rated.jsonl --loss rdpo,ml-rdpo,odpo --rating-beta 0.5 --rating-variance 1
  $ pairsmith loss pairs.jsonl --loss sigmoid,bco_pair,sft --loss-weights 0.8,0.2,1 --trl v1   MPO, as TRL v1
`;

export function lossCommand(ctx: CliContext): Command {
  const cmd = new Command('loss')
    .description('DPO-family losses, rewards, margins and gradients for given log-probs, with TRL metrics')
    .argument('<input>', "log-probs: .jsonl, .jsonl.gz, .json, .parquet, or - for stdin")
    .addOption(new Option('--loss <types>', 'comma-separated loss types').argParser(lossList).default(['sigmoid'], 'sigmoid'))
    .option('--loss-weights <w>', 'one weight per --loss: reports loss/total = sum of w_k * loss/<k> (TRL loss_weights)', weightList)
    .addOption(new Option('--trl <version>', 'follow this TRL version where versions differ').choices(TRL_VERSIONS).default(LOSS_DEFAULTS.trl))
    .option('--beta <beta>', 'DPO beta (> 0)', number('--beta', (x) => x > 0, 'a number > 0'), LOSS_DEFAULTS.beta)
    .option('--label-smoothing <eps>', 'label smoothing in [0, 0.5): robust, exo_pair, aot*; cDPO for sigmoid (v0.28)', number('--label-smoothing', (x) => x >= 0 && x < 0.5, 'in [0, 0.5)'), LOSS_DEFAULTS.labelSmoothing)
    .addOption(new Option('--f-divergence <kind>', 'f-DPO divergence of the DPO logit').choices(F_DIVERGENCES).default(LOSS_DEFAULTS.fDivergence))
    .option('--f-alpha <a>', `alpha_divergence coefficient: v0.28's a (default ${TRL_DEFAULTS['v0.28'].fAlpha}) or v1's alpha (default ${TRL_DEFAULTS.v1.fAlpha})`, number('--f-alpha', () => true, 'a number'))
    .option('--discopop-tau <tau>', 'DiscoPOP temperature (> 0)', number('--discopop-tau', (x) => x > 0, 'a number > 0'), LOSS_DEFAULTS.discopopTau)
    .option('--batch-size <n>', 'rows per batch for batch-coupled losses', number('--batch-size', (x) => Number.isInteger(x) && x >= 1 && x < 2 ** 31, 'an integer >= 1'), LOSS_DEFAULTS.batchSize)
    .option('--bco-running-mean', 'bco_pair with the running-mean shift (default under --trl v0.28)')
    .option('--no-bco-running-mean', 'bco_pair without the running-mean shift (default under --trl v1)')
    .option('--rating-beta <beta1>', 'RDPO/RIPO trust in ratings beta1 (> 0)', number('--rating-beta', (x) => x > 0, 'a number > 0'), LOSS_DEFAULTS.ratingBeta)
    .option('--rating-variance <V>', 'ML-RDPO rating-noise variance V (> 0)', number('--rating-variance', (x) => x > 0, 'a number > 0'), LOSS_DEFAULTS.ratingVariance)
    .option('--odpo-alpha <alpha>', 'ODPO offset scale alpha (>= 0)', number('--odpo-alpha', (x) => x >= 0, 'a number >= 0'), LOSS_DEFAULTS.odpoAlpha)
    .option('--chunk-size <rows>', 'rows evaluated per chunk (memory bound), rounded up to whole batches', number('--chunk-size', (x) => Number.isInteger(x) && x >= 1 && x < 2 ** 31, 'an integer >= 1'), 1000)
    .option('-o, --output <file>', 'one JSON line per row (.jsonl, .jsonl.gz, or - for stdout), with <out>.rejects.jsonl and <out>.manifest.json')
    .option('--json', 'print the summary as JSON on stdout');
  addRowInputOptions(cmd);
  return cmd.addHelpText('after', HELP).action(async (input: string, opts: LossCliOptions & Record<string, unknown>) => {
    const output = opts.output ?? null;
    if (output !== null && output !== '-' && outputKind(output) === 'parquet') {
      throw new CliError('-o: per-row loss output is JSON Lines (.jsonl, .jsonl.gz or - for stdout), not Parquet', EXIT.USAGE);
    }
    if (opts.lossWeights !== undefined && opts.lossWeights.length !== opts.loss.length) {
      throw new CliError(`--loss-weights has ${opts.lossWeights.length} weights for ${opts.loss.length} loss types (one per --loss)`, EXIT.USAGE);
    }
    const engine = await ctx.engine();
    const options = parseRowInputOptions(opts);
    // Chunks are whole batches, so batch-coupled losses see the same batches as in one pass.
    const chunkRows = Math.ceil(opts.chunkSize / opts.batchSize) * opts.batchSize;
    const lossOptions: LossOptions = {
      losses: opts.loss,
      trl: opts.trl,
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
    // the manifest records every setting, defaults of the TRL version included
    const { bcoRunningState: _state, ...settings } = resolveLossOptions(lossOptions);
    const parameters = { ...settings, ...(opts.lossWeights ? { loss_weights: opts.lossWeights } : {}), chunk_size: chunkRows, output };
    await withDataRun(ctx, { command: 'loss', input, output, options, parameters }, async (run) => {
      const checker = new LossRowChecker({ losses: opts.loss, beta: opts.beta });
      const writer = output !== null ? await run.objectWriter() : undefined;
      const job = run.job(engine);
      const evaluator = new LossEvaluator(engine, lossOptions, chunkRows, writer, job.tally);
      for await (const rows of job.rows(checker.adapt, chunkRows)) await evaluator.push(rows, checker.withLengths === true);
      await evaluator.finish(checker.withLengths === true);
      evaluator.checkRatings(input);
      const { metrics, counts } = evaluator.metrics.result(opts.loss, opts.lossWeights);
      const invalid = evaluator.invalidByLoss;
      const manifest = await run.commit({ tally: job.tally, format: 'logps', report: { rows_per_loss: counts, invalid_by_loss: invalid } }, engine.backend);
      const summary = {
        backend: engine.backend,
        rows: manifest.records.written,
        rejected: manifest.records.rejected,
        records: manifest.records,
        rejected_by_reason: manifest.rejected_by_reason,
        excluded_by_reason: manifest.excluded_by_reason,
        metrics,
        rows_per_loss: counts,
        invalid_by_loss: invalid,
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
    const note = t !== undefined && counts[t] !== n ? `  (${counts[t]} of ${n} rows)` : '';
    lines.push(`${k.padEnd(width)}  ${v === null ? '-' : v.toPrecision(10)}${note}`);
  }
  return `${lines.join('\n')}\n`;
}
