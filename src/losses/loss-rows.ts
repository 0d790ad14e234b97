// Rows of `pairsmith loss` input: the four log-prob fields (numbers or per-token arrays; TRL's alias names),
// optional token counts and scores. A RowAdapter for the datasets layer: a bad row throws FieldProblem
// (reject reason + field), a null or non-finite score is an excluded candidate (the row goes on unrated). A row is
// rejected only when no requested loss can use it; a row one loss cannot use gets null for that loss only.
import { describeType, FieldProblem, type RowAdapter } from '../io/adapt.js';
import { own } from '../io/path.js';
import type { ExclusionReason } from '../io/types.js';
import { lossInvalidReason, type LossType } from '../kernels/losses.js';

/** Our field name and TRL's, for policy chosen, policy rejected, reference chosen, reference rejected. */
export const LOGP_FIELDS = [
  ['policy_chosen_logps', 'chosen_logps'],
  ['policy_rejected_logps', 'rejected_logps'],
  ['reference_chosen_logps', 'ref_chosen_logps'],
  ['reference_rejected_logps', 'ref_rejected_logps'],
] as const;

/** A sequence log-prob: the sum itself, or the per-token log-probs (finite) to be summed. */
export type LogpValue = number | ArrayLike<number>;

export interface LossRow {
  /** 0-based record number in the input. */
  index: number;
  line: number;
  /** Policy chosen, policy rejected, reference chosen, reference rejected (in LOGP_FIELDS order). */
  logps: [LogpValue, LogpValue, LogpValue, LogpValue];
  /** Token counts: chosen_length / rejected_length, else the per-token arrays' lengths. */
  chosenLength?: number;
  rejectedLength?: number;
  /** score_chosen - score_rejected; NaN when the row has no (usable) rating. */
  gap: number;
  /** Chosen and rejected: the two scored items, for the manifest's candidate counts. */
  candidates: 2;
  /** Excluded scores (0 = chosen, 1 = rejected). */
  excluded?: Map<number, ExclusionReason>;
}

/** A log-prob field and a bound on the magnitude of its sum (the value itself for a number). */
interface Logp {
  value: LogpValue;
  bound: number;
}

function logp(obj: Record<string, unknown>, names: readonly [string, string]): Logp {
  let name: string = names[0];
  let v = own(obj, name);
  if (v === undefined) {
    name = names[1];
    v = own(obj, name);
  }
  if (v === undefined) throw new FieldProblem(names[0], 'missing_field', `required field '${names[0]}' (or TRL's '${names[1]}') is missing`);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new FieldProblem(name, 'non_finite', `'${name}' is ${v}; log-probs must be finite`);
    return { value: v, bound: Math.abs(v) };
  }
  const arr = Array.isArray(v) ? (v as unknown[]) : ArrayBuffer.isView(v) && !(v instanceof DataView) ? (v as unknown as ArrayLike<unknown>) : undefined;
  if (arr === undefined) throw new FieldProblem(name, 'wrong_type', `'${name}' must be a number or an array of numbers, got ${describeType(v)}`);
  let bound = 0;
  for (let i = 0; i < arr.length; i++) {
    const x = arr[i];
    if (typeof x !== 'number') throw new FieldProblem(`${name}.${i}`, 'wrong_type', `'${name}[${i}]' must be a number, got ${describeType(x)}`);
    if (!Number.isFinite(x)) throw new FieldProblem(`${name}.${i}`, 'non_finite', `'${name}[${i}]' is ${x}; log-probs must be finite`);
    bound += Math.abs(x);
  }
  // The only way finite tokens can sum to +-Infinity; rejected here so every accepted row has a finite sum.
  if (!(bound <= Number.MAX_VALUE / 2)) {
    throw new FieldProblem(name, 'out_of_range', `'${name}': ${arr.length} per-token log-probs of total magnitude ${bound} may overflow when summed`);
  }
  return { value: arr as ArrayLike<number>, bound };
}

/**
 * Rejects a row whose rewards beta * c, beta * r or margin beta * (c - r) would not be finite (c, r the log-ratios):
 * exactly for sequence sums, by the magnitude bounds for per-token arrays. Such a row would otherwise turn the batch
 * statistics (bco_pair's running mean, the reward means) of every row into NaN.
 */
function checkRewards(l: readonly Logp[], beta: number): void {
  const [pc, pr, rc, rr] = l.map((x) => x.value);
  if (typeof pc === 'number' && typeof pr === 'number' && typeof rc === 'number' && typeof rr === 'number') {
    const c = pc - rc;
    const r = pr - rr;
    for (const [side, ratio, field] of [['chosen', c, 0], ['rejected', r, 1]] as const) {
      if (!Number.isFinite(beta * ratio)) {
        throw new FieldProblem(LOGP_FIELDS[field][0], 'non_finite', `the ${side} log-ratio policy - reference = ${ratio} gives a non-finite reward at beta ${beta}`);
      }
    }
    if (!Number.isFinite(beta * (c - r))) throw new FieldProblem(LOGP_FIELDS[0][0], 'non_finite', `the margin beta * (${c} - ${r}) is not finite at beta ${beta}`);
    return;
  }
  const bound = l.reduce((s, x) => s + x.bound, 0);
  if (!(beta * bound <= Number.MAX_VALUE / 2)) {
    throw new FieldProblem(LOGP_FIELDS[0][0], 'out_of_range', `log-probs of total magnitude ${bound} may give a non-finite reward or margin at beta ${beta}`);
  }
}

function count(obj: Record<string, unknown>, name: string): number | undefined {
  const v = own(obj, name);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number') throw new FieldProblem(name, 'wrong_type', `'${name}' must be a number, got ${describeType(v)}`);
  if (!Number.isFinite(v)) throw new FieldProblem(name, 'non_finite', `'${name}' is ${v}; token counts must be finite`);
  if (!Number.isInteger(v) || v < 0) throw new FieldProblem(name, 'out_of_range', `'${name}' must be an integer >= 0, got ${v}`);
  return v;
}

function exclusionOf(s: number | null): ExclusionReason | undefined {
  if (s === null) return 'score_null';
  if (Number.isNaN(s)) return 'score_nan';
  if (!Number.isFinite(s)) return 'score_infinite';
  return undefined;
}

function score(obj: Record<string, unknown>, name: string): number | null {
  const v = own(obj, name);
  if (v === null || typeof v === 'number') return v;
  throw new FieldProblem(name, 'wrong_type', `'${name}' must be a number or null, got ${describeType(v)}`);
}

/**
 * Checks loss rows one by one for the requested `losses` at `beta`. Token counts must be given on all rows or none
 * (the first accepted row decides), as the loss kernel takes one length column or none. A row is rejected when no
 * requested loss can use it (e.g. odpo alone and score_chosen <= score_rejected); one that some loss cannot use
 * goes on and gets null for that loss (lossInvalidReason).
 */
export class LossRowChecker {
  private lengths: boolean | undefined;

  constructor(private readonly o: { losses: readonly LossType[]; beta: number }) {}

  /** Whether the accepted rows carry token counts (undefined before the first accepted row). */
  get withLengths(): boolean | undefined {
    return this.lengths;
  }

  readonly adapt: RowAdapter<LossRow> = (obj, pos) => {
    const fields = LOGP_FIELDS.map((names) => logp(obj, names));
    checkRewards(fields, this.o.beta);
    const logps = fields.map((f) => f.value) as LossRow['logps'];
    const tokens = (v: LogpValue): number | undefined => (typeof v === 'number' ? undefined : v.length);
    const nw = count(obj, 'chosen_length') ?? tokens(logps[0]);
    const nl = count(obj, 'rejected_length') ?? tokens(logps[1]);
    const has = nw !== undefined && nl !== undefined;
    if (this.lengths !== undefined && has !== this.lengths) {
      const field = nw === undefined ? 'chosen_length' : nl === undefined ? 'rejected_length' : 'chosen_length';
      const why = this.lengths ? 'missing, but earlier rows have token counts' : 'given, but earlier rows have none';
      throw new FieldProblem(field, 'inconsistent', `'${field}' ${why} (give all rows token counts or none; per-token arrays count as given)`);
    }
    const row: LossRow = { index: pos.index, line: pos.line, logps, gap: Number.NaN, candidates: 2 };
    if (has) {
      row.chosenLength = nw;
      row.rejectedLength = nl;
    }
    const hasC = own(obj, 'score_chosen') !== undefined;
    const hasR = own(obj, 'score_rejected') !== undefined;
    if (hasC !== hasR) {
      const missing = hasC ? 'score_rejected' : 'score_chosen';
      throw new FieldProblem(missing, 'missing_field', `'${missing}' is missing (give both scores or neither)`);
    }
    if (hasC) {
      const sc = score(obj, 'score_chosen');
      const sr = score(obj, 'score_rejected');
      const wc = exclusionOf(sc);
      const wr = exclusionOf(sr);
      if (wc || wr) {
        row.excluded = new Map();
        if (wc) row.excluded.set(0, wc);
        if (wr) row.excluded.set(1, wr);
      } else {
        row.gap = sc! - sr!;
        if (!Number.isFinite(row.gap)) throw new FieldProblem('score_chosen', 'out_of_range', `the rating gap score_chosen - score_rejected overflows (${row.gap})`);
      }
    }
    this.usable(row, hasC);
    this.lengths ??= has;
    return row;
  };

  /** Throws unless some requested loss can use the row. */
  private usable(row: LossRow, scored: boolean): void {
    const reasons = this.o.losses.map((t) => lossInvalidReason(t, row.gap));
    if (reasons.some((r) => r === undefined)) return;
    const names = this.o.losses.join(', ');
    const need = this.o.losses.length > 1 ? 'need' : 'needs';
    if (reasons.includes('gap_not_positive')) {
      throw new FieldProblem('score_chosen', 'out_of_range', `${names} ${need} score_chosen > score_rejected (gap ${row.gap})`);
    }
    if (!scored) throw new FieldProblem('score_chosen', 'missing_field', `${names} ${need} score_chosen and score_rejected`);
    const [which, why] = [...row.excluded!][0]!;
    throw new FieldProblem(which === 0 ? 'score_chosen' : 'score_rejected', 'too_few_scored', `${names} ${need} both scores, and ${which === 0 ? 'score_chosen' : 'score_rejected'} is unusable (${why})`);
  }
}
