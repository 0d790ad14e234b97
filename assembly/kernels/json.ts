// The record validator and indexer of the data path (one per record, every command): full JSON grammar (plus the
// NaN / Infinity / -Infinity literals Python writes), escapes, raw control characters, UTF-8, nesting depth, and an
// index of each record without decoding it: every top-level member (key span, value span, kind, number) and every
// element of a top-level array (span, kind, number). String contents are classified 16 bytes at a time with SIMD.
// Kernels never allocate: the caller passes a params block (JSON_P_* slots, i32 each) with every pointer and count.
// The ABI (params layout, status, flags, kinds, error codes) is defined once, in src/abi/json.ts.

import { S_OK, E_INVALID } from "../util/status";
import {
  JSON_P_BUF, JSON_P_COUNT, JSON_P_REC_START, JSON_P_REC_END, JSON_P_MAX_DEPTH, JSON_P_STATUS, JSON_P_FLAGS,
  JSON_P_ERR_AT, JSON_P_ERR_CODE, JSON_P_MEMBER_OFF, JSON_P_MEMBER_CAP, JSON_P_KEY_S, JSON_P_KEY_E, JSON_P_VAL_S,
  JSON_P_VAL_E, JSON_P_VAL_KIND, JSON_P_VAL_NUM, JSON_P_ELEM_OFF, JSON_P_ELEM_CAP, JSON_P_ELEM_S, JSON_P_ELEM_E,
  JSON_P_ELEM_KIND, JSON_P_ELEM_NUM, JSON_P_DONE,
  JSON_REC_OK, JSON_REC_MALFORMED, JSON_REC_NOT_OBJECT, JSON_REC_TOO_DEEP, JSON_FLAG_SANITIZE, JSON_FLAG_ESCAPED_KEY,
  JSON_K_OTHER, JSON_K_STRING, JSON_K_NUMBER, JSON_K_NUMBER_TEXT, JSON_K_NULL, JSON_K_NAN, JSON_K_POS_INF,
  JSON_K_NEG_INF, JSON_K_ARRAY, JSON_K_OBJECT, JSON_K_BOOL,
  JSON_E_END, JSON_E_TOKEN, JSON_E_STRING, JSON_E_ESCAPE, JSON_E_CONTROL, JSON_E_NUMBER, JSON_E_EXPECT, JSON_E_DEEP,
  JSON_E_EMPTY, JSON_DEPTH_LIMIT,
} from "../../src/abi/json";

const QUOTE: u32 = 0x22;
const BACKSLASH: u32 = 0x5c;
const COMMA: u32 = 0x2c;
const COLON: u32 = 0x3a;
const LBRACE: u32 = 0x7b;
const RBRACE: u32 = 0x7d;
const LBRACKET: u32 = 0x5b;
const RBRACKET: u32 = 0x5d;

// Per-call state (globals: like every kernel of one instance, this one is not re-entrant).
let gFlags: i32 = 0;
let gErrAt: usize = 0;
let gErrCode: i32 = 0;
let gMaxDepth: i32 = 512;
let gKind: i32 = 0;
let gNum: f64 = 0;
let gEscaped: bool = false;
let gOverflow: bool = false;
// Output arrays and counters of the current call.
let gMembers: i32 = 0;
let gMemberCap: i32 = 0;
let gElems: i32 = 0;
let gElemCap: i32 = 0;
let gBuf: usize = 0;
let pKeyS: usize = 0;
let pKeyE: usize = 0;
let pValS: usize = 0;
let pValE: usize = 0;
let pValKind: usize = 0;
let pValNum: usize = 0;
let pElemOff: usize = 0;
let pElemS: usize = 0;
let pElemE: usize = 0;
let pElemKind: usize = 0;
let pElemNum: usize = 0;

// One byte per open container (JSON_DEPTH_LIMIT of them), in static memory: the kernel allocates nothing.
const STACK: usize = memory.data(JSON_DEPTH_LIMIT);

// @ts-ignore: decorator
@inline function b(p: usize): u32 {
  return <u32>load<u8>(p);
}

// @ts-ignore: decorator
@inline function fail(at: usize, code: i32): isize {
  gErrAt = at;
  gErrCode = code;
  return -1;
}

// @ts-ignore: decorator
@inline function isWs(c: u32): bool {
  return c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09;
}

function skipWs(p: usize, e: usize): usize {
  while (p < e && isWs(b(p))) p++;
  return p;
}

// @ts-ignore: decorator
@inline function isHex(c: u32): bool {
  return c - 0x30 < 10 || (c | 0x20) - 0x61 < 6;
}

// @ts-ignore: decorator
@inline function isDigit(c: u32): bool {
  return c - 0x30 < 10;
}

/** One UTF-8 sequence at a byte >= 0x80; an invalid byte counts as one (flagged: it reads as U+FFFD). */
function utf8(p: usize, e: usize): usize {
  const c = b(p);
  let need: usize;
  if (c >= 0xc2 && c <= 0xdf) need = 1;
  else if (c >= 0xe0 && c <= 0xef) need = 2;
  else if (c >= 0xf0 && c <= 0xf4) need = 3;
  else {
    gFlags |= JSON_FLAG_SANITIZE;
    return p + 1;
  }
  if (p + need >= e) {
    gFlags |= JSON_FLAG_SANITIZE;
    return p + 1;
  }
  // Overlongs, surrogates and code points above U+10FFFF are invalid (a UTF-8 decoder reads U+FFFD).
  const c1 = b(p + 1);
  let lo: u32 = 0x80;
  let hi: u32 = 0xbf;
  if (c == 0xe0) lo = 0xa0;
  else if (c == 0xed) hi = 0x9f;
  else if (c == 0xf0) lo = 0x90;
  else if (c == 0xf4) hi = 0x8f;
  if (c1 < lo || c1 > hi) {
    gFlags |= JSON_FLAG_SANITIZE;
    return p + 1;
  }
  for (let k: usize = 2; k <= need; k++) {
    const ck = b(p + k);
    if (ck < 0x80 || ck > 0xbf) {
      gFlags |= JSON_FLAG_SANITIZE;
      return p + 1;
    }
  }
  return p + need + 1;
}

/** The string token at p (a quote): returns the end (after the closing quote) or -1. */
function scanString(p: usize, e: usize): isize {
  const s = p;
  p++;
  gEscaped = false;
  while (true) {
    if (ASC_FEATURE_SIMD) {
      // 16 plain bytes at a time: no quote, backslash, control character or non-ASCII byte among them.
      const q = i8x16.splat(0x22);
      const bs = i8x16.splat(0x5c);
      const lo = i8x16.splat(0x20);
      const hi = i8x16.splat(0x7f);
      while (p + 16 <= e) {
        const v = v128.load(p);
        const m = v128.or(v128.or(i8x16.eq(v, q), i8x16.eq(v, bs)), v128.or(i8x16.lt_u(v, lo), i8x16.gt_u(v, hi)));
        const bits = i8x16.bitmask(m);
        if (bits != 0) {
          p += <usize>ctz<i32>(bits);
          break;
        }
        p += 16;
      }
    }
    let c: u32 = 0;
    while (p < e) {
      c = b(p);
      if (c < 0x20 || c == QUOTE || c == BACKSLASH || c >= 0x80) break;
      p++;
    }
    if (p >= e) return fail(s, JSON_E_STRING);
    if (c == QUOTE) return <isize>(p + 1);
    if (c == BACKSLASH) {
      gEscaped = true;
      if (p + 1 >= e) return fail(s, JSON_E_STRING);
      const x = b(p + 1);
      if (x == 0x75) {
        if (p + 5 >= e || !isHex(b(p + 2)) || !isHex(b(p + 3)) || !isHex(b(p + 4)) || !isHex(b(p + 5))) return fail(p, JSON_E_ESCAPE);
        p += 6;
      } else if (x == 0x22 || x == 0x5c || x == 0x2f || x == 0x62 || x == 0x66 || x == 0x6e || x == 0x72 || x == 0x74) {
        p += 2;
      } else return fail(p, JSON_E_ESCAPE);
      continue;
    }
    if (c < 0x20) return fail(p, JSON_E_CONTROL);
    p = utf8(p, e);
  }
  return -1;
}

// Exact powers of ten (all representable in f64).
const POW10: StaticArray<f64> = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

// The literals as little-endian byte strings (first byte lowest), compared byte by byte.
const W_TRUE: u64 = 0x65757274;
const W_FALSE: u64 = 0x65736c6166;
const W_NULL: u64 = 0x6c6c756e;
const W_NAN: u64 = 0x4e614e;
const W_INFINITY: u64 = 0x7974696e69666e49;

function matchWord(p: usize, e: usize, w: u64, n: usize): bool {
  if (p + n > e) return false;
  for (let k: usize = 0; k < n; k++) if (b(p + k) != <u32>((w >> (<u64>k << 3)) & 0xff)) return false;
  return true;
}

/**
 * A number token at p: validates the grammar and reads the value when that is exact here (at most 15 significant
 * digits and a decimal exponent within +-22: one correctly rounded multiply or divide, Clinger's fast path), else
 * leaves it to the caller (JSON_K_NUMBER_TEXT). Sets gKind and gNum. Returns the end or -1.
 */
function scanNumber(p: usize, e: usize): isize {
  const s = p;
  let neg = false;
  if (b(p) == 0x2d) {
    neg = true;
    p++;
    if (p < e && b(p) == 0x49) {
      if (matchWord(p, e, W_INFINITY, 8)) {
        gFlags |= JSON_FLAG_SANITIZE;
        gKind = JSON_K_NEG_INF;
        gNum = -Infinity;
        return <isize>(p + 8);
      }
      return fail(s, JSON_E_NUMBER);
    }
  }
  if (p >= e) return fail(s, JSON_E_NUMBER);
  let mant: u64 = 0;
  let digits: i32 = 0;
  let exp: i32 = 0;
  let c = b(p);
  if (c == 0x30) {
    p++;
  } else if (c >= 0x31 && c <= 0x39) {
    while (p < e) {
      c = b(p);
      if (!isDigit(c)) break;
      if (digits < 19) mant = mant * 10 + <u64>(c - 0x30);
      else exp++;
      digits++;
      p++;
    }
  } else return fail(s, JSON_E_NUMBER);
  if (p < e && b(p) == 0x2e) {
    p++;
    if (p >= e || !isDigit(b(p))) return fail(s, JSON_E_NUMBER);
    while (p < e) {
      c = b(p);
      if (!isDigit(c)) break;
      if (digits < 19) {
        mant = mant * 10 + <u64>(c - 0x30);
        exp--;
        // Leading zeros of a fraction (0.000123) are not significant digits.
        if (mant != 0) digits++;
      }
      p++;
    }
  }
  let bigExp = false;
  if (p < e && (b(p) | 0x20) == 0x65) {
    p++;
    let eneg = false;
    if (p < e && (b(p) == 0x2b || b(p) == 0x2d)) {
      eneg = b(p) == 0x2d;
      p++;
    }
    if (p >= e || !isDigit(b(p))) return fail(s, JSON_E_NUMBER);
    let ev: i32 = 0;
    while (p < e && isDigit(b(p))) {
      if (ev < 100000) ev = ev * 10 + <i32>(b(p) - 0x30);
      else bigExp = true;
      p++;
    }
    exp += eneg ? -ev : ev;
  }
  if (digits > 15 || bigExp || exp > 22 || exp < -22) {
    gKind = JSON_K_NUMBER_TEXT;
    gNum = NaN;
    return <isize>p;
  }
  let v = <f64>mant;
  if (exp > 0) v *= unchecked(POW10[exp]);
  else if (exp < 0) v /= unchecked(POW10[-exp]);
  gKind = JSON_K_NUMBER;
  gNum = neg ? -v : v;
  return <isize>p;
}

/** After '{' or ',' inside an object: a key string and its colon; returns the start of the value or -1. */
function memberKey(p: usize, e: usize): isize {
  if (p >= e) return fail(e, JSON_E_END);
  if (b(p) != QUOTE) return fail(p, JSON_E_EXPECT);
  const x = scanString(p, e);
  if (x < 0) return -1;
  p = skipWs(<usize>x, e);
  if (p >= e) return fail(e, JSON_E_END);
  if (b(p) != COLON) return fail(p, JSON_E_EXPECT);
  p = skipWs(p + 1, e);
  if (p >= e) return fail(e, JSON_E_END);
  return <isize>p;
}

/**
 * Any value at p (no leading whitespace) whose parent is at nesting `depth`; iterative (depth costs no stack).
 * Sets gKind (and gNum for numbers). Returns the end or -1 (gErrAt / gErrCode say where and why).
 */
function scanValue(p: usize, e: usize, depth: i32): isize {
  let sp: i32 = 0;
  let firstKind: i32 = JSON_K_OTHER;
  while (true) {
    if (p >= e) return fail(e, JSON_E_END);
    const c = b(p);
    let kind: i32 = JSON_K_OTHER;
    if (c == QUOTE) {
      const x = scanString(p, e);
      if (x < 0) return -1;
      p = <usize>x;
      kind = JSON_K_STRING;
    } else if (c == LBRACE || c == LBRACKET) {
      if (depth + sp + 1 > gMaxDepth) return fail(p, JSON_E_DEEP);
      if (sp == 0) firstKind = c == LBRACE ? JSON_K_OBJECT : JSON_K_ARRAY;
      store<u8>(STACK + <usize>sp, <u8>c);
      sp++;
      p = skipWs(p + 1, e);
      if (p >= e) return fail(e, JSON_E_END);
      const d = b(p);
      if (d == (c == LBRACE ? RBRACE : RBRACKET)) {
        sp--;
        p++;
        kind = sp == 0 ? firstKind : JSON_K_OTHER;
      } else if (c == LBRACE) {
        const x = memberKey(p, e);
        if (x < 0) return -1;
        p = <usize>x;
        continue;
      } else continue;
    } else if (c == 0x2d || isDigit(c)) {
      const x = scanNumber(p, e);
      if (x < 0) return -1;
      p = <usize>x;
      kind = gKind;
    } else if (c == 0x74) {
      if (!matchWord(p, e, W_TRUE, 4)) return fail(p, JSON_E_TOKEN);
      p += 4;
      kind = JSON_K_BOOL;
    } else if (c == 0x66) {
      if (!matchWord(p, e, W_FALSE, 5)) return fail(p, JSON_E_TOKEN);
      p += 5;
      kind = JSON_K_BOOL;
    } else if (c == 0x6e) {
      if (!matchWord(p, e, W_NULL, 4)) return fail(p, JSON_E_TOKEN);
      p += 4;
      kind = JSON_K_NULL;
    } else if (c == 0x4e) {
      if (!matchWord(p, e, W_NAN, 3)) return fail(p, JSON_E_TOKEN);
      gFlags |= JSON_FLAG_SANITIZE;
      p += 3;
      kind = JSON_K_NAN;
    } else if (c == 0x49) {
      if (!matchWord(p, e, W_INFINITY, 8)) return fail(p, JSON_E_TOKEN);
      gFlags |= JSON_FLAG_SANITIZE;
      p += 8;
      kind = JSON_K_POS_INF;
    } else return fail(p, JSON_E_TOKEN);
    // After a value inside containers: close them, or go on to the next element or member.
    while (true) {
      if (sp == 0) {
        gKind = kind;
        return <isize>p;
      }
      p = skipWs(p, e);
      if (p >= e) return fail(e, JSON_E_END);
      const top = <u32>load<u8>(STACK + <usize>(sp - 1));
      const d = b(p);
      if (d == COMMA) {
        p = skipWs(p + 1, e);
        if (top == LBRACE) {
          const x = memberKey(p, e);
          if (x < 0) return -1;
          p = <usize>x;
        }
        break;
      }
      if ((top == LBRACE && d == RBRACE) || (top == LBRACKET && d == RBRACKET)) {
        sp--;
        p++;
        kind = firstKind;
        continue;
      }
      return fail(p, JSON_E_EXPECT);
    }
  }
  return -1;
}

/** The elements of a top-level array value at p ('['); each is indexed. Returns the end or -1. */
function scanArray(p: usize, e: usize): isize {
  if (2 > gMaxDepth) return fail(p, JSON_E_DEEP);
  p = skipWs(p + 1, e);
  if (p < e && b(p) == RBRACKET) return <isize>(p + 1);
  while (true) {
    if (p >= e) return fail(e, JSON_E_END);
    const es = p;
    const x = scanValue(p, e, 2);
    if (x < 0) return -1;
    if (gElems >= gElemCap) {
      gOverflow = true;
      return -1;
    }
    const k = gElems++;
    store<i32>(pElemS + (<usize>k << 2), <i32>(es - gBuf));
    store<i32>(pElemE + (<usize>k << 2), <i32>(<usize>x - gBuf));
    store<u8>(pElemKind + <usize>k, <u8>gKind);
    store<f64>(pElemNum + (<usize>k << 3), gKind == JSON_K_NUMBER ? gNum : NaN);
    p = skipWs(<usize>x, e);
    if (p >= e) return fail(e, JSON_E_END);
    const d = b(p);
    if (d == COMMA) {
      p = skipWs(p + 1, e);
      continue;
    }
    if (d == RBRACKET) return <isize>(p + 1);
    return fail(p, JSON_E_EXPECT);
  }
  return -1;
}

/** The top-level object at p ('{'): every member is indexed, and the elements of array values. Returns end or -1. */
function scanObject(p: usize, e: usize): isize {
  p = skipWs(p + 1, e);
  if (p < e && b(p) == RBRACE) return <isize>(p + 1);
  while (true) {
    if (p >= e) return fail(e, JSON_E_END);
    if (b(p) != QUOTE) return fail(p, JSON_E_EXPECT);
    const ke = scanString(p, e);
    if (ke < 0) return -1;
    if (gEscaped) gFlags |= JSON_FLAG_ESCAPED_KEY;
    if (gMembers >= gMemberCap) {
      gOverflow = true;
      return -1;
    }
    const m = gMembers++;
    store<i32>(pKeyS + (<usize>m << 2), <i32>(p + 1 - gBuf));
    store<i32>(pKeyE + (<usize>m << 2), <i32>(<usize>ke - 1 - gBuf));
    p = skipWs(<usize>ke, e);
    if (p >= e) return fail(e, JSON_E_END);
    if (b(p) != COLON) return fail(p, JSON_E_EXPECT);
    p = skipWs(p + 1, e);
    if (p >= e) return fail(e, JSON_E_END);
    const vs = p;
    let kind: i32;
    let num: f64 = NaN;
    if (b(p) == LBRACKET) {
      const x = scanArray(p, e);
      if (x < 0) return -1;
      p = <usize>x;
      kind = JSON_K_ARRAY;
    } else {
      const x = scanValue(p, e, 1);
      if (x < 0) return -1;
      p = <usize>x;
      kind = gKind;
      if (kind == JSON_K_NUMBER) num = gNum;
    }
    store<i32>(pValS + (<usize>m << 2), <i32>(vs - gBuf));
    store<i32>(pValE + (<usize>m << 2), <i32>(p - gBuf));
    store<u8>(pValKind + <usize>m, <u8>kind);
    store<f64>(pValNum + (<usize>m << 3), num);
    store<i32>(pElemOff + (<usize>(m + 1) << 2), gElems);
    p = skipWs(p, e);
    if (p >= e) return fail(e, JSON_E_END);
    const d = b(p);
    if (d == COMMA) {
      p = skipWs(p + 1, e);
      continue;
    }
    if (d == RBRACE) return <isize>(p + 1);
    return fail(p, JSON_E_EXPECT);
  }
  return -1;
}

// @ts-ignore: decorator
@inline function param(params: usize, slot: i32): i32 {
  return load<i32>(params + (<usize>slot << 2));
}

/**
 * Validates and indexes `count` records (record r is buf[recStart[r], recEnd[r])); see JSON_P_* for the params
 * block. Member and element numbering continues from memberOff[0] and elemOff[memberOff[0]], preset by the caller.
 * When a member or element capacity runs out, it stops before that record and JSON_P_DONE says how many records
 * are finished (the caller grows the arrays and calls again from there). Returns S_OK or E_INVALID.
 */
export function indexRecords(params: usize): i32 {
  const count = param(params, JSON_P_COUNT);
  gBuf = <usize>param(params, JSON_P_BUF);
  const recStart = <usize>param(params, JSON_P_REC_START);
  const recEnd = <usize>param(params, JSON_P_REC_END);
  gMaxDepth = param(params, JSON_P_MAX_DEPTH);
  const statusP = <usize>param(params, JSON_P_STATUS);
  const flagsP = <usize>param(params, JSON_P_FLAGS);
  const errAtP = <usize>param(params, JSON_P_ERR_AT);
  const errCodeP = <usize>param(params, JSON_P_ERR_CODE);
  const memberOff = <usize>param(params, JSON_P_MEMBER_OFF);
  gMemberCap = param(params, JSON_P_MEMBER_CAP);
  pKeyS = <usize>param(params, JSON_P_KEY_S);
  pKeyE = <usize>param(params, JSON_P_KEY_E);
  pValS = <usize>param(params, JSON_P_VAL_S);
  pValE = <usize>param(params, JSON_P_VAL_E);
  pValKind = <usize>param(params, JSON_P_VAL_KIND);
  pValNum = <usize>param(params, JSON_P_VAL_NUM);
  pElemOff = <usize>param(params, JSON_P_ELEM_OFF);
  gElemCap = param(params, JSON_P_ELEM_CAP);
  pElemS = <usize>param(params, JSON_P_ELEM_S);
  pElemE = <usize>param(params, JSON_P_ELEM_E);
  pElemKind = <usize>param(params, JSON_P_ELEM_KIND);
  pElemNum = <usize>param(params, JSON_P_ELEM_NUM);
  if (count < 0 || gMaxDepth < 1 || gMaxDepth > JSON_DEPTH_LIMIT || gMemberCap < 0 || gElemCap < 0) return E_INVALID;
  gMembers = load<i32>(memberOff);
  gElems = load<i32>(pElemOff + (<usize>gMembers << 2));
  let done = 0;
  for (let r = 0; r < count; r++) {
    const s = gBuf + <usize>load<i32>(recStart + (<usize>r << 2));
    const e = gBuf + <usize>load<i32>(recEnd + (<usize>r << 2));
    gFlags = 0;
    gErrAt = 0;
    gErrCode = 0;
    gOverflow = false;
    const m0 = gMembers;
    const k0 = gElems;
    let status: i32 = JSON_REC_OK;
    const p = skipWs(s, e);
    let x: isize;
    if (p >= e) x = fail(e, JSON_E_EMPTY);
    else if (b(p) == LBRACE) x = scanObject(p, e);
    else x = scanValue(p, e, 0);
    if (gOverflow) break;
    if (x >= 0) {
      const q = skipWs(<usize>x, e);
      if (q < e) x = fail(q, JSON_E_EXPECT);
    }
    if (x < 0) status = gErrCode == JSON_E_DEEP ? JSON_REC_TOO_DEEP : JSON_REC_MALFORMED;
    else if (b(p) != LBRACE) status = JSON_REC_NOT_OBJECT;
    if (status != JSON_REC_OK) {
      gMembers = m0;
      gElems = k0;
    }
    const bad = x < 0;
    store<u8>(statusP + <usize>r, <u8>status);
    store<u8>(flagsP + <usize>r, <u8>gFlags);
    store<i32>(errAtP + (<usize>r << 2), bad ? <i32>(gErrAt - gBuf) : -1);
    store<i32>(errCodeP + (<usize>r << 2), bad ? gErrCode : 0);
    store<i32>(memberOff + (<usize>(r + 1) << 2), gMembers);
    done = r + 1;
  }
  store<i32>(params + (<usize>JSON_P_DONE << 2), done);
  return S_OK;
}
