// The Parquet schema of pairsmith's outputs (no runtime imports, so the schema is available without loading the
// Parquet writer): lists are real 3-level LIST columns and messages are list<struct<content: string, role:
// string>> (what HF `datasets` writes), never JSON strings.
import type { SchemaElement } from 'hyparquet-writer';
import type { ColumnSpec, ColumnType } from './rows.js';

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
