// Values read in chunks for tests of code that takes Chunks (src/numeric.ts): the same values cut at given sizes.
import type { Chunks } from '../../src/numeric.js';

/** The values cut into chunks of the given sizes (the rest in one last chunk), each a view at an offset into a larger buffer. */
export function chunked(xs: readonly number[], sizes: readonly number[]): Chunks {
  const parts: Float64Array[] = [];
  let at = 0;
  for (const s of [...sizes, xs.length]) {
    if (at >= xs.length) break;
    const part = xs.slice(at, at + Math.max(1, s));
    at += part.length;
    const buf = new Float64Array(part.length + 2).fill(-7.25);
    buf.set(part, 1);
    parts.push(buf.subarray(1, 1 + part.length));
  }
  return (each) => parts.forEach((p) => each(p));
}
