// Dataset I/O for Node: streaming readers and atomic writers. Re-exports the platform-neutral layer.
export * from '../index.js';
export { readRows, type ReadRowsOptions } from './read.js';
export { readRecords, readRawItems, inputKind, InputError, DEFAULT_CHUNK_SIZE, type ReadOptions, type RecordChunk, type SourceOptions, type InputKind } from './read.js';
export {
  openRowWriter,
  openRejectsWriter,
  writeManifest,
  writeJsonAtomic,
  sidecarPaths,
  outputKind,
  rejectRow,
  jsonLines,
  type RowWriter,
  type OutputKind,
  type OutputOptions,
} from './write.js';
export { parquetSchema } from './parquet-schema.js';
export { Progress } from './progress.js';
