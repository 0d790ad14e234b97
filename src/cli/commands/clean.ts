// `pairsmith clean <input> -o <out>`: per prompt, pairwise judgments -> logit matrix -> RPCA (batched) -> clean
// scores (row means of L), flagged comparisons (support of S) and the ranking. JSONL in, JSONL out.
// TODO(#4): read and write through the shared datasets layer (formats, .gz, streaming) once it lands.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { buildPreferenceMatrix, cleanPreferences, type PreferenceMatrix } from '../../rpca/preferences.js';
import { writeFileAtomic } from '../atomic.js';
import type { CliContext } from '../context.js';
import { CliError, EXIT } from '../io.js';
import { positiveInt, positiveNumber } from './rpca.js';

const HELP = `
Each input line is one prompt with either
  "preference_matrix": [[null, 0.8, ...], ...]   n x n, P[i][j] = probability that i beats j, null = missing
  "comparisons": [[i, j, p_ij], ...]             judged pairs (n from "n", "responses" or "scores", else max index + 1)
Output lines are the input records plus "clean_scores" (row means of the low-rank logit matrix), "corrupted"
([i, j] pairs flagged by the sparse part), "ranking" (best first) and "rpca_skipped" (true below --min-candidates,
where scores pass through: the record's "scores" if present, else mean observed logits).

Examples:
  $ pairsmith clean judged.jsonl -o cleaned.jsonl
  $ pairsmith clean judged.jsonl -o cleaned.jsonl --min-candidates 16 --clip 0.02
`;

interface Opts {
  output: string;
  minCandidates: number;
  clip: number;
  tol: number;
  maxIter: number;
}

function clipValue(v: string): number {
  const x = positiveNumber(v);
  if (x >= 0.5) throw new InvalidArgumentError('must be in (0, 0.5)');
  return x;
}

function sizeOf(rec: Record<string, unknown>, comparisons: unknown[]): number {
  if (Number.isInteger(rec.n)) return rec.n as number;
  if (Array.isArray(rec.responses)) return rec.responses.length;
  if (Array.isArray(rec.scores)) return rec.scores.length;
  let max = -1;
  for (const c of comparisons) if (Array.isArray(c)) max = Math.max(max, Number(c[0]), Number(c[1]));
  return Number.isFinite(max) ? max + 1 : 0;
}

export function cleanCommand(ctx: CliContext): Command {
  return new Command('clean')
    .description('denoise pairwise preference judgments per prompt with robust PCA (low-rank logits + sparse corruptions)')
    .argument('<input>', 'JSONL file, one prompt per line')
    .requiredOption('-o, --output <out>', 'output JSONL file (- for stdout)')
    .option('--min-candidates <n>', 'below this many responses, skip RPCA and pass scores through', positiveInt, 20)
    .option('--clip <eps>', 'clip probabilities to [eps, 1 - eps] before the logit', clipValue, 0.01)
    .option('--tol <x>', 'RPCA tolerance', positiveNumber, 1e-7)
    .option('--max-iter <n>', 'RPCA iteration budget', positiveInt, 1000)
    .addHelpText('after', HELP)
    .action(async (file: string, opts: Opts) => {
      let text: string;
      try {
        text = await readFile(resolve(ctx.io.cwd ?? process.cwd(), file), 'utf8');
      } catch (e) {
        throw new CliError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, EXIT.BAD_INPUT);
      }
      const records: Record<string, unknown>[] = [];
      const mats: PreferenceMatrix[] = [];
      const fallback: (number[] | undefined)[] = [];
      text.split('\n').forEach((line, idx) => {
        if (line.trim() === '') return;
        const where = `${file}:${idx + 1}`;
        let rec: Record<string, unknown>;
        try {
          rec = JSON.parse(line);
        } catch (e) {
          throw new CliError(`${where}: invalid JSON (${(e as Error).message})`, EXIT.BAD_INPUT);
        }
        if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) throw new CliError(`${where}: expected a JSON object`, EXIT.BAD_INPUT);
        try {
          if (Array.isArray(rec.preference_matrix)) {
            mats.push(buildPreferenceMatrix({ matrix: rec.preference_matrix as (number | null)[][] }, opts.clip));
          } else if (Array.isArray(rec.comparisons)) {
            const n = sizeOf(rec, rec.comparisons);
            mats.push(buildPreferenceMatrix({ comparisons: rec.comparisons as [number, number, number][], n }, opts.clip));
          } else {
            throw new RangeError('needs a "preference_matrix" or a "comparisons" field');
          }
        } catch (e) {
          if (e instanceof RangeError) throw new CliError(`${where}: ${e.message}`, EXIT.BAD_INPUT);
          throw e;
        }
        const scores = rec.scores;
        fallback.push(Array.isArray(scores) && scores.length === mats.at(-1)!.n && scores.every((s) => typeof s === 'number') ? (scores as number[]) : undefined);
        records.push(rec);
      });
      const engine = await ctx.engine();
      const t0 = Date.now();
      const results = cleanPreferences(engine, mats, { minCandidates: opts.minCandidates, tol: opts.tol, maxIter: opts.maxIter }, fallback);
      const lines = records.map((rec, k) => {
        const r = results[k]!;
        return JSON.stringify({ ...rec, clean_scores: r.clean_scores, corrupted: r.corrupted, ranking: r.ranking, rpca_skipped: r.rpca_skipped });
      });
      const out = lines.length ? `${lines.join('\n')}\n` : '';
      if (opts.output === '-') ctx.io.stdout(out);
      else await writeFileAtomic(opts.output, out, ctx.io.cwd);
      const ran = results.filter((r) => !r.rpca_skipped);
      const flagged = ran.reduce((s, r) => s + r.corrupted.length, 0);
      const notConv = ran.filter((r) => !r.converged).length;
      ctx.info(
        `clean: ${records.length} prompts on ${engine.backend}: RPCA on ${ran.length}, skipped ${records.length - ran.length} ` +
          `(< ${opts.minCandidates} candidates), ${flagged} comparisons flagged${notConv ? `, ${notConv} NOT converged` : ''}, ${Date.now() - t0} ms`,
      );
    });
}
