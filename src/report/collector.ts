// The report's input: a streaming collector that takes candidate pools and pair rows chunk by chunk and keeps a
// few numbers per prompt and per pair, never the texts. Each prompt is reduced at once to a fixed-size summary
// (count, mu, sigma, min, max, z of the minimum and of the sweet-spot pick, flags), computed on the engine it is given (groupStats, pickPositions,
// zscores: the same kernels as `stats` and `pairs`). Per-candidate data are kept only as a fixed z histogram, a
// hashed sample of scores (for the median) and a sample of pools for the small multiples; per-pair data as a few
// numbers in typed columns; example texts only for the few pairs the tables show. Nothing it keeps depends on how
// the input was split into chunks, and the states of the collectors of consecutive parts of an input (shards)
// merge into the state of one collector fed the whole (state(), merge(); src/report/state.ts).
// Memory: 57 bytes per prompt + 33 to 94 bytes per pair (by the columns present) in blocks of rows, which go to a
// spool past `spillAfter` bytes per table when one is given (CollectorOptions.spill), + bounded samples; finish()
// reads the columns a block at a time (no copy of a column), so with a spool memory is bounded whatever the input.
import { BottomK, fibHash, itemKey, itemTie } from './sample.js';
import { FixedBins } from './bins.js';
import { Columns, F64, I32, U8, type Typed } from './columns.js';
import { SpillColumn, type Spool, type SpoolFactory } from '../io/spool.js';
import { cell, ExampleCapture, type CapturedExample, type PairText } from './examples.js';
import { fmt } from './format.js';
import { spearman, summarize, summaryOf, type ReportKernels } from './summary.js';
import { binSeries } from './charts.js';
import { heatmapGrid } from './heatmap.js';
import { decodeNumber, encodeNumber, lowerBound, orderStatistics, pearsonOf, sortIndices, type Chunks, type PairChunks } from '../numeric.js';
import type { CollectorState, PoolViewState, StateOptions } from './state.js';
import type {
  BinnedHistogram,
  ExampleBucket,
  ExampleRow,
  ExampleSection,
  LengthSection,
  LengthStats,
  MarginSeries,
  PairSection,
  PoolSection,
  PoolView,
  RejectInfo,
  ReportData,
  RoutingSection,
  SelectionSection,
} from './types.js';

export type { PairText } from './examples.js';

export interface CollectorOptions {
  /** Rejected position mu + k sigma for the sweet-spot comparison (default -2). */
  rejectedK?: number;
  /** Standard deviation: population (ddof 0, default) or sample (ddof 1). */
  std?: 'population' | 'sample';
  /** Gaps with 0 < |gap| < tieEpsilon count as near-ties (default 0: none). */
  tieEpsilon?: number;
  /**
   * Where the pairs come from when there are pools: `pools` (default) = each analysed prompt's own pick (chosen =
   * the maximum, rejected = nearest mu + k sigma), `rows` = the rows given to addPairs, joined to the pools by
   * prompt_index / chosen_index / rejected_index (add rows before the pools they name).
   */
  pairsFrom?: 'pools' | 'rows';
  /** Pools in the small multiples (default 12, at most 100). */
  sampleSize?: number;
  /** Example pairs kept per table (default 5, at most 50). */
  examples?: number;
  /** Characters kept of each example text (default 1500). */
  textCap?: number;
  /**
   * Candidate scores sampled for the median of all candidates (default 65536; exact up to that many): those with the
   * smallest hash of (prompt index, place in the pool).
   */
  scoreSample?: number;
  /** Rejected records listed (default 50). */
  rejectList?: number;
  /**
   * Where the per-prompt and per-pair columns go once each table holds more than `spillAfter` bytes in memory (a
   * spool made on first use; the CLI passes a temp file, so memory stays bounded whatever the input size). Without
   * it, the columns stay in memory (about 57 bytes a prompt and 33 to 94 a pair). close() releases the spool.
   */
  spill?: SpoolFactory;
  /** Bytes of each table's columns kept in memory before blocks go to the spool (default 4 MiB). */
  spillAfter?: number;
}

/** Texts of a pool chunk, fetched only for the prompts and pairs the report keeps. */
export interface PoolText {
  /** The prompt of group g. */
  prompt(g: number): string;
  /** Response i (local index within group g) of group g. */
  response(g: number, i: number): string;
}

/**
 * One chunk of candidate pools in CSR form: group g (a prompt) holds scores[offsets[g] .. offsets[g + 1]).
 * Local candidate indices must be the input's response indices (keep excluded candidates as NaN).
 */
export interface PoolChunk {
  /** Input record number of each group (length groups). */
  promptIndex: ArrayLike<number>;
  /** Int32Array of length groups + 1, offsets[0] = 0 and offsets[groups] = scores.length. */
  offsets: Int32Array;
  /** Scores on the analysis scale (after any transform); non-finite = excluded. */
  scores: Float64Array;
  /** Raw input scores, same layout, when a transform was applied. */
  raw?: ArrayLike<number>;
  /** Per candidate: response length in characters (Unicode code points), and in tokens (< 0: unknown). */
  chars?: ArrayLike<number>;
  tokens?: ArrayLike<number>;
  /** The caller's own picks per group (local index, < 0: default pick); only with pairsFrom 'pools'. */
  picks?: { chosen?: ArrayLike<number>; rejected?: ArrayLike<number> };
  text?: PoolText;
}

/** Route codes of the `route` column. */
export const ROUTE = { none: 0, dpo: 1, sft: 2 } as const;

/** One chunk of pair rows as numeric columns (every column optional; NaN or < 0 = unknown). */
export interface PairColumns {
  length: number;
  promptIndex?: ArrayLike<number>;
  chosenIndex?: ArrayLike<number>;
  rejectedIndex?: ArrayLike<number>;
  /** Scores on the analysis scale (pools, when given, replace them by the joined candidates' scores). */
  chosen?: ArrayLike<number>;
  rejected?: ArrayLike<number>;
  /** Scores in input units, when a transform was applied. */
  chosenRaw?: ArrayLike<number>;
  rejectedRaw?: ArrayLike<number>;
  margin?: ArrayLike<number>;
  implicitMargin?: ArrayLike<number>;
  selectionScore?: ArrayLike<number>;
  /** select's rank: > 0 kept (rank), 0 dropped. */
  selected?: ArrayLike<number>;
  /** ROUTE codes. */
  route?: ArrayLike<number>;
  chosenChars?: ArrayLike<number>;
  rejectedChars?: ArrayLike<number>;
  chosenTokens?: ArrayLike<number>;
  rejectedTokens?: ArrayLike<number>;
  /** Texts of row i, fetched only for the example pairs kept. */
  text?: (i: number) => PairText;
}

/** The selection's numbers for pair rows already added (rows start .. start + length - 1). */
export type SelectionColumns = Pick<PairColumns, 'length' | 'margin' | 'implicitMargin' | 'selectionScore' | 'selected' | 'route'>;

/** What the page says about its run (not data). */
export interface ReportMeta {
  title?: string;
  sources: string[];
  generatedAt: string;
  /** Analysis scale with unit, e.g. "logit(score)". */
  scoreLabel: string;
  /** Raw scale when a transform was applied. */
  rawLabel?: string;
  /** Analysis-scale clamp bounds (e.g. +-logit(1 - 1e-6)); piles there are labelled as the clamp. */
  clamps?: number[];
  /** `select --by` as resolved (external, implicit, bees, add); `auto` or absent: inferred from the data. */
  selectionBy?: string;
  routingThreshold?: number;
  /** Routing counts known by the caller (e.g. curate): win over a route column. */
  routing?: RoutingSection;
  manifest?: Record<string, unknown>;
  notes?: string[];
}

/** The per-prompt summaries kept (views; one entry per prompt added). */
export interface PromptSummaries {
  promptIndex: Int32Array;
  count: Int32Array;
  mu: Float64Array;
  sigma: Float64Array;
  min: Float64Array;
  max: Float64Array;
  /** NaN for prompts not analysed. */
  zMin: Float64Array;
  zSweet: Float64Array;
  /** Bit 0: analysed; bit 1: sweet spot differs from the minimum; bit 2: tied top score. */
  flags: Uint8Array;
}

const PROMPT_SPEC = {
  promptIndex: [I32, -1],
  count: [I32, 0],
  mu: [F64, NaN],
  sigma: [F64, NaN],
  min: [F64, NaN],
  max: [F64, NaN],
  zMin: [F64, NaN],
  zSweet: [F64, NaN],
  flags: [U8, 0],
} as const;

const PAIR_SPEC = {
  prompt: [I32, -1],
  chosenIdx: [I32, -1],
  rejectedIdx: [I32, -1],
  chosen: [F64, NaN],
  rejected: [F64, NaN],
  chosenRaw: [F64, NaN],
  rejectedRaw: [F64, NaN],
  rank: [I32, 0],
  margin: [F64, NaN],
  implicit: [F64, NaN],
  selScore: [F64, NaN],
  selected: [I32, -1],
  route: [U8, 0],
  cChars: [I32, -1],
  rChars: [I32, -1],
  cTok: [I32, -1],
  rTok: [I32, -1],
  /** 0 not joined, 1 joined to its pool, 2 the collector's own pick, 3 names no usable candidate. */
  joined: [U8, 0],
} as const;
type PairCol = keyof typeof PAIR_SPEC;
/** The blocks of some pair columns for one block of rows (undefined: a column never written). */
type Blocks = (Typed | undefined)[];

/** Pairs Spearman's rho ranks at most (beyond, a hashed sample of this many). */
const SPEARMAN_SAMPLE = 1 << 18;

const MIN_NORMAL = 2.2250738585072014e-308;
/** Magnitude from which a score counts as extreme (sums and squares of such values need rescaling). */
const EXTREME = 1e300;
/** Most candidates drawn in one small-multiples panel. */
const PANEL_CAP = 500;
const LABEL_CAP = 600;

function index(v: number | undefined): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0x7fffffff ? v : -1;
}

function numberOr(v: number | undefined): number {
  return typeof v === 'number' ? v : NaN;
}

/**
 * Collects a report's data in bounded memory. Feed it with addPairs (pair rows, before the pools they name),
 * addPools (candidate pools), setSelection (a selection decided after the rows were added), addRejects, and
 * take the page's data with finish(). Computes on `engine` (an Engine of any backend).
 */
export class ReportCollector {
  private readonly k: number;
  private readonly std: 'population' | 'sample';
  private readonly tieEpsilon: number;
  private readonly pairsFrom: 'pools' | 'rows';
  readonly prompts: Columns<keyof typeof PROMPT_SPEC>;
  readonly pairs: Columns<PairCol>;
  private spool: Spool | undefined;
  private readonly spoolOf: (() => Spool) | undefined;
  /** Joins of waiting rows to their pools, applied to the columns in row order a batch at a time (JoinLog). */
  private readonly joins = new JoinLog();
  private readonly zAll = new FixedBins();
  private readonly zMinBins = new FixedBins();
  private readonly zSweetBins = new FixedBins();
  private readonly scoreSample: BottomK<number>;
  private readonly poolSample: BottomK<PoolView>;
  readonly examples: ExampleCapture;
  private readonly rejectList: number;
  private readonly rejectsShown: RejectInfo[] = [];
  private rejectTotal = 0;

  private poolsSeen = false;
  private rowsAdded = 0;
  private candidates = 0;
  private finiteScores = 0;
  private excluded = 0;
  private analysed = 0;
  private readonly skipped: Record<string, number> = {};
  private sweetDiffers = 0;
  private minBelow2 = 0;
  private topTies = 0;
  private extremeScores = 0;
  private subnormalScores = 0;
  private largest = 0;
  private marginFromColumn = false;

  // Pair rows waiting for their pool (pairsFrom 'rows'), sorted by prompt index: row id, prompt, the candidates they
  // name, and whether they were joined since (in memory: 17 bytes a waiting row; the rows' blocks may be spilled).
  // Rows from `pendingFrom` on are not sorted in yet.
  private pending = new Int32Array(0);
  private pendingPrompt = new Int32Array(0);
  private pendingChosen = new Int32Array(0);
  private pendingRejected = new Int32Array(0);
  private pendingDone = new Uint8Array(0);
  private pendingFrom = 0;

  constructor(
    private readonly engine: ReportKernels,
    o: CollectorOptions = {},
  ) {
    if (!engine || typeof engine.groupStats !== 'function') throw new TypeError('pairsmith: ReportCollector needs an engine (createEngine() or referenceKernels)');
    this.k = o.rejectedK ?? -2;
    if (!Number.isFinite(this.k)) throw new RangeError(`pairsmith: rejectedK must be finite, got ${o.rejectedK}`);
    this.std = o.std ?? 'population';
    this.tieEpsilon = o.tieEpsilon ?? 0;
    this.pairsFrom = o.pairsFrom ?? 'pools';
    this.scoreSample = new BottomK(Math.max(1, Math.floor(o.scoreSample ?? 65536)));
    this.poolSample = new BottomK(Math.max(0, Math.min(100, Math.floor(o.sampleSize ?? 12))));
    this.examples = new ExampleCapture(Math.max(0, Math.min(50, Math.floor(o.examples ?? 5))), Math.max(1, Math.floor(o.textCap ?? 1500)));
    this.rejectList = Math.max(0, Math.floor(o.rejectList ?? 50));
    const make = o.spill;
    this.spoolOf = make && (() => (this.spool ??= make()));
    const spill = this.spoolOf ? { spool: this.spoolOf, keepBytes: Math.max(0, o.spillAfter ?? 1 << 22) } : undefined;
    this.prompts = new Columns(PROMPT_SPEC, spill);
    this.pairs = new Columns(PAIR_SPEC, spill);
  }

  /** Per-prompt summaries so far (copies of the collector's columns). */
  promptSummaries(): PromptSummaries {
    const p = this.prompts;
    return {
      promptIndex: p.view('promptIndex') as Int32Array,
      count: p.view('count') as Int32Array,
      mu: p.view('mu') as Float64Array,
      sigma: p.view('sigma') as Float64Array,
      min: p.view('min') as Float64Array,
      max: p.view('max') as Float64Array,
      zMin: p.view('zMin') as Float64Array,
      zSweet: p.view('zSweet') as Float64Array,
      flags: p.view('flags') as Uint8Array,
    };
  }

  /** Bytes of the typed columns (per-prompt and per-pair, in whole blocks; the samples and histograms are fixed-size). */
  columnBytes(): number {
    return this.prompts.bytes() + this.pairs.bytes();
  }

  /** Rejected input records: the first ones are listed, all are counted. `unlisted`: more counted only. */
  addRejects(rejects: readonly RejectInfo[], unlisted = 0): void {
    this.rejectTotal += rejects.length + unlisted;
    for (const r of rejects) {
      if (this.rejectsShown.length >= this.rejectList) break;
      this.rejectsShown.push({ file: r.file, line: r.line, field: r.field, reason: r.reason, detail: cell(String(r.detail), 300).text });
    }
  }

  private track(x: number): void {
    const a = Math.abs(x);
    if (a >= EXTREME) this.extremeScores++;
    else if (a !== 0 && a < MIN_NORMAL) this.subnormalScores++;
    if (a > this.largest) this.largest = a;
  }

  /** Adds pair rows (a chunk of a pairs file, or the rows a pair builder made). O(rows). */
  addPairs(c: PairColumns): void {
    if (this.poolsSeen && this.pairsFrom === 'pools') throw new Error("pairsmith: addPairs after addPools: give the collector { pairsFrom: 'rows' } and add the rows before the pools they name");
    const m = c.length;
    const s = this.pairs;
    const n0 = s.n;
    s.reserve(m);
    const put = (name: PairCol, src: ArrayLike<number> | undefined, conv: (v: number | undefined) => number): void => {
      if (!src) return;
      const col = s.col(name);
      for (let i = 0; i < m; i++) col.set(n0 + i, conv(src[i]));
    };
    put('prompt', c.promptIndex, index);
    put('chosenIdx', c.chosenIndex, index);
    put('rejectedIdx', c.rejectedIndex, index);
    put('chosen', c.chosen, numberOr);
    put('rejected', c.rejected, numberOr);
    put('chosenRaw', c.chosenRaw, numberOr);
    put('rejectedRaw', c.rejectedRaw, numberOr);
    put('cChars', c.chosenChars, index);
    put('rChars', c.rejectedChars, index);
    put('cTok', c.chosenTokens, index);
    put('rTok', c.rejectedTokens, index);
    s.n = n0 + m;
    this.rowsAdded += m;
    this.setSelection(c, n0);
    for (const src of [c.chosen, c.rejected]) if (src) for (let i = 0; i < m; i++) if (Number.isFinite(src[i]!)) this.track(src[i]!);
    if (c.text) {
      const text = c.text;
      const ch = s.get('chosen');
      const rj = s.get('rejected');
      const mg = s.get('margin');
      for (let i = 0; i < m; i++) {
        const id = n0 + i;
        const key = mg && Number.isFinite(mg.get(id)) ? mg.get(id) : ch && rj ? ch.get(id) - rj.get(id) : NaN;
        this.examples.offerPair({ key, promptIndex: index(c.promptIndex?.[i]), pair: id, chosenScore: ch?.get(id) ?? NaN, rejectedScore: rj?.get(id) ?? NaN, text: () => text(i) });
      }
    }
  }

  /** Sets margins, selection score, kept rank and route of rows already added (from row `start` on). */
  setSelection(c: SelectionColumns, start = 0): void {
    const s = this.pairs;
    const m = Math.min(c.length, s.n - start);
    if (start < 0 || m <= 0) return;
    const put = (name: PairCol, src: ArrayLike<number> | undefined, conv: (v: number | undefined) => number): void => {
      if (!src) return;
      const col = s.col(name);
      for (let i = 0; i < m; i++) col.set(start + i, conv(src[i]));
    };
    put('margin', c.margin, numberOr);
    put('implicit', c.implicitMargin, numberOr);
    put('selScore', c.selectionScore, numberOr);
    put('selected', c.selected, (v) => (typeof v === 'number' && v >= 0 && v <= 0x7fffffff ? Math.round(v) : -1));
    put('route', c.route, (v) => (v === ROUTE.dpo || v === ROUTE.sft ? v : ROUTE.none));
    if (c.margin) for (let i = 0; i < m; i++) if (Number.isFinite(c.margin[i]!)) this.marginFromColumn = true;
    this.trim();
  }

  /** Sends older blocks to the spool (when there is one) once the tables pass their size in memory. */
  private trim(): void {
    this.prompts.trim();
    this.pairs.trim();
  }

  /** Writes the joins logged so far into the pair columns (in row order: a spilled block is read back once). */
  private applyJoins(): void {
    this.joins.drain((id, e) => this.applyPair(id, e));
  }

  /** Releases the spool (its temp file); the collector is not used after. */
  close(): void {
    this.spool?.close();
    this.spool = undefined;
  }

  /** Sorts the rows added since the last call into the pending list (dropping rows joined since). */
  private syncPending(): void {
    const s = this.pairs;
    if (this.pendingFrom === s.n) return;
    const prompt = s.get('prompt');
    const joined = s.col('joined');
    const ci = s.get('chosenIdx');
    const ri = s.get('rejectedIdx');
    // The rows still waiting, then the new rows that name a prompt (read in row order).
    let m = 0;
    for (let k = 0; k < this.pending.length; k++) if (this.pendingDone[k] === 0) m++;
    const fresh: number[] = [];
    if (prompt) for (let id = this.pendingFrom; id < s.n; id++) if (prompt.get(id) >= 0 && joined.get(id) === 0) fresh.push(id);
    const ids = new Int32Array(m + fresh.length);
    const keys = new Int32Array(ids.length);
    const cs = new Int32Array(ids.length);
    const rs = new Int32Array(ids.length);
    let t = 0;
    for (let k = 0; k < this.pending.length; k++) {
      if (this.pendingDone[k] !== 0) continue;
      ids[t] = this.pending[k]!;
      keys[t] = this.pendingPrompt[k]!;
      cs[t] = this.pendingChosen[k]!;
      rs[t++] = this.pendingRejected[k]!;
    }
    for (const id of fresh) {
      ids[t] = id;
      keys[t] = prompt!.get(id);
      cs[t] = ci ? ci.get(id) : -1;
      rs[t++] = ri ? ri.get(id) : -1;
    }
    const order = sortIndices(
      Int32Array.from(ids, (_, i) => i),
      (a, b) => keys[a]! - keys[b]! || ids[a]! - ids[b]!,
    );
    this.pending = Int32Array.from(order, (i) => ids[i]!);
    this.pendingPrompt = Int32Array.from(order, (i) => keys[i]!);
    this.pendingChosen = Int32Array.from(order, (i) => cs[i]!);
    this.pendingRejected = Int32Array.from(order, (i) => rs[i]!);
    this.pendingDone = new Uint8Array(ids.length);
    this.pendingFrom = s.n;
  }

  /** The places in the pending list of the rows waiting for prompt p (in row order). */
  private pendingFor(p: number): number[] {
    const key = this.pendingPrompt;
    const a = lowerBound(key, p);
    const out: number[] = [];
    for (let i = a; i < key.length && key[i] === p; i++) out.push(i);
    return out;
  }

  /** Adds one chunk of candidate pools; each prompt is reduced to its summary before this returns. */
  addPools(c: PoolChunk): void {
    const G = c.offsets.length - 1;
    if (G < 0 || c.promptIndex.length !== G) throw new RangeError(`pairsmith: promptIndex has ${c.promptIndex.length} entries for ${Math.max(0, G)} groups`);
    if (c.offsets[0] !== 0 || c.offsets[G] !== c.scores.length) throw new RangeError('pairsmith: offsets must start at 0 and end at scores.length');
    if (c.picks && this.pairsFrom === 'rows') throw new RangeError("pairsmith: picks are for pairsFrom 'pools'");
    if (this.pairsFrom === 'pools' && this.rowsAdded > 0) throw new Error("pairsmith: pair rows were added before the pools: give the collector { pairsFrom: 'rows' } to join them");
    this.poolsSeen = true;
    if (G === 0) return;
    const e = this.engine;
    const x = c.scores;
    const stats = e.groupStats(x, c.offsets, { std: this.std });
    const picks = e.pickPositions(x, c.offsets, stats, [{ kind: 'sigma', k: this.k }], { role: 'rejected', exclude: stats.argmax });
    const z = e.zscores(x, c.offsets, stats);
    if (this.pairsFrom === 'rows') this.syncPending();
    const P = this.prompts;
    P.reserve(G);
    const own = this.pairsFrom === 'pools';
    if (own) this.pairs.reserve(G);
    for (let g = 0; g < G; g++) {
      const off = c.offsets[g]!;
      const size = c.offsets[g + 1]! - off;
      const pIdx = Math.trunc(c.promptIndex[g]!);
      // The sample keys take prompt indices of 0 to 2^31 - 1 (record numbers); others share 0.
      const pKey = index(pIdx) >= 0 ? pIdx : 0;
      const n = stats.count[g]!;
      const mu = stats.mean[g]!;
      const sigma = stats.std[g]!;
      this.candidates += size;
      this.excluded += stats.nonFinite[g]!;
      for (let i = off; i < off + size; i++) {
        const v = x[i]!;
        if (!Number.isFinite(v)) continue;
        this.track(v);
        this.finiteScores++;
        const j = i - off;
        this.scoreSample.offer(itemKey(pKey, j), () => v, itemTie(pKey, j));
      }
      const row = P.n++;
      P.col('promptIndex').set(row, pIdx);
      P.col('count').set(row, n);
      P.col('mu').set(row, mu);
      P.col('sigma').set(row, sigma);
      P.col('min').set(row, stats.min[g]!);
      P.col('max').set(row, stats.max[g]!);

      // Pair rows naming this prompt: join them to its candidates.
      let marks: [number, number] = [-1, -1];
      if (!own) {
        for (const k of this.pendingFor(pIdx)) {
          const j = this.join(k, c, off, size);
          if (j && marks[0] < 0) marks = j;
        }
      }

      let reason: string | null = null;
      if (n < 2) reason = 'insufficient_samples';
      else if (!(sigma > 0)) reason = stats.max[g]! > stats.min[g]! ? 'spread_underflow' : 'no_spread';
      else if (!Number.isFinite(sigma) || !Number.isFinite(mu)) reason = 'non_finite_stats';
      let chosen = stats.argmax[g]!;
      let rejected = picks[g]!;
      if (own) {
        const pc = c.picks?.chosen?.[g];
        const pr = c.picks?.rejected?.[g];
        if (pc !== undefined && pc >= 0) chosen = pc;
        if (pr !== undefined && pr >= 0) rejected = pr;
        const ok = (i: number) => Number.isInteger(i) && i >= 0 && i < size && Number.isFinite(x[off + i]!);
        if (!reason && (!ok(chosen) || !ok(rejected))) reason = 'invalid_pick';
      }
      if (reason) {
        this.skipped[reason] = (this.skipped[reason] ?? 0) + 1;
        continue;
      }
      this.analysed++;
      const zAt = (i: number): number => {
        const zi = z[off + i]!;
        if (Number.isFinite(zi)) return zi;
        // x - mu overflowed (values of opposite sign near the largest double): the same quotient in halves.
        return (x[off + i]! / 2 - mu / 2) / (sigma / 2);
      };
      const top = stats.max[g]!;
      let atTop = 0;
      for (let i = 0; i < size; i++) {
        const v = x[off + i]!;
        if (!Number.isFinite(v)) continue;
        this.zAll.add(zAt(i));
        if (v === top) atTop++;
      }
      const argmin = stats.argmin[g]!;
      const sweet = picks[g]!;
      const zMin = zAt(argmin);
      const zSweet = sweet >= 0 ? zAt(sweet) : NaN;
      this.zMinBins.add(zMin);
      this.zSweetBins.add(zSweet);
      P.col('zMin').set(row, zMin);
      P.col('zSweet').set(row, zSweet);
      const differs = sweet >= 0 && sweet !== argmin;
      if (differs) this.sweetDiffers++;
      if (zMin < -2) this.minBelow2++;
      if (atTop >= 2) this.topTies++;
      P.col('flags').set(row, 1 | (differs ? 2 : 0) | (atTop >= 2 ? 4 : 0));

      if (own) {
        const id = this.ownPair(c, off, size, pIdx, chosen, rejected);
        marks = [chosen, rejected];
        const text = c.text;
        if (text) this.examples.offerPair({ key: x[off + chosen]! - x[off + rejected]!, promptIndex: pIdx, pair: id, chosenScore: x[off + chosen]!, rejectedScore: x[off + rejected]!, text: () => ({ prompt: text.prompt(g), chosen: text.response(g, chosen), rejected: text.response(g, rejected) }) });
      }
      const text = c.text;
      if (differs && text) {
        const best = stats.argmax[g]!;
        this.examples.offerSweet({
          key: zSweet - zMin,
          promptIndex: pIdx,
          pair: -1,
          chosenScore: x[off + best]!,
          rejectedScore: x[off + sweet]!,
          minScore: x[off + argmin]!,
          text: () => ({ prompt: text.prompt(g), chosen: text.response(g, best), rejected: text.response(g, sweet), min: text.response(g, argmin) }),
        });
      }
      this.poolSample.offer(fibHash(pIdx), () => this.poolView(c, g, off, size, pIdx, mu, sigma, marks, argmin));
    }
    this.trim();
  }

  /**
   * Joins the pending row at place k to group g: logs what its pool says of it (JoinLog; applied in row order
   * later). Returns its (chosen, rejected) when it names two finite candidates.
   */
  private join(k: number, c: PoolChunk, off: number, size: number): [number, number] | null {
    if (this.pendingDone[k] !== 0) return null;
    this.pendingDone[k] = 1;
    if (this.joins.full()) this.applyJoins();
    const id = this.pending[k]!;
    const ci = this.pendingChosen[k]!;
    const ri = this.pendingRejected[k]!;
    const x = c.scores;
    const e = this.joins.entry();
    if (ci < 0 || ri < 0 || ci >= size || ri >= size || !Number.isFinite(x[off + ci]!) || !Number.isFinite(x[off + ri]!)) {
      e[J.status] = 3;
      this.joins.add(id);
      return null;
    }
    e[J.status] = 1;
    pairFromPool(c, off, size, ci, ri, e);
    this.joins.add(id);
    return [ci, ri];
  }

  /** The collector's own pair of an analysed prompt, as a pair row; returns its id. */
  private ownPair(c: PoolChunk, off: number, size: number, pIdx: number, ci: number, ri: number): number {
    const s = this.pairs;
    const id = s.n++;
    s.col('prompt').set(id, pIdx);
    s.col('chosenIdx').set(id, ci);
    s.col('rejectedIdx').set(id, ri);
    const e = this.joins.scratch;
    e[J.status] = 2;
    pairFromPool(c, off, size, ci, ri, e);
    this.applyPair(id, e);
    return id;
  }

  /** Writes a pair's join (JoinLog entry layout) into its row: status, scores, rank, and the lengths it lacks. */
  private applyPair(id: number, e: Float64Array): void {
    const s = this.pairs;
    const status = e[J.status]!;
    s.col('joined').set(id, status);
    if (status === 3) return;
    s.col('chosen').set(id, e[J.chosen]!);
    s.col('rejected').set(id, e[J.rejected]!);
    if (e[J.hasRaw] === 1) {
      s.col('chosenRaw').set(id, e[J.chosenRaw]!);
      s.col('rejectedRaw').set(id, e[J.rejectedRaw]!);
    }
    s.col('rank').set(id, e[J.rank]!);
    const len = (name: PairCol, v: number): void => {
      // NaN: the pool had no such lengths.
      if (Number.isNaN(v)) return;
      const col = s.col(name);
      if (col.get(id) < 0) col.set(id, v);
    };
    len('cChars', e[J.cChars]!);
    len('rChars', e[J.rChars]!);
    len('cTok', e[J.cTok]!);
    len('rTok', e[J.rTok]!);
  }

  /** A pool for the small multiples: its scores (an even subset of a large pool, marks kept) and marks. */
  private poolView(c: PoolChunk, g: number, off: number, size: number, pIdx: number, mu: number, sigma: number, marks: [number, number], min: number): PoolView {
    const [ch, rj] = marks;
    let keep: number[];
    if (size <= PANEL_CAP) keep = Array.from({ length: size }, (_, i) => i);
    else {
      const stride = Math.ceil(size / PANEL_CAP);
      const set = new Set<number>();
      for (let i = 0; i < size; i += stride) set.add(i);
      for (const i of [ch, rj, min]) if (i >= 0) set.add(i);
      keep = [...set].sort((a, b) => a - b);
    }
    const at = (i: number) => (i >= 0 ? keep.indexOf(i) : -1);
    const label = c.text ? cell(c.text.prompt(g).replace(/\s+/g, ' ').trim(), LABEL_CAP).text : `prompt ${pIdx}`;
    return { promptIndex: pIdx, label, scores: keep.map((i) => c.scores[off + i]!), candidates: size, mu, sigma, chosen: at(ch), rejected: at(rj), min: at(min) };
  }

  private options(): StateOptions {
    return {
      rejectedK: this.k,
      std: this.std,
      tieEpsilon: this.tieEpsilon,
      pairsFrom: this.pairsFrom,
      sampleSize: this.poolSample.k,
      examples: this.examples.k,
      textCap: this.examples.textCap,
      scoreSample: this.scoreSample.k,
      rejectList: this.rejectList,
    };
  }

  /**
   * What the collector holds, as data (JSON-safe; stateLines in src/report/state.ts writes it as JSON Lines): the
   * per-prompt and per-pair columns, the histograms, samples, examples and counts. Its size is the collector's.
   */
  state(): CollectorState {
    this.applyJoins();
    const score = this.scoreSample.entries();
    const pools = this.poolSample.entries();
    const poolState = (v: PoolView): PoolViewState => ({ ...v, scores: v.scores.map(encodeNumber), mu: encodeNumber(v.mu), sigma: encodeNumber(v.sigma) });
    return {
      pairsmith_report_state: 1,
      options: this.options(),
      counts: {
        poolsSeen: this.poolsSeen,
        rowsAdded: this.rowsAdded,
        candidates: this.candidates,
        finiteScores: this.finiteScores,
        excluded: this.excluded,
        analysed: this.analysed,
        sweetDiffers: this.sweetDiffers,
        minBelow2: this.minBelow2,
        topTies: this.topTies,
        extremeScores: this.extremeScores,
        subnormalScores: this.subnormalScores,
        largest: encodeNumber(this.largest),
        marginFromColumn: this.marginFromColumn,
        rejectTotal: this.rejectTotal,
      },
      skipped: { ...this.skipped },
      bins: { z: this.zAll.toJSON(), zMin: this.zMinBins.toJSON(), zSweet: this.zSweetBins.toJSON() },
      scoreSample: { key: score.map((e) => e.key), tie: score.map((e) => e.tie), value: score.map((e) => encodeNumber(e.item)) },
      poolSample: { key: pools.map((e) => e.key), tie: pools.map((e) => e.tie), pool: pools.map((e) => poolState(e.item)) },
      examples: this.examples.state(),
      rejects: [...this.rejectsShown],
      prompts: this.prompts.state(),
      pairs: this.pairs.state(),
    };
  }

  /**
   * Merges the state of a collector (with the same options) that was fed the input following this one's: the
   * shards of a run, merged in shard order into a new collector, make the collector of the unsharded run (finish()
   * gives the same page). A RangeError when the options differ or the state is damaged.
   */
  merge(s: CollectorState): void {
    const mine = this.options();
    for (const [k, v] of Object.entries(mine)) {
      const theirs = (s.options as unknown as Record<string, unknown>)[k];
      if (theirs !== v) throw new RangeError(`pairsmith: report states with other options do not merge (${k}: ${JSON.stringify(theirs)}, here ${JSON.stringify(v)})`);
    }
    this.applyJoins();
    const pairOffset = this.pairs.n;
    this.prompts.append(s.prompts);
    this.pairs.append(s.pairs);
    const c = s.counts;
    this.poolsSeen ||= c.poolsSeen;
    this.rowsAdded += c.rowsAdded;
    this.candidates += c.candidates;
    this.finiteScores += c.finiteScores;
    this.excluded += c.excluded;
    this.analysed += c.analysed;
    this.sweetDiffers += c.sweetDiffers;
    this.minBelow2 += c.minBelow2;
    this.topTies += c.topTies;
    this.extremeScores += c.extremeScores;
    this.subnormalScores += c.subnormalScores;
    this.largest = Math.max(this.largest, decodeNumber(c.largest));
    this.marginFromColumn ||= c.marginFromColumn;
    for (const [k, v] of Object.entries(s.skipped)) this.skipped[k] = (this.skipped[k] ?? 0) + v;
    this.zAll.merge(s.bins.z);
    this.zMinBins.merge(s.bins.zMin);
    this.zSweetBins.merge(s.bins.zSweet);
    const sc = s.scoreSample;
    for (let i = 0; i < sc.key.length; i++) this.scoreSample.offer(sc.key[i]!, () => decodeNumber(sc.value[i]), sc.tie[i]!);
    const ps = s.poolSample;
    for (let i = 0; i < ps.key.length; i++) {
      const v = ps.pool[i]!;
      this.poolSample.offer(ps.key[i]!, () => ({ ...v, scores: v.scores.map(decodeNumber), mu: decodeNumber(v.mu), sigma: decodeNumber(v.sigma) }), ps.tie[i]!);
    }
    this.examples.merge(s.examples, pairOffset);
    this.addRejects(s.rejects, c.rejectTotal - s.rejects.length);
    // Rows not joined yet (this collector's and the state's) wait for their pools.
    this.pending = new Int32Array(0);
    this.pendingPrompt = new Int32Array(0);
    this.pendingChosen = new Int32Array(0);
    this.pendingRejected = new Int32Array(0);
    this.pendingDone = new Uint8Array(0);
    this.pendingFrom = 0;
    this.trim();
  }

  /**
   * The page's data. The collector can be finished more than once (e.g. after more chunks). Every section is
   * computed by passes over the columns, a block of rows at a time (no copy of a column): summaries and histograms
   * from order statistics, Spearman's rho of more than SPEARMAN_SAMPLE pairs from a hashed sample of them.
   */
  finish(meta: ReportMeta): ReportData {
    this.applyJoins();
    const notes = [...(meta.notes ?? [])];
    const data: ReportData = {
      title: meta.title ?? 'pairsmith data report',
      sources: meta.sources,
      generatedAt: meta.generatedAt,
      scoreLabel: meta.scoreLabel,
    };
    if (meta.rawLabel !== undefined) data.rawLabel = meta.rawLabel;
    if (meta.clamps && meta.clamps.length > 0) data.clamps = meta.clamps;
    if (meta.manifest) data.manifest = meta.manifest;
    if (this.poolsSeen) data.pools = this.poolSection();
    const inStats = this.pairRows(notes);
    if (inStats) {
      data.pairs = this.pairSection(inStats, meta, data.pools?.medianScore);
      if (data.pairs.gapOverflow > 0) notes.push(`${data.pairs.gapOverflow} pairs have a gap chosen − rejected beyond the largest double (±∞): they are left out of the gap statistics and charts.`);
      const lengths = this.lengthSection(inStats, meta);
      if (lengths) data.lengths = lengths;
    }
    if (this.rowsAdded > 0) {
      const sel = this.selectionSection(meta);
      if (sel) data.selection = sel;
      const routing = this.routingFromColumn(meta.routingThreshold);
      if (routing) data.routing = routing;
    }
    if (meta.routing) data.routing = meta.routing;
    const ex = this.exampleSection(meta);
    if (ex) data.examples = ex;
    if (this.rejectTotal > 0) data.rejects = { total: this.rejectTotal, shown: [...this.rejectsShown] };
    if (this.extremeScores > 0) notes.push(`${this.extremeScores} scores have a magnitude of 1e300 or more (largest ${fmt(this.largest)}): statistics are computed with rescaling and the charts bin them on rescaled axes.`);
    if (this.subnormalScores > 0) notes.push(`${this.subnormalScores} scores are subnormal (non-zero, below 2.2e−308 in magnitude).`);
    const under = this.skipped.spread_underflow ?? 0;
    if (under > 0) notes.push(`${under} prompts have distinct scores whose σ underflows to 0 (a spread below about 1e−154): they are left out of the pool statistics (spread_underflow).`);
    const nfs = this.skipped.non_finite_stats ?? 0;
    if (nfs > 0) notes.push(`${nfs} prompts have a non-finite μ or σ: they are left out of the pool statistics (non_finite_stats).`);
    if (notes.length > 0) data.notes = notes;
    return data;
  }

  /** A prompt column's values, a block at a time. */
  private promptChunks(name: 'zMin' | 'zSweet'): Chunks {
    return (each) => this.prompts.scan([name], ([b], _start, len) => b && each((b as Float64Array).subarray(0, len)));
  }

  private poolSection(): PoolSection {
    // Prompts not analysed hold NaN here, which the summaries skip.
    const med = summarize(Float64Array.from(this.scoreSample.values())).median;
    return {
      prompts: this.prompts.n,
      candidates: this.candidates,
      excludedNonFinite: this.excluded,
      skipped: { ...this.skipped },
      analysed: this.analysed,
      rejectedK: this.k,
      std: this.std,
      sweetDiffersFromMin: this.sweetDiffers,
      minBelow2Sigma: this.minBelow2,
      z: this.zAll.toJSON(),
      zMin: this.zMinBins.toJSON(),
      zSweet: this.zSweetBins.toJSON(),
      zMinSummary: summaryOf(this.promptChunks('zMin')),
      zSweetSummary: summaryOf(this.promptChunks('zSweet')),
      topTies: this.topTies,
      medianScore: med,
      medianExact: this.finiteScores <= this.scoreSample.k,
      sample: this.poolSample.sorted().sort((a, b) => a.promptIndex - b.promptIndex),
    };
  }

  /**
   * The values `value` gives for the pair rows (undefined: the row is left out), gathered once in one pass over the
   * columns into a SpillColumn (to the collector's spool past 1 MiB), so the many passes a summary or a histogram
   * makes read 8 bytes a value, not every column's blocks. `value` gets the blocks of `names`, in that order.
   */
  private rows(names: readonly PairCol[], value: (b: Blocks, j: number) => number | undefined): Chunks {
    const col = new SpillColumn(this.spoolOf?.());
    this.pairs.scan(names, (b, _start, len) => {
      for (let j = 0; j < len; j++) {
        const v = value(b, j);
        if (v !== undefined) col.push(v);
      }
    });
    return (each) => col.forEach(each);
  }

  /** Like rows, for pairs of values: `value` writes x and y into xy[0], xy[1] and says whether the row is kept. */
  private rowPairs(names: readonly PairCol[], value: (b: Blocks, j: number, xy: Float64Array) => boolean): PairChunks {
    // Kept interleaved (x, y, x, y, ...) in one column, and split again a block at a time.
    const col = new SpillColumn(this.spoolOf?.());
    const xy = new Float64Array(2);
    this.pairs.scan(names, (b, _start, len) => {
      for (let j = 0; j < len; j++) {
        if (!value(b, j, xy)) continue;
        col.push(xy[0]!);
        col.push(xy[1]!);
      }
    });
    let xs = new Float64Array(0);
    let ys = new Float64Array(0);
    return (each) =>
      col.forEach((c) => {
        const m = c.length >> 1;
        if (xs.length < m) {
          xs = new Float64Array(m);
          ys = new Float64Array(m);
        }
        for (let k = 0; k < m; k++) {
          xs[k] = c[2 * k]!;
          ys[k] = c[2 * k + 1]!;
        }
        if (m > 0) each(xs.subarray(0, m), ys.subarray(0, m));
      });
  }

  /** Calls `each` for every pair row with the blocks of `names`. */
  private forRows(names: readonly PairCol[], each: (b: Blocks, j: number) => void): void {
    this.pairs.scan(names, (b, _start, len) => {
      for (let j = 0; j < len; j++) each(b, j);
    });
  }

  /**
   * Which pair rows the pair statistics use, given the row's `joined` value (with a note on rows left out), or
   * undefined when there are none.
   */
  private pairRows(notes: string[]): ((joined: number) => boolean) | undefined {
    const s = this.pairs;
    if (s.n === 0) return this.poolsSeen || this.rowsAdded > 0 ? () => false : undefined;
    if (this.poolsSeen) {
      let matched = 0;
      this.forRows(['joined'], (b, j) => {
        if (b[0]?.[j] === 1) matched++;
      });
      const unmatched = this.rowsAdded - matched;
      if (this.pairsFrom === 'rows' && unmatched > 0) {
        notes.push(`${unmatched} of ${this.rowsAdded} pair rows name no candidate of the input (prompt_index/chosen_index/rejected_index missing, out of range or unscored); they are left out of the chosen/rejected statistics.`);
      }
      return (joined) => joined === 1 || joined === 2;
    }
    let scored = 0;
    this.forRows(['chosen', 'rejected'], (b, j) => {
      if (b[0] && b[1] && Number.isFinite(b[0][j]!) && Number.isFinite(b[1][j]!)) scored++;
    });
    if (scored < s.n) notes.push(`${s.n - scored} of ${s.n} pairs have no finite score_chosen/score_rejected and are left out of the score statistics.`);
    return () => true;
  }

  /** `poolMedian`: the median of the candidates' scores (the pool section's), when there are pools. */
  private pairSection(inStats: (joined: number) => boolean, meta: ReportMeta, poolMedian?: number): PairSection {
    // Blocks: joined, chosen, rejected, chosenRaw, rejectedRaw, rank.
    const names = ['joined', 'chosen', 'rejected', 'chosenRaw', 'rejectedRaw', 'rank'] as const;
    const scored = (b: Blocks, j: number): boolean => inStats(b[0]?.[j] ?? 0) && b[1] !== undefined && b[2] !== undefined && Number.isFinite(b[1][j]!) && Number.isFinite(b[2][j]!);
    const chosen = this.rows(names, (b, j) => (scored(b, j) ? b[1]![j]! : undefined));
    const rejected = this.rows(names, (b, j) => (scored(b, j) ? b[2]![j]! : undefined));
    const gap = this.rows(names, (b, j) => (scored(b, j) ? b[1]![j]! - b[2]![j]! : undefined));
    let n = 0;
    let ties = 0;
    let nearTies = 0;
    let overflow = 0;
    const ranks = this.poolsSeen && this.pairs.has('rank') ? new Array<number>(11).fill(0) : undefined;
    this.forRows(names, (b, j) => {
      if (!scored(b, j)) return;
      n++;
      const d = b[1]![j]! - b[2]![j]!;
      if (!Number.isFinite(d)) overflow++;
      else if (d === 0) ties++;
      else if (Math.abs(d) < this.tieEpsilon) nearTies++;
      const r = ranks ? b[5]![j]! : 0;
      if (r >= 1) ranks![Math.min(10, r - 1)]!++;
    });
    const chosenSummary = summaryOf(chosen);
    const rejectedSummary = summaryOf(rejected);
    const gapSummary = summaryOf(gap);
    const out: PairSection = {
      pairs: n,
      chosenSummary,
      rejectedSummary,
      gapSummary,
      chosenGap: heatmapGrid(this.rowPairs(names, (b, j, xy) => scored(b, j) && ((xy[0] = b[1]![j]!), (xy[1] = b[1]![j]! - b[2]![j]!), true))),
      gapOverflow: overflow,
      ties,
      nearTies,
      tieEpsilon: this.tieEpsilon,
    };
    const hist = (c: Chunks, median: number): BinnedHistogram | undefined => binSeries([c], [median]);
    const ch = hist(chosen, chosenSummary.median);
    if (ch) out.chosenHist = ch;
    const rj = hist(rejected, rejectedSummary.median);
    if (rj) out.rejectedHist = rj;
    const gh = hist(gap, gapSummary.median);
    if (gh) out.gapHist = gh;
    if (meta.rawLabel !== undefined) {
      if (this.pairs.has('chosenRaw')) out.chosenRawSummary = summaryOf(this.rows(names, (b, j) => (scored(b, j) ? b[3]![j]! : undefined)));
      if (this.pairs.has('rejectedRaw')) out.rejectedRawSummary = summaryOf(this.rows(names, (b, j) => (scored(b, j) ? b[4]![j]! : undefined)));
    }
    if (ranks) out.chosenRanks = ranks;
    let low: number;
    if (poolMedian !== undefined) low = poolMedian;
    else
      low = summaryOf((each) => {
        chosen(each);
        rejected(each);
      }).median;
    if (Number.isFinite(low)) {
      let count = 0;
      chosen((c) => {
        for (let i = 0; i < c.length; i++) if (c[i]! < low) count++;
      });
      out.lowChosen = { threshold: low, count };
    }
    return out;
  }

  private selectionSection(meta: ReportMeta): SelectionSection | undefined {
    const s = this.pairs;
    const n = s.n;
    // Blocks: margin, chosenRaw, rejectedRaw, chosen, rejected, implicit, selScore, selected.
    const names = ['margin', 'chosenRaw', 'rejectedRaw', 'chosen', 'rejected', 'implicit', 'selScore', 'selected'] as const;
    const ext = (b: Blocks, j: number): number => {
      const [mg, cr, rr, ch, rj] = b;
      if (mg && Number.isFinite(mg[j]!)) return mg[j]!;
      if (cr && rr && Number.isFinite(cr[j]! - rr[j]!)) return cr[j]! - rr[j]!;
      if (ch && rj && Number.isFinite(ch[j]! - rj[j]!)) return ch[j]! - rj[j]!;
      return NaN;
    };
    const imp = (b: Blocks, j: number): number => b[5]![j]!;
    const sel = (b: Blocks, j: number): number => b[6]![j]!;
    const kept = (b: Blocks, j: number): boolean => b[7] !== undefined && b[7][j]! > 0;
    let hasSelection = false;
    let keptN = 0;
    let selFinite = false;
    this.forRows(names, (b, j) => {
      if (b[7] && b[7][j]! >= 0) hasSelection = true;
      if (kept(b, j)) keptN++;
      if (b[6] && Number.isFinite(b[6][j]!)) selFinite = true;
    });
    const hasImp = s.has('implicit');
    const hasSel = s.has('selScore');
    /** Equal (to 1e-9 relative) wherever both are finite, with at least one such row. */
    const selIs = (other: (b: Blocks, j: number) => number): boolean => {
      let any = false;
      let same = true;
      this.forRows(names, (b, j) => {
        const x = sel(b, j);
        const y = other(b, j);
        if (!same || !Number.isFinite(x) || !Number.isFinite(y)) return;
        any = true;
        if (Math.abs(x - y) > 1e-9 * Math.max(1, Math.abs(x))) same = false;
      });
      return any && same;
    };
    const by = meta.selectionBy;
    let key: string | undefined = by === 'bees' || by === 'add' ? 'fused' : by === 'external' || by === 'implicit' ? by : undefined;
    const selExt = hasSel && selFinite && selIs(ext);
    const selImp = hasSel && hasImp && selFinite && !selExt && selIs(imp);
    const selFused = hasSel && selFinite && !selExt && !selImp;
    if (!key && hasSel && selFinite) key = selExt ? 'external' : selImp ? 'implicit' : 'fused';
    const series: MarginSeries[] = [];
    const make = (k: string, label: string, unit: string, value: ((b: Blocks, j: number) => number) | undefined): void => {
      if (!value) return;
      let finite = 0;
      let keptFinite = 0;
      let low = Infinity;
      this.forRows(names, (b, j) => {
        const v = value(b, j);
        if (!Number.isFinite(v)) return;
        finite++;
        if (kept(b, j)) {
          keptFinite++;
          low = Math.min(low, v);
        }
      });
      if (finite === 0) return;
      const all = this.rows(names, (b, j) => {
        const v = value(b, j);
        return Number.isFinite(v) ? v : undefined;
      });
      const parts = [all];
      if (hasSelection) {
        parts.push(
          this.rows(names, (b, j) => {
            const v = value(b, j);
            return Number.isFinite(v) && kept(b, j) ? v : undefined;
          }),
        );
      }
      const threshold = hasSelection && k === key && keptFinite > 0 ? low : undefined;
      const hist = binSeries(parts, threshold === undefined ? [] : [threshold])!;
      const m: MarginSeries = { key: k, label, unit, hist, count: finite, missing: n - finite };
      if (hasSelection) {
        m.kept = keptFinite;
        if (threshold !== undefined) m.threshold = threshold;
      }
      series.push(m);
    };
    make('external', 'External', `score_chosen − score_rejected [${meta.rawLabel ?? meta.scoreLabel}]`, ext);
    make('implicit', 'Implicit', 'implicit margin [log-prob, nats]', hasImp ? imp : undefined);
    if (key === 'fused' || selFused) {
      const label = by === 'add' ? 'Fused (add)' : by === 'bees' || by === undefined || by === 'auto' ? 'Fused (BeeS)' : 'Fused';
      make('fused', label, by === 'add' ? 'm_ex + m_im' : 'P(chosen ≻ rejected), fused', hasSel ? sel : undefined);
    }
    if (series.length === 0) return undefined;
    const out: SelectionSection = { margins: series };
    if (key) out.by = key;
    if (hasSelection) out.rule = `Selection kept ${keptN} of ${n} pairs${key ? `, ranked by the ${key} margin` : ''}.`;
    return out;
  }

  private routingFromColumn(threshold?: number): RoutingSection | undefined {
    if (!this.pairs.has('route')) return undefined;
    let dpo = 0;
    let sft = 0;
    let sftTies = 0;
    this.forRows(['route', 'margin'], ([route, mg], j) => {
      if (route![j] === ROUTE.dpo) dpo++;
      else if (route![j] === ROUTE.sft) {
        sft++;
        if (mg && mg[j] === 0) sftTies++;
      }
    });
    if (dpo + sft === 0) return undefined;
    return { dpo, sft, sftTies, threshold };
  }

  private lengthSection(inStats: (joined: number) => boolean, meta: ReportMeta): LengthSection | undefined {
    const s = this.pairs;
    const stats: LengthStats[] = [];
    for (const [unit, a, b] of [
      ['characters', 'cChars', 'rChars'],
      ['tokens', 'cTok', 'rTok'],
    ] as const) {
      if (!s.has(a) || !s.has(b)) continue;
      // Blocks: joined, margin, chosen, rejected, chosen length, rejected length.
      const names = ['joined', 'margin', 'chosen', 'rejected', a, b] as const;
      const has = (x: Blocks, j: number): boolean => inStats(x[0]?.[j] ?? 0) && x[4]![j]! >= 0 && x[5]![j]! >= 0;
      const margin = (x: Blocks, j: number): number => {
        const [, mg, ch, rj] = x;
        return this.marginFromColumn ? (mg ? mg[j]! : NaN) : ch && rj ? ch[j]! - rj[j]! : NaN;
      };
      let m = 0;
      let corrPairs = 0;
      let longer = 0;
      let equal = 0;
      let shorter = 0;
      this.forRows(names, (x, j) => {
        if (!has(x, j)) return;
        m++;
        const d = x[4]![j]! - x[5]![j]!;
        if (d > 0) longer++;
        else if (d < 0) shorter++;
        else equal++;
        if (Number.isFinite(margin(x, j))) corrPairs++;
      });
      if (m === 0) continue;
      const gap = this.rows(names, (x, j) => (has(x, j) ? x[4]![j]! - x[5]![j]! : undefined));
      const gapMargin = this.rowPairs(names, (x, j, xy) => has(x, j) && ((xy[0] = x[4]![j]! - x[5]![j]!), (xy[1] = margin(x, j)), true));
      const st: LengthStats = {
        unit,
        pairs: m,
        chosen: summaryOf(this.rows(names, (x, j) => (has(x, j) ? x[4]![j]! : undefined))),
        rejected: summaryOf(this.rows(names, (x, j) => (has(x, j) ? x[5]![j]! : undefined))),
        gap: summaryOf(gap),
        longer,
        equal,
        shorter,
        pearson: pearsonOf(gapMargin),
        spearman: null,
        corrPairs,
      };
      const gh = binSeries([gap], [0]);
      if (gh) st.gapHist = gh;
      if (corrPairs > 0) st.gapMargin = heatmapGrid(gapMargin);
      // Spearman's rho ranks the pairs: on all of them up to SPEARMAN_SAMPLE, else on those with the smallest hash of
      // their row number (the same rows whatever the chunking or sharding).
      const corr = (x: Blocks, j: number): boolean => has(x, j) && Number.isFinite(margin(x, j));
      let cut = Infinity;
      if (corrPairs > SPEARMAN_SAMPLE) {
        const hashes = new SpillColumn(this.spoolOf?.());
        s.scan(names, (x, start, len) => {
          for (let j = 0; j < len; j++) if (corr(x, j)) hashes.push(fibHash(start + j));
        });
        [cut] = orderStatistics((each) => hashes.forEach(each), () => [SPEARMAN_SAMPLE - 1]) as [number];
        st.spearmanSample = SPEARMAN_SAMPLE;
      }
      const xs = new Float64Array(Math.min(corrPairs, SPEARMAN_SAMPLE));
      const ys = new Float64Array(xs.length);
      let k = 0;
      s.scan(names, (x, start, len) => {
        for (let j = 0; j < len; j++) {
          if (!corr(x, j) || fibHash(start + j) > cut) continue;
          xs[k] = x[4]![j]! - x[5]![j]!;
          ys[k++] = margin(x, j);
        }
      });
      st.spearman = spearman(xs, ys);
      stats.push(st);
    }
    if (stats.length === 0) return undefined;
    const marginLabel = this.marginFromColumn ? `margin [${meta.rawLabel ?? meta.scoreLabel}]` : `gap chosen − rejected [${meta.scoreLabel}]`;
    return { marginLabel, stats };
  }

  private exampleSection(meta: ReportMeta): ExampleSection | undefined {
    const r = this.examples.result();
    if (r.high.length + r.low.length + r.sweet.length + r.first.length === 0) return undefined;
    const s = this.pairs;
    const ch = s.get('chosen');
    const rj = s.get('rejected');
    const selected = s.get('selected');
    const row = (e: CapturedExample): ExampleRow => {
      const out: ExampleRow = {
        promptIndex: e.promptIndex,
        key: e.key,
        chosenScore: e.pair >= 0 && ch && Number.isFinite(ch.get(e.pair)) ? ch.get(e.pair) : e.chosenScore,
        rejectedScore: e.pair >= 0 && rj && Number.isFinite(rj.get(e.pair)) ? rj.get(e.pair) : e.rejectedScore,
        prompt: e.text.prompt,
        chosen: e.text.chosen,
        rejected: e.text.rejected,
      };
      if (e.minScore !== undefined) out.minScore = e.minScore;
      if (e.text.min) out.min = e.text.min;
      if (e.pair >= 0 && selected && selected.get(e.pair) >= 0) out.selected = selected.get(e.pair);
      return out;
    };
    const keyLabel = this.marginFromColumn ? `margin [${meta.rawLabel ?? meta.scoreLabel}]` : `gap [${meta.scoreLabel}]`;
    const buckets: ExampleBucket[] = [
      { id: 'high', title: 'Highest margin', keyLabel, rows: r.high.map(row) },
      { id: 'low', title: 'Lowest margin', keyLabel, rows: r.low.map(row) },
      { id: 'sweet', title: 'Sweet spot ≠ minimum', keyLabel: 'z(sweet) − z(min)', rows: r.sweet.map(row) },
      { id: 'first', title: 'Pairs without a margin', keyLabel: 'margin', rows: r.first.map(row) },
    ];
    return { buckets: buckets.filter((b) => b.rows.length > 0), textCap: this.examples.textCap };
  }
}

/** The layout of a join: a pair's numbers from its pool, as JoinLog keeps them. */
const J = { status: 0, chosen: 1, rejected: 2, hasRaw: 3, chosenRaw: 4, rejectedRaw: 5, rank: 6, cChars: 7, rChars: 8, cTok: 9, rTok: 10 } as const;
const J_SIZE = 11;

/** Scores, rank and lengths (NaN: the pool has none) of the pair (ci, ri) of a pool, into a join entry. */
function pairFromPool(c: PoolChunk, off: number, size: number, ci: number, ri: number, e: Float64Array): void {
  const x = c.scores;
  const sc = x[off + ci]!;
  e[J.chosen] = sc;
  e[J.rejected] = x[off + ri]!;
  e[J.hasRaw] = c.raw ? 1 : 0;
  e[J.chosenRaw] = c.raw ? c.raw[off + ci]! : NaN;
  e[J.rejectedRaw] = c.raw ? c.raw[off + ri]! : NaN;
  let above = 0;
  for (let i = off; i < off + size; i++) if (x[i]! > sc) above++;
  e[J.rank] = 1 + above;
  e[J.cChars] = c.chars ? index(c.chars[off + ci]) : NaN;
  e[J.rChars] = c.chars ? index(c.chars[off + ri]) : NaN;
  e[J.cTok] = c.tokens ? index(c.tokens[off + ci]) : NaN;
  e[J.rTok] = c.tokens ? index(c.tokens[off + ri]) : NaN;
}

/** Joins to apply: up to JOIN_LOG of them, then written into the rows sorted by row id (each block read back once). */
const JOIN_LOG = 1 << 15;

class JoinLog {
  private readonly ids = new Int32Array(JOIN_LOG);
  private readonly data = new Float64Array(JOIN_LOG * J_SIZE);
  private n = 0;
  /** An entry for a join applied at once (the collector's own pairs). */
  readonly scratch = new Float64Array(J_SIZE);

  /** The next entry to fill (then add(id) keeps it). */
  entry(): Float64Array {
    return this.data.subarray(this.n * J_SIZE, (this.n + 1) * J_SIZE);
  }

  add(id: number): void {
    this.ids[this.n++] = id;
  }

  full(): boolean {
    return this.n === JOIN_LOG;
  }

  /** Calls `apply` with every entry, by increasing row id, and empties the log. */
  drain(apply: (id: number, e: Float64Array) => void): void {
    const order = sortIndices(Int32Array.from({ length: this.n }, (_, i) => i), (a, b) => this.ids[a]! - this.ids[b]!);
    for (const k of order) apply(this.ids[k]!, this.data.subarray(k * J_SIZE, (k + 1) * J_SIZE));
    this.n = 0;
  }
}
