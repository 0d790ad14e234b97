// Parquet input as JSON Lines bytes, for every runtime: the Node source (src/io/node/source.ts) and the browser
// app (web/src/source.ts) read a Parquet file's rows one row group at a time and hand them to the one data path as
// JSON lines (row i is line i + 1). The hyparquet functions come from the caller (Node loads them on demand, the
// page bundles them), so this module imports none. Runtime neutral.
import type { AsyncBuffer, FileMetaData } from 'hyparquet';

/** Thrown when an input cannot be opened or read (missing file, corrupt gzip, bad Parquet). */
export class InputError extends Error {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
    this.name = 'InputError';
  }
}

/** The hyparquet functions parquetLines uses. */
export interface ParquetReader {
  parquetMetadataAsync(file: AsyncBuffer): Promise<FileMetaData>;
  parquetReadObjects(o: { file: AsyncBuffer; metadata: FileMetaData; rowStart: number; rowEnd: number; compressors: unknown }): Promise<unknown[]>;
  compressors: unknown;
}

/** One JSON value for a row cell: NaN / Infinity as the literals the reader accepts, bigints as integers. */
function cellJson(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  if (typeof v === 'bigint') return v.toString();
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v);
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (ArrayBuffer.isView(v)) return JSON.stringify(Array.from(v as unknown as ArrayLike<number>));
  if (Array.isArray(v)) return `[${v.map(cellJson).join(',')}]`;
  return `{${Object.keys(v as object).map((k) => `${JSON.stringify(k)}:${cellJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

export interface ParquetLinesOptions {
  /** Only row groups [from, to) (a shard); the others are skipped, rows keep their numbers. */
  groups?: { from: number; to: number };
  /** At most this many rows (a preview). */
  maxRows?: number;
  /** After each row group: its rows and the file's. */
  progress?: (rows: number, totalRows: number) => void;
}

/** A Parquet file's rows, one row group at a time, as JSON Lines bytes (row i is line i + 1). */
export async function* parquetLines(lib: ParquetReader, file: AsyncBuffer, name: string, o: ParquetLinesOptions = {}): AsyncGenerator<Uint8Array> {
  let metadata: FileMetaData;
  try {
    metadata = await lib.parquetMetadataAsync(file);
  } catch (e) {
    throw new InputError(name, `cannot read Parquet: ${(e as Error).message}`, { cause: e });
  }
  const enc = new TextEncoder();
  const total = Number(metadata.num_rows) || 1;
  const maxRows = o.maxRows ?? Infinity;
  let rowStart = 0;
  for (let g = 0; g < metadata.row_groups.length; g++) {
    if (rowStart >= maxRows) return;
    const groupRows = Number(metadata.row_groups[g]!.num_rows);
    if (o.groups && (g < o.groups.from || g >= o.groups.to)) {
      rowStart += groupRows;
      continue;
    }
    const n = Math.min(groupRows, maxRows - rowStart);
    let rows: unknown[];
    try {
      rows = await lib.parquetReadObjects({ file, metadata, rowStart, rowEnd: rowStart + n, compressors: lib.compressors });
    } catch (e) {
      throw new InputError(name, `cannot read Parquet rows ${rowStart + 1}-${rowStart + n}: ${(e as Error).message}`, { cause: e });
    }
    let text = '';
    for (const r of rows) {
      text += `${cellJson(r)}\n`;
      if (text.length > 1 << 20) {
        yield enc.encode(text);
        text = '';
      }
    }
    if (text) yield enc.encode(text);
    o.progress?.(n, total);
    rowStart += n;
  }
}
