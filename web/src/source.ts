// A local file as the pipeline's re-openable input (JobInput), in the browser: JSON Lines or a JSON array streamed
// from File.stream(), gzip through DecompressionStream (fflate for multi-member files, which Chromium's stream
// refuses), Parquet through hyparquet reading slices of the File (rows as JSON Lines, as the CLI reads them).
// In a worker a plain file also gets positional reads (FileReaderSync), so pass 2 reads only the records it needs.
// Every source reports the file bytes it has consumed, for the progress bar.
import { Gunzip } from 'fflate';
import { parquetMetadataAsync, parquetReadObjects, type AsyncBuffer } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { FramingMode } from '../../src/io/framer.js';
import type { JobInput } from '../../src/pipeline/job.js';
import { InputError, parquetLines, type ParquetReader } from '../../src/io/parquet-read.js';

export type SourceKind = 'jsonl' | 'gzip' | 'parquet';

export const KIND_LABEL: Record<SourceKind, string> = { jsonl: 'JSON Lines / JSON', gzip: 'gzip', parquet: 'Parquet' };

export { InputError };

/** The kind of a file by its first bytes: Parquet (PAR1), gzip (1f 8b), else text. */
export async function sniffKind(file: Blob): Promise<SourceKind> {
  const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  if (head.length >= 4 && String.fromCharCode(...head) === 'PAR1') return 'parquet';
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  return 'jsonl';
}

/** Framing as the CLI chooses it: `.json` (and pasted text, like stdin) is sniffed (an array or lines), else JSON Lines. */
export function framingOf(name: string, pasted = false): FramingMode {
  if (pasted) return 'sniff';
  return name.toLowerCase().replace(/\.gz$/, '').endsWith('.json') ? 'sniff' : 'jsonl';
}

/** Where a source is: file bytes consumed in the current pass, and which pass (1, 2, ...). */
export interface ReadProgress {
  pass: number;
  bytes: number;
}

async function* chunksOf(stream: ReadableStream<Uint8Array>, counted?: (n: number) => void): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      counted?.(value.length);
      yield value;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** Node's read size (src/io/node/source.ts READ_CHUNK): the CLI reads a plain file in chunks of exactly this size. */
export const READ_CHUNK = 1 << 20;

/**
 * A plain file's bytes from File.stream(), handed on in the chunks the CLI reads (1 MiB from offset 0, one reused
 * buffer: the framer copies what it keeps), so the framer cuts the CLI's batches.
 */
async function* fileChunks(file: Blob, end: number, counted: (n: number) => void): AsyncGenerator<Uint8Array> {
  const buf = new Uint8Array(Math.min(READ_CHUNK, Math.max(1, end)));
  let fill = 0;
  for await (const c of chunksOf((end < file.size ? file.slice(0, end) : file).stream())) {
    let at = 0;
    while (at < c.length) {
      const k = Math.min(c.length - at, buf.length - fill);
      buf.set(c.subarray(at, at + k), fill);
      fill += k;
      at += k;
      if (fill === buf.length) {
        counted(fill);
        yield buf;
        fill = 0;
      }
    }
  }
  if (fill > 0) {
    counted(fill);
    yield buf.subarray(0, fill);
  }
}

/** A stream of file chunks that counts them. */
function countedStream(file: Blob, counted: (n: number) => void): ReadableStream<Uint8Array> {
  const reader = file.stream().getReader();
  return new ReadableStream<Uint8Array>({
    async pull(c) {
      const { done, value } = await reader.read();
      if (done) c.close();
      else {
        counted(value.length);
        c.enqueue(value);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

const MULTI_MEMBER = /junk|trailing/i;

/**
 * The decompressed bytes of a gzip file. Chromium's DecompressionStream stops at the end of the first gzip member
 * ("Junk found after end of compressed data"); a multi-member file (pairsmith writes one member per MiB) is then
 * read again with fflate, skipping what was already yielded.
 */
async function* gunzip(file: Blob, name: string, counted: (n: number) => void): AsyncGenerator<Uint8Array> {
  let yielded = 0;
  let read = 0;
  const count = (n: number): void => {
    read += n;
    counted(n);
  };
  try {
    for await (const c of chunksOf(countedStream(file, count).pipeThrough(new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>))) {
      yielded += c.length;
      yield c;
    }
    return;
  } catch (e) {
    if (!MULTI_MEMBER.test(String((e as Error).message))) throw new InputError(name, `cannot decompress: ${(e as Error).message}`);
  }
  // Again from the start with fflate (it reads every member); progress counts only the bytes past the first try.
  let skip = yielded;
  const out: Uint8Array[] = [];
  const g = new Gunzip((chunk) => out.push(chunk));
  let again = 0;
  const reader = file.stream().getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      try {
        g.push(done ? new Uint8Array(0) : value, done);
      } catch (e) {
        throw new InputError(name, `cannot decompress: ${(e as Error).message}`);
      }
      if (!done) {
        again += value.length;
        if (again > read) {
          counted(again - read);
          read = again;
        }
      }
      for (let c of out.splice(0)) {
        if (skip > 0) {
          const k = Math.min(skip, c.length);
          skip -= k;
          c = c.subarray(k);
          if (c.length === 0) continue;
        }
        yield c;
      }
      if (done) break;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}


/** A File as hyparquet's AsyncBuffer (slices read on demand). */
function fileBuffer(file: Blob): AsyncBuffer {
  return { byteLength: file.size, slice: (start, end) => file.slice(start, end).arrayBuffer() };
}


interface SyncReader {
  readAsArrayBuffer(b: Blob): ArrayBuffer;
}
declare const FileReaderSync: { new (): SyncReader } | undefined;

/** Positional reads of a File (workers only: FileReaderSync); undefined elsewhere. */
function preader(file: Blob, name: string, at: (offset: number) => void): JobInput['pread'] {
  if (typeof FileReaderSync === 'undefined') return undefined;
  const r = new FileReaderSync();
  return (into, to, offset, length) => {
    const b = new Uint8Array(r.readAsArrayBuffer(file.slice(offset, offset + length)));
    if (b.length < length) throw new InputError(name, 'the file became shorter while it was read (was it changed?)');
    into.set(b, to);
    at(offset + length);
  };
}

export interface FileSource {
  input: JobInput;
  kind: SourceKind;
  /** Where the reading is (file bytes of the current pass). */
  progress: ReadProgress;
}

/** A File (or a Blob with a name) as a re-openable input of the given kind. */
export function fileSource(file: Blob, name: string, kind: SourceKind, framing: FramingMode, opts: { firstBytes?: number; firstRows?: number } = {}): FileSource {
  const progress: ReadProgress = { pass: 0, bytes: 0 };
  const counted = (n: number): void => {
    progress.bytes += n;
  };
  const limit = opts.firstBytes ?? Infinity;
  const input: JobInput = {
    name,
    framing: kind === 'parquet' ? 'jsonl' : framing,
    size: file.size,
    async *open() {
      progress.pass++;
      progress.bytes = 0;
      let out = 0;
      const src =
        kind === 'parquet'
          ? parquetLines({ parquetMetadataAsync, parquetReadObjects, compressors } as ParquetReader, fileBuffer(file), name, {
              maxRows: opts.firstRows,
              // progress in file bytes: the share of rows read
              progress: (rows, total) => counted(Math.round((file.size * rows) / total)),
            })
          : kind === 'gzip'
            ? gunzip(file, name, counted)
            : fileChunks(file, Math.min(file.size, limit), counted);
      for await (const c of src) {
        yield c;
        out += c.length;
        if (out >= limit) return;
      }
    },
  };
  if (kind === 'jsonl' && limit === Infinity) {
    // A second pass by position does not open the input again: its first read starts the pass.
    let passOfReads = 0;
    const pread = preader(file, name, (end) => {
      if (passOfReads !== progress.pass) {
        progress.pass++;
        passOfReads = progress.pass;
        progress.bytes = 0;
      }
      progress.bytes = Math.max(progress.bytes, end);
    });
    if (pread) input.pread = pread;
  }
  return { input, kind, progress };
}
