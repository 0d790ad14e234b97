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

/** `clean` rows: a preference matrix or comparisons, optional n, responses and scores (checked below minCandidates). */
export function cleanChecker(o: { minCandidates: number }): Check {
  const probability = (p: unknown, field: string): void => {
    if (typeof p !== 'number') throw new Problem(field, 'wrong_type');
    if (!(p >= 0 && p <= 1)) throw new Problem(field, describeNumberProblem(p));
  };
  return (obj) => {
    const pm = own(obj, 'preference_matrix');
    const cmp = own(obj, 'comparisons');
    let n: number;
    let source: string;
    if (pm !== undefined && pm !== null) {
      source = 'preference_matrix';
      if (!Array.isArray(pm)) throw new Problem(source, 'wrong_type');
      n = pm.length;
      pm.forEach((row, i) => {
        if (!Array.isArray(row)) throw new Problem(`preference_matrix.${i}`, 'wrong_type');
        if (row.length !== n) throw new Problem(`preference_matrix.${i}`, 'length_mismatch');
        row.forEach((p, j) => {
          if (p !== null && i !== j) probability(p, `preference_matrix.${i}.${j}`);
        });
      });
    } else if (cmp !== undefined && cmp !== null) {
      source = 'comparisons';
      if (!Array.isArray(cmp)) throw new Problem(source, 'wrong_type');
      const given = own(obj, 'n');
      if (given !== undefined && given !== null) {
        if (typeof given !== 'number') throw new Problem('n', 'wrong_type');
        if (!Number.isInteger(given) || given < 0) throw new Problem('n', 'out_of_range');
        n = given;
      } else {
        const list = [own(obj, 'responses'), own(obj, 'scores')].find(Array.isArray);
        n = list ? (list as unknown[]).length : Math.max(-1, ...cmp.flatMap((c) => (Array.isArray(c) ? c.slice(0, 2).filter((v) => Number.isInteger(v) && v >= 0) : []))) + 1;
      }
      cmp.forEach((c, k) => {
        if (!Array.isArray(c) || c.length !== 3) throw new Problem(`comparisons.${k}`, 'wrong_type');
        for (const at of [0, 1]) {
          const v = c[at];
          if (!Number.isInteger(v) || v < 0 || v >= n) throw new Problem(`comparisons.${k}.${at}`, typeof v === 'number' ? 'out_of_range' : 'wrong_type');
        }
        probability(c[2], `comparisons.${k}.2`);
      });
    } else throw new Problem('preference_matrix', 'missing_field');
    if (n < 2) throw new Problem(source, 'too_few_scored');
    const responses = own(obj, 'responses');
    if (Array.isArray(responses) && responses.length !== n) throw new Problem('responses', 'length_mismatch');
    const scores = own(obj, 'scores');
    const excluded: Exclusion[] = [];
    if (scores !== undefined && scores !== null) {
      if (!Array.isArray(scores)) throw new Problem('scores', 'wrong_type');
      if (scores.length !== n) throw new Problem('scores', 'length_mismatch');
      scores.forEach((s, i) => {
        if (s !== null && typeof s !== 'number') throw new Problem(`scores.${i}`, 'wrong_type');
      });
      if (n < o.minCandidates) {
        for (const s of scores) {
          const x = exclusion(s as number | null);
          if (x) excluded.push(x);
        }
        if (n - excluded.length < 2) throw new Problem('scores', 'too_few_scored');
      }
    }
    return { candidates: n, excluded };
  };
}
