// Pure-JS reference for assembly/kernels/json.ts: the record validator and indexer written as a plain byte loop
// (the test oracle of the kernel, the js backend, the fallback). Same ABI meanings (src/abi/json.ts).
import {
  JSON_E_CONTROL,
  JSON_E_DEEP,
  JSON_E_EMPTY,
  JSON_E_END,
  JSON_E_ESCAPE,
  JSON_E_EXPECT,
  JSON_E_NUMBER,
  JSON_E_STRING,
  JSON_E_TOKEN,
  JSON_FLAG_ESCAPED_KEY,
  JSON_FLAG_SANITIZE,
  JSON_K_ARRAY,
  JSON_K_BOOL,
  JSON_K_NAN,
  JSON_K_NEG_INF,
  JSON_K_NULL,
  JSON_K_NUMBER,
  JSON_K_NUMBER_TEXT,
  JSON_K_OBJECT,
  JSON_K_OTHER,
  JSON_K_POS_INF,
  JSON_K_STRING,
  JSON_REC_MALFORMED,
  JSON_REC_NOT_OBJECT,
  JSON_REC_OK,
  JSON_REC_TOO_DEEP,
} from '../abi/json.js';
import type { IndexOptions, JsonIndex } from '../kernels/json.js';

/** A failed scan: where and why. */
class Fail {
  constructor(
    readonly at: number,
    readonly code: number,
  ) {}
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

const isWs = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

class Scanner {
  flags = 0;
  kind = JSON_K_OTHER;
  num = Number.NaN;
  escaped = false;
  constructor(
    readonly buf: Uint8Array,
    readonly maxDepth: number,
  ) {}

  ws(p: number, e: number): number {
    while (p < e && isWs(this.buf[p]!)) p++;
    return p;
  }

  word(p: number, e: number, w: string): boolean {
    if (p + w.length > e) return false;
    for (let k = 0; k < w.length; k++) if (this.buf[p + k] !== w.charCodeAt(k)) return false;
    return true;
  }

  /** One UTF-8 sequence at a byte >= 0x80 (an invalid byte is one byte, and flags the record). */
  utf8(p: number, e: number): number {
    const b = this.buf;
    const c = b[p]!;
    const need = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (need === 0 || p + need >= e) {
      this.flags |= JSON_FLAG_SANITIZE;
      return p + 1;
    }
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    if (b[p + 1]! < lo || b[p + 1]! > hi) {
      this.flags |= JSON_FLAG_SANITIZE;
      return p + 1;
    }
    for (let k = 2; k <= need; k++) {
      if (b[p + k]! < 0x80 || b[p + k]! > 0xbf) {
        this.flags |= JSON_FLAG_SANITIZE;
        return p + 1;
      }
    }
    return p + need + 1;
  }

  string(p: number, e: number): number {
    const b = this.buf;
    const s = p;
    p++;
    this.escaped = false;
    for (;;) {
      if (p >= e) throw new Fail(s, JSON_E_STRING);
      const c = b[p]!;
      if (c === 0x22) return p + 1;
      if (c === 0x5c) {
        this.escaped = true;
        if (p + 1 >= e) throw new Fail(s, JSON_E_STRING);
        const x = b[p + 1]!;
        if (x === 0x75) {
          if (p + 5 >= e || !isHex(b[p + 2]!) || !isHex(b[p + 3]!) || !isHex(b[p + 4]!) || !isHex(b[p + 5]!)) throw new Fail(p, JSON_E_ESCAPE);
          p += 6;
        } else if ([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74].includes(x)) p += 2;
        else throw new Fail(p, JSON_E_ESCAPE);
      } else if (c < 0x20) throw new Fail(p, JSON_E_CONTROL);
      else if (c >= 0x80) p = this.utf8(p, e);
      else p++;
    }
  }

  number(p: number, e: number): number {
    const b = this.buf;
    const s = p;
    let neg = false;
    if (b[p] === 0x2d) {
      neg = true;
      p++;
      if (p < e && b[p] === 0x49) {
        if (!this.word(p, e, 'Infinity')) throw new Fail(s, JSON_E_NUMBER);
        this.flags |= JSON_FLAG_SANITIZE;
        this.kind = JSON_K_NEG_INF;
        this.num = -Infinity;
        return p + 8;
      }
    }
    if (p >= e) throw new Fail(s, JSON_E_NUMBER);
    // Significant digits (at most 19 kept in `mant`, exact below 2^53 for the <= 15 digits read exactly).
    let mant = 0;
    let digits = 0;
    let exp = 0;
    if (b[p] === 0x30) p++;
    else if (b[p]! >= 0x31 && b[p]! <= 0x39) {
      while (p < e && isDigit(b[p]!)) {
        if (digits < 19) mant = mant * 10 + (b[p]! - 0x30);
        else exp++;
        digits++;
        p++;
      }
    } else throw new Fail(s, JSON_E_NUMBER);
    if (p < e && b[p] === 0x2e) {
      p++;
      if (p >= e || !isDigit(b[p]!)) throw new Fail(s, JSON_E_NUMBER);
      while (p < e && isDigit(b[p]!)) {
        if (digits < 19) {
          mant = mant * 10 + (b[p]! - 0x30);
          exp--;
          if (mant !== 0) digits++;
        }
        p++;
      }
    }
    let bigExp = false;
    if (p < e && (b[p] === 0x65 || b[p] === 0x45)) {
      p++;
      let eneg = false;
      if (p < e && (b[p] === 0x2b || b[p] === 0x2d)) {
        eneg = b[p] === 0x2d;
        p++;
      }
      if (p >= e || !isDigit(b[p]!)) throw new Fail(s, JSON_E_NUMBER);
      let ev = 0;
      while (p < e && isDigit(b[p]!)) {
        if (ev < 100000) ev = ev * 10 + (b[p]! - 0x30);
        else bigExp = true;
        p++;
      }
      exp += eneg ? -ev : ev;
    }
    if (digits > 15 || bigExp || exp > 22 || exp < -22) {
      this.kind = JSON_K_NUMBER_TEXT;
      this.num = Number.NaN;
      return p;
    }
    let v = mant;
    if (exp > 0) v *= POW10[exp]!;
    else if (exp < 0) v /= POW10[-exp]!;
    this.kind = JSON_K_NUMBER;
    this.num = neg ? -v : v;
    return p;
  }

  /** A key string and its colon after '{' or ','; returns the value's start. */
  key(p: number, e: number): number {
    if (p >= e) throw new Fail(e, JSON_E_END);
    if (this.buf[p] !== 0x22) throw new Fail(p, JSON_E_EXPECT);
    p = this.ws(this.string(p, e), e);
    if (p >= e) throw new Fail(e, JSON_E_END);
    if (this.buf[p] !== 0x3a) throw new Fail(p, JSON_E_EXPECT);
    p = this.ws(p + 1, e);
    if (p >= e) throw new Fail(e, JSON_E_END);
    return p;
  }

  /** Any value at p whose parent sits at `depth`. Recursion-free: open containers are kept on an explicit stack. */
  value(p: number, e: number, depth: number): number {
    const b = this.buf;
    const stack: number[] = [];
    let firstKind = JSON_K_OTHER;
    for (;;) {
      if (p >= e) throw new Fail(e, JSON_E_END);
      const c = b[p]!;
      let kind = JSON_K_OTHER;
      if (c === 0x22) {
        p = this.string(p, e);
        kind = JSON_K_STRING;
      } else if (c === 0x7b || c === 0x5b) {
        if (depth + stack.length + 1 > this.maxDepth) throw new Fail(p, JSON_E_DEEP);
        if (stack.length === 0) firstKind = c === 0x7b ? JSON_K_OBJECT : JSON_K_ARRAY;
        stack.push(c);
        p = this.ws(p + 1, e);
        if (p >= e) throw new Fail(e, JSON_E_END);
        if (b[p] === (c === 0x7b ? 0x7d : 0x5d)) {
          stack.pop();
          p++;
          kind = firstKind;
        } else {
          if (c === 0x7b) p = this.key(p, e);
          continue;
        }
      } else if (c === 0x2d || isDigit(c)) {
        p = this.number(p, e);
        kind = this.kind;
      } else if (c === 0x74 && this.word(p, e, 'true')) {
        p += 4;
        kind = JSON_K_BOOL;
      } else if (c === 0x66 && this.word(p, e, 'false')) {
        p += 5;
        kind = JSON_K_BOOL;
      } else if (c === 0x6e && this.word(p, e, 'null')) {
        p += 4;
        kind = JSON_K_NULL;
      } else if (c === 0x4e && this.word(p, e, 'NaN')) {
        this.flags |= JSON_FLAG_SANITIZE;
        p += 3;
        kind = JSON_K_NAN;
      } else if (c === 0x49 && this.word(p, e, 'Infinity')) {
        this.flags |= JSON_FLAG_SANITIZE;
        p += 8;
        kind = JSON_K_POS_INF;
      } else throw new Fail(p, JSON_E_TOKEN);
      for (;;) {
        if (stack.length === 0) {
          this.kind = kind;
          return p;
        }
        p = this.ws(p, e);
        if (p >= e) throw new Fail(e, JSON_E_END);
        const top = stack[stack.length - 1];
        const d = b[p];
        if (d === 0x2c) {
          p = this.ws(p + 1, e);
          if (top === 0x7b) p = this.key(p, e);
          break;
        }
        if ((top === 0x7b && d === 0x7d) || (top === 0x5b && d === 0x5d)) {
          stack.pop();
          p++;
          kind = firstKind;
          continue;
        }
        throw new Fail(p, JSON_E_EXPECT);
      }
    }
  }
}

/** Reference of indexRecords (see src/kernels/json.ts). */
export function indexRecords(buf: Uint8Array, start: Int32Array, end: Int32Array, out: JsonIndex, opts: IndexOptions = {}): JsonIndex {
  const n = start.length;
  out.reset(n);
  const maxDepth = opts.maxDepth ?? 512;
  for (let r = 0; r < n; r++) {
    const sc = new Scanner(buf, maxDepth);
    const e = end[r]!;
    const m0 = out.members;
    const k0 = out.elems;
    let status = JSON_REC_OK;
    let errAt = -1;
    let errCode = 0;
    try {
      const p = sc.ws(start[r]!, e);
      if (p >= e) throw new Fail(e, JSON_E_EMPTY);
      let x: number;
      if (buf[p] === 0x7b) x = object(sc, out, p, e);
      else {
        x = sc.value(p, e, 0);
        status = JSON_REC_NOT_OBJECT;
      }
      const q = sc.ws(x, e);
      if (q < e) throw new Fail(q, JSON_E_EXPECT);
    } catch (err) {
      if (!(err instanceof Fail)) throw err;
      status = err.code === JSON_E_DEEP ? JSON_REC_TOO_DEEP : JSON_REC_MALFORMED;
      errAt = err.at;
      errCode = err.code;
    }
    if (status !== JSON_REC_OK) {
      out.members = m0;
      out.elems = k0;
    }
    out.status[r] = status;
    out.flags[r] = sc.flags;
    out.errAt[r] = errAt;
    out.errCode[r] = errCode;
    out.memberOff[r + 1] = out.members;
  }
  return out;
}

/** The top-level object: members indexed, and the elements of array values. */
function object(sc: Scanner, out: JsonIndex, p: number, e: number): number {
  const b = sc.buf;
  p = sc.ws(p + 1, e);
  if (p < e && b[p] === 0x7d) return p + 1;
  for (;;) {
    if (p >= e) throw new Fail(e, JSON_E_END);
    if (b[p] !== 0x22) throw new Fail(p, JSON_E_EXPECT);
    const ke = sc.string(p, e);
    if (sc.escaped) sc.flags |= JSON_FLAG_ESCAPED_KEY;
    const m = out.members++;
    out.ensureMembers(m + 1);
    out.keyS[m] = p + 1;
    out.keyE[m] = ke - 1;
    p = sc.ws(ke, e);
    if (p >= e) throw new Fail(e, JSON_E_END);
    if (b[p] !== 0x3a) throw new Fail(p, JSON_E_EXPECT);
    p = sc.ws(p + 1, e);
    if (p >= e) throw new Fail(e, JSON_E_END);
    const vs = p;
    let kind: number;
    let num = Number.NaN;
    if (b[p] === 0x5b) {
      p = array(sc, out, p, e);
      kind = JSON_K_ARRAY;
    } else {
      p = sc.value(p, e, 1);
      kind = sc.kind;
      if (kind === JSON_K_NUMBER) num = sc.num;
    }
    out.valS[m] = vs;
    out.valE[m] = p;
    out.valKind[m] = kind;
    out.valNum[m] = num;
    out.elemOff[m + 1] = out.elems;
    p = sc.ws(p, e);
    if (p >= e) throw new Fail(e, JSON_E_END);
    if (b[p] === 0x2c) {
      p = sc.ws(p + 1, e);
      continue;
    }
    if (b[p] === 0x7d) return p + 1;
    throw new Fail(p, JSON_E_EXPECT);
  }
}

/** A top-level array value: each element indexed. */
function array(sc: Scanner, out: JsonIndex, p: number, e: number): number {
  const b = sc.buf;
  if (2 > sc.maxDepth) throw new Fail(p, JSON_E_DEEP);
  p = sc.ws(p + 1, e);
  if (p < e && b[p] === 0x5d) return p + 1;
  for (;;) {
    if (p >= e) throw new Fail(e, JSON_E_END);
    const s = p;
    const x = sc.value(p, e, 2);
    const k = out.elems++;
    out.ensureElems(k + 1);
    out.elemS[k] = s;
    out.elemE[k] = x;
    out.elemKind[k] = sc.kind;
    out.elemNum[k] = sc.kind === JSON_K_NUMBER ? sc.num : Number.NaN;
    p = sc.ws(x, e);
    if (p >= e) throw new Fail(e, JSON_E_END);
    if (b[p] === 0x2c) {
      p = sc.ws(p + 1, e);
      continue;
    }
    if (b[p] === 0x5d) return p + 1;
    throw new Fail(p, JSON_E_EXPECT);
  }
}
