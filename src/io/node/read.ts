// Streaming input (Node): .jsonl, .jsonl.gz (any gzip input is detected by its magic bytes), .json (one
// array), .parquet and `-` (stdin), yielded in chunks of at most `chunkSize` records. Memory is bounded by
// one chunk (plus, for Parquet, one row group).
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { pipeline, Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { RecordDecoder, RowDecoder, type CountedRow, type DecodeOptions, type DecodedRows, type RowAdapter, type RowDecodeOptions } from '../decoder.js';
import { ArraySplitter, LineSplitter } from '../splitters.js';
import type { InputRecord, RawItem, Reject } from '../types.js';

export const DEFAULT_CHUNK_SIZE = 1000;

/** How an input path is read: .parquet, JSON Lines, or sniffed (`.json` and `-`: an array if it starts with '['). */
export type InputKind = 'jsonl' | 'parquet' | 'sniff';

export function inputKind(path: string): InputKind {
  if (path === '-') return 'sniff';
  const p = path.toLowerCase().replace(/\.gz$/, '');
  if (p.endsWith('.parquet')) return 'parquet';
  if (p.endsWith('.json')) return 'sniff';
  return 'jsonl';
}

export interface SourceOptions {
  /** Base for relative paths (default process.cwd()). */
  cwd?: string;
  /** The stream read for `-`. */
  stdin?: Readable;
  /** Records per chunk (default 1000). */
  chunkSize?: number;
  /** Called with the number of raw (on-disk) bytes as they are read, for progress. */
  onBytes?: (n: number) => void;
}

/** Thrown when an input cannot be opened or read (missing file, corrupt gzip, bad Parquet). */
export class InputError extends Error {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
    this.name = 'InputError';
  }
}

async function* sniffGzip(src: Readable, shown: string, onBytes?: (n: number) => void): AsyncGenerator<Buffer> {
  const it = src[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await it.next();
  if (first.done) return;
  const head = Buffer.from(first.value);
  if (head.length >= 4 && head.toString('latin1', 0, 4) === 'PAR1') {
    throw new InputError(shown, shown === '-' ? 'Parquet cannot be read from stdin (it needs random access); pass the file path' : 'this is a Parquet file: give it a .parquet name');
  }
  async function* raw(): AsyncGenerator<Buffer> {
    onBytes?.(head.length);
    yield head;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      onBytes?.(n.value.length);
      yield n.value;
    }
  }
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const gz = pipeline(Readable.from(raw()), createGunzip(), () => {});
    for await (const c of gz) yield c as Buffer;
  } else yield* raw();
}

/** The raw items (parsed values or parse failures) of one input, in chunks. */
export async function* readRawItems(path: string, o: SourceOptions = {}): AsyncGenerator<RawItem[]> {
  const chunkSize = Math.max(1, o.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const kind = inputKind(path);
  const full = path === '-' ? '-' : resolve(o.cwd ?? process.cwd(), path);
  if (kind === 'parquet') {
    // Loaded on demand: the Parquet library costs a fresh process a quarter of a second to load.
    const { readParquetItems } = await import('./parquet-read.js');
    yield* readParquetItems(full, path, chunkSize, o.onBytes);
    return;
  }
  let src: Readable;
  if (path === '-') {
    if (!o.stdin) throw new InputError('-', 'no standard input available');
    src = o.stdin;
  } else src = createReadStream(full, { highWaterMark: 1 << 20 });
  const decoder = new StringDecoder('utf8');
  // .json and `-` are sniffed: a JSON array if the text starts with '[', else JSON Lines (a .json file that
  // holds JSON Lines is a common misnaming).
  let splitter: LineSplitter | ArraySplitter | undefined = kind === 'jsonl' ? new LineSplitter() : undefined;
  let pending = '';
  let out: RawItem[] = [];
  try {
    for await (const buf of sniffGzip(src, path, o.onBytes)) {
      let text = decoder.write(buf);
      if (!splitter) {
        pending += text;
        const t = pending.trimStart();
        if (t === '') continue;
        splitter = t[0] === '[' ? new ArraySplitter() : new LineSplitter();
        text = pending;
        pending = '';
      }
      splitter.push(text, out);
      while (out.length >= chunkSize) {
        yield out.slice(0, chunkSize);
        out = out.slice(chunkSize);
      }
    }
    const tail = decoder.end();
    if (!splitter) splitter = new LineSplitter();
    if (tail) splitter.push(tail, out);
    splitter.end(out);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(path, `read failed: ${(e as Error).message}`, { cause: e });
  }
  while (out.length > 0) {
    yield out.slice(0, chunkSize);
    out = out.slice(chunkSize);
  }
}

export interface ReadOptions extends SourceOptions, Omit<DecodeOptions, 'file'> {}

/** Decoded records and rejects of one chunk. */
export interface RecordChunk {
  records: InputRecord[];
  rejects: Reject[];
}

/**
 * Reads one input as normalized records, in chunks. Counts into `o.tally`; with `onError: 'fail'` throws
 * BadRecordError at the first bad record. The decoder (for the chosen format) is available via `onDecoder`.
 */
export async function* readRecords(path: string, o: ReadOptions & { onDecoder?: (d: RecordDecoder) => void }): AsyncGenerator<RecordChunk> {
  const dec = new RecordDecoder({ ...o, file: path });
  o.onDecoder?.(dec);
  for await (const items of readRawItems(path, o)) {
    const c = dec.push(items);
    if (c.records.length || c.rejects.length) yield c;
  }
  const c = dec.finish();
  if (c.records.length || c.rejects.length) yield c;
}

export interface ReadRowsOptions extends SourceOptions, Omit<RowDecodeOptions, 'file'> {}

/**
 * Reads one input as plain rows checked by `adapt` (inputs that are not candidate/pair records, e.g. the
 * log-probs of `loss`), in chunks, with the same files, parsing and reject rules as readRecords.
 */
export async function* readRows<T extends CountedRow>(path: string, adapt: RowAdapter<T>, o: ReadRowsOptions): AsyncGenerator<DecodedRows<T>> {
  const dec = new RowDecoder({ file: path, tally: o.tally, onError: o.onError }, adapt);
  for await (const items of readRawItems(path, o)) {
    const c = dec.push(items);
    if (c.rows.length || c.rejects.length) yield c;
  }
}
