// A byte-level JSON scanner for the fast path: finds only the top-level fields a command needs in one JSONL
// record, returns their byte spans without decoding, parses numeric arrays straight into typed arrays, and
// lets writers copy string/array values through as JSON text. Anything unusual (escaped keys, a non-number
// where a number is expected, broken structure) is reported, and the caller re-reads that record on the
// slow path (JSON.parse + full validation), so both paths reject the same records for the same reasons.
// Platform neutral: Uint8Array only.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

/** Scan status: OK, or why the record needs the slow path. */
export const SCAN_OK = 0;
export const SCAN_MALFORMED = 1;
export const SCAN_NOT_OBJECT = 2;
export const SCAN_ESCAPED_KEY = 3;
export const SCAN_NOT_NUMBER = 4;
/** The element-capture field has more elements than the `elems` array holds (grow it and scan again). */
export const SCAN_TOO_MANY = 5;

function isWs(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

function skipWs(buf: Uint8Array, i: number, end: number): number {
  while (i < end && isWs(buf[i]!)) i++;
  return i;
}

/** `i` at an opening quote: the index after the closing quote, or -1. */
export function skipString(buf: Uint8Array, i: number, end: number): number {
  let j = i;
  for (;;) {
    j = buf.indexOf(QUOTE, j + 1);
    if (j < 0 || j >= end) return -1;
    let k = j - 1;
    while (buf[k] === BACKSLASH) k--;
    if (((j - 1 - k) & 1) === 0) return j + 1;
  }
}

/** Whether the string token at [start, end) (quotes included) is valid JSON: no raw control bytes, valid escapes. */
export function validString(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start + 1; i < end - 1; i++) {
    const b = buf[i]!;
    if (b < 0x20) return false;
    if (b === BACKSLASH) {
      const e = buf[++i]!;
      if (e === 0x75) {
        for (let h = 1; h <= 4; h++) {
          const x = buf[i + h]!;
          const hex = (x >= 0x30 && x <= 0x39) || (x >= 0x41 && x <= 0x46) || (x >= 0x61 && x <= 0x66);
          if (!hex) return false;
        }
        i += 4;
      } else if (!(e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74)) {
        return false;
      }
    }
  }
  return true;
}

/** Whether a JSON value span (string, array, object, literal) is valid text to copy through (strings checked). */
export function validValue(buf: Uint8Array, start: number, end: number): boolean {
  const b = buf[start];
  if (b === QUOTE) return validString(buf, start, end);
  if (b !== LBRACE && b !== LBRACKET) return true;
  for (let i = start; i < end; i++) {
    if (buf[i] === QUOTE) {
      const e = skipString(buf, i, end);
      if (e < 0 || !validString(buf, i, e)) return false;
      i = e - 1;
    }
  }
  return true;
}

function isTokenByte(b: number): boolean {
  // digits, sign, dot, exponent and the letters of true/false/null/NaN/Infinity
  return (b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x2b || b === 0x2e || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

/** `i` at the first byte of a value: the index after it, or -1 when it is malformed. */
export function skipValue(buf: Uint8Array, i: number, end: number): number {
  const b = buf[i];
  if (b === QUOTE) return skipString(buf, i, end);
  if (b === LBRACE || b === LBRACKET) {
    let depth = 0;
    for (let j = i; j < end; j++) {
      const c = buf[j]!;
      if (c === QUOTE) {
        j = skipString(buf, j, end) - 1;
        if (j < 0) return -1;
      } else if (c === LBRACE || c === LBRACKET) depth++;
      else if (c === RBRACE || c === RBRACKET) {
        depth--;
        if (depth === 0) return j + 1;
        if (depth < 0) return -1;
      }
    }
    return -1;
  }
  let j = i;
  while (j < end && isTokenByte(buf[j]!)) j++;
  return j > i ? j : -1;
}

/**
 * Finds top-level fields of the JSON object in buf[start, end). `names` are the keys (ASCII, no escapes);
 * `spans[2f]`/`spans[2f+1]` receive the value span of names[f] ([-1, -1] when absent; the last duplicate wins,
 * as in JSON.parse). Returns a SCAN_* status.
 */
export class FieldScanner {
  private readonly keys: Uint8Array[];
  private readonly endOut = new Int32Array(1);
  constructor(readonly names: readonly string[]) {
    this.keys = names.map((n) => {
      const k = new Uint8Array(n.length);
      for (let i = 0; i < n.length; i++) {
        const c = n.charCodeAt(i);
        if (c > 0x7e || c < 0x20 || c === QUOTE || c === BACKSLASH) throw new RangeError(`pairsmith: scanner field '${n}' must be plain ASCII`);
        k[i] = c;
      }
      return k;
    });
  }

  /**
   * With `elemField` (an index into names) and `elems`, the elements of that field's array are captured in the
   * same pass (see arrayElements; their count goes to `count[0]`, -1 when the field is absent or not an array).
   */
  scan(buf: Uint8Array, start: number, end: number, spans: Int32Array, elemField = -1, elems?: Int32Array, count?: Int32Array): number {
    spans.fill(-1);
    if (count) count[0] = -1;
    let i = skipWs(buf, start, end);
    if (buf[i] !== LBRACE || i >= end) return SCAN_NOT_OBJECT;
    i = skipWs(buf, i + 1, end);
    if (buf[i] === RBRACE) return skipWs(buf, i + 1, end) === end ? SCAN_OK : SCAN_MALFORMED;
    for (;;) {
      if (i >= end || buf[i] !== QUOTE) return SCAN_MALFORMED;
      const ks = i + 1;
      const ke = skipString(buf, i, end);
      if (ke < 0) return SCAN_MALFORMED;
      const klen = ke - 1 - ks;
      let field = -1;
      for (let f = 0; f < this.keys.length; f++) {
        const key = this.keys[f]!;
        if (key.length !== klen) continue;
        let same = true;
        for (let x = 0; x < klen; x++) {
          if (buf[ks + x] !== key[x]) {
            same = false;
            break;
          }
        }
        if (same) {
          field = f;
          break;
        }
      }
      if (field < 0) {
        for (let x = ks; x < ke - 1; x++) if (buf[x] === BACKSLASH) return SCAN_ESCAPED_KEY;
      }
      i = skipWs(buf, ke, end);
      if (buf[i] !== COLON) return SCAN_MALFORMED;
      i = skipWs(buf, i + 1, end);
      const vs = i;
      let ve: number;
      if (field >= 0 && field === elemField && buf[i] === LBRACKET && elems && count) {
        const n = arrayElements(buf, i, end, elems, this.endOut);
        if (n === -2) return SCAN_TOO_MANY;
        count[0] = n;
        ve = n < 0 ? -1 : this.endOut[0]!;
      } else ve = skipValue(buf, i, end);
      if (ve < 0) return SCAN_MALFORMED;
      if (field >= 0) {
        spans[2 * field] = vs;
        spans[2 * field + 1] = ve;
      }
      i = skipWs(buf, ve, end);
      if (buf[i] === COMMA) {
        i = skipWs(buf, i + 1, end);
        continue;
      }
      if (buf[i] === RBRACE) return skipWs(buf, i + 1, end) === end ? SCAN_OK : SCAN_MALFORMED;
      return SCAN_MALFORMED;
    }
  }
}

/**
 * Spans of the elements of the JSON array at [start, end): element e is [out[2e], out[2e+1]). Returns the count,
 * -1 if the span is not a well-formed array, -2 if it has more than out.length / 2 elements. `endOut[0]`
 * receives the index just after the closing bracket.
 */
export function arrayElements(buf: Uint8Array, start: number, end: number, out: Int32Array, endOut?: Int32Array): number {
  if (buf[start] !== LBRACKET) return -1;
  let i = skipWs(buf, start + 1, end);
  let n = 0;
  if (buf[i] === RBRACKET) {
    if (endOut) endOut[0] = i + 1;
    return 0;
  }
  for (;;) {
    const ve = skipValue(buf, i, end);
    if (ve < 0) return -1;
    if (2 * n + 1 >= out.length) return -2;
    out[2 * n] = i;
    out[2 * n + 1] = ve;
    n++;
    i = skipWs(buf, ve, end);
    if (buf[i] === COMMA) i = skipWs(buf, i + 1, end);
    else if (buf[i] === RBRACKET) {
      if (endOut) endOut[0] = i + 1;
      return n;
    } else return -1;
  }
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

// Scratch for parseNumberArray's token status (reset on every call; never read across calls).
const NUMBER_STATUS = new Int32Array(1);

/** Element kinds written by parseNumberArray. */
export const NUM_FINITE = 0;
export const NUM_NULL = 1;
export const NUM_NONFINITE = 2;

function slowNumber(buf: Uint8Array, s: number, e: number): number {
  let str = '';
  for (let i = s; i < e; i++) str += String.fromCharCode(buf[i]!);
  if (str === 'NaN') return Number.NaN;
  if (str === 'Infinity') return Infinity;
  if (str === '-Infinity') return -Infinity;
  if (!/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(str)) return Number.NaN;
  return Number(str);
}

/**
 * Parses one number token at [s, e) exactly (JSON grammar plus Python's NaN/Infinity/-Infinity). Returns NaN
 * and sets `bad` in `status[0]` when the token is not a number. Exact: digits <= 2^53 with |exp10| <= 22 use
 * one correctly rounded multiply or divide (Clinger's fast path); everything else goes through Number().
 */
export function parseNumberToken(buf: Uint8Array, s: number, e: number, status: Int32Array): number {
  let i = s;
  let neg = false;
  if (buf[i] === 0x2d) {
    neg = true;
    i++;
  }
  let mant = 0;
  let digits = 0;
  let exp = 0;
  const first = i;
  while (i < e && buf[i]! >= 0x30 && buf[i]! <= 0x39) {
    mant = mant * 10 + (buf[i]! - 0x30);
    digits++;
    i++;
  }
  const intDigits = i - first;
  if (intDigits === 0 || (intDigits > 1 && buf[first] === 0x30)) return fallback(buf, s, e, status);
  if (i < e && buf[i] === 0x2e) {
    i++;
    const f0 = i;
    while (i < e && buf[i]! >= 0x30 && buf[i]! <= 0x39) {
      mant = mant * 10 + (buf[i]! - 0x30);
      digits++;
      i++;
    }
    if (i === f0) return fallback(buf, s, e, status);
    exp -= i - f0;
  }
  if (i < e && (buf[i] === 0x65 || buf[i] === 0x45)) {
    i++;
    let eneg = false;
    if (buf[i] === 0x2d || buf[i] === 0x2b) {
      eneg = buf[i] === 0x2d;
      i++;
    }
    const e0 = i;
    let ev = 0;
    while (i < e && buf[i]! >= 0x30 && buf[i]! <= 0x39 && ev < 100000) {
      ev = ev * 10 + (buf[i]! - 0x30);
      i++;
    }
    if (i === e0) return fallback(buf, s, e, status);
    exp += eneg ? -ev : ev;
  }
  if (i !== e) return fallback(buf, s, e, status);
  if (mant > 9007199254740992 || digits > 19) return fallback(buf, s, e, status);
  let v: number;
  if (exp === 0) v = mant;
  else if (exp > 0 && exp <= 22) v = mant * POW10[exp]!;
  else if (exp < 0 && exp >= -22) v = mant / POW10[-exp]!;
  else return fallback(buf, s, e, status);
  return neg ? -v : v;
}

function fallback(buf: Uint8Array, s: number, e: number, status: Int32Array): number {
  const v = slowNumber(buf, s, e);
  if (Number.isNaN(v)) {
    const isNaNLiteral = e - s === 3 && buf[s] === 0x4e && buf[s + 1] === 0x61 && buf[s + 2] === 0x4e;
    if (!isNaNLiteral) status[0] = SCAN_NOT_NUMBER;
  }
  return v;
}

/**
 * Parses the JSON array of numbers at [start, end) into out[at..]; kinds[at + e] gets NUM_FINITE, NUM_NULL (value
 * NaN) or NUM_NONFINITE (NaN/Infinity literals and overflow such as 1e309). Returns the element count, or -1 when
 * the span is not an array of numbers/nulls, or it does not fit (in out, kinds or spans).
 */
export function parseNumberArray(
  buf: Uint8Array,
  start: number,
  end: number,
  out: Float64Array,
  kinds: Uint8Array,
  at: number,
  /** Optional: receives the byte span of each token ([2e], [2e+1]), for copying number text through. */
  spans?: Int32Array,
): number {
  if (buf[start] !== LBRACKET) return -1;
  const status = NUMBER_STATUS;
  status[0] = SCAN_OK;
  let i = skipWs(buf, start + 1, end);
  if (buf[i] === RBRACKET) return 0;
  let n = 0;
  for (;;) {
    if (at + n >= out.length) return -1;
    const s = i;
    // Fast path in the same pass as the token scan: -?int(.frac)? with at most 15 digits, as scores are
    // printed, is exact as one division by a power of ten. Anything else is scanned and parsed below.
    let j = i;
    if (buf[j] === 0x2d) j++;
    const d0 = j;
    let mant = 0;
    let c = buf[j]!;
    while (j < end && c >= 0x30 && c <= 0x39) {
      mant = mant * 10 + (c - 0x30);
      c = buf[++j]!;
    }
    const intDigits = j - d0;
    let frac = 0;
    if (c === 0x2e && j < end) {
      const f0 = ++j;
      c = buf[j]!;
      while (j < end && c >= 0x30 && c <= 0x39) {
        mant = mant * 10 + (c - 0x30);
        c = buf[++j]!;
      }
      frac = j - f0;
      if (frac === 0) frac = -1;
    }
    if (
      (j >= end || !isTokenByte(c)) &&
      intDigits > 0 &&
      (intDigits === 1 || buf[d0] !== 0x30) &&
      frac >= 0 &&
      intDigits + frac <= 15
    ) {
      if (spans !== undefined) {
        if (2 * (at + n) + 1 >= spans.length) return -1;
        spans[2 * (at + n)] = s;
        spans[2 * (at + n) + 1] = j;
      }
      const v = frac === 0 ? mant : mant / POW10[frac]!;
      out[at + n] = buf[s] === 0x2d ? -v : v;
      kinds[at + n] = NUM_FINITE;
      i = j;
      n++;
      i = skipWs(buf, i, end);
      if (buf[i] === COMMA) i = skipWs(buf, i + 1, end);
      else if (buf[i] === RBRACKET) return n;
      else return -1;
      continue;
    }
    while (i < end && isTokenByte(buf[i]!)) i++;
    if (i === s) return -1;
    if (spans !== undefined) {
      if (2 * (at + n) + 1 >= spans.length) return -1;
      spans[2 * (at + n)] = s;
      spans[2 * (at + n) + 1] = i;
    }
    if (i - s === 4 && buf[s] === 0x6e && buf[s + 1] === 0x75 && buf[s + 2] === 0x6c && buf[s + 3] === 0x6c) {
      out[at + n] = Number.NaN;
      kinds[at + n] = NUM_NULL;
    } else {
      const v = parseNumberToken(buf, s, i, status);
      if (status[0] !== SCAN_OK) return -1;
      out[at + n] = v;
      kinds[at + n] = Number.isFinite(v) ? NUM_FINITE : NUM_NONFINITE;
    }
    n++;
    i = skipWs(buf, i, end);
    if (buf[i] === COMMA) i = skipWs(buf, i + 1, end);
    else if (buf[i] === RBRACKET) return n;
    else return -1;
  }
}

/** Calls `line(start, end)` for each complete line of `chunk` (without the newline) and returns the leftover start. */
export function forEachLine(chunk: Uint8Array, from: number, line: (start: number, end: number) => void): number {
  let s = from;
  for (;;) {
    const nl = chunk.indexOf(0x0a, s);
    if (nl < 0) return s;
    let e = nl;
    if (e > s && chunk[e - 1] === 0x0d) e--;
    line(s, e);
    s = nl + 1;
  }
}
