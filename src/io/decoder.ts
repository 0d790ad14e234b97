// RecordDecoder: raw items (parsed values or parse failures, with positions) -> normalized records and
// rejects, with format detection, counting into a Tally, and --on-error fail. Platform neutral.
import { adaptRecord, FieldProblem, type AdapterOptions } from './adapters.js';
import { detectFormat, type Detection } from './detect.js';
import type { Tally } from './manifest.js';
import { BadRecordError, type FieldOverrides, type FormatName, type InputRecord, type OnError, type RawItem, type Reject, type ScoreMode } from './types.js';

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
    const t = this.o.tally;
    t.read();
    let rej: Reject | undefined;
    if (it.error !== undefined) {
      rej = { file: this.o.file, line: it.line, field: null, reason: 'malformed_json', detail: it.error, record: it.text ?? null };
    } else {
      try {
        // Before detection (no object record at all) every item fails the object check, whatever the format.
        const r = adaptRecord(this.fmt ?? 'candidates', it.value, { index: it.index, line: it.line }, this.adapter);
        t.accept(r);
        out.records.push(r);
        return;
      } catch (e) {
        if (!(e instanceof FieldProblem)) throw e;
        rej = { file: this.o.file, line: it.line, field: e.field, reason: e.reason, detail: e.detail, record: it.value };
      }
    }
    t.reject(rej.reason);
    if (this.o.onError === 'fail') throw new BadRecordError(rej);
    out.rejects.push(rej);
  }
}
