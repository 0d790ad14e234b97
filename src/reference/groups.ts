// Pure-JS reference for assembly/kernels/groups.ts: per-group stats, position picks and z-scores, plain loops.
import type { GroupStats } from '../kernels/groups.js';
import type { Position } from '../kernels/positions.js';

type Stats = { mean: Float64Array; std: Float64Array };

/** Count, mean, std (ddof 0 or 1), min, max, argmin, argmax over the finite values of each group; non-finite count. */
export function groupStats(
  values: Float64Array,
  offsets: Int32Array,
  options: { std?: 'population' | 'sample' } = {},
  out: Partial<GroupStats> = {},
): GroupStats {
  const groups = offsets.length - 1;
  const r: GroupStats = {
    count: out.count ?? new Int32Array(groups),
    mean: out.mean ?? new Float64Array(groups),
    std: out.std ?? new Float64Array(groups),
    min: out.min ?? new Float64Array(groups),
    max: out.max ?? new Float64Array(groups),
    argmin: out.argmin ?? new Int32Array(groups),
    argmax: out.argmax ?? new Int32Array(groups),
    nonFinite: out.nonFinite ?? new Int32Array(groups),
  };
  const ddof = options.std === 'sample' ? 1 : 0;
  for (let g = 0; g < groups; g++) {
    const start = offsets[g]!;
    const finite: number[] = [];
    let argmin = -1;
    let argmax = -1;
    for (let i = start; i < offsets[g + 1]!; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) continue;
      finite.push(v);
      if (argmin < 0 || v < values[start + argmin]!) argmin = i - start;
      if (argmax < 0 || v > values[start + argmax]!) argmax = i - start;
    }
    const n = finite.length;
    r.count[g] = n;
    r.nonFinite[g] = offsets[g + 1]! - start - n;
    r.argmin[g] = argmin;
    r.argmax[g] = argmax;
    if (n === 0) {
      r.mean[g] = r.std[g] = r.min[g] = r.max[g] = NaN;
      continue;
    }
    r.min[g] = values[start + argmin]!;
    r.max[g] = values[start + argmax]!;
    // Statistics of the values divided by the largest magnitude when that is extreme, so that neither the sum (values
    // near max double) nor the squared deviations (spreads of 1e-170, subnormals) leave the range of doubles.
    let big = 0;
    for (const v of finite) big = Math.max(big, Math.abs(v));
    const scale = big > 1e120 || (big > 0 && big < 1e-120) ? big : 1;
    let s = 0;
    for (const v of finite) s += v / scale;
    const scaledMean = s / n;
    let ss = 0;
    for (const v of finite) ss += (v / scale - scaledMean) ** 2;
    const mean = scaledMean * scale;
    r.std[g] = n - ddof > 0 ? Math.sqrt(ss / (n - ddof)) * scale : NaN;
    r.mean[g] = mean;
  }
  return r;
}

/** Nearest-value picks per group and position (ties: distance, then value by role, then index); -1 for none. */
export function pickPositions(
  values: Float64Array,
  offsets: Int32Array,
  stats: Stats,
  positions: readonly Position[],
  options: { role?: 'rejected' | 'chosen'; exclude?: Int32Array } = {},
  out?: Int32Array,
): Int32Array {
  const groups = offsets.length - 1;
  const res = out ?? new Int32Array(groups * positions.length);
  const preferHigh = options.role === 'chosen';
  for (let g = 0; g < groups; g++) {
    const start = offsets[g]!;
    const size = offsets[g + 1]! - start;
    const mu = stats.mean[g]!;
    const sigma = Number.isFinite(stats.std[g]!) ? stats.std[g]! : 0;
    const skip = options.exclude ? options.exclude[g]! : -1;
    positions.forEach((pos, p) => {
      let best = -1;
      if (pos.kind === 'max' || pos.kind === 'min') {
        for (let j = 0; j < size; j++) {
          const v = values[start + j]!;
          if (!Number.isFinite(v) || j === skip) continue;
          if (best < 0 || (pos.kind === 'max' ? v > values[start + best]! : v < values[start + best]!)) best = j;
        }
      } else {
        const target = pos.k === 0 ? mu : mu + pos.k * sigma;
        if (Number.isFinite(target)) {
          let bestDist = Infinity;
          for (let j = 0; j < size; j++) {
            const v = values[start + j]!;
            if (!Number.isFinite(v) || j === skip) continue;
            const d = Math.abs(v - target);
            const bv = best < 0 ? 0 : values[start + best]!;
            const winsTie = preferHigh ? v > bv : v < bv;
            if (best < 0 || d < bestDist || (d === bestDist && winsTie)) {
              best = j;
              bestDist = d;
            }
          }
        }
      }
      res[g * positions.length + p] = best;
    });
  }
  return res;
}

/** (x - mean_g) / std_g for every value of group g (IEEE division). */
export function zscores(values: Float64Array, offsets: Int32Array, stats: Stats, out?: Float64Array): Float64Array {
  const res = out ?? new Float64Array(values.length);
  for (let g = 0; g + 1 < offsets.length; g++) {
    for (let i = offsets[g]!; i < offsets[g + 1]!; i++) res[i] = (values[i]! - stats.mean[g]!) / stats.std[g]!;
  }
  return res;
}
