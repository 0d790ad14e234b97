// Format adapters on indexed batches: the one place where a record is checked against its format (what is rejected,
// with which reason and field; which candidate is excluded and why) and turned into columns: candidate sets (prompt,
// responses, scores, log-probs) or preference pairs (prompt, chosen, rejected, scores). Fields are read from the
// index without decoding (top-level fields), or decoded where a value is needed (message lists, dot paths,
// UltraFeedback completions, shared-prefix prompts). Every record read is counted in the Tally exactly once.
// Platform neutral.
import { JSON_K_ARRAY, JSON_K_NULL, JSON_K_NUMBER, JSON_K_STRING, JSON_REC_OK } from '../abi/json.js';
import { Cells, FORM_MESSAGES, FORM_OTHER, FORM_STRING } from './cells.js';
import { GrowF64, GrowI32, GrowU8 } from './grow.js';
import { Tally } from './manifest.js';
import { NUM_FINITE, NUM_NULL, parseNumberArray } from './numbers.js';
import { getPath, splitPath } from './path.js';
import { describeBytes, Key, RecordBatch, type Reject } from './records.js';
import { asText, commonMessagesLength, commonPrefixLength, splitHh } from './text.js';
import type { ExclusionReason, FieldOverrides, FormatName, RejectReason, ScoreMode, Text } from './types.js';

/** What a row adapter returns: any row, optionally saying how many candidates it holds and which were excluded. */
export interface CountedRow {
  /** Candidates (scored items) in the row, for the manifest's candidate counts (default 0). */
  candidates?: number;
  /** Why candidates were excluded (the row goes on without them), by candidate index. */
  excluded?: ReadonlyMap<number, ExclusionReason>;
}

/**
 * Checks one decoded object of a row input (e.g. the log-probs of `loss`) and returns the row, or throws FieldProblem
 * (reject reason + field). `pos` is the record's 0-based number and 1-based physical line (Parquet: row).
 */
export type RowAdapter<T extends CountedRow> = (obj: Record<string, unknown>, pos: { index: number; line: number }) => T;

/** Default field names of each format, before overrides. */
export const DEFAULT_FIELDS: Record<FormatName, Required<Pick<FieldOverrides, 'prompt'>> & FieldOverrides> = {
  candidates: { prompt: 'prompt', responses: 'responses', scores: 'scores' },
  onpolicy: { prompt: 'prompt', responses: 'all_generated_responses', scores: 'all_rm_scores' },
  ultrafeedback: { prompt: 'instruction', responses: 'completions', scores: 'overall_score' },
  pairs: { prompt: 'prompt', chosen: 'chosen', rejected: 'rejected' },
  'hh-rlhf': { prompt: 'prompt', chosen: 'chosen', rejected: 'rejected' },
};

/** Exclusion codes per candidate (0 = usable). */
export const EX_NONE = 0;
export const EX_NULL = 1;
export const EX_NAN = 2;
export const EX_INF = 3;
export const EXCLUSION_OF_CODE: readonly (ExclusionReason | null)[] = [null, 'score_null', 'score_nan', 'score_infinite'];

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

/** "null", "an array", "an object", "a string", ... for messages. */
export function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function exclusionCode(v: number | null): number {
  if (v === null) return EX_NULL;
  if (Number.isNaN(v)) return EX_NAN;
  if (!Number.isFinite(v)) return EX_INF;
  return EX_NONE;
}

/** A field path: its first segment as a key, the rest for decoded access. */
export class FieldPath {
  readonly segs: string[];
  readonly key: Key;
  constructor(readonly path: string) {
    this.segs = splitPath(path);
    this.key = new Key(this.segs[0]!);
  }
  get simple(): boolean {
    return this.segs.length === 1;
  }
}

export interface AdapterOptions {
  fields?: FieldOverrides;
  score?: ScoreMode;
}

/** Where a field was found: member m (index), or a decoded value. */
const MISSING = -1;
const DECODED = -2;

/** Shared field access: member lookup or decoded dot paths. */
class Fields {
  decoded: unknown = undefined;
  constructor(readonly batch: RecordBatch) {}
  /** MISSING, DECODED (value in `decoded`) or the member index. */
  locate(r: number, f: FieldPath): number {
    const m = this.batch.member(r, f.key);
    if (m < 0) return MISSING;
    if (f.simple) return m;
    const ix = this.batch.index;
    const v = getPath(this.batch.decode(ix.valS[m]!, ix.valE[m]!), f.segs.slice(1));
    if (v === undefined) return MISSING;
    this.decoded = v;
    return DECODED;
  }
}

// --- candidate sets -----------------------------------------------------------------------------------------------

/** Log-prob entry kinds per candidate. */
export const LP_MISSING = 0;
export const LP_SUM = 1;
export const LP_TOKENS = 2;


/**
 * The record loop both adapters share: each wanted record is counted as read; a record the indexer rejected (bad
 * JSON, too deep) is counted with its reason; the others go to `a.record`, and a FieldProblem it throws rolls the
 * record's column entries back (`a.mark` before, `a.rollback` after) and rejects it naming the field; then the
 * batch's too-large records are added (addLarge). Returns the batch's rejects.
 */
export function adaptRecords(
  batch: RecordBatch,
  tally: Tally,
  wanted: ((recNo: number) => boolean) | undefined,
  a: { mark(): void; rollback(): void; record(fields: Fields, r: number): void },
): Reject[] {
  const rejects: Reject[] = [];
  const fields = new Fields(batch);
  for (let r = 0; r < batch.n; r++) {
    if (wanted && !wanted(batch.recNo[r]!)) continue;
    tally.read();
    const bad = batch.statusReject(r);
    if (bad) {
      tally.reject(bad.reason);
      rejects.push(bad);
      continue;
    }
    a.mark();
    try {
      a.record(fields, r);
    } catch (e) {
      if (!(e instanceof FieldProblem)) throw e;
      a.rollback();
      tally.reject(e.reason);
      rejects.push(batch.reject(r, e.field, e.reason, e.detail));
    }
  }
  addLarge(batch, rejects, tally);
  return rejects;
}

/** The candidate sets of one batch as columns. Group g is the g-th accepted record. */
export class CandidateColumns {
  groups = 0;
  readonly cells = new Cells();
  /** Per group: slot in the batch, record number, line, prompt cell, id cell (-1: none), conversational (0/1). */
  readonly rec = new GrowI32();
  readonly index = new GrowI32();
  readonly line = new GrowI32();
  readonly prompt = new GrowI32();
  readonly id = new GrowI32();
  readonly conversational = new GrowU8();
  /** Per group: whether it has policy and reference log-probs. */
  readonly withLogps = new GrowU8();
  /** Candidates of group g: off[g] .. off[g + 1]. */
  readonly off = new GrowI32();
  /** Per candidate: response cell, score (NaN unless usable), exclusion code. */
  readonly resp = new GrowI32();
  readonly score = new GrowF64();
  readonly excl = new GrowU8();
  /** Per candidate: the score's number text in the batch (start; -1 when decoded), to copy it as written. */
  readonly scoreS = new GrowI32();
  readonly scoreE = new GrowI32();
  /**
   * Log-probs, only for groups that have them: group g's candidate i is entry lpBase[g] + i (lpBase -1: none).
   * Per entry: LP_* kind, a sum (LP_SUM), or a token list (LP_TOKENS, CSR into tokPol/tokRef by tokOff).
   */
  readonly lpBase = new GrowI32();
  readonly lpKind = new GrowU8();
  readonly lpPol = new GrowF64();
  readonly lpRef = new GrowF64();
  readonly tokOff = new GrowI32();
  readonly tokPol = new GrowF64();
  readonly tokRef = new GrowF64();

  reset(): void {
    this.groups = 0;
    this.cells.reset();
    for (const g of [this.rec, this.index, this.line, this.prompt, this.id, this.conversational, this.withLogps, this.resp, this.excl, this.scoreS, this.scoreE, this.lpBase, this.lpKind, this.tokOff]) g.n = 0;
    for (const g of [this.score, this.lpPol, this.lpRef, this.tokPol, this.tokRef]) g.n = 0;
    this.off.n = 0;
    this.off.push(0);
    this.tokOff.push(0);
  }
}

/** A reader's output for one batch: the accepted records as columns, and the rejected ones. */
export interface AdaptedBatch<C> {
  columns: C;
  rejects: Reject[];
}

const POLICY = new Key('policy_logps');
const REFERENCE = new Key('reference_logps');
const ID = new Key('id');
const PROMPT_ID = new Key('prompt_id');
const ASPECTS = ['instruction_following', 'honesty', 'truthfulness', 'helpfulness'] as const;

/** Adapts batches of candidates / onpolicy / ultrafeedback records. */
export class CandidateAdapter {
  private readonly promptF: FieldPath;
  private readonly respF: FieldPath;
  private readonly scoresF: FieldPath;
  private readonly scoreKey: string[];
  private readonly fine: boolean;
  readonly columns = new CandidateColumns();
  private tmpNum = { a: new Float64Array(64), k: new Uint8Array(64) };

  private tally: Tally = new Tally();

  constructor(
    readonly format: 'candidates' | 'onpolicy' | 'ultrafeedback',
    o: AdapterOptions,
  ) {
    const d = DEFAULT_FIELDS[format];
    this.promptF = new FieldPath(o.fields?.prompt ?? d.prompt);
    this.respF = new FieldPath(o.fields?.responses ?? d.responses!);
    this.scoresF = new FieldPath(o.fields?.scores ?? d.scores!);
    this.scoreKey = splitPath(o.fields?.scores ?? d.scores!);
    this.fine = o.score === 'fine-grained';
  }

  /** Adapts every record of the batch (indexed already), counting into `tally`; the columns are valid until the next call. */
  adapt(batch: RecordBatch, tally: Tally, wanted?: (recNo: number) => boolean): AdaptedBatch<CandidateColumns> {
    this.tally = tally;
    this.columns.reset();
    const rejects = adaptRecords(batch, tally, wanted, { mark: () => this.mark(), rollback: () => this.rollback(), record: (f, r) => this.record(batch, f, r) });
    return { columns: this.columns, rejects };
  }

  // Column lengths before the record in progress (a rejected record's entries are dropped).
  private readonly marks = new Int32Array(5);

  private mark(): void {
    const c = this.columns;
    const m = this.marks;
    m[0] = c.resp.n;
    m[1] = c.lpKind.n;
    m[2] = c.tokPol.n;
    m[3] = c.cells.n;
    m[4] = c.cells.values.length;
  }

  private rollback(): void {
    const c = this.columns;
    const m = this.marks;
    c.resp.n = c.score.n = c.excl.n = c.scoreS.n = c.scoreE.n = m[0]!;
    c.lpKind.n = c.lpPol.n = c.lpRef.n = m[1]!;
    c.tokOff.n = m[1]! + 1;
    c.tokPol.n = c.tokRef.n = m[2]!;
    c.cells.n = m[3]!;
    c.cells.values.length = m[4]!;
  }

  /** Whether the last text cell made was a message list. */
  private conv = false;

  /** A prompt or response value as a text cell, or a wrong_type problem naming `path`. */
  private textCell(batch: RecordBatch, s: number, e: number, kind: number, sanitize: boolean, path: string): number {
    if (kind === JSON_K_STRING) {
      this.conv = false;
      return this.columns.cells.span(s, e, FORM_STRING, sanitize);
    }
    if (kind === JSON_K_ARRAY) {
      const t = asText(batch.decode(s, e));
      if (t !== undefined) return this.textValue(t);
    }
    throw new FieldProblem(path, 'wrong_type', `'${path}' must be a string or a list of {role, content} messages, got ${describeBytes(batch.buf, s)}`);
  }

  private textValue(t: Text): number {
    this.conv = typeof t !== 'string';
    return this.columns.cells.value(t, typeof t === 'string' ? FORM_STRING : FORM_MESSAGES);
  }

  private valueText(v: unknown, path: string): number {
    const t = asText(v);
    if (t === undefined) throw new FieldProblem(path, 'wrong_type', `'${path}' must be a string or a list of {role, content} messages, got ${describeType(v)}`);
    return this.textValue(t);
  }

  private record(batch: RecordBatch, fields: Fields, r: number): void {
    const c = this.columns;
    const ix = batch.index;
    const sanitize = batch.sanitize(r);
    // Prompt.
    const pp = this.promptF.path;
    const pm = fields.locate(r, this.promptF);
    if (pm === MISSING) throw new FieldProblem(pp, 'missing_field', `required field '${pp}' is missing`);
    const prompt = pm === DECODED ? this.valueText(fields.decoded, pp) : this.textCell(batch, ix.valS[pm]!, ix.valE[pm]!, ix.valKind[pm]!, sanitize, pp);
    let conv = this.conv;
    const first = c.resp.n;
    if (this.format === 'ultrafeedback') conv = this.ultrafeedback(batch, fields, r) || conv;
    else {
      // Responses.
      const rp = this.respF.path;
      const rm = fields.locate(r, this.respF);
      if (rm === MISSING) throw new FieldProblem(rp, 'missing_field', `required field '${rp}' is missing`);
      if (rm === DECODED) {
        const v = fields.decoded;
        if (!Array.isArray(v)) throw new FieldProblem(rp, 'wrong_type', `'${rp}' must be an array, got ${describeType(v)}`);
        v.forEach((x, i) => {
          c.resp.push(this.valueText(x, `${rp}.${i}`));
          conv ||= this.conv;
        });
      } else {
        if (ix.valKind[rm] !== JSON_K_ARRAY) throw new FieldProblem(rp, 'wrong_type', `'${rp}' must be an array, got ${describeBytes(batch.buf, ix.valS[rm]!)}`);
        const cells = c.cells;
        for (let k = ix.elemOff[rm]!; k < ix.elemOff[rm + 1]!; k++) {
          if (ix.elemKind[k] === JSON_K_STRING) c.resp.push(cells.span(ix.elemS[k]!, ix.elemE[k]!, FORM_STRING, sanitize));
          else {
            c.resp.push(this.textCell(batch, ix.elemS[k]!, ix.elemE[k]!, ix.elemKind[k]!, sanitize, `${rp}.${k - ix.elemOff[rm]!}`));
            conv ||= this.conv;
          }
        }
      }
      // Scores.
      const sp = this.scoresF.path;
      const sm = fields.locate(r, this.scoresF);
      if (sm === MISSING) throw new FieldProblem(sp, 'missing_field', `required field '${sp}' is missing`);
      if (sm === DECODED) {
        const v = fields.decoded;
        if (!Array.isArray(v)) throw new FieldProblem(sp, 'wrong_type', `'${sp}' must be an array, got ${describeType(v)}`);
        v.forEach((x, i) => this.pushScore(scoreValue(x, `${sp}.${i}`), -1, -1));
      } else {
        if (ix.valKind[sm] !== JSON_K_ARRAY) throw new FieldProblem(sp, 'wrong_type', `'${sp}' must be an array, got ${describeBytes(batch.buf, ix.valS[sm]!)}`);
        for (let k = ix.elemOff[sm]!; k < ix.elemOff[sm + 1]!; k++) {
          if (ix.elemKind[k] === JSON_K_NUMBER) {
            // The common case, inline: a number the indexer read.
            const v = ix.elemNum[k]!;
            c.excl.push(EX_NONE);
            c.score.push(v);
            c.scoreS.push(ix.elemS[k]!);
            c.scoreE.push(ix.elemE[k]!);
          } else this.pushScore(this.elemScore(batch, k, `${sp}.${k - ix.elemOff[sm]!}`), ix.elemS[k]!, ix.elemE[k]!);
        }
      }
    }
    const nResp = c.resp.n - first;
    const nScores = c.score.n - first;
    const sp = this.format === 'ultrafeedback' ? (this.fine ? `${this.respF.path}.annotations` : `${this.respF.path}.${this.scoresF.path}`) : this.scoresF.path;
    if (nResp !== nScores) throw new FieldProblem(sp, 'length_mismatch', `${nResp} responses but ${nScores} scores`);
    let valid = 0;
    for (let i = first; i < c.score.n; i++) if (c.excl.a[i] === EX_NONE) valid++;
    if (valid < 2) throw new FieldProblem(sp, 'too_few_scored', `${valid} of ${nScores} candidates have a finite score (need 2)`);
    // Log-probs (top-level policy_logps / reference_logps, aligned with the responses).
    const pol = batch.member(r, POLICY);
    const ref = batch.member(r, REFERENCE);
    const polOk = this.checkLogps(batch, pol, 'policy_logps', nResp);
    const refOk = this.checkLogps(batch, ref, 'reference_logps', nResp);
    const withLogps = polOk && refOk;
    c.lpBase.push(withLogps ? c.lpKind.n : -1);
    if (withLogps) for (let i = 0; i < nResp; i++) this.pushLogps(batch, ix.elemOff[pol]! + i, ix.elemOff[ref]! + i);
    // Accepted.
    const g = c.groups++;
    c.rec.push(r);
    c.index.push(batch.recNo[r]!);
    c.line.push(batch.line[r]!);
    c.prompt.push(prompt);
    c.id.push(this.idCell(batch, r, sanitize));
    c.conversational.push(conv ? 1 : 0);
    c.withLogps.push(withLogps ? 1 : 0);
    c.off.push(c.resp.n);
    void g;
    this.tally.candidatesRead += nResp;
    for (let i = first; i < c.resp.n; i++) {
      const x = c.excl.a[i]!;
      if (x !== EX_NONE) this.tally.exclude(EXCLUSION_OF_CODE[x]!);
    }
  }

  private idCell(batch: RecordBatch, r: number, sanitize: boolean): number {
    return idCell(this.columns.cells, batch, r, sanitize);
  }

  /** One candidate's score (null: excluded) and, when it was read from the batch, its number text's span. */
  private pushScore(v: number | null, s: number, e: number): void {
    const c = this.columns;
    const x = exclusionCode(v);
    c.excl.push(x);
    c.score.push(x === EX_NONE ? v! : Number.NaN);
    c.scoreS.push(x === EX_NONE ? s : -1);
    c.scoreE.push(x === EX_NONE ? e : -1);
  }

  /** A score element: a number (finite or not) or null; anything else is a wrong type. */
  private elemScore(batch: RecordBatch, k: number, path: string): number | null {
    const kind = batch.index.elemKind[k]!;
    if (RecordBatch.isNumeric(kind)) return batch.elemValue(k);
    if (kind === JSON_K_NULL) return null;
    throw new FieldProblem(path, 'wrong_type', `'${path}' must be a number or null, got ${describeBytes(batch.buf, batch.index.elemS[k]!)}`);
  }

  /** Completions of an UltraFeedback record (decoded): responses and scores. Returns whether any is conversational. */
  private ultrafeedback(batch: RecordBatch, fields: Fields, r: number): boolean {
    const c = this.columns;
    const cp = this.respF.path;
    const m = fields.locate(r, this.respF);
    if (m === MISSING) throw new FieldProblem(cp, 'missing_field', `required field '${cp}' is missing`);
    const ix = batch.index;
    const comps = m === DECODED ? fields.decoded : batch.decode(ix.valS[m]!, ix.valE[m]!);
    if (!Array.isArray(comps)) throw new FieldProblem(cp, 'wrong_type', `'${cp}' must be an array, got ${describeType(comps)}`);
    let conv = false;
    comps.forEach((comp, i) => {
      const at = `${cp}.${i}`;
      if (comp === null || typeof comp !== 'object' || Array.isArray(comp)) throw new FieldProblem(at, 'wrong_type', `'${at}' must be an object, got ${describeType(comp)}`);
      const resp = getPath(comp, ['response']);
      if (resp === undefined) throw new FieldProblem(`${at}.response`, 'missing_field', `required field '${at}.response' is missing`);
      c.resp.push(this.valueText(resp, `${at}.response`));
      conv ||= this.conv;
      if (this.fine) this.pushScore(fineGrained(comp as Record<string, unknown>, at), -1, -1);
      else {
        const sv = getPath(comp, this.scoreKey);
        this.pushScore(sv === undefined ? null : scoreValue(sv, `${at}.${this.scoresF.path}`), -1, -1);
      }
    });
    return conv;
  }

  /** Checks a log-prob field; true when present (not absent or null) and aligned with the responses. */
  private checkLogps(batch: RecordBatch, m: number, key: string, n: number): boolean {
    if (m < 0) return false;
    const ix = batch.index;
    const kind = ix.valKind[m]!;
    if (kind === JSON_K_NULL) return false;
    if (kind !== JSON_K_ARRAY) throw new FieldProblem(key, 'wrong_type', `'${key}' must be an array, got ${describeBytes(batch.buf, ix.valS[m]!)}`);
    const count = ix.elemOff[m + 1]! - ix.elemOff[m]!;
    if (count !== n) throw new FieldProblem(key, 'length_mismatch', `'${key}' has ${count} entries for ${n} responses`);
    for (let i = 0; i < count; i++) {
      const k = ix.elemOff[m]! + i;
      const ek = ix.elemKind[k]!;
      if (RecordBatch.isNumeric(ek)) continue;
      if (ek === JSON_K_ARRAY && this.tokens(batch, k) >= 0) continue;
      throw new FieldProblem(`${key}.${i}`, 'wrong_type', `'${key}[${i}]' must be a number or an array of numbers, got ${describeBytes(batch.buf, ix.elemS[k]!)}`);
    }
    return true;
  }

  /** Parses the token list of element k into tmpNum; returns its length, or -1 unless every entry is a number. */
  private tokens(batch: RecordBatch, k: number): number {
    const ix = batch.index;
    const s = ix.elemS[k]!;
    const e = ix.elemE[k]!;
    // At most one number per two bytes.
    const cap = ((e - s) >> 1) + 1;
    if (this.tmpNum.a.length < cap) this.tmpNum = { a: new Float64Array(cap), k: new Uint8Array(cap) };
    const n = parseNumberArray(batch.buf, s, e, this.tmpNum.a, this.tmpNum.k, 0);
    if (n < 0) return -1;
    for (let i = 0; i < n; i++) if (this.tmpNum.k[i] === NUM_NULL) return -1;
    return n;
  }

  /** One candidate's log-probs from elements kp (policy) and kr (reference). */
  private pushLogps(batch: RecordBatch, kp: number, kr: number): void {
    const c = this.columns;
    const ix = batch.index;
    const sum = (k: number): number | null => (ix.elemKind[k] === JSON_K_ARRAY ? null : batch.elemValue(k));
    const a = sum(kp);
    const b = sum(kr);
    if (a !== null && b !== null) {
      // Two sequence values: usable when both are finite.
      const ok = Number.isFinite(a) && Number.isFinite(b);
      c.lpKind.push(ok ? LP_SUM : LP_MISSING);
      c.lpPol.push(a);
      c.lpRef.push(b);
      c.tokOff.push(c.tokPol.n);
      return;
    }
    // Token lists (a number among lists is a one-token list): usable when finite and of equal length.
    const list = (k: number, into: GrowF64): number => {
      const v = sum(k);
      if (v !== null) {
        if (!Number.isFinite(v)) return -1;
        into.push(v);
        return 1;
      }
      const n = this.tokens(batch, k);
      for (let i = 0; i < n; i++) {
        if (this.tmpNum.k[i] !== NUM_FINITE) return -1;
        into.push(this.tmpNum.a[i]!);
      }
      return n;
    };
    const t0 = c.tokPol.n;
    const np = list(kp, c.tokPol);
    const nr = list(kr, c.tokRef);
    const ok = np >= 0 && nr >= 0 && np === nr;
    if (!ok) {
      c.tokPol.n = t0;
      c.tokRef.n = t0;
    }
    c.lpKind.push(ok ? LP_TOKENS : LP_MISSING);
    c.lpPol.push(Number.NaN);
    c.lpRef.push(Number.NaN);
    c.tokOff.push(c.tokPol.n);
  }

}

/** The record's `id` (else `prompt_id`) when it is a string or a number, as a cell; -1 when none. */
function idCell(cells: Cells, batch: RecordBatch, r: number, sanitize: boolean): number {
  const ix = batch.index;
  for (const key of [ID, PROMPT_ID]) {
    const m = batch.member(r, key);
    if (m < 0) continue;
    const k = ix.valKind[m]!;
    if (k === JSON_K_STRING || RecordBatch.isNumeric(k)) {
      return cells.span(ix.valS[m]!, ix.valE[m]!, FORM_OTHER, sanitize);
    }
  }
  return -1;
}

/** A score value: number (finite or not) or null; anything else is a wrong type. */
function scoreValue(v: unknown, path: string): number | null {
  if (v === null) return null;
  if (typeof v === 'number') return v;
  throw new FieldProblem(path, 'wrong_type', `'${path}' must be a number or null, got ${describeType(v)}`);
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

/** Records too large to buffer: rejected (and counted as read) in input order with the batch's other rejects. */
function addLarge(batch: RecordBatch, rejects: Reject[], tally: Tally): void {
  if (batch.large.length === 0) return;
  for (const l of batch.largeRejects()) {
    tally.read();
    tally.reject('too_large');
    rejects.push(l);
  }
  rejects.sort((a, b) => a.index - b.index);
}

// --- preference pairs ---------------------------------------------------------------------------------------------

/** The preference pairs of one batch as columns. */
export class PairColumns {
  groups = 0;
  readonly cells = new Cells();
  readonly rec = new GrowI32();
  readonly index = new GrowI32();
  readonly line = new GrowI32();
  readonly prompt = new GrowI32();
  readonly chosen = new GrowI32();
  readonly rejected = new GrowI32();
  readonly conversational = new GrowU8();
  /** The prompt was split off as the shared prefix of chosen and rejected. */
  readonly implicitPrompt = new GrowU8();
  /** score_chosen / score_rejected: NaN unless finite; present flags (a present null or non-finite is excluded). */
  readonly scoreChosen = new GrowF64();
  readonly scoreRejected = new GrowF64();
  readonly hasScoreChosen = new GrowU8();
  readonly hasScoreRejected = new GrowU8();
  /** Per pair: its `id` / `prompt_id` cell (-1: none). */
  readonly id = new GrowI32();

  reset(): void {
    this.groups = 0;
    this.cells.reset();
    for (const g of [this.rec, this.index, this.line, this.prompt, this.chosen, this.rejected, this.conversational, this.implicitPrompt, this.hasScoreChosen, this.hasScoreRejected, this.id]) g.n = 0;
    this.scoreChosen.n = this.scoreRejected.n = 0;
  }
}

const SCORE_CHOSEN = new Key('score_chosen');
const SCORE_REJECTED = new Key('score_rejected');

/** Adapts batches of pairs / hh-rlhf records. */
export class PairAdapter {
  private readonly promptF: FieldPath;
  private readonly chosenF: FieldPath;
  private readonly rejectedF: FieldPath;
  readonly columns = new PairColumns();

  private tally: Tally = new Tally();

  constructor(
    readonly format: 'pairs' | 'hh-rlhf',
    o: AdapterOptions,
  ) {
    const d = DEFAULT_FIELDS[format];
    this.promptF = new FieldPath(o.fields?.prompt ?? d.prompt);
    this.chosenF = new FieldPath(o.fields?.chosen ?? d.chosen!);
    this.rejectedF = new FieldPath(o.fields?.rejected ?? d.rejected!);
  }

  /** Adapts every record of the batch (indexed already), counting into `tally`; the columns are valid until the next call. */
  adapt(batch: RecordBatch, tally: Tally, wanted?: (recNo: number) => boolean): AdaptedBatch<PairColumns> {
    this.tally = tally;
    const cells = this.columns.cells;
    this.columns.reset();
    let cellMark = 0;
    let valueMark = 0;
    const rejects = adaptRecords(batch, tally, wanted, {
      mark: () => {
        cellMark = cells.n;
        valueMark = cells.values.length;
      },
      rollback: () => {
        cells.n = cellMark;
        cells.values.length = valueMark;
      },
      record: (f, r) => this.record(batch, f, r),
    });
    return { columns: this.columns, rejects };
  }

  /** A text field: a span cell for a top-level string, else its decoded value (string or messages). */
  private text(batch: RecordBatch, fields: Fields, r: number, f: FieldPath, sanitize: boolean): { cell: number; value: Text | null; conv: boolean } {
    const ix = batch.index;
    const m = fields.locate(r, f);
    if (m === MISSING) throw new FieldProblem(f.path, 'missing_field', `required field '${f.path}' is missing`);
    if (m !== DECODED && ix.valKind[m] === JSON_K_STRING) return { cell: this.columns.cells.span(ix.valS[m]!, ix.valE[m]!, FORM_STRING, sanitize), value: null, conv: false };
    const v = m === DECODED ? fields.decoded : batch.decode(ix.valS[m]!, ix.valE[m]!);
    const t = asText(v);
    if (t === undefined) throw new FieldProblem(f.path, 'wrong_type', `'${f.path}' must be a string or a list of {role, content} messages, got ${describeType(v)}`);
    return { cell: -1, value: t, conv: typeof t !== 'string' };
  }

  private record(batch: RecordBatch, fields: Fields, r: number): void {
    const c = this.columns;
    const cells = c.cells;
    const hh = this.format === 'hh-rlhf';
    const sanitize = batch.sanitize(r);
    const ch = this.text(batch, fields, r, this.chosenF, sanitize);
    const rj = this.text(batch, fields, r, this.rejectedF, sanitize);
    const pm = hh ? MISSING : fields.locate(r, this.promptF);
    let promptCell: number;
    let chosenCell = ch.cell;
    let rejectedCell = rj.cell;
    let implicit = false;
    let conv = ch.conv || rj.conv;
    const str = (x: { cell: number; value: Text | null }): string | null => {
      if (x.value !== null) return typeof x.value === 'string' ? x.value : null;
      return batch.decodeString(cells.s[x.cell]!, cells.e[x.cell]!);
    };
    const val = (x: { cell: number; value: Text | null }): number => (x.cell >= 0 ? x.cell : cells.value(x.value, typeof x.value === 'string' ? FORM_STRING : FORM_MESSAGES));
    if (!hh && pm !== MISSING) {
      const ix = batch.index;
      if (pm !== DECODED && ix.valKind[pm] === JSON_K_STRING) promptCell = cells.span(ix.valS[pm]!, ix.valE[pm]!, FORM_STRING, sanitize);
      else {
        const v = pm === DECODED ? fields.decoded : batch.decode(ix.valS[pm]!, ix.valE[pm]!);
        const t = asText(v);
        if (t === undefined) throw new FieldProblem(this.promptF.path, 'wrong_type', `'${this.promptF.path}' must be a string or a list of {role, content} messages, got ${describeType(v)}`);
        conv ||= typeof t !== 'string';
        promptCell = cells.value(t, typeof t === 'string' ? FORM_STRING : FORM_MESSAGES);
      }
      chosenCell = val(ch);
      rejectedCell = val(rj);
    } else {
      implicit = true;
      const cs = str(ch);
      const rs = str(rj);
      const cp = this.chosenF.path;
      const rp = this.rejectedF.path;
      const pp = this.promptF.path;
      if (cs !== null && rs !== null) {
        let prompt: string;
        let chosen: string;
        let rejected: string;
        if (hh) {
          const s = splitHh(cs, rs);
          if (!s) throw new FieldProblem(cp, 'no_shared_prompt', `'${cp}' and '${rp}' share no prefix ending in "\\n\\nAssistant:"`);
          ({ prompt, chosen, rejected } = s);
        } else {
          const n = commonPrefixLength(cs, rs);
          if (n === 0) throw new FieldProblem(pp, 'no_shared_prompt', `no '${pp}' field and '${cp}' / '${rp}' share no prefix`);
          prompt = cs.slice(0, n);
          chosen = cs.slice(n);
          rejected = rs.slice(n);
        }
        promptCell = cells.value(prompt, FORM_STRING);
        chosenCell = cells.value(chosen, FORM_STRING);
        rejectedCell = cells.value(rejected, FORM_STRING);
      } else if (ch.value !== null && rj.value !== null && typeof ch.value !== 'string' && typeof rj.value !== 'string') {
        const n = commonMessagesLength(ch.value, rj.value);
        if (n === 0) throw new FieldProblem(pp, 'no_shared_prompt', `no '${pp}' field and '${cp}' / '${rp}' share no leading messages`);
        promptCell = cells.value(ch.value.slice(0, n), FORM_MESSAGES);
        chosenCell = cells.value(ch.value.slice(n), FORM_MESSAGES);
        rejectedCell = cells.value(rj.value.slice(n), FORM_MESSAGES);
      } else {
        throw new FieldProblem(rp, 'wrong_type', `'${cp}' and '${rp}' must both be strings or both message lists`);
      }
    }
    const sc = this.pairScore(batch, r, SCORE_CHOSEN);
    const sr = this.pairScore(batch, r, SCORE_REJECTED);
    c.groups++;
    c.rec.push(r);
    c.index.push(batch.recNo[r]!);
    c.line.push(batch.line[r]!);
    c.prompt.push(promptCell);
    c.chosen.push(chosenCell);
    c.rejected.push(rejectedCell);
    c.conversational.push(conv ? 1 : 0);
    c.implicitPrompt.push(implicit ? 1 : 0);
    c.id.push(idCell(cells, batch, r, sanitize));
    c.hasScoreChosen.push(sc === undefined ? 0 : 1);
    c.hasScoreRejected.push(sr === undefined ? 0 : 1);
    c.scoreChosen.push(sc !== undefined && sc !== null && Number.isFinite(sc) ? sc : Number.NaN);
    c.scoreRejected.push(sr !== undefined && sr !== null && Number.isFinite(sr) ? sr : Number.NaN);
    this.tally.candidatesRead += 2;
    for (const s of [sc, sr]) {
      if (s === undefined) continue;
      const x = exclusionCode(s);
      if (x !== EX_NONE) this.tally.exclude(EXCLUSION_OF_CODE[x]!);
    }
  }

  /** score_chosen / score_rejected: undefined when absent; null, a number (finite or not), or wrong_type. */
  private pairScore(batch: RecordBatch, r: number, key: Key): number | null | undefined {
    const m = batch.member(r, key);
    if (m < 0) return undefined;
    const ix = batch.index;
    const kind = ix.valKind[m]!;
    if (RecordBatch.isNumeric(kind)) return batch.memberValue(m);
    if (kind === JSON_K_NULL) return null;
    throw new FieldProblem(key.text, 'wrong_type', `'${key.text}' must be a number or null, got ${describeBytes(batch.buf, ix.valS[m]!)}`);
  }
}

/** Whether record r of an indexed batch is a valid object. */
export function isObjectRecord(batch: RecordBatch, r: number): boolean {
  return batch.index.status[r] === JSON_REC_OK;
}
