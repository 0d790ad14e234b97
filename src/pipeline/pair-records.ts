// Rows of preference-pair inputs (formats pairs, hh-rlhf) for select, augment, route and curate: every input column
// kept (its bytes copied; a repeated key once, with its last value, as JSON.parse reads it), then the normalized
// prompt / chosen / rejected in the file's text form and the scores; commands append their own columns. Also the
// Parquet column types of such rows, inferred from the index in a first pass.
import { JSON_K_ARRAY, JSON_K_BOOL, JSON_K_NAN, JSON_K_NEG_INF, JSON_K_NULL, JSON_K_NUMBER, JSON_K_NUMBER_TEXT, JSON_K_OBJECT, JSON_K_POS_INF, JSON_K_STRING } from '../abi/json.js';
import type { PairColumns } from '../io/adapt.js';
import { FORM_MESSAGES, FORM_STRING } from '../io/cells.js';
import { Column, columnOf, type RowBuilder } from '../io/encode.js';
import { RecordBatch } from '../io/records.js';
import type { ColumnSpec, ColumnType } from '../io/rows.js';
import { asText } from '../io/text.js';

/** Columns a pair row writes itself (an input column of the same name is replaced, not repeated). */
export const PAIR_RECORD_COLUMNS = ['prompt', 'chosen', 'rejected', 'score_chosen', 'score_rejected'] as const;

const C = {
  prompt: new Column('prompt'),
  chosen: new Column('chosen'),
  rejected: new Column('rejected'),
  scoreChosen: new Column('score_chosen'),
  scoreRejected: new Column('score_rejected'),
};

/**
 * Writes pair g's columns (begin() included, end() not): the input's other columns, then prompt, chosen, rejected and
 * the scores the input has. `replaced` names columns the caller appends later (they are left out here).
 */
export function writePairRecordColumns(b: RowBuilder, batch: RecordBatch, c: PairColumns, g: number, conversational: boolean, replaced: ReadonlySet<string>): void {
  const r = c.rec.a[g]!;
  const ix = batch.index;
  const sanitize = batch.sanitize(r);
  const form = conversational ? FORM_MESSAGES : FORM_STRING;
  b.begin();
  const m0 = ix.memberOff[r]!;
  const m1 = ix.memberOff[r + 1]!;
  // Each key decoded once; a key repeated later in the record is written at its last place, with its last value.
  const keys: string[] = [];
  for (let m = m0; m < m1; m++) keys.push(batch.keyText(m));
  for (let m = m0; m < m1; m++) {
    const key = keys[m - m0]!;
    if ((PAIR_RECORD_COLUMNS as readonly string[]).includes(key) || replaced.has(key)) continue;
    if (keys.lastIndexOf(key) !== m - m0) continue;
    b.key(columnOf(key));
    b.span(batch.buf, ix.valS[m]!, ix.valE[m]!, sanitize);
  }
  b.key(C.prompt);
  b.cell(c.cells, c.prompt.a[g]!, batch.buf, 'prompt', form);
  b.key(C.chosen);
  b.cell(c.cells, c.chosen.a[g]!, batch.buf, 'response', form);
  b.key(C.rejected);
  b.cell(c.cells, c.rejected.a[g]!, batch.buf, 'response', form);
  if (c.hasScoreChosen.a[g]) {
    b.key(C.scoreChosen);
    b.num(c.scoreChosen.a[g]!);
  }
  if (c.hasScoreRejected.a[g]) {
    b.key(C.scoreRejected);
    b.num(c.scoreRejected.a[g]!);
  }
}

const INT_COLUMNS = new Set(['prompt_index', 'chosen_index', 'rejected_index', 'selected', 'pair_id']);

/** Column types seen across rows, in first-seen order: a column whose values disagree becomes a JSON string. */
export class ColumnTypes {
  private readonly types = new Map<string, ColumnType | null>();

  /** Records one value's type (null: a null value, which fits any type). */
  observe(name: string, t: ColumnType | null): void {
    const prev = this.types.get(name);
    if (prev === undefined || prev === null) this.types.set(name, t);
    else if (t !== null && t !== prev) this.types.set(name, (prev === 'int' && t === 'double') || (prev === 'double' && t === 'int') ? 'double' : 'string');
  }

  /** The input columns of pair record g (those the row keeps). */
  observeRecord(batch: RecordBatch, c: PairColumns, g: number, replaced: ReadonlySet<string>): void {
    const r = c.rec.a[g]!;
    const ix = batch.index;
    for (let m = ix.memberOff[r]!; m < ix.memberOff[r + 1]!; m++) {
      const key = batch.keyText(m);
      if ((PAIR_RECORD_COLUMNS as readonly string[]).includes(key) || replaced.has(key)) continue;
      this.observe(key, memberType(batch, m, INT_COLUMNS.has(key)));
    }
  }

  specs(): ColumnSpec[] {
    return [...this.types].map(([name, t]) => ({ name, type: t ?? 'string' }));
  }

  /** The types seen, in order of first appearance (to merge another batch's into these). */
  entries(): [string, ColumnType | null][] {
    return [...this.types];
  }

  /** Adds the types another ColumnTypes saw (later records than this one's). */
  merge(entries: readonly [string, ColumnType | null][]): void {
    for (const [name, t] of entries) this.observe(name, t);
  }
}

/** The Parquet type of a member's value, from the index (message lists are decoded to check them). */
function memberType(batch: RecordBatch, m: number, integer: boolean): ColumnType | null {
  const ix = batch.index;
  switch (ix.valKind[m]) {
    case JSON_K_NULL:
      return null;
    case JSON_K_STRING:
      return 'string';
    case JSON_K_BOOL:
      return 'bool';
    case JSON_K_NUMBER:
    case JSON_K_NUMBER_TEXT:
      return integer && Number.isInteger(batch.memberNumber(m)) ? 'int' : 'double';
    case JSON_K_NAN:
    case JSON_K_POS_INF:
    case JSON_K_NEG_INF:
      return 'double';
    case JSON_K_ARRAY: {
      const k0 = ix.elemOff[m]!;
      const k1 = ix.elemOff[m + 1]!;
      if (k1 === k0) return null;
      let nums = true;
      let strs = true;
      let objs = true;
      for (let k = k0; k < k1; k++) {
        const kind = ix.elemKind[k]!;
        nums &&= RecordBatch.isNumeric(kind);
        strs &&= kind === JSON_K_STRING;
        objs &&= kind === JSON_K_OBJECT;
      }
      if (nums) return 'list<double>';
      if (strs) return 'list<string>';
      if (objs) {
        const t = asText(batch.decode(ix.valS[m]!, ix.valE[m]!));
        if (t !== undefined && typeof t !== 'string') return 'messages';
      }
      return 'string';
    }
    default:
      return 'string';
  }
}
