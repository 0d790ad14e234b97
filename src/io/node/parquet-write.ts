// Parquet output through hyparquet-writer with the explicit schema of parquet-schema.ts, in row groups.
// Loaded on demand (write.ts imports it dynamically), so commands that write no Parquet never load the library.
import { ParquetWriter } from 'hyparquet-writer';
import { fileWriter } from 'hyparquet-writer';
import type { ColumnSpec, ColumnType, OutputRow } from '../rows.js';
import { parquetSchema } from './parquet-schema.js';

function cell(v: unknown, t: ColumnType): unknown {
  if (v === undefined) return null;
  if (t === 'double' && typeof v === 'number' && !Number.isFinite(v)) return null;
  if (t === 'int' && typeof v === 'number') return BigInt(Math.trunc(v));
  if (t === 'list<double>' && Array.isArray(v)) return v.map((x) => (typeof x === 'number' && Number.isFinite(x) ? x : null));
  return v;
}

/** Writes row groups of buffered rows into a Parquet file at `path` (the caller owns atomic renaming). */
export class ParquetRowWriter {
  private readonly writer: ParquetWriter;
  private buf: OutputRow[] = [];

  constructor(
    path: string,
    private readonly cols: readonly ColumnSpec[],
    private readonly rowGroupRows = 10000,
    kv: Record<string, string> = {},
  ) {
    this.writer = new ParquetWriter({
      writer: fileWriter(path),
      schema: parquetSchema(cols),
      kvMetadata: Object.entries(kv).map(([key, value]) => ({ key, value })),
      createdBy: 'pairsmith (hyparquet-writer)',
    });
  }

  async write(rows: readonly OutputRow[]): Promise<void> {
    for (const r of rows) this.buf.push(r);
    if (this.buf.length >= this.rowGroupRows) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.buf.length === 0) return;
    const rows = this.buf;
    this.buf = [];
    const columnData = this.cols.map((c) => ({ name: c.name, data: rows.map((r) => cell(r[c.name], c.type)) }));
    await this.writer.write({ columnData, rowGroupSize: rows.length });
  }

  async finish(): Promise<void> {
    await this.flush();
    await this.writer.finish();
  }
}
