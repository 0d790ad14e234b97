// A growable byte sink for writers that copy JSON text through (platform neutral).

const enc = new TextEncoder();
/** 10^0 .. 10^15, exact doubles (each a product of exact ones). */
const POW10 = new Float64Array(16);
POW10[0] = 1;
for (let k = 1; k < 16; k++) POW10[k] = POW10[k - 1]! * 10;

export class ByteSink {
  buf: Uint8Array;
  pos = 0;
  constructor(capacity = 1 << 16) {
    this.buf = new Uint8Array(capacity);
  }
  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }
  /** Copies src[s, e). */
  bytes(src: Uint8Array, s: number, e: number): void {
    const n = e - s;
    this.ensure(n);
    if (n <= 32) {
      // Short spans (numbers): a loop beats allocating a subarray view.
      const b = this.buf;
      let p = this.pos;
      for (let i = s; i < e; i++) b[p++] = src[i]!;
      this.pos = p;
      return;
    }
    this.buf.set(src.subarray(s, e), this.pos);
    this.pos += n;
  }
  /** Appends an ASCII string (keys, numbers, literals): short ones byte by byte, long ones in one native encode. */
  ascii(str: string): void {
    const n = str.length;
    this.ensure(n);
    if (n <= 64) {
      // No subarray view, no native call: cheaper for the short keys and numbers of a row.
      const b = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) b[p++] = str.charCodeAt(i);
      this.pos = p;
      return;
    }
    this.pos += enc.encodeInto(str, this.buf.subarray(this.pos)).written;
  }
  /** Appends a safe integer in decimal (no string built). */
  int(x: number): void {
    if (x < 0 || x > 0xffffffff || x !== Math.floor(x)) {
      this.ascii(String(x));
      return;
    }
    this.fixed(x, 0, false);
  }
  /** Appends a JSON number as String(x) writes it (non-finite values as null, as JSON.stringify does). */
  number(x: number): void {
    if (!Number.isFinite(x)) this.ascii('null');
    else if (!this.shortDecimal(x)) this.ascii(String(x));
  }
  /**
   * Writes x as String(x) does, without building a string, when x is a decimal of at most 15 significant digits with
   * 1e-6 <= |x| < 1e15 (scores such as 1.291907, and integers); else writes nothing and returns false. Why it is the
   * same text: for the smallest k with m / 10^k === x (m an integer below 10^15; m and 10^k are exact doubles and the
   * division is correctly rounded, like reading the decimal m * 10^-k), that decimal reads back as x. Two decimals of at
   * most 15 significant digits never read back as the same double (DBL_DIG), so it is the shortest decimal that does,
   * which is the one String(x) writes, in fixed notation in this range. One test finds it: at the most decimals K a
   * decimal below 10^15 of x's size has (at most 15), since m / 10^k === x gives (m 10^(K - k)) / 10^K === x (the same
   * real number, rounded the same); then m's trailing zeros come off.
   */
  private shortDecimal(x: number): boolean {
    const neg = x < 0;
    const a = neg ? -x : x;
    if (!(a >= 1e-6 && a < 1e15)) return false;
    let m = a;
    let k = 0;
    if (a !== Math.floor(a)) {
      k = Math.min(15, 14 - Math.floor(Math.log10(a)));
      if (k < 1) return false;
      m = Math.round(a * POW10[k]!);
      // log10 rounded down just above a power of 10: one decimal fewer.
      if (m >= 1e15) {
        if (--k < 1) return false;
        m = Math.round(a * POW10[k]!);
      }
      if (m >= 1e15 || m / POW10[k]! !== a) return false;
      // x is not an integer, so m is not a multiple of 10^k: this stops at k >= 1.
      while (m % 10 === 0) {
        m /= 10;
        k--;
      }
    }
    this.fixed(m, k, neg);
    return true;
  }
  /** Writes [-]m / 10^k in fixed notation (m a non-negative integer below 2^53): "0.05" for m = 5, k = 2. */
  private fixed(m: number, k: number, neg: boolean): void {
    let digits = 1;
    for (let t = m; t >= 10; t = Math.floor(t / 10)) digits++;
    // At least one digit before the point: m's digits, zero-padded on the left to k + 1 when there is a fraction.
    const written = k > 0 ? Math.max(digits, k + 1) : digits;
    const len = (neg ? 1 : 0) + written + (k > 0 ? 1 : 0);
    this.ensure(len);
    const b = this.buf;
    let p = this.pos + len;
    this.pos = p;
    let v = m;
    for (let j = 0; j < written; j++) {
      if (j === k && k > 0) b[--p] = 0x2e;
      const q = Math.floor(v / 10);
      b[--p] = 0x30 + (v - q * 10);
      v = q;
    }
    if (neg) b[--p] = 0x2d;
  }
  /** Appends any string as UTF-8. */
  text(str: string): void {
    this.ensure(str.length * 3);
    const r = enc.encodeInto(str, this.buf.subarray(this.pos));
    this.pos += r.written;
  }
  /** The bytes written so far, as a view valid until the next write, and a reset. */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.pos);
    this.pos = 0;
    return out;
  }
}

/** A JSON number or null (non-finite values become null, as JSON.stringify does). */
export function jsonNumber(x: number): string {
  return Number.isFinite(x) ? String(x) : 'null';
}
