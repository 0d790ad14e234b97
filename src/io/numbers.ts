// Exact number parsing from JSON bytes: one token, or an array of numbers (with nulls and the NaN / Infinity
// literals) straight into a typed column. Used for the numbers the record indexer leaves to the caller: long
// mantissas, large exponents, and numbers nested below a record's top-level arrays (per-token log-probs).
// Platform neutral.

const COMMA = 0x2c;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

function skipWs(buf: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const b = buf[i]!;
    if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) break;
    i++;
  }
  return i;
}

function isTokenByte(b: number): boolean {
  // digits, sign, dot, exponent and the letters of true/false/null/NaN/Infinity
  return (b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x2b || b === 0x2e || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

/** parseNumberToken status: the token was a number (or NaN), or not a number. */
export const NUM_TOKEN_OK = 0;
export const NUM_TOKEN_BAD = 4;

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
    if (!isNaNLiteral) status[0] = NUM_TOKEN_BAD;
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
  status[0] = NUM_TOKEN_OK;
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
      if (status[0] !== NUM_TOKEN_OK) return -1;
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

