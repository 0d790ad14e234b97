// Dataset I/O, platform neutral: tolerant JSON, format adapters, validation, rows and manifests.
// File/stream access lives in src/io/node/ (Node only).
export * from './types.js';
export { parseJson, stringifyJson, JsonSyntaxError } from './json.js';
export { getPath, hasPath, splitPath } from './path.js';
export { adaptRecord, FieldProblem, DEFAULT_FIELDS, type AdapterOptions } from './adapters.js';
export { requireObject, describeType } from './adapters.js';
export { detectFormat, type Detection } from './detect.js';
export { RecordDecoder, FormatDetectionError, type DecodeOptions, type DecodedChunk } from './decoder.js';
export { RowDecoder, type RowAdapter, type RowDecodeOptions, type DecodedRows, type CountedRow } from './decoder.js';
export { LineSplitter, ArraySplitter } from './splitters.js';
export { packScores, type ScoreColumns } from './columns.js';
export { Tally, buildManifest, type Manifest, type ManifestInput } from './manifest.js';
export {
  asText,
  promptMessages,
  responseMessages,
  promptString,
  responseString,
  parseHhDialogue,
  splitHh,
} from './text.js';
export {
  TARGETS,
  trlSchema,
  trlRow,
  ktoSchema,
  ktoRows,
  candidatesSchema,
  candidatesRow,
  onpolicySchema,
  onpolicyRow,
  hhSchema,
  hhRow,
  pairOf,
  maxMinPair,
  type Target,
  type Pair,
  type ColumnSpec,
  type ColumnType,
  type OutputRow,
} from './rows.js';
