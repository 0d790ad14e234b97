// Where a command's rows go: a RowSink (JSON Lines bytes, or row objects for a typed-column writer such as
// Parquet), fed through the one row writer (src/io/encode.ts) batch by batch. Runtime neutral: the CLI supplies file
// sinks, a library user any sink (an array, a download, a stream).
import { ByteSink } from '../io/bytes.js';
import { JsonlRowBuilder, ObjectRowBuilder, type RowBuilder } from '../io/encode.js';
import type { ColumnSpec } from '../io/rows.js';
import type { RowSink } from '../io/encode.js';

export type { RowSink };

/** A sink that keeps JSON Lines in memory (library use and tests). */
export class MemorySink implements RowSink {
  readonly kind = 'jsonl' as const;
  private readonly parts: Uint8Array[] = [];
  writeBytes(bytes: Uint8Array): void {
    this.parts.push(bytes.slice());
  }
  /** The JSON Lines text written. */
  text(): string {
    const dec = new TextDecoder();
    return this.parts.map((p) => dec.decode(p)).join('');
  }
  /** The rows written, parsed. */
  rows(): unknown[] {
    return this.text()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as unknown);
  }
}

/** Rows of one output: a builder for the sink's kind, flushed to the sink after each batch. */
export class RowEmitter {
  readonly builder: RowBuilder;
  private readonly bytes: ByteSink | undefined;
  private readonly objects: ObjectRowBuilder | undefined;
  private announced = false;
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
    if (this.announced) return;
    this.announced = true;
    await this.sink.columns?.(cols);
  }

  /** Counts one row built through `builder` (call after builder.end()). */
  row(): void {
    this.rows++;
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
