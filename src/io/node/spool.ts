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

  constructor() {
    registerTemp(this.path);
    this.fd = openSync(this.path, 'w+', 0o600);
  }

  append(bytes: Uint8Array): number {
    const at = this.size;
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off, at + off);
    } catch (e) {
      throw asOutputError(this.path, e);
    }
    this.size += bytes.length;
    return at;
  }

  read(offset: number, length: number): Uint8Array {
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
