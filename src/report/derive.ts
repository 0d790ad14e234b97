// The report's derived numbers, computed from per-prompt scores: mu/sigma per pool, z-scores, the sweet-spot and
// max-min picks and how often they differ, how far below mu the minimum sits, chosen rank, ties and gaps.
// Pure functions over plain arrays (no engine): the pick rules are those of spec selection.md 1.3 and 1.5.
import { quantileSorted } from './scale.js';
import type { PairSection, PoolSection, PoolView, PromptPool, Summary } from './types.js';

export interface DeriveOptions {
  /** Rejected position mu + k sigma for the sweet-spot comparison (default -2). */
  rejectedK?: number;
  /** Standard deviation: population (ddof 0, default) or sample (ddof 1). */
  std?: 'population' | 'sample';
  /** Gaps with 0 < gap < tieEpsilon count as near-ties (default 0: none). */
  tieEpsilon?: number;
  /** How many pools the small multiples show (default 12), chosen evenly over the analysed prompts. */
  sampleSize?: number;
}

/** Mean, population/sample std, quartiles (linear interpolation) and extremes of the finite values. */
export function summarize(values: ArrayLike<number>, std: 'population' | 'sample' = 'population'): Summary {
  const v: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) v.push(values[i]!);
  const n = v.length;
  if (n === 0) return { count: 0, mean: NaN, std: NaN, min: NaN, p25: NaN, median: NaN, p75: NaN, max: NaN };
  v.sort((a, b) => a - b);
  let sum = 0;
  for (const x of v) sum += x;
  const mean = sum / n;
  let ss = 0;
  for (const x of v) ss += (x - mean) * (x - mean);
  const dof = std === 'sample' ? n - 1 : n;
  return {
    count: n,
    mean,
    std: dof > 0 ? Math.sqrt(ss / dof) : NaN,
    min: v[0]!,
    p25: quantileSorted(v, 0.25),
    median: quantileSorted(v, 0.5),
    p75: quantileSorted(v, 0.75),
    max: v[n - 1]!,
  };
}

/** Index (into `s`) of the value nearest `target`, ties by lower value then lower index; `exclude` is skipped. */
export function nearest(s: readonly number[], target: number, exclude = -1): number {
  let best = -1;
  for (let i = 0; i < s.length; i++) {
    if (i === exclude) continue;
    if (best < 0) {
      best = i;
      continue;
    }
    const d = Math.abs(s[i]! - target);
    const bd = Math.abs(s[best]! - target);
    if (d < bd || (d === bd && s[i]! < s[best]!)) best = i;
  }
  return best;
}

interface Analysed {
  view: PoolView;
  zAll: number[];
  sweet: number;
  chosenRaw?: number;
  rejectedRaw?: number;
  rank: number;
  percentile: number;
  topTie: boolean;
  noPair: boolean;
}

type Outcome = { ok: true; a: Analysed } | { ok: false; reason: string };

function analyseOne(p: PromptPool, k: number, ddof: number): Outcome & { excluded: number } {
  // Keep the original indices of finite scores so user-given chosen/rejected indices still refer to them.
  const idx: number[] = [];
  for (let i = 0; i < p.scores.length; i++) if (Number.isFinite(p.scores[i]!)) idx.push(i);
  const excluded = p.scores.length - idx.length;
  const s = idx.map((i) => p.scores[i]!);
  const n = s.length;
  if (n < 2) return { ok: false, reason: 'insufficient_samples', excluded };
  let sum = 0;
  for (const x of s) sum += x;
  const mu = sum / n;
  let ss = 0;
  for (const x of s) ss += (x - mu) * (x - mu);
  const sigma = n - ddof > 0 ? Math.sqrt(ss / (n - ddof)) : NaN;
  if (!(sigma > 0)) return { ok: false, reason: 'no_spread', excluded };
  let argmax = 0;
  let argmin = 0;
  for (let i = 1; i < n; i++) {
    if (s[i]! > s[argmax]!) argmax = i;
    if (s[i]! < s[argmin]!) argmin = i;
  }
  const sweet = nearest(s, mu + k * sigma, argmax);
  const local = (orig: number | undefined): number | undefined => (orig === undefined ? undefined : idx.indexOf(orig));
  const chosen = local(p.chosen) ?? argmax;
  const rejected = local(p.rejected) ?? sweet;
  if (chosen < 0 || rejected < 0) return { ok: false, reason: 'invalid_pick', excluded };
  let above = 0;
  let below = 0;
  let atMax = 0;
  for (let i = 0; i < n; i++) {
    if (s[i]! > s[chosen]!) above++;
    if (s[i]! < s[chosen]!) below++;
    if (s[i] === s[argmax]) atMax++;
  }
  const raw = p.raw;
  return {
    ok: true,
    excluded,
    a: {
      view: { promptIndex: p.promptIndex, label: p.label ?? `prompt ${p.promptIndex}`, scores: s, mu, sigma, chosen: p.noPair ? -1 : chosen, rejected: p.noPair ? -1 : rejected, min: argmin },
      zAll: s.map((x) => (x - mu) / sigma),
      sweet,
      chosenRaw: raw ? raw[idx[chosen]!] : undefined,
      rejectedRaw: raw ? raw[idx[rejected]!] : undefined,
      rank: 1 + above,
      percentile: below / (n - 1),
      topTie: atMax >= 2,
      noPair: p.noPair === true,
    },
  };
}

/** Evenly spaced sample of `k` items (all when there are at most k), first and last included. */
function evenSample<T>(xs: T[], k: number): T[] {
  if (xs.length <= k) return xs.slice();
  const out: T[] = [];
  for (let i = 0; i < k; i++) out.push(xs[Math.round((i * (xs.length - 1)) / (k - 1))]!);
  return out;
}

/**
 * Analyses candidate pools: per-prompt mu and sigma over the finite scores, z-scores, the sweet-spot pick
 * (nearest mu + k sigma, never the maximum) against the minimum, and the chosen/rejected pair of each prompt
 * (given indices, else max and sweet spot). O(total candidates); pools are not modified.
 */
export function analysePools(pools: readonly PromptPool[], o: DeriveOptions = {}): { pools: PoolSection; pairs: PairSection } {
  const k = o.rejectedK ?? -2;
  const std = o.std ?? 'population';
  const ddof = std === 'sample' ? 1 : 0;
  const skipped: Record<string, number> = {};
  let candidates = 0;
  let excludedNonFinite = 0;
  const done: Analysed[] = [];
  for (const p of pools) {
    candidates += p.scores.length;
    const r = analyseOne(p, k, ddof);
    excludedNonFinite += r.excluded;
    if (r.ok) done.push(r.a);
    else skipped[r.reason] = (skipped[r.reason] ?? 0) + 1;
  }
  const z: number[] = [];
  const zMin: number[] = [];
  const zSweet: number[] = [];
  let differ = 0;
  let below2 = 0;
  let topTies = 0;
  for (const a of done) {
    const v = a.view;
    for (const x of a.zAll) z.push(x);
    zMin.push(a.zAll[v.min]!);
    zSweet.push(a.zAll[a.sweet]!);
    if (a.sweet !== v.min) differ++;
    if (a.zAll[v.min]! < -2) below2++;
    if (a.topTie) topTies++;
  }
  const paired = done.filter((a) => !a.noPair);
  const pairs = pairSection(
    paired.map((a) => ({ chosen: a.view.scores[a.view.chosen]!, rejected: a.view.scores[a.view.rejected]!, chosenRaw: a.chosenRaw, rejectedRaw: a.rejectedRaw })),
    o.tieEpsilon ?? 0,
    summarize(pools.flatMap((p) => Array.from(p.scores))).median,
  );
  pairs.chosenRank = paired.map((a) => a.rank);
  pairs.chosenPercentile = paired.map((a) => a.percentile);
  return {
    pools: {
      prompts: pools.length,
      candidates,
      excludedNonFinite,
      skipped,
      analysed: done.length,
      rejectedK: k,
      std,
      sweetDiffersFromMin: differ,
      minBelow2Sigma: below2,
      z,
      zMin,
      zSweet,
      zMinSummary: summarize(zMin),
      zSweetSummary: summarize(zSweet),
      topTies,
      sample: evenSample(done, o.sampleSize ?? 12).map((a) => a.view),
    },
    pairs,
  };
}

export interface PairScores {
  chosen: number;
  rejected: number;
  chosenRaw?: number;
  rejectedRaw?: number;
}

/** Chosen, rejected and gap distributions and tie counts of a list of pairs (non-finite scores are skipped). */
export function pairSection(rows: readonly PairScores[], tieEpsilon = 0, lowThreshold?: number): PairSection {
  const chosen: number[] = [];
  const rejected: number[] = [];
  const gap: number[] = [];
  const cRaw: number[] = [];
  const rRaw: number[] = [];
  let ties = 0;
  let nearTies = 0;
  for (const r of rows) {
    if (!Number.isFinite(r.chosen) || !Number.isFinite(r.rejected)) continue;
    chosen.push(r.chosen);
    rejected.push(r.rejected);
    const g = r.chosen - r.rejected;
    gap.push(g);
    if (g === 0) ties++;
    else if (Math.abs(g) < tieEpsilon) nearTies++;
    if (r.chosenRaw !== undefined) cRaw.push(r.chosenRaw);
    if (r.rejectedRaw !== undefined) rRaw.push(r.rejectedRaw);
  }
  const out: PairSection = {
    pairs: chosen.length,
    chosen,
    rejected,
    gap,
    chosenSummary: summarize(chosen),
    rejectedSummary: summarize(rejected),
    gapSummary: summarize(gap),
    ties,
    nearTies,
    tieEpsilon,
  };
  const low = lowThreshold ?? summarize([...chosen, ...rejected]).median;
  if (Number.isFinite(low)) out.lowChosen = { threshold: low, count: chosen.filter((c) => c < low).length };
  if (cRaw.length > 0) out.chosenRawSummary = summarize(cRaw);
  if (rRaw.length > 0) out.rejectedRawSummary = summarize(rRaw);
  return out;
}
