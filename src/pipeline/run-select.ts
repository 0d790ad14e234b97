// `select` and `curate` as library functions, in bounded memory: a selection ranks margins, not rows. Pass 1 reads
// every record (counted), builds the pairs of candidate sets (or takes the pairs of a pairs input) and keeps a few
// numbers per pair (record, picks, margins, scores). The ranking, the weights, the routing and the augmentation
// decisions run on those numbers. Pass 2 reads the input again and writes the rows that stay, in input order; when
// routing orders them (easy first), the rows wait in a spool and are written in that order. Runtime neutral.
import type { CandidateColumns, PairColumns } from '../io/adapt.js';
import { Column, columnOf, ObjectRowBuilder, type RowBuilder, type RowSink } from '../io/encode.js';
import { ByteSink } from '../io/bytes.js';
import { JsonlRowBuilder } from '../io/encode.js';
import { GrowF64, GrowI32 } from '../io/grow.js';
import type { Tally } from '../io/manifest.js';
import { RecordBatch } from '../io/records.js';
import type { ColumnSpec } from '../io/rows.js';
import { JSON_K_ARRAY } from '../abi/json.js';
import { Key } from '../io/records.js';
import { encodeNumber, logitClamped } from '../numeric.js';
import { augmentInto, goalDrop, type AugmentDrop, type AugmentOptions, type AugmentOut } from './augment.js';
import { chunkOfColumns, pairSchema, writePairColumns } from './candidates.js';
import { RowEmitter } from './emit.js';
import { UsageError } from './errors.js';
import { Job, type JobHooks, type JobInput, type ReadSettings, type RecordRanges } from './job.js';
import { implicitMargin } from './margins.js';
import { ColumnTypes, writePairRecordColumns } from './pair-records.js';
import { emptyReport, mergeReport, pairsForChunk, type ChunkPairs } from './pairs.js';
import type { ConstructReport } from './construct.js';
import type { BatchPool, Stage } from './tasks.js';
import { constructReportJson } from './report-json.js';
import { augmentedInput, routePairs, type RouteOptions } from './route.js';
import { settleForm, type PairsRunOptions, type RunEngine, type RunResult } from './run-pairs.js';
import { resolveBy, selectPairs, type SelectByOption, type SelectOptions, type SelectResult } from './select.js';
import { selectionReport } from './select-report.js';
import { batchNumbers, dropFills, place, Table, type BatchNumbers, type PairNumbers, type PairCursor } from './select-table.js';
import { MemorySpool, type SpoolFactory } from '../io/spool.js';
import { Reorder } from './spool.js';
import { GapAccumulator, gapWeight } from './weights.js';

export interface SelectRunOptions extends PairsRunOptions {
  by: SelectByOption;
  select: Omit<SelectOptions, 'by'>;
  /** Write every row (dropped ones with selected = null). */
  all?: boolean;
  /** curate's steps after the selection (on the kept pairs). */
  curate?: {
    route?: RouteOptions;
    augment?: AugmentOptions;
  };
  /** Where rows wait when routing reorders them (default: in memory). */
  spool?: SpoolFactory;
  /**
   * Where pass 1 keeps the per-pair numbers only the counts and pass 2 read (record, picks, scores, place in the
   * input; default: in memory), so that memory holds only the ranked margins. The result's `pairs` columns other
   * than the margins are read from it, so only until the run returns.
   */
  spill?: SpoolFactory;
  /** The bytes of those numbers kept in memory before `spill` takes them (default 4 MiB; 0: spill from the start). */
  spillAfter?: number;
  /** Told each batch of candidate sets in pass 1 with the pairs built from it (e.g. to feed a report). */
  onCandidates?: (batch: RecordBatch, columns: CandidateColumns, pairs: ChunkPairs) => void;
  /** Told each batch of a pairs input in pass 1 with its pairs' numbers (record, scores), in table order (e.g. to feed a report). */
  onPairNumbers?: (numbers: Pick<BatchNumbers, 'n' | 'record' | 'sc' | 'sr'>) => void;
  /**
   * A partial result (a shard): no selection; every pair's row (its base columns) to `main`, and its numbers to
   * `margins`, for a merge with the other shards' (src/pipeline/merge.ts). The object is kept in the margins file's
   * header (`meta`), with the run's options.
   */
  partial?: Record<string, unknown>;
}

export interface SelectSinks {
  main: RowSink;
  /** Routed SFT rows (curate --route). */
  sft?: RowSink;
  /** A partial result's numbers (JSON Lines; see PartialHeader). */
  margins?: RowSink;
}

export type { PairNumbers } from './select-table.js';

export interface SelectRunResult extends RunResult {
  pairs: PairNumbers;
  /** The selection (none in a partial result). */
  selection?: SelectResult;
  by: string;
}

const SEL = {
  pExternal: new Column('p_external'),
  pImplicit: new Column('p_implicit'),
  score: new Column('selection_score'),
  selected: new Column('selected'),
  weight: new Column('weight'),
  route: new Column('route'),
};
const APPENDED = new Set(['p_external', 'p_implicit', 'selection_score', 'selected', 'weight', 'route']);

const IMPLICIT = new Key('implicit_margin');
const MARGIN = new Key('margin');
/** augment's field on each of its two rows (curate --route refuses such rows: see augmentedInput). */
const GOAL_ROLE = new Key('goal_role');
const LOGP_KEYS = ['policy_chosen_logps', 'policy_rejected_logps', 'reference_chosen_logps', 'reference_rejected_logps'].map((k) => new Key(k));

/** augmentInto's rows straight into a row builder (no row objects). */
export class BuilderOut implements AugmentOut {
  constructor(public b: RowBuilder) {}
  begin(): void {
    this.b.begin();
  }
  put(key: string, value: unknown): void {
    this.b.key(columnOf(key));
    this.b.value(value);
  }
  end(): void {
    this.b.end();
  }
}

/** Writes an object row through a builder (SFT rows, library rows). */
export function writeObjectRow(b: RowBuilder, row: Record<string, unknown>): void {
  b.begin();
  for (const k of Object.keys(row)) {
    b.key(columnOf(k));
    b.value(row[k]);
  }
  b.end();
}

/** A pairs input's implicit margin: its `implicit_margin`, else from the four log-prob fields (numbers or token lists). */
function recordImplicit(batch: RecordBatch, r: number, beta: number, reduce: 'sum' | 'mean'): number {
  const m = batch.member(r, IMPLICIT);
  if (m >= 0) return batch.memberValue(m);
  const mean = reduce === 'mean';
  return implicitMargin(logpOf(batch, r, LOGP_KEYS[0]!, mean), logpOf(batch, r, LOGP_KEYS[1]!, mean), logpOf(batch, r, LOGP_KEYS[2]!, mean), logpOf(batch, r, LOGP_KEYS[3]!, mean), beta);
}

/** Record r's log-prob field `key`: a number, or the sum (mean) of a token list; NaN when absent or not numeric. */
function logpOf(batch: RecordBatch, r: number, key: Key, mean: boolean): number {
  const k = batch.member(r, key);
  if (k < 0) return Number.NaN;
  const ix = batch.index;
  if (ix.valKind[k]! !== JSON_K_ARRAY) return batch.memberValue(k);
  const e0 = ix.elemOff[k]!;
  const e1 = ix.elemOff[k + 1]!;
  if (e1 === e0) return Number.NaN;
  let s = 0;
  for (let e = e0; e < e1; e++) {
    if (!RecordBatch.isNumeric(ix.elemKind[e]!)) return Number.NaN;
    s += batch.elemValue(e);
  }
  return mean ? s / (e1 - e0) : s;
}

/**
 * Counts every record with pairs in the table: written, with its rows (pairsOf main rows plus sftOf SFT rows of each
 * pair) and pairs, or, when none of its pairs gives a row, without a pair for the reason dropReason gives.
 */
function countRecords(tally: Tally, t: Table, pairsOf: (i: number) => number, sftOf: (i: number) => number, dropReason: (i: number) => string): void {
  let rec = -1;
  let rows = 0;
  let pairs = 0;
  let reason = 'not_selected';
  const close = (): void => {
    if (rows > 0) tally.written(rows, pairs);
    else tally.noPairFor(reason);
  };
  t.blocks.forEach((b) => {
    for (let j = 0; j < b.n; j++) {
      const i = b.start + j;
      if (i > 0 && b.record[j] !== rec) {
        close();
        rows = pairs = 0;
        reason = 'not_selected';
      }
      rec = b.record[j]!;
      const m = pairsOf(i);
      rows += m + sftOf(i);
      pairs += m;
      const why = dropReason(i);
      if (why !== 'not_selected') reason = why;
    }
  });
  if (t.n > 0) close();
}

/** The plan of select's pass 1 (clonable). */
interface SelectPlan {
  o: PairsRunOptions;
  /** Parquet output: a pairs input's column types are observed. */
  parquet: boolean;
  /** Keep each batch with its result (an inline pass feeding the report). */
  keep: boolean;
  /** Keep each pair's route margin (curate --route, a partial result). */
  routeMargin: boolean;
  /** Set by settle: the input's kind, text form and implicit column (from its first record with a candidate set or pair). */
  kind: 'candidates' | 'pairs' | undefined;
  conversational?: boolean;
  implicit?: boolean;
}

interface SelectBatch {
  kind: 'candidates' | 'pairs';
  report: ConstructReport;
  numbers: BatchNumbers;
  conversational?: boolean;
  implicit?: boolean;
  types?: ReturnType<ColumnTypes['entries']>;
  /** Inline passes only: the batch, its columns and pairs (for the report). */
  candidates?: { batch: RecordBatch; columns: CandidateColumns; pairs: ChunkPairs };
  /** A pairs input: the line of the batch's first augmented row (goal_role), if any. */
  augmented?: number;
}


/** The clonable options of select's pass 1. */
function selectStageOptions(o: SelectRunOptions): PairsRunOptions {
  const { strategy, chosen, rejected, std, minGap, keepTies, fallback, seed, transform, beta, reduce, rejectedMinOfK, gridArms } = o;
  return { strategy, chosen, rejected, std, minGap, keepTies, fallback, seed, transform, beta, reduce, rejectedMinOfK, gridArms };
}

export const selectStage: Stage<SelectPlan, SelectBatch | null> = {
  name: 'select',
  ready: (plan) => plan.kind !== undefined,
  settle(a, plan) {
    if (a.columns.groups === 0) return;
    plan.kind = a.kind;
    if (a.kind === 'candidates') settleForm(a, plan);
  },
  run(engine, a, plan, tally) {
    const o = plan.o;
    const tf = o.transform === 'logit' ? logitClamped : (x: number) => x;
    const beta = o.beta ?? 1;
    const reduce = o.reduce ?? 'sum';
    if (a.kind === 'candidates') {
      const c = a.columns;
      if (c.groups === 0) return null;
      const res = pairsForChunk(engine, chunkOfColumns(engine, c, o), o);
      if (res.outOfRange > 0) tally.exclude('score_out_of_range', res.outOfRange);
      for (let g = 0; g < c.groups; g++) if (res.groupPairs[g] === 0) tally.noPairFor(res.noPair[g] ?? 'no_pair');
      const r = res.rows;
      const nb = batchNumbers(r.n, plan.routeMargin);
      nb.record.set(r.promptIndex.subarray(0, r.n));
      nb.chosen.set(r.chosenIndex.subarray(0, r.n));
      nb.rejected.set(r.rejectedIndex.subarray(0, r.n));
      nb.sc.set(r.scoreChosen.subarray(0, r.n));
      nb.sr.set(r.scoreRejected.subarray(0, r.n));
      if (plan.routeMargin) nb.routeMargin.set(r.margin.subarray(0, r.n));
      for (let i = 0; i < r.n; i++) {
        nb.ext[i] = tf(r.scoreChosen[i]!) - tf(r.scoreRejected[i]!);
        nb.imp[i] = r.implicitMargin && c.withLogps.a[r.group[i]!] ? r.implicitMargin[i]! : Number.NaN;
        place(nb, i, a.batch, c.rec.a[r.group[i]!]!);
      }
      return {
        kind: 'candidates',
        report: res.report,
        numbers: dropFills(nb),
        conversational: plan.conversational,
        implicit: plan.implicit,
        candidates: plan.keep ? { batch: a.batch, columns: c, pairs: res } : undefined,
      };
    }
    const c = a.columns;
    if (c.groups === 0) return null;
    const types = plan.parquet ? new ColumnTypes() : undefined;
    let augmented: number | undefined;
    const nb = batchNumbers(c.groups, plan.routeMargin);
    for (let g = 0; g < c.groups; g++) {
      if (augmented === undefined && a.batch.member(c.rec.a[g]!, GOAL_ROLE) >= 0) augmented = c.line.a[g]!;
      const sc = c.scoreChosen.a[g]!;
      const sr = c.scoreRejected.a[g]!;
      nb.record[g] = c.index.a[g]!;
      nb.chosen[g] = -1;
      nb.rejected[g] = -1;
      nb.sc[g] = sc;
      nb.sr[g] = sr;
      nb.ext[g] = tf(sc) - tf(sr);
      nb.imp[g] = recordImplicit(a.batch, c.rec.a[g]!, beta, reduce);
      if (plan.routeMargin) {
        const mm = a.batch.member(c.rec.a[g]!, MARGIN);
        const own = mm >= 0 ? a.batch.memberValue(mm) : Number.NaN;
        nb.routeMargin[g] = Number.isNaN(own) ? sc - sr : own;
      }
      place(nb, g, a.batch, c.rec.a[g]!);
      types?.observeRecord(a.batch, c, g, APPENDED);
    }
    return { kind: 'pairs', report: emptyReport(), numbers: dropFills(nb), conversational: c.conversational.a[0] === 1, types: types?.entries(), augmented };
  },
  transfer: (r) => (r ? Object.values(r.numbers).filter((x): x is Int32Array | Float64Array => typeof x === 'object').map((x) => x.buffer as ArrayBuffer) : []),
};

export async function runSelect(
  engine: RunEngine,
  input: JobInput,
  read: ReadSettings,
  o: SelectRunOptions,
  sinks: SelectSinks,
  hooks: JobHooks = {},
  pool?: BatchPool,
): Promise<SelectRunResult> {
  const job = new Job(engine, input, read, hooks, pool);
  try {
    return await selectWith(job, engine, input, o, sinks);
  } finally {
    job.free();
  }
}

/** What pass 1 of select/curate gathers: every pair's numbers, the construction report and the file's row form. */
export interface SelectTable {
  table: Table;
  construct: ConstructReport;
  kind: 'candidates' | 'pairs' | undefined;
  conversational: boolean | undefined;
  implicitColumn: boolean;
  types: ColumnTypes;
}

/** The records a pass 2 needs (ascending) and where they are in the input. */
export interface NeededRecords {
  needed: Int32Array;
  /**
   * Where they are, for an input read by position; absent when they are more than a quarter of the table's records (a
   * sequential pass that skips the others reads them then: no 20 bytes of position per record, no scattered reads).
   */
  ranges?: RecordRanges;
  /** Their bytes in the input. */
  bytes: number;
}

/**
 * Where the rows of pass 2 get each pair's base columns (its pair columns, or a pairs input's own columns): calls
 * visit(i, base) for the pairs of the needed records in pair order, and flush() after each batch. A run reads the
 * records again; a merge reads the shards' partial rows.
 */
export type PairBaseSource = (need: NeededRecords, visit: (i: number, base: (b: RowBuilder) => void) => void, flush: () => Promise<void>) => Promise<void>;

async function selectWith(job: Job, engine: RunEngine, input: JobInput, o: SelectRunOptions, sinks: SelectSinks): Promise<SelectRunResult> {
  const st = await selectPass1(job, o, sinks.main.kind === 'objects', input.name);
  try {
    const source = recordSource(job, engine, input, o, st);
    if (o.partial) {
      await writePartial(st, job.tally, o, sinks, source);
      return { tally: job.tally, format: job.format ?? null, detected: job.detected, report: partialReport(st), pairs: st.table.numbers(), by: String(o.by) };
    }
    const done = await finishSelect(st, job.tally, o, sinks, source, input.pread !== undefined);
    return { tally: job.tally, format: job.format ?? null, detected: job.detected, ...done };
  } finally {
    st.table.close();
  }
}

/** Pass 1: count every record, build the pairs, keep their numbers. */
async function selectPass1(job: Job, o: SelectRunOptions, parquet: boolean, name: string): Promise<SelectTable> {
  const st: SelectTable = { table: new Table(o.spill?.(), o.spillAfter), construct: emptyReport(), kind: undefined, conversational: undefined, implicitColumn: false, types: new ColumnTypes() };
  try {
    return await fillTable(st, job, o, parquet, name);
  } catch (e) {
    st.table.close();
    throw e;
  }
}

async function fillTable(st: SelectTable, job: Job, o: SelectRunOptions, parquet: boolean, name: string): Promise<SelectTable> {
  // The report reads texts from the batches: its pass runs on this thread.
  const inline = o.onCandidates !== undefined;
  const plan: SelectPlan = { o: selectStageOptions(o), parquet, keep: inline, routeMargin: o.curate?.route !== undefined || o.partial !== undefined, kind: undefined };
  for await (const r of job.run(selectStage, plan, { inline })) {
    if (!r) continue;
    if (r.augmented !== undefined && o.curate?.route) throw augmentedInput(`${name}:${r.augmented}`);
    st.kind ??= r.kind;
    mergeReport(st.construct, r.report);
    if (r.conversational !== undefined && st.conversational === undefined) {
      st.conversational = r.conversational;
      st.implicitColumn = r.implicit === true;
    }
    if (r.types) st.types.merge(r.types);
    if (r.candidates && o.onCandidates) o.onCandidates(r.candidates.batch, r.candidates.columns, r.candidates.pairs);
    else if (r.kind === 'pairs' && o.onPairNumbers && r.numbers.n > 0) o.onPairNumbers(r.numbers);
    st.table.append(r.numbers, job.expected(st.table.n + r.numbers.n));
  }
  st.table.finish();
  // The passes left (the selection, the kept records' rows) run on this thread: the workers' memory goes now.
  await job.releaseWorkers();
  return st;
}

/** Pass 2 from the input: the needed records read again (by position when the input allows), their pairs rebuilt. */
function recordSource(job: Job, engine: RunEngine, input: JobInput, o: SelectRunOptions, st: SelectTable): PairBaseSource {
  const t = st.table;
  const form = st.conversational ?? false;
  // The pair options as pass 1 has them (the same object shape: V8's code optimized for pass 1 keeps running).
  const po = selectStageOptions(o);
  return async (need, visit, flush) => {
    let p = 0; // pair pointer into the table
    let q = 0; // the needed record being read
    let last = -1;
    const n = t.n;
    const cur = t.cursor();
    /**
     * The pair of `rec` after the one taken last (its first, for a record not seen yet: the table's pairs are in
     * record order, so the pointer only moves on; pass 2 reads needed records only).
     */
    const pairOf = (rec: number): number => {
      if (rec !== last) {
        while (q < need.needed.length && need.needed[q]! < rec) q++;
        if (need.needed[q] !== rec) throw new Error(`pairsmith: internal error: pass 2 read record ${rec}, which it did not ask for`);
        while (p < n && cur.get('record', p) < rec) p++;
        if (p >= n || cur.get('record', p) !== rec) throw new Error(`pairsmith: internal error: pass 2 read record ${rec}, which has no pair`);
        last = rec;
      }
      return p++;
    };
    for await (const a of input.pread && need.ranges ? job.passRanges(need.ranges) : job.pass(false, need.needed)) {
      if (a.kind === 'candidates') {
        const c: CandidateColumns = a.columns;
        if (c.groups === 0) continue;
        const res: ChunkPairs = pairsForChunk(engine, chunkOfColumns(engine, c, po), po);
        const src = { batch: a.batch, columns: c, pairs: res };
        for (let k = 0; k < res.rows.n; k++) {
          const i = pairOf(res.rows.promptIndex[k]!);
          if (i >= n || cur.get('record', i) !== res.rows.promptIndex[k] || cur.get('chosen', i) !== res.rows.chosenIndex[k] || cur.get('rejected', i) !== res.rows.rejectedIndex[k]) {
            throw new Error('pairsmith: internal error: the second pass built different pairs (was the input changed while it was read?)');
          }
          visit(i, (b) => writePairColumns(b, src, k, form, st.implicitColumn));
        }
      } else {
        const c: PairColumns = a.columns;
        for (let g = 0; g < c.groups; g++) {
          const i = pairOf(c.index.a[g]!);
          visit(i, (b) => writePairRecordColumns(b, a.batch, c, g, form, APPENDED));
        }
      }
      await flush();
    }
  };
}

/**
 * The records holding the pairs for which `want(i)` is true, ascending, with their positions when `positional` (the
 * input can be read by position) and they are at most a quarter of the table's records.
 */
function neededRecords(t: Table, want: (i: number) => boolean, positional: boolean): NeededRecords {
  // Counted first, then filled: arrays of exactly their size (the kept records of a large input are many).
  let count = 0;
  let records = 0;
  let bytes = 0;
  let last = -1;
  let lastAny = -1;
  t.blocks.forEach((b) => {
    for (let j = 0; j < b.n; j++) {
      const rec = b.record[j]!;
      if (records === 0 || rec !== lastAny) records++;
      lastAny = rec;
      if (!want(b.start + j)) continue;
      if (count === 0 || rec !== last) {
        count++;
        bytes += b.recLength[j]!;
      }
      last = rec;
    }
  });
  const byPosition = positional && 4 * count <= records;
  const index = new Int32Array(count);
  const line = new Int32Array(byPosition ? count : 0);
  const offset = new Float64Array(byPosition ? count : 0);
  const length = new Int32Array(byPosition ? count : 0);
  let k = 0;
  t.blocks.forEach((b) => {
    for (let j = 0; j < b.n && k < count; j++) {
      const i = b.start + j;
      const rec = b.record[j]!;
      if (!want(i) || (k > 0 && index[k - 1] === rec)) continue;
      index[k] = rec;
      if (byPosition) {
        line[k] = b.recLine[j]!;
        offset[k] = b.recOffset[j]!;
        length[k] = b.recLength[j]!;
      }
      k++;
    }
  });
  return { needed: index, ranges: byPosition ? { n: count, index, line, offset, length } : undefined, bytes };
}

/** The rows' columns before the selection columns. */
function baseSchema(st: SelectTable): ColumnSpec[] {
  const form = st.conversational ?? false;
  return st.kind === 'pairs' ? [...st.types.specs(), ...pairSchema(form, false).slice(0, 5)] /* prompt, chosen, rejected, the two scores */ : pairSchema(form, st.implicitColumn).slice(0);
}

/**
 * The selection over every pair, curate's decisions on the kept ones (weights, routing, augmentation), the outcome
 * of every record counted into `tally`, and the rows written (pass 2, from `source`).
 */
export async function finishSelect(
  st: SelectTable,
  tally: Tally,
  o: SelectRunOptions,
  sinks: SelectSinks,
  source: PairBaseSource,
  /** The source reads the input by position (input.pread): pass 2 may read only the records it needs. */
  positional = false,
): Promise<{ report: Record<string, unknown>; pairs: PairNumbers; selection: SelectResult; by: string }> {
  const table = st.table;
  const kind = st.kind;
  const t = table.numbers();
  const anyFinite = (x: Float64Array) => x.some(Number.isFinite);
  const hasEx = anyFinite(t.external);
  const hasIm = table.imp.materialized && anyFinite(t.implicit);
  const by = resolveBy(o.by, { external: hasEx, implicit: hasIm });
  let sel: SelectResult;
  try {
    sel = selectPairs({ external: hasEx ? t.external : undefined, implicit: hasIm ? t.implicit : undefined }, { by, ...o.select });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/^pairsmith: /, ''));
  }
  const report: Record<string, unknown> = {};
  if (kind !== 'pairs') report.construction = constructReportJson(st.construct);
  report.selection = selectionReport(by, sel, { external: hasEx ? t.external : null, implicit: hasIm ? t.implicit : null });

  // Decisions on the kept pairs (curate) or the written ones (select).
  const n = t.n;
  const kept = (i: number) => sel.rank[i]! > 0;
  const curate = o.curate;
  const written = (i: number) => kept(i) || (o.all === true && !curate);
  let weight: Float64Array | undefined;
  if (o.weights) {
    const acc = new GapAccumulator();
    const cur = table.cursor();
    for (let i = 0; i < n; i++) if (written(i)) acc.add(cur.get('sc', i) - cur.get('sr', i));
    const w = acc.report();
    weight = new Float64Array(n);
    for (let i = 0; i < n; i++) weight[i] = gapWeight(cur.get('sc', i) - cur.get('sr', i), w.meanGap);
    report.weights = { formula: 'max(gap, 0) / mean(max(gap, 0))', mean_gap: Number.isFinite(w.meanGap) ? w.meanGap : null, missing: w.missing, negative: w.negative };
  }
  // Routing (curate --route): the kept pairs by margin, easy first; the hard ones to SFT.
  let routeOrder: Int32Array | undefined;
  let sftOrder: Int32Array | undefined;
  const route = new Uint8Array(curate?.route ? n : 0); // 0 none, 1 dpo, 2 sft (routing only)
  const toSft = (i: number): boolean => route.length > 0 && route[i] === 2;
  if (curate?.route) {
    const keptIdx: number[] = [];
    for (let i = 0; i < n; i++) if (kept(i)) keptIdx.push(i);
    const rm = table.routeMargin.values();
    const margins = Float64Array.from(keptIdx, (i) => rm[i]!);
    const r = routePairs(margins, curate.route);
    routeOrder = Int32Array.from(r.dpo, (k) => keptIdx[k]!);
    sftOrder = Int32Array.from(r.sft, (k) => keptIdx[k]!);
    for (const i of routeOrder) route[i] = 1;
    for (const i of sftOrder) route[i] = 2;
    report.route = { dpo: routeOrder.length, sft: sftOrder.length, no_margin: r.missing.length };
  }
  // Augmentation (curate --augment) of the DPO pairs: its drops are known from the scores (goalDrop, as augmentRow
  // decides them; a filter field, which needs the rows, is the augment command's).
  const augDrop: (AugmentDrop | null)[] = curate?.augment ? new Array<AugmentDrop | null>(n).fill(null) : [];
  if (curate?.augment) {
    const dropped: Record<string, number> = {};
    let rows = 0;
    const cur = table.cursor();
    for (let i = 0; i < n; i++) {
      if (!kept(i) || (curate.route && route[i] !== 1)) continue;
      const why = goalDrop(cur.get('sc', i), cur.get('sr', i), curate.augment.keepTies === true);
      augDrop[i] = why;
      if (why) dropped[why] = (dropped[why] ?? 0) + 1;
      else rows += 2;
    }
    report.augment = { rows, dropped };
  }
  // Per pair: the rows it puts in the main output and the SFT output.
  const mainRows = (i: number): number => {
    if (!curate) return written(i) ? 1 : 0;
    if (!kept(i)) return o.all ? 1 : 0;
    if (curate.route && route[i] !== 1) return 0;
    if (curate.augment) return augDrop[i] ? 0 : 2;
    return 1;
  };
  countRecords(
    tally,
    table,
    mainRows,
    (i) => (toSft(i) ? 1 : 0),
    (i) => (kept(i) ? (curate?.route && route[i] === 0 ? 'no_margin' : 'augment_dropped') : 'not_selected'),
  );

  // Pass 2: the rows that stay.
  const main = new RowEmitter(sinks.main);
  const sft = sinks.sft ? new RowEmitter(sinks.sft) : undefined;
  const form = st.conversational ?? false;
  const extra: ColumnSpec[] = [
    { name: 'p_external', type: 'double' },
    { name: 'p_implicit', type: 'double' },
    { name: 'selection_score', type: 'double' },
    { name: 'selected', type: 'int' },
    ...(weight ? [{ name: 'weight', type: 'double' as const }] : []),
    ...(curate?.route ? [{ name: 'route', type: 'string' as const }] : []),
    ...(curate?.augment ? [
      { name: 'pair_id', type: 'int' as const },
      { name: 'goal_role', type: 'string' as const },
      { name: 'goal', type: 'double' as const },
    ] : []),
  ];
  await main.columns([...baseSchema(st), ...extra]);
  if (sft) await sft.columns(sftSchema(form, true));
  const fin = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : Number.NaN);
  /** The selection columns (and weight, route) of pair i. */
  const tail = (b: RowBuilder, i: number): void => {
    b.key(SEL.pExternal);
    b.num(fin(sel.pExternalOf?.(i)));
    b.key(SEL.pImplicit);
    b.num(fin(sel.pImplicitOf?.(i)));
    b.key(SEL.score);
    b.num(fin(sel.score[i]));
    b.key(SEL.selected);
    if (sel.rank[i]! > 0) b.int(sel.rank[i]!);
    else b.null();
    if (weight) {
      b.key(SEL.weight);
      b.num(weight[i]!);
    }
    if (curate?.route) {
      b.key(SEL.route);
      b.str('dpo');
    }
  };
  /** Writes the rows of pair i (its base columns from `base`) into `b`: the main row(s), and the SFT row. */
  const objRow = new ObjectRowBuilder(true);
  // Pass 2 visits the pairs in order: one block read per block.
  const pairCur = table.cursor();
  const emitPair = (b: RowBuilder, sftB: RowBuilder | undefined, i: number, base: (x: RowBuilder) => void, keptOrder: number): number => {
    let rows = 0;
    if (toSft(i) && sftB) {
      base(objRow);
      objRow.end();
      const row = objRow.take()[0]!;
      const s: Record<string, unknown> = { prompt: row.prompt, completion: row.chosen, margin: table.routeMargin.get(i) };
      s.prompt_index = typeof row.prompt_index === 'number' ? row.prompt_index : null;
      s.pair_id = keptOrder;
      s.route = 'sft';
      writeObjectRow(sftB, s);
      return 0;
    }
    const m = mainRows(i);
    if (m === 0) return 0;
    if (curate?.augment && kept(i)) {
      base(objRow);
      tail(objRow, i);
      objRow.end();
      const row = objRow.take()[0]!;
      if (augmentInto(row, pairCur.get('record', i), curate.augment, new BuilderOut(b)) === null) rows += 2;
      return rows;
    }
    base(b);
    tail(b, i);
    b.end();
    return 1;
  };

  // Each pair's position among the kept pairs (an SFT row's pair_id: routing only).
  const keptOrder = new Int32Array(curate?.route ? n : 0);
  if (curate?.route) {
    let k = 0;
    for (let i = 0; i < n; i++) keptOrder[i] = kept(i) ? k++ : -1;
  }
  // The records pass 2 needs (ascending; pairs are in record order).
  const need = neededRecords(table, (i) => mainRows(i) > 0 || toSft(i), positional);
  const reorder = routeOrder !== undefined;
  const spool = reorder ? (o.spool ?? (() => new MemorySpool()))() : undefined;
  const spoolSink = new ByteSink(1 << 16);
  const spoolB = new JsonlRowBuilder(spoolSink);
  // Routed output: each pair's position in its output (route says which), and the rows by position.
  const rank = new Int32Array(reorder ? n : 0);
  let order: { 1: Reorder; 2: Reorder } | undefined;
  if (reorder) {
    routeOrder!.forEach((i, k) => (rank[i] = k));
    sftOrder!.forEach((i, k) => (rank[i] = k));
    // About the bytes of the records read back (more than the rows for candidate sets: a share of the record's).
    const bytes = need.bytes;
    const share = (k: number): number => (routeOrder!.length + sftOrder!.length > 0 ? (bytes * k) / (routeOrder!.length + sftOrder!.length) : 0);
    order = { 1: new Reorder(spool!, routeOrder!.length, share(routeOrder!.length)), 2: new Reorder(spool!, sftOrder!.length, share(sftOrder!.length)) };
  }
  try {
    const secondPass = async (dropped: boolean): Promise<void> => {
      const each = (i: number, base: (x: RowBuilder) => void): void => {
        if (dropped) {
          // curate --all: the dropped pairs, after the kept ones.
          if (!kept(i)) {
            base(main.builder);
            tail(main.builder, i);
            main.builder.end();
            main.row();
          }
          return;
        }
        if (curate && !kept(i)) return;
        if (!reorder) {
          main.rows += emitPair(main.builder, sft?.builder, i, base, keptOrder[i] ?? -1);
          return;
        }
        // Reordered output: the pair's rows wait in the spool.
        emitPair(spoolB, spoolB, i, base, keptOrder[i] ?? -1);
        const bytes = spoolSink.take();
        if (bytes.length > 0) order![route[i] as 1 | 2].put(rank[i]!, bytes);
      };
      await source(need, each, async () => {
        await main.flush();
        if (sft) await sft.flush();
      });
    };
    await secondPass(false);
    if (reorder) {
      await order![1].drain((row) => main.spooled(row));
      if (sft) {
        await order![2].drain((row) => sft.spooled(row));
        await sft.flush();
      }
    }
    if (curate && o.all) await secondPass(true);
    await main.flush();
  } finally {
    spool?.close();
  }
  return { report, pairs: t, selection: sel, by };
}

/** The first line of a partial result's margins file: what a merge needs besides the pairs' numbers. */
export interface PartialHeader {
  pairsmith_partial: 1;
  /** Pairs in the partial (lines after this one, one per pair, in the order of the partial's rows). */
  pairs: number;
  kind: 'candidates' | 'pairs' | null;
  conversational: boolean | null;
  implicit_column: boolean;
  /** A pairs input's column types (Parquet output), in order of first appearance. */
  types: [string, string | null][];
  /** The construction report, its z-sum as exact partials (numeric.ts exactAdd). */
  construction: ConstructReport;
  /** The run's options (what a merge applies: the same for every shard). */
  options: SelectRunOptions;
  /** What the caller kept with it (the CLI: the command and its parameters). */
  meta: Record<string, unknown>;
}

/** The options of a run as data (no functions, no partial): what the shards of one run share. */
export function runOptionsData(o: SelectRunOptions): SelectRunOptions {
  const { spool: _s, spill: _f, spillAfter: _a, onCandidates: _c, onPairNumbers: _n, partial: _p, ...rest } = o;
  return JSON.parse(JSON.stringify(rest)) as SelectRunOptions;
}

/** A pair's numbers in a margins file: [record, chosen, rejected, score_chosen, score_rejected, external, implicit, route_margin]. */
export function pairLine(t: Table, cur: PairCursor, i: number): unknown[] {
  return [cur.get('record', i), cur.get('chosen', i), cur.get('rejected', i), ...[cur.get('sc', i), cur.get('sr', i), t.ext.a[i]!, t.imp.get(i), t.routeMargin.get(i)].map(encodeNumber)];
}

/**
 * A shard's partial result: every pair's row (its base columns, in pair order) to the main output, its numbers to
 * the margins file. Each record with pairs counts as written (its pairs are the partial's rows); the merge counts
 * the outcomes of the selection.
 */
async function writePartial(st: SelectTable, tally: Tally, o: SelectRunOptions, sinks: SelectSinks, source: PairBaseSource): Promise<void> {
  const t = st.table;
  const n = t.n;
  countRecords(tally, t, () => 1, () => 0, () => 'not_selected');
  const main = new RowEmitter(sinks.main);
  await main.columns(baseSchema(st));
  await source(
    neededRecords(t, () => true, false),
    (_i, base) => {
      base(main.builder);
      main.builder.end();
      main.row();
    },
    () => main.flush(),
  );
  await main.flush();
  if (!sinks.margins) return;
  const header: PartialHeader = {
    pairsmith_partial: 1,
    pairs: n,
    kind: st.kind ?? null,
    conversational: st.conversational ?? null,
    implicit_column: st.implicitColumn,
    types: st.types.entries(),
    construction: st.construct,
    options: runOptionsData(o),
    meta: o.partial ?? {},
  };
  const enc = new TextEncoder();
  await sinks.margins.writeBytes!(enc.encode(`${JSON.stringify(header)}\n`));
  let lines: string[] = [];
  const cur = t.cursor();
  for (let i = 0; i < n; i++) {
    lines.push(JSON.stringify(pairLine(t, cur, i)));
    if (lines.length === 4096 || i === n - 1) {
      await sinks.margins.writeBytes!(enc.encode(`${lines.join('\n')}\n`));
      lines = [];
    }
  }
}

/** A partial result's report (the manifest's): what it holds, and its construction. */
function partialReport(st: SelectTable): Record<string, unknown> {
  return { partial: { pairs: st.table.n }, ...(st.kind !== 'pairs' ? { construction: constructReportJson(st.construct) } : {}) };
}

/** SFT rows: TRL prompt-completion, with the margin and where the pair came from. */
export function sftSchema(conversational: boolean, withPromptIndex: boolean): ColumnSpec[] {
  const t = conversational ? 'messages' : 'string';
  return [
    { name: 'prompt', type: t, nullable: false },
    { name: 'completion', type: t, nullable: false },
    { name: 'margin', type: 'double' },
    ...(withPromptIndex ? [{ name: 'prompt_index', type: 'int' as const }] : []),
    { name: 'pair_id', type: 'int' },
    { name: 'route', type: 'string' },
  ];
}

