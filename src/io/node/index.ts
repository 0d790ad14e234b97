// Dataset I/O for Node: file and stdin sources, atomic file outputs, spools, progress. Re-exports the neutral layer.
export * from '../index.js';
export { fileInput, stdinInput, stdinOnce, inputKind, InputError, nodeIndexOf, type NodeInput, type InputKind } from './source.js';
export { openFileOutput, outputKind, writeJsonFile, writeTextFile, OutputError, OUTPUT_KINDS, type FileOutput, type OutputKind, type OpenOptions } from './output.js';
export { FileSpool } from './spool.js';
export { parquetSchema } from '../parquet-schema.js';
export { Progress } from './progress.js';
