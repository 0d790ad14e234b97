// Pair rows (TRL preference rows, plain objects) -> margin columns, and the select / augment / route steps
// applied to rows. Reading and writing files is the caller's business.
import { augmentRow, type AugmentDrop, type AugmentOptions } from './augment.js';
import { implicitMargin } from './margins.js';
import { routePairs, sftRow, type RouteOptions } from './route.js';
import { selectPairs, type SelectOptions, type SelectResult } from './select.js';
import { ratingGapWeights, type WeightReport } from './weights.js';

export type Row = Record<string, unknown>;

/** Where a row's margins come from (defaults in DEFAULT_MARGIN_FIELDS). */
export interface MarginFields {
  scoreChosen: string;
  scoreRejected: string;
  /** A precomputed implicit margin (pairsmith's own `pairs` output). */
  implicitMargin: string;
  /** Sequence log-probs (a number, or an array of token log-probs) of chosen/rejected under policy and reference. */
  policyChosen: string;
  policyRejected: string;
  referenceChosen: string;
  referenceRejected: string;
}

export const DEFAULT_MARGIN_FIELDS: MarginFields = {
  scoreChosen: 'score_chosen',
  scoreRejected: 'score_rejected',
  implicitMargin: 'implicit_margin',
  policyChosen: 'policy_chosen_logps',
  policyRejected: 'policy_rejected_logps',
  referenceChosen: 'reference_chosen_logps',
  referenceRejected: 'reference_rejected_logps',
};

function seqLogp(x: unknown, reduce: 'sum' | 'mean'): number {
  if (typeof x === 'number') return x;
  if (Array.isArray(x) && x.length > 0 && x.every((v) => typeof v === 'number')) {
    let s = 0;
    for (const v of x as number[]) s += v;
    return reduce === 'mean' ? s / x.length : s;
  }
  return Number.NaN;
}

function num(x: unknown): number {
  return typeof x === 'number' ? x : Number.NaN;
}

export interface RowMargins {
  /** Score gap per row; null when no row has both scores. */
  external: Float64Array | null;
  /** Implicit margin per row; null when no row has it (or its log-probs). */
  implicit: Float64Array | null;
}

/**
 * Margin columns of rows. The external margin is the score gap (after `scoreTransform`). The implicit margin is the row's `implicit_margin` when present, else computed from
 * the four log-prob fields: beta * [(pi(w) - ref(w)) - (pi(l) - ref(l))], beta = 1 by default (Less-is-More).
 */
export function rowMargins(
  rows: readonly Row[],
  fields: MarginFields = DEFAULT_MARGIN_FIELDS,
  beta = 1,
  reduce: 'sum' | 'mean' = 'sum',
  /** Applied to each score before the external gap (e.g. logitClamped for judge probabilities). */
  scoreTransform: (x: number) => number = (x) => x,
): RowMargins {
  const n = rows.length;
  const ex = new Float64Array(n);
  const im = new Float64Array(n);
  let anyEx = false;
  let anyIm = false;
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    ex[i] = scoreTransform(num(r[fields.scoreChosen])) - scoreTransform(num(r[fields.scoreRejected]));
    if (Number.isFinite(ex[i]!)) anyEx = true;
    let m = num(r[fields.implicitMargin]);
    if (!(fields.implicitMargin in r)) {
      m = implicitMargin(
        seqLogp(r[fields.policyChosen], reduce),
        seqLogp(r[fields.policyRejected], reduce),
        seqLogp(r[fields.referenceChosen], reduce),
        seqLogp(r[fields.referenceRejected], reduce),
        beta,
      );
    }
    im[i] = m;
    if (Number.isFinite(m)) anyIm = true;
  }
  return { external: anyEx ? ex : null, implicit: anyIm ? im : null };
}

export interface SelectRowsResult {
  /** Rows with p_external, p_implicit, selection_score, selected (rank or null) added; kept rows only unless `all`. */
  rows: Row[];
  result: SelectResult;
}

/** Ranks rows and returns the kept ones (input order), annotated. With `all`, dropped rows too (selected = null). */
export function selectRows(rows: readonly Row[], margins: RowMargins, opts: SelectOptions, all = false): SelectRowsResult {
  const result = selectPairs({ external: margins.external ?? undefined, implicit: margins.implicit ?? undefined }, opts);
  const out: Row[] = [];
  const fin = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : null);
  for (let i = 0; i < rows.length; i++) {
    const rank = result.rank[i]!;
    if (rank === 0 && !all) continue;
    out.push({
      ...rows[i],
      p_external: fin(result.pExternal?.[i]),
      p_implicit: fin(result.pImplicit?.[i]),
      selection_score: fin(result.score[i]),
      selected: rank > 0 ? rank : null,
    });
  }
  return { rows: out, result };
}

/** Adds a `weight` column from the rating gap (see weights.ts for the formula). */
export function weightRows(rows: Row[], gaps: ArrayLike<number>): WeightReport {
  const { weight, report } = ratingGapWeights(gaps);
  for (let i = 0; i < rows.length; i++) rows[i] = { ...rows[i], weight: Number.isFinite(weight[i]!) ? weight[i]! : null };
  return report;
}

export interface AugmentRowsResult {
  rows: Row[];
  dropped: Partial<Record<AugmentDrop, number>>;
}

/** Reward-conditioned augmentation of every row (pair_id = input row number). */
export function augmentRows(rows: readonly Row[], opts: AugmentOptions = {}, firstId = 0): AugmentRowsResult {
  const out: Row[] = [];
  const dropped: Partial<Record<AugmentDrop, number>> = {};
  rows.forEach((row, i) => {
    const r = augmentRow(row, firstId + i, opts);
    if ('rows' in r) out.push(...r.rows);
    else dropped[r.drop] = (dropped[r.drop] ?? 0) + 1;
  });
  return { rows: out, dropped };
}

export interface RouteRowsResult {
  dpo: Row[];
  sft: Row[];
  /** Indices of rows without a finite margin (not routed). */
  missing: number[];
}

/** Routes rows by `margins`: DPO rows (with route = "dpo") easy first, SFT rows (prompt + completion). */
export function routeRows(rows: readonly Row[], margins: ArrayLike<number>, opts: RouteOptions): RouteRowsResult {
  const r = routePairs(margins, opts);
  return {
    dpo: Array.from(r.dpo, (i) => ({ ...rows[i], route: 'dpo' })),
    sft: Array.from(r.sft, (i) => sftRow(rows[i]!, i)),
    missing: Array.from(r.missing),
  };
}
