// Seeded, chunking-independent randomness: each prompt gets its own stream from (seed, prompt index),
// so results do not depend on how the input was split into chunks or on the order of processing.

/** A 32-bit mix (splitmix32 finaliser); deterministic across runtimes. */
export function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A uniform [0, 1) generator (mulberry32) from a 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform [0, 1) generator (mulberry32) seeded from `seed` and `stream` (e.g. the prompt index). */
export function streamRng(seed: number, stream: number): () => number {
  return mulberry32(mix32(mix32(seed >>> 0) ^ mix32((stream >>> 0) + 0x632be5ab)));
}

/** A uniform integer in [0, n) from a [0, 1) generator. */
export function randomInt(next: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(next() * n));
}
