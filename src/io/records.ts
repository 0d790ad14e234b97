// A batch of validated, indexed records: the framer's bytes and spans plus the indexer's output (src/kernels/json.ts),
// with the helpers every adapter uses: member lookup by key, span decoding, numbers, and the reject of a record
// (reason, field, detail, and the record itself as JSON when it is valid JSON, else its text). Platform neutral.
import {
  JSON_E_CONTROL,
  JSON_E_DEEP,
  JSON_E_EMPTY,
  JSON_E_END,
  JSON_E_ESCAPE,
  JSON_E_NUMBER,
  JSON_E_STRING,
  JSON_FLAG_ESCAPED_KEY,
  JSON_FLAG_SANITIZE,
  JSON_K_NAN,
  JSON_K_NEG_INF,
  JSON_K_NUMBER,
  JSON_K_NUMBER_TEXT,
  JSON_K_POS_INF,
  JSON_REC_NOT_OBJECT,
  JSON_REC_OK,
  JSON_REC_TOO_DEEP,
} from '../abi/json.js';
import { JsonIndex } from '../kernels/json.js';
import { DEFAULT_MAX_RECORD_BYTES, type Batch, type ByteStore, type LargeRecord } from './framer.js';
import { parseJson } from './json.js';
import { NUM_TOKEN_OK, parseNumberToken } from './numbers.js';
import type { RejectReason } from './types.js';

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Keys decoded before (keyText), by a hash of their length and end bytes: bytes as written, and their text. */
const KEY_CACHE_SLOTS = 256;
const KEY_CACHE_MAX = 64;
const keyCache: ({ bytes: Uint8Array; text: string } | undefined)[] = new Array(KEY_CACHE_SLOTS);
const encoder = new TextEncoder();

/** A rejected record, ready for `<out>.rejects.jsonl`. */
export interface Reject {
  file: string;
  /** 1-based physical line (Parquet: 1-based row). */
  line: number;
  /** 0-based record number. */
  index: number;
  /** The field at fault (a dot path), or null when the whole record is at fault. */
  field: string | null;
  reason: RejectReason;
  detail: string;
  /** The record as JSON text when it is valid JSON (copied as is), else null (see `text`). */
  json: Uint8Array | null;
  /** The record's text when it is not valid JSON (malformed, too large: its first KiB, non-standard literals). */
  text: string | null;
}

/** What the indexer's status means as a reject reason. */
function statusReason(status: number): RejectReason {
  switch (status) {
    case JSON_REC_NOT_OBJECT:
      return 'not_an_object';
    case JSON_REC_TOO_DEEP:
      return 'too_deep';
    default:
      return 'malformed_json';
  }
}

/** The value kind names of a JSON value's first byte, for messages ("a string", "an array", ...). */
export function describeBytes(buf: Uint8Array, s: number): string {
  switch (buf[s]) {
    case 0x22:
      return 'a string';
    case 0x5b:
      return 'an array';
    case 0x7b:
      return 'an object';
    case 0x6e:
      return 'null';
    case 0x74:
    case 0x66:
      return 'a boolean';
    default:
      return 'a number';
  }
}

/** The value of a NaN/Infinity literal kind; NaN for any kind that is not numeric. */
function literalValue(kind: number): number {
  if (kind === JSON_K_POS_INF) return Infinity;
  if (kind === JSON_K_NEG_INF) return -Infinity;
  return Number.NaN;
}

/** Encodes a key once for member lookups. */
export class Key {
  readonly bytes: Uint8Array;
  constructor(readonly text: string) {
    this.bytes = encoder.encode(text);
  }
}

export class RecordBatch {
  readonly index = new JsonIndex();
  private store: ByteStore | null = null;
  private view: Uint8Array = new Uint8Array(0);
  n = 0;
  start: Int32Array = new Int32Array(0);
  end: Int32Array = new Int32Array(0);
  line: Int32Array = new Int32Array(0);
  recNo: Int32Array = new Int32Array(0);
  large: LargeRecord[] = [];
  /** Input offset of each record's first byte. */
  offset: Float64Array = new Float64Array(0);

  constructor(
    readonly file: string,
    readonly maxRecordBytes = DEFAULT_MAX_RECORD_BYTES,
  ) {}

  /**
   * The batch's bytes. The buffer may live in engine memory, which a kernel call can grow (detaching older views):
   * the view is taken again whenever it has been detached, so this is always safe to read.
   */
  get buf(): Uint8Array {
    if (this.view.byteLength === 0 && this.store) this.view = this.store.view();
    return this.view;
  }

  /** Takes a framed batch; the caller runs the indexer on it next. */
  set(b: Batch): void {
    this.store = b.store;
    this.view = b.store.view();
    this.offset = b.offset;
    this.n = b.n;
    this.start = b.start;
    this.end = b.end;
    this.line = b.line;
    this.recNo = b.index;
    this.large = b.large;
  }

  status(r: number): number {
    return this.index.status[r]!;
  }

  sanitize(r: number): boolean {
    return (this.index.flags[r]! & JSON_FLAG_SANITIZE) !== 0;
  }

  /** The member of record r with this key (the last one when repeated, as JSON.parse keeps), or -1. */
  member(r: number, key: Key): number {
    const ix = this.index;
    const buf = this.buf;
    const kb = key.bytes;
    const n = kb.length;
    const escaped = (ix.flags[r]! & JSON_FLAG_ESCAPED_KEY) !== 0;
    for (let m = ix.memberOff[r + 1]! - 1; m >= ix.memberOff[r]!; m--) {
      const ks = ix.keyS[m]!;
      const ke = ix.keyE[m]!;
      if (ke - ks === n) {
        let same = true;
        for (let x = 0; x < n; x++) {
          if (buf[ks + x] !== kb[x]) {
            same = false;
            break;
          }
        }
        if (same) return m;
      }
      if (escaped && this.keyHasEscape(ks, ke) && this.keyText(m) === key.text) return m;
    }
    return -1;
  }

  private keyHasEscape(s: number, e: number): boolean {
    const buf = this.buf;
    for (let i = s; i < e; i++) if (buf[i] === 0x5c) return true;
    return false;
  }

  /** Member m's key as a string. */
  keyText(m: number): string {
    const s = this.index.keyS[m]!;
    const e = this.index.keyE[m]!;
    const buf = this.buf;
    const n = e - s;
    // The same few keys come back record after record: a key seen before is found by its bytes, not decoded again.
    const slot = n > 0 && n <= KEY_CACHE_MAX ? (n * 31 + buf[s]! * 7 + buf[e - 1]!) & (KEY_CACHE_SLOTS - 1) : -1;
    if (slot >= 0) {
      const hit = keyCache[slot];
      if (hit && hit.bytes.length === n) {
        let i = 0;
        while (i < n && hit.bytes[i] === buf[s + i]) i++;
        if (i === n) return hit.text;
      }
    }
    const text = this.keyHasEscape(s, e) ? (JSON.parse(`"${decoder.decode(buf.subarray(s, e))}"`) as string) : decoder.decode(buf.subarray(s, e));
    if (slot >= 0) keyCache[slot] = { bytes: buf.slice(s, e), text };
    return text;
  }

  /** The JSON value at [s, e) decoded (NaN / Infinity literals read as numbers; invalid UTF-8 as U+FFFD). */
  decode(s: number, e: number): unknown {
    return parseJson(decoder.decode(this.buf.subarray(s, e)));
  }

  /** A string value's span decoded. */
  decodeString(s: number, e: number): string {
    // No escapes: the text between the quotes is the string.
    const buf = this.buf;
    let plain = true;
    for (let i = s + 1; i < e - 1; i++) {
      if (buf[i] === 0x5c) {
        plain = false;
        break;
      }
    }
    const inner = decoder.decode(buf.subarray(s + 1, e - 1));
    return plain ? inner : (JSON.parse(`"${inner}"`) as string);
  }

  /** The number of a member (kind NUMBER or NUMBER_TEXT), parsed exactly. */
  memberNumber(m: number): number {
    const ix = this.index;
    if (ix.valKind[m] === JSON_K_NUMBER) return ix.valNum[m]!;
    return this.numberText(ix.valS[m]!, ix.valE[m]!);
  }

  /** The number of an element (kind NUMBER or NUMBER_TEXT), parsed exactly. */
  elemNumber(k: number): number {
    const ix = this.index;
    if (ix.elemKind[k] === JSON_K_NUMBER) return ix.elemNum[k]!;
    return this.numberText(ix.elemS[k]!, ix.elemE[k]!);
  }

  private numberText(s: number, e: number): number {
    const st = new Int32Array(1);
    const v = parseNumberToken(this.buf, s, e, st);
    if (st[0] !== NUM_TOKEN_OK) throw new Error('pairsmith: internal error: the indexer passed a bad number token');
    return v;
  }

  /** Whether a member's value kind is a number the indexer recognised (read or to be parsed). */
  static isNumberKind(kind: number): boolean {
    return kind === JSON_K_NUMBER || kind === JSON_K_NUMBER_TEXT;
  }

  /** Whether a kind is numeric: a number token, or a `NaN` / `Infinity` / `-Infinity` literal. */
  static isNumeric(kind: number): boolean {
    return kind === JSON_K_NUMBER || kind === JSON_K_NUMBER_TEXT || kind === JSON_K_NAN || kind === JSON_K_POS_INF || kind === JSON_K_NEG_INF;
  }

  /** A member's value as a number: a number token parsed exactly, the value of a NaN/Infinity literal, else NaN. */
  memberValue(m: number): number {
    const kind = this.index.valKind[m]!;
    return RecordBatch.isNumberKind(kind) ? this.memberNumber(m) : literalValue(kind);
  }

  /** An element's value as a number, as `memberValue`. */
  elemValue(k: number): number {
    const kind = this.index.elemKind[k]!;
    return RecordBatch.isNumberKind(kind) ? this.elemNumber(k) : literalValue(kind);
  }

  /** The record's bytes as text (for rejects of records that are not valid JSON). */
  text(r: number): string {
    return decoder.decode(this.buf.subarray(this.start[r]!, this.end[r]!));
  }

  /** The reject of record r for a reason found by an adapter (the record is valid JSON). */
  reject(r: number, field: string | null, reason: RejectReason, detail: string): Reject {
    const json = this.sanitize(r) ? null : this.buf.slice(this.start[r]!, this.end[r]!);
    return { file: this.file, line: this.line[r]!, index: this.recNo[r]!, field, reason, detail, json, text: json ? null : this.text(r) };
  }

  /** The reject of a record the indexer refused (status not OK), or null when it is a valid object. */
  statusReject(r: number): Reject | null {
    const st = this.index.status[r]!;
    if (st === JSON_REC_OK) return null;
    if (st === JSON_REC_NOT_OBJECT) {
      const s = skipWs(this.buf, this.start[r]!, this.end[r]!);
      return this.reject(r, null, 'not_an_object', `the record is ${describeBytes(this.buf, s)}, not an object`);
    }
    const detail = this.errorDetail(r);
    return { file: this.file, line: this.line[r]!, index: this.recNo[r]!, field: null, reason: statusReason(st), detail, json: null, text: this.text(r) };
  }

  /** Rejects of the records too large to buffer. */
  largeRejects(): Reject[] {
    const maxBytes = this.maxRecordBytes;
    return this.large.map((l) => ({
      file: this.file,
      line: l.line,
      index: l.index,
      field: null,
      reason: 'too_large' as const,
      detail: `the record has ${l.bytes} bytes, over the limit of ${maxBytes} (--max-record-bytes); its first KiB is kept`,
      json: null,
      text: l.head,
    }));
  }

  /** Why record r failed to parse, naming the byte offset within the record. */
  errorDetail(r: number): string {
    const ix = this.index;
    const at = ix.errAt[r]! - this.start[r]!;
    const abs = ix.errAt[r]!;
    const ch = abs >= 0 && abs < this.end[r]! ? describeByte(this.buf[abs]!) : '';
    switch (ix.errCode[r]) {
      case JSON_E_EMPTY:
        return 'empty record';
      case JSON_E_END:
        return `unexpected end of the record at offset ${at} (truncated?)`;
      case JSON_E_STRING:
        return `unterminated string starting at offset ${at}`;
      case JSON_E_ESCAPE:
        return `bad escape in a string at offset ${at}`;
      case JSON_E_CONTROL:
        return `raw control character ${ch} in a string at offset ${at}`;
      case JSON_E_NUMBER:
        return `bad number at offset ${at}`;
      case JSON_E_DEEP:
        return `nested deeper than the limit at offset ${at}`;
      default:
        return `unexpected ${ch || 'end of the record'} at offset ${at}`;
    }
  }
}

function skipWs(buf: Uint8Array, i: number, e: number): number {
  while (i < e && (buf[i] === 0x20 || buf[i] === 0x09 || buf[i] === 0x0d || buf[i] === 0x0a)) i++;
  return i;
}

function describeByte(b: number): string {
  if (b < 0x20 || b === 0x7f) return `U+${b.toString(16).toUpperCase().padStart(4, '0')}`;
  if (b >= 0x80) return `byte 0x${b.toString(16)}`;
  return `'${String.fromCharCode(b)}'`;
}

export { JsonIndex };
