// Reading pair rows for select, augment, route and curate: pair records keep every input column (with prompt,
// chosen, rejected and scores as the datasets layer normalized them); candidate records are turned into pairs
// first. Also the Parquet schema of arbitrary rows.
import type { ColumnSpec, ColumnType } from '../io/rows.js';
import type { PairRecord } from '../io/types.js';
import type { Row } from '../pipeline/rows.js';
import type { DataRun } from './data-run.js';
import type { PairRowsBuilder } from './pair-rows.js';
import { CliError, EXIT } from './io.js';

/** A pair record as a row: the input object, with the normalized prompt/chosen/rejected and scores. */
export function pairRecordRow(r: PairRecord): Row {
  const row: Row = { ...r.raw, prompt: r.prompt, chosen: r.chosen, rejected: r.rejected };
  if (r.scoreChosen !== undefined) row.score_chosen = r.scoreChosen;
  if (r.scoreRejected !== undefined) row.score_rejected = r.scoreRejected;
  return row;
}

export interface RowsRead {
  rows: Row[];
  /** Record number of each row (several rows per record for grid pairs). */
  recordOf: number[];
  /** Whether the input held candidate sets (pairs were constructed). */
  constructed: boolean;
}

/** All rows of the input (in memory: selection ranks the whole set). `builder` is needed for candidate inputs. */
export async function readRows(run: DataRun, builder: PairRowsBuilder | null): Promise<RowsRead> {
  const rows: Row[] = [];
  const recordOf: number[] = [];
  let constructed = false;
  for await (const chunk of run.records()) {
    const cands = chunk.records.filter((r) => r.kind === 'candidates');
    for (const r of chunk.records) {
      if (r.kind !== 'pair') continue;
      rows.push(pairRecordRow(r));
      recordOf.push(r.index);
    }
    if (cands.length) {
      if (!builder) throw new CliError(`${run.spec.input}: this command takes preference pairs; the input holds candidate sets (format ${run.format}): run pairs or curate first`, EXIT.USAGE);
      constructed = true;
      for (const row of builder.rows(cands)) {
        rows.push(row);
        recordOf.push(row.prompt_index as number);
      }
    }
  }
  return { rows, recordOf, constructed };
}

const INT_COLUMNS = new Set(['prompt_index', 'chosen_index', 'rejected_index', 'selected', 'pair_id']);

function typeOf(v: unknown): ColumnType | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'double';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) {
    if (v.length === 0) return null;
    if (v.every((x) => typeof x === 'number')) return 'list<double>';
    if (v.every((x) => typeof x === 'string')) return 'list<string>';
    if (v.every((x) => x !== null && typeof x === 'object' && typeof (x as { role?: unknown }).role === 'string')) return 'messages';
  }
  return 'string';
}

/** A Parquet schema for arbitrary rows: column types from the values (other kinds become JSON strings). */
export function inferSchema(rows: readonly Row[]): { schema: ColumnSpec[]; rows: Row[] } {
  const types = new Map<string, ColumnType | null>();
  for (const r of rows) {
    for (const [k, v] of Object.entries(r)) {
      const t = INT_COLUMNS.has(k) && typeof v === 'number' ? 'int' : typeOf(v);
      const prev = types.get(k);
      if (prev === undefined || prev === null) types.set(k, t);
      else if (t !== null && t !== prev) types.set(k, 'string');
    }
  }
  const schema: ColumnSpec[] = [...types].map(([name, t]) => ({ name, type: t ?? 'string' }));
  const fix = schema.filter((c) => c.type === 'string').map((c) => c.name);
  const out = fix.length === 0 ? rows.slice() : rows.map((r) => {
    const o: Row = { ...r };
    for (const k of fix) if (o[k] !== null && o[k] !== undefined && typeof o[k] !== 'string') o[k] = JSON.stringify(o[k]);
    return o;
  });
  return { schema, rows: out };
}
