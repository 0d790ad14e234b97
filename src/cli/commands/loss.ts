// `pairsmith loss`: every requested DPO-family loss, rewards, margins and gradients for rows of given
// log-probs, with TRL's summary metrics. Rows come from JSONL (numbers or per-token arrays).
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Engine } from '../../engine.js';
import { F_DIVERGENCES, LOSS_TYPES, RATING_LOSSES, type FDivergence, type LossResult, type LossType } from '../../kernels/losses.js';
import { dpoMetrics } from '../../losses/metrics.js';
import type { CliContext } from '../context.js';
import { CliError, EXIT } from '../io.js';

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
  output?: string;
  json?: boolean;
  onError: 'fail' | 'skip';
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
Input: JSONL, one pair per line, with policy_chosen_logps, policy_rejected_logps, reference_chosen_logps and
reference_rejected_logps (TRL's chosen_logps, rejected_logps, ref_chosen_logps, ref_rejected_logps work too),
each a number (sequence sum) or an array of per-token log-probs (summed). Optional: chosen_length and
rejected_length (token counts; ipo then uses per-token means, sft a token mean), score_chosen and score_rejected
(the rating gap of rdpo, ripo, ml-rdpo, odpo). '-' reads stdin.

Loss types: ${LOSS_TYPES.join(', ')}.
bco_pair (running mean), aot, aot_unpaired and sft couple the rows of consecutive --batch-size batches.

Examples:
  $ pairsmith loss pairs.jsonl --loss sigmoid,ipo,aot --beta 0.1
  $ pairsmith loss pairs.jsonl --loss sigmoid --label-smoothing 0.3 --json      cDPO, summary as JSON
  $ pairsmith loss pairs.jsonl --loss sigmoid,robust --f-divergence js_divergence -o rows.jsonl
  $ pairsmith loss rated.jsonl --loss rdpo,ml-rdpo,odpo --rating-beta 0.5 --rating-variance 1
`;

export function lossCommand(ctx: CliContext): Command {
  return new Command('loss')
    .description('DPO-family losses, rewards, margins and gradients for given log-probs, with TRL metrics')
    .argument('<input>', "JSONL file of log-probs ('-' for stdin)")
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
    .addOption(new Option('--on-error <mode>', 'bad rows: fail (exit 3) or skip them').choices(['fail', 'skip']).default('fail'))
    .option('-o, --output <file>', 'write one JSON line per row (loss, rewards, margin, gradients)')
    .option('--json', 'print the summary as JSON on stdout')
    .addHelpText('after', HELP)
    .action(async (input: string, opts: LossCliOptions) => {
      const engine = await ctx.engine();
      const rows = await readRows(ctx, engine, input, opts);
      if (rows.rejected > 0) ctx.info(`pairsmith loss: skipped ${rows.rejected} bad row(s)`);
      const result = engine.dpoLosses(
        {
          policyChosen: rows.pc,
          policyRejected: rows.pr,
          referenceChosen: rows.rc,
          referenceRejected: rows.rr,
          chosenLength: rows.nw,
          rejectedLength: rows.nl,
          gap: rows.gap,
        },
        {
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
        },
      );
      if (opts.output) await writeRows(resolve(ctx.io.cwd ?? process.cwd(), opts.output), rows.index, result, opts.loss);
      const { metrics, counts } = dpoMetrics(result, rows.pc, rows.pr);
      const summary = { backend: engine.backend, rows: rows.pc.length, rejected: rows.rejected, metrics, rows_per_loss: counts };
      if (opts.json) ctx.io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
      else ctx.io.stdout(table(summary.backend, summary.rows, metrics, counts));
    });
}

interface Rows {
  index: number[];
  pc: Float64Array;
  pr: Float64Array;
  rc: Float64Array;
  rr: Float64Array;
  nw?: Float64Array;
  nl?: Float64Array;
  gap?: Float64Array;
  rejected: number;
}

const FIELDS = [
  ['policy_chosen_logps', 'chosen_logps'],
  ['policy_rejected_logps', 'rejected_logps'],
  ['reference_chosen_logps', 'ref_chosen_logps'],
  ['reference_rejected_logps', 'ref_rejected_logps'],
] as const;

class RowError extends Error {}

/** A log-prob field: a finite number, or an array of finite per-token log-probs (summed; its length counted). */
function logps(engine: Engine, obj: Record<string, unknown>, names: readonly [string, string]): { sum: number; tokens?: number } {
  const name = names.find((k) => k in obj);
  if (name === undefined) throw new RowError(`${names[0]}: missing (or ${names[1]})`);
  const v = obj[name];
  if (typeof v === 'number' && Number.isFinite(v)) return { sum: v };
  if (Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    // TODO(#3): sum per-token arrays with the sequenceLogps kernel once it lands.
    return { sum: engine.sum(Float64Array.from(v as number[])).sum, tokens: v.length };
  }
  throw new RowError(`${name}: must be a finite number or an array of finite numbers`);
}

function optionalNumber(obj: Record<string, unknown>, name: string, check: (x: number) => boolean, what: string): number | undefined {
  const v = obj[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) throw new RowError(`${name}: must be ${what}`);
  return v;
}

/**
 * Reads and checks the rows. TODO(#4): switch to the shared datasets reader (JSONL + Parquet, reject rules)
 * when it lands; this minimal JSONL reader exists only until then.
 */
async function readRows(ctx: CliContext, engine: Engine, input: string, opts: LossCliOptions): Promise<Rows> {
  const file = input === '-' ? '<stdin>' : input;
  let stream: NodeJS.ReadableStream;
  if (input === '-') {
    if (!ctx.io.stdin) throw new CliError('no stdin available for input -', EXIT.USAGE);
    stream = ctx.io.stdin;
  } else {
    const path = resolve(ctx.io.cwd ?? process.cwd(), input);
    const s = createReadStream(path);
    try {
      await once(s, 'open');
    } catch (e) {
      throw new CliError(`cannot read ${input}: ${(e as Error).message}`, EXIT.BAD_INPUT);
    }
    stream = s;
  }
  const needGap = opts.loss.some((t) => RATING_LOSSES.includes(t));
  const odpo = opts.loss.includes('odpo');
  const cols: number[][] = [[], [], [], [], [], [], []];
  const index: number[] = [];
  let lengthsSeen: boolean | undefined;
  let rejected = 0;
  let line = 0;
  let dataRow = -1;
  for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '') continue;
    dataRow++;
    try {
      let obj: unknown;
      try {
        obj = JSON.parse(text);
      } catch (e) {
        throw new RowError(`invalid JSON (${(e as Error).message})`);
      }
      if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new RowError('a row must be a JSON object');
      const o = obj as Record<string, unknown>;
      const [c, r, rc, rr] = FIELDS.map((names) => logps(engine, o, names));
      const nw = optionalNumber(o, 'chosen_length', (x) => x >= 0 && Number.isInteger(x), 'an integer >= 0') ?? c!.tokens;
      const nl = optionalNumber(o, 'rejected_length', (x) => x >= 0 && Number.isInteger(x), 'an integer >= 0') ?? r!.tokens;
      const hasLengths = nw !== undefined && nl !== undefined;
      lengthsSeen ??= hasLengths;
      if (hasLengths !== lengthsSeen) {
        throw new RowError(`${nw === undefined ? 'chosen_length' : 'rejected_length'}: ${lengthsSeen ? 'missing, but earlier rows have token counts' : 'given, but earlier rows have none'} (give all rows token counts or none)`);
      }
      const sc = optionalNumber(o, 'score_chosen', () => true, 'a finite number');
      const sr = optionalNumber(o, 'score_rejected', () => true, 'a finite number');
      if ((sc === undefined) !== (sr === undefined)) throw new RowError(`${sc === undefined ? 'score_chosen' : 'score_rejected'}: missing (give both scores or neither)`);
      const gap = sc !== undefined && sr !== undefined ? sc - sr : NaN;
      if (odpo && gap <= 0) throw new RowError(`score_chosen: odpo needs score_chosen > score_rejected (gap ${gap})`);
      const values = [c!.sum, r!.sum, rc!.sum, rr!.sum, nw ?? 1, nl ?? 1, gap];
      values.forEach((v, k) => cols[k]!.push(v));
      index.push(dataRow);
    } catch (e) {
      if (!(e instanceof RowError)) throw e;
      const msg = `${file}:${line}: ${e.message}`;
      if (opts.onError === 'fail') throw new CliError(msg, EXIT.BAD_INPUT);
      ctx.info(`pairsmith loss: skipped ${msg}`);
      rejected++;
    }
  }
  const rows: Rows = {
    index,
    pc: Float64Array.from(cols[0]!),
    pr: Float64Array.from(cols[1]!),
    rc: Float64Array.from(cols[2]!),
    rr: Float64Array.from(cols[3]!),
    rejected,
  };
  if (lengthsSeen) {
    rows.nw = Float64Array.from(cols[4]!);
    rows.nl = Float64Array.from(cols[5]!);
  }
  if (needGap || cols[6]!.some((g) => !Number.isNaN(g))) rows.gap = Float64Array.from(cols[6]!);
  if (needGap && rows.gap!.every((g) => Number.isNaN(g)) && rows.pc.length > 0) {
    throw new CliError(`${file}: ${opts.loss.filter((t) => RATING_LOSSES.includes(t)).join(', ')} need score_chosen and score_rejected, and no row has them`, EXIT.BAD_INPUT);
  }
  return rows;
}

const num = (v: number): number | null => (Number.isNaN(v) ? null : v);

/** Writes one JSON line per row to a temp file next to `path`, then renames it into place. */
async function writeRows(path: string, index: number[], result: LossResult, types: LossType[]): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const out = createWriteStream(tmp);
  try {
    for (let i = 0; i < index.length; i++) {
      const loss: Record<string, number | null> = {};
      const grad: Record<string, [number | null, number | null]> = {};
      for (const t of types) {
        loss[t] = num(result.loss[t]![i]!);
        grad[t] = [num(result.gradChosen[t]![i]!), num(result.gradRejected[t]![i]!)];
      }
      const row = {
        index: index[i],
        loss,
        chosen_reward: result.chosenReward[i],
        rejected_reward: result.rejectedReward[i],
        margin: result.margin[i],
        grad,
      };
      if (!out.write(`${JSON.stringify(row)}\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    await rename(tmp, path);
  } catch (e) {
    out.destroy();
    await rm(tmp, { force: true });
    throw new CliError(`cannot write ${path}: ${(e as Error).message}`, EXIT.FAILURE);
  }
}

function table(backend: string, n: number, metrics: Record<string, number | null>, counts: Partial<Record<LossType, number>>): string {
  const width = Math.max(...Object.keys(metrics).map((k) => k.length));
  const lines = [`rows: ${n}  backend: ${backend}`];
  for (const [k, v] of Object.entries(metrics)) {
    const t = k.startsWith('loss/') ? (k.slice(5) as LossType) : undefined;
    const note = t !== undefined && counts[t] !== n ? `  (${counts[t]} rows with a rating)` : '';
    lines.push(`${k.padEnd(width)}  ${v === null ? '-' : v.toPrecision(10)}${note}`);
  }
  return `${lines.join('\n')}\n`;
}
