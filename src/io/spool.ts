// A spool: bytes appended once and read back by offset, so a command can keep large intermediate data (spilled
// columns, rows to reorder) out of memory. Runtime neutral: MemorySpool keeps the bytes in memory; the CLI passes a
// file spool (src/io/node/spool.ts) so memory stays bounded.

export interface Spool {
  /** Appends bytes (copied or written at once: the caller may reuse them); returns their offset. */
  append(bytes: Uint8Array): number;
  /** The `length` bytes at `offset` (a view valid until the next call). */
  read(offset: number, length: number): Uint8Array;
  /** Releases what the spool holds (its temp file). */
  close(): void;
}

export type SpoolFactory = () => Spool;

export class MemorySpool implements Spool {
  private buf = new Uint8Array(1 << 16);
  private n = 0;
  append(bytes: Uint8Array): number {
    if (this.n + bytes.length > this.buf.length) {
      let c = this.buf.length * 2;
      while (c < this.n + bytes.length) c *= 2;
      const b = new Uint8Array(c);
      b.set(this.buf.subarray(0, this.n));
      this.buf = b;
    }
    const at = this.n;
    this.buf.set(bytes, at);
    this.n += bytes.length;
    return at;
  }
  read(offset: number, length: number): Uint8Array {
    return this.buf.subarray(offset, offset + length);
  }
  close(): void {
    this.buf = new Uint8Array(0);
  }
}
