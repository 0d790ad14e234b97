// A file spool (Node): rows appended to a temp file and read back by offset, so reordering commands keep only
// offsets in memory. The temp file is registered for removal on signals and removed by close().
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asOutputError } from './output.js';
import { registerTemp, unregisterTemp } from './temp.js';

export class FileSpool {
  private readonly path = join(tmpdir(), `pairsmith-spool-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  private readonly fd: number;
  private size = 0;
  private buf = new Uint8Array(1 << 16);
  /** Appended bytes not yet written: the file holds [0, size - pending), this buffer the rest. */
  private out = new Uint8Array(1 << 20);
  private pending = 0;

  constructor() {
    registerTemp(this.path);
    this.fd = openSync(this.path, 'w+', 0o600);
  }

  /** Appends `bytes` (copied: small appends are gathered and written about 1 MiB at a time); returns their offset. */
  append(bytes: Uint8Array): number {
    const at = this.size;
    if (this.pending + bytes.length > this.out.length) this.flush();
    if (bytes.length > this.out.length) this.write(bytes, at);
    else {
      this.out.set(bytes, this.pending);
      this.pending += bytes.length;
    }
    this.size += bytes.length;
    return at;
  }

  private write(bytes: Uint8Array, at: number): void {
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off, at + off);
    } catch (e) {
      throw asOutputError(this.path, e);
    }
  }

  private flush(): void {
    if (this.pending === 0) return;
    this.write(this.out.subarray(0, this.pending), this.size - this.pending);
    this.pending = 0;
  }

  read(offset: number, length: number): Uint8Array {
    this.flush();
    if (this.buf.length < length) this.buf = new Uint8Array(Math.max(length, this.buf.length * 2));
    let got = 0;
    while (got < length) {
      const n = readSync(this.fd, this.buf, got, length - got, offset + got);
      if (n <= 0) throw new Error(`pairsmith: spool ${this.path} is shorter than expected`);
      got += n;
    }
    return this.buf.subarray(0, length);
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    rmSync(this.path, { force: true });
    unregisterTemp(this.path);
  }
}
