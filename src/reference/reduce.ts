// Pure-JS reference for assembly/kernels/reduce.ts: the plainest correct loop, the test oracle and fallback.

/** Sum of the finite elements in f64 and the count of non-finite ones. */
export function sum(x: Float32Array | Float64Array): { sum: number; nonFinite: number } {
  let total = 0;
  let nonFinite = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isFinite(v)) total += v;
    else nonFinite++;
  }
  return { sum: total, nonFinite };
}
