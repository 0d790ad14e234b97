// Atomic output (Node): rows go to a temp file next to the final name and are renamed into place on
// commit(); abort() (or a crash) leaves nothing under the final name. `-` writes JSON Lines to stdout.
// Also the `<out>.manifest.json` and `<out>.rejects.jsonl` sidecars.
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createGzip, type Gzip } from 'node:zlib';
import type { Manifest } from '../manifest.js';
import type { ColumnSpec, OutputRow } from '../rows.js';
import type { Reject } from '../types.js';

export type OutputKind = 'jsonl' | 'jsonl.gz' | 'parquet';

/** The output kind of a path: `.parquet`, `.gz` (gzip JSON Lines), anything else (and `-`) JSON Lines. */
export function outputKind(path: string): OutputKind {
  const p = path.toLowerCase();
  if (p.endsWith('.parquet')) return 'parquet';
  if (p.endsWith('.gz')) return 'jsonl.gz';
  return 'jsonl';
}

/** Sidecar paths of an output: `<out>.manifest.json` and `<out>.rejects.jsonl` (none for `-`). */
export function sidecarPaths(out: string): { manifest: string; rejects: string } | undefined {
  return out === '-' ? undefined : { manifest: `${out}.manifest.json`, rejects: `${out}.rejects.jsonl` };
}

export interface OutputOptions {
  /** Base for relative paths (default process.cwd()). */
  cwd?: string;
  /** Where `-` writes. */
  stdout?: (text: string) => void;
  /** Parquet rows per row group (default 10000). */
  rowGroupRows?: number;
  /** Extra Parquet key-value metadata. */
  metadata?: Record<string, string>;
}

/** A writer of rows under a final name, atomic. */
export interface RowWriter {
  /** The path as given (`-` for stdout). */
  readonly path: string;
  readonly kind: OutputKind;
  /** Rows written so far. */
  readonly rows: number;
  write(rows: readonly OutputRow[]): Promise<void>;
  /** Finishes the file and renames it into place. */
  commit(): Promise<void>;
  /** Drops the temp file; nothing appears under the final name. Safe to call after commit (no-op). */
  abort(): Promise<void>;
}

function tempName(full: string): string {
  return `${full}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}

class StreamSink {
  private readonly file: WriteStream;
  private readonly gz: Gzip | undefined;
  private failed: Error | undefined;
  constructor(path: string, gzip: boolean) {
    this.file = createWriteStream(path);
    this.file.on('error', (e) => (this.failed ??= e));
    if (gzip) {
      this.gz = createGzip();
      this.gz.on('error', (e) => (this.failed ??= e));
      this.gz.pipe(this.file);
    }
  }
  async write(s: string): Promise<void> {
    if (this.failed) throw this.failed;
    const head = this.gz ?? this.file;
    if (!head.write(s)) await once(head, 'drain');
  }
  async end(): Promise<void> {
    const head = this.gz ?? this.file;
    head.end();
    if (!this.file.closed) await once(this.file, 'close');
    if (this.failed) throw this.failed;
  }
  destroy(): void {
    this.gz?.destroy();
    this.file.destroy();
  }
}

/** Serializes rows as JSON Lines (non-finite numbers become null, as JSON has no NaN). */
export function jsonLines(rows: readonly unknown[]): string {
  let s = '';
  for (const r of rows) s += `${JSON.stringify(r)}\n`;
  return s;
}

/**
 * Opens an atomic row writer. `schema` fixes the Parquet column types (ignored for JSON Lines, whose rows are
 * written as given). Creates the parent directory if missing.
 */
export async function openRowWriter(path: string, schema: readonly ColumnSpec[], o: OutputOptions = {}): Promise<RowWriter> {
  const kind = outputKind(path);
  if (path === '-') {
    if (!o.stdout) throw new Error('no standard output available for -');
    const out = o.stdout;
    let rows = 0;
    return {
      path,
      kind: 'jsonl',
      get rows() {
        return rows;
      },
      async write(r) {
        if (r.length) out(jsonLines(r));
        rows += r.length;
      },
      async commit() {},
      async abort() {},
    };
  }
  const full = resolve(o.cwd ?? process.cwd(), path);
  await mkdir(dirname(full), { recursive: true });
  const tmp = tempName(full);
  if (kind === 'parquet') {
    // Loaded on demand: the Parquet library costs a fresh process a quarter of a second to load.
    const { ParquetRowWriter } = await import('./parquet-write.js');
    const pw = new ParquetRowWriter(tmp, schema, o.rowGroupRows, o.metadata);
    return atomicWriter(path, kind, tmp, full, {
      write: (r) => pw.write(r),
      finish: () => pw.finish(),
      destroy: () => {},
    });
  }
  const sink = new StreamSink(tmp, kind === 'jsonl.gz');
  return atomicWriter(path, kind, tmp, full, {
    write: async (r) => {
      if (r.length) await sink.write(jsonLines(r));
    },
    finish: () => sink.end(),
    destroy: () => sink.destroy(),
  });
}

/** The temp-file protocol shared by every file writer: rows go to `tmp`; commit finishes and renames, abort removes. */
function atomicWriter(
  path: string,
  kind: OutputKind,
  tmp: string,
  full: string,
  body: { write(rows: readonly OutputRow[]): Promise<void>; finish(): Promise<void>; destroy(): void },
): RowWriter {
  let rows = 0;
  let done = false;
  return {
    path,
    kind,
    get rows() {
      return rows;
    },
    async write(r) {
      await body.write(r);
      rows += r.length;
    },
    async commit() {
      if (done) return;
      await body.finish();
      await rename(tmp, full);
      done = true;
    },
    async abort() {
      if (done) return;
      done = true;
      body.destroy();
      await rm(tmp, { force: true });
    },
  };
}

/**
 * Writes a JSON document atomically (temp file + rename), followed by a newline; `indent` 0 writes it on one
 * line (for large numeric documents such as `rpca` output).
 */
export function writeJsonAtomic(path: string, value: unknown, cwd?: string, indent = 2): Promise<void> {
  return writeTextAtomic(path, `${JSON.stringify(value, null, indent)}\n`, cwd);
}

/** Writes a text document atomically (temp file + rename), creating the parent directory. */
export async function writeTextAtomic(path: string, text: string, cwd?: string): Promise<void> {
  const full = resolve(cwd ?? process.cwd(), path);
  await mkdir(dirname(full), { recursive: true });
  const tmp = tempName(full);
  try {
    await writeFile(tmp, text);
    await rename(tmp, full);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Writes `<out>.manifest.json` atomically. */
export function writeManifest(out: string, manifest: Manifest, cwd?: string): Promise<void> {
  const side = sidecarPaths(out);
  if (!side) return Promise.resolve();
  return writeJsonAtomic(side.manifest, manifest, cwd);
}

/** One line of `<out>.rejects.jsonl`. */
export function rejectRow(r: Reject): OutputRow {
  return { file: r.file, line: r.line, field: r.field, reason: r.reason, detail: r.detail, record: r.record };
}

/** Opens the atomic `<out>.rejects.jsonl` writer (always written, empty when nothing was rejected). */
export function openRejectsWriter(out: string, o: OutputOptions = {}): Promise<RowWriter> {
  const side = sidecarPaths(out);
  if (!side) throw new Error('rejects need a file output');
  return openRowWriter(side.rejects, [], { ...o, stdout: undefined });
}
