// The one reader: bytes (a file, gzip, stdin, File.stream(), Parquet rows serialised as JSON Lines) -> framed
// batches of whole records -> validated and indexed by the engine's indexRecords kernel, ready for the format
// adapters. Memory: one batch (about 1 MiB of records) plus the longest record. Platform neutral: the byte source is
// any async iterable of Uint8Array chunks.
import { DEFAULT_MAX_DEPTH, type JsonKernels } from '../kernels/json.js';
import type { ResidentBuffer } from '../kernels/types.js';
import { DEFAULT_MAX_RECORD_BYTES, Framer, type Batch, type ByteAlloc, type ByteStore, type FramingMode, type Origin } from './framer.js';
import { RecordBatch } from './records.js';

/** What the reader needs of an engine: engine-owned byte buffers and the record indexer. */
export interface ReaderEngine extends Pick<JsonKernels, 'indexRecords'> {
  alloc?(type: Uint8ArrayConstructor, n: number, o?: { zero?: boolean }): ResidentBuffer<Uint8Array>;
}

/** Reads an input from its start into the caller's buffers (no copy); resolves 0 at the end. */
export interface DirectReader {
  read(into: Uint8Array): Promise<number>;
  close(): void;
}

export interface ReadOptions {
  /** The name rejects and messages use (`-` for stdin). */
  file: string;
  framing?: FramingMode;
  /** Records over this many bytes are rejected as too_large without being buffered (default 256 MiB). */
  maxRecordBytes?: number;
  /** Records nested deeper are rejected as too_deep (default 512). */
  maxDepth?: number;
  /** A fast byte search (Node passes Buffer's native indexOf). */
  indexOf?: (buf: Uint8Array, byte: number, from: number) => number;
  /** Batch size in bytes of records (default 1 MiB). */
  batchBytes?: number;
  /** At most this many records per batch (default: no limit). */
  batchRecords?: number;
  /** Told the input bytes consumed with each batch (progress). */
  onBytes?: (n: number) => void;
  /** Where the source's bytes start in the whole input (a shard). */
  origin?: Origin;
}

function isResident(s: ByteStore): s is ByteStore & ResidentBuffer<Uint8Array> {
  return 'type' in s && (s as ResidentBuffer<Uint8Array>).type === Uint8Array;
}

/**
 * The framed batches of one input (whole records, not yet indexed). Each batch is valid until the next one is
 * requested. Framing errors (text after a JSON array, ...) throw FramingError.
 */
export async function* frameBatches(source: AsyncIterable<Uint8Array> | DirectReader, alloc: ByteAlloc | undefined, o: ReadOptions): AsyncGenerator<Batch> {
  const framer = new Framer({
    alloc,
    mode: o.framing ?? 'jsonl',
    maxRecordBytes: o.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
    indexOf: o.indexOf,
    batchBytes: o.batchBytes,
    batchRecords: o.batchRecords,
    origin: o.origin,
  });
  const READ = 1 << 20;
  try {
    if ('read' in source) {
      // Read straight into the framer's buffer.
      for (;;) {
        const n = await source.read(framer.space(READ).subarray(0, READ));
        if (n <= 0) break;
        framer.wrote(n);
        for (let b = framer.take(); b; b = framer.take()) {
          o.onBytes?.(b.bytes);
          yield b;
        }
      }
    } else {
      for await (const chunk of source) {
        framer.push(chunk);
        for (let b = framer.take(); b; b = framer.take()) {
          o.onBytes?.(b.bytes);
          yield b;
        }
      }
    }
    framer.end();
    for (let b = framer.take(true); b; b = framer.take(true)) {
      o.onBytes?.(b.bytes);
      yield b;
    }
  } finally {
    framer.free();
    if ('read' in source) source.close();
  }
}

/** Byte buffers in engine memory (the indexer reads them in place), when the engine has memory of its own. */
export function engineAlloc(engine: Pick<ReaderEngine, 'alloc'>): ByteAlloc | undefined {
  // The framer writes every byte before it reads it: no zero-fill (a batch store is several MiB).
  return engine.alloc ? (n) => engine.alloc!(Uint8Array, n, { zero: false }) : undefined;
}

/**
 * The records of one input, batch by batch, indexed. Each yielded batch (and its index) is valid until the next one
 * is requested.
 */
export async function* readBatches(source: AsyncIterable<Uint8Array>, engine: ReaderEngine, o: ReadOptions): AsyncGenerator<RecordBatch> {
  const batch = new RecordBatch(o.file, o.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES);
  const maxDepth = o.maxDepth ?? DEFAULT_MAX_DEPTH;
  for await (const b of frameBatches(source, engineAlloc(engine), o)) {
    batch.set(b);
    engine.indexRecords(isResident(b.store) ? b.store : b.store.view(), b.start, b.end, batch.index, { maxDepth });
    yield batch;
  }
}
