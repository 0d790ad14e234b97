// The oracle's record rules: framing, parsing, format detection (`auto`) and the format adapters of the old record
// path (src/io/adapters.ts at 9199a40), written as plain functions over JSON.parse'd objects. A record is accepted
// (a candidate set or a pair) or rejected with a reason and a field; every record is counted once.
import { frameArray, frameJsonLines, type FramedRecord } from './frame.js';
import { own, parseRecord } from './json.js';

export type Format = 'candidates' | 'onpolicy' | 'ultrafeedback' | 'pairs' | 'hh-rlhf';
export interface Message {
  role: string;
  content: string;
}
export type Text = string | Message[];
export type Exclusion = 'score_null' | 'score_nan' | 'score_infinite' | 'score_out_of_range';

/** What every accepted record keeps: where it is, the parsed object and whether it was strict JSON. */
interface Base {
  index: number;
  line: number;
  raw: Record<string, unknown>;
  strict: boolean;
  /** The record's text (what a reject of a record that is not strict JSON shows). */
  text: string;
  conversational: boolean;
}

export interface CandidateSet extends Base {
  kind: 'candidates';
  prompt: Text;
  responses: Text[];
  /** Raw scores (null: excluded, see `excluded`). */
  scores: (number | null)[];
  excluded: (Exclusion | null)[];
  id?: string | number;
  /** Present when both policy_logps and reference_logps are (aligned with the responses). */
  logps?: { policy: unknown[]; reference: unknown[] };
}

export interface PairRecord extends Base {
  kind: 'pair';
  prompt: Text;
  chosen: Text;
  rejected: Text;
  /** undefined: absent; null: null or not finite (excluded). */
  scoreChosen?: number | null;
  scoreRejected?: number | null;
  id?: string | number;
}

export interface OracleReject {
  line: number;
  index: number;
  field: string | null;
  reason: string;
  /** The record as parsed when it is strict JSON, else its text (a too-large record: its first KiB). */
  record: unknown;
}

export interface Counts {
  read: number;
  rejected: Record<string, number>;
  candidates: number;
  excluded: Record<string, number>;
}

export interface ReadOptions {
  framing: 'jsonl' | 'array';
  format: Format | 'auto';
  fields?: { prompt?: string; responses?: string; scores?: string; chosen?: string; rejected?: string };
  maxRecordBytes?: number;
}

export interface ReadResult {
  /** `auto` found an object record it cannot place. */
  detectError?: boolean;
  format: Format | undefined;
  records: (CandidateSet | PairRecord)[];
  rejects: OracleReject[];
  counts: Counts;
  framed: FramedRecord[];
}

export class Problem extends Error {
  constructor(
    readonly field: string | null,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

export const bump = (m: Record<string, number>, k: string, by = 1): void => {
  m[k] = (m[k] ?? 0) + by;
};

// --- small helpers ---------------------------------------------------------------------------------------------------

/** A dot path over own properties (array indices as digits); undefined when a step is missing. */
export function getPath(v: unknown, path: string): unknown {
  let cur = v;
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(seg)) return undefined;
      cur = cur[Number(seg)];
    } else cur = own(cur as Record<string, unknown>, seg);
  }
  return cur;
}

/** A string, or a list of {role, content} string pairs (other keys dropped); undefined otherwise. */
export function asText(v: unknown): Text | undefined {
  if (typeof v === 'string') return v;
  if (!Array.isArray(v)) return undefined;
  const out: Message[] = [];
  for (const m of v) {
    if (m === null || typeof m !== 'object' || Array.isArray(m)) return undefined;
    const role = own(m as Record<string, unknown>, 'role');
    const content = own(m as Record<string, unknown>, 'content');
    if (typeof role !== 'string' || typeof content !== 'string') return undefined;
    out.push({ role, content });
  }
  return out;
}

function exclusion(s: number | null): Exclusion | null {
  if (s === null) return 'score_null';
  if (Number.isNaN(s)) return 'score_nan';
  if (!Number.isFinite(s)) return 'score_infinite';
  return null;
}

function required(rec: Record<string, unknown>, path: string): unknown {
  const v = getPath(rec, path);
  if (v === undefined) throw new Problem(path, 'missing_field');
  return v;
}

function text(v: unknown, path: string): Text {
  const t = asText(v);
  if (t === undefined) throw new Problem(path, 'wrong_type');
  return t;
}

function array(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw new Problem(path, 'wrong_type');
  return v;
}

function score(v: unknown, path: string): number | null {
  if (v === null || typeof v === 'number') return v;
  throw new Problem(path, 'wrong_type');
}

function idOf(rec: Record<string, unknown>): string | number | undefined {
  for (const k of ['id', 'prompt_id']) {
    const v = own(rec, k);
    if (typeof v === 'string' || typeof v === 'number') return v;
  }
  return undefined;
}

const isConv = (t: Text): boolean => typeof t !== 'string';

// --- format detection --------------------------------------------------------------------------------------------------

export function detect(rec: Record<string, unknown>, fields: ReadOptions['fields'] = {}): Format | undefined {
  const has = (p: string): boolean => getPath(rec, p) !== undefined;
  if (has('all_generated_responses') && fields.chosen === undefined) return 'onpolicy';
  const comps = own(rec, 'completions');
  if (has('instruction') && Array.isArray(comps) && comps.some((c) => c !== null && typeof c === 'object' && 'response' in c)) return 'ultrafeedback';
  if (fields.responses !== undefined || fields.scores !== undefined) return 'candidates';
  if (has('responses')) return 'candidates';
  const cp = fields.chosen ?? 'chosen';
  const rp = fields.rejected ?? 'rejected';
  if (has(cp) && has(rp)) {
    const c = getPath(rec, cp);
    if (!has(fields.prompt ?? 'prompt') && typeof c === 'string' && /^\s*\n?\n?Human:/.test(c)) return 'hh-rlhf';
    return 'pairs';
  }
  return undefined;
}

// --- adapters ------------------------------------------------------------------------------------------------------------

const DEFAULTS: Record<Format, { prompt: string; responses?: string; scores?: string; chosen?: string; rejected?: string }> = {
  candidates: { prompt: 'prompt', responses: 'responses', scores: 'scores' },
  onpolicy: { prompt: 'prompt', responses: 'all_generated_responses', scores: 'all_rm_scores' },
  ultrafeedback: { prompt: 'instruction', responses: 'completions', scores: 'overall_score' },
  pairs: { prompt: 'prompt', chosen: 'chosen', rejected: 'rejected' },
  'hh-rlhf': { prompt: 'prompt', chosen: 'chosen', rejected: 'rejected' },
};

function logps(rec: Record<string, unknown>, key: string, n: number): unknown[] | undefined {
  const v = own(rec, key);
  if (v === undefined || v === null) return undefined;
  const a = array(v, key);
  if (a.length !== n) throw new Problem(key, 'length_mismatch');
  a.forEach((e, i) => {
    if (typeof e === 'number') return;
    if (Array.isArray(e) && e.every((x) => typeof x === 'number')) return;
    throw new Problem(`${key}.${i}`, 'wrong_type');
  });
  return a;
}

function candidateSet(format: 'candidates' | 'onpolicy', rec: Record<string, unknown>, o: ReadOptions): Omit<CandidateSet, keyof Base> & { conversational: boolean } {
  const d = DEFAULTS[format];
  const pp = o.fields?.prompt ?? d.prompt;
  const rp = o.fields?.responses ?? d.responses!;
  const sp = o.fields?.scores ?? d.scores!;
  const prompt = text(required(rec, pp), pp);
  const responses = array(required(rec, rp), rp).map((v, i) => text(v, `${rp}.${i}`));
  const raw = array(required(rec, sp), sp).map((v, i) => score(v, `${sp}.${i}`));
  if (responses.length !== raw.length) throw new Problem(sp, 'length_mismatch');
  const excluded = raw.map(exclusion);
  if (excluded.filter((x) => x === null).length < 2) throw new Problem(sp, 'too_few_scored');
  const policy = logps(rec, 'policy_logps', responses.length);
  const reference = logps(rec, 'reference_logps', responses.length);
  const out: Omit<CandidateSet, keyof Base> & { conversational: boolean } = {
    kind: 'candidates',
    prompt,
    responses,
    scores: raw.map((s, i) => (excluded[i] ? null : s)),
    excluded,
    conversational: isConv(prompt) || responses.some(isConv),
  };
  const id = idOf(rec);
  if (id !== undefined) out.id = id;
  if (policy && reference) out.logps = { policy, reference };
  return out;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

const ASSISTANT = '\n\nAssistant:';

function pair(rec: Record<string, unknown>, o: ReadOptions, hh: boolean): Omit<PairRecord, keyof Base> & { conversational: boolean } {
  const d = DEFAULTS[hh ? 'hh-rlhf' : 'pairs'];
  const pp = o.fields?.prompt ?? d.prompt;
  const cp = o.fields?.chosen ?? d.chosen!;
  const rp = o.fields?.rejected ?? d.rejected!;
  let chosen = text(required(rec, cp), cp);
  let rejected = text(required(rec, rp), rp);
  const pv = getPath(rec, pp);
  let prompt: Text;
  if (!hh && pv !== undefined) prompt = text(pv, pp);
  else if (typeof chosen === 'string' && typeof rejected === 'string') {
    const n = commonPrefix(chosen, rejected);
    if (hh) {
      // The prompt runs up to and including the last "\n\nAssistant:" inside the shared prefix.
      const at = chosen.slice(0, n).lastIndexOf(ASSISTANT);
      if (at < 0) throw new Problem(cp, 'no_shared_prompt');
      const cut = at + ASSISTANT.length;
      prompt = chosen.slice(0, cut);
      chosen = chosen.slice(cut);
      rejected = rejected.slice(cut);
    } else {
      if (n === 0) throw new Problem(pp, 'no_shared_prompt');
      prompt = chosen.slice(0, n);
      chosen = chosen.slice(n);
      rejected = rejected.slice(n);
    }
  } else if (typeof chosen !== 'string' && typeof rejected !== 'string') {
    let n = 0;
    while (n < chosen.length && n < rejected.length && chosen[n]!.role === rejected[n]!.role && chosen[n]!.content === rejected[n]!.content) n++;
    if (n === 0) throw new Problem(pp, 'no_shared_prompt');
    prompt = chosen.slice(0, n);
    chosen = chosen.slice(n);
    rejected = rejected.slice(n);
  } else throw new Problem(rp, 'wrong_type');
  const out: Omit<PairRecord, keyof Base> & { conversational: boolean } = {
    kind: 'pair',
    prompt,
    chosen,
    rejected,
    conversational: isConv(prompt) || isConv(chosen) || isConv(rejected),
  };
  const id = idOf(rec);
  if (id !== undefined) out.id = id;
  for (const [key, f] of [
    ['score_chosen', 'scoreChosen'],
    ['score_rejected', 'scoreRejected'],
  ] as const) {
    const v = own(rec, key);
    if (v === undefined) continue;
    const s = score(v, key);
    out[f] = exclusion(s) ? null : s;
  }
  return out;
}

/** Counts of a pair's scores that are present but null or not finite. */
export function pairExclusions(rec: Record<string, unknown>): Exclusion[] {
  const out: Exclusion[] = [];
  for (const key of ['score_chosen', 'score_rejected']) {
    const v = own(rec, key);
    if (v === undefined) continue;
    const x = exclusion(v as number | null);
    if (x) out.push(x);
  }
  return out;
}

// --- reading an input --------------------------------------------------------------------------------------------------

export function emptyCounts(): Counts {
  return { read: 0, rejected: {}, candidates: 0, excluded: {} };
}

/** Every record of an input: framed, parsed, placed in a format and adapted (or rejected), in input order. */
export function readInput(input: Uint8Array, o: ReadOptions): ReadResult {
  const framed = o.framing === 'array' ? frameArray(input, o.maxRecordBytes ?? 256 * 1024 * 1024) : frameJsonLines(input, o.maxRecordBytes ?? 256 * 1024 * 1024);
  const counts = emptyCounts();
  const parsed = framed.map((f) => (f.bytes ? parseRecord(f.bytes) : null));
  let format: Format | undefined = o.format === 'auto' ? undefined : o.format;
  if (format === undefined) {
    const first = parsed.find((p) => p?.status === 'object');
    if (first && first.status === 'object') {
      format = detect(first.value, o.fields);
      if (format === undefined) return { detectError: true, format, records: [], rejects: [], counts, framed };
    }
  }
  const records: (CandidateSet | PairRecord)[] = [];
  const rejects: OracleReject[] = [];
  framed.forEach((f, k) => {
    counts.read++;
    const reject = (field: string | null, reason: string, record: unknown): void => {
      bump(counts.rejected, reason);
      rejects.push({ line: f.line, index: f.index, field, reason, record });
    };
    const p = parsed[k];
    if (!p) return reject(null, 'too_large', f.head);
    if (p.status === 'not_an_object') return reject(null, 'not_an_object', p.strict ? p.value : p.text);
    if (p.status !== 'object') return reject(null, p.status, p.text);
    const rec = p.value;
    try {
      const base = { index: f.index, line: f.line, raw: rec, strict: p.strict, text: p.text };
      if (format === 'pairs' || format === 'hh-rlhf') {
        const r = pair(rec, o, format === 'hh-rlhf');
        records.push({ ...base, ...r });
        counts.candidates += 2;
        for (const x of pairExclusions(rec)) bump(counts.excluded, x);
      } else {
        if (format === 'ultrafeedback') throw new Error('oracle: ultrafeedback is not modelled');
        const r = candidateSet(format as 'candidates' | 'onpolicy', rec, o);
        records.push({ ...base, ...r });
        counts.candidates += r.responses.length;
        for (const x of r.excluded) if (x) bump(counts.excluded, x);
      }
    } catch (e) {
      if (!(e instanceof Problem)) throw e;
      reject(e.field, e.reason, p.strict ? rec : p.text);
    }
  });
  return { format, records, rejects, counts, framed };
}
