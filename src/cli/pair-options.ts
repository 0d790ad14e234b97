// Options shared by pairs, select and curate: pair construction (strategy, positions, transform, drop rules),
// implicit rewards (beta, reduce), selection (by, fraction/top, calibration) and rating-gap weights.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { GRID_ARMS, STRATEGIES, type Fallback, type GridArms, type Strategy } from '../pipeline/construct.js';
import { CALIBRATION_MODES, MISSING_POLICIES, type CalibrationMode, type Missing } from '../pipeline/calibrate.js';
import { parsePosition, positionLabel, positionRank, type Position } from '../pipeline/positions.js';
import type { PairsOptions } from '../pipeline/pairs.js';
import type { RewardOptions } from '../pipeline/candidates.js';
import type { SelectBy, SelectOptions } from '../pipeline/select.js';
import { TRANSFORMS, type Transform } from '../pipeline/transform.js';
import { CliError, EXIT } from './io.js';

export function numberArg(name: string, min = -Infinity, max = Infinity, integer = false) {
  return (v: string): number => {
    const x = Number(v);
    if (v.trim() === '' || !Number.isFinite(x) || x < min || x > max || (integer && !Number.isInteger(x))) {
      const range = `${Number.isFinite(min) ? `>= ${min}` : ''}${Number.isFinite(min) && Number.isFinite(max) ? ' and ' : ''}${Number.isFinite(max) ? `<= ${max}` : ''}`;
      throw new InvalidArgumentError(`${name} must be ${integer ? 'an integer' : 'a number'}${range ? ` ${range}` : ''}, got '${v}'`);
    }
    return x;
  };
}

/** `--rejected min-of-k:K`: the lowest of K random candidates (not a position). */
export interface MinOfK {
  kind: 'min-of-k';
  k: number;
}

function rejectedArg(v: string): Position | MinOfK {
  const m = /^\s*min-of-k\s*:\s*(.*)$/i.exec(v);
  if (!m) return positionArg(v);
  const k = Number(m[1]);
  if (m[1]!.trim() === '' || !Number.isInteger(k) || k < 1) throw new InvalidArgumentError(`min-of-k:K needs an integer K >= 1, got '${v}'`);
  return { kind: 'min-of-k', k };
}

function positionArg(v: string): Position {
  try {
    return parsePosition(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message.replace(/^pairsmith: /, ''));
  }
}

export function addPairOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--strategy <strategy>', 'how the pair of each prompt is chosen').choices([...STRATEGIES]).default('sweet-spot'))
    .option('--chosen <position>', 'chosen position for --strategy positions: max, min, mu, mu+k*sigma (default max)', positionArg)
    .option('--rejected <position>', 'rejected position: mu-2sigma (default), any mu+k*sigma, min, max; or min-of-k:K, the lowest of K random candidates (seeded by --seed)', rejectedArg)
    .addOption(
      new Option('--grid-arms <mode>', 'grid: dedupe (a pair an earlier arm emitted is dropped as duplicate_pair) or independent (each of the 21 arms keeps its own pairs)')
        .choices([...GRID_ARMS])
        .default('dedupe'),
    )
    .addOption(new Option('--transform <t>', 'score transform before the statistics (logit: probabilities, clamped to [1e-6, 1-1e-6])').choices([...TRANSFORMS]).default('none'))
    .addOption(new Option('--std <kind>', 'sigma with ddof 0 (population) or 1 (sample)').choices(['population', 'sample']).default('population'))
    .option('--min-gap <g>', 'drop pairs whose score gap (on the transformed scale) is below g', numberArg('--min-gap', 0), 0)
    .option('--keep-ties', 'keep pairs whose two scores are equal (dropped by default)', false)
    .addOption(new Option('--fallback <mode>', 'when the rejected pick is the chosen one or ties with it: none (no pair) or next-nearest').choices(['none', 'next-nearest']).default('none'))
    .option('--seed <n>', 'seed of max-random and --rejected min-of-k:K', numberArg('--seed', 0, 2 ** 32 - 1, true), 0)
    .option('--beta <b>', 'scale of the implicit margin from log-probs (1: the Less-is-More margin, no beta)', numberArg('--beta', Number.MIN_VALUE), 1)
    .addOption(new Option('--reduce <r>', 'per-token log-probs: sum (sequence log-prob) or mean per token').choices(['sum', 'mean']).default('sum'))
    .addOption(new Option('--weights <kind>', 'add a weight column: rating-gap = gap / mean gap').choices(['rating-gap']));
}

export interface PairCliOptions {
  pairs: PairsOptions & RewardOptions;
  weights: 'rating-gap' | undefined;
}

export function parsePairOptions(o: Record<string, unknown>): PairCliOptions {
  const strategy = o.strategy as Strategy;
  const chosen = o.chosen as Position | undefined;
  const rejectedArg = o.rejected as Position | MinOfK | undefined;
  const minOfK = rejectedArg?.kind === 'min-of-k' ? rejectedArg.k : undefined;
  const rejected = rejectedArg?.kind === 'min-of-k' ? undefined : rejectedArg;
  if (chosen && strategy !== 'positions') throw new CliError('--chosen applies to --strategy positions only', EXIT.USAGE);
  if (rejectedArg && !['positions', 'sweet-spot'].includes(strategy)) throw new CliError('--rejected applies to --strategy sweet-spot and positions only', EXIT.USAGE);
  if (strategy === 'positions' && minOfK === undefined) {
    const c = chosen ?? { kind: 'max' };
    const r = rejected ?? parsePosition('mu-2sigma');
    if (!(positionRank(c) > positionRank(r))) {
      throw new CliError(`--chosen ${positionLabel(c)} must lie above --rejected ${positionLabel(r)}`, EXIT.USAGE);
    }
  }
  const pairs: PairsOptions & RewardOptions = {
    strategy,
    std: o.std as 'population' | 'sample',
    transform: o.transform as Transform,
    minGap: o.minGap as number,
    keepTies: o.keepTies === true,
    fallback: o.fallback as Fallback,
    seed: o.seed as number,
    beta: o.beta as number,
    reduce: o.reduce as 'sum' | 'mean',
  };
  if (chosen) pairs.chosen = chosen;
  if (rejected) pairs.rejected = rejected;
  if (minOfK !== undefined) pairs.rejectedMinOfK = minOfK;
  const gridArms = (o.gridArms ?? 'dedupe') as GridArms;
  if (gridArms !== 'dedupe') {
    if (strategy !== 'grid') throw new CliError('--grid-arms applies to --strategy grid only', EXIT.USAGE);
    pairs.gridArms = gridArms;
  }
  return { pairs, weights: o.weights as 'rating-gap' | undefined };
}

/** The pair options as manifest parameters. */
export function pairParameters(p: PairCliOptions): Record<string, unknown> {
  const q = p.pairs;
  return {
    strategy: q.strategy,
    chosen: q.chosen ? positionLabel(q.chosen) : q.strategy === 'positions' ? 'max' : undefined,
    rejected:
      q.rejectedMinOfK !== undefined
        ? `min-of-k:${q.rejectedMinOfK}`
        : q.rejected
          ? positionLabel(q.rejected)
          : ['sweet-spot', 'positions'].includes(q.strategy)
            ? 'mu-2sigma'
            : undefined,
    transform: q.transform,
    std: q.std,
    min_gap: q.minGap,
    keep_ties: q.keepTies,
    fallback: q.fallback,
    seed: q.seed,
    beta: q.beta,
    reduce: q.reduce,
    weights: p.weights ?? null,
    // Only when not the default, so a default run's parameters stay as they were.
    ...(q.gridArms !== undefined ? { grid_arms: q.gridArms } : {}),
  };
}

export type { SelectByOption } from '../pipeline/select.js';
import type { SelectByOption } from '../pipeline/select.js';

function scaleArg(v: string): number | 'auto' {
  if (v.trim().toLowerCase() === 'auto') return 'auto';
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || !(x > 0)) throw new InvalidArgumentError(`--scale-external must be a number > 0 or auto, got '${v}'`);
  return x;
}

export function addSelectOptions(cmd: Command, required = true): Command {
  return cmd
    .addOption(new Option('--by <source>', 'ranking: auto (bees when both margins exist, else the one there is), external, implicit, bees, add').choices(['auto', 'external', 'implicit', 'bees', 'add']).default('auto'))
    .option('--fraction <f>', `keep the top floor(f * n) pairs (0 < f <= 1)${required ? '' : ' (default 1: rank, keep all)'}`, numberArg('--fraction', Number.MIN_VALUE, 1))
    .option('--top <k>', 'keep the top k pairs', numberArg('--top', 0, Number.MAX_SAFE_INTEGER, true))
    .option('--lower <L>', 'calibration lower bound L', numberArg('--lower'), -2)
    .option('--upper-external <U>', 'calibration upper bound of the external margin (default: searched)', numberArg('--upper-external'))
    .option('--upper-implicit <U>', 'calibration upper bound of the implicit margin (default: searched)', numberArg('--upper-implicit'))
    .option('--eps <e>', 'probabilities are clipped to [eps, 1 - eps] before the logit sum', numberArg('--eps', Number.MIN_VALUE, 0.5), 1e-6)
    .addOption(new Option('--missing <policy>', 'a missing margin counts as 0 (official), neutral (p = 0.5) or is dropped').choices([...MISSING_POLICIES]).default('zero'))
    .addOption(
      new Option('--calibration <mode>', "stable: p = (clip(m, L, U) - L) / (U - L), ranked by the eps-clipped logit sum; official: the released code's arithmetic (divides by max(clip(m)) - L; NaN scores kept and ranked first, reported)")
        .choices([...CALIBRATION_MODES])
        .default('stable'),
    )
    .option('--scale-external <s>', 'multiply the external margin by s > 0 before calibration, or auto: s = IQR(implicit) / IQR(external) (default: no scaling)', scaleArg)
    .option('--all', 'write every row (selected = null for the ones not kept)', false)
    .option(
      '--report [file]',
      required
        ? 'print a kept-vs-dropped summary on stderr; with a file, also write it there as JSON'
        : 'print a kept-vs-dropped summary on stderr; a file ending in .html gets the HTML data report (pairsmith report), any other file the summary as JSON',
    );
}

export interface SelectCliOptions {
  by: SelectByOption;
  select: Omit<SelectOptions, 'by'>;
  all: boolean;
  report: string | boolean | undefined;
}

export function parseSelectOptions(o: Record<string, unknown>, required = true): SelectCliOptions {
  const fraction = o.fraction as number | undefined;
  const top = o.top as number | undefined;
  if (fraction !== undefined && top !== undefined) throw new CliError('give --fraction or --top, not both', EXIT.USAGE);
  if (required && fraction === undefined && top === undefined) throw new CliError('give --fraction <f> or --top <k>', EXIT.USAGE);
  const select: Omit<SelectOptions, 'by'> = {
    lower: o.lower as number,
    eps: o.eps as number,
    missing: o.missing as Missing,
  };
  if (top !== undefined) select.top = top;
  else select.fraction = fraction ?? 1;
  if (o.upperExternal !== undefined) select.upperExternal = o.upperExternal as number;
  if (o.upperImplicit !== undefined) select.upperImplicit = o.upperImplicit as number;
  // Set only when not the default, so the manifest parameters of a default run stay as they were.
  if (o.calibration === 'official') {
    if (o.missing !== 'zero') throw new CliError(`--calibration official counts a missing margin as 0 (the released code's nan_to_num): use --missing zero, not ${String(o.missing)}`, EXIT.USAGE);
    select.calibration = o.calibration as CalibrationMode;
  }
  if (o.scaleExternal !== undefined) select.scaleExternal = o.scaleExternal as number | 'auto';
  return { by: o.by as SelectByOption, select, all: o.all === true, report: o.report as string | boolean | undefined };
}
