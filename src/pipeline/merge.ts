// Exact merges of sharded select/curate runs. Each shard (`--shard K/N`) writes a partial result: every pair's row
// (its base columns, in pair order) and a margins file (a header, then each pair's numbers, exactly). The selection is
// global, so the merge reads every shard's numbers, runs the one selection and curate's decisions on them
// (finishSelect in run-select.ts, as an unsharded run does), and writes the rows from the shards' rows: the result is
// the unsharded run's, byte for byte. Runtime neutral: partials are byte sources.
import { Tally } from '../io/manifest.js';
import type { ColumnType } from '../io/rows.js';
import { mergeReport, emptyReport } from './pairs.js';
import { ColumnTypes } from './pair-records.js';
import { decodeNumber } from '../numeric.js';
import { Table } from './select-table.js';
import { finishSelect, type PartialHeader, type SelectRunOptions, type SelectSinks, type SelectTable } from './run-select.js';
import type { RowBuilder } from '../io/encode.js';

/** One shard's partial result. */
export interface PartialInput {
  /** How messages name it (its path). */
  name: string;
  /** Its rows (JSON Lines). */
  rows(): AsyncIterable<Uint8Array>;
  /** Its margins file (JSON Lines). */
  margins(): AsyncIterable<Uint8Array>;
}

/** Thrown when partials do not belong together or are damaged. */
export class MergeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MergeError';
  }
}

/** The lines of a byte stream (without their newlines), each as a view valid until the next. */
async function* lines(src: AsyncIterable<Uint8Array>): AsyncGenerator<{ buf: Uint8Array; s: number; e: number }> {
  let carry = new Uint8Array(0);
  for await (const chunk of src) {
    let buf: Uint8Array;
    if (carry.length > 0) {
      buf = new Uint8Array(carry.length + chunk.length);
      buf.set(carry);
      buf.set(chunk, carry.length);
    } else buf = chunk;
    let s = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, s);
      if (nl < 0) break;
      if (nl > s) yield { buf, s, e: nl };
      s = nl + 1;
    }
    carry = buf.slice(s);
  }
  if (carry.length > 0) yield { buf: carry, s: 0, e: carry.length };
}

const decoder = new TextDecoder();

/** A partial's header and pair numbers, appended to `into`. */
async function readMargins(p: PartialInput, into: Table): Promise<PartialHeader> {
  let header: PartialHeader | undefined;
  let n = 0;
  for await (const { buf, s, e } of lines(p.margins())) {
    let v: unknown;
    try {
      v = JSON.parse(decoder.decode(buf.subarray(s, e)));
    } catch {
      throw new MergeError(`${p.name}.margins.jsonl: line ${n + (header ? 2 : 1)} is not JSON (is the file damaged?)`);
    }
    if (!header) {
      if (typeof v !== 'object' || v === null || (v as PartialHeader).pairsmith_partial !== 1) {
        throw new MergeError(`${p.name}.margins.jsonl: not a pairsmith partial result (written by select/curate --shard K/N)`);
      }
      header = v as PartialHeader;
      continue;
    }
    if (!Array.isArray(v) || v.length !== 8) throw new MergeError(`${p.name}.margins.jsonl: line ${n + 2} is not a pair's numbers`);
    const x = v as unknown[];
    into.push(Number(x[0]), Number(x[1]), Number(x[2]), decodeNumber(x[3]), decodeNumber(x[4]), decodeNumber(x[5]), decodeNumber(x[6]), decodeNumber(x[7]));
    n++;
  }
  if (!header) throw new MergeError(`${p.name}.margins.jsonl: empty (the shard's run did not finish?)`);
  if (n !== header.pairs) throw new MergeError(`${p.name}.margins.jsonl: ${n} pairs, the header says ${header.pairs} (truncated?)`);
  return header;
}

/**
 * Merges partial results (in shard order) into the result of the unsharded run: the selection over every pair,
 * curate's decisions, the rows (to `sinks`), and the outcome of every record counted into `tally` (which holds the
 * shards' own counts: records read, rejected, without a pair).
 */
export async function mergePartials(
  partials: readonly PartialInput[],
  o: SelectRunOptions,
  sinks: SelectSinks,
  tally: Tally = new Tally(),
): ReturnType<typeof finishSelect> {
  const st: SelectTable = { table: new Table(o.spill?.(), o.spillAfter), construct: emptyReport(), kind: undefined, conversational: undefined, implicitColumn: false, types: new ColumnTypes() };
  try {
    return await mergeInto(st, partials, o, sinks, tally);
  } finally {
    st.table.close();
  }
}

async function mergeInto(st: SelectTable, partials: readonly PartialInput[], o: SelectRunOptions, sinks: SelectSinks, tally: Tally): ReturnType<typeof finishSelect> {
  const counts: number[] = [];
  for (const p of partials) {
    const before = st.table.n;
    const h = await readMargins(p, st.table);
    counts.push(st.table.n - before);
    st.kind ??= h.kind ?? undefined;
    if (st.conversational === undefined && h.conversational !== null) {
      st.conversational = h.conversational;
      st.implicitColumn = h.implicit_column;
    }
    st.types.merge(h.types as [string, ColumnType | null][]);
    mergeReport(st.construct, h.construction);
  }
  st.table.finish();
  // Pass 2 from the partial rows: row j of partial k is pair (pairs before partial k) + j.
  const source = async (_need: unknown, visit: (i: number, base: (b: RowBuilder) => void) => void, flush: () => Promise<void>): Promise<void> => {
    let i = 0;
    for (let k = 0; k < partials.length; k++) {
      const p = partials[k]!;
      let j = 0;
      for await (const { buf, s, e } of lines(p.rows())) {
        if (j >= counts[k]!) throw new MergeError(`${p.name}: more rows than its margins file has pairs (${counts[k]})`);
        visit(i++, (b) => b.members(buf, s, e));
        j++;
        if (j % 4096 === 0) await flush();
      }
      if (j !== counts[k]) throw new MergeError(`${p.name}: ${j} rows, its margins file has ${counts[k]} pairs (truncated?)`);
      await flush();
    }
  };
  return finishSelect(st, tally, o, sinks, source);
}
