// Where a browser run's outputs go: Blobs (the browser keeps their bytes outside the JS heap and pages large ones to
// disk), so a large output costs the worker only one block of memory. Row sinks for JSON Lines and Parquet
// (the library's ParquetRows), and a spool in the origin-private file system for runs that reorder rows (routing).
import { ByteSink } from '../../src/io/bytes.js';
import { JsonlRowBuilder, type RowSink } from '../../src/io/encode.js';
import { ParquetRows } from '../../src/io/parquet-write.js';
import type { ColumnSpec } from '../../src/io/rows.js';
import type { Reject } from '../../src/io/records.js';
import { writeRejectRow } from '../../src/io/rejects.js';
import type { Spool, SpoolFactory } from '../../src/io/spool.js';

/**
 * A turn of the event loop (a message to ourselves: no 4 ms timer clamp). The second pass of a plain file reads
 * synchronously (FileReaderSync) and writes synchronously, so without these turns the worker would never run its
 * tasks: no progress messages, and the finished Blob blocks would wait in the worker's memory to be handed over.
 */
export function breathe(): Promise<void> {
  return new Promise((ok) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      ok();
    };
    ch.port2.postMessage(0);
  });
}

/** Bytes collected into a Blob, block by block. */
export class BlobParts {
  private blobs: Blob[] = [];
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  size = 0;

  constructor(private readonly block = 8 << 20) {}

  /** Blocks folded so far. */
  blocks = 0;

  /** Appends a copy of `bytes` (the caller may reuse its buffer). */
  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.pending.push(bytes.slice());
    this.pendingBytes += bytes.length;
    this.size += bytes.length;
    if (this.pendingBytes >= this.block) this.fold();
  }

  /** Appends, and gives the event loop a turn after each finished block. */
  async write(bytes: Uint8Array): Promise<void> {
    const before = this.blocks;
    this.push(bytes);
    if (this.blocks !== before) await breathe();
  }

  private fold(): void {
    if (this.pending.length === 0) return;
    this.blobs.push(new Blob(this.pending as BlobPart[]));
    this.blocks++;
    this.pending = [];
    this.pendingBytes = 0;
  }

  blob(type: string): Blob {
    this.fold();
    return new Blob(this.blobs, { type });
  }
}

/** A JSON Lines row sink into Blob parts; `onBytes` sees each block of whole rows (for the page's table). */
export function jsonlSink(parts: BlobParts, onBytes?: (bytes: Uint8Array) => void): RowSink {
  return {
    kind: 'jsonl',
    async writeBytes(b) {
      onBytes?.(b);
      await parts.write(b);
    },
  };
}

/** A Parquet row sink into Blob parts (typed columns, row groups of 10 000 rows, as the CLI writes them). */
export function parquetSink(parts: BlobParts, metadata: Record<string, string>, onRows?: (rows: readonly Record<string, unknown>[]) => void): RowSink & { finish(): void } {
  let pq: ParquetRows | undefined;
  const sink = {
    kind: 'objects' as const,
    columns(cols: readonly ColumnSpec[]) {
      pq = new ParquetRows(cols, (b) => parts.push(b), 10000, metadata);
    },
    async writeRows(rows: Record<string, unknown>[]) {
      if (!pq) throw new Error('pairsmith: internal error: Parquet rows before their columns');
      onRows?.(rows);
      const before = parts.blocks;
      pq.write(rows);
      if (parts.blocks !== before) await breathe();
    },
    finish() {
      if (!pq) sink.columns([]);
      pq!.finish();
    },
  };
  return sink;
}

/** The rejects file (`<out>.rejects.jsonl`, the CLI's rows) and the first rejects for the page and the report. */
export class RejectsOut {
  readonly parts = new BlobParts();
  private readonly bytes = new ByteSink(1 << 16);
  private readonly builder = new JsonlRowBuilder(this.bytes);
  readonly head: Reject[] = [];
  count = 0;

  constructor(private readonly keep = 200) {}

  add(rs: readonly Reject[]): void {
    this.count += rs.length;
    for (const r of rs) {
      if (this.head.length < this.keep) this.head.push(r);
      writeRejectRow(this.builder, r);
    }
    this.parts.push(this.bytes.take());
  }
}

interface SyncHandle {
  write(b: Uint8Array, o: { at: number }): number;
  read(b: Uint8Array, o: { at: number }): number;
  truncate(n: number): void;
  close(): void;
}

/**
 * A spool in the origin-private file system (a worker's synchronous access handle), so rows that routing reorders
 * wait on disk, not in memory; undefined where OPFS is not available (the library's in-memory spool is used then).
 * `release()` closes and removes the files.
 */
export async function opfsSpools(): Promise<{ factory: SpoolFactory; release(): Promise<void> } | undefined> {
  const storage = (globalThis.navigator as Navigator | undefined)?.storage;
  if (!storage?.getDirectory) return undefined;
  let dir: FileSystemDirectoryHandle;
  try {
    dir = await storage.getDirectory();
  } catch {
    return undefined;
  }
  const name = `pairsmith-spool-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  let handle: SyncHandle;
  try {
    const fh = await dir.getFileHandle(name, { create: true });
    handle = await (fh as unknown as { createSyncAccessHandle(): Promise<SyncHandle> }).createSyncAccessHandle();
  } catch {
    await dir.removeEntry(name).catch(() => {});
    return undefined;
  }
  let open = true;
  // The pipeline opens one spool per run; a second one would share the file, so it gets memory instead.
  let used = false;
  const factory: SpoolFactory = () => {
    if (used) throw new Error('pairsmith: internal error: a second spool in one run');
    used = true;
    let n = 0;
    let buf = new Uint8Array(1 << 16);
    const spool: Spool = {
      append(bytes) {
        const at = n;
        let done = 0;
        while (done < bytes.length) done += handle.write(bytes.subarray(done), { at: at + done });
        n += bytes.length;
        return at;
      },
      read(offset, length) {
        if (buf.length < length) buf = new Uint8Array(Math.max(length, buf.length * 2));
        const view = buf.subarray(0, length);
        let got = 0;
        while (got < length) {
          const k = handle.read(view.subarray(got), { at: offset + got });
          if (k <= 0) throw new Error('pairsmith: internal error: the spool is shorter than written');
          got += k;
        }
        return view;
      },
      close() {
        handle.truncate(0);
      },
    };
    return spool;
  };
  return {
    factory,
    async release() {
      if (open) {
        open = false;
        handle.close();
      }
      await dir.removeEntry(name).catch(() => {});
    },
  };
}
