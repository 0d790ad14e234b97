// The data path's columns as the report collector's input (src/report/collector.ts): candidate sets as pool chunks,
// constructed pairs and pairs-input records as pair columns, with their text read from the batch only for the
// examples the report keeps; and curate's report (CurateReport): fed in pass 1, finished after the selection.
// Runtime neutral (the CLI, the merge of a sharded run, the browser app and library users feed reports the same way).
import { JSON_K_STRING } from '../abi/json.js';
import { EX_NONE, LP_TOKENS, type CandidateColumns, type PairColumns as PairRecords } from '../io/adapt.js';
import { CELL_SPAN, type Cells } from '../io/cells.js';
import { cellValue } from '../io/encode.js';
import { Key, RecordBatch } from '../io/records.js';
import { promptString, responseString } from '../io/text.js';
import type { SpoolFactory } from '../io/spool.js';
import type { Text } from '../io/types.js';
import { logitClamped } from '../numeric.js';
import { ReportCollector, ROUTE, type PairColumns, type PoolChunk, type RejectInfo, type ReportData, type ReportKernels } from '../report/index.js';
import type { ChunkPairs } from './pairs.js';
import type { PairNumbers } from './run-select.js';
import type { BatchNumbers } from './select-table.js';
import type { SelectResult } from './select.js';

/** The report's analysis scale: the scores as given, or their logit (curate --transform logit; zscore is affine per prompt, so raw scores are shown). */
export type ReportTransform = 'none' | 'logit';

/** The analysis-scale value of a raw score (logit as in `pairs`: clamped, NaN outside [0, 1]); non-finite stays. */
export function transformScore(x: number, t: ReportTransform): number {
  return t === 'none' || !Number.isFinite(x) ? x : logitClamped(x);
}

const tf = (t: ReportTransform) => (x: number): number => transformScore(x, t);

/** The analysis-scale clamp bounds of a transform (a pile there is labelled "clamp" on the page). */
export function transformClamps(t: ReportTransform): number[] | undefined {
  return t === 'logit' ? [logitClamped(0), logitClamped(1)] : undefined;
}

/** Scale labels of a transform: the analysis scale and, when a transform applies, the raw one. */
export function scaleLabels(t: ReportTransform): { scoreLabel: string; rawLabel?: string } {
  return t === 'logit' ? { scoreLabel: 'logit(score)', rawLabel: 'score' } : { scoreLabel: 'score' };
}

/**
 * Characters (Unicode code points) of a JSON string value's bytes: UTF-8 lead bytes, each escape one character
 * (a \u surrogate pair one). Without escapes the text is not decoded.
 */
export function spanChars(buf: Uint8Array, s: number, e: number): number {
  let n = 0;
  for (let i = s + 1; i < e - 1; i++) {
    const b = buf[i]!;
    if (b === 0x5c) {
      const x = buf[i + 1];
      if (x === 0x75) {
        const hi = parseInt(String.fromCharCode(buf[i + 2]!, buf[i + 3]!, buf[i + 4]!, buf[i + 5]!), 16);
        i += 5;
        // A high surrogate followed by an escaped low surrogate is one character.
        if (hi >= 0xd800 && hi <= 0xdbff && buf[i + 1] === 0x5c && buf[i + 2] === 0x75) {
          const lo = parseInt(String.fromCharCode(buf[i + 3]!, buf[i + 4]!, buf[i + 5]!, buf[i + 6]!), 16);
          if (lo >= 0xdc00 && lo <= 0xdfff) i += 6;
        }
      } else i++;
      n++;
    } else if ((b & 0xc0) !== 0x80) n++;
  }
  return n;
}

function charsOf(cells: Cells, id: number, buf: Uint8Array): number {
  if (cells.kind[id] === CELL_SPAN) return spanChars(buf, cells.s[id]!, cells.e[id]!);
  const v = cellValue(cells, id, buf) as Text;
  const t = typeof v === 'string' ? v : responseString(v);
  let n = t.length;
  for (let i = 1; i < t.length; i++) {
    const c = t.charCodeAt(i);
    const p = t.charCodeAt(i - 1);
    if (c >= 0xdc00 && c <= 0xdfff && p >= 0xd800 && p <= 0xdbff) n--;
  }
  return n;
}

function textOf(cells: Cells, id: number, buf: Uint8Array, role: 'prompt' | 'response'): string {
  const v = cellValue(cells, id, buf) as Text;
  return role === 'prompt' ? promptString(v) : responseString(v);
}

/** The candidate sets of a batch as a pool chunk (scores on the analysis scale; excluded candidates NaN). */
export function poolChunkOfColumns(batch: RecordBatch, c: CandidateColumns, transform: ReportTransform, outOfRange?: (n: number) => void): PoolChunk {
  const n = c.resp.n;
  const t = tf(transform);
  const scores = new Float64Array(n);
  const raw = transform === 'none' ? undefined : new Float64Array(n);
  const chars = new Float64Array(n);
  const tokens = new Float64Array(n).fill(-1);
  let bad = 0;
  const buf = batch.buf;
  for (let g = 0; g < c.groups; g++) {
    const base = c.lpBase.a[g]!;
    for (let i = c.off.a[g]!; i < c.off.a[g + 1]!; i++) {
      const x = c.excl.a[i] === EX_NONE ? c.score.a[i]! : Number.NaN;
      scores[i] = t(x);
      if (raw) raw[i] = x;
      if (Number.isFinite(x) && !Number.isFinite(scores[i]!)) bad++;
      chars[i] = charsOf(c.cells, c.resp.a[i]!, buf);
      if (base >= 0) {
        const j = base + i - c.off.a[g]!;
        if (c.lpKind.a[j] === LP_TOKENS) tokens[i] = c.tokOff.a[j + 1]! - c.tokOff.a[j]!;
      }
    }
  }
  if (bad && outOfRange) outOfRange(bad);
  const chunk: PoolChunk = {
    promptIndex: c.index.values().slice(),
    offsets: c.off.values().slice(),
    scores,
    chars,
    text: {
      prompt: (g) => textOf(c.cells, c.prompt.a[g]!, batch.buf, 'prompt'),
      response: (g, i) => textOf(c.cells, c.resp.a[c.off.a[g]! + i]!, batch.buf, 'response'),
    },
  };
  if (raw) chunk.raw = raw;
  if (tokens.some((x) => x >= 0)) chunk.tokens = tokens;
  return chunk;
}

/** The pairs constructed from a batch's candidate sets as pair columns (texts from the batch). */
export function pairColumnsOfPairs(batch: RecordBatch, c: CandidateColumns, res: ChunkPairs, transform: ReportTransform): PairColumns {
  const r = res.rows;
  const t = tf(transform);
  const out: PairColumns = {
    length: r.n,
    promptIndex: r.promptIndex,
    chosenIndex: r.chosenIndex,
    rejectedIndex: r.rejectedIndex,
    chosen: r.scoreChosen.map(t),
    rejected: r.scoreRejected.map(t),
    margin: r.margin,
  };
  if (transform !== 'none') {
    out.chosenRaw = r.scoreChosen;
    out.rejectedRaw = r.scoreRejected;
  }
  if (r.implicitMargin) out.implicitMargin = r.implicitMargin;
  const resp = (i: number, k: number): number => c.resp.a[c.off.a[r.group[i]!]! + k]!;
  out.text = (i) => ({
    prompt: textOf(c.cells, c.prompt.a[r.group[i]!]!, batch.buf, 'prompt'),
    chosen: textOf(c.cells, resp(i, r.chosenIndex[i]!), batch.buf, 'response'),
    rejected: textOf(c.cells, resp(i, r.rejectedIndex[i]!), batch.buf, 'response'),
  });
  return out;
}

const K = {
  promptIndex: new Key('prompt_index'),
  chosenIndex: new Key('chosen_index'),
  rejectedIndex: new Key('rejected_index'),
  margin: new Key('margin'),
  implicit: new Key('implicit_margin'),
  score: new Key('selection_score'),
  selected: new Key('selected'),
  route: new Key('route'),
  chosenLength: new Key('chosen_length'),
  rejectedLength: new Key('rejected_length'),
};

/** A numeric member of record r (NaN when absent or not a number; true = 1, false = 0 for `selected`). */
function num(batch: RecordBatch, r: number, key: Key): number {
  const m = batch.member(r, key);
  if (m < 0) return Number.NaN;
  const k = batch.index.valKind[m]!;
  if (RecordBatch.isNumberKind(k)) return batch.memberNumber(m);
  if (RecordBatch.isNumeric(k)) return Number.NaN; // a NaN / Infinity literal
  const bytes = batch.buf;
  const s = batch.index.valS[m]!;
  if (bytes[s] === 0x74) return 1; // true
  if (bytes[s] === 0x66) return 0; // false
  return Number.NaN;
}

/** The records of a pairs input (e.g. a `pairs`/`select`/`route` output) as pair columns. */
export function pairColumnsOfRecords(batch: RecordBatch, p: PairRecords, transform: ReportTransform): PairColumns {
  const n = p.groups;
  const t = tf(transform);
  const col = (key: Key) => Float64Array.from({ length: n }, (_, g) => num(batch, p.rec.a[g]!, key));
  const route = new Uint8Array(n);
  for (let g = 0; g < n; g++) {
    const m = batch.member(p.rec.a[g]!, K.route);
    if (m >= 0 && batch.index.valKind[m] === JSON_K_STRING) {
      const v = batch.decodeString(batch.index.valS[m]!, batch.index.valE[m]!);
      route[g] = v === 'dpo' ? ROUTE.dpo : v === 'sft' ? ROUTE.sft : ROUTE.none;
    }
  }
  const sc = p.scoreChosen.values().slice();
  const sr = p.scoreRejected.values().slice();
  const out: PairColumns = {
    length: n,
    promptIndex: col(K.promptIndex),
    chosenIndex: col(K.chosenIndex),
    rejectedIndex: col(K.rejectedIndex),
    chosen: sc.map(t),
    rejected: sr.map(t),
    margin: col(K.margin),
    implicitMargin: col(K.implicit),
    selectionScore: col(K.score),
    selected: col(K.selected),
    route,
    chosenChars: Float64Array.from({ length: n }, (_, g) => charsOf(p.cells, p.chosen.a[g]!, batch.buf)),
    rejectedChars: Float64Array.from({ length: n }, (_, g) => charsOf(p.cells, p.rejected.a[g]!, batch.buf)),
    text: (g) => ({
      prompt: textOf(p.cells, p.prompt.a[g]!, batch.buf, 'prompt'),
      chosen: textOf(p.cells, p.chosen.a[g]!, batch.buf, 'response'),
      rejected: textOf(p.cells, p.rejected.a[g]!, batch.buf, 'response'),
    }),
  };
  if (transform !== 'none') {
    out.chosenRaw = sc;
    out.rejectedRaw = sr;
  }
  const ct = col(K.chosenLength);
  const rt = col(K.rejectedLength);
  if (ct.some(Number.isFinite) || rt.some(Number.isFinite)) {
    out.chosenTokens = ct;
    out.rejectedTokens = rt;
  }
  return out;
}

/**
 * Pairs known only by their numbers (a pairs input to curate, which reaches no pair builder) as pair columns: the
 * record, the scores (analysis scale; raw too with a transform) and their gap as the margin. No texts.
 */
export function pairColumnsOfNumbers(t: Pick<PairNumbers, 'n' | 'record' | 'scoreChosen' | 'scoreRejected'>, transform: ReportTransform): PairColumns {
  const n = t.n;
  const finite = (x: number): number => (Number.isFinite(x) ? x : Number.NaN);
  const out: PairColumns = {
    length: n,
    promptIndex: t.record.subarray(0, n),
    chosen: Float64Array.from({ length: n }, (_, i) => transformScore(finite(t.scoreChosen[i]!), transform)),
    rejected: Float64Array.from({ length: n }, (_, i) => transformScore(finite(t.scoreRejected[i]!), transform)),
    margin: Float64Array.from({ length: n }, (_, i) => finite(t.scoreChosen[i]! - t.scoreRejected[i]!)),
  };
  if (transform !== 'none') {
    out.chosenRaw = Float64Array.from({ length: n }, (_, i) => finite(t.scoreChosen[i]!));
    out.rejectedRaw = Float64Array.from({ length: n }, (_, i) => finite(t.scoreRejected[i]!));
  }
  return out;
}

/** The end of a curate run (or of the merge of its shards), as its report shows it. */
export interface CurateReportEnd {
  /** Every pair's numbers, the selection over them, the resolved --by and curate's report (its routing counts). */
  result: { pairs: PairNumbers; selection?: Pick<SelectResult, 'score' | 'rank'>; by: string; report: Record<string, unknown> };
  /** --threshold of a routed run (shown with the routing counts). */
  threshold?: number;
  /** The first rejected records (listed) and how many there were in all. */
  rejects?: { head: readonly RejectInfo[]; total: number };
  /** The run's manifest (shown folded, as its JSON file holds it: keys with undefined values left out). */
  manifest: Record<string, unknown>;
  /** The input as the page names it. */
  input: string;
  generatedAt: string;
}

/**
 * curate's HTML report: the candidate sets and the pairs built from them go into a ReportCollector batch by batch
 * in pass 1 (`add`, curate's onCandidates: a batch's pairs first, so each is joined to its pool); the selection,
 * routing, first rejects and manifest are added at the end (`finish`). A sharded run keeps each shard's collector
 * state (ReportCollector.state()); the merge merges them in shard order into `collector` and finishes as the
 * unsharded run does, so the page is the same.
 */
export class CurateReport {
  readonly collector: ReportCollector;

  /** `spill`: where the collector's columns go as they grow (CollectorOptions.spill); close() releases it. */
  constructor(
    engine: ReportKernels,
    readonly transform: ReportTransform,
    spill?: SpoolFactory,
  ) {
    this.collector = new ReportCollector(engine, { pairsFrom: 'rows', spill });
  }

  close(): void {
    this.collector.close();
  }

  /** curate's onPairNumbers hook (a pairs input): one batch's pairs, as numbers (the input's texts are not read). */
  readonly addNumbers = (nb: Pick<BatchNumbers, 'n' | 'record' | 'sc' | 'sr'>): void => {
    this.collector.addPairs(pairColumnsOfNumbers({ n: nb.n, record: nb.record, scoreChosen: nb.sc, scoreRejected: nb.sr }, this.transform));
  };

  /** curate's onCandidates hook: one batch's pairs, then its pools. */
  readonly add = (batch: RecordBatch, columns: CandidateColumns, pairs: ChunkPairs): void => {
    if (pairs.rows.n > 0) this.collector.addPairs(pairColumnsOfPairs(batch, columns, pairs, this.transform));
    if (columns.groups > 0) this.collector.addPools(poolChunkOfColumns(batch, columns, this.transform));
  };

  /** The page's data after the run. */
  finish(o: CurateReportEnd): ReportData {
    const col = this.collector;
    const t = o.result.pairs;
    if (col.pairs.n !== t.n) throw new Error(`pairsmith: internal error: the report holds ${col.pairs.n} pairs, the run ${t.n}`);
    const sel = o.result.selection;
    if (sel) col.setSelection({ length: t.n, margin: t.external, implicitMargin: t.implicit, selectionScore: sel.score, selected: sel.rank });
    if (o.rejects) col.addRejects(o.rejects.head, Math.max(0, o.rejects.total - o.rejects.head.length));
    const route = o.result.report.route as { dpo: number; sft: number } | undefined;
    return col.finish({
      title: 'pairsmith curate report',
      sources: [o.input],
      generatedAt: o.generatedAt,
      ...scaleLabels(this.transform),
      clamps: transformClamps(this.transform),
      selectionBy: o.result.by,
      routing: route ? { dpo: route.dpo, sft: route.sft, threshold: o.threshold } : undefined,
      // As its JSON file holds it (a merge reads its shards' parameters from theirs).
      manifest: { curate: JSON.parse(JSON.stringify(o.manifest)) as Record<string, unknown> },
    });
  }
}
