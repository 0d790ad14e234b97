// One pass of a data command over its input: the one reader (framing + the indexRecords kernel), format detection
// from the first object record, the format adapters, the tally and the rejects. Commands consume the adapted
// batches (candidate or pair columns) and write rows; two-pass commands (select, curate, route) run a second,
// uncounted pass over the same input. Runtime neutral: the input is any re-openable byte source.
import type { Detection } from '../io/detect.js';
import { plainAlloc, type Batch, type ByteAlloc, type ByteStore, type FramingMode, type Origin } from '../io/framer.js';
import { adaptRecords, FieldProblem, type CountedRow, type RowAdapter } from '../io/adapt.js';
import { Tally } from '../io/manifest.js';
import { engineAlloc, frameBatches, readBatches, type DirectReader } from '../io/reader.js';
import type { RecordBatch, Reject } from '../io/records.js';
import { BadRecordError, type FieldOverrides, type FormatName, type OnError, type ScoreMode } from '../io/types.js';
import {
  addCounts,
  BatchBuffers,
  BatchProcessor,
  rowBuffers,
  batchBytes,
  type AdaptedBatch,
  type BatchOutcome,
  type BatchPool,
  type PassSpec,
  type RunEngine,
  type Stage,
} from './tasks.js';

export { FormatDetectionError, type AdaptedBatch } from './tasks.js';

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
  /** Sequential reads of the bytes open() yields into the reader's buffers, without a copy (a plain file). */
  direct?(): DirectReader;
  /**
   * Where open()'s bytes start in the whole input, when they are a part of it (a shard): record numbers, lines and
   * offsets (pread's too) stay those of the whole input.
   */
  origin?: Origin;
  /** A part of an input: the whole input, whose first records decide the format and the file's text form. */
  head?(): JobInput;
}

/** Records to read again by position (a second pass): their numbers, lines and byte ranges in the input. */
export interface RecordRanges {
  n: number;
  index: Int32Array;
  line: Int32Array;
  offset: Float64Array;
  length: Int32Array;
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
  /** Bytes of records per batch (default 1 MiB). Results never depend on it. */
  batchBytes?: number;
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

/** A batch of a pass in flight: its outcome once settled (or the error), and its input bytes (progress). */
interface Pending {
  done: boolean;
  out?: BatchOutcome;
  error?: unknown;
  bytes: number;
  settled: Promise<void>;
}

/** Where a pass's batches run (see Job.scheduler). */
interface Scheduler {
  pool: BatchPool | undefined;
  /** Plain buffers of the batches that go to workers (given back with their outcomes). */
  buffers: BatchBuffers;
  plan: unknown;
  toWorker: boolean;
  detach: () => boolean;
}

/** The inline stage of pass(): the adapted batch itself (valid until the next one; never sent to a worker). */
const ADAPTED: Stage<null, AdaptedBatch> = { name: 'adapted', run: (_e, a) => a };

export class Job {
  readonly tally = new Tally();
  private fmt: FormatName | undefined;
  private detection: Detection | undefined;
  private readonly processor: BatchProcessor;

  constructor(
    readonly engine: RunEngine,
    readonly input: JobInput,
    readonly settings: ReadSettings,
    readonly hooks: JobHooks = {},
    /** Workers that run the batches of pool-ready stages (none: every batch runs here). */
    private pool?: BatchPool,
  ) {
    if (settings.format !== 'auto') this.fmt = settings.format;
    this.processor = new BatchProcessor(engine);
  }

  /**
   * How many of something (pairs, prompts) the whole input holds, extrapolated from `sofar` in the bytes read so
   * far, 2% over (so that one sizing usually does); 0 when the input's size is not known.
   */
  expected(sofar: number): number {
    const size = this.input.size;
    return size !== undefined && this.bytesRead > 0 ? (sofar * size * 1.02) / this.bytesRead : 0;
  }

  /** Stops the workers: later passes run on this thread (for a job whose remaining work is small). */
  async releaseWorkers(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
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

  /** Frees the engine memory the job holds between passes. */
  free(): void {
    this.processor.free();
  }

  private readOptions(onBytes?: (n: number) => void) {
    return {
      file: this.input.name,
      framing: this.input.framing,
      maxRecordBytes: this.settings.maxRecordBytes,
      maxDepth: this.settings.maxDepth,
      batchRecords: this.settings.batchRecords,
      batchBytes: this.settings.batchBytes,
      indexOf: this.hooks.indexOf,
      origin: this.input.origin,
      onBytes,
    };
  }

  /** The raw batches of one pass (indexed, not adapted): for row commands that decode their records. */
  batches(): AsyncGenerator<RecordBatch> {
    this.bytesRead = 0;
    return readBatches(this.input.open(), this.engine, this.readOptions((n) => (this.bytesRead += n)));
  }

  /**
   * One pass: every batch adapted to the input's format. With `count` (the first pass) the tally counts every record
   * and rejects go to the hooks (and throw BadRecordError under --on-error fail); a second pass counts nothing, and
   * `wanted` (ascending record numbers) limits the adapting to the records it needs. Runs on this thread.
   */
  pass(count = true, wanted?: Int32Array): AsyncGenerator<AdaptedBatch> {
    return this.run(ADAPTED, null, { count, wanted, inline: true });
  }

  /**
   * One pass of a stage: its result for each batch (with at least one record adapted), in input order. With a pool,
   * batches run in its workers once the format is known and the plan is ready, and on this thread while every
   * worker has enough to do; counting as in pass().
   */
  run<P, R>(stage: Stage<P, R>, plan: P, o: { count?: boolean; wanted?: Int32Array; inline?: boolean } = {}): AsyncGenerator<R> {
    this.bytesRead = 0;
    const sched = this.scheduler(stage, o.inline === true);
    const source = this.input.direct?.() ?? this.input.open();
    // The framer's store is engine memory (the indexer reads batches run here in place); a batch for a worker is
    // copied out of it into a buffer that travels (about 1 MiB: cheaper than a copy into engine memory here).
    const framed = frameBatches(source, engineAlloc(this.engine), this.readOptions());
    return this.dispatch(framed, stage, plan, o.count ?? true, o.wanted, sched, true);
  }

  /**
   * A part of an input (a shard) decides nothing itself: the format and the plan's file-level fields (text form, ...)
   * come from the whole input's first records, read here (uncounted) until they are known.
   */
  private async settleFromStart<P>(stage: Stage<P, unknown>, plan: P): Promise<P> {
    const ready = (): boolean => this.fmt !== undefined && (stage.ready?.(plan) ?? true);
    const head = this.input.head?.();
    if (ready() || !head) return plan;
    const spec: PassSpec = {
      stage: stage.name,
      plan,
      file: head.name,
      settings: { fields: this.settings.fields, score: this.settings.score, maxDepth: this.settings.maxDepth, maxRecordBytes: this.settings.maxRecordBytes },
      format: this.fmt,
      count: false,
    };
    const source = head.direct?.() ?? head.open();
    const framed = frameBatches(source, engineAlloc(this.engine), { ...this.readOptions(), origin: undefined, batchRecords: undefined });
    try {
      for await (const b of framed) {
        const out = this.processor.process(spec, stage as Stage, b, true);
        if (out.detected && this.fmt === undefined) {
          this.fmt = out.detected.format;
          this.detection = out.detected;
          this.hooks.detected?.(out.detected);
        }
        if (out.plan !== undefined) plan = spec.plan = out.plan as P;
        spec.format = this.fmt;
        if (ready()) break;
      }
    } finally {
      await framed.return(undefined);
    }
    return plan;
  }

  /**
   * A second pass of a stage over only the given records (ascending offsets), read by position (input.pread): each
   * batch holds about 1 MiB of them, uncounted. Nearby records are read with one call.
   */
  runRanges<P, R>(stage: Stage<P, R>, plan: P, recs: RecordRanges, o: { inline?: boolean } = {}): AsyncGenerator<R> {
    const sched = this.scheduler(stage, o.inline === true);
    return this.dispatch(this.ranges(recs, sched.detach, sched.buffers.alloc), stage, plan, false, undefined, sched);
  }

  /** passRanges as adapted batches (on this thread). */
  passRanges(recs: RecordRanges): AsyncGenerator<AdaptedBatch> {
    return this.runRanges(ADAPTED, null, recs, { inline: true });
  }

  /**
   * Where the next batch runs: in a worker when the stage can (format known, plan ready) and a worker has fewer
   * than two batches waiting; else here. `detach` decides it for each batch (asked by the second pass's reader
   * before it reads a batch, which then gets a buffer of its own, or by dispatch as a framed batch arrives);
   * `toWorker` then says where that batch goes.
   */
  private scheduler(stage: Stage<any, any>, inline: boolean): Scheduler { // eslint-disable-line @typescript-eslint/no-explicit-any
    const pool = inline ? undefined : this.pool;
    const sched: Scheduler = {
      pool,
      buffers: new BatchBuffers(),
      plan: undefined,
      toWorker: false,
      detach: () => {
        sched.toWorker = pool !== undefined && this.fmt !== undefined && (stage.ready?.(sched.plan) ?? true) && pool.busy < 2 * pool.size;
        return sched.toWorker;
      },
    };
    return sched;
  }

  /**
   * Runs `stage` on each batch of `source`, here or in a worker, and yields the results in input order. With
   * `copyOut` the source's batches stay in its store: where each goes is decided here and a worker's is copied out;
   * without, the source asked sched.detach as it framed each batch and gave a worker's its own buffer.
   */
  private async *dispatch<P, R>(source: AsyncGenerator<Batch>, stage: Stage<P, R>, plan: P, count: boolean, wanted: Int32Array | undefined, sched: Scheduler, copyOut = false): AsyncGenerator<R> {
    let spec: PassSpec = {
      stage: stage.name,
      plan,
      file: this.input.name,
      settings: { fields: this.settings.fields, score: this.settings.score, maxDepth: this.settings.maxDepth, maxRecordBytes: this.settings.maxRecordBytes },
      format: this.fmt,
      count,
      wanted,
    };
    if (this.input.origin && (this.input.origin.offset > 0 || this.input.origin.record > 0)) {
      plan = await this.settleFromStart(stage, plan);
      spec = { ...spec, plan, format: this.fmt };
    }
    sched.plan = plan;
    const pool = sched.pool;
    // Batches in input order: done here (an outcome) or out in a worker (settled later).
    const queue: Pending[] = [];
    // Each waiting batch holds its rows (augment's are 2.7x its input): enough to keep every worker fed, no more.
    const MAX_QUEUE = pool ? 2 * pool.size + 2 : 0;
    let records = 0;
    const finish = async (out: BatchOutcome, bytes: number): Promise<R | undefined> => {
      if (out.detected && this.fmt === undefined) {
        this.fmt = out.detected.format;
        this.detection = out.detected;
        this.hooks.detected?.(out.detected);
      }
      if (out.plan !== undefined || spec.format !== this.fmt) {
        spec = { ...spec, plan: (out.plan ?? spec.plan) as P, format: this.fmt };
        sched.plan = spec.plan;
      }
      this.bytesRead += bytes;
      records += out.records;
      if (count) {
        addCounts(this.tally, out.tally);
        if (out.rejects.length > 0) {
          if (this.settings.onError === 'fail') throw new BadRecordError(out.rejects[0]!);
          await this.hooks.rejects?.(out.rejects);
        }
        this.hooks.progress?.(this.bytesRead, records);
      }
      return out.result as R | undefined;
    };
    const head = async (): Promise<R | undefined> => {
      const p = queue.shift()!;
      if (!p.done) await p.settled;
      if (p.error !== undefined) throw p.error;
      return finish(p.out!, p.bytes);
    };
    try {
      for await (const b of source) {
        if (copyOut) sched.detach();
        if (sched.toWorker && pool) {
          const p: Pending = { done: false, bytes: b.bytes, settled: Promise.resolve() };
          const bb = batchBytes(b, copyOut ? sched.buffers.alloc : undefined);
          // A buffer for the worker's rows rides along (they come back in it: rowBuffers).
          bb.spare = rowBuffers.take();
          p.settled = pool.run(spec, bb).then(
            (out) => {
              sched.buffers.give(out.returned);
              p.out = out;
              p.done = true;
            },
            (e: unknown) => {
              p.error = e;
              p.done = true;
            },
          );
          queue.push(p);
        } else {
          const out = this.processor.process(spec, stage as Stage, b, true);
          if (queue.length === 0) {
            // Nothing waits before it: its result goes out now (it may refer to the batch, valid until the next).
            const r = await finish(out, b.bytes);
            if (r !== undefined) yield r;
            continue;
          }
          queue.push({ done: true, out, bytes: b.bytes, settled: Promise.resolve() });
        }
        // Results that are ready go out; when too many wait, the oldest is waited for.
        while (queue.length > 0 && (queue[0]!.done || queue.length >= MAX_QUEUE)) {
          const r = await head();
          if (r !== undefined) yield r;
        }
      }
      while (queue.length > 0) {
        const r = await head();
        if (r !== undefined) yield r;
      }
    } finally {
      // A pass left early (an error, a consumer that stopped): the batches still out are waited for, their errors dropped.
      for (const p of queue) void p.settled;
      await source.return(undefined);
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
      const rejects = adaptRecords(batch, tally, undefined, {
        mark: () => {},
        rollback: () => {},
        record: (_fields, r) => {
          const obj = batch.decode(batch.start[r]!, batch.end[r]!) as Record<string, unknown>;
          const row = adapt(obj, { index: batch.recNo[r]!, line: batch.line[r]! });
          tally.candidatesRead += row.candidates ?? 0;
          if (row.excluded) for (const why of row.excluded.values()) tally.exclude(why);
          out.push(row);
        },
      });
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
   * The given records as batches (about 1 MiB each) read by position; nearby records are read with one call. A
   * batch for which `detach` says true is read into a buffer of its own (it goes to a worker).
   */
  private async *ranges(recs: RecordRanges, detach: () => boolean, own: ByteAlloc): AsyncGenerator<Batch> {
    const pread = this.input.pread;
    if (!pread) throw new Error('pairsmith: internal error: a pass by position needs an input with random access');
    const engine = this.engine;
    const alloc = (n: number): ByteStore => (engine.alloc ? engine.alloc(Uint8Array, n) : plainAlloc(n));
    let reused = alloc(1 << 21);
    let store = reused;
    try {
      let i = 0;
      while (i < recs.n) {
        if (detach()) store = own(1 << 21);
        else if (store !== reused) store = reused;
        let got = readBatch(recs, i, store, pread);
        if (typeof got === 'number') {
          // One record larger than the buffer: a larger one.
          if (store === reused) {
            reused.free();
            reused = store = alloc(2 * got);
          } else store = own(2 * got);
          got = readBatch(recs, i, store, pread) as Exclude<typeof got, number>;
        }
        const { j, start, end } = got;
        const n = j - i;
        const first = i;
        i = j;
        yield {
          store,
          offset: recs.offset.slice(first, first + n),
          n,
          start,
          end,
          line: recs.line.slice(first, first + n),
          index: recs.index.slice(first, first + n),
          large: [],
          bytes: 0,
        };
      }
    } finally {
      reused.free();
      if (store !== reused) store.free();
    }
  }
}

/** Records closer than this (bytes between them) are read with one call. */
const READ_GAP = 4096;

/**
 * Reads records i, i + 1, ... of `recs` into `store` while they fit (at least record i; runs of nearby records with
 * one call): the end j of the batch and each record's bytes in the store; or, when record i alone does not fit, the
 * bytes of store it needs (nothing read). A plain function, not part of the generator: its loops get optimized.
 */
function readBatch(
  recs: RecordRanges,
  i: number,
  store: ByteStore,
  pread: NonNullable<JobInput['pread']>,
): { j: number; start: Int32Array; end: Int32Array } | number {
  const cap = store.length;
  const start: number[] = [];
  const end: number[] = [];
  let fill = 0;
  let j = i;
  while (j < recs.n && (j === i || fill + recs.length[j]! <= cap)) {
    const runStart = recs.offset[j]!;
    let runEnd = runStart + recs.length[j]!;
    let k = j + 1;
    while (k < recs.n && recs.offset[k]! - runEnd < READ_GAP && recs.offset[k]! + recs.length[k]! - runStart + fill <= cap) {
      runEnd = Math.max(runEnd, recs.offset[k]! + recs.length[k]!);
      k++;
    }
    const bytes = runEnd - runStart;
    if (fill + bytes > cap) {
      if (j > i) break;
      return bytes;
    }
    pread(store.view(), fill, runStart, bytes);
    for (let x = j; x < k; x++) {
      start.push(fill + recs.offset[x]! - runStart);
      end.push(fill + recs.offset[x]! - runStart + recs.length[x]!);
    }
    fill += bytes;
    j = k;
  }
  return { j, start: Int32Array.from(start), end: Int32Array.from(end) };
}
