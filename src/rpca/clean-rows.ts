// Rows of `pairsmith clean` input: one prompt each, with its pairwise judgments as a dense `preference_matrix`
// or a `comparisons` list ([i, j, p_ij] or [i, j, wins, total]), optional `n`, `responses` and `scores`. A
// RowAdapter for the datasets layer: a bad row throws FieldProblem (reject reason + dot path of the field); the
// record itself is kept so every input column can be written back next to the clean scores. The number of
// responses is capped (maxCandidates) before anything is allocated for it. Runtime neutral.
import { describeType, FieldProblem, type RowAdapter } from '../io/adapt.js';
import { own } from '../io/path.js';
import type { ExclusionReason } from '../io/types.js';
import { buildPreferenceMatrix, PreferenceError, type Comparison, type PreferenceMatrix } from './preferences.js';

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
  /** Responses, for the manifest's candidate counts. */
  candidates: number;
  /** Responses whose clean score is null: pass-through scores that are null or non-finite, or never judged. */
  excluded?: Map<number, ExclusionReason>;
}

export interface CleanRowOptions {
  /** Probability clip before the logit. */
  clip: number;
  /** Below this many judged responses the scores pass through (they are checked then, not otherwise). */
  minCandidates: number;
  /** Records with more responses are rejected (out_of_range, naming the field that sets the number). */
  maxCandidates?: number;
}

/** Default cap on responses per prompt (`clean --max-candidates`): a 2048 x 2048 matrix is 32 MB per f64 array. */
export const MAX_CANDIDATES = 2048;

const isArray = (v: unknown): v is unknown[] => Array.isArray(v);

/**
 * `n` of a comparison list: the `n` field, else the length of `responses` or `scores`, else max index + 1; more
 * than `cap` rejects the record (out_of_range) naming the field it came from.
 */
function sizeOf(obj: Record<string, unknown>, comparisons: unknown[], cap: number): number {
  const over = (what: string) => `${what} exceeds the cap of ${cap} responses per prompt (--max-candidates)`;
  const n = own(obj, 'n');
  if (n !== undefined && n !== null) {
    if (typeof n !== 'number') throw new FieldProblem('n', 'wrong_type', `'n' must be a number of responses, got ${describeType(n)}`);
    if (!Number.isInteger(n) || n < 0) throw new FieldProblem('n', 'out_of_range', `'n' must be an integer >= 0, got ${n}`);
    if (n > cap) throw new FieldProblem('n', 'out_of_range', over(`'n' = ${n}`));
    return n;
  }
  for (const key of ['responses', 'scores']) {
    const v = own(obj, key);
    if (!isArray(v)) continue;
    if (v.length > cap) throw new FieldProblem(key, 'out_of_range', over(`'${key}' of ${v.length}`));
    return v.length;
  }
  let max = -1;
  comparisons.forEach((c, k) => {
    if (!isArray(c)) return;
    for (let at = 0; at < 2; at++) {
      const v = c[at];
      if (!Number.isInteger(v) || (v as number) < 0) continue;
      if ((v as number) >= cap) throw new FieldProblem(`comparisons.${k}.${at}`, 'out_of_range', over(`index ${v as number}`));
      max = Math.max(max, v as number);
    }
  });
  return max + 1;
}

function exclusionOf(s: number | null): ExclusionReason | undefined {
  if (s === null) return 'score_null';
  if (Number.isNaN(s)) return 'score_nan';
  if (!Number.isFinite(s)) return 'score_infinite';
  return undefined;
}

/** The row adapter of `clean` (reject reasons: missing_field, wrong_type, length_mismatch, non_finite, out_of_range, too_few_scored). */
export function cleanRowAdapter(options: CleanRowOptions): RowAdapter<CleanRow> {
  const o = { ...options, maxCandidates: options.maxCandidates ?? MAX_CANDIDATES };
  return (obj, pos) => {
    const pm = own(obj, 'preference_matrix');
    const cmp = own(obj, 'comparisons');
    let matrix: PreferenceMatrix;
    let source: string;
    try {
      if (pm !== undefined && pm !== null) {
        source = 'preference_matrix';
        if (!isArray(pm)) throw new FieldProblem(source, 'wrong_type', `'preference_matrix' must be an n x n array, got ${describeType(pm)}`);
        if (pm.length > o.maxCandidates) {
          throw new FieldProblem(source, 'out_of_range', `${pm.length} rows exceed the cap of ${o.maxCandidates} responses per prompt (--max-candidates)`);
        }
        matrix = buildPreferenceMatrix({ matrix: pm as (number | null)[][] }, o.clip);
      } else if (cmp !== undefined && cmp !== null) {
        source = 'comparisons';
        if (!isArray(cmp)) throw new FieldProblem(source, 'wrong_type', `'comparisons' must be an array of [i, j, p_ij] or [i, j, wins, total], got ${describeType(cmp)}`);
        matrix = buildPreferenceMatrix({ comparisons: cmp as Comparison[], n: sizeOf(obj, cmp, o.maxCandidates) }, o.clip);
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
    // responses never judged have no clean score (RPCA and the mean-logit fallback alike)
    const unjudged = (): void => {
      const judged = new Set(matrix.rows);
      for (let i = 0; i < n; i++) if (!judged.has(i)) (row.excluded ??= new Map()).set(i, 'score_null');
    };
    const scores = own(obj, 'scores');
    if (scores === undefined || scores === null) {
      if (matrix.size < 2) throw new FieldProblem(source, 'too_few_scored', `${matrix.size} of ${n} responses are judged: clean needs at least 2 to compare`);
      unjudged();
      return row;
    }
    if (!isArray(scores)) throw new FieldProblem('scores', 'wrong_type', `'scores' must be an array, got ${describeType(scores)}`);
    if (scores.length !== n) throw new FieldProblem('scores', 'length_mismatch', `${scores.length} scores but the judgments cover ${n} responses`);
    for (let i = 0; i < n; i++) {
      const s = scores[i];
      if (s !== null && typeof s !== 'number') throw new FieldProblem(`scores.${i}`, 'wrong_type', `'scores[${i}]' must be a number or null, got ${describeType(s)}`);
    }
    if (matrix.size >= o.minCandidates) {
      unjudged();
      return row;
    }
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
