// A growable byte sink for writers that copy JSON text through (platform neutral).

const enc = new TextEncoder();

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
    let digits = 1;
    for (let t = x; t >= 10; t = Math.floor(t / 10)) digits++;
    this.ensure(digits);
    const b = this.buf;
    let p = this.pos + digits;
    this.pos = p;
    let v = x;
    do {
      const q = Math.floor(v / 10);
      b[--p] = 0x30 + (v - q * 10);
      v = q;
    } while (v > 0);
  }
  /** Appends a JSON number (non-finite values as null, as JSON.stringify does). */
  number(x: number): void {
    if (Number.isFinite(x)) this.ascii(String(x));
    else this.ascii('null');
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
