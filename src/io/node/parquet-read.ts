// Parquet input through hyparquet: one row group at a time (memory: one row group), cut into chunks.
// Codecs: snappy, gzip, zstd, brotli, lz4 (hyparquet-compressors). INT64 values (bigint) become numbers. `line` is the 1-based row number.
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { RawItem } from '../types.js';
import { InputError } from './read.js';

function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object' && !(v instanceof Date) && !ArrayBuffer.isView(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: plain(x), writable: true, enumerable: true, configurable: true });
    return out;
  }
  return v;
}

export async function* readParquetItems(full: string, shown: string, chunkSize: number, onBytes?: (n: number) => void): AsyncGenerator<RawItem[]> {
  let file;
  let metadata;
  try {
    file = await asyncBufferFromFile(full);
    metadata = await parquetMetadataAsync(file);
  } catch (e) {
    throw new InputError(shown, `cannot read Parquet: ${(e as Error).message}`, { cause: e });
  }
  let rowStart = 0;
  for (const rg of metadata.row_groups) {
    const n = Number(rg.num_rows);
    let rows: Record<string, unknown>[];
    try {
      rows = (await parquetReadObjects({ file, metadata, rowStart, rowEnd: rowStart + n, compressors })) as Record<string, unknown>[];
    } catch (e) {
      throw new InputError(shown, `cannot read Parquet rows ${rowStart + 1}-${rowStart + n}: ${(e as Error).message}`, { cause: e });
    }
    onBytes?.(Number(rg.total_byte_size ?? 0));
    for (let i = 0; i < rows.length; i += chunkSize) {
      const chunk: RawItem[] = [];
      for (let j = i; j < Math.min(rows.length, i + chunkSize); j++) {
        const index = rowStart + j;
        chunk.push({ index, line: index + 1, value: plain(rows[j]) });
      }
      yield chunk;
    }
    rowStart += n;
  }
}
