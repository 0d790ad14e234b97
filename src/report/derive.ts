// The report's derived numbers, computed from per-prompt scores: mu/sigma per pool, z-scores, the sweet-spot and
// max-min picks and how often they differ, how far below mu the minimum sits, chosen rank, ties and gaps.
// The per-group numbers come from the group kernels (groupStats, pickPositions, zscores: spec selection.md 1.3
// and 1.5 tie rules), so the report agrees with `stats` and `pairs` by construction.
import type { GroupKernels } from '../kernels/groups.js';
import { referenceKernels } from '../reference/index.js';
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

/** The group kernels the analysis runs on: an Engine (any backend) or the pure-JS `referenceKernels`. */
export type PoolKernels = Pick<GroupKernels, 'groupStats' | 'pickPositions' | 'zscores'>;

/** Evenly spaced sample of `k` items (all when there are at most k), first and last included. */
function evenSample<T>(xs: T[], k: number): T[] {
  if (xs.length <= k) return xs.slice();
  if (k <= 0) return [];
  if (k === 1) return [xs[0]!];
  const out: T[] = [];
  for (let i = 0; i < k; i++) out.push(xs[Math.round((i * (xs.length - 1)) / (k - 1))]!);
  return out;
}

interface Analysed {
  view: PoolView;
  /** z of the finite candidates. */
  z: number[];
  zMin: number;
  zSweet: number;
  sweet: number;
  chosenRaw?: number;
  rejectedRaw?: number;
  rank: number;
  percentile: number;
  topTie: boolean;
  noPair: boolean;
}

/**
 * Analyses candidate pools: per-prompt mu and sigma over the finite scores (groupStats), z-scores (zscores), the
 * sweet-spot pick (pickPositions: nearest mu + k sigma, never the maximum) against the minimum, and the
 * chosen/rejected pair of each prompt (given indices, else max and sweet spot). Runs on `kernels` (default: the
 * JS reference; pass an Engine for WASM). O(total candidates); pools are not modified.
 */
export function analysePools(pools: readonly PromptPool[], o: DeriveOptions = {}, kernels: PoolKernels = referenceKernels): { pools: PoolSection; pairs: PairSection } {
  const k = o.rejectedK ?? -2;
  const std = o.std ?? 'population';
  let total = 0;
  for (const p of pools) total += p.scores.length;
  const values = new Float64Array(total);
  const offsets = new Int32Array(pools.length + 1);
  let at = 0;
  pools.forEach((p, g) => {
    offsets[g] = at;
    for (let i = 0; i < p.scores.length; i++) values[at++] = p.scores[i]!;
  });
  offsets[pools.length] = at;
  const stats = kernels.groupStats(values, offsets, { std });
  // The sweet-spot rejected is never the chosen (the maximum): exclude it from the pick.
  const picks = kernels.pickPositions(values, offsets, stats, [{ k }], { role: 'rejected', exclude: stats.argmax });
  const z = kernels.zscores(values, offsets, stats);
  const skipped: Record<string, number> = {};
  let excludedNonFinite = 0;
  const done: Analysed[] = [];
  pools.forEach((p, g) => {
    const n = stats.count[g]!;
    const off = offsets[g]!;
    excludedNonFinite += stats.nonFinite[g]!;
    const sigma = stats.std[g]!;
    let reason: string | null = null;
    if (n < 2) reason = 'insufficient_samples';
    else if (!(sigma > 0)) reason = 'no_spread';
    const fin = (i: number | undefined): i is number => i !== undefined && i >= 0 && i < p.scores.length && Number.isFinite(p.scores[i]!);
    const chosen = p.chosen ?? stats.argmax[g]!;
    const rejected = p.rejected ?? picks[g]!;
    if (!reason && !p.noPair && (!fin(chosen) || !fin(rejected))) reason = 'invalid_pick';
    if (reason) {
      skipped[reason] = (skipped[reason] ?? 0) + 1;
      return;
    }
    const s = values.subarray(off, off + p.scores.length);
    const zs: number[] = [];
    let above = 0;
    let below = 0;
    let atMax = 0;
    for (let i = 0; i < s.length; i++) {
      if (!Number.isFinite(s[i]!)) continue;
      zs.push(z[off + i]!);
      if (s[i]! > s[chosen]!) above++;
      if (s[i]! < s[chosen]!) below++;
      if (s[i] === stats.max[g]) atMax++;
    }
    const argmin = stats.argmin[g]!;
    done.push({
      view: { promptIndex: p.promptIndex, label: p.label ?? `prompt ${p.promptIndex}`, scores: Array.from(s), mu: stats.mean[g]!, sigma, chosen: p.noPair ? -1 : chosen, rejected: p.noPair ? -1 : rejected, min: argmin },
      z: zs,
      zMin: z[off + argmin]!,
      zSweet: z[off + picks[g]!]!,
      sweet: picks[g]!,
      chosenRaw: p.raw?.[chosen],
      rejectedRaw: p.raw?.[rejected],
      rank: 1 + above,
      percentile: below / (n - 1),
      topTie: atMax >= 2,
      noPair: p.noPair === true,
    });
  });
  const zAll: number[] = [];
  const zMin: number[] = [];
  const zSweet: number[] = [];
  let differ = 0;
  let below2 = 0;
  let topTies = 0;
  for (const a of done) {
    for (const x of a.z) zAll.push(x);
    zMin.push(a.zMin);
    zSweet.push(a.zSweet);
    if (a.sweet !== a.view.min) differ++;
    if (a.zMin < -2) below2++;
    if (a.topTie) topTies++;
  }
  const paired = done.filter((a) => !a.noPair);
  const pairs = pairSection(
    paired.map((a) => ({ chosen: a.view.scores[a.view.chosen]!, rejected: a.view.scores[a.view.rejected]!, chosenRaw: a.chosenRaw, rejectedRaw: a.rejectedRaw })),
    o.tieEpsilon ?? 0,
    summarize(values).median,
  );
  pairs.chosenRank = paired.map((a) => a.rank);
  pairs.chosenPercentile = paired.map((a) => a.percentile);
  return {
    pools: {
      prompts: pools.length,
      candidates: values.length,
      excludedNonFinite,
      skipped,
      analysed: done.length,
      rejectedK: k,
      std,
      sweetDiffersFromMin: differ,
      minBelow2Sigma: below2,
      z: zAll,
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

/**
 * Chosen, rejected and gap distributions and tie counts of a list of pairs (non-finite scores are skipped);
 * low-quality chosen counted below `lowThreshold` (default: the median of the pairs' chosen and rejected scores).
 */
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
