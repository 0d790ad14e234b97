// `pairsmith stats <input>`: prompts, candidates and per-prompt score distributions. Each chunk's scores go
// into engine resident buffers (values + group offsets) and one groupStats call computes every group.
import { Command, Option } from 'commander';
import type { Engine } from '../../engine.js';
import { packScores } from '../../io/columns.js';
import type { InputRecord } from '../../io/types.js';
import type { GroupStats } from '../../kernels/groups.js';
import { ScoreSummaryCollector } from '../../pipeline/score-summary.js';
import type { CliContext } from '../context.js';
import { withDataRun } from '../data-run.js';
import { addInputOptions, INPUT_HELP, parseInputOptions } from '../options.js';
import type { ColumnSpec } from '../../io/rows.js';
import { formatStats } from './stats-format.js';

const EXAMPLES = `
Examples:
  $ pairsmith stats data.jsonl
  $ pairsmith stats alpaca_eval_multi.jsonl --responses-field responses --scores-field scores --transform logit
  $ pairsmith stats armorm.parquet --format onpolicy --json
  $ pairsmith stats data.jsonl --per-prompt per-prompt.jsonl      # one row per prompt, plus manifest and rejects
`;

export const PER_PROMPT_SCHEMA: ColumnSpec[] = [
  { name: 'prompt_index', type: 'int', nullable: false },
  { name: 'count', type: 'int', nullable: false },
  { name: 'mean', type: 'double' },
  { name: 'std', type: 'double' },
  { name: 'min', type: 'double' },
  { name: 'max', type: 'double' },
  { name: 'argmin', type: 'int' },
  { name: 'argmax', type: 'int' },
];

const LOGIT_EPS = 1e-6;

/** The candidate scores of a record (null = excluded), or undefined for a pair without any score. */
function scoresOf(r: InputRecord): (number | null)[] | undefined {
  if (r.kind === 'candidates') return r.scores;
  if (r.scoreChosen == null && r.scoreRejected == null) return undefined;
  return [r.scoreChosen ?? null, r.scoreRejected ?? null];
}

interface StatsOpts {
  json?: boolean;
  perPrompt?: string;
  transform: 'none' | 'logit';
  std: 'population' | 'sample';
}

export function statsCommand(ctx: CliContext): Command {
  const cmd = new Command('stats')
    .description('prompts, candidates and per-prompt score distributions (mean/std/min/max, ties, min below mu - 2 sigma)')
    .argument('<input>', 'input file (.jsonl, .jsonl.gz, .json, .parquet) or - for stdin')
    .option('--json', 'print the summary as JSON on stdout')
    .option('--per-prompt <out>', 'write one row per prompt: prompt_index, count, mean, std, min, max, argmin, argmax')
    .addOption(new Option('--transform <t>', 'score transform before statistics: logit = logit(clamp(p, 1e-6, 1 - 1e-6)) for scores in [0, 1]').choices(['none', 'logit']).default('none'))
    .addOption(new Option('--std <kind>', 'standard deviation: population (divide by n) or sample (n - 1)').choices(['population', 'sample']).default('population'));
  addInputOptions(cmd);
  return cmd.addHelpText('after', EXAMPLES + INPUT_HELP).action(async (input: string, opts: StatsOpts & Record<string, unknown>) => {
    const engine = await ctx.engine();
    const options = parseInputOptions(opts);
    const output = opts.perPrompt ?? null;
    const parameters = { transform: opts.transform, std: opts.std, per_prompt: output };
    await withDataRun(ctx, { command: 'stats', input, output, options, parameters }, async (run) => {
      const collector = new ScoreSummaryCollector();
      const writer = output !== null ? await run.openOutput(PER_PROMPT_SCHEMA) : undefined;
      for await (const chunk of run.records()) {
        const used: { r: InputRecord; s: (number | null)[] }[] = [];
        for (const r of chunk.records) {
          const s = scoresOf(r);
          if (s) used.push({ r, s });
          else run.tally.noPairFor('no_scores');
        }
        if (used.length === 0) continue;
        const stats = chunkStats(engine, used, opts, run.tally.exclude.bind(run.tally));
        collector.add(stats.result, stats.values, stats.offsets);
        const rows = used.map(({ r }, k) => ({
          prompt_index: r.index,
          count: stats.result.count[k]!,
          mean: finiteOrNull(stats.result.mean[k]!),
          std: finiteOrNull(stats.result.std[k]!),
          min: finiteOrNull(stats.result.min[k]!),
          max: finiteOrNull(stats.result.max[k]!),
          argmin: stats.result.argmin[k]! < 0 ? null : stats.result.argmin[k]!,
          argmax: stats.result.argmax[k]! < 0 ? null : stats.result.argmax[k]!,
        }));
        for (let k = 0; k < used.length; k++) run.tally.written(writer ? 1 : 0);
        if (writer) await writer.write(rows);
      }
      const manifest = await run.commit(engine.backend);
      const summary = {
        input,
        format: manifest.format,
        backend: engine.backend,
        transform: opts.transform,
        std: opts.std,
        records: manifest.records,
        rejected_by_reason: manifest.rejected_by_reason,
        no_pair_by_reason: manifest.no_pair_by_reason,
        candidates: manifest.candidates,
        excluded_by_reason: manifest.excluded_by_reason,
        ...collector.summary(),
      };
      const text = opts.json ? `${JSON.stringify(summary, null, 2)}\n` : formatStats(summary);
      // With --per-prompt - the rows own stdout, so the summary goes to stderr.
      if (output === '-') ctx.io.stderr(text);
      else ctx.io.stdout(text);
    });
  });
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/**
 * Packs one chunk's scores into resident buffers (NaN for excluded candidates and, under logit, for scores
 * outside [0, 1]) and runs groupStats on them. Returns copies of the packed values/offsets for the tie counts.
 */
function chunkStats(
  engine: Engine,
  used: { s: (number | null)[] }[],
  opts: StatsOpts,
  exclude: (reason: 'score_out_of_range', n?: number) => void,
): { result: GroupStats; values: Float64Array; offsets: Int32Array } {
  let outOfRange = 0;
  const logit = (x: number): number => {
    if (x < 0 || x > 1) {
      outOfRange++;
      return Number.NaN;
    }
    const p = Math.min(1 - LOGIT_EPS, Math.max(LOGIT_EPS, x));
    return Math.log(p / (1 - p));
  };
  const cols = packScores(
    engine,
    used.map((u) => u.s),
    opts.transform === 'logit' ? logit : undefined,
  );
  try {
    if (outOfRange) exclude('score_out_of_range', outOfRange);
    const result = engine.groupStats(cols.values, cols.offsets, { std: opts.std });
    return { result, values: cols.values.view().slice(), offsets: cols.offsets.view().slice() };
  } finally {
    cols.free();
  }
}
