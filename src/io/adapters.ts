// Format adapters: one parsed input object -> one normalized record (CandidateRecord or PairRecord), or a
// FieldProblem naming the field and the reject reason. Non-finite and null scores are kept as null and
// recorded in `excluded`; they never reject a record by themselves.
import { getPath, own, splitPath } from './path.js';
import { asText, commonMessagesLength, commonPrefixLength, isConversational, splitHh } from './text.js';
import type {
  CandidateRecord,
  ExclusionReason,
  FieldOverrides,
  FormatName,
  InputRecord,
  Logp,
  PairRecord,
  RejectReason,
  ScoreMode,
  Text,
} from './types.js';

/** A record-level problem: the record is rejected with this reason, naming `field`. */
export class FieldProblem extends Error {
  constructor(
    readonly field: string | null,
    readonly reason: RejectReason,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'FieldProblem';
  }
}

export interface AdapterOptions {
  fields?: FieldOverrides;
  score?: ScoreMode;
}

/** Default field names of each format, before overrides. */
export const DEFAULT_FIELDS: Record<FormatName, Required<Pick<FieldOverrides, 'prompt'>> & FieldOverrides> = {
  candidates: { prompt: 'prompt', responses: 'responses', scores: 'scores' },
  onpolicy: { prompt: 'prompt', responses: 'all_generated_responses', scores: 'all_rm_scores' },
  ultrafeedback: { prompt: 'instruction', responses: 'completions', scores: 'overall_score' },
  pairs: { prompt: 'prompt', chosen: 'chosen', rejected: 'rejected' },
  'hh-rlhf': { prompt: 'prompt', chosen: 'chosen', rejected: 'rejected' },
};

const ASPECTS = ['instruction_following', 'honesty', 'truthfulness', 'helpfulness'] as const;

/** "null", "an array", "an object", "a string", ... for messages. */
export function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function field(rec: Record<string, unknown>, path: string): { value: unknown; present: boolean } {
  const segs = splitPath(path);
  const value = getPath(rec, segs);
  return { value, present: value !== undefined };
}

function required(rec: Record<string, unknown>, path: string): unknown {
  const { value, present } = field(rec, path);
  if (!present) throw new FieldProblem(path, 'missing_field', `required field '${path}' is missing`);
  return value;
}

function text(v: unknown, path: string): Text {
  const t = asText(v);
  if (t === undefined) throw new FieldProblem(path, 'wrong_type', `'${path}' must be a string or a list of {role, content} messages, got ${describeType(v)}`);
  return t;
}

function array(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw new FieldProblem(path, 'wrong_type', `'${path}' must be an array, got ${describeType(v)}`);
  return v;
}

/** A score value: number (finite or not) or null; anything else is a wrong type. */
function scoreValue(v: unknown, path: string): number | null {
  if (v === null) return null;
  if (typeof v === 'number') return v;
  throw new FieldProblem(path, 'wrong_type', `'${path}' must be a number or null, got ${describeType(v)}`);
}

function exclusionOf(s: number | null): ExclusionReason | undefined {
  if (s === null) return 'score_null';
  if (Number.isNaN(s)) return 'score_nan';
  if (!Number.isFinite(s)) return 'score_infinite';
  return undefined;
}

function idOf(rec: Record<string, unknown>): string | number | undefined {
  for (const k of ['id', 'prompt_id']) {
    const v = own(rec, k);
    if (typeof v === 'string' || typeof v === 'number') return v;
  }
  return undefined;
}

function logps(rec: Record<string, unknown>, key: string, n: number): Logp[] | undefined {
  const v = own(rec, key);
  if (v === undefined || v === null) return undefined;
  const arr = array(v, key);
  if (arr.length !== n) throw new FieldProblem(key, 'length_mismatch', `'${key}' has ${arr.length} entries for ${n} responses`);
  return arr.map((e, i) => {
    if (typeof e === 'number') return e;
    if (Array.isArray(e) && e.every((x) => typeof x === 'number')) return e as number[];
    throw new FieldProblem(`${key}.${i}`, 'wrong_type', `'${key}[${i}]' must be a number or an array of numbers, got ${describeType(e)}`);
  });
}

function finishCandidates(
  rec: Record<string, unknown>,
  pos: { index: number; line: number },
  prompt: Text,
  responses: Text[],
  scores: (number | null)[],
  scoresPath: string,
): CandidateRecord {
  if (responses.length !== scores.length) {
    throw new FieldProblem(scoresPath, 'length_mismatch', `${responses.length} responses but ${scores.length} scores`);
  }
  let excluded: Map<number, ExclusionReason> | undefined;
  let valid = 0;
  for (let i = 0; i < scores.length; i++) {
    const why = exclusionOf(scores[i]!);
    if (why) {
      (excluded ??= new Map()).set(i, why);
      scores[i] = null;
    } else valid++;
  }
  if (valid < 2) {
    throw new FieldProblem(scoresPath, 'too_few_scored', `${valid} of ${scores.length} candidates have a finite score (need 2)`);
  }
  const r: CandidateRecord = {
    kind: 'candidates',
    index: pos.index,
    line: pos.line,
    prompt,
    responses,
    scores,
    conversational: isConversational(prompt) || responses.some(isConversational),
    raw: rec,
  };
  const id = idOf(rec);
  if (id !== undefined) r.id = id;
  if (excluded) r.excluded = excluded;
  const pl = logps(rec, 'policy_logps', responses.length);
  const rl = logps(rec, 'reference_logps', responses.length);
  if (pl) r.policyLogps = pl;
  if (rl) r.referenceLogps = rl;
  return r;
}

function candidatesLike(format: 'candidates' | 'onpolicy', rec: Record<string, unknown>, pos: Pos, o: AdapterOptions): CandidateRecord {
  const d = DEFAULT_FIELDS[format];
  const pp = o.fields?.prompt ?? d.prompt;
  const rp = o.fields?.responses ?? d.responses!;
  const sp = o.fields?.scores ?? d.scores!;
  const prompt = text(required(rec, pp), pp);
  const responses = array(required(rec, rp), rp).map((v, i) => text(v, `${rp}.${i}`));
  const scores = array(required(rec, sp), sp).map((v, i) => scoreValue(v, `${sp}.${i}`));
  return finishCandidates(rec, pos, prompt, responses, scores, sp);
}

/** Mean of the numeric aspect ratings; "N/A" (or a missing aspect) is missing, not zero. Null when none. */
function fineGrained(c: Record<string, unknown>, path: string): number | null {
  let sum = 0;
  let n = 0;
  for (const a of ASPECTS) {
    const r = getPath(c, ['annotations', a, 'Rating']);
    if (r === undefined || r === null || r === 'N/A') continue;
    const v = typeof r === 'number' ? r : typeof r === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(r) ? Number(r) : undefined;
    if (v === undefined) throw new FieldProblem(`${path}.annotations.${a}.Rating`, 'wrong_type', `rating ${JSON.stringify(r)} is not a number or "N/A"`);
    sum += v;
    n++;
  }
  return n === 0 ? null : sum / n;
}

function ultrafeedback(rec: Record<string, unknown>, pos: Pos, o: AdapterOptions): CandidateRecord {
  const d = DEFAULT_FIELDS.ultrafeedback;
  const pp = o.fields?.prompt ?? d.prompt;
  const cp = o.fields?.responses ?? d.responses!;
  const sk = o.fields?.scores ?? d.scores!;
  const prompt = text(required(rec, pp), pp);
  const comps = array(required(rec, cp), cp);
  const responses: Text[] = [];
  const scores: (number | null)[] = [];
  comps.forEach((c, i) => {
    const at = `${cp}.${i}`;
    if (c === null || typeof c !== 'object' || Array.isArray(c)) throw new FieldProblem(at, 'wrong_type', `'${at}' must be an object, got ${describeType(c)}`);
    const cr = c as Record<string, unknown>;
    const resp = getPath(cr, ['response']);
    if (resp === undefined) throw new FieldProblem(`${at}.response`, 'missing_field', `required field '${at}.response' is missing`);
    responses.push(text(resp, `${at}.response`));
    if (o.score === 'fine-grained') scores.push(fineGrained(cr, at));
    else {
      const sv = getPath(cr, splitPath(sk));
      scores.push(sv === undefined ? null : scoreValue(sv, `${at}.${sk}`));
    }
  });
  return finishCandidates(rec, pos, prompt, responses, scores, o.score === 'fine-grained' ? `${cp}.annotations` : `${cp}.${sk}`);
}

function pairScore(rec: Record<string, unknown>, key: string): { score: number | null; why?: ExclusionReason } | undefined {
  const v = own(rec, key);
  if (v === undefined) return undefined;
  const s = scoreValue(v, key);
  const why = exclusionOf(s);
  return why ? { score: null, why } : { score: s };
}

function pairs(rec: Record<string, unknown>, pos: Pos, o: AdapterOptions, hh: boolean): PairRecord {
  const d = DEFAULT_FIELDS[hh ? 'hh-rlhf' : 'pairs'];
  const pp = o.fields?.prompt ?? d.prompt;
  const cp = o.fields?.chosen ?? d.chosen!;
  const rp = o.fields?.rejected ?? d.rejected!;
  let chosen = text(required(rec, cp), cp);
  let rejected = text(required(rec, rp), rp);
  const pv = field(rec, pp);
  let prompt: Text;
  let implicit = false;
  if (!hh && pv.present) {
    prompt = text(pv.value, pp);
  } else if (typeof chosen === 'string' && typeof rejected === 'string') {
    implicit = true;
    if (hh) {
      const s = splitHh(chosen, rejected);
      if (!s) throw new FieldProblem(cp, 'no_shared_prompt', `'${cp}' and '${rp}' share no prefix ending in "\\n\\nAssistant:"`);
      ({ prompt, chosen, rejected } = s);
    } else {
      const n = commonPrefixLength(chosen, rejected);
      if (n === 0) throw new FieldProblem(pp, 'no_shared_prompt', `no '${pp}' field and '${cp}' / '${rp}' share no prefix`);
      prompt = chosen.slice(0, n);
      chosen = chosen.slice(n);
      rejected = rejected.slice(n);
    }
  } else if (typeof chosen !== 'string' && typeof rejected !== 'string') {
    implicit = true;
    const n = commonMessagesLength(chosen, rejected);
    if (n === 0) throw new FieldProblem(pp, 'no_shared_prompt', `no '${pp}' field and '${cp}' / '${rp}' share no leading messages`);
    prompt = chosen.slice(0, n);
    chosen = chosen.slice(n);
    rejected = rejected.slice(n);
  } else {
    throw new FieldProblem(rp, 'wrong_type', `'${cp}' and '${rp}' must both be strings or both message lists`);
  }
  const r: PairRecord = {
    kind: 'pair',
    index: pos.index,
    line: pos.line,
    prompt,
    chosen,
    rejected,
    implicitPrompt: implicit,
    conversational: isConversational(prompt) || isConversational(chosen) || isConversational(rejected),
    raw: rec,
  };
  const id = idOf(rec);
  if (id !== undefined) r.id = id;
  const sc = pairScore(rec, 'score_chosen');
  const sr = pairScore(rec, 'score_rejected');
  if (sc) r.scoreChosen = sc.score;
  if (sr) r.scoreRejected = sr.score;
  if (sc?.why || sr?.why) {
    r.excluded = new Map();
    if (sc?.why) r.excluded.set(0, sc.why);
    if (sr?.why) r.excluded.set(1, sr.why);
  }
  return r;
}

interface Pos {
  index: number;
  line: number;
}

/** The value as a record object, or a `not_an_object` FieldProblem. */
export function requireObject(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new FieldProblem(null, 'not_an_object', `the record is ${describeType(value)}, not an object`);
  }
  return value as Record<string, unknown>;
}

/**
 * Adapts one parsed input value to a normalized record. Throws FieldProblem (reject reason + field) when the
 * record cannot be used. Callers count `record.excluded` (candidates) and null pair scores as exclusions.
 */
export function adaptRecord(format: FormatName, value: unknown, pos: Pos, o: AdapterOptions = {}): InputRecord {
  const rec = requireObject(value);
  switch (format) {
    case 'candidates':
    case 'onpolicy':
      return candidatesLike(format, rec, pos, o);
    case 'ultrafeedback':
      return ultrafeedback(rec, pos, o);
    case 'pairs':
      return pairs(rec, pos, o, false);
    case 'hh-rlhf':
      return pairs(rec, pos, o, true);
  }
}
