// Where a command's rows go: a RowSink (JSON Lines bytes, or row objects for a typed-column writer such as
// Parquet), fed through the one row writer (src/io/encode.ts) batch by batch. Runtime neutral: the CLI supplies file
// sinks, a library user any sink (an array, a download, a stream).
import { ByteSink } from '../io/bytes.js';
import { JsonlRowBuilder, ObjectRowBuilder, type RowBuilder } from '../io/encode.js';
import type { ColumnSpec } from '../io/rows.js';
import type { RowSink } from '../io/encode.js';
import { rowBuffers } from './tasks.js';

export type { RowSink };

/** A sink that keeps JSON Lines in memory (library use and tests). */
const decoder = new TextDecoder();

export class MemorySink implements RowSink {
  readonly kind = 'jsonl' as const;
  private readonly parts: Uint8Array[] = [];
  writeBytes(bytes: Uint8Array): void {
    this.parts.push(bytes.slice());
  }
  /** The JSON Lines text written. */
  text(): string {
    return this.parts.map((p) => decoder.decode(p)).join('');
  }
  /** The rows written, parsed. */
  rows(): unknown[] {
    return this.text()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as unknown);
  }
}

/** Rows built for one batch (in any thread): JSON Lines bytes, or row objects for a typed sink. */
export interface BatchRows {
  n: number;
  bytes?: Uint8Array;
  objects?: Record<string, unknown>[];
}

/**
 * Builds the rows of a batch for a sink of kind `kind`; take() hands them out (bytes as a standalone copy, in a
 * buffer of rowBuffers that RowEmitter.write gives back).
 */
export class BatchRowBuilder {
  readonly builder: RowBuilder;
  private readonly bytes: ByteSink | undefined;
  private readonly objects: ObjectRowBuilder | undefined;
  n = 0;

  constructor(readonly kind: 'jsonl' | 'objects') {
    if (kind === 'jsonl') {
      this.bytes = new ByteSink(1 << 20);
      this.builder = new JsonlRowBuilder(this.bytes);
    } else {
      this.objects = new ObjectRowBuilder();
      this.builder = this.objects;
    }
  }

  /** Counts one row built through `builder` (call after builder.end()). */
  row(): void {
    this.n++;
  }

  take(): BatchRows {
    const n = this.n;
    this.n = 0;
    if (this.bytes) return { n, bytes: rowBuffers.copy(this.bytes.take()) };
    return { n, objects: this.objects!.take() };
  }
}

/** One BatchRowBuilder per sink kind, reused batch after batch by a stage (stages run one batch at a time). */
export function batchRowBuilder(cache: { jsonl?: BatchRowBuilder; objects?: BatchRowBuilder }, kind: 'jsonl' | 'objects'): BatchRowBuilder {
  return (cache[kind] ??= new BatchRowBuilder(kind));
}

/** Buffers to transfer with a batch's rows. */
export function rowsTransfer(r: BatchRows | undefined): ArrayBuffer[] {
  return r?.bytes ? [r.bytes.buffer as ArrayBuffer] : [];
}

/** Rows of one output: a builder for the sink's kind, flushed to the sink after each batch. */
export class RowEmitter {
  readonly builder: RowBuilder;
  private readonly bytes: ByteSink | undefined;
  private readonly objects: ObjectRowBuilder | undefined;
  private told = false;
  /** Rows written so far. */
  rows = 0;

  constructor(readonly sink: RowSink) {
    if (sink.kind === 'jsonl') {
      this.bytes = new ByteSink(1 << 20);
      this.builder = new JsonlRowBuilder(this.bytes);
    } else {
      this.objects = new ObjectRowBuilder();
      this.builder = this.objects;
    }
  }

  /** Tells a typed sink its columns (once; before any flush with rows). */
  async columns(cols: readonly ColumnSpec[]): Promise<void> {
    if (this.told) return;
    this.told = true;
    await this.sink.columns?.(cols);
  }

  /** Whether the sink has been told its columns. */
  get announced(): boolean {
    return this.told;
  }

  /** Counts one row built through `builder` (call after builder.end()). */
  row(): void {
    this.rows++;
  }

  /** Writes rows built elsewhere (a stage's BatchRows, in input order). */
  async write(rows: BatchRows): Promise<void> {
    await this.flush();
    this.rows += rows.n;
    if (rows.bytes) {
      if (rows.bytes.length > 0) await this.sink.writeBytes!(rows.bytes);
      // Written (a sink copies what it keeps): the buffer serves the next batch.
      rowBuffers.give(rows.bytes.buffer as ArrayBuffer);
    } else if (rows.objects && rows.objects.length > 0) await this.sink.writeRows!(rows.objects);
  }

  /**
   * Adds rows written before as JSON Lines (a spool's, read back in another order): gathered with the rows built here
   * and handed to the sink about 1 MiB (or 4096 rows) at a time, so copying many short rows is not a write each.
   * Not counted in `rows` (they were counted when built). A promise only when it hands rows to the sink.
   */
  spooled(lines: Uint8Array): Promise<void> | undefined {
    if (this.bytes) {
      this.bytes.bytes(lines, 0, lines.length);
      return this.bytes.pos >= 1 << 20 ? this.flush() : undefined;
    }
    const objects = this.objects!;
    for (const l of decoder.decode(lines).split('\n')) if (l) objects.rows.push(JSON.parse(l) as Record<string, unknown>);
    return objects.rows.length >= 4096 ? this.flush() : undefined;
  }

  /** Hands the rows built since the last flush to the sink. */
  async flush(): Promise<void> {
    if (this.bytes) {
      const b = this.bytes.take();
      if (b.length > 0) await this.sink.writeBytes!(b);
    } else {
      const r = this.objects!.take();
      if (r.length > 0) await this.sink.writeRows!(r);
    }
  }
}
