// An atomic writer of JSON Lines bytes (Node), for fast paths that copy JSON text through: synchronous writes
// to a temp file next to the final name (each write is copied out before it returns, so callers may reuse
// their buffer), renamed into place on commit. `.gz` outputs are written as gzip members per write (a valid
// multi-member gzip file). `-` goes to stdout. It is also a RowWriter, so a DataRun commits or aborts it.
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { OutputRow } from '../rows.js';
import { jsonLines, outputKind, type OutputKind, type RowWriter } from './write.js';

export interface ByteWriter extends RowWriter {
  /** Appends JSON Lines bytes (complete lines). */
  writeBytes(bytes: Uint8Array): void;
}

export function openByteWriter(path: string, o: { cwd?: string; stdout?: (text: string) => void; rows?: () => number } = {}): ByteWriter {
  const kind: OutputKind = outputKind(path);
  if (kind === 'parquet') throw new Error('pairsmith: the byte writer writes JSON Lines, not Parquet');
  let rows = 0;
  if (path === '-') {
    if (!o.stdout) throw new Error('no standard output available for -');
    const out = o.stdout;
    const dec = new TextDecoder();
    return {
      path,
      kind: 'jsonl',
      get rows() {
        return rows;
      },
      writeBytes(b) {
        if (b.length) out(dec.decode(b));
      },
      async write(r: readonly OutputRow[]) {
        if (r.length) out(jsonLines(r));
        rows += r.length;
      },
      async commit() {},
      async abort() {},
    };
  }
  const full = resolve(o.cwd ?? process.cwd(), path);
  mkdirSync(dirname(full), { recursive: true });
  const tmp = `${full}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  const fd = openSync(tmp, 'w');
  let open = true;
  const put = (b: Uint8Array) => {
    const data = kind === 'jsonl.gz' ? gzipSync(b) : b;
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
  };
  return {
    path,
    kind,
    get rows() {
      return rows;
    },
    writeBytes(b) {
      if (b.length) put(b);
    },
    async write(r: readonly OutputRow[]) {
      if (r.length) put(new TextEncoder().encode(jsonLines(r)));
      rows += r.length;
    },
    async commit() {
      if (!open) return;
      open = false;
      closeSync(fd);
      renameSync(tmp, full);
    },
    async abort() {
      if (!open) return;
      open = false;
      closeSync(fd);
      rmSync(tmp, { force: true });
    },
  };
}
