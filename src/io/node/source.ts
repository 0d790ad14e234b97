// Node byte sources for the one reader: a file (plain or gzip, detected by its magic bytes), standard input (spooled
// to a temp file on its first pass when a command reads twice), or a Parquet file (its rows serialised to JSON
// Lines, one row per line, so line = row number). Each source can be opened again from its start.
import { closeSync, createReadStream, createWriteStream, openSync, readSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { LineCounter, type FramingMode, type Origin } from '../framer.js';
import type { DirectReader } from '../reader.js';
import { InputError, parquetLines, type ParquetReader } from '../parquet-read.js';
import { registerTemp, unregisterTemp } from './temp.js';

export { InputError };

/** How an input path is read: .parquet, JSON Lines, or sniffed (`.json` and `-`: an array if it starts with '['). */
export type InputKind = 'jsonl' | 'parquet' | 'sniff';

export function inputKind(path: string): InputKind {
  if (path === '-') return 'sniff';
  const p = path.toLowerCase().replace(/\.gz$/, '');
  if (p.endsWith('.parquet')) return 'parquet';
  if (p.endsWith('.json')) return 'sniff';
  return 'jsonl';
}

/** Buffer's native memchr, for the framer. */
export const nodeIndexOf = (buf: Uint8Array, byte: number, from: number): number => Buffer.prototype.indexOf.call(buf, byte, from);

export const READ_CHUNK = 1 << 20;

/** A re-openable input (the pipeline's JobInput), with its size and a way to release what it holds. */
export interface NodeInput {
  name: string;
  framing: FramingMode;
  size?: number;
  /** The file on disk (undefined for stdin), for identity checks against outputs. */
  path?: string;
  open(): AsyncIterable<Uint8Array>;
  /** Positional reads of the bytes open() yields (plain files; stdin once spooled). */
  pread?(into: Uint8Array, at: number, offset: number, length: number): void;
  /** The bytes open() yields, read into the caller's buffers (no copy): plain files. */
  direct?(): DirectReader;
  /** A shard: where its bytes start in the whole file (numbering stays the file's). */
  origin?: Origin;
  /** A shard: which one, and its byte range in the file. */
  shard?: ShardInfo;
  /** A shard: the whole input, read from its start for what its first records decide (format, text form). */
  head?(): NodeInput;
  /** Removes temp files (the stdin spool). */
  close(): void;
}

function isGzipAt(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const n = readSync(fd, head, 0, 4, 0);
    if (n >= 4 && head.toString('latin1', 0, 4) === 'PAR1') throw new InputError(path, 'this is a Parquet file: give it a .parquet name');
    return n >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** Lets the event loop run (signal handlers, timers) between chunks of synchronous work. */
const breathe = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Positional reads of a file (the descriptor is opened on first use and kept until close()). */
function preader(full: string, shown: string): { read(into: Uint8Array, at: number, offset: number, length: number): void; close(): void } {
  let fd: number | undefined;
  return {
    read(into, at, offset, length) {
      fd ??= openSync(full, 'r');
      let got = 0;
      while (got < length) {
        const n = readSync(fd, into, at + got, length - got, offset + got);
        if (n <= 0) throw new InputError(shown, 'the file became shorter while it was read (was it changed?)');
        got += n;
      }
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/** Sequential reads of a file (bytes [from, to)) into the caller's buffers; the event loop gets a turn after each read. */
function directReader(path: string, shown: string, from = 0, to = Number.POSITIVE_INFINITY): DirectReader {
  let fd: number | undefined;
  let pos = from;
  return {
    async read(into) {
      fd ??= openSync(path, 'r');
      let n: number;
      try {
        const want = Math.min(into.length, to - pos);
        n = want > 0 ? readSync(fd, into, 0, want, pos) : 0;
        pos += n;
      } catch (e) {
        throw new InputError(shown, `read failed: ${(e as Error).message}`, { cause: e });
      }
      await breathe();
      return n;
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/**
 * Plain file bytes, read synchronously into one reused buffer (the framer copies what it keeps). Between chunks the
 * event loop gets a turn, so a signal (Ctrl-C) is handled promptly and its temp files are removed.
 */
async function* plainChunks(path: string, from = 0, to = Number.POSITIVE_INFINITY): AsyncGenerator<Uint8Array> {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(READ_CHUNK);
  let pos = from;
  try {
    for (;;) {
      const want = Math.min(buf.length, to - pos);
      const n = want > 0 ? readSync(fd, buf, 0, want, pos) : 0;
      if (n <= 0) return;
      pos += n;
      yield buf.subarray(0, n);
      await breathe();
    }
  } finally {
    closeSync(fd);
  }
}

/** A gzip stream's bytes; a corrupt or truncated stream is an InputError. */
async function* gunzip(src: Readable, name: string): AsyncGenerator<Uint8Array> {
  const gz = createGunzip();
  src.on('error', (e) => gz.destroy(e));
  src.pipe(gz);
  try {
    for await (const c of gz) yield c as Uint8Array;
  } catch (e) {
    const msg = (e as NodeJS.ErrnoException).code === 'Z_BUF_ERROR' || /unexpected end/i.test((e as Error).message) ? 'the gzip stream is truncated' : `cannot decompress: ${(e as Error).message}`;
    throw new InputError(name, msg, { cause: e });
  }
}

/** A stream's chunks, gunzipped when they start with the gzip magic bytes. */
async function* sniffedStream(src: Readable, name: string): AsyncGenerator<Uint8Array> {
  const it = src[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await it.next();
  if (first.done) return;
  const head = first.value;
  if (head.length >= 4 && head.toString('latin1', 0, 4) === 'PAR1') {
    throw new InputError(name, 'Parquet cannot be read from stdin (it needs random access); pass the file path');
  }
  async function* rest(): AsyncGenerator<Buffer> {
    yield head;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield n.value;
    }
  }
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const { Readable: R } = await import('node:stream');
    yield* gunzip(R.from(rest()), name);
  } else yield* rest();
}

/** A file input (JSON Lines, gzip, .json, or Parquet). */
export function fileInput(path: string, cwd?: string): NodeInput {
  const full = resolve(cwd ?? process.cwd(), path);
  let size: number | undefined;
  try {
    const st = statSync(full);
    if (st.isDirectory()) throw new InputError(path, 'is a directory');
    size = st.isFile() ? st.size : undefined;
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(path, code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message, { cause: e });
  }
  const kind = inputKind(path);
  if (kind === 'parquet') {
    return {
      name: path,
      path: full,
      framing: 'jsonl',
      size,
      open: () => nodeParquetLines(full, path),
      close() {},
    };
  }
  let gz: boolean;
  try {
    gz = isGzipAt(full);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(path, (e as Error).message, { cause: e });
  }
  const positional = gz ? undefined : preader(full, path);
  return {
    name: path,
    path: full,
    framing: kind === 'sniff' ? 'sniff' : 'jsonl',
    size,
    async *open() {
      if (gz) yield* gunzip(createReadStream(full, { highWaterMark: READ_CHUNK }), path);
      else {
        try {
          yield* plainChunks(full);
        } catch (e) {
          throw new InputError(path, `read failed: ${(e as Error).message}`, { cause: e });
        }
      }
    },
    pread: positional?.read,
    direct: gz ? undefined : () => directReader(full, path),
    close() {
      positional?.close();
    },
  };
}

/**
 * Standard input. Its first pass spools the (decompressed) bytes to a temp file, which later passes read; close()
 * removes the spool (it is also removed on a signal, see temp.ts).
 */
export function stdinInput(stdin: Readable | undefined): NodeInput {
  if (!stdin) throw new InputError('-', 'no standard input available');
  let spool: string | undefined;
  let spooled = false;
  let opened = 0;
  let positional: ReturnType<typeof preader> | undefined;
  return {
    name: '-',
    framing: 'sniff',
    pread(into, at, offset, length) {
      if (!spool || !spooled) throw new Error('pairsmith: internal error: stdin read by position before it was spooled');
      positional ??= preader(spool, '-');
      positional.read(into, at, offset, length);
    },
    async *open() {
      opened++;
      if (opened > 1) {
        if (!spool) throw new Error('pairsmith: internal error: stdin re-read without a spool');
        yield* plainChunks(spool);
        return;
      }
      spool = join(tmpdir(), `pairsmith-stdin-${process.pid}-${Math.random().toString(36).slice(2, 10)}.jsonl`);
      registerTemp(spool);
      const out: WriteStream = createWriteStream(spool);
      let failed: Error | undefined;
      out.on('error', (e) => (failed ??= e));
      for await (const c of sniffedStream(stdin, '-')) {
        if (failed) throw failed;
        if (!out.write(Buffer.from(c))) await once(out, 'drain');
        yield c;
      }
      out.end();
      if (!out.closed) await once(out, 'close');
      if (failed) throw failed;
      spooled = true;
    },
    close() {
      positional?.close();
      if (spool) {
        rmSync(spool, { force: true });
        unregisterTemp(spool);
      }
    },
  };
}

/** Stdin for a single pass: no spool. */
export function stdinOnce(stdin: Readable | undefined): NodeInput {
  if (!stdin) throw new InputError('-', 'no standard input available');
  return { name: '-', framing: 'sniff', open: () => sniffedStream(stdin, '-'), close() {} };
}

/** A Parquet file's rows as JSON Lines bytes (the hyparquet libraries are loaded on demand: they cost a fresh
 * process about a tenth of a second). */
async function* nodeParquetLines(full: string, shown: string, groups?: { from: number; to: number }): AsyncGenerator<Uint8Array> {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } = await import('hyparquet');
  const { compressors } = await import('hyparquet-compressors');
  let file;
  try {
    file = await asyncBufferFromFile(full);
  } catch (e) {
    throw new InputError(shown, `cannot read Parquet: ${(e as Error).message}`, { cause: e });
  }
  yield* parquetLines({ parquetMetadataAsync, parquetReadObjects, compressors } as ParquetReader, file, shown, { groups });
}

/**
 * Shard `index` of `count` of a Parquet file: row groups [floor((index - 1) * G / count), floor(index * G / count))
 * of its G groups, contiguous, so the shards' outputs in shard order are the whole file's (as for JSON Lines byte
 * ranges). Rows keep their numbers in the file (line = row, 1-based).
 */
async function parquetShard(input: NodeInput, index: number, count: number): Promise<NodeInput> {
  const full = input.path!;
  const { asyncBufferFromFile, parquetMetadataAsync } = await import('hyparquet');
  let metadata;
  try {
    metadata = await parquetMetadataAsync(await asyncBufferFromFile(full));
  } catch (e) {
    throw new InputError(input.name, `cannot read Parquet: ${(e as Error).message}`, { cause: e });
  }
  const groups = metadata.row_groups.map((g) => Number(g.num_rows));
  const from = Math.floor(((index - 1) * groups.length) / count);
  const to = Math.floor((index * groups.length) / count);
  let before = 0;
  for (let g = 0; g < from; g++) before += groups[g]!;
  let rows = 0;
  for (let g = from; g < to; g++) rows += groups[g]!;
  const total = groups.reduce((a, b) => a + b, 0);
  const size = input.size ?? 0;
  return {
    name: input.name,
    path: full,
    framing: 'jsonl',
    // Progress only: the shard's share of the file.
    size: total > 0 ? Math.round((size * rows) / total) : 0,
    // Offsets count in the shard's rows as serialised (never read back by position: Parquet has no pread).
    origin: { offset: 0, line: before, record: before },
    shard: { index, count, start: from, end: to, unit: 'row_groups' },
    open: () => nodeParquetLines(full, input.name, { from, to }),
    head: () => input,
    close: () => input.close(),
  };
}

/** The identity of a file (device and inode, symlinks followed), to refuse an output that is the input. */
export function fileIdentity(path: string): string | undefined {
  try {
    // stat, not open: opening a FIFO would block until it has a writer.
    const st = statSync(path);
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
}

/** Shard K of N of a file: its byte range [start, end) (from a line start to a line start), or its row groups. */
export interface ShardInfo {
  index: number;
  count: number;
  start: number;
  end: number;
  /** What start and end count (default bytes). */
  unit?: 'bytes' | 'row_groups';
}

/** Parses `K/N` (1-based, 1 <= K <= N). */
export function parseShard(v: string): { index: number; count: number } | undefined {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(v);
  if (!m) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count) return undefined;
  return { index, count };
}

/** The first line start at or after `x` (0, a byte just after a newline, or the file's size). */
function lineStartFrom(fd: number, x: number, size: number): number {
  if (x <= 0) return 0;
  if (x >= size) return size;
  const buf = Buffer.allocUnsafe(1 << 16);
  let pos = x - 1;
  while (pos < size) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, size - pos), pos);
    if (n <= 0) break;
    const nl = buf.subarray(0, n).indexOf(0x0a);
    if (nl >= 0) return pos + nl + 1;
    pos += n;
  }
  return size;
}

/**
 * Shard `index` of `count` (1-based) of a plain JSON Lines file: the records whose first byte lies in
 * [(index - 1) * S / count, index * S / count) of the file (S its size). The lines before the shard are counted
 * once (their records are not parsed), so record numbers and lines stay the file's. Gzip, stdin and JSON arrays
 * cannot be split by bytes: an InputError says so.
 */
export async function shardInput(input: NodeInput, index: number, count: number): Promise<NodeInput> {
  if (!input.path || input.size === undefined) throw new InputError(input.name, '--shard needs a file (standard input cannot be split by bytes)');
  if (inputKind(input.path) === 'parquet') return parquetShard(input, index, count);
  if (!input.direct) throw new InputError(input.name, '--shard needs a plain JSON Lines file (a gzip stream cannot be split by bytes: decompress it, or shard by file)');
  const full = input.path;
  const size = input.size;
  const fd = openSync(full, 'r');
  let start: number;
  let end: number;
  const counter = new LineCounter(nodeIndexOf);
  try {
    if (input.framing !== 'jsonl') {
      // A .json file: JSON Lines by content can be sharded; one JSON array cannot.
      const head = Buffer.alloc(4096);
      const n = readSync(fd, head, 0, head.length, 0);
      let i = n >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
      while (i < n && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0d || head[i] === 0x0a)) i++;
      if (i < n && head[i] === 0x5b) throw new InputError(input.name, '--shard needs JSON Lines: a JSON array cannot be split by bytes (convert it to .jsonl first)');
    }
    start = lineStartFrom(fd, Math.floor(((index - 1) * size) / count), size);
    end = index === count ? size : lineStartFrom(fd, Math.floor((index * size) / count), size);
    // The lines and records before the shard.
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    for (let pos = 0; pos < start; ) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, start - pos), pos);
      if (n <= 0) throw new InputError(input.name, 'the file became shorter while it was read (was it changed?)');
      counter.push(buf.subarray(0, n));
      pos += n;
      await breathe();
    }
  } finally {
    closeSync(fd);
  }
  const shard: ShardInfo = { index, count, start, end };
  return {
    name: input.name,
    path: full,
    framing: 'jsonl',
    size: end - start,
    origin: { offset: start, line: counter.lines, record: counter.records },
    shard,
    open: () => plainChunks(full, start, end),
    direct: () => directReader(full, input.name, start, end),
    pread: input.pread,
    head: () => input,
    close: () => input.close(),
  };
}
