// Reading and writing datasets in tests through the library's one data path (records decoded from columns), and
// Parquet files through hyparquet directly (an independent reader of what pairsmith writes).
import { readFileSync, writeFileSync } from 'node:fs';
import { pipelineEngine } from '../../src/cli/engine-port.js';
import type { Tally } from '../../src/io/manifest.js';
import { fileInput } from '../../src/io/node/source.js';
import { ParquetRows } from '../../src/io/parquet-write.js';
import type { ColumnSpec } from '../../src/io/rows.js';
import { createEngineSync } from '../../src/node.js';
import type { ReadSettings } from '../../src/pipeline/job.js';
import { readRecords, type InputRecord } from '../../src/pipeline/records.js';

let engine: ReturnType<typeof pipelineEngine> | undefined;

/** Every record of a file (decoded), the tally and the detected format. */
export async function readAll(path: string, o: Partial<ReadSettings> = {}): Promise<{ records: InputRecord[]; tally: Tally; format?: string }> {
  engine ??= pipelineEngine(createEngineSync());
  const records: InputRecord[] = [];
  let format: string | undefined;
  let tally: Tally | undefined;
  for await (const c of readRecords(engine, fileInput(path), { format: 'auto', ...o }, { detected: (d) => (format = d.format) })) {
    records.push(...c.records);
    tally = c.job.tally;
  }
  return { records, tally: tally!, format };
}

/** The rows of a Parquet file as objects (hyparquet; INT64 as numbers). */
export async function parquetRows(path: string): Promise<Record<string, unknown>[]> {
  const { parquetReadObjects } = await import('hyparquet');
  const b = readFileSync(path);
  const file = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
  const plain = (v: unknown): unknown => (typeof v === 'bigint' ? Number(v) : Array.isArray(v) ? v.map(plain) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) : v);
  return rows.map((r) => plain(r) as Record<string, unknown>);
}

/** Writes rows to a Parquet file with the given column types. */
export function writeParquet(path: string, cols: readonly ColumnSpec[], rows: Record<string, unknown>[], rowGroupRows = 10000): void {
  const parts: Uint8Array[] = [];
  const pq = new ParquetRows(cols, (b) => parts.push(b.slice()), rowGroupRows);
  pq.write(rows);
  pq.finish();
  writeFileSync(path, Buffer.concat(parts));
}
