// The report's input: a streaming collector that takes candidate pools and pair rows chunk by chunk and keeps a
// few numbers per prompt and per pair, never the texts. Each prompt is reduced at once to a fixed-size summary
// (count, mu, sigma, min, max, z of the minimum and of the sweet-spot pick, flags), computed on the engine it is given (groupStats, pickPositions,
// zscores: the same kernels as `stats` and `pairs`). Per-candidate data are kept only as a fixed z histogram, a
// hashed sample of scores (for the median) and a sample of pools for the small multiples; per-pair data as a few
// numbers in typed columns; example texts only for the few pairs the tables show. Nothing it keeps depends on how
// the input was split into chunks, and the states of the collectors of consecutive parts of an input (shards)
// merge into the state of one collector fed the whole (state(), merge(); src/report/state.ts).
// Memory: 57 bytes per prompt + 33 to 94 bytes per pair (by the columns present) + bounded samples: it grows with
// the input (about 500 MB for 1.4 million pairs), unlike the other data commands' (see the README, Report).
import { BottomK, fibHash, itemKey, itemTie } from './sample.js';
import { FixedBins } from './bins.js';
import { Columns, F64, I32, U8 } from './columns.js';
import { cell, ExampleCapture, type CapturedExample, type PairText } from './examples.js';
import { fmt } from './format.js';
import { spearman, summarize, type ReportKernels } from './summary.js';
import { decodeNumber, encodeNumber, pearson } from '../numeric.js';
import type { CollectorState, PoolViewState, StateOptions } from './state.js';
import type {
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
  readonly prompts = new Columns(PROMPT_SPEC);
  readonly pairs = new Columns(PAIR_SPEC);
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

  // Pair rows waiting for their pool: ids sorted by prompt index; rows from `pendingFrom` on are not sorted in yet.
  private pending = new Int32Array(0);
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
  }

  /** Per-prompt summaries so far (views into the collector's columns). */
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

  /** Bytes of the typed columns (per-prompt and per-pair; the samples and histograms are fixed-size). */
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
      for (let i = 0; i < m; i++) col[n0 + i] = conv(src[i]);
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
      const ch = s.view('chosen');
      const rj = s.view('rejected');
      const mg = s.view('margin');
      for (let i = 0; i < m; i++) {
        const id = n0 + i;
        const key = mg && Number.isFinite(mg[id]!) ? mg[id]! : ch && rj ? ch[id]! - rj[id]! : NaN;
        this.examples.offerPair({ key, promptIndex: index(c.promptIndex?.[i]), pair: id, chosenScore: ch?.[id] ?? NaN, rejectedScore: rj?.[id] ?? NaN, text: () => text(i) });
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
      for (let i = 0; i < m; i++) col[start + i] = conv(src[i]);
    };
    put('margin', c.margin, numberOr);
    put('implicit', c.implicitMargin, numberOr);
    put('selScore', c.selectionScore, numberOr);
    put('selected', c.selected, (v) => (typeof v === 'number' && v >= 0 && v <= 0x7fffffff ? Math.round(v) : -1));
    put('route', c.route, (v) => (v === ROUTE.dpo || v === ROUTE.sft ? v : ROUTE.none));
    if (c.margin) for (let i = 0; i < m; i++) if (Number.isFinite(c.margin[i]!)) this.marginFromColumn = true;
  }

  /** Sorts the rows added since the last call into the pending list (dropping rows already joined). */
  private syncPending(): void {
    const s = this.pairs;
    if (this.pendingFrom === s.n) return;
    const prompt = s.view('prompt') as Int32Array | undefined;
    const joined = s.col('joined');
    const ids: number[] = [];
    for (const id of this.pending) if (joined[id] === 0) ids.push(id);
    if (prompt) for (let id = this.pendingFrom; id < s.n; id++) if (prompt[id]! >= 0 && joined[id] === 0) ids.push(id);
    const sorted = Int32Array.from(ids);
    if (prompt) sorted.sort((a, b) => prompt[a]! - prompt[b]! || a - b);
    this.pending = sorted;
    this.pendingFrom = s.n;
  }

  /** Pair rows waiting for prompt p (in row order). */
  private pendingFor(p: number): number[] {
    const prompt = this.pairs.view('prompt') as Int32Array | undefined;
    if (!prompt || this.pending.length === 0) return [];
    let a = 0;
    let b = this.pending.length;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (prompt[this.pending[mid]!]! < p) a = mid + 1;
      else b = mid;
    }
    const out: number[] = [];
    for (let i = a; i < this.pending.length && prompt[this.pending[i]!] === p; i++) out.push(this.pending[i]!);
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
      P.col('promptIndex')[row] = pIdx;
      P.col('count')[row] = n;
      P.col('mu')[row] = mu;
      P.col('sigma')[row] = sigma;
      P.col('min')[row] = stats.min[g]!;
      P.col('max')[row] = stats.max[g]!;

      // Pair rows naming this prompt: join them to its candidates.
      let marks: [number, number] = [-1, -1];
      if (!own) {
        for (const id of this.pendingFor(pIdx)) {
          const j = this.join(id, c, off, size);
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
      P.col('zMin')[row] = zMin;
      P.col('zSweet')[row] = zSweet;
      const differs = sweet >= 0 && sweet !== argmin;
      if (differs) this.sweetDiffers++;
      if (zMin < -2) this.minBelow2++;
      if (atTop >= 2) this.topTies++;
      P.col('flags')[row] = 1 | (differs ? 2 : 0) | (atTop >= 2 ? 4 : 0);

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
  }

  /** Joins pair row `id` to group g; returns its (chosen, rejected) when it names two finite candidates. */
  private join(id: number, c: PoolChunk, off: number, size: number): [number, number] | null {
    const s = this.pairs;
    const joined = s.col('joined');
    if (joined[id] !== 0) return null;
    const ci = s.col('chosenIdx')[id]!;
    const ri = s.col('rejectedIdx')[id]!;
    const x = c.scores;
    if (ci < 0 || ri < 0 || ci >= size || ri >= size || !Number.isFinite(x[off + ci]!) || !Number.isFinite(x[off + ri]!)) {
      joined[id] = 3;
      return null;
    }
    joined[id] = 1;
    this.fillFromPool(id, c, off, size, ci, ri);
    return [ci, ri];
  }

  /** The collector's own pair of an analysed prompt, as a pair row; returns its id. */
  private ownPair(c: PoolChunk, off: number, size: number, pIdx: number, ci: number, ri: number): number {
    const s = this.pairs;
    const id = s.n++;
    s.col('prompt')[id] = pIdx;
    s.col('chosenIdx')[id] = ci;
    s.col('rejectedIdx')[id] = ri;
    s.col('joined')[id] = 2;
    this.fillFromPool(id, c, off, size, ci, ri);
    return id;
  }

  /** Scores, rank and lengths of pair `id` from its pool. */
  private fillFromPool(id: number, c: PoolChunk, off: number, size: number, ci: number, ri: number): void {
    const s = this.pairs;
    const x = c.scores;
    const sc = x[off + ci]!;
    s.col('chosen')[id] = sc;
    s.col('rejected')[id] = x[off + ri]!;
    if (c.raw) {
      s.col('chosenRaw')[id] = c.raw[off + ci]!;
      s.col('rejectedRaw')[id] = c.raw[off + ri]!;
    }
    let above = 0;
    for (let i = off; i < off + size; i++) if (x[i]! > sc) above++;
    s.col('rank')[id] = 1 + above;
    const len = (name: PairCol, src: ArrayLike<number> | undefined, i: number): void => {
      if (!src) return;
      const col = s.col(name);
      if (col[id]! < 0) col[id] = index(src[off + i]);
    };
    len('cChars', c.chars, ci);
    len('rChars', c.chars, ri);
    len('cTok', c.tokens, ci);
    len('rTok', c.tokens, ri);
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
    this.pendingFrom = 0;
  }

  /** The page's data. The collector can be finished more than once (e.g. after more chunks). */
  finish(meta: ReportMeta): ReportData {
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
    const ids = this.pairIds(notes);
    if (ids) {
      data.pairs = this.pairSection(ids, meta);
      if (data.pairs.gapOverflow > 0) notes.push(`${data.pairs.gapOverflow} pairs have a gap chosen − rejected beyond the largest double (±∞): they are left out of the gap statistics and charts.`);
      const lengths = this.lengthSection(ids, meta);
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

  private poolSection(): PoolSection {
    const sum = this.promptSummaries();
    // Prompts not analysed hold NaN here, which summarize skips.
    const zMin = sum.zMin;
    const zSweet = sum.zSweet;
    const scores = Float64Array.from(this.scoreSample.values());
    const med = summarize(scores, this.engine).median;
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
      zMinSummary: summarize(zMin, this.engine),
      zSweetSummary: summarize(zSweet, this.engine),
      topTies: this.topTies,
      medianScore: med,
      medianExact: this.finiteScores <= this.scoreSample.k,
      sample: this.poolSample.sorted().sort((a, b) => a.promptIndex - b.promptIndex),
    };
  }

  /** The pair rows the pair statistics use (with a note on rows left out), or undefined when there are none. */
  private pairIds(notes: string[]): Int32Array | undefined {
    const s = this.pairs;
    if (s.n === 0) return this.poolsSeen || this.rowsAdded > 0 ? new Int32Array(0) : undefined;
    const joined = s.view('joined') as Uint8Array | undefined;
    if (this.poolsSeen) {
      const ids: number[] = [];
      for (let i = 0; i < s.n; i++) if (joined && (joined[i] === 1 || joined[i] === 2)) ids.push(i);
      const unmatched = this.rowsAdded - ids.filter((i) => joined![i] === 1).length;
      if (this.pairsFrom === 'rows' && unmatched > 0) {
        notes.push(`${unmatched} of ${this.rowsAdded} pair rows name no candidate of the input (prompt_index/chosen_index/rejected_index missing, out of range or unscored); they are left out of the chosen/rejected statistics.`);
      }
      return Int32Array.from(ids);
    }
    const ch = s.view('chosen');
    const rj = s.view('rejected');
    let scored = 0;
    for (let i = 0; i < s.n; i++) if (ch && rj && Number.isFinite(ch[i]!) && Number.isFinite(rj[i]!)) scored++;
    if (scored < s.n) notes.push(`${s.n - scored} of ${s.n} pairs have no finite score_chosen/score_rejected and are left out of the score statistics.`);
    return Int32Array.from({ length: s.n }, (_, i) => i);
  }

  private pairSection(ids: Int32Array, meta: ReportMeta): PairSection {
    const s = this.pairs;
    const ch = s.view('chosen');
    const rj = s.view('rejected');
    let n = 0;
    const all = new Int32Array(ids.length);
    for (const i of ids) if (ch && rj && Number.isFinite(ch[i]!) && Number.isFinite(rj[i]!)) all[n++] = i;
    const keep = all.subarray(0, n);
    const chosen = new Float64Array(n);
    const rejected = new Float64Array(n);
    const gap = new Float64Array(n);
    let ties = 0;
    let nearTies = 0;
    let overflow = 0;
    keep.forEach((i, t) => {
      chosen[t] = ch![i]!;
      rejected[t] = rj![i]!;
      const d = chosen[t]! - rejected[t]!;
      gap[t] = d;
      if (!Number.isFinite(d)) overflow++;
      else if (d === 0) ties++;
      else if (Math.abs(d) < this.tieEpsilon) nearTies++;
    });
    const e = this.engine;
    const out: PairSection = {
      pairs: n,
      chosen,
      rejected,
      gap,
      chosenSummary: summarize(chosen, e),
      rejectedSummary: summarize(rejected, e),
      gapSummary: summarize(gap, e),
      gapOverflow: overflow,
      ties,
      nearTies,
      tieEpsilon: this.tieEpsilon,
    };
    if (meta.rawLabel !== undefined) {
      const cr = s.view('chosenRaw');
      const rr = s.view('rejectedRaw');
      if (cr) out.chosenRawSummary = summarize(Float64Array.from(keep, (i) => cr[i]!), e);
      if (rr) out.rejectedRawSummary = summarize(Float64Array.from(keep, (i) => rr[i]!), e);
    }
    const rank = s.view('rank');
    if (this.poolsSeen && rank) out.chosenRank = Int32Array.from(keep, (i) => rank[i]!);
    let low: number;
    if (this.poolsSeen) low = summarize(Float64Array.from(this.scoreSample.values()), e).median;
    else {
      const both = new Float64Array(2 * n);
      both.set(chosen);
      both.set(rejected, n);
      low = summarize(both, e).median;
    }
    if (Number.isFinite(low)) {
      let count = 0;
      for (const v of chosen) if (v < low) count++;
      out.lowChosen = { threshold: low, count };
    }
    return out;
  }

  private selectionSection(meta: ReportMeta): SelectionSection | undefined {
    const s = this.pairs;
    const n = s.n;
    const mg = s.view('margin');
    const cr = s.view('chosenRaw');
    const rr = s.view('rejectedRaw');
    const ch = s.view('chosen');
    const rj = s.view('rejected');
    const ext = new Float64Array(n).fill(NaN);
    for (let i = 0; i < n; i++) {
      if (mg && Number.isFinite(mg[i]!)) ext[i] = mg[i]!;
      else if (cr && rr && Number.isFinite(cr[i]! - rr[i]!)) ext[i] = cr[i]! - rr[i]!;
      else if (ch && rj && Number.isFinite(ch[i]! - rj[i]!)) ext[i] = ch[i]! - rj[i]!;
    }
    const imp = s.view('implicit');
    const sel = s.view('selScore');
    const selected = s.view('selected');
    let hasSelection = false;
    if (selected) for (let i = 0; i < n; i++) if (selected[i]! >= 0) hasSelection = true;
    const kept = (i: number) => selected !== undefined && selected[i]! > 0;
    const finiteIn = (a: ArrayLike<number> | undefined) => {
      if (a) for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i]!)) return true;
      return false;
    };
    const by = meta.selectionBy;
    let key: string | undefined = by === 'bees' || by === 'add' ? 'fused' : by === 'external' || by === 'implicit' ? by : undefined;
    const selIs = (other: ArrayLike<number> | undefined) => sel !== undefined && other !== undefined && sameValues(sel, other);
    const selFused = finiteIn(sel) && !selIs(ext) && !selIs(imp);
    if (!key && finiteIn(sel)) key = selIs(ext) ? 'external' : selIs(imp) ? 'implicit' : 'fused';
    const series: MarginSeries[] = [];
    const make = (k: string, label: string, unit: string, vals: ArrayLike<number> | undefined): void => {
      if (!vals) return;
      // Counted first, then filled: typed arrays of their exact size (no JS array of a million numbers).
      let finite = 0;
      let keptFinite = 0;
      for (let i = 0; i < n; i++) {
        if (!Number.isFinite(vals[i]!)) continue;
        finite++;
        if (kept(i)) keptFinite++;
      }
      if (finite === 0) return;
      const values = new Float64Array(finite);
      const keptValues = new Float64Array(hasSelection ? keptFinite : 0);
      let a = 0;
      let b = 0;
      let low = Infinity;
      for (let i = 0; i < n; i++) {
        const v = vals[i]!;
        if (!Number.isFinite(v)) continue;
        values[a++] = v;
        if (hasSelection && kept(i)) {
          keptValues[b++] = v;
          low = Math.min(low, v);
        }
      }
      const m: MarginSeries = { key: k, label, unit, values, missing: n - finite };
      if (hasSelection) {
        m.keptValues = keptValues;
        m.kept = keptFinite;
        if (k === key && keptFinite > 0) m.threshold = low;
      }
      series.push(m);
    };
    make('external', 'External', `score_chosen − score_rejected [${meta.rawLabel ?? meta.scoreLabel}]`, ext);
    make('implicit', 'Implicit', 'implicit margin [log-prob, nats]', imp);
    if (key === 'fused' || selFused) {
      const label = by === 'add' ? 'Fused (add)' : by === 'bees' || by === undefined || by === 'auto' ? 'Fused (BeeS)' : 'Fused';
      make('fused', label, by === 'add' ? 'm_ex + m_im' : 'P(chosen ≻ rejected), fused', sel);
    }
    if (series.length === 0) return undefined;
    let keptN = 0;
    for (let i = 0; i < n; i++) if (kept(i)) keptN++;
    const out: SelectionSection = { margins: series };
    if (key) out.by = key;
    if (hasSelection) out.rule = `Selection kept ${keptN} of ${n} pairs${key ? `, ranked by the ${key} margin` : ''}.`;
    return out;
  }

  private routingFromColumn(threshold?: number): RoutingSection | undefined {
    const s = this.pairs;
    const route = s.view('route');
    if (!route) return undefined;
    const mg = s.view('margin');
    let dpo = 0;
    let sft = 0;
    let sftTies = 0;
    for (let i = 0; i < s.n; i++) {
      if (route[i] === ROUTE.dpo) dpo++;
      else if (route[i] === ROUTE.sft) {
        sft++;
        if (mg && mg[i] === 0) sftTies++;
      }
    }
    if (dpo + sft === 0) return undefined;
    return { dpo, sft, sftTies, threshold };
  }

  private lengthSection(ids: Int32Array, meta: ReportMeta): LengthSection | undefined {
    const s = this.pairs;
    const mg = s.view('margin');
    const ch = s.view('chosen');
    const rj = s.view('rejected');
    const margin = (i: number) => (this.marginFromColumn ? (mg ? mg[i]! : NaN) : ch && rj ? ch[i]! - rj[i]! : NaN);
    const stats: LengthStats[] = [];
    for (const [unit, a, b] of [
      ['characters', 'cChars', 'rChars'],
      ['tokens', 'cTok', 'rTok'],
    ] as const) {
      const ca = s.view(a);
      const rb = s.view(b);
      if (!ca || !rb) continue;
      let m = 0;
      for (const i of ids) if (ca[i]! >= 0 && rb[i]! >= 0) m++;
      if (m === 0) continue;
      const cl = new Float64Array(m);
      const rl = new Float64Array(m);
      const gl = new Float64Array(m);
      const mv = new Float64Array(m);
      let k = 0;
      let corrPairs = 0;
      let longer = 0;
      let equal = 0;
      let shorter = 0;
      for (const i of ids) {
        if (ca[i]! < 0 || rb[i]! < 0) continue;
        cl[k] = ca[i]!;
        rl[k] = rb[i]!;
        const d = ca[i]! - rb[i]!;
        gl[k] = d;
        if (d > 0) longer++;
        else if (d < 0) shorter++;
        else equal++;
        const mi = margin(i);
        mv[k++] = mi;
        if (Number.isFinite(mi)) corrPairs++;
      }
      const e = this.engine;
      stats.push({
        unit,
        pairs: m,
        chosen: summarize(cl, e),
        rejected: summarize(rl, e),
        gap: summarize(gl, e),
        longer,
        equal,
        shorter,
        gapValues: gl,
        marginValues: mv,
        pearson: pearson(gl, mv),
        spearman: spearman(gl, mv),
        corrPairs,
      });
    }
    if (stats.length === 0) return undefined;
    const marginLabel = this.marginFromColumn ? `margin [${meta.rawLabel ?? meta.scoreLabel}]` : `gap chosen − rejected [${meta.scoreLabel}]`;
    return { marginLabel, stats };
  }

  private exampleSection(meta: ReportMeta): ExampleSection | undefined {
    const r = this.examples.result();
    if (r.high.length + r.low.length + r.sweet.length + r.first.length === 0) return undefined;
    const s = this.pairs;
    const ch = s.view('chosen');
    const rj = s.view('rejected');
    const selected = s.view('selected');
    const row = (e: CapturedExample): ExampleRow => {
      const out: ExampleRow = {
        promptIndex: e.promptIndex,
        key: e.key,
        chosenScore: e.pair >= 0 && ch && Number.isFinite(ch[e.pair]!) ? ch[e.pair]! : e.chosenScore,
        rejectedScore: e.pair >= 0 && rj && Number.isFinite(rj[e.pair]!) ? rj[e.pair]! : e.rejectedScore,
        prompt: e.text.prompt,
        chosen: e.text.chosen,
        rejected: e.text.rejected,
      };
      if (e.minScore !== undefined) out.minScore = e.minScore;
      if (e.text.min) out.min = e.text.min;
      if (e.pair >= 0 && selected && selected[e.pair]! >= 0) out.selected = selected[e.pair]!;
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

/** Equal (to 1e-9 relative) wherever both are finite, with at least one such index. */
function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  let any = false;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    any = true;
    if (Math.abs(x - y) > 1e-9 * Math.max(1, Math.abs(x))) return false;
  }
  return any;
}
