// Builds ReportData from what a run has: candidate pools (analysis scale), rows of a pairs file (the output of
// `pairs`, `select` or `route`: prompt_index, chosen_index, rejected_index, score_*, margin, implicit_margin,
// selection_score, selected, route), and a manifest. Pure: reading files is the caller's job.
import { analysePools, type DeriveOptions, pairSection, type PairScores, type PoolKernels, summarize } from './derive.js';
import type { MarginSeries, PairSection, PromptPool, ReportData, RoutingSection } from './types.js';

/** One row of a pairs file, with the columns the report uses (all optional; absent or null = unknown). */
export interface PairRowInput {
  promptIndex?: number | null;
  chosenIndex?: number | null;
  rejectedIndex?: number | null;
  scoreChosen?: number | null;
  scoreRejected?: number | null;
  margin?: number | null;
  implicitMargin?: number | null;
  selectionScore?: number | null;
  /** `select`'s rank (1-based; 0 or null = not kept) or a boolean. */
  selected?: number | boolean | null;
  route?: string | null;
}

export interface ReportInput {
  pools?: PromptPool[];
  pairRows?: PairRowInput[];
  /** Maps a raw pair score to the analysis scale (pairs without pools); default identity. */
  transform?: (x: number) => number;
  /** `select --by` of the pairs file when known (external, implicit, bees, add); inferred otherwise. */
  selectionBy?: string;
  /** `route --threshold` when known. */
  routingThreshold?: number;
  /** Routing counts known by the caller (e.g. curate, whose SFT rows leave the pair rows); wins over a route column. */
  routing?: RoutingSection;
  manifest?: Record<string, unknown>;
  notes?: string[];
}

export interface BuildOptions extends DeriveOptions {
  title?: string;
  sources: string[];
  generatedAt: string;
  /** Analysis scale name with unit, e.g. "logit(score)". */
  scoreLabel: string;
  /** Raw scale name when a transform was applied. */
  rawLabel?: string;
  /** Group kernels for the pool statistics (an Engine; default the JS reference). */
  kernels?: PoolKernels;
}

const fin = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

/** Assembles the report's data. O(candidates + rows). */
export function buildReportData(input: ReportInput, o: BuildOptions): ReportData {
  const notes = [...(input.notes ?? [])];
  const rows = input.pairRows;
  const t = input.transform ?? ((x: number) => x);
  const data: ReportData = {
    title: o.title ?? 'pairsmith data report',
    sources: o.sources,
    generatedAt: o.generatedAt,
    scoreLabel: o.scoreLabel,
    rawLabel: o.rawLabel,
    manifest: input.manifest,
  };
  if (input.pools && input.pools.length > 0) {
    const a = analysePools(input.pools, o, o.kernels);
    data.pools = a.pools;
    data.pairs = a.pairs;
    if (rows) {
      const joined = pairsFromRows(input.pools, rows, o.tieEpsilon ?? 0);
      if (joined.unmatched > 0) notes.push(`${joined.unmatched} of ${rows.length} pair rows name no candidate of the input (prompt_index/chosen_index/rejected_index missing or out of range); they are left out of the chosen/rejected statistics.`);
      data.pairs = joined.section;
      // Mark the picks of the pairs file in the small multiples (the first pair of each prompt).
      const first = new Map<number, PairRowInput>();
      for (const r of rows) if (fin(r.promptIndex) && !first.has(r.promptIndex)) first.set(r.promptIndex, r);
      const again = analysePools(
        input.pools.map((p) => {
          const r = first.get(p.promptIndex);
          return r && fin(r.chosenIndex) && fin(r.rejectedIndex) ? { ...p, chosen: r.chosenIndex, rejected: r.rejectedIndex } : { ...p, noPair: true };
        }),
        o,
        o.kernels,
      );
      data.pools = { ...data.pools, sample: again.pools.sample };
    }
  } else if (rows) {
    data.pairs = pairSection(
      rows.map((r) => ({ chosen: fin(r.scoreChosen) ? t(r.scoreChosen) : NaN, rejected: fin(r.scoreRejected) ? t(r.scoreRejected) : NaN, chosenRaw: r.scoreChosen ?? undefined, rejectedRaw: r.scoreRejected ?? undefined })),
      o.tieEpsilon ?? 0,
    );
    const unscored = rows.length - data.pairs.pairs;
    if (unscored > 0) notes.push(`${unscored} of ${rows.length} pairs have no finite score_chosen/score_rejected and are left out of the score statistics.`);
    if (o.rawLabel === undefined) {
      delete data.pairs.chosenRawSummary;
      delete data.pairs.rejectedRawSummary;
    }
  }
  if (rows) {
    const sel = selectionFromRows(rows, input.selectionBy, o);
    if (sel) data.selection = sel;
    const routing = routingFromRows(rows, input.routingThreshold);
    if (routing) data.routing = routing;
  }
  if (input.routing) data.routing = input.routing;
  if (notes.length > 0) data.notes = notes;
  return data;
}

/** Chosen/rejected statistics of the rows of a pairs file, scores taken from the pools (analysis scale). */
export function pairsFromRows(pools: readonly PromptPool[], rows: readonly PairRowInput[], tieEpsilon = 0): { section: PairSection; unmatched: number } {
  const byIndex = new Map<number, PromptPool>();
  for (const p of pools) byIndex.set(p.promptIndex, p);
  const scores: PairScores[] = [];
  const ranks: number[] = [];
  const percentiles: number[] = [];
  let unmatched = 0;
  for (const r of rows) {
    const p = fin(r.promptIndex) ? byIndex.get(r.promptIndex) : undefined;
    const c = r.chosenIndex;
    const j = r.rejectedIndex;
    if (!p || !fin(c) || !fin(j) || !fin(p.scores[c]) || !fin(p.scores[j])) {
      unmatched++;
      continue;
    }
    const sc = p.scores[c]!;
    scores.push({ chosen: sc, rejected: p.scores[j]!, chosenRaw: p.raw?.[c], rejectedRaw: p.raw?.[j] });
    let above = 0;
    let below = 0;
    let n = 0;
    for (let i = 0; i < p.scores.length; i++) {
      const v = p.scores[i]!;
      if (!Number.isFinite(v)) continue;
      n++;
      if (v > sc) above++;
      if (v < sc) below++;
    }
    ranks.push(1 + above);
    percentiles.push(n > 1 ? below / (n - 1) : NaN);
  }
  const all: number[] = [];
  for (const p of pools) for (let i = 0; i < p.scores.length; i++) all.push(p.scores[i]!);
  const section = pairSection(scores, tieEpsilon, summarize(all).median);
  section.chosenRank = ranks;
  section.chosenPercentile = percentiles;
  return { section, unmatched };
}

function isKept(s: PairRowInput['selected']): boolean {
  return s === true || (typeof s === 'number' && s > 0);
}

function sameValues(a: readonly (number | null | undefined)[], b: readonly (number | null | undefined)[]): boolean {
  let any = false;
  for (let i = 0; i < a.length; i++) {
    if (!fin(a[i]) || !fin(b[i])) continue;
    any = true;
    if (Math.abs(a[i]! - b[i]!) > 1e-9 * Math.max(1, Math.abs(a[i]!))) return false;
  }
  return any;
}

/** Margin distributions of a pairs file, with the kept pairs and the threshold of the margin selection used. */
export function selectionFromRows(rows: readonly PairRowInput[], by: string | undefined, o: { scoreLabel: string; rawLabel?: string }): { margins: MarginSeries[]; rule?: string } | undefined {
  const ext = rows.map((r) => (fin(r.margin) ? r.margin : fin(r.scoreChosen) && fin(r.scoreRejected) ? r.scoreChosen - r.scoreRejected : null));
  const imp = rows.map((r) => r.implicitMargin ?? null);
  const sel = rows.map((r) => r.selectionScore ?? null);
  const hasSelection = rows.some((r) => r.selected !== undefined && r.selected !== null);
  const kept = rows.map((r) => isKept(r.selected));
  // Which margin the selection ranked by: as stated, else inferred from selection_score.
  let key = by === 'bees' || by === 'add' ? 'fused' : by;
  if (!key && sel.some(fin)) key = sameValues(sel, ext) ? 'external' : sameValues(sel, imp) ? 'implicit' : 'fused';
  const series: MarginSeries[] = [];
  const make = (k: string, label: string, unit: string, vals: (number | null)[]): void => {
    const values: number[] = [];
    const keptValues: number[] = [];
    vals.forEach((v, i) => {
      if (!fin(v)) return;
      values.push(v);
      if (kept[i]) keptValues.push(v);
    });
    if (values.length === 0) return;
    const m: MarginSeries = { key: k, label, unit, values };
    if (hasSelection) {
      m.keptValues = keptValues;
      m.kept = keptValues.length;
      if (k === key && keptValues.length > 0) m.threshold = Math.min(...keptValues);
    }
    series.push(m);
  };
  make('external', 'External', `score_chosen − score_rejected [${o.rawLabel ?? o.scoreLabel}]`, ext);
  make('implicit', 'Implicit', 'implicit margin [log-prob, nats]', imp);
  if (key === 'fused' || (!key && sel.some(fin))) make('fused', by === 'add' ? 'Fused (add)' : 'Fused (BeeS)', by === 'add' ? 'm_ex + m_im' : 'P(chosen ≻ rejected), fused', sel);
  if (series.length === 0) return undefined;
  const keptN = kept.filter(Boolean).length;
  const rule = hasSelection ? `Selection kept ${keptN} of ${rows.length} pairs${key ? `, ranked by the ${key} margin` : ''}.` : undefined;
  return { margins: series, rule };
}

/** DPO/SFT counts from a `route` column (rows without one are not counted). */
export function routingFromRows(rows: readonly PairRowInput[], threshold?: number): RoutingSection | undefined {
  let dpo = 0;
  let sft = 0;
  let sftTies = 0;
  for (const r of rows) {
    if (r.route === 'dpo') dpo++;
    else if (r.route === 'sft') {
      sft++;
      if (r.margin === 0) sftTies++;
    }
  }
  if (dpo + sft === 0) return undefined;
  return { dpo, sft, sftTies, threshold };
}
