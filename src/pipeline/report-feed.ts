// The data path's columns as the report collector's input (src/report/collector.ts): candidate sets as pool chunks,
// constructed pairs and pairs-input records as pair columns, with their text read from the batch only for the
// examples the report keeps. Runtime neutral (the CLI, the browser app and library users feed reports the same way).
import { JSON_K_NAN, JSON_K_NEG_INF, JSON_K_NUMBER, JSON_K_NUMBER_TEXT, JSON_K_POS_INF, JSON_K_STRING } from '../abi/json.js';
import { EX_NONE, LP_TOKENS, type CandidateColumns, type PairColumns as PairRecords } from '../io/adapt.js';
import { CELL_SPAN, type Cells } from '../io/cells.js';
import { cellValue } from '../io/encode.js';
import { Key, type RecordBatch } from '../io/records.js';
import { promptString, responseString } from '../io/text.js';
import type { Text } from '../io/types.js';
import { logitClamped } from '../numeric.js';
import { ROUTE, type PairColumns, type PoolChunk } from '../report/index.js';
import type { ChunkPairs } from './pairs.js';

export type ReportTransform = 'none' | 'logit';

const tf = (t: ReportTransform) => (x: number): number => (t === 'none' || !Number.isFinite(x) ? x : logitClamped(x));

/**
 * Characters (Unicode code points) of a JSON string value's bytes: UTF-8 lead bytes, each escape one character
 * (a \u surrogate pair one). Without escapes the text is not decoded.
 */
export function spanChars(buf: Uint8Array, s: number, e: number): number {
  let n = 0;
  for (let i = s + 1; i < e - 1; i++) {
    const b = buf[i]!;
    if (b === 0x5c) {
      const x = buf[i + 1];
      if (x === 0x75) {
        const hi = parseInt(String.fromCharCode(buf[i + 2]!, buf[i + 3]!, buf[i + 4]!, buf[i + 5]!), 16);
        i += 5;
        // A high surrogate followed by an escaped low surrogate is one character.
        if (hi >= 0xd800 && hi <= 0xdbff && buf[i + 1] === 0x5c && buf[i + 2] === 0x75) {
          const lo = parseInt(String.fromCharCode(buf[i + 3]!, buf[i + 4]!, buf[i + 5]!, buf[i + 6]!), 16);
          if (lo >= 0xdc00 && lo <= 0xdfff) i += 6;
        }
      } else i++;
      n++;
    } else if ((b & 0xc0) !== 0x80) n++;
  }
  return n;
}

function charsOf(cells: Cells, id: number, buf: Uint8Array): number {
  if (cells.kind[id] === CELL_SPAN) return spanChars(buf, cells.s[id]!, cells.e[id]!);
  const v = cellValue(cells, id, buf) as Text;
  const t = typeof v === 'string' ? v : responseString(v);
  let n = t.length;
  for (let i = 1; i < t.length; i++) {
    const c = t.charCodeAt(i);
    const p = t.charCodeAt(i - 1);
    if (c >= 0xdc00 && c <= 0xdfff && p >= 0xd800 && p <= 0xdbff) n--;
  }
  return n;
}

function textOf(cells: Cells, id: number, buf: Uint8Array, role: 'prompt' | 'response'): string {
  const v = cellValue(cells, id, buf) as Text;
  return role === 'prompt' ? promptString(v) : responseString(v);
}

/** The candidate sets of a batch as a pool chunk (scores on the analysis scale; excluded candidates NaN). */
export function poolChunkOfColumns(batch: RecordBatch, c: CandidateColumns, transform: ReportTransform, outOfRange?: (n: number) => void): PoolChunk {
  const n = c.resp.n;
  const t = tf(transform);
  const scores = new Float64Array(n);
  const raw = transform === 'none' ? undefined : new Float64Array(n);
  const chars = new Float64Array(n);
  const tokens = new Float64Array(n).fill(-1);
  let bad = 0;
  const buf = batch.buf;
  for (let g = 0; g < c.groups; g++) {
    const base = c.lpBase.a[g]!;
    for (let i = c.off.a[g]!; i < c.off.a[g + 1]!; i++) {
      const x = c.excl.a[i] === EX_NONE ? c.score.a[i]! : Number.NaN;
      scores[i] = t(x);
      if (raw) raw[i] = x;
      if (Number.isFinite(x) && !Number.isFinite(scores[i]!)) bad++;
      chars[i] = charsOf(c.cells, c.resp.a[i]!, buf);
      if (base >= 0) {
        const j = base + i - c.off.a[g]!;
        if (c.lpKind.a[j] === LP_TOKENS) tokens[i] = c.tokOff.a[j + 1]! - c.tokOff.a[j]!;
      }
    }
  }
  if (bad && outOfRange) outOfRange(bad);
  const chunk: PoolChunk = {
    promptIndex: c.index.values().slice(),
    offsets: c.off.values().slice(),
    scores,
    chars,
    text: {
      prompt: (g) => textOf(c.cells, c.prompt.a[g]!, batch.buf, 'prompt'),
      response: (g, i) => textOf(c.cells, c.resp.a[c.off.a[g]! + i]!, batch.buf, 'response'),
    },
  };
  if (raw) chunk.raw = raw;
  if (tokens.some((x) => x >= 0)) chunk.tokens = tokens;
  return chunk;
}

/** The pairs constructed from a batch's candidate sets as pair columns (texts from the batch). */
export function pairColumnsOfPairs(batch: RecordBatch, c: CandidateColumns, res: ChunkPairs, transform: ReportTransform): PairColumns {
  const r = res.rows;
  const t = tf(transform);
  const out: PairColumns = {
    length: r.n,
    promptIndex: r.promptIndex,
    chosenIndex: r.chosenIndex,
    rejectedIndex: r.rejectedIndex,
    chosen: r.scoreChosen.map(t),
    rejected: r.scoreRejected.map(t),
    margin: r.margin,
  };
  if (transform !== 'none') {
    out.chosenRaw = r.scoreChosen;
    out.rejectedRaw = r.scoreRejected;
  }
  if (r.implicitMargin) out.implicitMargin = r.implicitMargin;
  const resp = (i: number, k: number): number => c.resp.a[c.off.a[r.group[i]!]! + k]!;
  out.text = (i) => ({
    prompt: textOf(c.cells, c.prompt.a[r.group[i]!]!, batch.buf, 'prompt'),
    chosen: textOf(c.cells, resp(i, r.chosenIndex[i]!), batch.buf, 'response'),
    rejected: textOf(c.cells, resp(i, r.rejectedIndex[i]!), batch.buf, 'response'),
  });
  return out;
}

const K = {
  promptIndex: new Key('prompt_index'),
  chosenIndex: new Key('chosen_index'),
  rejectedIndex: new Key('rejected_index'),
  margin: new Key('margin'),
  implicit: new Key('implicit_margin'),
  score: new Key('selection_score'),
  selected: new Key('selected'),
  route: new Key('route'),
  chosenLength: new Key('chosen_length'),
  rejectedLength: new Key('rejected_length'),
};

/** A numeric member of record r (NaN when absent or not a number; true = 1, false = 0 for `selected`). */
function num(batch: RecordBatch, r: number, key: Key): number {
  const m = batch.member(r, key);
  if (m < 0) return Number.NaN;
  const k = batch.index.valKind[m]!;
  if (k === JSON_K_NUMBER || k === JSON_K_NUMBER_TEXT) return batch.memberNumber(m);
  if (k === JSON_K_NAN || k === JSON_K_POS_INF || k === JSON_K_NEG_INF) return Number.NaN;
  const bytes = batch.buf;
  const s = batch.index.valS[m]!;
  if (bytes[s] === 0x74) return 1; // true
  if (bytes[s] === 0x66) return 0; // false
  return Number.NaN;
}

/** The records of a pairs input (e.g. a `pairs`/`select`/`route` output) as pair columns. */
export function pairColumnsOfRecords(batch: RecordBatch, p: PairRecords, transform: ReportTransform): PairColumns {
  const n = p.groups;
  const t = tf(transform);
  const col = (key: Key) => Float64Array.from({ length: n }, (_, g) => num(batch, p.rec.a[g]!, key));
  const route = new Uint8Array(n);
  for (let g = 0; g < n; g++) {
    const m = batch.member(p.rec.a[g]!, K.route);
    if (m >= 0 && batch.index.valKind[m] === JSON_K_STRING) {
      const v = batch.decodeString(batch.index.valS[m]!, batch.index.valE[m]!);
      route[g] = v === 'dpo' ? ROUTE.dpo : v === 'sft' ? ROUTE.sft : ROUTE.none;
    }
  }
  const sc = p.scoreChosen.values().slice();
  const sr = p.scoreRejected.values().slice();
  const out: PairColumns = {
    length: n,
    promptIndex: col(K.promptIndex),
    chosenIndex: col(K.chosenIndex),
    rejectedIndex: col(K.rejectedIndex),
    chosen: sc.map(t),
    rejected: sr.map(t),
    margin: col(K.margin),
    implicitMargin: col(K.implicit),
    selectionScore: col(K.score),
    selected: col(K.selected),
    route,
    chosenChars: Float64Array.from({ length: n }, (_, g) => charsOf(p.cells, p.chosen.a[g]!, batch.buf)),
    rejectedChars: Float64Array.from({ length: n }, (_, g) => charsOf(p.cells, p.rejected.a[g]!, batch.buf)),
    text: (g) => ({
      prompt: textOf(p.cells, p.prompt.a[g]!, batch.buf, 'prompt'),
      chosen: textOf(p.cells, p.chosen.a[g]!, batch.buf, 'response'),
      rejected: textOf(p.cells, p.rejected.a[g]!, batch.buf, 'response'),
    }),
  };
  if (transform !== 'none') {
    out.chosenRaw = sc;
    out.rejectedRaw = sr;
  }
  const ct = col(K.chosenLength);
  const rt = col(K.rejectedLength);
  if (ct.some(Number.isFinite) || rt.some(Number.isFinite)) {
    out.chosenTokens = ct;
    out.rejectedTokens = rt;
  }
  return out;
}
