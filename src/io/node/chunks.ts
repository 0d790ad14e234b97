// Byte chunks of an input file for the fast paths (Node): plain files are read synchronously into one reused
// Buffer (no per-chunk allocation, no stream overhead); gzip files (by their magic bytes) stream through zlib.
// Each chunk is valid only until the next one is requested.
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { createGunzip } from 'node:zlib';

export const FAST_CHUNK_BYTES = 1 << 20;

/** Whether the file starts with the gzip magic bytes. */
export function isGzipFile(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = new Uint8Array(2);
    const n = readSync(fd, head, 0, 2, 0);
    return n === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** Chunks of a file (Buffers), gunzipped when it is gzip. */
export async function* fileChunks(path: string, chunkBytes = FAST_CHUNK_BYTES): AsyncGenerator<Uint8Array> {
  if (isGzipFile(path)) {
    for await (const c of createReadStream(path, { highWaterMark: chunkBytes }).pipe(createGunzip())) yield c as Uint8Array;
    return;
  }
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(chunkBytes);
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) return;
      yield buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}
