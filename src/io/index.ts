// Dataset I/O, platform neutral: framing, the record index, format adapters, the one row writer, manifests.
// File and stream access lives in src/io/node/ (Node only).
export * from './types.js';
export { parseJson, JsonSyntaxError } from './json.js';
export { getPath, hasPath, splitPath } from './path.js';
export { DEFAULT_FIELDS, FieldProblem, describeType, type AdapterOptions, type CountedRow, type RowAdapter } from './adapt.js';
export { detectFormat, type Detection } from './detect.js';
export { Framer, FramingError, DEFAULT_MAX_RECORD_BYTES, type FramingMode } from './framer.js';
export type { Reject } from './records.js';
export { Tally, buildManifest, type Manifest, type ManifestInput } from './manifest.js';
export type { RowSink } from './encode.js';
export { asText, promptMessages, responseMessages, promptString, responseString, parseHhDialogue, splitHh } from './text.js';
export { TARGETS, trlSchema, ktoSchema, candidatesSchema, onpolicySchema, hhSchema, type Target, type ColumnSpec, type ColumnType } from './rows.js';
