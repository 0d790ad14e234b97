// The oracle's pair construction (README "pairs"), written out per record: the usable candidates (finite scores,
// after --transform), mean and std with plain f64 loops, nearest-position picks with the tie rules (distance, then
// the lower value for the rejected slot and the higher for the chosen, then the lower index), max / min at their
// first occurrence, the drop rules and the next-nearest fallback; implicit rewards from the log-probs; pair rows.
import { formatPosition, type Position } from '../../src/kernels/positions.js';
import { logitClamped } from '../../src/numeric.js';
import { randomInt, streamRng } from '../../src/pipeline/rng.js';
import { promptMessages, promptString, responseMessages, responseString } from '../../src/io/text.js';
import type { CandidateSet, Text } from './records.js';

export type Strategy = 'sweet-spot' | 'max-min' | 'max-random' | 'positions' | 'grid';

export interface PairOptions {
  strategy: Strategy;
  chosen?: Position;
  rejected?: Position;
  std?: 'population' | 'sample';
  minGap?: number;
  keepTies?: boolean;
  fallback?: 'none' | 'next-nearest';
  seed?: number;
  transform?: 'none' | 'logit';
  beta?: number;
  reduce?: 'sum' | 'mean';
}

export interface OraclePair {
  /** Candidate indices within the record. */
  chosen: number;
  rejected: number;
  chosenPosition: string | null;
  rejectedPosition: string | null;
  /** Raw input scores and their difference. */
  scoreChosen: number;
  scoreRejected: number;
  /** rewards[chosen] - rewards[rejected]; NaN without usable log-probs. */
  implicit: number;
}

export interface Construction {
  pairs: OraclePair[];
  /** Why the record has no pair. */
  noPair?: string;
  /** Scores the transform cannot take (logit outside [0, 1]). */
  outOfRange: number;
}

const MAX: Position = { kind: 'max' };
const MIN: Position = { kind: 'min' };
const MU_2SIGMA: Position = { kind: 'sigma', k: -2 };
const GRID: Position[] = [MIN, { kind: 'sigma', k: -2 }, { kind: 'sigma', k: -1 }, { kind: 'sigma', k: 0 }, { kind: 'sigma', k: 1 }, { kind: 'sigma', k: 2 }, MAX];

/**
 * Mean and std in f64. Values are scaled by a power of two first (exact): far beyond 1e180 by 2^-1000 so nothing
 * overflows, all below 1e-180 by 2^1000 so squares of subnormal spreads do not underflow to 0.
 */
export function meanStd(v: readonly number[], std: 'population' | 'sample' = 'population'): { mu: number; sigma: number } {
  let big = 0;
  for (const x of v) big = Math.max(big, Math.abs(x));
  const scale = big > 2 ** 600 ? 2 ** 1000 : big > 0 && big < 2 ** -600 ? 2 ** -1000 : 1;
  let s = 0;
  for (const x of v) s += x / scale;
  const m = s / v.length;
  let ss = 0;
  for (const x of v) ss += (x / scale - m) ** 2;
  const n = v.length - (std === 'sample' ? 1 : 0);
  return { mu: m * scale, sigma: n > 0 ? Math.sqrt(ss / n) * scale : NaN };
}

function firstMax(v: readonly number[]): number {
  let b = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[b]!) b = i;
  return b;
}

function firstMin(v: readonly number[]): number {
  let b = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! < v[b]!) b = i;
  return b;
}

/** The candidate nearest a position (ties: the higher value for the chosen slot, the lower for the rejected; then the lower index). */
function pick(v: readonly number[], p: Position, mu: number, sigma: number, role: 'chosen' | 'rejected'): number {
  if (p.kind === 'max') return firstMax(v);
  if (p.kind === 'min') return firstMin(v);
  const target = p.k === 0 ? mu : mu + p.k * sigma;
  let b = 0;
  for (let i = 1; i < v.length; i++) {
    const d = Math.abs(v[i]! - target);
    const db = Math.abs(v[b]! - target);
    if (d < db || (d === db && (role === 'chosen' ? v[i]! > v[b]! : v[i]! < v[b]!))) b = i;
  }
  return b;
}

/** The candidate nearest a position among those strictly below `ceiling` (ties: lower value, then lower index); -1 if none. */
function nearestBelow(v: readonly number[], p: Position, mu: number, sigma: number, ceiling: number): number {
  let b = -1;
  const dist = (x: number): number => (p.kind === 'min' ? x : p.kind === 'max' ? -x : Math.abs(x - (p.k === 0 ? mu : mu + p.k * sigma)));
  for (let i = 0; i < v.length; i++) {
    if (!(v[i]! < ceiling)) continue;
    if (b < 0 || dist(v[i]!) < dist(v[b]!) || (dist(v[i]!) === dist(v[b]!) && v[i]! < v[b]!)) b = i;
  }
  return b;
}

/** Implicit reward of candidate i: beta * sum (or mean) of policy - reference token log-probs; NaN when unusable. */
export function reward(rec: CandidateSet, i: number, beta: number, reduce: 'sum' | 'mean'): number {
  if (!rec.logps) return NaN;
  const tokens = (x: unknown): number[] | null => {
    if (typeof x === 'number') return Number.isFinite(x) ? [x] : null;
    if (Array.isArray(x) && x.every((t) => typeof t === 'number' && Number.isFinite(t))) return x as number[];
    return null;
  };
  const a = tokens(rec.logps.policy[i]);
  const b = tokens(rec.logps.reference[i]);
  if (!a || !b || a.length !== b.length) return NaN;
  let s = 0;
  for (let t = 0; t < a.length; t++) s += a[t]! - b[t]!;
  return beta * (reduce === 'mean' ? s / Math.max(1, a.length) : s);
}

/** The pairs of one candidate set, or why it has none. */
export function construct(rec: CandidateSet, o: PairOptions): Construction {
  const slot: number[] = [];
  const v: number[] = [];
  let outOfRange = 0;
  rec.scores.forEach((s, i) => {
    if (s === null) return;
    const x = o.transform === 'logit' ? logitClamped(s) : s;
    if (Number.isNaN(x)) {
      outOfRange++;
      return;
    }
    slot.push(i);
    v.push(x);
  });
  if (v.length < 2) return { pairs: [], noPair: 'insufficient_samples', outOfRange };
  const { mu, sigma } = meanStd(v, o.std);
  if (!(sigma > 0)) return { pairs: [], noPair: 'no_spread', outOfRange };
  const beta = o.beta ?? 1;
  const reduce = o.reduce ?? 'sum';
  const pairs: OraclePair[] = [];
  const emit = (c: number, r: number, cp: string | null, rp: string | null): void => {
    const ic = slot[c]!;
    const ir = slot[r]!;
    pairs.push({
      chosen: ic,
      rejected: ir,
      chosenPosition: cp,
      rejectedPosition: rp,
      scoreChosen: rec.scores[ic]!,
      scoreRejected: rec.scores[ir]!,
      implicit: reward(rec, ic, beta, reduce) - reward(rec, ir, beta, reduce),
    });
  };
  /** The drop rules; returns the reason, or null after emitting the pair. */
  const accept = (c: number, r: number, cp: string | null, rp: string | null, fallback: () => number): string | null => {
    let why: string | null = null;
    if (r === c) why = 'same_candidate';
    else if (v[r] === v[c]) why = o.keepTies ? null : 'tie';
    else if (v[r]! > v[c]!) why = 'inverted';
    if ((why === 'same_candidate' || why === 'tie') && o.fallback === 'next-nearest') {
      const alt = fallback();
      if (alt < 0) why = 'no_lower_candidate';
      else {
        r = alt;
        why = null;
      }
    }
    if (why === null && v[c]! - v[r]! < (o.minGap ?? 0)) why = 'below_min_gap';
    if (why === null) emit(c, r, cp, rp);
    return why;
  };
  if (o.strategy === 'grid') {
    // With --fallback next-nearest this takes the README's rule (the candidate nearest the lower position among
    // those below the chosen). The code takes a random lower candidate instead and can then repeat an earlier pair;
    // which is meant is an open question, so the tests leave grid + fallback out.
    const seen = new Set<string>();
    for (let hi = GRID.length - 1; hi > 0; hi--) {
      for (let lo = hi - 1; lo >= 0; lo--) {
        const c = pick(v, GRID[hi]!, mu, sigma, 'chosen');
        const r = pick(v, GRID[lo]!, mu, sigma, 'rejected');
        if (c !== r && seen.has(`${c},${r}`)) continue;
        const why = accept(c, r, formatPosition(GRID[hi]!), formatPosition(GRID[lo]!), () => nearestBelow(v, GRID[lo]!, mu, sigma, v[c]!));
        if (why === null) seen.add(`${c},${r}`);
      }
    }
    return pairs.length ? { pairs, outOfRange } : { pairs, noPair: 'no_valid_pair', outOfRange };
  }
  const cpos = o.strategy === 'positions' ? (o.chosen ?? MAX) : MAX;
  const c = pick(v, cpos, mu, sigma, 'chosen');
  let why: string | null;
  if (o.strategy === 'max-random') {
    let r = randomInt(streamRng(o.seed ?? 0, rec.index), v.length - 1);
    if (r >= c) r++;
    const lower = (): number => {
      const below: number[] = [];
      for (let i = 0; i < v.length; i++) if (v[i]! < v[c]!) below.push(i);
      return below.length ? below[randomInt(streamRng((o.seed ?? 0) ^ 0x5bd1e995, rec.index), below.length)]! : -1;
    };
    why = accept(c, r, formatPosition(cpos), null, lower);
  } else {
    const rpos = o.strategy === 'max-min' ? MIN : (o.rejected ?? MU_2SIGMA);
    const r = pick(v, rpos, mu, sigma, 'rejected');
    why = accept(c, r, formatPosition(cpos), formatPosition(rpos), () => nearestBelow(v, rpos, mu, sigma, v[c]!));
  }
  return why === null ? { pairs, outOfRange } : { pairs, noPair: why, outOfRange };
}

/** A prompt or response in the file's text form. */
export function inForm(t: Text, role: 'prompt' | 'response', conversational: boolean): Text {
  if (conversational) return role === 'prompt' ? promptMessages(t) : responseMessages(t);
  return role === 'prompt' ? promptString(t) : responseString(t);
}

/** The row of a constructed pair (`pairs` output columns), as a reader of the output file sees it. */
export function pairRow(rec: CandidateSet, p: OraclePair, strategy: Strategy, conversational: boolean, implicitColumn: boolean): Record<string, unknown> {
  const row: Record<string, unknown> = {
    prompt: inForm(rec.prompt, 'prompt', conversational),
    chosen: inForm(rec.responses[p.chosen]!, 'response', conversational),
    rejected: inForm(rec.responses[p.rejected]!, 'response', conversational),
    score_chosen: p.scoreChosen,
    score_rejected: p.scoreRejected,
    margin: p.scoreChosen - p.scoreRejected,
    prompt_index: rec.index,
    chosen_index: p.chosen,
    rejected_index: p.rejected,
    strategy,
    chosen_position: p.chosenPosition,
    rejected_position: p.rejectedPosition,
  };
  if (implicitColumn) row.implicit_margin = rec.logps ? p.implicit : null;
  return row;
}
