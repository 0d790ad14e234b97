// The oracle of the row inputs of `loss` and `clean`: which records are accepted or rejected (reason, field), and
// the candidate counts and exclusions of the accepted ones, per the rules of the src/losses/loss-rows.ts and
// src/rpca/clean-rows.ts adapters, written plainly over parsed objects.
import { own } from './json.js';
import { bump, emptyCounts, Problem, type Counts, type Exclusion, type OracleReject } from './records.js';
import { frameArray, frameJsonLines } from './frame.js';
import { parseRecord } from './json.js';

export interface RowsExpected {
  /** Record numbers of the accepted rows, in input order. */
  accepted: number[];
  rejects: OracleReject[];
  counts: Counts;
}

type Check = (obj: Record<string, unknown>) => { candidates: number; excluded: Exclusion[] };

function exclusion(s: number | null): Exclusion | null {
  if (s === null) return 'score_null';
  if (Number.isNaN(s)) return 'score_nan';
  if (!Number.isFinite(s)) return 'score_infinite';
  return null;
}

/** Frames, parses and checks every record of a row input. */
export function readRows(input: Uint8Array, framing: 'jsonl' | 'array', check: Check, maxRecordBytes = 256 * 1024 * 1024): RowsExpected {
  const framed = framing === 'array' ? frameArray(input, maxRecordBytes) : frameJsonLines(input, maxRecordBytes);
  const counts = emptyCounts();
  const accepted: number[] = [];
  const rejects: OracleReject[] = [];
  for (const f of framed) {
    counts.read++;
    const reject = (field: string | null, reason: string, record: unknown): void => {
      bump(counts.rejected, reason);
      rejects.push({ line: f.line, index: f.index, field, reason, record });
    };
    if (!f.bytes) {
      reject(null, 'too_large', f.head);
      continue;
    }
    const p = parseRecord(f.bytes);
    if (p.status === 'not_an_object') reject(null, 'not_an_object', p.strict ? p.value : p.text);
    else if (p.status !== 'object') reject(null, p.status, p.text);
    else {
      try {
        const r = check(p.value);
        counts.candidates += r.candidates;
        for (const x of r.excluded) bump(counts.excluded, x);
        accepted.push(f.index);
      } catch (e) {
        if (!(e instanceof Problem)) throw e;
        reject(e.field, e.reason, p.strict ? p.value : p.text);
      }
    }
  }
  return { accepted, rejects, counts };
}

const describeNumberProblem = (v: number): string => (Number.isFinite(v) ? 'out_of_range' : 'non_finite');

/**
 * `loss` rows: four log-probs (ours or TRL's names), optional token counts (all rows or none) and scores, for the
 * loss `sigmoid` (any row) or `odpo` alone (a row needs two usable scores with score_chosen > score_rejected), at `beta`.
 */
export function lossChecker(o: { odpo: boolean; beta: number }): Check {
  let lengths: boolean | undefined;
  const NAMES = [
    ['policy_chosen_logps', 'chosen_logps'],
    ['policy_rejected_logps', 'rejected_logps'],
    ['reference_chosen_logps', 'ref_chosen_logps'],
    ['reference_rejected_logps', 'ref_rejected_logps'],
  ];
  return (obj) => {
    const tokens: (number | undefined)[] = [];
    const sums: number[] = []; // the value of a number, NaN for per-token arrays
    const bounds: number[] = []; // |value|, or the sum of |token|
    for (const [ours, trl] of NAMES) {
      let name = ours!;
      let v = own(obj, name);
      if (v === undefined) {
        name = trl!;
        v = own(obj, name);
      }
      if (v === undefined) throw new Problem(ours!, 'missing_field');
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) throw new Problem(name, 'non_finite');
        tokens.push(undefined);
        sums.push(v);
        bounds.push(Math.abs(v));
        continue;
      }
      if (!Array.isArray(v)) throw new Problem(name, 'wrong_type');
      let total = 0;
      v.forEach((x, i) => {
        if (typeof x !== 'number') throw new Problem(`${name}.${i}`, 'wrong_type');
        if (!Number.isFinite(x)) throw new Problem(`${name}.${i}`, 'non_finite');
        total += Math.abs(x);
      });
      // Finite tokens whose sum may overflow.
      if (!(total <= Number.MAX_VALUE / 2)) throw new Problem(name, 'out_of_range');
      tokens.push(v.length);
      sums.push(Number.NaN);
      bounds.push(total);
    }
    // Rewards beta * (policy - reference) and the margin must be finite: exactly for four numbers, else by the bounds.
    if (sums.every((x) => !Number.isNaN(x))) {
      const c = sums[0]! - sums[2]!;
      const r = sums[1]! - sums[3]!;
      if (!Number.isFinite(o.beta * c)) throw new Problem('policy_chosen_logps', 'non_finite');
      if (!Number.isFinite(o.beta * r)) throw new Problem('policy_rejected_logps', 'non_finite');
      if (!Number.isFinite(o.beta * (c - r))) throw new Problem('policy_chosen_logps', 'non_finite');
    } else if (!(o.beta * bounds.reduce((a, b) => a + b, 0) <= Number.MAX_VALUE / 2)) {
      throw new Problem('policy_chosen_logps', 'out_of_range');
    }
    const count = (name: string): number | undefined => {
      const v = own(obj, name);
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'number') throw new Problem(name, 'wrong_type');
      if (!Number.isFinite(v)) throw new Problem(name, 'non_finite');
      if (!Number.isInteger(v) || v < 0) throw new Problem(name, 'out_of_range');
      return v;
    };
    const nw = count('chosen_length') ?? tokens[0];
    const nl = count('rejected_length') ?? tokens[1];
    const has = nw !== undefined && nl !== undefined;
    if (lengths !== undefined && has !== lengths) throw new Problem(nw === undefined ? 'chosen_length' : nl === undefined ? 'rejected_length' : 'chosen_length', 'inconsistent');
    const hc = own(obj, 'score_chosen') !== undefined;
    const hr = own(obj, 'score_rejected') !== undefined;
    if (hc !== hr) throw new Problem(hc ? 'score_rejected' : 'score_chosen', 'missing_field');
    const excluded: Exclusion[] = [];
    if (hc) {
      const score = (name: string): number | null => {
        const v = own(obj, name);
        if (v === null || typeof v === 'number') return v;
        throw new Problem(name, 'wrong_type');
      };
      const sc = score('score_chosen');
      const sr = score('score_rejected');
      const xc = exclusion(sc);
      const xr = exclusion(sr);
      if (xc) excluded.push(xc);
      if (xr) excluded.push(xr);
      if (!xc && !xr) {
        const gap = sc! - sr!;
        if (!Number.isFinite(gap)) throw new Problem('score_chosen', 'out_of_range');
        if (o.odpo && !(gap > 0)) throw new Problem('score_chosen', 'out_of_range');
      } else if (o.odpo) {
        throw new Problem(xc ? 'score_chosen' : 'score_rejected', 'too_few_scored');
      }
    } else if (o.odpo) {
      throw new Problem('score_chosen', 'missing_field');
    }
    lengths ??= has;
    return { candidates: 2, excluded };
  };
}

/**
 * `clean` rows: a preference matrix or comparisons ([i, j, p] or [i, j, wins, total], one kind per list), optional
 * n, responses and scores. Rules: the number of responses is capped at `maxCandidates` (default 2048) before any
 * entry is checked (out_of_range on the field that sets it: preference_matrix, n, responses, scores, or the first
 * comparison index at or above the cap); a response is judged when some accepted judgment names it with another
 * response (a matrix entry off the diagonal that is not null; a probability comparison with i != j; a count
 * comparison with i != j and total > 0); without scores at least 2 responses must be judged (too_few_scored on the
 * source). Responses never judged have no clean score (score_null), except below --min-candidates judged responses
 * with scores, where the scores pass through and are checked instead.
 */
export function cleanChecker(o: { minCandidates: number; maxCandidates?: number }): Check {
  const cap = o.maxCandidates ?? 2048;
  const probability = (p: unknown, field: string): void => {
    if (typeof p !== 'number') throw new Problem(field, 'wrong_type');
    if (!(p >= 0 && p <= 1)) throw new Problem(field, describeNumberProblem(p));
  };
  // a count: a non-negative integer no larger than `max`
  const count = (v: unknown, field: string, max: number): number => {
    if (typeof v !== 'number') throw new Problem(field, 'wrong_type');
    if (!Number.isFinite(v)) throw new Problem(field, 'non_finite');
    if (!Number.isInteger(v) || v < 0 || v > max) throw new Problem(field, 'out_of_range');
    return v;
  };
  return (obj) => {
    const pm = own(obj, 'preference_matrix');
    const cmp = own(obj, 'comparisons');
    let n: number;
    let source: string;
    const judged = new Set<number>();
    if (pm !== undefined && pm !== null) {
      source = 'preference_matrix';
      if (!Array.isArray(pm)) throw new Problem(source, 'wrong_type');
      n = pm.length;
      if (n > cap) throw new Problem(source, 'out_of_range');
      pm.forEach((row, i) => {
        if (!Array.isArray(row)) throw new Problem(`preference_matrix.${i}`, 'wrong_type');
        if (row.length !== n) throw new Problem(`preference_matrix.${i}`, 'length_mismatch');
        row.forEach((p, j) => {
          if (p === null || i === j) return;
          probability(p, `preference_matrix.${i}.${j}`);
          judged.add(i).add(j);
        });
      });
    } else if (cmp !== undefined && cmp !== null) {
      source = 'comparisons';
      if (!Array.isArray(cmp)) throw new Problem(source, 'wrong_type');
      const given = own(obj, 'n');
      if (given !== undefined && given !== null) {
        if (typeof given !== 'number') throw new Problem('n', 'wrong_type');
        if (!Number.isInteger(given) || given < 0) throw new Problem('n', 'out_of_range');
        if (given > cap) throw new Problem('n', 'out_of_range');
        n = given;
      } else {
        const key = ['responses', 'scores'].find((k) => Array.isArray(own(obj, k)));
        if (key !== undefined) {
          n = (own(obj, key) as unknown[]).length;
          if (n > cap) throw new Problem(key, 'out_of_range');
        } else {
          // max index + 1 over the usable indices; the first index at or above the cap rejects the record
          n = 0;
          cmp.forEach((c, k) => {
            if (!Array.isArray(c)) return;
            for (const at of [0, 1]) {
              const v = c[at];
              if (!Number.isInteger(v) || v < 0) continue;
              if (v >= cap) throw new Problem(`comparisons.${k}.${at}`, 'out_of_range');
              n = Math.max(n, v + 1);
            }
          });
        }
      }
      const kind = Array.isArray(cmp[0]) ? cmp[0].length : 0;
      cmp.forEach((c, k) => {
        if (!Array.isArray(c) || (c.length !== 3 && c.length !== 4) || c.length !== kind) throw new Problem(`comparisons.${k}`, 'wrong_type');
        for (const at of [0, 1]) {
          const v = c[at];
          if (!Number.isInteger(v) || v < 0 || v >= n) throw new Problem(`comparisons.${k}.${at}`, typeof v === 'number' ? 'out_of_range' : 'wrong_type');
        }
        if (kind === 3) {
          probability(c[2], `comparisons.${k}.2`);
          if (c[0] !== c[1]) judged.add(c[0]).add(c[1]);
        } else {
          // total first, then wins <= total; a self-comparison or a total of 0 judges nothing
          const total = count(c[3], `comparisons.${k}.3`, Number.MAX_SAFE_INTEGER);
          count(c[2], `comparisons.${k}.2`, total);
          if (c[0] !== c[1] && total > 0) judged.add(c[0]).add(c[1]);
        }
      });
    } else throw new Problem('preference_matrix', 'missing_field');
    if (n < 2) throw new Problem(source, 'too_few_scored');
    const responses = own(obj, 'responses');
    if (Array.isArray(responses) && responses.length !== n) throw new Problem('responses', 'length_mismatch');
    const unjudged = (): Exclusion[] => {
      const out: Exclusion[] = [];
      for (let i = 0; i < n; i++) if (!judged.has(i)) out.push('score_null');
      return out;
    };
    const scores = own(obj, 'scores');
    if (scores === undefined || scores === null) {
      if (judged.size < 2) throw new Problem(source, 'too_few_scored');
      return { candidates: n, excluded: unjudged() };
    }
    if (!Array.isArray(scores)) throw new Problem('scores', 'wrong_type');
    if (scores.length !== n) throw new Problem('scores', 'length_mismatch');
    scores.forEach((s, i) => {
      if (s !== null && typeof s !== 'number') throw new Problem(`scores.${i}`, 'wrong_type');
    });
    if (judged.size >= o.minCandidates) return { candidates: n, excluded: unjudged() };
    const excluded: Exclusion[] = [];
    for (const s of scores) {
      const x = exclusion(s as number | null);
      if (x) excluded.push(x);
    }
    if (n - excluded.length < 2) throw new Problem('scores', 'too_few_scored');
    return { candidates: n, excluded };
  };
}
