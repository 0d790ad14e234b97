// Rows of `pairsmith clean` input: one prompt each, with its pairwise judgments as a dense `preference_matrix`
// or a `comparisons` list, optional `n`, `responses` and `scores`. A RowAdapter for the datasets layer: a bad
// row throws FieldProblem (reject reason + dot path of the field); the record itself is kept so every input
// column can be written back next to the clean scores. Runtime neutral.
import { describeType, FieldProblem, type RowAdapter } from '../io/adapt.js';

import { own } from '../io/path.js';
import type { ExclusionReason } from '../io/types.js';
import { buildPreferenceMatrix, PreferenceError, type PreferenceMatrix } from './preferences.js';

export interface CleanRow {
  /** 0-based record number in the input. */
  index: number;
  line: number;
  /** The input record as read (all its columns go to the output row). */
  record: Record<string, unknown>;
  matrix: PreferenceMatrix;
  /**
   * Scores passed through when RPCA is skipped (n < minCandidates): the record's `scores` with non-finite
   * values as null; undefined when the record has none (then the mean observed logits are used).
   */
  fallback?: (number | null)[];
  /** Responses (the matrix size), for the manifest's candidate counts. */
  candidates: number;
  /** Pass-through scores that are null or non-finite (those candidates have a null clean score). */
  excluded?: Map<number, ExclusionReason>;
}

export interface CleanRowOptions {
  /** Probability clip before the logit. */
  clip: number;
  /** Below this many responses the scores pass through (they are checked then, not otherwise). */
  minCandidates: number;
}

const isArray = (v: unknown): v is unknown[] => Array.isArray(v);

/** `n` of a comparison list: the `n` field, else the length of `responses` or `scores`, else max index + 1. */
function sizeOf(obj: Record<string, unknown>, comparisons: unknown[]): number {
  const n = own(obj, 'n');
  if (n !== undefined && n !== null) {
    if (typeof n !== 'number') throw new FieldProblem('n', 'wrong_type', `'n' must be a number of responses, got ${describeType(n)}`);
    if (!Number.isInteger(n) || n < 0) throw new FieldProblem('n', 'out_of_range', `'n' must be an integer >= 0, got ${n}`);
    return n;
  }
  for (const key of ['responses', 'scores']) {
    const v = own(obj, key);
    if (isArray(v)) return v.length;
  }
  let max = -1;
  for (const c of comparisons) {
    if (!isArray(c)) continue;
    for (const v of c.slice(0, 2)) if (Number.isInteger(v) && (v as number) >= 0) max = Math.max(max, v as number);
  }
  return max + 1;
}

function exclusionOf(s: number | null): ExclusionReason | undefined {
  if (s === null) return 'score_null';
  if (Number.isNaN(s)) return 'score_nan';
  if (!Number.isFinite(s)) return 'score_infinite';
  return undefined;
}

/** The row adapter of `clean` (reject reasons: missing_field, wrong_type, length_mismatch, non_finite, out_of_range, too_few_scored). */
export function cleanRowAdapter(o: CleanRowOptions): RowAdapter<CleanRow> {
  return (obj, pos) => {
    const pm = own(obj, 'preference_matrix');
    const cmp = own(obj, 'comparisons');
    let matrix: PreferenceMatrix;
    let source: string;
    try {
      if (pm !== undefined && pm !== null) {
        source = 'preference_matrix';
        if (!isArray(pm)) throw new FieldProblem(source, 'wrong_type', `'preference_matrix' must be an n x n array, got ${describeType(pm)}`);
        matrix = buildPreferenceMatrix({ matrix: pm as (number | null)[][] }, o.clip);
      } else if (cmp !== undefined && cmp !== null) {
        source = 'comparisons';
        if (!isArray(cmp)) throw new FieldProblem(source, 'wrong_type', `'comparisons' must be an array of [i, j, p_ij], got ${describeType(cmp)}`);
        matrix = buildPreferenceMatrix({ comparisons: cmp as [number, number, number][], n: sizeOf(obj, cmp) }, o.clip);
      } else {
        throw new FieldProblem('preference_matrix', 'missing_field', 'needs a "preference_matrix" or a "comparisons" field');
      }
    } catch (e) {
      if (e instanceof PreferenceError) throw new FieldProblem(e.field, e.reason, e.message);
      throw e;
    }
    const n = matrix.n;
    if (n < 2) throw new FieldProblem(source, 'too_few_scored', `${n} responses: clean needs at least 2 to compare`);
    const responses = own(obj, 'responses');
    if (isArray(responses) && responses.length !== n) {
      throw new FieldProblem('responses', 'length_mismatch', `${responses.length} responses but the judgments cover ${n}`);
    }
    const row: CleanRow = { index: pos.index, line: pos.line, record: obj, matrix, candidates: n };
    const scores = own(obj, 'scores');
    if (scores === undefined || scores === null) return row;
    if (!isArray(scores)) throw new FieldProblem('scores', 'wrong_type', `'scores' must be an array, got ${describeType(scores)}`);
    if (scores.length !== n) throw new FieldProblem('scores', 'length_mismatch', `${scores.length} scores but the judgments cover ${n} responses`);
    for (let i = 0; i < n; i++) {
      const s = scores[i];
      if (s !== null && typeof s !== 'number') throw new FieldProblem(`scores.${i}`, 'wrong_type', `'scores[${i}]' must be a number or null, got ${describeType(s)}`);
    }
    if (n >= o.minCandidates) return row;
    // Skipped prompt: its scores pass through, so they follow the datasets rules for scores.
    const fallback: (number | null)[] = [];
    let valid = 0;
    for (let i = 0; i < n; i++) {
      const s = scores[i] as number | null;
      const why = exclusionOf(s);
      if (why) (row.excluded ??= new Map()).set(i, why);
      else valid++;
      fallback.push(why ? null : s);
    }
    if (valid < 2) throw new FieldProblem('scores', 'too_few_scored', `${valid} of ${n} scores are finite (need 2 to pass through below --min-candidates)`);
    row.fallback = fallback;
    return row;
  };
}
