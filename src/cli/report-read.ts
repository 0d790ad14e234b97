// Reading the inputs of `pairsmith report` into a ReportCollector, chunk by chunk: candidate records become pool
// chunks (scores transformed to the analysis scale, texts read lazily), pair records become pair-row columns, and
// rejects are listed. Everything goes through the datasets layer's DataRun (same formats, field overrides,
// rejects and tally as every data command); memory stays bounded by the batch and the collector. Also the
// `<pairs>.manifest.json` sidecar of a pairs file.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Manifest } from '../io/manifest.js';
import { pairColumnsOfRecords, poolChunkOfColumns, type ReportTransform } from '../pipeline/report-feed.js';
import type { ReportCollector } from '../report/index.js';
import type { CliContext } from './context.js';
import { withDataRun } from './data-run.js';
import { CliError, EXIT } from './io.js';
import type { InputOptions } from './options.js';

/** Why a pool yields nothing for the report (null when it is usable). */
function poolOutcome(scores: ArrayLike<number>): string | null {
  let n = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < scores.length; i++) {
    const x = scores[i]!;
    if (!Number.isFinite(x)) continue;
    n++;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (n < 2) return 'insufficient_samples';
  return hi > lo ? null : 'no_spread';
}

export interface FeedResult {
  manifest: Manifest;
  /** Prompts and pair rows given to the collector. */
  pools: number;
  pairs: number;
}

/**
 * Reads one input into the collector: candidate chunks with addPools, pair chunks with addPairs, rejects with
 * addRejects. `role` 'main-with-pairs' refuses pair records (with --pairs the main input must hold candidates).
 * Counts go to the run's tally: a usable record is "written" (into the report), a pool without spread or with
 * fewer than 2 finite scores is a counted no-pair. O(chunk) memory besides the collector.
 */
export async function feedReportInput(
  ctx: CliContext,
  input: string,
  options: InputOptions,
  transform: ReportTransform,
  backend: string,
  parameters: Record<string, unknown>,
  collector: ReportCollector,
  role: 'main' | 'main-with-pairs' | 'pairs' = 'main',
): Promise<FeedResult> {
  let pools = 0;
  let pairs = 0;
  const engine = await ctx.engine();
  const manifest = await withDataRun(ctx, { command: 'report', input, output: null, options, parameters }, async (run) => {
    const hooks = run.hooks;
    const job = run.job(engine, {
      ...hooks,
      rejects: async (rs) => {
        collector.addRejects(rs);
        await hooks.rejects?.(rs);
      },
    });
    for await (const a of job.pass(true)) {
      if (a.kind === 'pairs') {
        if (role === 'main-with-pairs') throw new CliError(`--pairs needs a candidates input; ${input} holds pairs (give the pairs file alone instead)`, EXIT.USAGE);
        const c = a.columns;
        for (let g = 0; g < c.groups; g++) job.tally.written(0, 0);
        if (c.groups > 0) collector.addPairs(pairColumnsOfRecords(a.batch, c, transform));
        pairs += c.groups;
        continue;
      }
      const c = a.columns;
      if (c.groups === 0) continue;
      const chunk = poolChunkOfColumns(a.batch, c, transform, (n) => job.tally.exclude('score_out_of_range', n));
      for (let g = 0; g < c.groups; g++) {
        const why = poolOutcome(chunk.scores.subarray(chunk.offsets[g]!, chunk.offsets[g + 1]!));
        if (why) job.tally.noPairFor(why);
        else job.tally.written(0, 0);
      }
      collector.addPools(chunk);
      pools += c.groups;
    }
    return run.commit({ tally: job.tally, format: job.format ?? null, detected: job.detected }, backend);
  });
  return { manifest, pools, pairs };
}

/** The `<path>.manifest.json` beside a file, when it exists and parses (null otherwise). */
export function sidecarManifest(path: string, cwd?: string): Record<string, unknown> | null {
  if (path === '-') return null;
  const p = resolve(cwd ?? process.cwd(), `${path}.manifest.json`);
  if (!existsSync(p)) return null;
  try {
    const m = JSON.parse(readFileSync(p, 'utf8')) as unknown;
    return m !== null && typeof m === 'object' && !Array.isArray(m) ? (m as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * The margin a pairs run ranked by, from its manifest: `report.selection.by` (the resolved --by), else
 * `parameters.by` unless it is `auto` (then undefined: the report infers it from the columns).
 */
export function selectionByOf(m: Record<string, unknown> | null): string | undefined {
  const resolved = obj(obj(obj(m).report).selection).by;
  if (typeof resolved === 'string' && resolved !== 'auto') return resolved;
  const given = obj(obj(m).parameters).by;
  return typeof given === 'string' && given !== 'auto' ? given : undefined;
}
