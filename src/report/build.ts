// Adapters from plain objects to the collector's columns (one chunk at a time), and buildReportData: the whole
// report from in-memory pools and pair rows in one call. Pure: reading files is the caller's job.
import { ReportCollector, ROUTE, type CollectorOptions, type PairColumns, type PoolChunk, type ReportMeta } from './collector.js';
import type { ReportKernels } from './summary.js';
import type { RejectInfo, ReportData, RoutingSection } from './types.js';

/** One prompt's candidate pool. */
export interface PromptPool {
  /** 0-based input record number. */
  promptIndex: number;
  /** The prompt text (shown with the small multiples and examples, always escaped). */
  prompt?: string;
  /** Scores on the analysis scale (after any transform); non-finite entries are excluded and counted. */
  scores: ArrayLike<number>;
  /** Raw input scores, when a transform was applied. */
  raw?: ArrayLike<number>;
  /** Response texts (same indices as scores): their lengths and the example pairs. */
  responses?: readonly string[];
  /** Response lengths in tokens when known (same indices; < 0 or NaN: unknown). */
  tokens?: ArrayLike<number>;
  /** The chosen / rejected candidate when the caller picked them; default: the maximum / nearest mu + k sigma. */
  chosen?: number;
  rejected?: number;
}

/** One row of a pairs file, with the columns the report uses (all optional; absent or null = unknown). */
export interface PairRowInput {
  promptIndex?: number | null;
  chosenIndex?: number | null;
  rejectedIndex?: number | null;
  /** Scores in input units (`score_chosen`, `score_rejected`). */
  scoreChosen?: number | null;
  scoreRejected?: number | null;
  margin?: number | null;
  implicitMargin?: number | null;
  selectionScore?: number | null;
  /** `select`'s rank (1-based; 0 = not kept) or a boolean. */
  selected?: number | boolean | null;
  route?: string | null;
  prompt?: string;
  chosen?: string;
  rejected?: string;
  /** Token counts (e.g. `chosen_length` / `rejected_length`). */
  chosenTokens?: number | null;
  rejectedTokens?: number | null;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Length of a string in Unicode code points (what the report calls characters). */
export function charCount(s: string): number {
  let n = s.length;
  if (!SURROGATE.test(s)) return n;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const p = s.charCodeAt(i - 1);
      if (p >= 0xd800 && p <= 0xdbff) n--;
    }
  }
  return n;
}

/** Pools as one CSR chunk for ReportCollector.addPools (texts read lazily from the pool objects). */
export function poolChunkOf(pools: readonly PromptPool[]): PoolChunk {
  const G = pools.length;
  const offsets = new Int32Array(G + 1);
  for (let g = 0; g < G; g++) offsets[g + 1] = offsets[g]! + pools[g]!.scores.length;
  const total = offsets[G]!;
  const scores = new Float64Array(total);
  const anyRaw = pools.some((p) => p.raw);
  const anyText = pools.some((p) => p.responses);
  const anyTok = pools.some((p) => p.tokens);
  const raw = anyRaw ? new Float64Array(total).fill(NaN) : undefined;
  const chars = anyText ? new Int32Array(total).fill(-1) : undefined;
  const tokens = anyTok ? new Int32Array(total).fill(-1) : undefined;
  const anyPick = pools.some((p) => p.chosen !== undefined || p.rejected !== undefined);
  const picks = anyPick ? { chosen: new Int32Array(G).fill(-1), rejected: new Int32Array(G).fill(-1) } : undefined;
  pools.forEach((p, g) => {
    const off = offsets[g]!;
    for (let i = 0; i < p.scores.length; i++) {
      scores[off + i] = p.scores[i]!;
      if (raw && p.raw) raw[off + i] = p.raw[i]!;
      if (chars && p.responses?.[i] !== undefined) chars[off + i] = charCount(p.responses[i]!);
      const t = p.tokens?.[i];
      if (tokens && t !== undefined && Number.isInteger(t) && t >= 0) tokens[off + i] = t;
    }
    if (picks) {
      picks.chosen[g] = p.chosen ?? -1;
      picks.rejected[g] = p.rejected ?? -1;
    }
  });
  const chunk: PoolChunk = { promptIndex: Int32Array.from(pools, (p) => p.promptIndex), offsets, scores };
  if (raw) chunk.raw = raw;
  if (chars) chunk.chars = chars;
  if (tokens) chunk.tokens = tokens;
  if (picks) chunk.picks = picks;
  if (pools.some((p) => p.prompt !== undefined || p.responses)) {
    chunk.text = { prompt: (g) => pools[g]!.prompt ?? '', response: (g, i) => pools[g]!.responses?.[i] ?? '' };
  }
  return chunk;
}

const fin = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

/** Pair rows as one chunk of columns for ReportCollector.addPairs. `transform` maps input scores to the analysis scale. */
export function pairColumnsOf(rows: readonly PairRowInput[], transform?: (x: number) => number): PairColumns {
  const n = rows.length;
  const col = (f: (r: PairRowInput) => number | null | undefined) => Float64Array.from(rows, (r) => {
    const v = f(r);
    return typeof v === 'number' ? v : NaN;
  });
  const t = transform ?? ((x: number) => x);
  const c: PairColumns = {
    length: n,
    promptIndex: col((r) => r.promptIndex),
    chosenIndex: col((r) => r.chosenIndex),
    rejectedIndex: col((r) => r.rejectedIndex),
    chosen: col((r) => (fin(r.scoreChosen) ? t(r.scoreChosen) : NaN)),
    rejected: col((r) => (fin(r.scoreRejected) ? t(r.scoreRejected) : NaN)),
    margin: col((r) => r.margin),
    implicitMargin: col((r) => r.implicitMargin),
    selectionScore: col((r) => r.selectionScore),
    selected: col((r) => (typeof r.selected === 'boolean' ? (r.selected ? 1 : 0) : r.selected)),
    route: Uint8Array.from(rows, (r) => (r.route === 'dpo' ? ROUTE.dpo : r.route === 'sft' ? ROUTE.sft : ROUTE.none)),
  };
  if (transform) {
    c.chosenRaw = col((r) => r.scoreChosen);
    c.rejectedRaw = col((r) => r.scoreRejected);
  }
  if (rows.some((r) => r.chosen !== undefined || r.rejected !== undefined)) {
    c.chosenChars = col((r) => (r.chosen === undefined ? -1 : charCount(r.chosen)));
    c.rejectedChars = col((r) => (r.rejected === undefined ? -1 : charCount(r.rejected)));
    c.text = (i) => ({ prompt: rows[i]!.prompt ?? '', chosen: rows[i]!.chosen ?? '', rejected: rows[i]!.rejected ?? '' });
  }
  if (rows.some((r) => fin(r.chosenTokens) || fin(r.rejectedTokens))) {
    c.chosenTokens = col((r) => r.chosenTokens);
    c.rejectedTokens = col((r) => r.rejectedTokens);
  }
  return c;
}

export interface ReportInput {
  pools?: PromptPool[];
  pairRows?: PairRowInput[];
  /** Maps a raw pair score to the analysis scale (pairs without pools); default identity. */
  transform?: (x: number) => number;
  rejects?: RejectInfo[];
}

export interface BuildOptions extends CollectorOptions, Omit<ReportMeta, 'routing'> {
  /** The kernels the report computes with: an Engine (required; any backend). */
  engine: ReportKernels;
  routing?: RoutingSection;
}

/**
 * The whole report's data from in-memory pools and pair rows (fed to a ReportCollector as one chunk each; rows
 * before pools, so rows with indices are joined to the pools). O(candidates + rows).
 */
export function buildReportData(input: ReportInput, o: BuildOptions): ReportData {
  const pools = input.pools && input.pools.length > 0 ? input.pools : undefined;
  const rows = input.pairRows;
  const c = new ReportCollector(o.engine, { ...o, pairsFrom: pools && rows ? 'rows' : 'pools' });
  if (input.rejects) c.addRejects(input.rejects);
  if (rows) c.addPairs(pairColumnsOf(rows, input.transform));
  if (pools) c.addPools(poolChunkOf(pools));
  return c.finish(o);
}
