// The GroupEngine port for pipeline tests. Until the kernels (issue 3) are merged this is a plain stand-in
// written from the spec (selection.md 1.3 and 1.5); afterwards tests use the engine on every backend.
import type { GroupEngine, GroupStats } from '../../src/pipeline/group-engine.js';
import type { Position } from '../../src/pipeline/positions.js';

export const standInGroupEngine: GroupEngine = {
  groupStats(values, offsets, { std }) {
    const g = offsets.length - 1;
    const st: GroupStats = {
      count: new Int32Array(g),
      mean: new Float64Array(g),
      std: new Float64Array(g),
      min: new Float64Array(g),
      max: new Float64Array(g),
      argmin: new Int32Array(g).fill(-1),
      argmax: new Int32Array(g).fill(-1),
      nonFinite: new Int32Array(g),
    };
    for (let i = 0; i < g; i++) {
      const s = offsets[i]!;
      const e = offsets[i + 1]!;
      let n = 0;
      let sum = 0;
      let mn = Infinity;
      let mx = -Infinity;
      for (let j = s; j < e; j++) {
        const v = values[j]!;
        if (!Number.isFinite(v)) {
          st.nonFinite[i]!++;
          continue;
        }
        n++;
        sum += v;
        if (v < mn) {
          mn = v;
          st.argmin[i] = j - s;
        }
        if (v > mx) {
          mx = v;
          st.argmax[i] = j - s;
        }
      }
      const mean = n > 0 ? sum / n : Number.NaN;
      let ss = 0;
      for (let j = s; j < e; j++) if (Number.isFinite(values[j]!)) ss += (values[j]! - mean) ** 2;
      const d = std === 'sample' ? n - 1 : n;
      st.count[i] = n;
      st.mean[i] = mean;
      st.std[i] = d > 0 ? Math.sqrt(ss / d) : n === 1 ? 0 : Number.NaN;
      st.min[i] = n > 0 ? mn : Number.NaN;
      st.max[i] = n > 0 ? mx : Number.NaN;
    }
    return st;
  },
  pickPositions(values, offsets, stats, positions: readonly Position[], opts = {}) {
    const g = offsets.length - 1;
    const out = new Int32Array(g * positions.length).fill(-1);
    for (let i = 0; i < g; i++) {
      const s = offsets[i]!;
      const e = offsets[i + 1]!;
      const ex = opts.exclude ? opts.exclude[i]! : -1;
      const hiTie = opts.role === 'chosen';
      positions.forEach((p, j) => {
        let best = -1;
        let bestD = Infinity;
        for (let x = s; x < e; x++) {
          const v = values[x]!;
          if (!Number.isFinite(v) || x - s === ex) continue;
          const d = p.kind === 'min' ? v : p.kind === 'max' ? -v : Math.abs(v - (stats.mean[i]! + p.k * stats.std[i]!));
          if (best < 0 || d < bestD || (d === bestD && p.kind === 'sigma' && (hiTie ? v > values[best]! : v < values[best]!))) {
            best = x;
            bestD = d;
          }
        }
        out[i * positions.length + j] = best < 0 ? -1 : best - s;
      });
    }
    return out;
  },
  zscores(values, offsets, stats) {
    const out = new Float64Array(values.length);
    for (let i = 0; i + 1 < offsets.length; i++) {
      for (let x = offsets[i]!; x < offsets[i + 1]!; x++) {
        const sd = stats.std[i]!;
        out[x] = sd > 0 && Number.isFinite(values[x]!) ? (values[x]! - stats.mean[i]!) / sd : Number.NaN;
      }
    }
    return out;
  },
  implicitRewards(policy, reference, offsets, { beta, reduce }) {
    if (!offsets) return Float64Array.from(policy, (p, i) => beta * (p - reference[i]!));
    const out = new Float64Array(offsets.length - 1);
    for (let g = 0; g + 1 < offsets.length; g++) {
      let s = 0;
      for (let i = offsets[g]!; i < offsets[g + 1]!; i++) s += policy[i]! - reference[i]!;
      const n = offsets[g + 1]! - offsets[g]!;
      out[g] = beta * (reduce === 'mean' ? s / Math.max(1, n) : s);
    }
    return out;
  },
};
