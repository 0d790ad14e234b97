// RecordDecoder: raw items (parsed values or parse failures, with positions) -> normalized records and
// rejects, with format detection, counting into a Tally, and --on-error fail. RowDecoder: the same reject
// rules for inputs of plain rows checked by a caller's adapter (e.g. `loss`). Platform neutral.
import { adaptRecord, FieldProblem, requireObject, type AdapterOptions } from './adapters.js';
import { detectFormat, type Detection } from './detect.js';
import type { Tally } from './manifest.js';
import {
  BadRecordError,
  type ExclusionReason,
  type FieldOverrides,
  type FormatName,
  type InputRecord,
  type OnError,
  type RawItem,
  type Reject,
  type ScoreMode,
} from './types.js';

export interface DecodeOptions {
  /** File name used in rejects (`-` for stdin). */
  file: string;
  format: FormatName | 'auto';
  fields?: FieldOverrides;
  score?: ScoreMode;
  onError?: OnError;
  tally: Tally;
  /** Called once when `auto` has chosen a format. */
  onDetect?: (d: Detection) => void;
}

export interface DecodedChunk {
  records: InputRecord[];
  rejects: Reject[];
}

/** Thrown when `auto` cannot tell the format from the first object record. */
export class FormatDetectionError extends Error {
  constructor(file: string, line: number, keys: string[]) {
    super(
      `${file}:${line}: cannot detect the input format from the first record (keys: ${keys.slice(0, 12).join(', ') || 'none'}); ` +
        'pass --format candidates|onpolicy|ultrafeedback|pairs|hh-rlhf, or field overrides',
    );
    this.name = 'FormatDetectionError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export class RecordDecoder {
  private fmt: FormatName | undefined;
  private detection: Detection | undefined;
  private pending: RawItem[] = [];
  private readonly adapter: AdapterOptions;

  constructor(private readonly o: DecodeOptions) {
    if (o.format !== 'auto') this.fmt = o.format;
    this.adapter = { fields: o.fields ?? {}, score: o.score ?? 'overall' };
  }

  /** The format in use (undefined while `auto` has seen no object record). */
  get format(): FormatName | undefined {
    return this.fmt;
  }

  /** How `auto` chose, when it did. */
  get detected(): Detection | undefined {
    return this.detection;
  }

  /** Decodes a batch. With `auto`, items before the first object record are held until it arrives. */
  push(items: readonly RawItem[]): DecodedChunk {
    const out: DecodedChunk = { records: [], rejects: [] };
    for (const it of items) {
      if (this.fmt === undefined) {
        this.pending.push(it);
        if (it.error === undefined && isObject(it.value)) this.detect(it);
        if (this.fmt === undefined) continue;
        const held = this.pending;
        this.pending = [];
        for (const h of held) this.one(h, out);
        continue;
      }
      this.one(it, out);
    }
    return out;
  }

  /** Flushes items still held (input without any object record: they are all rejects). */
  finish(): DecodedChunk {
    const out: DecodedChunk = { records: [], rejects: [] };
    const held = this.pending;
    this.pending = [];
    for (const h of held) this.one(h, out);
    return out;
  }

  private detect(it: RawItem): void {
    const rec = it.value as Record<string, unknown>;
    const d = detectFormat(rec, this.o.fields);
    if (!d) throw new FormatDetectionError(this.o.file, it.line, Object.keys(rec));
    this.fmt = d.format;
    this.detection = d;
    this.o.onDetect?.(d);
  }

  private one(it: RawItem, out: DecodedChunk): void {
    const r = decodeItem(it, this.o, (value, pos) => {
      // Before detection (no object record at all) every item fails the object check, whatever the format.
      const rec = adaptRecord(this.fmt ?? 'candidates', value, pos, this.adapter);
      this.o.tally.accept(rec);
      return rec;
    });
    if (r.ok) out.records.push(r.value);
    else out.rejects.push(r.reject);
  }
}

/**
 * One raw item through `adapt`: counted as read, then accepted, or rejected (malformed JSON, or the adapter's
 * FieldProblem) and counted by reason. With `onError: 'fail'` a reject throws BadRecordError instead.
 */
function decodeItem<T>(
  it: RawItem,
  o: { file: string; tally: Tally; onError?: OnError },
  adapt: (value: unknown, pos: { index: number; line: number }) => T,
): { ok: true; value: T } | { ok: false; reject: Reject } {
  o.tally.read();
  let rej: Reject;
  if (it.error !== undefined) {
    rej = { file: o.file, line: it.line, field: null, reason: 'malformed_json', detail: it.error, record: it.text ?? null };
  } else {
    try {
      return { ok: true, value: adapt(it.value, { index: it.index, line: it.line }) };
    } catch (e) {
      if (!(e instanceof FieldProblem)) throw e;
      rej = { file: o.file, line: it.line, field: e.field, reason: e.reason, detail: e.detail, record: it.value };
    }
  }
  o.tally.reject(rej.reason);
  if (o.onError === 'fail') throw new BadRecordError(rej);
  return { ok: false, reject: rej };
}

/** What a row adapter returns: any row, optionally saying how many candidates it holds and which were excluded. */
export interface CountedRow {
  /** Candidates (scored items) in the row, for the manifest's candidate counts (default 0). */
  candidates?: number;
  /** Why candidates were excluded (the row goes on without them), by candidate index. */
  excluded?: ReadonlyMap<number, ExclusionReason>;
}

/**
 * Checks one parsed object of a row input and returns the row, or throws FieldProblem (reject reason + field).
 * `pos` is the item's 0-based record number and 1-based physical line (Parquet: row).
 */
export type RowAdapter<T extends CountedRow> = (obj: Record<string, unknown>, pos: { index: number; line: number }) => T;

export interface RowDecodeOptions {
  /** File name used in rejects (`-` for stdin). */
  file: string;
  onError?: OnError;
  tally: Tally;
}

export interface DecodedRows<T> {
  rows: T[];
  rejects: Reject[];
}

/**
 * Raw items -> rows checked by `adapt`, with the datasets reject rules: malformed JSON and non-objects are
 * rejected here, field problems by the adapter; counts go into the Tally; `onError: 'fail'` throws at the first.
 */
export class RowDecoder<T extends CountedRow> {
  constructor(
    private readonly o: RowDecodeOptions,
    private readonly adapt: RowAdapter<T>,
  ) {}

  push(items: readonly RawItem[]): DecodedRows<T> {
    const out: DecodedRows<T> = { rows: [], rejects: [] };
    for (const it of items) {
      const r = decodeItem(it, this.o, (value, pos) => {
        const row = this.adapt(requireObject(value), pos);
        this.o.tally.acceptRow(row.candidates ?? 0, row.excluded);
        return row;
      });
      if (r.ok) out.rows.push(r.value);
      else out.rejects.push(r.reject);
    }
    return out;
  }
}
