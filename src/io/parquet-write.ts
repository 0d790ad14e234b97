// Parquet output through hyparquet-writer with the explicit schema of parquet-schema.ts, in row groups, to any byte
// callback (a file descriptor in Node, a Blob part in a browser). Loaded on demand by the writers (the library costs
// a fresh process a tenth of a second), so commands that write no Parquet never load it. Platform neutral.
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { ColumnSpec, ColumnType } from './rows.js';
import { parquetSchema } from './parquet-schema.js';

function cell(v: unknown, t: ColumnType): unknown {
  if (v === undefined) return null;
  if (t === 'double' && typeof v === 'number' && !Number.isFinite(v)) return null;
  if (t === 'double' && typeof v !== 'number' && v !== null) return null;
  if (t === 'int' && typeof v === 'number') return Number.isFinite(v) ? BigInt(Math.trunc(v)) : null;
  if (t === 'string' && v !== null && typeof v !== 'string') return JSON.stringify(v);
  if (t === 'list<double>' && Array.isArray(v)) return v.map((x) => (typeof x === 'number' && Number.isFinite(x) ? x : null));
  return v;
}

const FLUSH_BYTES = 1 << 20;

/** A hyparquet-writer Writer that hands its bytes to `out` in blocks of about 1 MiB. */
function callbackWriter(out: (bytes: Uint8Array) => void): ByteWriter {
  const w = new ByteWriter();
  const flush = (): void => {
    if (w.index > 0) out(new Uint8Array(w.buffer, 0, w.index));
    w.index = 0;
  };
  const grow = w.ensure.bind(w);
  w.ensure = (size: number): void => {
    if (w.index > FLUSH_BYTES) flush();
    grow(size);
  };
  w.finish = flush;
  return w;
}

/** Writes rows as Parquet row groups (columns typed by `cols`) to `out`. */
export class ParquetRows {
  private readonly writer: ParquetWriter;
  private buf: Record<string, unknown>[] = [];

  constructor(
    private readonly cols: readonly ColumnSpec[],
    out: (bytes: Uint8Array) => void,
    private readonly rowGroupRows = 10000,
    kv: Record<string, string> = {},
  ) {
    this.writer = new ParquetWriter({
      writer: callbackWriter(out),
      schema: parquetSchema(cols),
      kvMetadata: Object.entries(kv).map(([key, value]) => ({ key, value })),
      createdBy: 'pairsmith (hyparquet-writer)',
    });
  }

  write(rows: readonly Record<string, unknown>[]): void {
    for (const r of rows) this.buf.push(r);
    if (this.buf.length >= this.rowGroupRows) this.flush();
  }

  private flush(): void {
    if (this.buf.length === 0) return;
    const rows = this.buf;
    this.buf = [];
    const columnData = this.cols.map((c) => ({ name: c.name, data: rows.map((r) => cell(r[c.name], c.type)) }));
    this.writer.write({ columnData, rowGroupSize: rows.length });
  }

  finish(): void {
    this.flush();
    this.writer.finish();
  }
}
