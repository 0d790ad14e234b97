// Small numeric helpers with one home each, used by every layer (a leaf module: it imports nothing).

/** Clamp bound of the logit transform of probabilities: p is clamped to [LOGIT_EPS, 1 - LOGIT_EPS]. */
export const LOGIT_EPS = 1e-6;

/** logit(clip(q, eps, 1 - eps)) for any q (a NaN stays NaN), as log(q) - log1p(-q): exact near 0 and 1. */
export function clippedLogit(q: number, eps = LOGIT_EPS): number {
  const c = Math.min(Math.max(q, eps), 1 - eps);
  return Math.log(c) - Math.log1p(-c);
}

/** The logit transform of a probability: logit(clamp(p, eps, 1 - eps)); NaN for p outside [0, 1] or non-finite. */
export function logitClamped(p: number, eps = LOGIT_EPS): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  return clippedLogit(p, eps);
}

/** A sigmoid that neither overflows nor loses the small tail: 1/(1+e^-z) for z >= 0, e^z/(1+e^z) below. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** softplus(x) = log(1 + e^x) as max(x, 0) + log1p(e^-|x|): no overflow for large x, no lost tail for small. */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/**
 * The finite values of `values` (or those `keep` accepts), sorted ascending, in a new Float64Array of exactly their
 * number (a native sort; no intermediate JS array, which TypedArray.prototype.filter builds).
 */
export function finiteSorted(values: ArrayLike<number>, keep: (x: number) => boolean = Number.isFinite): Float64Array {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (keep(values[i]!)) count++;
  const out = new Float64Array(count);
  for (let i = 0, j = 0; i < values.length; i++) if (keep(values[i]!)) out[j++] = values[i]!;
  return out.sort();
}

/**
 * Quantile by linear interpolation between order statistics (Hyndman-Fan type 7, NumPy's default) of sorted
 * data; NaN when `sorted` is empty.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const i = Math.floor(h);
  const j = Math.min(n - 1, i + 1);
  const a = sorted[i]!;
  const b = sorted[j]!;
  const t = h - i;
  if (t === 0 || a === b) return a;
  // b - a overflows for order statistics of opposite sign near the largest double: interpolate without it.
  const d = b - a;
  return Number.isFinite(d) ? a + t * d : a * (1 - t) + b * t;
}

/** Pairs of doubles read in aligned chunks (x[i] with y[i]), in the same order each time it is called. */
export type PairChunks = (each: (x: Float64Array, y: Float64Array) => void) => void;

/** The chunks of one array (copied once into a Float64Array unless it is one). */
export function chunksOf(values: ArrayLike<number>): Chunks {
  const a = values instanceof Float64Array ? values : Float64Array.from(values);
  return (each) => each(a);
}

/**
 * Pearson correlation of the pairs (x, y) read in chunks, over those where both are finite; null when fewer than 3
 * such pairs or either side has no spread. Each side is divided by its largest magnitude first, so no sum or square
 * overflows or underflows for any finite input (max double, subnormals). Three passes.
 */
export function pearsonOf(pairs: PairChunks): number | null {
  let n = 0;
  let ax = 0;
  let ay = 0;
  pairs((x, y) => {
    for (let i = 0; i < x.length; i++) {
      const a = x[i]!;
      const b = y[i]!;
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
      n++;
      ax = Math.max(ax, Math.abs(a));
      ay = Math.max(ay, Math.abs(b));
    }
  });
  if (n < 3 || ax === 0 || ay === 0) return null;
  let mx = 0;
  let my = 0;
  pairs((x, y) => {
    for (let i = 0; i < x.length; i++) {
      const a = x[i]!;
      const b = y[i]!;
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
      mx += a / ax;
      my += b / ay;
    }
  });
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  pairs((x, y) => {
    for (let i = 0; i < x.length; i++) {
      const a = x[i]!;
      const b = y[i]!;
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
      const u = a / ax - mx;
      const v = b / ay - my;
      sxy += u * v;
      sxx += u * u;
      syy += v * v;
    }
  });
  if (!(sxx > 0 && syy > 0)) return null;
  return Math.max(-1, Math.min(1, sxy / (Math.sqrt(sxx) * Math.sqrt(syy))));
}

/**
 * Exact summation (Shewchuk's algorithm, as Python's math.fsum): `partials` holds non-overlapping doubles whose sum
 * is exactly the sum of every value added, so the rounded result does not depend on the order or grouping of the
 * additions (batches, threads, shards give the same sum). Adds x into partials in place.
 */
export function exactAdd(partials: number[], x: number): void {
  if (!Number.isFinite(x)) {
    partials.push(x);
    return;
  }
  let i = 0;
  const m = partials.length;
  for (let j = 0; j < m; j++) {
    let y = partials[j]!;
    if (!Number.isFinite(y)) {
      partials[i++] = y;
      continue;
    }
    if (Math.abs(x) < Math.abs(y)) {
      const t = x;
      x = y;
      y = t;
    }
    const hi = x + y;
    const lo = y - (hi - x);
    if (lo !== 0) partials[i++] = lo;
    x = hi;
  }
  if (i === m) partials.push(x);
  else {
    partials[i] = x;
    partials.length = i + 1;
  }
}

/** The correctly rounded sum of exactAdd's partials. */
export function exactSum(partials: readonly number[]): number {
  let special = 0;
  for (const p of partials) if (!Number.isFinite(p)) special += p;
  if (special !== 0 || Number.isNaN(special)) return special;
  const p = partials.filter((x) => x !== 0);
  let n = p.length;
  if (n === 0) return 0;
  let hi = p[--n]!;
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = p[--n]!;
    hi = x + y;
    const yr = hi - x;
    lo = y - yr;
    if (lo !== 0) break;
  }
  // Half-way cases: round like the infinite-precision sum (the next partial says which way).
  if (n > 0 && ((lo < 0 && p[n - 1]! < 0) || (lo > 0 && p[n - 1]! > 0))) {
    const y = lo * 2;
    const x = hi + y;
    if (y === x - hi) hi = x;
  }
  return hi;
}

/** The chunks with their infinities as NaN (copied only where there are some), so NaN marks every non-finite value. */
export function finiteChunks(chunks: Chunks): Chunks {
  let scratch = new Float64Array(0);
  return (each) =>
    chunks((c) => {
      let clean = true;
      for (let i = 0; i < c.length; i++) if (c[i] === Infinity || c[i] === -Infinity) clean = false;
      if (clean) return each(c);
      if (scratch.length < c.length) scratch = new Float64Array(c.length);
      const d = scratch.subarray(0, c.length);
      for (let i = 0; i < c.length; i++) d[i] = Number.isFinite(c[i]!) ? c[i]! : Number.NaN;
      each(d);
    });
}

/**
 * The count and mean of the values of `chunks` that are not NaN (each finite or NaN): the exactly rounded sum (exactAdd)
 * divided by the count, so it does not depend on their order or chunking; when that sum overflows, the values are
 * added scaled by 2^-64 (exact for all but the tiniest, which cannot matter). NaN mean when there is no value.
 */
export function exactMean(finite: Chunks): { n: number; mean: number } {
  const partials: number[] = [];
  let n = 0;
  finite((c) => {
    for (let i = 0; i < c.length; i++) {
      const v = c[i]!;
      if (Number.isNaN(v)) continue;
      exactAdd(partials, v);
      n++;
    }
  });
  if (n === 0) return { n, mean: Number.NaN };
  let sum = exactSum(partials);
  let scale = 1;
  if (!Number.isFinite(sum)) {
    partials.length = 0;
    scale = 2 ** 64;
    finite((c) => {
      for (let i = 0; i < c.length; i++) if (!Number.isNaN(c[i]!)) exactAdd(partials, c[i]! / scale);
    });
    sum = exactSum(partials);
  }
  return { n, mean: (sum / n) * scale };
}

/** From this many values on, kthLargest selects by radix (no copy); below, a sorted copy is cheaper (at most 2 MB). */
export const RADIX_FROM = 1 << 18;

/** Doubles read in chunks, in the same order each time it is called: one array, or blocks read back from a spool. */
export type Chunks = (each: (chunk: Float64Array) => void) => void;

/**
 * The k-th largest of the values of `values` that are not NaN (1 <= k <= their count; -0 and +0 count as equal and
 * come back as +0), without a sorted copy from RADIX_FROM values on (see orderStatistics).
 */
export function kthLargest(values: Float64Array, k: number, radixFrom = RADIX_FROM): number {
  if (!(k >= 1)) throw new RangeError(`pairsmith: internal error: kthLargest(k = ${k})`);
  const [v] = orderStatistics(
    (each) => each(values),
    (n) => {
      if (k > n) throw new RangeError(`pairsmith: internal error: kthLargest(k = ${k}) over fewer values`);
      return [n - k];
    },
    radixFrom,
  );
  return v!;
}

/** A double's high word as the high half of an unsigned order key: negative values have every bit flipped, others the sign bit. */
const hiKey = (h: number): number => (h & 0x80000000 ? ~h : h | 0x80000000) >>> 0;
/** The low half of the order key, given the double's high word h and low word l. */
const loKey = (h: number, l: number): number => (h & 0x80000000 ? ~l : l) >>> 0;

/** Past the first round, orderStatistics gathers and sorts the values under a prefix when they are at most this many. */
const GATHER = 1 << 16;

/** The first digit d with rank r among the counts' values (ascending), and r's rank within that digit. */
function descend(counts: Float64Array, r: number): [number, number] {
  let d = 0;
  while (counts[d]! <= r) r -= counts[d++]!;
  return [d, r];
}

/**
 * Order statistics of the values of `chunks` that are not NaN (-0 counts as +0 and comes back as +0): for each
 * 0-based ascending rank that `ranksOf(n)` gives for their count n, the value of that rank, in the order asked.
 * Below `radixFrom` values, from a sorted copy. From there on with no copy: a radix select on the order-preserving
 * bits of the doubles (read through a view of the same memory), 16 bits a round, every rank in the same passes: a
 * counting pass, then at most three more, each with a count table of 65536 per distinct key prefix that a rank is
 * under, or, for a prefix shared by at most GATHER values, those values gathered and sorted (which ends its ranks).
 */
export function orderStatistics(chunks: Chunks, ranksOf: (n: number) => readonly number[], radixFrom = RADIX_FROM): number[] {
  // Little-endian, as every JS engine that runs WebAssembly: a double's low word first.
  const words = (c: Float64Array): Uint32Array => new Uint32Array(c.buffer, c.byteOffset, 2 * c.length);
  // Round 0 counts the values by the top 16 bits of their key.
  const top = new Float64Array(65536);
  let n = 0;
  chunks((c) => {
    const w = words(c);
    for (let i = 0; i < c.length; i++) {
      const v = c[i]!;
      if (Number.isNaN(v)) continue;
      const d = v === 0 ? 0x8000 : hiKey(w[2 * i + 1]!) >>> 16;
      top[d] = top[d]! + 1;
      n++;
    }
  });
  const ranks = ranksOf(n);
  for (const r of ranks) if (!(Number.isInteger(r) && r >= 0 && r < n)) throw new RangeError(`pairsmith: internal error: order statistic ${r} of ${n} values`);
  if (ranks.length === 0) return [];
  if (n < radixFrom) {
    const all = new Float64Array(n);
    let k = 0;
    chunks((c) => {
      for (let i = 0; i < c.length; i++) {
        const v = c[i]!;
        if (!Number.isNaN(v)) all[k++] = v === 0 ? 0 : v;
      }
    });
    all.sort();
    return ranks.map((r) => all[r]!);
  }
  // Each rank's key prefix so far (rounds 0-1 fix hi's two halves, rounds 2-3 lo's), its rank under that prefix and
  // how many values share the prefix; `value` once known.
  const targets = ranks.map((r) => {
    const [d, left] = descend(top, r);
    return { hi: (d << 16) >>> 0, lo: 0, left, size: top[d]!, value: Number.NaN, done: false };
  });
  for (let round = 1; round < 4 && targets.some((t) => !t.done); round++) {
    // The distinct prefixes of the ranks left. Each counts its values by their next 16 bits, or, when they are few,
    // gathers them to be sorted (that settles its ranks in this pass).
    const groups: { hi: number; lo: number; counts: Float64Array | null; gathered: Float64Array | null; n: number }[] = [];
    const groupOf = targets.map((t) => {
      if (t.done) return -1;
      let g = groups.findIndex((x) => x.hi === t.hi && x.lo === t.lo);
      if (g < 0) {
        const few = t.size <= GATHER;
        g = groups.push({ hi: t.hi, lo: t.lo, counts: few ? null : new Float64Array(65536), gathered: few ? new Float64Array(t.size) : null, n: 0 }) - 1;
      }
      return g;
    });
    const G = groups.length;
    // The top digits of the prefixes: a value under none of them is passed over at once.
    const under = new Uint8Array(65536);
    for (const x of groups) under[x.hi >>> 16] = 1;
    chunks((c) => {
      const w = words(c);
      for (let i = 0; i < c.length; i++) {
        const v = c[i]!;
        if (Number.isNaN(v)) continue;
        const h = v === 0 ? 0x80000000 : hiKey(w[2 * i + 1]!);
        if (under[h >>> 16] === 0) continue;
        const l = v === 0 ? 0 : loKey(w[2 * i + 1]!, w[2 * i]!);
        for (let g = 0; g < G; g++) {
          const x = groups[g]!;
          let digit: number;
          if (round === 1) {
            if (h >>> 16 !== x.hi >>> 16) continue;
            digit = h & 0xffff;
          } else if (round === 2) {
            if (h !== x.hi) continue;
            digit = l >>> 16;
          } else {
            if (h !== x.hi || l >>> 16 !== x.lo >>> 16) continue;
            digit = l & 0xffff;
          }
          if (x.gathered) x.gathered[x.n++] = v === 0 ? 0 : v;
          else x.counts![digit] = x.counts![digit]! + 1;
          break;
        }
      }
    });
    for (const x of groups) x.gathered?.sort();
    targets.forEach((t, k) => {
      if (t.done) return;
      const x = groups[groupOf[k]!]!;
      if (x.gathered) {
        t.value = x.gathered[t.left]!;
        t.done = true;
        return;
      }
      const [d, left] = descend(x.counts!, t.left);
      t.left = left;
      t.size = x.counts![d]!;
      if (round === 1) t.hi = (t.hi | d) >>> 0;
      else if (round === 2) t.lo = (d << 16) >>> 0;
      else t.lo = (t.lo | d) >>> 0;
    });
  }
  // Back from the order key to the double.
  const out = new Uint32Array(2);
  const back = new Float64Array(out.buffer);
  return targets.map((t) => {
    if (t.done) return t.value;
    if (t.hi & 0x80000000) {
      out[1] = t.hi & 0x7fffffff;
      out[0] = t.lo;
    } else {
      out[1] = ~t.hi;
      out[0] = ~t.lo;
    }
    return back[0]!;
  });
}

/** Count, minimum, maximum and quantiles of the values of some chunks that are not NaN (see quantilesOf). */
export interface Quantiles {
  n: number;
  min: number;
  max: number;
  /** One per quantile asked, in that order. */
  q: number[];
  /** The values of the extra ranks asked, in that order. */
  more: number[];
}

/**
 * Quantiles by linear interpolation between order statistics (as quantileSorted: Hyndman-Fan type 7) of the values of
 * `chunks` that are not NaN (-0 counts as +0), with their count, min and max, and the values of the extra ranks
 * `more(n)` gives, all found by one orderStatistics (no sorted copy from RADIX_FROM values on). NaN for every number
 * when there is no value.
 */
export function quantilesOf(chunks: Chunks, qs: readonly number[], more: (n: number) => readonly number[] = () => []): Quantiles {
  let n = 0;
  let extra: readonly number[] = [];
  const rankList = (count: number): number[] => {
    n = count;
    if (count === 0) return [];
    extra = more(count);
    return [0, count - 1, ...extra, ...qs.flatMap((q) => [Math.floor((count - 1) * q), Math.min(count - 1, Math.floor((count - 1) * q) + 1)])];
  };
  const values = orderStatistics(chunks, rankList);
  if (n === 0) return { n: 0, min: Number.NaN, max: Number.NaN, q: qs.map(() => Number.NaN), more: [] };
  const ranks = rankList(n);
  // quantileSorted reads only `length` and the two ranks it interpolates between.
  const sorted: Record<number, number> & { length: number } = { length: n };
  for (let k = 2 + extra.length; k < ranks.length; k++) sorted[ranks[k]!] = values[k]!;
  return { n, min: values[0]!, max: values[1]!, q: qs.map((p) => quantileSorted(sorted, p)), more: values.slice(2, 2 + extra.length) };
}

/** The first index i with sorted[i] >= x (sorted.length when there is none), in ascending `sorted`. */
export function lowerBound(sorted: ArrayLike<number>, x: number): number {
  let a = 0;
  let b = sorted.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (sorted[m]! < x) a = m + 1;
    else b = m;
  }
  return a;
}

/**
 * Sorts the indices in `idx` in place by `cmp` (an order: negative puts a first; 0 or NaN keeps their order), stably: a
 * bottom-up merge sort over typed arrays (insertion-sorted runs of 16), so sorting n indices allocates one
 * Int32Array of n and nothing on the JS heap (Array.prototype.sort on n numbers holds about 3n words of heap).
 */
export function sortIndices(idx: Int32Array, cmp: (a: number, b: number) => number): Int32Array {
  const n = idx.length;
  const RUN = 16;
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(n, lo + RUN);
    for (let i = lo + 1; i < hi; i++) {
      const x = idx[i]!;
      let j = i - 1;
      while (j >= lo && cmp(idx[j]!, x) > 0) {
        idx[j + 1] = idx[j]!;
        j--;
      }
      idx[j + 1] = x;
    }
  }
  if (n <= RUN) return idx;
  let src: Int32Array = idx;
  let dst: Int32Array = new Int32Array(n);
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(n, lo + width);
      const hi = Math.min(n, lo + 2 * width);
      let a = lo;
      let b = mid;
      let k = lo;
      while (a < mid && b < hi) dst[k++] = cmp(src[a]!, src[b]!) > 0 ? src[b++]! : src[a++]!;
      while (a < mid) dst[k++] = src[a++]!;
      while (b < hi) dst[k++] = src[b++]!;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== idx) idx.set(src);
  return idx;
}

/**
 * A number as JSON keeps it exactly (margins files, report states): a JSON number, or a string for what JSON lacks
 * (NaN, infinities, -0). decodeNumber is its inverse.
 */
export function encodeNumber(x: number): number | string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0 && 1 / x < 0) return '-0';
  return x;
}

export function decodeNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  switch (v) {
    case 'NaN':
      return Number.NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case '-0':
      return -0;
    default:
      throw new Error(`not a number: ${JSON.stringify(v)}`);
  }
}
