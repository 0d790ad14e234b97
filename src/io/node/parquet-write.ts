// Parquet output through hyparquet-writer with an explicit schema: lists are real 3-level LIST columns and
// messages are list<struct<content: string, role: string>> (what HF `datasets` writes), never JSON strings.
import { ParquetWriter } from 'hyparquet-writer';
import { fileWriter } from 'hyparquet-writer';
import type { SchemaElement } from 'hyparquet-writer';
import type { ColumnSpec, ColumnType, OutputRow } from '../rows.js';

type Rep = 'REQUIRED' | 'OPTIONAL' | 'REPEATED';

function leaf(name: string, t: 'string' | 'double' | 'int' | 'bool', rep: Rep): SchemaElement {
  switch (t) {
    case 'string':
      return { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: rep };
    case 'double':
      return { name, type: 'DOUBLE', repetition_type: rep };
    case 'int':
      return { name, type: 'INT64', repetition_type: rep };
    case 'bool':
      return { name, type: 'BOOLEAN', repetition_type: rep };
  }
}

function messageStruct(name: string, rep: Rep): SchemaElement[] {
  return [
    { name, repetition_type: rep, num_children: 2 },
    leaf('content', 'string', 'OPTIONAL'),
    leaf('role', 'string', 'OPTIONAL'),
  ];
}

function list(name: string, rep: Rep, element: SchemaElement[]): SchemaElement[] {
  return [{ name, repetition_type: rep, converted_type: 'LIST', num_children: 1 }, { name: 'list', repetition_type: 'REPEATED', num_children: 1 }, ...element];
}

function columnSchema(name: string, t: ColumnType, rep: Rep): SchemaElement[] {
  switch (t) {
    case 'messages':
      return list(name, rep, messageStruct('element', 'OPTIONAL'));
    case 'list<double>':
      return list(name, rep, [leaf('element', 'double', 'OPTIONAL')]);
    case 'list<string>':
      return list(name, rep, [leaf('element', 'string', 'OPTIONAL')]);
    case 'list<messages>':
      return list(name, rep, list('element', 'OPTIONAL', messageStruct('element', 'OPTIONAL')));
    default:
      return [leaf(name, t, rep)];
  }
}

/** The Parquet schema (root first) for a list of column specs. */
export function parquetSchema(cols: readonly ColumnSpec[]): SchemaElement[] {
  const out: SchemaElement[] = [{ name: 'root', num_children: cols.length }];
  for (const c of cols) out.push(...columnSchema(c.name, c.type, c.nullable === false ? 'REQUIRED' : 'OPTIONAL'));
  return out;
}

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
