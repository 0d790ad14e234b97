// The page's curate form: the CLI's `pairsmith curate` flags (their defaults, choices and help come from the CLI's
// own definition, see ../cli-options.ts), grouped for the page. Form values become the options of curate(), the
// manifest parameters the CLI writes, and the equivalent command line, checked as the CLI checks its flags.
// Runtime neutral (the page, the worker and the Node tests use it).
import type { CliOption } from '../cli-options.js';
import { splitPath } from '../../src/io/path.js';
import { parsePosition, positionLabel, positionRank, type Position } from '../../src/pipeline/positions.js';
import type { CurateOptions } from '../../src/pipeline/api.js';

export type Kind = 'choice' | 'switch' | 'number' | 'integer' | 'text' | 'position' | 'path';

export interface FieldDef {
  flag: string;
  kind: Kind;
  label: string;
  /** Range of a number (inclusive), as the CLI's parser checks it. */
  min?: number;
  max?: number;
  /** Shown when the field is empty and the CLI has no default for it. */
  placeholder?: string;
  /** Help text of the page (else the CLI's). */
  help?: string;
  /** The CLI's own wording of a bad value, when it is not numberArg's ("must be an integer in [1, 256]"). */
  invalid?: string;
  /** The page's default, where it differs from the CLI's (the report is on unless switched off). */
  pageDefault?: boolean;
}

export interface Group {
  id: string;
  title: string;
  fields: FieldDef[];
}

/** The form, group by group; every flag of `pairsmith curate` is here or in NOT_IN_FORM. */
export const GROUPS: Group[] = [
  {
    id: 'input',
    title: 'Input',
    fields: [
      { flag: '--format', kind: 'choice', label: 'Format' },
      { flag: '--prompt-field', kind: 'path', label: 'Prompt field', placeholder: 'per format: prompt (ultrafeedback: instruction)' },
      { flag: '--responses-field', kind: 'path', label: 'Responses field', placeholder: 'per format' },
      { flag: '--scores-field', kind: 'path', label: 'Scores field', placeholder: 'per format' },
      { flag: '--chosen-field', kind: 'path', label: 'Chosen field', placeholder: 'chosen' },
      { flag: '--rejected-field', kind: 'path', label: 'Rejected field', placeholder: 'rejected' },
      { flag: '--score', kind: 'choice', label: 'UltraFeedback score' },
      { flag: '--on-error', kind: 'choice', label: 'Bad records' },
    ],
  },
  {
    id: 'pairs',
    title: 'Pairs',
    fields: [
      { flag: '--strategy', kind: 'choice', label: 'Strategy' },
      { flag: '--chosen', kind: 'position', label: 'Chosen position', placeholder: 'max' },
      { flag: '--rejected', kind: 'position', label: 'Rejected position', placeholder: 'mu-2sigma' },
      { flag: '--transform', kind: 'choice', label: 'Score transform' },
      { flag: '--std', kind: 'choice', label: 'Sigma' },
      { flag: '--min-gap', kind: 'number', label: 'Minimum gap', min: 0 },
      { flag: '--keep-ties', kind: 'switch', label: 'Keep ties' },
      { flag: '--fallback', kind: 'choice', label: 'Fallback' },
      { flag: '--seed', kind: 'integer', label: 'Seed', min: 0, max: 2 ** 32 - 1 },
      { flag: '--beta', kind: 'number', label: 'Beta', min: Number.MIN_VALUE },
      { flag: '--reduce', kind: 'choice', label: 'Token log-probs' },
      { flag: '--weights', kind: 'choice', label: 'Weights' },
    ],
  },
  {
    id: 'selection',
    title: 'Selection',
    fields: [
      { flag: '--by', kind: 'choice', label: 'Rank by' },
      { flag: '--fraction', kind: 'number', label: 'Keep fraction', min: Number.MIN_VALUE, max: 1, placeholder: '1 (rank, keep all)' },
      { flag: '--top', kind: 'integer', label: 'Keep top k', min: 0, max: Number.MAX_SAFE_INTEGER, placeholder: 'not set' },
      { flag: '--lower', kind: 'number', label: 'Calibration lower bound' },
      { flag: '--upper-external', kind: 'number', label: 'Upper bound, external', placeholder: 'searched' },
      { flag: '--upper-implicit', kind: 'number', label: 'Upper bound, implicit', placeholder: 'searched' },
      { flag: '--eps', kind: 'number', label: 'Clip eps', min: Number.MIN_VALUE, max: 0.5 },
      { flag: '--missing', kind: 'choice', label: 'Missing margin' },
      { flag: '--all', kind: 'switch', label: 'Write every row' },
    ],
  },
  {
    id: 'routing',
    title: 'Routing',
    fields: [
      { flag: '--route', kind: 'switch', label: 'Route small margins to SFT' },
      { flag: '--threshold', kind: 'number', label: 'Threshold', placeholder: 'not set' },
      { flag: '--hard-fraction', kind: 'number', label: 'Hard fraction', min: 0, max: 1, placeholder: 'not set' },
      { flag: '--sft', kind: 'text', label: 'SFT file name', placeholder: '<output>.sft.jsonl' },
    ],
  },
  {
    id: 'augment',
    title: 'Augmentation',
    fields: [
      { flag: '--augment', kind: 'switch', label: 'Reward-conditioned augmentation' },
      { flag: '--template', kind: 'text', label: 'Goal template' },
      { flag: '--placement', kind: 'choice', label: 'Goal placement' },
    ],
  },
  {
    id: 'run',
    title: 'Run',
    fields: [
      {
        flag: '--threads',
        kind: 'integer',
        label: 'Threads',
        min: 1,
        max: 256,
        invalid: 'must be an integer in [1, 256]',
        placeholder: 'the cores available',
        help: 'batches run in this many Web Workers, each with its own engine (default: the cores available; 1: the run worker only); outputs are the same for every n',
      },
      {
        flag: '--report',
        kind: 'switch',
        label: 'HTML report',
        pageDefault: true,
        help: 'the data report of the run (as --report <output>.report.html); it reads the texts of every batch, so with it pass 1 runs on the run worker alone',
      },
    ],
  },
  {
    id: 'output',
    title: 'Output',
    fields: [{ flag: '--output', kind: 'text', label: 'Output file name', help: 'the name of the download: .jsonl (JSON Lines) or .parquet; the manifest, rejects and SFT files are named after it' }],
  },
];

/** Flags of `pairsmith curate` that are not form fields, and why. */
export const NOT_IN_FORM: Record<string, string> = {
  '--output-format': 'the output name decides: .jsonl or .parquet',
  '--config': 'the form is the configuration',
  '--shard': 'splits a run over processes or machines (pairsmith merge joins them); the page curates the whole file, with --threads workers',
};

/** The page's output name when none is given (the CLI writes to stdout then). */
export const DEFAULT_OUTPUT = 'curated.jsonl';

/** Form values by flag: text as typed, switches as booleans. */
export type FormValues = Record<string, string | boolean>;

export function fieldDefs(): FieldDef[] {
  return GROUPS.flatMap((g) => g.fields);
}

function cliOf(cli: readonly CliOption[], flag: string): CliOption | undefined {
  return cli.find((o) => o.flag === flag);
}

/** The form's initial values: the CLI's defaults (empty where it has none). */
export function defaultValues(cli: readonly CliOption[]): FormValues {
  const v: FormValues = {};
  for (const f of fieldDefs()) {
    const d = cliOf(cli, f.flag)?.default;
    if (f.pageDefault !== undefined) v[f.flag] = f.pageDefault;
    else if (f.kind === 'switch') v[f.flag] = d === true;
    else if (f.flag === '--output') v[f.flag] = DEFAULT_OUTPUT;
    else if (f.kind === 'choice' && d === undefined) v[f.flag] = '';
    else v[f.flag] = d === undefined ? '' : String(d);
  }
  return v;
}

/** The number rules of the CLI's numberArg, with its message. */
function parseNumber(f: FieldDef, text: string): number {
  const min = f.min ?? -Infinity;
  const max = f.max ?? Infinity;
  const integer = f.kind === 'integer';
  const x = Number(text);
  if (text.trim() === '' || !Number.isFinite(x) || x < min || x > max || (integer && !Number.isInteger(x))) {
    if (f.invalid) throw new Error(`${f.flag} ${f.invalid}, got '${text}'`);
    const range = `${Number.isFinite(min) ? `>= ${min}` : ''}${Number.isFinite(min) && Number.isFinite(max) ? ' and ' : ''}${Number.isFinite(max) ? `<= ${max}` : ''}`;
    throw new Error(`${f.flag} must be ${integer ? 'an integer' : 'a number'}${range ? ` ${range}` : ''}, got '${text}'`);
  }
  return x;
}

/** Options as the CLI's commander would hold them after parsing (defaults filled in), keyed by flag. */
function typedValues(values: FormValues, cli: readonly CliOption[], errors: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fieldDefs()) {
    const raw = values[f.flag];
    const d = cliOf(cli, f.flag)?.default;
    if (f.kind === 'switch') {
      out[f.flag] = raw === true;
      continue;
    }
    const text = typeof raw === 'string' ? raw : '';
    if (text === '') {
      out[f.flag] = d;
      continue;
    }
    try {
      if (f.kind === 'number' || f.kind === 'integer') out[f.flag] = parseNumber(f, text);
      else if (f.kind === 'position') out[f.flag] = parsePosition(text);
      else if (f.kind === 'path') {
        splitPath(text, f.flag);
        out[f.flag] = text;
      } else if (f.kind === 'choice') {
        const choices = cliOf(cli, f.flag)?.choices ?? [];
        if (!choices.includes(text)) throw new Error(`${f.flag} must be one of ${choices.join(', ')}, got '${text}'`);
        out[f.flag] = text;
      } else out[f.flag] = text;
    } catch (e) {
      errors[f.flag] = (e as Error).message.replace(/^pairsmith: /, '');
    }
  }
  return out;
}

/** What a form gives a run. */
export interface CurateSetup {
  /** Problems by flag ('' = the form as a whole); empty when the run can start. */
  errors: Record<string, string>;
  /** The options of curate() (without engine, sinks and hooks). */
  options: Omit<CurateOptions, 'engine'>;
  /** The manifest's `parameters`, as the CLI writes them. */
  parameters: Record<string, unknown>;
  output: string;
  outputKind: 'jsonl' | 'parquet';
  /** The SFT file name when routing, else undefined. */
  sft: string | undefined;
  /** The HTML report's name (undefined: no report). */
  report: string | undefined;
  /** --threads, when given (else: the cores available). */
  threads: number | undefined;
  /** The scale the report analyses (logit when the pairs were built on logits). */
  reportTransform: 'none' | 'logit';
  /** The equivalent `pairsmith curate` arguments (after `pairsmith`), for an input named `input`. */
  argv(input: string): string[];
}

/** The output kind of a name: .parquet or JSON Lines (.jsonl, .json, .ndjson); undefined otherwise. */
export function outputKindOf(name: string): 'jsonl' | 'parquet' | undefined {
  const p = name.toLowerCase();
  if (p.endsWith('.parquet')) return 'parquet';
  if (p.endsWith('.jsonl') || p.endsWith('.json') || p.endsWith('.ndjson')) return 'jsonl';
  return undefined;
}

/**
 * Checks and converts the form as `pairsmith curate` checks and converts its flags (pair-options.ts, options.ts and
 * the curate command's action): the same rules, messages, options and manifest parameters.
 */
export function curateSetup(values: FormValues, cli: readonly CliOption[]): CurateSetup {
  const errors: Record<string, string> = {};
  const o = typedValues(values, cli, errors);
  const fail = (flag: string, msg: string): void => {
    errors[flag] ??= msg;
  };
  const output = String(o['--output'] ?? DEFAULT_OUTPUT).trim() || DEFAULT_OUTPUT;
  const outputKind = outputKindOf(output);
  if (!outputKind) fail('--output', `${output}: use a name ending in .jsonl or .parquet`);
  if (/[/\\]/.test(output)) fail('--output', 'a file name, not a path');

  // Input options (options.ts parseInputOptions).
  const fields: Record<string, string> = {};
  for (const [k, flag] of [['prompt', '--prompt-field'], ['responses', '--responses-field'], ['scores', '--scores-field'], ['chosen', '--chosen-field'], ['rejected', '--rejected-field']] as const) {
    const v = o[flag];
    if (typeof v === 'string') fields[k] = v;
  }
  const input = { format: o['--format'] as string, fields, score: o['--score'] as string, onError: o['--on-error'] as string };

  // Routing (the curate action).
  const route = o['--route'] === true;
  const threshold = o['--threshold'] as number | undefined;
  const hardFraction = o['--hard-fraction'] as number | undefined;
  const sftGiven = o['--sft'] as string | undefined;
  if (route && (threshold === undefined) === (hardFraction === undefined)) fail('--route', '--route needs --threshold <t> or --hard-fraction <f> (one of them)');
  if (!route && (threshold !== undefined || hardFraction !== undefined || sftGiven !== undefined)) fail('--route', '--threshold, --hard-fraction and --sft need --route');
  const sft = route ? (sftGiven ?? `${output.replace(/\.(jsonl(\.gz)?|parquet)$/i, '')}.sft.jsonl`) : undefined;
  if (route && sft === output) fail('--sft', '--route needs a file output and a different --sft file');
  if (sft !== undefined && /[/\\]/.test(sft)) fail('--sft', 'a file name, not a path');

  // Pair options (pair-options.ts parsePairOptions).
  const strategy = o['--strategy'] as string;
  const chosen = o['--chosen'] as Position | undefined;
  const rejected = o['--rejected'] as Position | undefined;
  if (chosen && strategy !== 'positions') fail('--chosen', '--chosen applies to --strategy positions only');
  if (rejected && !['positions', 'sweet-spot'].includes(strategy)) fail('--rejected', '--rejected applies to --strategy sweet-spot and positions only');
  if (strategy === 'positions') {
    const c = chosen ?? ({ kind: 'max' } as Position);
    const r = rejected ?? parsePosition('mu-2sigma');
    if (!(positionRank(c) > positionRank(r))) fail('--chosen', `--chosen ${positionLabel(c)} must lie above --rejected ${positionLabel(r)}`);
  }
  const pairs: Record<string, unknown> = {
    strategy,
    std: o['--std'],
    transform: o['--transform'],
    minGap: o['--min-gap'],
    keepTies: o['--keep-ties'] === true,
    fallback: o['--fallback'],
    seed: o['--seed'],
    beta: o['--beta'],
    reduce: o['--reduce'],
  };
  if (chosen) pairs.chosen = chosen;
  if (rejected) pairs.rejected = rejected;
  const weights = (o['--weights'] as 'rating-gap' | undefined) || undefined;

  // Selection options (pair-options.ts parseSelectOptions, not required).
  const fraction = o['--fraction'] as number | undefined;
  const top = o['--top'] as number | undefined;
  if (fraction !== undefined && top !== undefined) fail('--top', 'give --fraction or --top, not both');
  const select: Record<string, unknown> = { lower: o['--lower'], eps: o['--eps'], missing: o['--missing'] };
  if (top !== undefined) select.top = top;
  else select.fraction = fraction ?? 1;
  if (o['--upper-external'] !== undefined) select.upperExternal = o['--upper-external'];
  if (o['--upper-implicit'] !== undefined) select.upperImplicit = o['--upper-implicit'];
  const by = o['--by'] as string;
  const all = o['--all'] === true;

  // Augmentation.
  const augment = o['--augment'] === true;
  const template = o['--template'] as string;
  const placement = o['--placement'] as string;
  if (augment && !template.includes('{g}')) fail('--template', '--template must contain {g} (the goal score)');

  const parameters: Record<string, unknown> = {
    format: input.format,
    fields: input.fields,
    score: input.score,
    on_error: input.onError,
    strategy,
    chosen: chosen ? positionLabel(chosen) : strategy === 'positions' ? 'max' : undefined,
    rejected: rejected ? positionLabel(rejected) : ['sweet-spot', 'positions'].includes(strategy) ? 'mu-2sigma' : undefined,
    transform: pairs.transform,
    std: pairs.std,
    min_gap: pairs.minGap,
    keep_ties: pairs.keepTies,
    fallback: pairs.fallback,
    seed: pairs.seed,
    beta: pairs.beta,
    reduce: pairs.reduce,
    weights: weights ?? null,
    by,
    ...select,
    all,
    route: route ? { threshold: threshold ?? null, hard_fraction: hardFraction ?? null, sft } : null,
    augment: augment ? { template, placement } : null,
    sample: false,
    output,
  };

  const options = {
    format: input.format,
    fields: input.fields,
    score: input.score,
    onError: input.onError,
    ...pairs,
    weights,
    by,
    select,
    all,
    curate: {
      route: route ? (threshold !== undefined ? { threshold } : { hardFraction }) : undefined,
      augment: augment ? { template, placement } : undefined,
    },
  } as Omit<CurateOptions, 'engine'>;

  const report = o['--report'] === true ? `${output.replace(/\.(jsonl|json|ndjson|parquet)$/i, '')}.report.html` : undefined;
  const argv = (inputName: string): string[] => {
    const args = ['curate', inputName, '-o', output];
    for (const f of fieldDefs()) {
      if (f.flag === '--output' || f.flag === '--report') continue;
      const v = values[f.flag];
      if (f.kind === 'switch') {
        if (v === true) args.push(f.flag);
        continue;
      }
      const text = typeof v === 'string' ? v.trim() : '';
      if (text === '') continue;
      const d = cliOf(cli, f.flag)?.default;
      if (d !== undefined && (f.kind === 'number' || f.kind === 'integer' ? Number(text) === Number(d) : text === String(d))) continue;
      args.push(f.flag, text);
    }
    if (report) args.push('--report', report);
    return args;
  };
  return {
    errors,
    options,
    parameters,
    output,
    outputKind: outputKind ?? 'jsonl',
    sft,
    report,
    threads: o['--threads'] as number | undefined,
    reportTransform: pairs.transform === 'logit' ? 'logit' : 'none',
    argv,
  };
}

/** One shell word (POSIX quoting when needed). */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:=+,@%-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command line for copying: `pairsmith curate ...`. */
export function commandLine(argv: readonly string[]): string {
  return ['pairsmith', ...argv].map(shellWord).join(' ');
}
