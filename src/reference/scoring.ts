// Pure-JS reference for assembly/kernels/scoring.ts: plain loops in f64, the test oracle and the js backend.

type Floats = Float32Array | Float64Array;
interface Opts {
  reduce?: 'sum' | 'mean';
  mask?: Uint8Array;
}

/** Sum (or mean over counted tokens, count clamped to >= 1) of each sequence's token log-probs, in f64. */
export function sequenceLogps(tokenLogps: Floats, offsets: Int32Array, options: Opts = {}, out?: Float64Array): Float64Array {
  const groups = offsets.length - 1;
  const res = out ?? new Float64Array(groups);
  for (let g = 0; g < groups; g++) {
    let total = 0;
    let count = 0;
    for (let t = offsets[g]!; t < offsets[g + 1]!; t++) {
      if (options.mask && options.mask[t] === 0) continue;
      total += tokenLogps[t]!;
      count++;
    }
    res[g] = options.reduce === 'mean' ? total / Math.max(1, count) : total;
  }
  return res;
}

/**
 * beta * (sum log pi - sum log pi_ref) per sequence (or beta times the per-token mean), or, without offsets,
 * beta * (policy[i] - reference[i]) for already summed per-sequence log-probs.
 */
export function implicitRewards(
  policy: Floats,
  reference: Floats,
  third: Int32Array | (Opts & { beta: number }),
  fourth?: (Opts & { beta: number }) | Float64Array,
  fifth?: Float64Array,
): Float64Array {
  if (third instanceof Int32Array) {
    const offsets = third;
    const options = fourth as Opts & { beta: number };
    const groups = offsets.length - 1;
    const res = fifth ?? new Float64Array(groups);
    for (let g = 0; g < groups; g++) {
      let total = 0;
      let count = 0;
      for (let t = offsets[g]!; t < offsets[g + 1]!; t++) {
        if (options.mask && options.mask[t] === 0) continue;
        total += policy[t]! - reference[t]!;
        count++;
      }
      res[g] = options.beta * (options.reduce === 'mean' ? total / Math.max(1, count) : total);
    }
    return res;
  }
  const beta = third.beta;
  const res = (fourth as Float64Array | undefined) ?? new Float64Array(policy.length);
  for (let i = 0; i < policy.length; i++) res[i] = beta * (policy[i]! - reference[i]!);
  return res;
}
