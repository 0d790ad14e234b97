// Pair construction from N scored candidates per prompt (spec selection.md section 1): sweet-spot, max-min,
// max-random (seeded), explicit positions and the 21-pair grid. Statistics and position picks come from the
// engine (GroupEngine); this module only orchestrates and applies the drop rules, counting every reason.
import type { F64Col, GroupEngine, GroupStats, I32Col, StdKind } from './group-engine.js';
import { GRID_POSITIONS, parsePosition, positionLabel, type Position } from './positions.js';
import { randomInt, streamRng } from './rng.js';
import { exactAdd } from '../numeric.js';

export type Strategy = 'sweet-spot' | 'max-min' | 'max-random' | 'positions' | 'grid';
export const STRATEGIES: readonly Strategy[] = ['sweet-spot', 'max-min', 'max-random', 'positions', 'grid'];
export type Fallback = 'none' | 'next-nearest';
/** grid: dedupe (a pair an earlier arm already emitted is dropped) or independent (every arm keeps its pairs). */
export type GridArms = 'dedupe' | 'independent';
export const GRID_ARMS: readonly GridArms[] = ['dedupe', 'independent'];

export interface ConstructOptions {
  strategy: Strategy;
  /** Chosen position for `positions` (default max). */
  chosen?: Position;
  /** Rejected position for `sweet-spot` (default mu-2sigma) and `positions` (default mu-2sigma). */
  rejected?: Position;
  std?: StdKind;
  /** Pairs whose gap (on the transformed scale) is below this are dropped (default 0: only ties). */
  minGap?: number;
  /** Keep pairs whose two scores are equal (dropped by default). */
  keepTies?: boolean;
  /** When the rejected pick collides with the chosen or ties with it, take the nearest strictly lower one. */
  fallback?: Fallback;
  /** Seed of max-random and min-of-k. */
  seed?: number;
  /**
   * sweet-spot and positions: the rejected is the lowest of K candidates drawn uniformly without replacement
   * (seeded by `seed` and the record number, like max-random) instead of a position: the "scalable" reading of
   * the Sweet Spot paper. K >= N gives the minimum.
   */
  rejectedMinOfK?: number;
  /**
   * grid: `dedupe` (default) drops a pair an earlier arm already emitted (duplicate_pair); `independent` lets each
   * of the 21 arms keep its own pairs, duplicates across arms included (each row tagged by its two positions).
   */
  gridArms?: GridArms;
}

/** Why a prompt yields no pair, or why a candidate pair is dropped. */
export type DropReason =
  | 'insufficient_samples'
  | 'no_spread'
  | 'same_candidate'
  | 'duplicate_pair'
  | 'tie'
  | 'inverted'
  | 'below_min_gap'
  | 'no_lower_candidate'
  /** grid: every one of the 21 position pairs was dropped. */
  | 'no_valid_pair';

export interface PairSet {
  /** Number of pairs. */
  n: number;
  /** Group (prompt) of each pair. */
  group: Int32Array;
  /** Chosen and rejected candidate, indices within the group. */
  chosen: Int32Array;
  rejected: Int32Array;
  /** Position labels per pair (`null` for max-random's rejected). */
  chosenPosition: (string | null)[];
  rejectedPosition: (string | null)[];
}

export interface ConstructReport {
  prompts: number;
  promptsWithPair: number;
  pairs: number;
  /** Prompts that yielded no pair, by reason (single-pair strategies: one reason per prompt). */
  promptsWithoutPair: Partial<Record<DropReason, number>>;
  /** Candidate pairs dropped, by reason (grid: per position pair; others: same as promptsWithoutPair). */
  pairsDropped: Partial<Record<DropReason, number>>;
  /** Pairs whose rejected came from the next-nearest fallback. */
  fallbackUsed: number;
  /** Prompts with fewer than 5 valid candidates (sigma is noisy there; spec 1.5). */
  smallPrompts: number;
  /** Prompts (with a pair) whose rejected is not the prompt's minimum: where sweet-spot and max-min differ. */
  rejectedNotMin: number;
  /** The rejected z-scores (value - mu) / sigma over emitted pairs, summed exactly (numeric.ts exactAdd partials), for the mean. */
  rejectedZ: number[];
}

export interface ConstructResult {
  pairs: PairSet;
  stats: GroupStats;
  report: ConstructReport;
  /** Per group: why it has no pair (null when it has at least one). Grid: 'no_valid_pair' when all 21 dropped. */
  noPair: (DropReason | null)[];
}

const MAX: Position = { kind: 'max' };
const MIN: Position = { kind: 'min' };
const DEFAULT_REJECTED: Position = parsePosition('mu-2sigma');

function bump(m: Partial<Record<DropReason, number>>, r: DropReason, by = 1): void {
  m[r] = (m[r] ?? 0) + by;
}

/** Positions the engine must pick for a strategy (max-random picks only max). */
export function strategyPositions(o: ConstructOptions): Position[] {
  if (o.rejectedMinOfK !== undefined && (o.strategy === 'sweet-spot' || o.strategy === 'positions')) return [o.strategy === 'positions' ? (o.chosen ?? MAX) : MAX];
  switch (o.strategy) {
    case 'sweet-spot':
      return [MAX, o.rejected ?? DEFAULT_REJECTED];
    case 'max-min':
      return [MAX, MIN];
    case 'max-random':
      return [MAX];
    case 'positions':
      return [o.chosen ?? MAX, o.rejected ?? DEFAULT_REJECTED];
    case 'grid':
      return [...GRID_POSITIONS];
  }
}

/**
 * The candidate of group [s, e) nearest `target` among values strictly below `ceiling` (ties: lower value, then
 * lower index); -1 when none. Used only by the next-nearest fallback, on the few prompts that need it.
 */
export function nearestBelow(values: Float64Array, s: number, e: number, p: Position, mu: number, sigma: number, ceiling: number): number {
  let best = -1;
  let bestD = Infinity;
  for (let i = s; i < e; i++) {
    const v = values[i]!;
    if (!(v < ceiling)) continue;
    let d: number;
    if (p.kind === 'min') d = v;
    else if (p.kind === 'max') d = -v;
    else d = Math.abs(v - (mu + p.k * sigma));
    if (best < 0 || d < bestD || (d === bestD && v < values[best]!)) {
      best = i;
      bestD = d;
    }
  }
  return best < 0 ? -1 : best - s;
}

class PairBuilder {
  group: number[] = [];
  chosen: number[] = [];
  rejected: number[] = [];
  cpos: (string | null)[] = [];
  rpos: (string | null)[] = [];
  push(g: number, c: number, r: number, cp: string | null, rp: string | null): void {
    this.group.push(g);
    this.chosen.push(c);
    this.rejected.push(r);
    this.cpos.push(cp);
    this.rpos.push(rp);
  }
  build(): PairSet {
    return {
      n: this.group.length,
      group: Int32Array.from(this.group),
      chosen: Int32Array.from(this.chosen),
      rejected: Int32Array.from(this.rejected),
      chosenPosition: this.cpos,
      rejectedPosition: this.rpos,
    };
  }
}

/**
 * Builds pairs for every group of `values` (finite, transformed scores; CSR `offsets`). `streams[g]` seeds
 * max-random per group (default: the group index), so results do not depend on chunking.
 */
export function constructPairs(
  engine: GroupEngine,
  values: Float64Array,
  offsets: Int32Array,
  opts: ConstructOptions,
  streams?: Int32Array,
): ConstructResult {
  // With an engine that owns memory, copy the chunk in once and run every kernel call on it in place.
  if (engine.alloc && values.length > 0) {
    const rv = engine.alloc(Float64Array, values.length);
    const ro = engine.alloc(Int32Array, offsets.length);
    try {
      rv.view().set(values);
      ro.view().set(offsets);
      return constructOn(engine, values, offsets, rv, ro, opts, streams);
    } finally {
      rv.free();
      ro.free();
    }
  }
  return constructOn(engine, values, offsets, values, offsets, opts, streams);
}

function constructOn(
  engine: GroupEngine,
  values: Float64Array,
  offsets: Int32Array,
  kv: F64Col,
  ko: I32Col,
  opts: ConstructOptions,
  streams?: Int32Array,
): ConstructResult {
  const groups = offsets.length - 1;
  const std = opts.std ?? 'population';
  const minGap = opts.minGap ?? 0;
  const keepTies = opts.keepTies ?? false;
  const fallback = opts.fallback ?? 'none';
  const stats = engine.groupStats(kv, ko, { std });
  const positions = strategyPositions(opts);
  const np = positions.length;
  // Chosen slots break distance ties towards the higher value, rejected slots towards the lower (spec 1.5).
  const chosenPositions = opts.strategy === 'grid' ? positions : positions.slice(0, 1);
  const rejectedPositions = opts.strategy === 'grid' ? positions : positions.slice(1);
  const chosenPicks = engine.pickPositions(kv, ko, stats, chosenPositions, { role: 'chosen' });
  const rejectedPicks = rejectedPositions.length ? engine.pickPositions(kv, ko, stats, rejectedPositions, { role: 'rejected' }) : new Int32Array(0);
  const nc = chosenPositions.length;
  const nr = rejectedPositions.length;
  // A target beyond the f64 range (mu + k sigma of scores near 1e308) has no pick (-1): every candidate is infinitely
  // far from it, so the tie rule decides: the highest value for the chosen slot, the lowest for the rejected.
  for (let g = 0; g < groups; g++) {
    if (stats.count[g]! < 1) continue;
    for (let p = 0; p < nc; p++) if (chosenPicks[g * nc + p]! < 0) chosenPicks[g * nc + p] = stats.argmax[g]!;
    for (let p = 0; p < nr; p++) if (rejectedPicks[g * nr + p]! < 0) rejectedPicks[g * nr + p] = stats.argmin[g]!;
  }
  const labels = positions.map(positionLabel);
  const out = new PairBuilder();
  const report: ConstructReport = {
    prompts: groups,
    promptsWithPair: 0,
    pairs: 0,
    promptsWithoutPair: {},
    pairsDropped: {},
    fallbackUsed: 0,
    smallPrompts: 0,
    rejectedNotMin: 0,
    rejectedZ: [],
  };
  const single = opts.strategy !== 'grid';
  const minOfK = opts.rejectedMinOfK !== undefined && (opts.strategy === 'sweet-spot' || opts.strategy === 'positions') ? opts.rejectedMinOfK : undefined;
  if (minOfK !== undefined && !(Number.isInteger(minOfK) && minOfK >= 1)) throw new RangeError(`pairsmith: min-of-k needs an integer k >= 1, got ${minOfK}`);
  const noPair: (DropReason | null)[] = new Array<DropReason | null>(groups).fill(null);

  // The group in progress (accept reads it; one closure for the whole chunk, not one per group).
  let g = 0;
  let s = 0;
  let e = 0;
  // Its mean and std in a typed array: a double in a closure's variable is boxed at every store (a new heap object
  // per group), a typed array's element is not.
  const ms = new Float64Array(2);
  const accept = (c: number, r: number, cp: string | null, rp: string | null, rejPos: Position | null): DropReason | null => {
    // Returns a drop reason, or null after emitting the pair.
    let rr = r;
    let reason: DropReason | null = null;
    const vc = values[s + c]!;
    if (rr === c) reason = 'same_candidate';
    else if (values[s + rr]! === vc) reason = keepTies ? null : 'tie';
    else if (values[s + rr]! > vc) reason = 'inverted';
    if (reason !== null && reason !== 'inverted' && fallback === 'next-nearest') {
      const alt = rejPos
        ? nearestBelow(values, s, e, rejPos, ms[0]!, ms[1]!, vc)
        : randomBelow(values, s, e, vc, opts.seed ?? 0, streams ? streams[g]! : g);
      if (alt < 0) reason = 'no_lower_candidate';
      else {
        rr = alt;
        reason = null;
        report.fallbackUsed++;
      }
    }
    if (reason === null && vc - values[s + rr]! < minGap) reason = 'below_min_gap';
    if (reason !== null) return reason;
    out.push(g, c, rr, cp, rp);
    exactAdd(report.rejectedZ, (values[s + rr]! - ms[0]!) / ms[1]!);
    return null;
  };

  for (g = 0; g < groups; g++) {
    s = offsets[g]!;
    e = offsets[g + 1]!;
    const count = stats.count[g]!;
    if (count < 2) {
      noPair[g] = 'insufficient_samples';
      bump(report.promptsWithoutPair, 'insufficient_samples');
      if (single) bump(report.pairsDropped, 'insufficient_samples');
      continue;
    }
    if (count < 5) report.smallPrompts++;
    ms[0] = stats.mean[g]!;
    ms[1] = stats.std[g]!;
    if (!(ms[1]! > 0)) {
      noPair[g] = 'no_spread';
      bump(report.promptsWithoutPair, 'no_spread');
      if (single) bump(report.pairsDropped, 'no_spread');
      continue;
    }
    const emitted = out.group.length;

    if (opts.strategy === 'grid') {
      const dedupe = opts.gridArms !== 'independent';
      const seen = new Set<number>();
      for (let hi = np - 1; hi > 0; hi--) {
        for (let lo = hi - 1; lo >= 0; lo--) {
          const c = chosenPicks[g * nc + hi]!;
          const r = rejectedPicks[g * nr + lo]!;
          if (dedupe && c !== r && seen.has(c * 65536 + r)) {
            bump(report.pairsDropped, 'duplicate_pair');
            continue;
          }
          const why = accept(c, r, labels[hi]!, labels[lo]!, null);
          if (why === null) seen.add(c * 65536 + r);
          else bump(report.pairsDropped, why);
        }
      }
    } else {
      const c = chosenPicks[g * nc]!;
      let r: number;
      let rejPos: Position | null = null;
      let rejLabel: string | null = null;
      if (opts.strategy === 'max-random') {
        const next = streamRng(opts.seed ?? 0, streams ? streams[g]! : g);
        r = randomInt(next, count - 1);
        if (r >= c) r++;
      } else if (minOfK !== undefined) {
        r = lowestOfK(values, s, count, minOfK, streamRng(opts.seed ?? 0, streams ? streams[g]! : g));
        rejLabel = `min-of-k:${minOfK}`;
      } else {
        r = rejectedPicks[g * nr]!;
        rejPos = positions[1]!;
        rejLabel = labels[1]!;
      }
      const why = accept(c, r, labels[0]!, rejLabel, rejPos);
      if (why !== null) {
        noPair[g] = why;
        bump(report.promptsWithoutPair, why);
        bump(report.pairsDropped, why);
      }
    }
    const made = out.group.length - emitted;
    if (made === 0 && !single) {
      noPair[g] = 'no_valid_pair';
      bump(report.promptsWithoutPair, 'no_valid_pair');
    }
    if (made > 0) {
      report.promptsWithPair++;
      const last = out.rejected[out.rejected.length - 1]!;
      if (single && values[s + last]! !== stats.min[g]!) report.rejectedNotMin++;
    }
  }
  const pairs = out.build();
  report.pairs = pairs.n;
  return { pairs, stats, report, noPair };
}

/**
 * The lowest of k candidates of group [s, s + n) drawn uniformly without replacement (a partial Fisher-Yates
 * shuffle driven by `next`); ties: the lower index. k >= n takes every candidate (the minimum). Group-relative.
 */
export function lowestOfK(values: Float64Array, s: number, n: number, k: number, next: () => number): number {
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  const m = Math.min(k, n);
  let best = -1;
  for (let j = 0; j < m; j++) {
    if (m < n) {
      const t = j + randomInt(next, n - j);
      const x = idx[j]!;
      idx[j] = idx[t]!;
      idx[t] = x;
    }
    const i = idx[j]!;
    if (best < 0 || values[s + i]! < values[s + best]! || (values[s + i]! === values[s + best]! && i < best)) best = i;
  }
  return best;
}

/** max-random's fallback: a seeded uniform pick among the candidates strictly below `ceiling`; -1 if none. */
function randomBelow(values: Float64Array, s: number, e: number, ceiling: number, seed: number, stream: number): number {
  const lower: number[] = [];
  for (let i = s; i < e; i++) if (values[i]! < ceiling) lower.push(i - s);
  if (lower.length === 0) return -1;
  // A second stream (stream xor a constant) so the fallback draw differs from the first draw.
  return lower[randomInt(streamRng(seed ^ 0x5bd1e995, stream), lower.length)]!;
}
