// `pairsmith clean <input> -o <out>`: per prompt, pairwise judgments -> logit matrix -> RPCA -> clean scores (row
// means of L), flagged comparisons (in S and beyond the noise threshold) and the ranking. Rows come through the
// shared datasets layer (.jsonl, .jsonl.gz, .json, .parquet, stdin; rejects and manifest) chunk by chunk, with
// batched RPCA calls per chunk, so memory is bounded by one chunk whatever the input size.
import { Command, InvalidArgumentError, Option } from 'commander';
import { outputKind } from '../../io/node/output.js';
import { cleanRowAdapter, MAX_CANDIDATES } from '../../rpca/clean-rows.js';
import { CLEAN_DUAL_TOL, CLEAN_TOL, cleanPreferences } from '../../rpca/preferences.js';
import type { CliContext } from '../context.js';
import { withDataRun } from '../data-run.js';
import { CliError, EXIT } from '../io.js';
import { addRowInputOptions, parseRowInputOptions } from '../options.js';
import { positiveInt, positiveNumber } from './rpca.js';

const HELP = `
Input: .jsonl, .jsonl.gz (any gzip input is detected), .json (one array), .parquet, or - for stdin; one prompt
per record with either
  "preference_matrix": [[null, 0.8, ...], ...]   n x n, P[i][j] = probability that i beats j, null = missing
  "comparisons": [[i, j, p_ij], ...]             judged pairs (n from "n", "responses" or "scores", else max index + 1)
  "comparisons": [[i, j, wins, total], ...]      win counts: i beat j wins times in total judgments
Output rows (.jsonl, .jsonl.gz, or - for stdout) are the input records, every column kept, plus "clean_scores"
(row means of the low-rank logit matrix; null for a response never judged), "corrupted" ([i, j] pairs that the
sparse part holds and that depart from the clean fit by more than --flag-threshold robust standard deviations),
"ranking" (best first) and "rpca_skipped" (true below --min-candidates judged responses, where scores pass
through: the record's "scores" if present, else the mean observed logits). Feed them to other commands with
--scores-field clean_scores. Records with more than --max-candidates responses are rejected (out_of_range).

Bad records are written to <out>.rejects.jsonl ({"file","line","field","reason","detail","record"}) and counted in
<out>.manifest.json (with "outcomes": prompts through RPCA, passed through, comparisons flagged, not converged);
--on-error fail stops at the first one (exit 3, naming file:line:field, nothing written).

Examples:
  $ pairsmith clean judged.jsonl -o cleaned.jsonl
  $ pairsmith clean judged.parquet -o cleaned.jsonl.gz --min-candidates 16 --clip 0.02
  $ pairsmith clean arena.jsonl -o cleaned.jsonl --method altproj --flag-threshold 4
  $ cat judged.jsonl | pairsmith clean - -o - --on-error fail > cleaned.jsonl
  $ pairsmith stats cleaned.jsonl --scores-field clean_scores
`;

interface Opts {
  output: string;
  minCandidates: number;
  maxCandidates: number;
  clip: number;
  method: 'ialm' | 'altproj';
  lambda?: number;
  flagThreshold: number;
  tol: number;
  dualTol: number;
  maxIter: number;
  chunkSize: number;
}

function clipValue(v: string): number {
  const x = positiveNumber(v);
  if (x >= 0.5) throw new InvalidArgumentError('must be in (0, 0.5)');
  return x;
}

export function cleanCommand(ctx: CliContext): Command {
  const cmd = new Command('clean')
    .description('denoise pairwise preference judgments per prompt with robust PCA (low-rank logits + sparse corruptions)')
    .argument('<input>', 'judgments, one prompt per record: .jsonl, .jsonl.gz, .json, .parquet, or - for stdin')
    .option('-o, --output <out>', 'output rows: .jsonl, .jsonl.gz, or - for stdout (the default; a file gets <out>.rejects.jsonl and <out>.manifest.json)', '-')
    .option('--min-candidates <n>', 'below this many judged responses, skip RPCA and pass scores through', positiveInt, 20)
    .option('--max-candidates <n>', 'reject records with more responses than this (out_of_range)', positiveInt, MAX_CANDIDATES)
    .option('--clip <eps>', 'clip probabilities to [eps, 1 - eps] before the logit (win counts are add-half smoothed)', clipValue, 0.01)
    .addOption(new Option('--method <method>', 'RPCA solver').choices(['ialm', 'altproj']).default('ialm'))
    .option('--lambda <x>', 'sparse weight (default 1/sqrt(p max(m, n)) per prompt, p = judged fraction)', positiveNumber)
    .option('--flag-threshold <z>', 'flag a pair beyond this many robust standard deviations of the residuals', positiveNumber, 3)
    .option('--tol <x>', 'RPCA primal tolerance (rpca uses 1e-7: clean needs the ranking and flags, not the optimum to 1e-6)', positiveNumber, CLEAN_TOL)
    .option('--dual-tol <x>', 'RPCA dual tolerance (ialm; rpca uses 1e-5)', positiveNumber, CLEAN_DUAL_TOL)
    .option('--max-iter <n>', 'RPCA iteration budget', positiveInt, 1000)
    .option('--chunk-size <prompts>', 'prompts per chunk (batched RPCA calls of at most 2^22 entries each; the memory bound)', positiveInt, 256);
  addRowInputOptions(cmd);
  return cmd.addHelpText('after', HELP).action(async (input: string, opts: Opts & Record<string, unknown>) => {
    const output = opts.output;
    if (output !== '-' && outputKind(output) === 'parquet') {
      throw new CliError('-o: clean output is JSON Lines (.jsonl, .jsonl.gz or - for stdout), not Parquet (the input columns are kept as they are)', EXIT.USAGE);
    }
    const engine = await ctx.engine();
    const options = parseRowInputOptions(opts);
    if (opts.minCandidates > opts.maxCandidates) throw new CliError('--min-candidates must not exceed --max-candidates', EXIT.USAGE);
    const params = {
      minCandidates: opts.minCandidates, method: opts.method, lambda: opts.lambda, flagThreshold: opts.flagThreshold,
      tol: opts.tol, dualTol: opts.dualTol, maxIter: opts.maxIter,
    };
    const parameters = {
      min_candidates: opts.minCandidates, max_candidates: opts.maxCandidates, clip: opts.clip, method: opts.method,
      lambda: opts.lambda ?? null, flag_threshold: opts.flagThreshold, tol: opts.tol, dual_tol: opts.dualTol,
      max_iter: opts.maxIter, chunk_size: opts.chunkSize, output,
    };
    await withDataRun(ctx, { command: 'clean', input, output, options, parameters }, async (run) => {
      const writer = (await run.objectWriter())!;
      const job = run.job(engine);
      const outcomes = { rpca: 0, passed_through: 0, comparisons_flagged: 0, not_converged: 0 };
      const t0 = Date.now();
      const adapter = cleanRowAdapter({ clip: opts.clip, minCandidates: opts.minCandidates, maxCandidates: opts.maxCandidates });
      for await (const rows of job.rows(adapter, opts.chunkSize)) {
        if (rows.length === 0) continue;
        const results = cleanPreferences(engine, rows.map((r) => r.matrix), params, rows.map((r) => r.fallback));
        await writer.write(
          rows.map((r, k) => {
            const c = results[k]!;
            return { ...r.record, clean_scores: c.clean_scores, corrupted: c.corrupted, ranking: c.ranking, rpca_skipped: c.rpca_skipped };
          }),
        );
        for (const c of results) {
          job.tally.written(1);
          if (c.rpca_skipped) outcomes.passed_through++;
          else outcomes.rpca++;
          outcomes.comparisons_flagged += c.corrupted.length;
          if (!c.converged) outcomes.not_converged++;
        }
      }
      await run.commit({ tally: job.tally, format: 'preferences', outcomes }, engine.backend);
      ctx.info(
        `clean: RPCA on ${outcomes.rpca} prompts, ${outcomes.passed_through} passed through (< ${opts.minCandidates} candidates), ` +
          `${outcomes.comparisons_flagged} comparisons flagged${outcomes.not_converged ? `, ${outcomes.not_converged} NOT converged` : ''}, ${Date.now() - t0} ms`,
      );
    });
  });
}
