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
  /** Appends an ASCII string (keys, numbers, literals): one native encode, no per-character loop. */
  ascii(str: string): void {
    this.ensure(str.length);
    this.pos += enc.encodeInto(str, this.buf.subarray(this.pos)).written;
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
