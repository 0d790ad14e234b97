// Margin-based selection (spec selection.md section 2): rank pairs by the external margin, the implicit margin,
// their raw sum (add) or their calibrated Bayesian fusion (bees), and keep the top fraction or top k, with a
// deterministic tie-break: score, then m_ex + m_im, then input order. `calibration: 'official'` reproduces the
// released code's bees arithmetic and order instead (NaN scores included, counted in nanScores).
import { calibration, DIVISOR_EXTERNAL, DIVISOR_IMPLICIT, type Calibration, type CalibrationMode, type Missing } from './calibrate.js';
import { FUSION_EPS, clippedLogit, officialProduct, sigmoid } from './fusion.js';
import { finiteSorted, kthLargest, quantileSorted, sortIndices } from '../numeric.js';

export type SelectBy = 'external' | 'implicit' | 'bees' | 'add';
export const SELECT_BY: readonly SelectBy[] = ['external', 'implicit', 'bees', 'add'];

export interface SelectOptions {
  by: SelectBy;
  /** Keep floor(fraction * n) pairs (0 < fraction <= 1). Exactly one of fraction / top. */
  fraction?: number;
  /** Keep the top k pairs (clamped to the eligible pairs, with a warning). */
  top?: number;
  lower?: number;
  upperExternal?: number;
  upperImplicit?: number;
  divisorExternal?: number;
  divisorImplicit?: number;
  minTail?: number;
  eps?: number;
  missing?: Missing;
  /**
   * stable (default): p over U - L, ranked by the eps-clipped logit sum. official: the released code's arithmetic
   * (p over max(clip(m, L, U)) - L, P = p_ex p_im / (p_ex p_im + (1 - p_ex)(1 - p_im)), NaN kept) and its order
   * (numpy's stable argsort, last k: NaN first, then P descending, equal P by the higher input index).
   */
  calibration?: CalibrationMode;
  /**
   * A factor s > 0 applied to the external margin before calibration (p_external = p(s * m_ex)); `auto` takes
   * s = IQR(m_im) / IQR(m_ex) (finite margins, type-7 quantiles), which gives the external margins the implicit
   * ones' interquartile range. Absent: no scaling. The external and add rankings and the tie-break use raw margins.
   */
  scaleExternal?: number | 'auto';
}

/** A calibrated source whose p spans less than this (max - min) barely moves a bees ranking: warned. */
export const NARROW_SPAN = 0.2;

export interface SelectResult {
  n: number;
  /** Number kept. */
  k: number;
  /** Calibrated probabilities (null when the source is absent or could not be calibrated); made when first read. */
  readonly pExternal: Float64Array | null;
  readonly pImplicit: Float64Array | null;
  /** The calibrated probability of pair i, without the array of every pair's (null as pExternal/pImplicit). */
  pExternalOf: ((i: number) => number) | null;
  pImplicitOf: ((i: number) => number) | null;
  /**
   * The selection score: the margin (external, implicit), the raw sum (add) or the fused P (bees). By one source
   * whose margins are all finite, it is that margins array itself (no copy of n numbers).
   */
  score: Float64Array;
  /** The ranking key: the score, except the logit sum for bees (P rounds to 1.0 for many pairs). */
  key: Float64Array;
  /** 1-based rank of each kept pair, 0 for pairs not kept. */
  rank: Int32Array;
  /** All eligible pair indices, best first (sorted when first read). */
  readonly order: Int32Array;
  /** Pairs that cannot be ranked (a missing margin under `drop`, or no margin at all). */
  ineligible: number;
  /** The factor applied to the external margin before calibration (null: none), and whether it came from auto. */
  scaleExternal: { factor: number; auto: boolean; overflow: number } | null;
  /** official bees only: pairs whose fused P is NaN (0/0) and how many of them are kept. */
  nanScores: { count: number; kept: number } | null;
  calibrationExternal: Calibration | null;
  calibrationImplicit: Calibration | null;
  warnings: string[];
}

/** How many pairs a fraction keeps: floor(f * n), guarded against binary rounding (0.29 * 100 = 28.999...). */
export function fractionCount(fraction: number, n: number): number {
  return Math.min(n, Math.floor(fraction * n + 1e-9));
}

function allFinite(x: Float64Array): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) return false;
  return true;
}

function orZero(x: number): number {
  return Number.isFinite(x) ? x : 0;
}

/** The interquartile range of the finite values (NaN when there are none). */
function iqr(m: Float64Array): number {
  const f = finiteSorted(m);
  return quantileSorted(f, 0.75) - quantileSorted(f, 0.25);
}

/** The --scale-external factor: the given one, or IQR(m_im) / IQR(m_ex) for auto. Throws when it is unusable. */
export function externalScale(scale: number | 'auto', external: Float64Array, implicit: Float64Array | undefined): number {
  if (scale !== 'auto') {
    if (!(scale > 0 && Number.isFinite(scale))) throw new RangeError(`pairsmith: the external margin scale must be a finite number > 0, got ${scale}`);
    return scale;
  }
  if (!implicit) throw new RangeError('pairsmith: --scale-external auto needs implicit margins (it matches their interquartile range); give a factor');
  const qi = iqr(implicit);
  const qe = iqr(external);
  const s = qi / qe;
  if (!(qe > 0) || !(qi > 0) || !(s > 0 && Number.isFinite(s))) {
    throw new RangeError(`pairsmith: --scale-external auto needs both margins to have a spread (IQR external ${qe}, implicit ${qi}); give a factor`);
  }
  return s;
}

/** Ranks pairs by `opts.by` and marks the top ones. Margins are per pair; NaN marks a missing one. */
export function selectPairs(margins: { external?: Float64Array; implicit?: Float64Array }, opts: SelectOptions): SelectResult {
  const ex = margins.external;
  const im = margins.implicit;
  const n = ex?.length ?? im?.length ?? 0;
  if (ex && im && ex.length !== im.length) throw new RangeError(`pairsmith: external (${ex.length}) and implicit (${im.length}) margins differ in length`);
  if ((opts.fraction === undefined) === (opts.top === undefined)) throw new RangeError('pairsmith: give exactly one of fraction and top');
  if (opts.fraction !== undefined && !(opts.fraction > 0 && opts.fraction <= 1)) throw new RangeError(`pairsmith: fraction must be in (0, 1], got ${opts.fraction}`);
  if (opts.top !== undefined && !(Number.isInteger(opts.top) && opts.top >= 0)) throw new RangeError(`pairsmith: top must be a non-negative integer, got ${opts.top}`);
  const need = { external: ['external', 'bees', 'add'], implicit: ['implicit', 'bees', 'add'] };
  if (!ex && need.external.includes(opts.by)) throw new RangeError(`pairsmith: --by ${opts.by} needs external margins (scores of chosen and rejected)`);
  if (!im && need.implicit.includes(opts.by)) throw new RangeError(`pairsmith: --by ${opts.by} needs implicit margins (policy and reference log-probs)`);
  const missing = opts.missing ?? 'zero';
  const eps = opts.eps ?? FUSION_EPS;
  const mode = opts.calibration ?? 'stable';
  if (mode === 'official' && missing !== 'zero') throw new RangeError(`pairsmith: --calibration official counts a missing margin as 0 (the released code's nan_to_num): use --missing zero, not ${missing}`);
  const official = mode === 'official' && opts.by === 'bees';
  const warnings: string[] = [];

  // The external margins as calibrated: scaled by --scale-external (an overflow keeps its sign at the largest double).
  let exCal = ex;
  let scaleExternal: SelectResult['scaleExternal'] = null;
  if (ex && opts.scaleExternal !== undefined) {
    const factor = externalScale(opts.scaleExternal, ex, im);
    let overflow = 0;
    exCal = ex.map((m) => {
      const v = m * factor;
      if (Number.isFinite(v) || !Number.isFinite(m)) return v;
      overflow++;
      return v > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE;
    });
    scaleExternal = { factor, auto: opts.scaleExternal === 'auto', overflow };
    if (overflow > 0) warnings.push(`${overflow} external margins overflow when scaled by ${factor}: kept at +-max double (they clip to L or U)`);
  }

  const cal = (m: Float64Array | undefined, upper: number | undefined, divisor: number, name: string, needed: boolean) => {
    if (!m || m.length === 0) return null;
    try {
      const c = calibration(m, { lower: opts.lower, upper, divisor, minTail: opts.minTail, missing, mode });
      return { calibration: c.calibration, pAt: (i: number) => c.pOf(m[i]!) };
    } catch (e) {
      if (needed) throw e;
      warnings.push(`${name} margins not calibrated: ${(e as Error).message}`);
      return null;
    }
  };
  const ce = cal(exCal, opts.upperExternal, opts.divisorExternal ?? DIVISOR_EXTERNAL, 'external', opts.by === 'bees');
  const ci = cal(im, opts.upperImplicit, opts.divisorImplicit ?? DIVISOR_IMPLICIT, 'implicit', opts.by === 'bees');
  for (const c of [ce, ci]) if (c) warnings.push(...c.calibration.warnings);
  if (opts.by === 'bees') {
    for (const [name, c, flag] of [['external', ce, '--scale-external or --upper-external'], ['implicit', ci, '--upper-implicit']] as const) {
      const k = c?.calibration;
      if (!k || k.pMin === null || k.pMax === null || !(k.pMax - k.pMin < NARROW_SPAN)) continue;
      warnings.push(
        `${name} margins: calibrated p spans only ${(k.pMax - k.pMin).toPrecision(3)} (${k.pMin.toPrecision(3)} to ${k.pMax.toPrecision(3)}, U = ${k.upper}), less than ${NARROW_SPAN}: this source barely moves the bees ranking; see ${flag}`,
      );
    }
  }

  // By one source with every margin finite, the score is that source's array as it is (raw() is the identity).
  const source = opts.by === 'external' ? ex : opts.by === 'implicit' ? im : undefined;
  const direct = source !== undefined && allFinite(source);
  const score = direct ? source : new Float64Array(n);
  // The ranking key is the score itself except for bees (a sum of logits whose score is its sigmoid): one array.
  const key = opts.by === 'bees' ? new Float64Array(n) : score;
  const raw = (m: Float64Array, i: number): number => {
    const v = m[i]!;
    if (Number.isFinite(v)) return v;
    return missing === 'drop' ? Number.NaN : 0;
  };
  for (let i = 0; i < n && !direct; i++) {
    let s: number;
    let k: number;
    switch (opts.by) {
      case 'external':
        s = k = raw(ex!, i);
        break;
      case 'implicit':
        s = k = raw(im!, i);
        break;
      case 'add':
        s = k = raw(ex!, i) + raw(im!, i);
        break;
      case 'bees': {
        if (official) {
          s = k = officialProduct(ce!.pAt(i), ci!.pAt(i));
          break;
        }
        k = clippedLogit(ce!.pAt(i), eps) + clippedLogit(ci!.pAt(i), eps);
        s = sigmoid(k);
        break;
      }
    }
    score[i] = s;
    key[i] = k;
  }
  // Equal keys: the larger summed margin first (computed when compared: no column of n numbers), then input order.
  const tie = (i: number): number => (ex ? orZero(ex[i]!) : 0) + (im ? orZero(im[i]!) : 0);
  const cmp = (a: number, b: number): number => key[b]! - key[a]! || tie(b) - tie(a) || a - b;
  let m = direct ? n : 0;
  for (let i = 0; i < n && !direct; i++) if (!Number.isNaN(key[i]!)) m++;
  // The full ranking (every eligible index, best first): sorted when first read (the selection needs only its top k).
  let full: Int32Array | undefined;
  const fullOrder = (): Int32Array => {
    if (full) return full;
    if (official) {
      // np.argsort(P, kind='stable')[-k:]: NaN sorts last, so it is taken first; equal P: the later index first.
      full = Int32Array.from({ length: n }, (_, i) => i);
      const nanFirst = (x: number): number => (Number.isNaN(x) ? Infinity : x);
      return sortIndices(full, (a, b) => nanFirst(key[b]!) - nanFirst(key[a]!) || b - a);
    }
    full = new Int32Array(m);
    for (let i = 0, j = 0; i < n; i++) if (!Number.isNaN(key[i]!)) full[j++] = i;
    return sortIndices(full, cmp);
  };
  const eligible = official ? n : m;
  let k = opts.top ?? fractionCount(opts.fraction!, n);
  if (k > eligible) {
    warnings.push(`asked for ${k} pairs but only ${eligible} can be ranked; keeping ${eligible}`);
    k = eligible;
  }
  if (k === 0 && n > 0) warnings.push('the selection keeps no pair');
  const top = official || 4 * k >= m ? fullOrder().subarray(0, k) : topOf(key, k, m, cmp);
  const rank = new Int32Array(n);
  for (let r = 0; r < k; r++) rank[top[r]!] = r + 1;
  let nanScores: SelectResult['nanScores'] = null;
  if (official) {
    let count = 0;
    let kept = 0;
    for (let i = 0; i < n; i++) {
      if (!Number.isNaN(score[i]!)) continue;
      count++;
      if (rank[i]! > 0) kept++;
    }
    nanScores = { count, kept };
    if (count > 0) {
      warnings.push(`${count} pairs have a NaN fused score (0/0: p = 1 in one source, 0 in the other); the official order puts them first: ${kept} of them are kept`);
    }
  }
  const result = {
    n,
    k,
    pExternalOf: ce?.pAt ?? null,
    pImplicitOf: ci?.pAt ?? null,
    score,
    key,
    rank,
    ineligible: n - eligible,
    scaleExternal,
    nanScores,
    calibrationExternal: ce?.calibration ?? null,
    calibrationImplicit: ci?.calibration ?? null,
    warnings,
  } as Omit<SelectResult, 'order' | 'pExternal' | 'pImplicit'> as SelectResult;
  Object.defineProperty(result, 'order', { enumerable: true, get: fullOrder });
  // The p arrays only when read (a selection by one source writes p for the kept pairs: no array of every pair's).
  for (const [name, c] of [['pExternal', ce], ['pImplicit', ci]] as const) {
    let p: Float64Array | undefined;
    Object.defineProperty(result, name, { enumerable: true, get: () => (c ? (p ??= Float64Array.from({ length: n }, (_, i) => c.pAt(i))) : null) });
  }
  return result;
}

/**
 * The best k of the m indices whose key is not NaN, best first by `cmp` (key descending, then its tie-breaks; a strict
 * order), without sorting all of them: a threshold T with at least k keys >= T comes from an evenly spaced sample of
 * `sample` keys (four standard deviations below the sample's share k / m, so that some more than k pass), or exactly
 * (kthLargest) when the sample misses or lets in more than 2k + 1024; only the keys >= T are sorted by `cmp`.
 * Exported for its tests.
 */
export function topOf(key: Float64Array, k: number, m: number, cmp: (a: number, b: number) => number, sample = 2048): Int32Array {
  if (k === 0) return new Int32Array(0);
  const n = key.length;
  const atLeast = (t: number): number => {
    let c = 0;
    for (let i = 0; i < n; i++) if (key[i]! >= t) c++;
    return c;
  };
  let t = sampledThreshold(key, k / m, sample);
  let c = atLeast(t);
  if (c < k || c > 2 * k + 1024) {
    // -0 and +0 both pass when T is either: they are ties, as for cmp.
    t = kthLargest(key, k);
    c = atLeast(t);
  }
  const top = new Int32Array(c);
  for (let i = 0, j = 0; j < c; i++) if (key[i]! >= t) top[j++] = i;
  return sortIndices(top, cmp).subarray(0, k);
}

/** A key below about the share `q` of the largest non-NaN keys, from an evenly spaced sample (-Infinity: none). */
function sampledThreshold(key: Float64Array, q: number, size: number): number {
  const n = key.length;
  const stride = Math.max(1, Math.floor(n / size));
  let s = 0;
  for (let i = 0; i < n; i += stride) if (!Number.isNaN(key[i]!)) s++;
  const sample = new Float64Array(s);
  for (let i = 0, j = 0; i < n; i += stride) if (!Number.isNaN(key[i]!)) sample[j++] = key[i]!;
  sample.sort();
  const at = Math.floor(s * (1 - q) - 4 * Math.sqrt(s * q * (1 - q)) - 4);
  return at > 0 ? sample[at]! : -Infinity;
}

/** `--by`: a margin source, or auto. */
export type SelectByOption = SelectBy | 'auto';

/** Resolves `auto` from which margins exist: bees when both do, else the one there is (external by default). */
export function resolveBy(by: SelectByOption, has: { external: boolean; implicit: boolean }): SelectBy {
  if (by !== 'auto') return by;
  if (has.external && has.implicit) return 'bees';
  if (has.implicit) return 'implicit';
  return 'external';
}
