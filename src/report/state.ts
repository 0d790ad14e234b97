// The report collector's state as data: what a collector holds after its input (per-prompt summaries and per-pair
// numbers as typed columns, fixed histograms, bounded samples and examples, counts), so that the collectors of the
// parts of an input (the shards of a run) merge into the collector of the whole: ReportCollector.state() and
// ReportCollector.merge(state). Numbers are kept exactly: typed columns as their little-endian bytes in base64,
// other numbers as JSON numbers or, for what JSON lacks (NaN, infinities, -0), strings (numeric.ts encodeNumber).
// As text it is JSON Lines: a header line, then one line per typed column (stateLines / stateOfLines).
import type { FixedHistogram, RejectInfo, TextCell } from './types.js';

/** The version of the state format (the header's `pairsmith_report_state`). */
export const REPORT_STATE_VERSION = 1;

/** A number as the state keeps it (numeric.ts encodeNumber). */
export type StateNumber = number | string;

/** A typed column: its element type and its bytes (little-endian) in base64. */
export interface ColumnData {
  type: 'f64' | 'i32' | 'u8';
  data: string;
}

/** A table of typed columns: its row count and the columns written (a column not there holds its fill value). */
export interface ColumnsState {
  n: number;
  columns: Record<string, ColumnData>;
}

/** A captured example (CapturedExample with its numbers kept exactly). */
export interface ExampleState {
  seq: number;
  key: StateNumber;
  promptIndex: number;
  pair: number;
  chosenScore: StateNumber;
  rejectedScore: StateNumber;
  minScore?: StateNumber;
  text: { prompt: TextCell; chosen: TextCell; rejected: TextCell; min?: TextCell };
}

/** The example capture: how many offers it numbered, and the kept examples per table. */
export interface CaptureState {
  seq: number;
  buckets: Record<'high' | 'low' | 'sweet' | 'first', ExampleState[]>;
}

/** A pool of the small multiples (PoolView with its numbers kept exactly). */
export interface PoolViewState {
  promptIndex: number;
  label: string;
  scores: StateNumber[];
  candidates: number;
  mu: StateNumber;
  sigma: StateNumber;
  chosen: number;
  rejected: number;
  min: number;
}

/** The collector's options, resolved (collectors merge only with equal options). */
export interface StateOptions {
  rejectedK: number;
  std: 'population' | 'sample';
  tieEpsilon: number;
  pairsFrom: 'pools' | 'rows';
  sampleSize: number;
  examples: number;
  textCap: number;
  scoreSample: number;
  rejectList: number;
}

/** Everything a ReportCollector holds after its input; its size is the collector's (bounded samples, typed columns). */
export interface CollectorState {
  pairsmith_report_state: typeof REPORT_STATE_VERSION;
  options: StateOptions;
  counts: {
    poolsSeen: boolean;
    rowsAdded: number;
    candidates: number;
    finiteScores: number;
    excluded: number;
    analysed: number;
    sweetDiffers: number;
    minBelow2: number;
    topTies: number;
    extremeScores: number;
    subnormalScores: number;
    largest: StateNumber;
    marginFromColumn: boolean;
    rejectTotal: number;
  };
  /** Prompts skipped, by reason (in order of first occurrence). */
  skipped: Record<string, number>;
  /** The z histograms (FixedBins.toJSON: the occupied bins). */
  bins: { z: FixedHistogram; zMin: FixedHistogram; zSweet: FixedHistogram };
  /** The candidate-score sample (BottomK entries, by increasing key). */
  scoreSample: { key: number[]; tie: number[]; value: StateNumber[] };
  /** The pools of the small multiples (BottomK entries, by increasing key). */
  poolSample: { key: number[]; tie: number[]; pool: PoolViewState[] };
  examples: CaptureState;
  rejects: RejectInfo[];
  prompts: ColumnsState;
  pairs: ColumnsState;
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_CODES = new TextEncoder().encode(B64);
const B64_VALUES = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_VALUES[B64_CODES[i]!] = i;

/** Bytes as base64 (with padding). */
function toBase64(b: Uint8Array): string {
  const n = b.length;
  const out = new Uint8Array(4 * Math.ceil(n / 3));
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    out[o++] = B64_CODES[v >>> 18]!;
    out[o++] = B64_CODES[(v >>> 12) & 63]!;
    out[o++] = B64_CODES[(v >>> 6) & 63]!;
    out[o++] = B64_CODES[v & 63]!;
  }
  if (i < n) {
    const v = (b[i]! << 16) | ((i + 1 < n ? b[i + 1]! : 0) << 8);
    out[o++] = B64_CODES[v >>> 18]!;
    out[o++] = B64_CODES[(v >>> 12) & 63]!;
    out[o++] = i + 1 < n ? B64_CODES[(v >>> 6) & 63]! : 0x3d;
    out[o++] = 0x3d;
  }
  return new TextDecoder().decode(out);
}

/** The bytes of a base64 string (with padding); a RangeError for anything else. */
function fromBase64(s: string): Uint8Array {
  const c = new TextEncoder().encode(s);
  if (c.length % 4 !== 0) throw new RangeError('pairsmith: a report state column is not base64');
  const pad = c.length > 0 ? (c[c.length - 1] === 0x3d ? (c[c.length - 2] === 0x3d ? 2 : 1) : 0) : 0;
  const out = new Uint8Array((c.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < c.length; i += 4) {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const ch = c[i + k]!;
      const x = ch === 0x3d && i + 4 === c.length && k >= 4 - pad ? 0 : ch < 128 ? B64_VALUES[ch]! : -1;
      if (x < 0) throw new RangeError('pairsmith: a report state column is not base64');
      v = (v << 6) | x;
    }
    if (o < out.length) out[o++] = v >>> 16;
    if (o < out.length) out[o++] = (v >>> 8) & 255;
    if (o < out.length) out[o++] = v & 255;
  }
  return out;
}

/** Reverses the bytes of each `size`-byte element in place (big-endian hosts). */
function swapBytes(b: Uint8Array, size: number): void {
  for (let i = 0; i < b.length; i += size) b.subarray(i, i + size).reverse();
}

const SIZE = { f64: 8, i32: 4, u8: 1 } as const;

/** A typed column as ColumnData. */
export function encodeColumn(a: Float64Array | Int32Array | Uint8Array): ColumnData {
  const type = a instanceof Float64Array ? 'f64' : a instanceof Int32Array ? 'i32' : 'u8';
  let bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (!LITTLE_ENDIAN && SIZE[type] > 1) {
    bytes = bytes.slice();
    swapBytes(bytes, SIZE[type]);
  }
  return { type, data: toBase64(bytes) };
}

/** ColumnData as its typed array (of `n` elements: a RangeError otherwise). */
export function decodeColumn(c: ColumnData, n: number): Float64Array | Int32Array | Uint8Array {
  const size = SIZE[c.type];
  if (size === undefined) throw new RangeError(`pairsmith: unknown report state column type ${JSON.stringify(c.type)}`);
  const bytes = fromBase64(c.data);
  if (bytes.length !== n * size) throw new RangeError(`pairsmith: a report state column holds ${bytes.length / size} values, its table ${n} rows`);
  if (!LITTLE_ENDIAN && size > 1) swapBytes(bytes, size);
  const buf = bytes.buffer as ArrayBuffer;
  return c.type === 'f64' ? new Float64Array(buf, 0, n) : c.type === 'i32' ? new Int32Array(buf, 0, n) : bytes;
}

/** The state as JSON Lines: the header (the state without its typed columns' data), then one line per column. */
export function* stateLines(s: CollectorState): Generator<string> {
  const bare = (t: ColumnsState): ColumnsState => ({ n: t.n, columns: {} });
  yield JSON.stringify({ ...s, prompts: bare(s.prompts), pairs: bare(s.pairs) });
  for (const table of ['prompts', 'pairs'] as const) {
    for (const [name, c] of Object.entries(s[table].columns)) yield JSON.stringify([table, name, c.type, c.data]);
  }
}

/** The state of its JSON Lines (stateLines); a TypeError when they are not a report state of this version. */
export function stateOfLines(lines: Iterable<string>): CollectorState {
  let s: CollectorState | undefined;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const v = JSON.parse(line) as unknown;
    if (!s) {
      const h = v as Partial<CollectorState> | null;
      if (typeof h !== 'object' || h === null || h.pairsmith_report_state !== REPORT_STATE_VERSION || !h.prompts || !h.pairs) {
        throw new TypeError(`pairsmith: not a report state (version ${REPORT_STATE_VERSION})`);
      }
      s = h as CollectorState;
      continue;
    }
    if (!Array.isArray(v) || v.length !== 4 || (v[0] !== 'prompts' && v[0] !== 'pairs') || typeof v[1] !== 'string' || typeof v[3] !== 'string') {
      throw new TypeError('pairsmith: a report state line is not a column');
    }
    s[v[0] as 'prompts' | 'pairs'].columns[v[1]] = { type: v[2] as ColumnData['type'], data: v[3] };
  }
  if (!s) throw new TypeError('pairsmith: an empty report state');
  return s;
}
