// `stats` as a library function: per-prompt score statistics (groupStats kernel, one call per batch) summarised
// across prompts, and optionally one row per prompt to a sink. Pair inputs count as two-candidate prompts when they
// have scores. Runtime neutral.
import { EX_NONE } from '../io/adapt.js';
import { Column } from '../io/encode.js';
import type { ColumnSpec } from '../io/rows.js';
import { logitClamped } from '../numeric.js';
import { batchRowBuilder, RowEmitter, rowsTransfer, type BatchRows, type RowSink } from './emit.js';
import type { GroupStats, StdKind } from './group-engine.js';
import { Job, type JobHooks, type JobInput, type ReadSettings } from './job.js';
import type { RunResult } from './run-pairs.js';
import type { BatchPool, RunEngine, Stage } from './tasks.js';
import { ScoreSummaryCollector, tieFlags, type ScoreSummary } from './score-summary.js';
import type { SpoolFactory } from '../io/spool.js';

export interface StatsRunOptions {
  transform: 'none' | 'logit';
  std: StdKind;
  /**
   * Where the per-prompt numbers of the summary go once they take more than 1 MiB a column (the CLI passes a file
   * spool): memory then stays bounded whatever the number of prompts. Default: kept in memory.
   */
  spill?: SpoolFactory;
}

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

const COLS = PER_PROMPT_SCHEMA.map((c) => new Column(c.name));

export interface StatsRunResult extends RunResult {
  summary: ScoreSummary;
}

/** The plan of a stats pass (clonable). */
export interface StatsPlan {
  o: StatsRunOptions;
  /** Build per-prompt rows for a sink of this kind (none: summary only). */
  sink?: 'jsonl' | 'objects';
}

/** A stats pass's result for one batch: the per-prompt statistics and tie flags (for the summary) and the rows. */
export interface StatsBatch {
  stats: GroupStats;
  ties: Uint8Array;
  rows?: BatchRows;
}

const rowBuilders: Parameters<typeof batchRowBuilder>[0] = {};

export const statsStage: Stage<StatsPlan, StatsBatch | null> = {
  name: 'stats',
  run(engine, a, plan, tally) {
    const logit = plan.o.transform === 'logit';
    // One value per candidate (NaN: excluded or out of range for the transform), grouped by prompt.
    let groups: number;
    let values: Float64Array;
    let offsets: Int32Array;
    let promptIndex: Int32Array;
    let outOfRange = 0;
    const t = (x: number): number => {
      if (!logit || !Number.isFinite(x)) return x;
      const v = logitClamped(x);
      if (Number.isNaN(v)) outOfRange++;
      return v;
    };
    if (a.kind === 'candidates') {
      const c = a.columns;
      groups = c.groups;
      const n = c.resp.n;
      values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = c.excl.a[i] === EX_NONE ? t(c.score.a[i]!) : Number.NaN;
      offsets = c.off.values().slice();
      promptIndex = c.index.values().slice();
    } else {
      // Pairs: a two-candidate prompt when it has a score; without any, a no-pair outcome (no_scores).
      const c = a.columns;
      const keep: number[] = [];
      for (let g = 0; g < c.groups; g++) {
        if (Number.isNaN(c.scoreChosen.a[g]!) && Number.isNaN(c.scoreRejected.a[g]!)) tally.noPairFor('no_scores');
        else keep.push(g);
      }
      groups = keep.length;
      values = new Float64Array(2 * groups);
      offsets = new Int32Array(groups + 1);
      promptIndex = new Int32Array(groups);
      keep.forEach((g, k) => {
        values[2 * k] = t(c.scoreChosen.a[g]!);
        values[2 * k + 1] = t(c.scoreRejected.a[g]!);
        offsets[k + 1] = 2 * (k + 1);
        promptIndex[k] = c.index.a[g]!;
      });
    }
    if (outOfRange > 0) tally.exclude('score_out_of_range', outOfRange);
    if (groups === 0) return null;
    const st = engine.groupStats(values, offsets, { std: plan.o.std });
    for (let g = 0; g < groups; g++) tally.written(plan.sink ? 1 : 0);
    const out: StatsBatch = { stats: st, ties: tieFlags(values, offsets) };
    if (plan.sink) {
      const rb = batchRowBuilder(rowBuilders, plan.sink);
      const b = rb.builder;
      for (let g = 0; g < groups; g++) {
        b.begin();
        b.key(COLS[0]!);
        b.int(promptIndex[g]!);
        b.key(COLS[1]!);
        b.int(st.count[g]!);
        b.key(COLS[2]!);
        b.num(st.mean[g]!);
        b.key(COLS[3]!);
        b.num(st.std[g]!);
        b.key(COLS[4]!);
        b.num(st.min[g]!);
        b.key(COLS[5]!);
        b.num(st.max[g]!);
        b.key(COLS[6]!);
        if (st.argmin[g]! < 0) b.null();
        else b.int(st.argmin[g]!);
        b.key(COLS[7]!);
        if (st.argmax[g]! < 0) b.null();
        else b.int(st.argmax[g]!);
        b.end();
        rb.row();
      }
      out.rows = rb.take();
    }
    return out;
  },
  transfer: (r) =>
    r ? [...rowsTransfer(r.rows), r.ties.buffer as ArrayBuffer, ...Object.values(r.stats).map((x: ArrayLike<number> & { buffer: ArrayBuffer }) => x.buffer)] : [],
};

export async function runStats(engine: RunEngine, input: JobInput, read: ReadSettings, o: StatsRunOptions, sink: RowSink | undefined, hooks: JobHooks = {}, pool?: BatchPool): Promise<StatsRunResult> {
  const job = new Job(engine, input, read, hooks, pool);
  const spool = o.spill?.();
  try {
    const collector = new ScoreSummaryCollector(spool);
    const emitter = sink ? new RowEmitter(sink) : undefined;
    await emitter?.columns(PER_PROMPT_SCHEMA);
    for await (const r of job.run(statsStage, { o: { transform: o.transform, std: o.std }, sink: sink?.kind })) {
      if (!r) continue;
      collector.add(r.stats, r.ties);
      if (emitter && r.rows) await emitter.write(r.rows);
    }
    return { tally: job.tally, format: job.format ?? null, detected: job.detected, report: {}, summary: collector.summary() };
  } finally {
    spool?.close();
    job.free();
  }
}
