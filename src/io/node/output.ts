// Outputs (Node): JSON Lines, gzip JSON Lines and Parquet files, and stdout. A regular file is written to a temp file
// next to it and renamed into place on commit (atomic: a failed or interrupted run leaves nothing under the final
// name); a symlink is followed and its target replaced the same way; a character device, FIFO or socket (e.g.
// /dev/null, a named pipe) is written through, as is `-`. Every write error (ENOSPC, EPIPE, EROFS, EACCES, EIO, ...)
// becomes an OutputError naming the file, and the temp file is removed.
import { closeSync, lstatSync, mkdirSync, openSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ColumnSpec } from '../rows.js';
import type { RowSink } from '../encode.js';
import { registerTemp, removeStaleTemps, tempPathFor, unregisterTemp } from './temp.js';

export type OutputKind = 'jsonl' | 'jsonl.gz' | 'parquet';
export const OUTPUT_KINDS: readonly OutputKind[] = ['jsonl', 'jsonl.gz', 'parquet'];

/** The output kind of a path by its extension: .jsonl/.json(.gz), .parquet; `-` is JSON Lines; undefined if unknown. */
export function outputKind(path: string): OutputKind | undefined {
  if (path === '-') return 'jsonl';
  const p = path.toLowerCase();
  if (p.endsWith('.parquet')) return 'parquet';
  if (p.endsWith('.jsonl.gz') || p.endsWith('.json.gz') || p.endsWith('.ndjson.gz')) return 'jsonl.gz';
  if (p.endsWith('.jsonl') || p.endsWith('.json') || p.endsWith('.ndjson')) return 'jsonl';
  if (p.endsWith('.gz')) return 'jsonl.gz';
  return undefined;
}

const WHY: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EPIPE: 'the reading end was closed',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
  ENOENT: 'no such directory',
  ENOTDIR: 'a parent is not a directory',
  EISDIR: 'is a directory',
  EFBIG: 'file too large',
};

/** A write failed: the run ends with a one-line message and its exit code (4), leaving no final file. */
export class OutputError extends Error {
  constructor(
    readonly path: string,
    readonly code: string,
    cause?: unknown,
  ) {
    super(`cannot write ${path === '-' ? 'standard output' : path}: ${WHY[code] ?? code}`, { cause });
    this.name = 'OutputError';
  }
}

export function asOutputError(path: string, e: unknown): OutputError {
  if (e instanceof OutputError) return e;
  const code = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
  return new OutputError(path, code, e);
}

/** An open output: its sink, and commit (finish + rename into place) or abort (remove the temp file). */
export interface FileOutput {
  /** The path as given (`-` for stdout). */
  readonly path: string;
  readonly kind: OutputKind;
  readonly sink: RowSink;
  commit(): Promise<void>;
  abort(): void;
}

export interface OpenOptions {
  cwd?: string;
  /** Where `-` writes (awaited, so a slow reader applies backpressure). */
  stdout?: (bytes: Uint8Array) => void | Promise<void>;
  /** Forces the kind (e.g. --output-format), else it comes from the extension. */
  kind?: OutputKind;
  /** Parquet key-value metadata. */
  metadata?: Record<string, string>;
  /** Told about temp files of killed runs that were removed. */
  onStale?: (paths: string[]) => void;
}

const GZIP_BLOCK = 1 << 20;

/** Where a path's bytes really go: the final file (symlinks followed) and whether it is a stream (device, FIFO, socket). */
function target(full: string): { file: string; stream: boolean } {
  let file = full;
  try {
    if (lstatSync(full).isSymbolicLink()) file = realpathSync(full);
  } catch {
    // Absent (or a dangling link: its target is created): write to the path.
    try {
      file = realpathSync(dirname(full)) + full.slice(dirname(full).length);
    } catch {
      file = full;
    }
  }
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new OutputError(full, 'EISDIR');
    if (st.isCharacterDevice() || st.isFIFO() || st.isSocket() || st.isBlockDevice()) return { file, stream: true };
  } catch (e) {
    if (e instanceof OutputError) throw e;
  }
  return { file, stream: false };
}

/** Whether a path is a stream target (a device, FIFO or socket, symlinks followed): written through, no sidecars. */
export function isStreamPath(full: string): boolean {
  return target(full).stream;
}

/** Opens an output. The temp file (regular files) exists from here until commit() or abort(). */
export async function openFileOutput(path: string, o: OpenOptions = {}): Promise<FileOutput> {
  const kind = o.kind ?? outputKind(path) ?? 'jsonl';
  if (path === '-') {
    if (!o.stdout) throw new Error('pairsmith: no standard output available for -');
    const out = o.stdout;
    if (kind === 'parquet') throw new OutputError('-', 'Parquet cannot be written to standard output (it needs a file)');
    return {
      path,
      kind: 'jsonl',
      sink: {
        kind: 'jsonl',
        async writeBytes(b) {
          try {
            await out(b);
          } catch (e) {
            throw asOutputError('-', e);
          }
        },
      },
      async commit() {},
      abort() {},
    };
  }
  const full = resolve(o.cwd ?? process.cwd(), path);
  const t = target(full);
  let fd: number;
  let tmp: string | undefined;
  try {
    if (t.stream) fd = openSync(t.file, 'w');
    else {
      mkdirSync(dirname(t.file), { recursive: true });
      const stale = removeStaleTemps(t.file);
      if (stale.length) o.onStale?.(stale);
      tmp = tempPathFor(t.file);
      fd = openSync(tmp, 'wx', 0o666);
      registerTemp(tmp);
    }
  } catch (e) {
    throw asOutputError(path, e);
  }
  let open = true;
  const put = (b: Uint8Array): void => {
    try {
      let off = 0;
      while (off < b.length) off += writeSync(fd, b, off, b.length - off);
    } catch (e) {
      throw asOutputError(path, e);
    }
  };
  const close = (): void => {
    if (!open) return;
    open = false;
    try {
      closeSync(fd);
    } catch {
      // Closing after a failed write may fail too; the temp file is removed below.
    }
  };
  const discard = (): void => {
    close();
    if (tmp) {
      rmSync(tmp, { force: true });
      unregisterTemp(tmp);
    }
  };
  const finish = (flush: () => void): void => {
    try {
      flush();
      if (open) {
        open = false;
        closeSync(fd);
      }
      if (tmp) {
        renameSync(tmp, t.file);
        unregisterTemp(tmp);
        tmp = undefined;
      }
    } catch (e) {
      discard();
      throw asOutputError(path, e);
    }
  };
  if (kind === 'parquet') {
    let pq: { write(rows: readonly Record<string, unknown>[]): void; finish(): void } | undefined;
    const sink: RowSink = {
      kind: 'objects',
      async columns(cols: readonly ColumnSpec[]) {
        const { ParquetRows } = await import('../parquet-write.js');
        pq = new ParquetRows(cols, put, 10000, o.metadata);
      },
      writeRows(rows) {
        if (!pq) throw new Error('pairsmith: internal error: Parquet rows before their columns');
        try {
          pq.write(rows);
        } catch (e) {
          throw asOutputError(path, e);
        }
      },
    };
    return {
      path,
      kind,
      sink,
      async commit() {
        if (!pq) await sink.columns!([]);
        finish(() => pq!.finish());
      },
      abort: discard,
    };
  }
  if (kind === 'jsonl.gz') {
    let pending: Uint8Array[] = [];
    let size = 0;
    let members = 0;
    const flush = (): void => {
      members++;
      const all = new Uint8Array(size);
      let at = 0;
      for (const p of pending) {
        all.set(p, at);
        at += p.length;
      }
      pending = [];
      size = 0;
      put(gzipSync(all));
    };
    return {
      path,
      kind,
      sink: {
        kind: 'jsonl',
        writeBytes(b) {
          pending.push(b.slice());
          size += b.length;
          if (size >= GZIP_BLOCK) flush();
        },
      },
      async commit() {
        // One gzip member per block (a valid multi-member gzip file); an empty output is one empty member.
        finish(() => {
          if (size > 0 || members === 0) flush();
        });
      },
      abort: discard,
    };
  }
  return {
    path,
    kind,
    sink: { kind: 'jsonl', writeBytes: put },
    async commit() {
      finish(() => {});
    },
    abort: discard,
  };
}

/** Writes a text document atomically (temp file + rename; a device or FIFO is written through). */
export async function writeTextFile(path: string, text: string, cwd?: string): Promise<void> {
  const out = await openFileOutput(path, { cwd, kind: 'jsonl' });
  try {
    await out.sink.writeBytes!(new TextEncoder().encode(text));
    await out.commit();
  } catch (e) {
    out.abort();
    throw e;
  }
}

/** Writes a JSON document atomically, followed by a newline (`indent` 0: one line, for large numeric documents). */
export function writeJsonFile(path: string, value: unknown, cwd?: string, indent = 2): Promise<void> {
  return writeTextFile(path, `${JSON.stringify(value, null, indent)}\n`, cwd);
}
