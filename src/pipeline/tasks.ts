// Batches as units of work. A pass of a data command is the same function (a Stage) applied to each framed batch
// of records, in input order: index the bytes (the indexRecords kernel), adapt the records to the input format's
// columns (counting reads, rejects and exclusions), then the stage's own work (pairs, margins, row bytes, ...). The
// main thread frames the input and consumes the stage results in input order; the work itself runs either inline
// (on the main engine) or in workers (each with its own engine) through a BatchPool. Both run the one function
// here, `BatchProcessor.process`, so the outputs do not depend on where a batch ran. Runtime neutral: Node's
// worker_threads and browsers' Web Workers implement BatchPool outside the core.
import { detectFormat, type Detection } from '../io/detect.js';
import { CandidateAdapter, PairAdapter, type CandidateColumns, type PairColumns } from '../io/adapt.js';
import { plainAlloc, type Batch, type ByteAlloc, type ByteStore, type LargeRecord } from '../io/framer.js';
import { Tally } from '../io/manifest.js';
import type { ReaderEngine } from '../io/reader.js';
import { RecordBatch, type Reject } from '../io/records.js';
import type { FieldOverrides, FormatName, ScoreMode } from '../io/types.js';
import type { ResidentBuffer } from '../kernels/types.js';
import { DEFAULT_MAX_DEPTH } from '../kernels/json.js';
import { setOwn } from '../io/json.js';
import { JSON_K_ARRAY, JSON_K_STRING, JSON_REC_OK } from '../abi/json.js';
import type { Kernels } from '../kernels/index.js';
import { groupEngineOf, type GroupEngine } from './group-engine.js';
import { UsageError } from './errors.js';

/** The engine a pass runs on: the group kernels, the record indexer and engine memory. */
export type RunEngine = GroupEngine & ReaderEngine;

/** An engine (its kernels and memory) as the port a pass runs on. */
export function runEngineOf(k: Kernels & { alloc?: GroupEngine['alloc'] }): RunEngine {
  return {
    ...groupEngineOf(k),
    indexRecords: k.indexRecords.bind(k),
  };
}

export type AdaptedBatch =
  | { kind: 'candidates'; format: 'candidates' | 'onpolicy' | 'ultrafeedback'; batch: RecordBatch; columns: CandidateColumns }
  | { kind: 'pairs'; format: 'pairs' | 'hh-rlhf'; batch: RecordBatch; columns: PairColumns };

/**
 * A stage: what a pass does with each batch. `run` must depend only on the batch and the plan (it may run in any
 * worker), and its result must survive a structured clone (typed arrays, plain objects) when the pass uses a pool.
 */
export interface Stage<P = unknown, R = unknown> {
  /** Its name in the registry workers run stages from (src/pipeline/stages.ts). */
  readonly name: string;
  run(engine: RunEngine, a: AdaptedBatch, plan: P, tally: Tally): R;
  /**
   * Whether the plan is complete. A plan some of whose fields the input decides (the file's text form, ...) is
   * completed by `settle` on the first batches, which run on the main thread; later batches go anywhere.
   */
  ready?(plan: P): boolean;
  settle?(a: AdaptedBatch, plan: P): void;
  /** Buffers of a result to transfer (not copy) back from a worker. */
  transfer?(r: R): ArrayBuffer[];
}

/** The input settings a batch is adapted with (a clonable part of ReadSettings). */
export interface AdaptSettings {
  fields?: FieldOverrides;
  score?: ScoreMode;
  maxDepth?: number;
  maxRecordBytes?: number;
}

/** One pass as every batch of it is run: the same for all its batches. */
export interface PassSpec {
  /** The stage's name in the registry the processor was made with. */
  stage: string;
  plan: unknown;
  file: string;
  settings: AdaptSettings;
  /** The input's format; undefined while `auto` has seen no object record (such batches run on the main thread). */
  format: FormatName | undefined;
  /** Count the records (the first pass) or not (a second pass). */
  count: boolean;
  /** Record numbers (ascending) to adapt; other records are skipped, uncounted. */
  wanted?: Int32Array;
}

/** A framed batch with its own bytes (as it travels to a worker): records r at bytes[start[r], end[r]). */
export type BatchBytes = Omit<Batch, 'store' | 'bytes'> & {
  /** The batch's bytes (a Batch's `bytes` is its progress count; a travelling batch has none). */
  bytes: Uint8Array;
  /** A spare buffer for the worker's row bytes (rowBuffers), travelling with the batch. */
  spare?: ArrayBuffer;
};

/** The counts of a Tally as plain data. */
export type TallyCounts = Pick<Tally, 'recordsRead' | 'recordsWritten' | 'rejected' | 'noPair' | 'candidatesRead' | 'excluded' | 'rowsWritten' | 'pairsWritten'>;

/** What processing one batch gives back. */
export interface BatchOutcome<R = unknown> {
  /** The stage's result (undefined when the format is still unknown: every record so far was rejected). */
  result?: R;
  /** Rejected records, in input order. */
  rejects: Reject[];
  tally: TallyCounts;
  /** Records in the batch (too-large ones included). */
  records: number;
  /** Set on the batch where `auto` detected the format. */
  detected?: Detection;
  /** The plan after settle (inline batches only). */
  plan?: unknown;
  /** The batch's input buffer, given back by a worker for reuse. */
  returned?: ArrayBuffer;
}

/** Adds counts into a tally (a batch's counts into the run's). */
export function addCounts(into: Tally, c: TallyCounts): void {
  into.recordsRead += c.recordsRead;
  into.recordsWritten += c.recordsWritten;
  into.candidatesRead += c.candidatesRead;
  into.rowsWritten += c.rowsWritten;
  into.pairsWritten += c.pairsWritten;
  for (const [k, v] of Object.entries(c.rejected)) into.rejected[k as keyof Tally['rejected']] += v;
  for (const [k, v] of Object.entries(c.excluded)) into.excluded[k as keyof Tally['excluded']] += v;
  for (const [k, v] of Object.entries(c.noPair)) into.noPair[k] = (into.noPair[k] ?? 0) + v;
}

/** Buffers to transfer with a batch's outcome: its rejects' record copies and the stage's own. */
export function outcomeTransfer(o: BatchOutcome, stage: Stage | undefined): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const r of o.rejects) if (r.json) out.push(r.json.buffer as ArrayBuffer);
  if (o.result !== undefined && stage?.transfer) out.push(...stage.transfer(o.result));
  return [...new Set(out)];
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
    setOwn(out, batch.keyText(m), v);
  }
  return out;
}

/** The format of the batch's first object record, or undefined when it has none (throws when it cannot tell). */
function detect(batch: RecordBatch, fields: FieldOverrides | undefined): Detection | undefined {
  for (let r = 0; r < batch.n; r++) {
    if (batch.index.status[r] !== JSON_REC_OK) continue;
    const rec = detectionView(batch, r);
    const d = detectFormat(rec, fields);
    if (!d) throw new FormatDetectionError(batch.file, batch.line[r]!, Object.keys(rec));
    return d;
  }
  return undefined;
}

function isResident(s: ByteStore): s is ByteStore & ResidentBuffer<Uint8Array> {
  return 'type' in s && (s as ResidentBuffer<Uint8Array>).type === Uint8Array;
}

/** The stages a worker can run, by name. */
export type StageRegistry = Readonly<Record<string, Stage<any, any>>>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Runs batches through their pass's stage on one engine (the main thread's, or a worker's). Keeps the buffers and
 * adapters between batches; one processor per engine.
 */
export class BatchProcessor {
  private own: ByteStore | undefined;
  private readonly batches = new Map<string, RecordBatch>();
  private candidates: CandidateAdapter | undefined;
  private pairs: PairAdapter | undefined;
  private adapterKey = '';

  constructor(readonly engine: RunEngine) {}

  /** Frees engine memory held between batches. */
  free(): void {
    this.own?.free();
    this.own = undefined;
  }

  /**
   * Processes one batch: `input` is the framer's batch (inline, used in place) or a batch with its own bytes (from
   * another thread, copied into engine memory). `settle`: complete the plan from this batch when it is not ready
   * (inline only).
   */
  process(spec: PassSpec, stage: Stage, input: Batch | BatchBytes, settle = false): BatchOutcome {
    const batch = this.batchFor(spec);
    if ('store' in input) batch.set(input);
    else batch.set({ ...input, store: this.copyIn(input.bytes), bytes: 0 });
    const store = 'store' in input ? input.store : this.own!;
    this.engine.indexRecords(isResident(store) ? store : store.view(), batch.start, batch.end, batch.index, {
      maxDepth: spec.settings.maxDepth ?? DEFAULT_MAX_DEPTH,
    });
    const tally = new Tally();
    const records = batch.n + batch.large.length;
    let format = spec.format;
    let detected: Detection | undefined;
    if (format === undefined) {
      detected = detect(batch, spec.settings.fields);
      format = detected?.format;
    }
    if (format === undefined) {
      // No object record yet: every record so far is rejected whatever the format (not an object, malformed, ...).
      const rejects: Reject[] = [];
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
      return { rejects, tally: spec.count ? tally : new Tally(), records };
    }
    const wanted = spec.wanted ? wantedIn(spec.wanted) : undefined;
    let a: AdaptedBatch;
    let rejects: Reject[];
    if (format === 'pairs' || format === 'hh-rlhf') {
      const res = this.pairAdapter(format, spec.settings).adapt(batch, tally, wanted);
      rejects = res.rejects;
      a = { kind: 'pairs', format, batch, columns: res.columns };
    } else {
      const res = this.candidateAdapter(format, spec.settings).adapt(batch, tally, wanted);
      rejects = res.rejects;
      a = { kind: 'candidates', format, batch, columns: res.columns };
    }
    let plan = spec.plan;
    if (settle && stage.settle && !(stage.ready?.(plan) ?? true)) {
      plan = structuredClone(plan);
      stage.settle(a, plan);
    }
    const result = stage.run(this.engine, a, plan, tally);
    return { result, rejects, tally: spec.count ? tally : new Tally(), records, detected, plan: plan === spec.plan ? undefined : plan };
  }

  private batchFor(spec: PassSpec): RecordBatch {
    const key = `${spec.file}\0${spec.settings.maxRecordBytes ?? ''}`;
    let b = this.batches.get(key);
    if (!b) {
      b = new RecordBatch(spec.file, spec.settings.maxRecordBytes);
      this.batches.set(key, b);
    }
    return b;
  }

  /** Bytes from elsewhere, in this engine's memory (the buffer is reused and grown as needed). */
  private copyIn(bytes: Uint8Array): ByteStore {
    if (!this.own || this.own.length < bytes.length) {
      this.own?.free();
      const n = Math.max(bytes.length, 1 << 20);
      this.own = this.engine.alloc ? this.engine.alloc(Uint8Array, n) : plainAlloc(n);
    }
    this.own.view().set(bytes);
    return this.own;
  }

  private adapterFor(format: string, settings: AdaptSettings): void {
    const key = `${format}\0${JSON.stringify(settings.fields ?? {})}\0${settings.score ?? ''}`;
    if (key !== this.adapterKey) {
      this.adapterKey = key;
      this.candidates = undefined;
      this.pairs = undefined;
    }
  }

  private candidateAdapter(format: 'candidates' | 'onpolicy' | 'ultrafeedback', settings: AdaptSettings): CandidateAdapter {
    this.adapterFor(format, settings);
    return (this.candidates ??= new CandidateAdapter(format, settings));
  }

  private pairAdapter(format: 'pairs' | 'hh-rlhf', settings: AdaptSettings): PairAdapter {
    this.adapterFor(format, settings);
    return (this.pairs ??= new PairAdapter(format, settings));
  }
}

/** Membership in an ascending list of record numbers, for records asked in ascending order. */
function wantedIn(list: Int32Array): (recNo: number) => boolean {
  let q = 0;
  return (rec) => {
    while (q < list.length && list[q]! < rec) q++;
    return q < list.length && list[q] === rec;
  };
}

/**
 * Plain buffers for the batches that go to workers (whose buffers are transferred): the workers give them back and
 * they are used again, so a long run allocates a few, not one per batch.
 */
export class BatchBuffers {
  private readonly spare: ArrayBuffer[] = [];
  /** At most `keep` spare buffers are kept. */
  constructor(private readonly keep = 32) {}

  readonly alloc: ByteAlloc = (n) => {
    let buf: ArrayBuffer | undefined;
    for (let i = 0; i < this.spare.length; i++) {
      const b = this.spare[i]!;
      if (b.byteLength >= n && b.byteLength <= 4 * n) {
        buf = b;
        this.spare.splice(i, 1);
        break;
      }
    }
    // 1/8 more, in 64 KiB steps: the next batches (about the same size, a little more or less) fit it again.
    buf ??= new ArrayBuffer(Math.ceil((n + (n >> 3)) / 65536) * 65536);
    const view = new Uint8Array(buf);
    return {
      length: view.length,
      view: () => view,
      free: () => this.give(buf),
    };
  };

  /** A buffer back for reuse (a transferred one, now empty, is dropped). */
  give(b: ArrayBuffer | undefined): void {
    if (b && b.byteLength > 0 && this.spare.length < this.keep && !this.spare.includes(b)) this.spare.push(b);
  }

  /** A spare buffer taken out (to send to a worker), if any. */
  take(): ArrayBuffer | undefined {
    return this.spare.pop();
  }

  /** Bytes `src` in a buffer of the pool, as a view of their length. */
  copy(src: Uint8Array): Uint8Array {
    return copyInto(this.alloc, src);
  }
}

/** Bytes `src` copied into a buffer from `alloc`, as a view of their length (a buffer of their own when empty). */
function copyInto(alloc: ByteAlloc, src: Uint8Array): Uint8Array {
  if (src.length === 0) return new Uint8Array(0);
  const out = alloc(src.length).view().subarray(0, src.length);
  out.set(src);
  return out;
}

/**
 * This thread's buffers for batches' row bytes (BatchRowBuilder.take copies a batch's rows into one; RowEmitter.write
 * gives it back once the rows are written; a spare travels to a worker with each batch and comes back with its
 * rows). A long run reuses a few buffers: left to the garbage collector, megabyte buffers are freed late, tens of
 * megabytes at a time.
 */
export const rowBuffers = new BatchBuffers(4);

/**
 * A framer batch as a batch to send to a worker: its bytes and its record table. Without `alloc` the bytes are a
 * view of the batch's store, whose buffer is transferred (a store of the caller's, in plain memory); with it they
 * are copied into a buffer from `alloc` (a store that stays, e.g. the framer's own in engine memory).
 */
export function batchBytes(b: Batch, alloc?: ByteAlloc): BatchBytes {
  const lo = b.n > 0 ? b.start[0]! : 0;
  const hi = b.n > 0 ? b.end[b.n - 1]! : 0;
  const start = b.start.slice();
  const end = b.end.slice();
  for (let r = 0; r < b.n; r++) {
    start[r]! -= lo;
    end[r]! -= lo;
  }
  const view = b.store.view().subarray(lo, hi);
  // With `alloc`, the batch's bytes in a buffer of their own (the store stays with its owner; this one travels).
  const bytes = alloc ? copyInto(alloc, view) : view;
  return { bytes, offset: b.offset, n: b.n, start, end, line: b.line, index: b.index, large: b.large };
}

/** Buffers to transfer with a batch sent to a worker. */
export function batchTransfer(b: BatchBytes): ArrayBuffer[] {
  const t = [b.bytes.buffer as ArrayBuffer, b.start.buffer as ArrayBuffer, b.end.buffer as ArrayBuffer, b.line.buffer as ArrayBuffer, b.index.buffer as ArrayBuffer, b.offset.buffer as ArrayBuffer];
  if (b.spare) t.push(b.spare);
  return t;
}

/**
 * A worker's side of a pool: processes the batches it is sent with its own engine, running stages from `stages`.
 * Returns the outcome and the buffers to transfer back.
 */
export function batchWorker(engine: RunEngine, stages: StageRegistry): (spec: PassSpec, batch: BatchBytes) => { value: BatchOutcome; transfer: ArrayBuffer[] } {
  const processor = new BatchProcessor(engine);
  return (spec, batch) => {
    const stage = stages[spec.stage];
    if (!stage) throw new Error(`pairsmith: internal error: no stage '${spec.stage}' in this worker`);
    rowBuffers.give(batch.spare);
    const value = processor.process(spec, stage, batch);
    const transfer = outcomeTransfer(value, stage);
    // The input buffer goes back for the next batch (its bytes are in this engine's memory now).
    const input = batch.bytes.buffer as ArrayBuffer;
    if (!transfer.includes(input)) {
      value.returned = input;
      transfer.push(input);
    }
    return { value, transfer };
  };
}

/** An error a worker raised, as the main thread raises it (a usage error stays one; others name the worker). */
export function reviveError(name: string, message: string, stack?: string): Error {
  if (name === 'UsageError') return new UsageError(message);
  const e = new Error(message.startsWith('pairsmith:') ? message : `pairsmith: in a worker thread: ${message}`);
  e.name = name;
  if (stack) e.stack = `${e.name}: ${e.message}\n${stack.split('\n').slice(1).join('\n')}`;
  return e;
}

/**
 * Runs batches somewhere else (worker threads, Web Workers), each worker with its own engine and a processor over
 * the same stage registry. Results may resolve in any order; the caller consumes them in input order.
 */
export interface BatchPool {
  /** Workers in the pool. */
  readonly size: number;
  /** Calls in flight (sent, not yet answered). */
  readonly busy: number;
  run(spec: PassSpec, batch: BatchBytes): Promise<BatchOutcome>;
  /** Stops the workers. */
  close(): Promise<void>;
}
