// The one reader: bytes (a file, gzip, stdin, File.stream(), Parquet rows serialised as JSON Lines) -> framed
// batches of whole records -> validated and indexed by the engine's indexRecords kernel, ready for the format
// adapters. Memory: one batch (about 1 MiB of records) plus the longest record. Platform neutral: the byte source is
// any async iterable of Uint8Array chunks.
import { DEFAULT_MAX_DEPTH, type JsonKernels } from '../kernels/json.js';
import type { ResidentBuffer } from '../kernels/types.js';
import { DEFAULT_MAX_RECORD_BYTES, Framer, type ByteStore, type FramingMode } from './framer.js';
import { RecordBatch } from './records.js';

/** What the reader needs of an engine: engine-owned byte buffers and the record indexer. */
export interface ReaderEngine extends Pick<JsonKernels, 'indexRecords'> {
  alloc?(type: Uint8ArrayConstructor, n: number): ResidentBuffer<Uint8Array>;
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
}

function isResident(s: ByteStore): s is ByteStore & ResidentBuffer<Uint8Array> {
  return 'type' in s && (s as ResidentBuffer<Uint8Array>).type === Uint8Array;
}

/**
 * The records of one input, batch by batch. Each yielded batch (and its index) is valid until the next one is
 * requested. Framing errors (text after a JSON array, ...) throw FramingError.
 */
export async function* readBatches(source: AsyncIterable<Uint8Array>, engine: ReaderEngine, o: ReadOptions): AsyncGenerator<RecordBatch> {
  const framer = new Framer({
    alloc: engine.alloc ? (n) => engine.alloc!(Uint8Array, n) : undefined,
    mode: o.framing ?? 'jsonl',
    maxRecordBytes: o.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
    indexOf: o.indexOf,
    batchBytes: o.batchBytes,
    batchRecords: o.batchRecords,
  });
  const batch = new RecordBatch(o.file, o.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES);
  const maxDepth = o.maxDepth ?? DEFAULT_MAX_DEPTH;
  const index = (b: NonNullable<ReturnType<Framer['take']>>): RecordBatch => {
    o.onBytes?.(b.bytes);
    batch.set(b);
    engine.indexRecords(isResident(b.store) ? b.store : b.store.view(), b.start, b.end, batch.index, { maxDepth });
    return batch;
  };
  try {
    for await (const chunk of source) {
      framer.push(chunk);
      for (let b = framer.take(); b; b = framer.take()) yield index(b);
    }
    framer.end();
    for (let b = framer.take(true); b; b = framer.take(true)) yield index(b);
  } finally {
    framer.free();
  }
}
