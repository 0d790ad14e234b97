// One pass of a data command over its input: the one reader (framing + the indexRecords kernel), format detection
// from the first object record, the format adapters, the tally and the rejects. Commands consume the adapted
// batches (candidate or pair columns) and write rows; two-pass commands (select, curate, route) run a second,
// uncounted pass over the same input. Runtime neutral: the input is any re-openable byte source.
import type { Detection } from '../io/detect.js';
import { detectFormat } from '../io/detect.js';
import { plainAlloc, type ByteStore, type FramingMode } from '../io/framer.js';
import { CandidateAdapter, FieldProblem, PairAdapter, type CandidateColumns, type CountedRow, type PairColumns, type RowAdapter } from '../io/adapt.js';
import { Tally } from '../io/manifest.js';
import { readBatches, type ReaderEngine } from '../io/reader.js';
import { RecordBatch, type Reject } from '../io/records.js';
import type { ResidentBuffer } from '../kernels/types.js';
import { BadRecordError, type FieldOverrides, type FormatName, type OnError, type ScoreMode } from '../io/types.js';
import { JSON_K_ARRAY, JSON_K_STRING, JSON_REC_OK } from '../abi/json.js';

/** A re-openable byte source: each open() reads the input from its start (two-pass commands open it twice). */
export interface JobInput {
  /** The name shown in rejects, messages and the manifest (`-` for stdin). */
  name: string;
  open(): AsyncIterable<Uint8Array>;
  framing: FramingMode;
  /** Total bytes when known (progress, percentages). */
  size?: number;
  /**
   * Random access to the bytes open() yields (a plain file, a spool; not a gzip stream): reads `length` bytes at
   * input offset `offset` into `into` at `at`. With it, a second pass reads only the records it needs.
   */
  pread?(into: Uint8Array, at: number, offset: number, length: number): void;
}

/** Records to read again by position (a second pass): their numbers, lines and byte ranges in the input. */
export interface RecordRanges {
  n: number;
  index: ArrayLike<number>;
  line: ArrayLike<number>;
  offset: ArrayLike<number>;
  length: ArrayLike<number>;
}

/** How records are read (the shared input options of every data command). */
export interface ReadSettings {
  format: FormatName | 'auto';
  fields?: FieldOverrides;
  score?: ScoreMode;
  onError?: OnError;
  maxRecordBytes?: number;
  maxDepth?: number;
  /** At most this many records per batch (default: batches of about 1 MiB). Results never depend on it. */
  batchRecords?: number;
}

export interface JobHooks {
  /** Rejected records of a batch, in input order (pass 1 only). */
  rejects?(rejects: readonly Reject[]): void | Promise<void>;
  /** `auto` chose a format. */
  detected?(d: Detection): void;
  /** Input bytes consumed and records read so far (pass 1 only). */
  progress?(bytes: number, records: number): void;
  /** A fast byte search for the framer (Node: Buffer's native indexOf). */
  indexOf?: (buf: Uint8Array, byte: number, from: number) => number;
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

export type AdaptedBatch =
  | { kind: 'candidates'; batch: RecordBatch; columns: CandidateColumns }
  | { kind: 'pairs'; batch: RecordBatch; columns: PairColumns };

/** Members above this size are not decoded for format detection (a huge record costs no more than a small one). */
const DETECT_DECODE_LIMIT = 1 << 16;

/**
 * Record r as format detection sees it: its members decoded, except large ones: a large string keeps its first
 * characters (detection looks at how a dialogue starts), a large array or object is left empty.
 */
function detectionView(batch: RecordBatch, r: number): Record<string, unknown> {
  const ix = batch.index;
  const out: Record<string, unknown> = {};
  for (let m = ix.memberOff[r]!; m < ix.memberOff[r + 1]!; m++) {
    const s = ix.valS[m]!;
    const e = ix.valE[m]!;
    let v: unknown;
    if (e - s <= DETECT_DECODE_LIMIT) v = batch.decode(s, e);
    else if (ix.valKind[m] === JSON_K_STRING) {
      // The first bytes up to a backslash (no escape is cut): enough to see how the text starts.
      let t = s + 1;
      while (t < s + 257 && batch.buf[t] !== 0x5c) t++;
      v = new TextDecoder().decode(batch.buf.subarray(s + 1, t));
    } else v = ix.valKind[m] === JSON_K_ARRAY ? [] : {};
    Object.defineProperty(out, batch.keyText(m), { value: v, writable: true, enumerable: true, configurable: true });
  }
  return out;
}

function isResidentStore(s: ByteStore): s is ByteStore & ResidentBuffer<Uint8Array> {
  return 'type' in s && (s as ResidentBuffer<Uint8Array>).type === Uint8Array;
}

export class Job {
  readonly tally = new Tally();
  private fmt: FormatName | undefined;
  private detection: Detection | undefined;
  private candidates: CandidateAdapter | undefined;
  private pairAdapter: PairAdapter | undefined;

  constructor(
    readonly engine: ReaderEngine,
    readonly input: JobInput,
    readonly settings: ReadSettings,
    readonly hooks: JobHooks = {},
  ) {
    if (settings.format !== 'auto') this.fmt = settings.format;
  }

  /** The format in use (undefined while `auto` has seen no object record). */
  get format(): FormatName | undefined {
    return this.fmt;
  }

  get detected(): Detection | undefined {
    return this.detection;
  }

  /** Input bytes consumed by the current pass. */
  bytesRead = 0;

  /** The raw batches of one pass (indexed, not adapted): for row commands that decode their records. */
  batches(): AsyncGenerator<RecordBatch> {
    this.bytesRead = 0;
    return readBatches(this.input.open(), this.engine, {
      file: this.input.name,
      framing: this.input.framing,
      maxRecordBytes: this.settings.maxRecordBytes,
      maxDepth: this.settings.maxDepth,
      batchRecords: this.settings.batchRecords,
      indexOf: this.hooks.indexOf,
      onBytes: (n) => {
        this.bytesRead += n;
      },
    });
  }

  /**
   * One pass: every batch adapted to the input's format. With `count` (the first pass) the tally counts every record
   * and rejects go to the hooks (and throw BadRecordError under --on-error fail); a second pass counts nothing, and
   * `wanted` (by record number) limits the adapting to the records it needs.
   */
  async *pass(count = true, wanted?: (recNo: number) => boolean): AsyncGenerator<AdaptedBatch> {
    const tally = count ? this.tally : new Tally();
    let records = 0;
    for await (const batch of this.batches()) {
      if (this.fmt === undefined) this.detect(batch);
      let rejects: Reject[];
      let out: AdaptedBatch | undefined;
      if (this.fmt === undefined) {
        // No object record yet: every record so far is rejected whatever the format (not an object, malformed, ...).
        rejects = [];
        for (let r = 0; r < batch.n; r++) {
          tally.read();
          const rej = batch.statusReject(r)!;
          tally.reject(rej.reason);
          rejects.push(rej);
        }
        for (const l of batch.largeRejects()) {
          tally.read();
          tally.reject('too_large');
          rejects.push(l);
        }
        rejects.sort((a, b) => a.index - b.index);
      } else if (this.fmt === 'pairs' || this.fmt === 'hh-rlhf') {
        const a = (this.pairAdapter ??= new PairAdapter(this.fmt, this.settings));
        const res = a.adapt(batch, tally, wanted);
        rejects = res.rejects;
        out = { kind: 'pairs', batch, columns: res.columns };
      } else {
        const a = (this.candidates ??= new CandidateAdapter(this.fmt, this.settings));
        const res = a.adapt(batch, tally, wanted);
        rejects = res.rejects;
        out = { kind: 'candidates', batch, columns: res.columns };
      }
      records += batch.n + batch.large.length;
      if (count) {
        if (rejects.length > 0) {
          if (this.settings.onError === 'fail') throw new BadRecordError(rejects[0]!);
          await this.hooks.rejects?.(rejects);
        }
        this.hooks.progress?.(this.bytesRead, records);
      }
      if (out) yield out;
    }
  }

  /**
   * One counted pass over a row input (not candidate or pair records, e.g. the log-probs of `loss`): each valid
   * object record is decoded and checked by `adapt`, which returns the row or throws FieldProblem (the record is
   * rejected with its reason and field). Rows come in chunks of at most `chunkRows`.
   */
  async *rows<T extends CountedRow>(adapt: RowAdapter<T>, chunkRows = 1000): AsyncGenerator<T[]> {
    const tally = this.tally;
    let records = 0;
    let out: T[] = [];
    for await (const batch of this.batches()) {
      const rejects: Reject[] = [];
      for (let r = 0; r < batch.n; r++) {
        tally.read();
        const bad = batch.statusReject(r);
        if (bad) {
          tally.reject(bad.reason);
          rejects.push(bad);
          continue;
        }
        try {
          const obj = batch.decode(batch.start[r]!, batch.end[r]!) as Record<string, unknown>;
          const row = adapt(obj, { index: batch.recNo[r]!, line: batch.line[r]! });
          tally.candidatesRead += row.candidates ?? 0;
          if (row.excluded) for (const why of row.excluded.values()) tally.exclude(why);
          out.push(row);
        } catch (e) {
          if (!(e instanceof FieldProblem)) throw e;
          tally.reject(e.reason);
          rejects.push(batch.reject(r, e.field, e.reason, e.detail));
        }
      }
      for (const l of batch.largeRejects()) {
        tally.read();
        tally.reject('too_large');
        rejects.push(l);
      }
      rejects.sort((a, b) => a.index - b.index);
      records += batch.n + batch.large.length;
      if (rejects.length > 0) {
        if (this.settings.onError === 'fail') throw new BadRecordError(rejects[0]!);
        await this.hooks.rejects?.(rejects);
      }
      this.hooks.progress?.(this.bytesRead, records);
      while (out.length >= chunkRows) {
        yield out.slice(0, chunkRows);
        out = out.slice(chunkRows);
      }
    }
    if (out.length > 0) yield out;
  }

  /**
   * A second pass over only the given records (ascending offsets), read by position (input.pread): each batch holds
   * about 1 MiB of them, indexed and adapted as in pass(), uncounted. Nearby records are read in one call.
   */
  async *passRanges(recs: RecordRanges): AsyncGenerator<AdaptedBatch> {
    const pread = this.input.pread;
    if (!pread) throw new Error('pairsmith: internal error: passRanges needs an input with random access');
    const engine = this.engine;
    const alloc = (n: number): ByteStore => (engine.alloc ? engine.alloc(Uint8Array, n) : plainAlloc(n));
    let store = alloc(1 << 21);
    const batch = new RecordBatch(this.input.name, this.settings.maxRecordBytes);
    const tally = new Tally();
    const GAP = 4096;
    try {
      let i = 0;
      while (i < recs.n) {
        // Records i .. j - 1 make this batch; runs of nearby records are read with one call.
        let fill = 0;
        const start: number[] = [];
        const end: number[] = [];
        let j = i;
        while (j < recs.n && (j === i || fill + recs.length[j]! <= store.length)) {
          const runStart = recs.offset[j]!;
          let runEnd = runStart + recs.length[j]!;
          let k = j + 1;
          while (k < recs.n && recs.offset[k]! - runEnd < GAP && recs.offset[k]! + recs.length[k]! - runStart + fill <= store.length) {
            runEnd = Math.max(runEnd, recs.offset[k]! + recs.length[k]!);
            k++;
          }
          const bytes = runEnd - runStart;
          if (fill + bytes > store.length) {
            if (j > i) break;
            // One record larger than the buffer: grow it.
            store.free();
            store = alloc(2 * bytes);
          }
          pread(store.view(), fill, runStart, bytes);
          for (let x = j; x < k; x++) {
            start.push(fill + recs.offset[x]! - runStart);
            end.push(fill + recs.offset[x]! - runStart + recs.length[x]!);
          }
          fill += bytes;
          j = k;
        }
        batch.set({
          store,
          base: 0,
          n: j - i,
          start: Int32Array.from(start),
          end: Int32Array.from(end),
          line: Int32Array.from({ length: j - i }, (_, x) => recs.line[i + x]!),
          index: Int32Array.from({ length: j - i }, (_, x) => recs.index[i + x]!),
          large: [],
          bytes: fill,
        });
        engine.indexRecords(isResidentStore(store) ? store : store.view(), batch.start, batch.end, batch.index, { maxDepth: this.settings.maxDepth });
        i = j;
        if (this.fmt === 'pairs' || this.fmt === 'hh-rlhf') {
          const a = (this.pairAdapter ??= new PairAdapter(this.fmt, this.settings));
          yield { kind: 'pairs', batch, columns: a.adapt(batch, tally).columns };
        } else if (this.fmt !== undefined) {
          const a = (this.candidates ??= new CandidateAdapter(this.fmt, this.settings));
          yield { kind: 'candidates', batch, columns: a.adapt(batch, tally).columns };
        }
      }
    } finally {
      store.free();
    }
  }

  private detect(batch: RecordBatch): void {
    for (let r = 0; r < batch.n; r++) {
      if (batch.index.status[r] !== JSON_REC_OK) continue;
      const rec = detectionView(batch, r);
      const d = detectFormat(rec, this.settings.fields);
      if (!d) throw new FormatDetectionError(this.input.name, batch.line[r]!, Object.keys(rec));
      this.fmt = d.format;
      this.detection = d;
      this.hooks.detected?.(d);
      return;
    }
  }
}
