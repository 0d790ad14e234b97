// The input options every data command shares (--format, field overrides, --score, --on-error), so all
// commands read inputs the same way. Usage: addInputOptions(cmd) when building, parseInputOptions(opts)
// in the action. --quiet is global (program level).
import { InvalidArgumentError, Option, type Command } from 'commander';
import { FORMATS, type FieldOverrides, type FormatName, type OnError, type ScoreMode } from '../io/types.js';
import { splitPath } from '../io/path.js';
import { parseShard } from '../io/node/source.js';
import { CliError, EXIT } from './io.js';

export interface InputOptions {
  format: FormatName | 'auto';
  fields: FieldOverrides;
  score: ScoreMode;
  onError: OnError;
  /** --threads: worker threads for the batches (undefined: every core the process may use). */
  threads?: number;
  /** --shard K/N: only shard K of N of the input (1-based). */
  shard?: { index: number; count: number };
}

export const INPUT_HELP = `
Input:
  Files: .jsonl, .jsonl.gz (any gzip input is detected), .json (one array), .parquet, or - for stdin.
  --format auto looks at the first record and says what it chose (on stderr).
  Field overrides take dot paths (a.b.0.c), e.g. --responses-field outputs --scores-field judge.scores.
  Bad records are written to <out>.rejects.jsonl ({"file","line","field","reason","record"}) and counted
  in <out>.manifest.json; --on-error fail stops at the first one (exit 3, naming file:line:field).
`;

/** Adds --format, --prompt-field, --responses-field, --scores-field, --chosen-field, --rejected-field, --score, --on-error. */
export function addInputOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--format <format>', 'input format').choices(['auto', ...FORMATS]).default('auto'))
    .option('--prompt-field <path>', 'dot path of the prompt (default per format: prompt, or instruction for ultrafeedback)')
    .option('--responses-field <path>', 'dot path of the candidate responses list (candidates/onpolicy; ultrafeedback: the completions list)')
    .option('--scores-field <path>', 'dot path of the scores list (ultrafeedback: the per-completion score key)')
    .option('--chosen-field <path>', 'dot path of the chosen response (pairs, hh-rlhf)')
    .option('--rejected-field <path>', 'dot path of the rejected response (pairs, hh-rlhf)')
    .addOption(new Option('--score <mode>', 'UltraFeedback score: overall_score, or the mean of the four aspect ratings').choices(['overall', 'fine-grained']).default('overall'))
    .addOption(onErrorOption())
    .addOption(threadsOption());
}

/** --threads N: batches run in N worker threads (the outputs are the same for every N). */
function threadsOption(): Option {
  return new Option('--threads <n>', 'worker threads for the batches (default: the cores available; 1: this thread only; outputs are the same for every n)').argParser((v) => {
    const x = Number(v);
    if (v.trim() === '' || !Number.isInteger(x) || x < 1 || x > 256) throw new InvalidArgumentError(`--threads must be an integer in [1, 256], got '${v}'`);
    return x;
  });
}

/**
 * Adds --shard K/N: the records whose first byte lies in the K-th of N equal byte ranges of a JSON Lines file
 * (numbered as in the whole file), for splitting one run over processes or machines.
 */
export function addShardOption(cmd: Command, what: string): Command {
  return cmd.addOption(
    new Option('--shard <K/N>', `process only shard K of N (1-based) of a JSON Lines file: the records whose first byte lies in its K-th byte range; ${what}`).argParser((v) => {
      const s = parseShard(v);
      if (!s) throw new InvalidArgumentError(`--shard takes K/N with 1 <= K <= N (e.g. 2/8), got '${v}'`);
      return s;
    }),
  );
}

function onErrorOption(): Option {
  return new Option('--on-error <mode>', 'bad records: skip (reject and go on) or fail (exit 3 at the first)').choices(['skip', 'fail']).default('skip');
}

/** The output kinds --output-format names (else the output's extension decides; `-` is JSON Lines). */
export const OUTPUT_FORMATS = ['jsonl', 'jsonl.gz', 'parquet'] as const;

/**
 * Adds `-o, --output` (default `-`: JSON Lines on stdout, summaries on stderr) and `--output-format` (what to write
 * when the extension does not say, or to override it).
 */
export function addOutputOptions(cmd: Command, what = 'output file (.jsonl, .jsonl.gz, .parquet)'): Command {
  return cmd
    .option('-o, --output <output>', `${what}, or - for stdout (the default)`, '-')
    .addOption(new Option('--output-format <kind>', 'what to write, whatever the extension').choices([...OUTPUT_FORMATS]));
}

/** The input options of commands that read plain rows (no formats or field overrides): only --on-error. */
export interface RowInputOptions {
  onError: OnError;
  threads?: number;
}

/** Adds --on-error and --threads (same choices, default and meaning as addInputOptions'). */
export function addRowInputOptions(cmd: Command): Command {
  return cmd.addOption(onErrorOption()).addOption(threadsOption());
}

export function parseRowInputOptions(opts: Record<string, unknown>): RowInputOptions {
  return { onError: (opts.onError as OnError | undefined) ?? 'skip', threads: opts.threads as number | undefined };
}

function path(v: unknown, flag: string): string | undefined {
  if (v === undefined) return undefined;
  const s = String(v);
  try {
    splitPath(s, flag);
  } catch (e) {
    throw new CliError((e as Error).message, EXIT.USAGE);
  }
  return s;
}

/** Reads the options added by addInputOptions from commander's opts() into a typed object. */
export function parseInputOptions(opts: Record<string, unknown>): InputOptions {
  const fields: FieldOverrides = {};
  const map: [keyof FieldOverrides, string, string][] = [
    ['prompt', 'promptField', '--prompt-field'],
    ['responses', 'responsesField', '--responses-field'],
    ['scores', 'scoresField', '--scores-field'],
    ['chosen', 'chosenField', '--chosen-field'],
    ['rejected', 'rejectedField', '--rejected-field'],
  ];
  for (const [k, o, flag] of map) {
    const p = path(opts[o], flag);
    if (p !== undefined) fields[k] = p;
  }
  return {
    format: (opts.format as FormatName | 'auto' | undefined) ?? 'auto',
    fields,
    score: (opts.score as ScoreMode | undefined) ?? 'overall',
    onError: (opts.onError as OnError | undefined) ?? 'skip',
    threads: opts.threads as number | undefined,
    shard: opts.shard as { index: number; count: number } | undefined,
  };
}

/** The input options as manifest parameters (not --threads: it changes no output). */
export function inputParameters(o: InputOptions | RowInputOptions): Record<string, unknown> {
  if (!('format' in o)) return { on_error: o.onError };
  return { format: o.format, fields: o.fields, score: o.score, on_error: o.onError };
}
