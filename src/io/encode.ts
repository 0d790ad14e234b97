// The one row writer: every output row of every command is built here, column by column in a fixed order, from
// cells (spans copied as is, re-encoded spans, decoded values) and numbers. Two builders share the interface: JSON
// Lines bytes (into a ByteSink; gzip and stdout are the sink's business) and row objects (for Parquet's typed
// columns). Text is written in one form per file: a cell whose form differs is converted the same way wherever it
// is (strings <-> message lists). Platform neutral.
import { ByteSink } from './bytes.js';
import { CELL_SANITIZE, CELL_SPAN, FORM_MESSAGES, FORM_STRING, type Cells } from './cells.js';
import { parseJson, setOwn } from './json.js';
import { promptMessages, promptString, responseMessages, responseString } from './text.js';
import type { ColumnSpec } from './rows.js';
import type { Text } from './types.js';

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const encoder = new TextEncoder();

/** Where rows go: JSON Lines bytes, or row objects for a typed-column writer (Parquet). */
export interface RowSink {
  /** `jsonl`: the sink takes JSON Lines bytes; `objects`: row objects (e.g. a Parquet writer). */
  readonly kind: 'jsonl' | 'objects';
  /** Typed sinks are told the columns once, before the first rows (JSON Lines sinks may ignore it). */
  columns?(cols: readonly ColumnSpec[]): void | Promise<void>;
  /**
   * JSON Lines bytes: a view valid until the call returns or its promise settles (its buffer then carries the next
   * batch's rows): copy what you keep.
   */
  writeBytes?(bytes: Uint8Array): void | Promise<void>;
  writeRows?(rows: Record<string, unknown>[]): void | Promise<void>;
}

/** Which text a cell holds, for conversions: a prompt or a response (or neither: copied as is). */
export type TextRole = 'prompt' | 'response' | 'other';

/** A column name, encoded once. */
export class Column {
  readonly first: Uint8Array;
  readonly next: Uint8Array;
  constructor(readonly name: string) {
    const k = JSON.stringify(name);
    this.first = encoder.encode(`{${k}:`);
    this.next = encoder.encode(`,${k}:`);
  }
}

const COLUMNS = new Map<string, Column>();

/**
 * The Column of a key named at run time (a pairs input's own columns, object rows), made once per name: encoding
 * its bytes for every row costs more than the row. At most 4096 names are kept (hostile inputs with a new key per
 * record start it over).
 */
export function columnOf(name: string): Column {
  let c = COLUMNS.get(name);
  if (!c) {
    if (COLUMNS.size > 4096) COLUMNS.clear();
    c = new Column(name);
    COLUMNS.set(name, c);
  }
  return c;
}

/** Builds one row at a time: begin(), then for each column key() and one value call, then end(). */
export interface RowBuilder {
  begin(): void;
  key(c: Column): void;
  /** A text cell in the file's form `form` (FORM_STRING or FORM_MESSAGES); other cells are copied as they are. */
  cell(cells: Cells, id: number, buf: Uint8Array, role: TextRole, form: number): void;
  /** Any JSON value span of `buf` (valid JSON; `sanitize`: re-encode it). */
  span(buf: Uint8Array, s: number, e: number, sanitize: boolean): void;
  /** A number (non-finite: null). */
  num(x: number): void;
  /** An integer (non-finite: null). */
  int(x: number): void;
  str(s: string): void;
  bool(b: boolean): void;
  null(): void;
  /** Any JS value (non-finite numbers become null). */
  value(v: unknown): void;
  /**
   * The members of a row this writer wrote before (its JSON Lines bytes [s, e), an object, no newline), as the row's
   * first columns: more columns may follow (a merge adds the selection columns to the shards' rows).
   */
  members(buf: Uint8Array, s: number, e: number): void;
  end(): void;
}

/** A cell's value decoded (for conversions and for the object builder). */
export function cellValue(cells: Cells, id: number, buf: Uint8Array): unknown {
  const k = cells.kind[id]!;
  if (k === CELL_SPAN || k === CELL_SANITIZE) return parseJson(decoder.decode(buf.subarray(cells.s[id]!, cells.e[id]!)));
  return cells.values[cells.s[id]!];
}

/** The text of a cell converted to `form` (a string or message list value). */
export function convertText(t: Text, role: TextRole, form: number): unknown {
  if (form === FORM_MESSAGES) return role === 'prompt' ? promptMessages(t) : responseMessages(t);
  return role === 'prompt' ? promptString(t) : responseString(t);
}

const ASSISTANT_HEAD = encoder.encode('[{"role":"assistant","content":');
const ASSISTANT_TAIL = encoder.encode('}]');

/** JSON Lines rows into a ByteSink. */
export class JsonlRowBuilder implements RowBuilder {
  private first = true;
  /** Short strings written before (labels such as a strategy or a position), encoded once. */
  private readonly encoded = new Map<string, Uint8Array>();
  constructor(readonly sink: ByteSink) {}

  begin(): void {
    this.first = true;
  }

  key(c: Column): void {
    const k = this.first ? c.first : c.next;
    this.sink.bytes(k, 0, k.length);
    this.first = false;
  }

  cell(cells: Cells, id: number, buf: Uint8Array, role: TextRole, form: number): void {
    const kind = cells.kind[id]!;
    const cf = cells.form[id]!;
    if (role === 'other' || cf === form || (cf !== FORM_STRING && cf !== FORM_MESSAGES)) {
      if (kind === CELL_SPAN) this.sink.bytes(buf, cells.s[id]!, cells.e[id]!);
      else if (kind === CELL_SANITIZE) this.span(buf, cells.s[id]!, cells.e[id]!, true);
      else this.value(cells.values[cells.s[id]!]);
      return;
    }
    // A string response in a conversational file: wrap the string's JSON text without decoding it.
    if (form === FORM_MESSAGES && role === 'response' && kind === CELL_SPAN) {
      this.sink.bytes(ASSISTANT_HEAD, 0, ASSISTANT_HEAD.length);
      this.sink.bytes(buf, cells.s[id]!, cells.e[id]!);
      this.sink.bytes(ASSISTANT_TAIL, 0, ASSISTANT_TAIL.length);
      return;
    }
    this.value(convertText(cellValue(cells, id, buf) as Text, role, form));
  }

  span(buf: Uint8Array, s: number, e: number, sanitize: boolean): void {
    if (!sanitize) this.sink.bytes(buf, s, e);
    else this.value(parseJson(decoder.decode(buf.subarray(s, e))));
  }

  num(x: number): void {
    this.sink.number(x);
  }

  int(x: number): void {
    if (Number.isFinite(x)) this.sink.int(x);
    else this.sink.ascii('null');
  }

  str(s: string): void {
    if (s.length > 24) {
      this.sink.text(JSON.stringify(s));
      return;
    }
    let b = this.encoded.get(s);
    if (!b) {
      if (this.encoded.size > 256) this.encoded.clear();
      b = encoder.encode(JSON.stringify(s));
      this.encoded.set(s, b);
    }
    this.sink.bytes(b, 0, b.length);
  }

  bool(b: boolean): void {
    this.sink.ascii(b ? 'true' : 'false');
  }

  null(): void {
    this.sink.ascii('null');
  }

  value(v: unknown): void {
    if (typeof v === 'number') this.sink.number(v);
    else if (v instanceof RawJson) this.sink.bytes(v.bytes(), v.s, v.e);
    else this.sink.text(JSON.stringify(v) ?? 'null');
  }

  members(buf: Uint8Array, s: number, e: number): void {
    // `{...}` without its closing brace; an empty row `{}` leaves the row empty.
    let t = e;
    while (t > s && buf[t - 1] !== 0x7d) t--;
    if (t - s <= 2) return;
    this.sink.bytes(buf, s, t - 1);
    this.first = false;
  }

  end(): void {
    if (this.first) this.sink.ascii('{');
    this.sink.ascii('}\n');
  }
}

/**
 * A JSON value kept as its bytes [s, e) of `buf` (valid JSON): an object row's value that the code building the row
 * only moves around (augment's responses and other columns). Not a copy: valid while its batch is, so such rows are
 * written before the batch ends. JSON Lines writers copy the bytes; object writers decode them (rawValue).
 */
export class RawJson {
  constructor(
    readonly buf: Uint8Array,
    readonly s: number,
    readonly e: number,
  ) {}

  /** The bytes, checked: a view whose memory has since grown (detached, length 0) fails loudly, never writes nothing. */
  bytes(): Uint8Array {
    if (this.e > this.buf.length) throw new Error('pairsmith: internal error: a row value outlived its batch (its memory was detached)');
    return this.buf;
  }
}

/** A value of an object row, RawJson decoded. */
export function rawValue(v: unknown): unknown {
  return v instanceof RawJson ? parseJson(decoder.decode(v.bytes().subarray(v.s, v.e))) : v;
}

/**
 * Row objects (for Parquet, and rows that code rewrites: augment): every value decoded, or, with `raw`, the
 * strings, lists and objects that need no conversion kept as RawJson (prompts are always decoded; numbers, literals
 * and spans of records that need re-encoding too).
 */
export class ObjectRowBuilder implements RowBuilder {
  rows: Record<string, unknown>[] = [];
  private row: Record<string, unknown> = {};
  private col = '';
  constructor(private readonly raw = false) {}

  begin(): void {
    this.row = {};
  }

  key(c: Column): void {
    this.col = c.name;
  }

  private put(v: unknown): void {
    setOwn(this.row, this.col, v);
  }

  cell(cells: Cells, id: number, buf: Uint8Array, role: TextRole, form: number): void {
    const cf = cells.form[id]!;
    const asIs = role === 'other' || cf === form || (cf !== FORM_STRING && cf !== FORM_MESSAGES);
    if (this.raw && asIs && role !== 'prompt' && cells.kind[id] === CELL_SPAN) {
      this.put(new RawJson(buf, cells.s[id]!, cells.e[id]!));
      return;
    }
    const v = cellValue(cells, id, buf);
    if (asIs) this.put(v);
    else this.put(convertText(v as Text, role, form));
  }

  span(buf: Uint8Array, s: number, e: number, sanitize: boolean): void {
    // A string, list or object (its first byte; spans start at their value) of a record that needs no re-encoding.
    const b = buf[s];
    if (this.raw && !sanitize && (b === 0x22 || b === 0x5b || b === 0x7b)) this.put(new RawJson(buf, s, e));
    else this.put(parseJson(decoder.decode(buf.subarray(s, e))));
  }

  num(x: number): void {
    this.put(Number.isFinite(x) ? x : null);
  }

  int(x: number): void {
    this.put(Number.isFinite(x) ? x : null);
  }

  str(s: string): void {
    this.put(s);
  }

  bool(b: boolean): void {
    this.put(b);
  }

  null(): void {
    this.put(null);
  }

  value(v: unknown): void {
    const x = rawValue(v);
    this.put(typeof x === 'number' && !Number.isFinite(x) ? null : x);
  }

  members(buf: Uint8Array, s: number, e: number): void {
    const o = parseJson(decoder.decode(buf.subarray(s, e))) as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      this.col = k;
      this.put(o[k]);
    }
  }

  end(): void {
    this.rows.push(this.row);
  }

  /** The rows built so far, and a reset. */
  take(): Record<string, unknown>[] {
    const r = this.rows;
    this.rows = [];
    return r;
  }
}
