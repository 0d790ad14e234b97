// Reading the inputs of `pairsmith report`: candidate pools (scores only, transformed to the analysis scale) or
// pair rows, through the datasets layer's DataRun (same formats, field overrides, rejects and tally as every
// data command), plus the `<pairs>.manifest.json` sidecar of a pairs file when there is one.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Manifest } from '../io/manifest.js';
import { logitClamped } from '../pipeline/transform.js';
import { promptString } from '../io/text.js';
import type { CandidateColumns } from '../io/adapt.js';
import { cellValue } from '../io/encode.js';
import type { RecordBatch } from '../io/records.js';
import type { Text } from '../io/types.js';
import { Job } from '../pipeline/job.js';
import { pipelineEngine } from './engine-port.js';
import type { PairRowInput, PromptPool } from '../report/index.js';
import type { CliContext } from './context.js';
import { withDataRun } from './data-run.js';
import type { InputOptions } from './options.js';

export type ScoreTransform = 'none' | 'logit';

/** The analysis-scale value of a raw score (logit as in `pairs`: clamped, NaN outside [0, 1]); non-finite stays. */
export function transformScore(x: number, t: ScoreTransform): number {
  return t === 'none' || !Number.isFinite(x) ? x : logitClamped(x);
}

export interface ReportInputs {
  pools: PromptPool[];
  pairRows: PairRowInput[];
  manifest: Manifest;
}

const LABEL_CHARS = 160;

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * The report columns of a pairs-file row (`pairs`, `select`, `route` and `curate` outputs): a plain row object,
 * with the scores as the datasets layer normalized them when given.
 */
export function pairRowFromObject(raw: Record<string, unknown>, scores?: { chosen?: number | null; rejected?: number | null }): PairRowInput {
  const sel = raw.selected;
  return {
    promptIndex: num(raw.prompt_index),
    chosenIndex: num(raw.chosen_index),
    rejectedIndex: num(raw.rejected_index),
    scoreChosen: scores ? (scores.chosen ?? null) : num(raw.score_chosen),
    scoreRejected: scores ? (scores.rejected ?? null) : num(raw.score_rejected),
    margin: num(raw.margin),
    implicitMargin: num(raw.implicit_margin),
    selectionScore: num(raw.selection_score),
    selected: typeof sel === 'boolean' ? sel : num(sel),
    route: typeof raw.route === 'string' ? raw.route : null,
  };
}

/** Why a pool yields nothing for the report (null when it is usable). */
function poolOutcome(scores: Float64Array): string | null {
  let n = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of scores) {
    if (!Number.isFinite(x)) continue;
    n++;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (n < 2) return 'insufficient_samples';
  return hi > lo ? null : 'no_spread';
}

/**
 * Reads one input for the report. Candidate sets become pools (prompt label, raw and transformed scores; responses
 * are not kept), pair records become pair rows. A usable record is "written" (into the report), a pool without
 * spread or with fewer than 2 finite scores is a counted no-pair.
 */
export async function readReportInput(
  ctx: CliContext,
  input: string,
  options: InputOptions,
  transform: ScoreTransform,
  backend: string,
  parameters: Record<string, unknown>,
): Promise<ReportInputs> {
  const pools: PromptPool[] = [];
  const pairRows: PairRowInput[] = [];
  const engine = pipelineEngine(await ctx.engine());
  const manifest = await withDataRun(ctx, { command: 'report', input, output: null, options, parameters }, async (run) => {
    const job = new Job(engine, run.input, run.read, run.hooks);
    for await (const a of job.pass(true)) {
      if (a.kind === 'pairs') {
        const c = a.columns;
        for (let g = 0; g < c.groups; g++) {
          const r = c.rec.a[g]!;
          const raw = a.batch.decode(a.batch.start[r]!, a.batch.end[r]!) as Record<string, unknown>;
          const sc = c.scoreChosen.a[g]!;
          const sr = c.scoreRejected.a[g]!;
          pairRows.push(pairRowFromObject(raw, { chosen: Number.isFinite(sc) ? sc : null, rejected: Number.isFinite(sr) ? sr : null }));
          job.tally.written(0, 0);
        }
        continue;
      }
      const c = a.columns;
      for (let g = 0; g < c.groups; g++) {
        const pool = poolOf(a.batch, c, g, transform, (n) => job.tally.exclude('score_out_of_range', n));
        const why = poolOutcome(pool.scores as Float64Array);
        if (why) job.tally.noPairFor(why);
        else job.tally.written(0, 0);
        pools.push(pool);
      }
    }
    return run.commit({ tally: job.tally, format: job.format ?? null, detected: job.detected }, backend);
  });
  return { pools, pairRows, manifest };
}

/**
 * Candidate set g of a batch as a report pool: the prompt as a short label, raw and transformed scores (responses
 * are not kept). `outOfRange(n)` is told how many finite scores the transform could not take (logit outside [0, 1]).
 */
export function poolOf(batch: RecordBatch, c: CandidateColumns, g: number, t: ScoreTransform, outOfRange: (n: number) => void): PromptPool {
  const s0 = c.off.a[g]!;
  const s1 = c.off.a[g + 1]!;
  const raw = new Float64Array(s1 - s0);
  const scores = new Float64Array(s1 - s0);
  let bad = 0;
  for (let i = s0; i < s1; i++) {
    raw[i - s0] = c.score.a[i]!;
    scores[i - s0] = transformScore(raw[i - s0]!, t);
    if (Number.isFinite(raw[i - s0]!) && !Number.isFinite(scores[i - s0]!)) bad++;
  }
  if (bad) outOfRange(bad);
  const prompt = cellValue(c.cells, c.prompt.a[g]!, batch.buf) as Text;
  const label = promptString(prompt).replace(/\s+/g, ' ').trim().slice(0, LABEL_CHARS);
  return { promptIndex: c.index.a[g]!, label, scores, raw: t === 'none' ? undefined : raw };
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
