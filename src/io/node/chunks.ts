// Byte chunks of an input file for the fast paths (Node): plain files are read synchronously into one reused
// buffer (no per-chunk allocation, no stream overhead); gzip files (by their magic bytes) stream through
// zlib. Each chunk is valid only until the next one is requested.
import { closeSync, openSync, readSync } from 'node:fs';
import { createReadStream } from 'node:fs';
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

/** Calls `each` with successive chunks of a plain file (synchronous; one reused buffer). */
export function forEachChunkSync(path: string, each: (chunk: Uint8Array) => void, chunkBytes = FAST_CHUNK_BYTES): number {
  const fd = openSync(path, 'r');
  const buf = new Uint8Array(chunkBytes);
  let total = 0;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      total += n;
      each(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return total;
}

/** Chunks of a file, gunzipped when it is gzip (asynchronous). */
export async function* chunksOf(path: string): AsyncGenerator<Uint8Array> {
  const src = createReadStream(path, { highWaterMark: 1 << 20 });
  const stream = isGzipFile(path) ? src.pipe(createGunzip()) : src;
  for await (const c of stream) yield c as Uint8Array;
}
