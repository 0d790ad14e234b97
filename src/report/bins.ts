// Fixed-size histograms for values on a known scale (the per-prompt z-scores): exact counts on a fixed grid,
// with the values outside the grid counted, so memory is the same for any input size and the result does not
// depend on how the input was split into chunks.
import type { FixedHistogram } from './types.js';

/** The z grid: [-32, 32) in bins of 1/16 (binary fractions, so every edge is exact). */
export const Z_GRID = { lo: -32, width: 1 / 16, n: 1024 } as const;

/** Counts on the grid [lo, lo + n * width), values below and above it, and non-finite values. */
export class FixedBins {
  readonly counts: Float64Array;
  below = 0;
  above = 0;
  nonFinite = 0;

  constructor(
    readonly lo: number = Z_GRID.lo,
    readonly width: number = Z_GRID.width,
    n: number = Z_GRID.n,
  ) {
    this.counts = new Float64Array(n);
  }

  add(v: number): void {
    if (!Number.isFinite(v)) {
      this.nonFinite++;
      return;
    }
    const k = Math.floor((v - this.lo) / this.width);
    if (k < 0) this.below++;
    else if (k >= this.counts.length) this.above++;
    else this.counts[k]!++;
  }

  /** Adds the counts of a histogram on the same grid (toJSON of another FixedBins; a RangeError otherwise). */
  merge(h: FixedHistogram): void {
    const at = (h.lo - this.lo) / this.width;
    if (h.width !== this.width || !Number.isInteger(at) || at < 0 || at + h.counts.length > this.counts.length) throw new RangeError('pairsmith: histograms on different grids do not merge');
    for (let k = 0; k < h.counts.length; k++) this.counts[at + k]! += h.counts[k]!;
    this.below += h.below;
    this.above += h.above;
    this.nonFinite += h.nonFinite;
  }

  /** Plain data for ReportData, trimmed to the occupied bins (lo moves to the first one). */
  toJSON(): FixedHistogram {
    let a = 0;
    let b = this.counts.length;
    while (a < b && this.counts[a] === 0) a++;
    while (b > a && this.counts[b - 1] === 0) b--;
    return { lo: this.lo + a * this.width, width: this.width, counts: Array.from(this.counts.subarray(a, b)), below: this.below, above: this.above, nonFinite: this.nonFinite };
  }
}

/** Total count of a fixed histogram, outside and non-finite values included. */
export function fixedTotal(h: FixedHistogram): number {
  let s = h.below + h.above + h.nonFinite;
  for (const c of h.counts) s += c;
  return s;
}
