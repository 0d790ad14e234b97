// Margin-based selection (spec selection.md section 2): rank pairs by the external margin, the implicit margin,
// their raw sum (add) or their calibrated Bayesian fusion (bees), and keep the top fraction or top k, with a
// deterministic tie-break: score, then m_ex + m_im, then input order.
import { calibrate, DIVISOR_EXTERNAL, DIVISOR_IMPLICIT, type Calibration, type Missing } from './calibrate.js';
import { FUSION_EPS, clippedLogit, sigmoid } from './fusion.js';

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
}

export interface SelectResult {
  n: number;
  /** Number kept. */
  k: number;
  /** Calibrated probabilities (null when the source is absent or could not be calibrated). */
  pExternal: Float64Array | null;
  pImplicit: Float64Array | null;
  /** The selection score: the margin (external, implicit), the raw sum (add) or the fused P (bees). */
  score: Float64Array;
  /** The ranking key: the score, except the logit sum for bees (P rounds to 1.0 for many pairs). */
  key: Float64Array;
  /** 1-based rank of each kept pair, 0 for pairs not kept. */
  rank: Int32Array;
  /** All eligible pair indices, best first. */
  order: Int32Array;
  /** Pairs that cannot be ranked (a missing margin under `drop`, or no margin at all). */
  ineligible: number;
  calibrationExternal: Calibration | null;
  calibrationImplicit: Calibration | null;
  warnings: string[];
}

/** How many pairs a fraction keeps: floor(f * n), guarded against binary rounding (0.29 * 100 = 28.999...). */
export function fractionCount(fraction: number, n: number): number {
  return Math.min(n, Math.floor(fraction * n + 1e-9));
}

function orZero(x: number): number {
  return Number.isFinite(x) ? x : 0;
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
  const warnings: string[] = [];

  const cal = (m: Float64Array | undefined, upper: number | undefined, divisor: number, name: string, needed: boolean) => {
    if (!m || m.length === 0) return null;
    try {
      return calibrate(m, { lower: opts.lower, upper, divisor, minTail: opts.minTail, missing });
    } catch (e) {
      if (needed) throw e;
      warnings.push(`${name} margins not calibrated: ${(e as Error).message}`);
      return null;
    }
  };
  const ce = cal(ex, opts.upperExternal, opts.divisorExternal ?? DIVISOR_EXTERNAL, 'external', opts.by === 'bees');
  const ci = cal(im, opts.upperImplicit, opts.divisorImplicit ?? DIVISOR_IMPLICIT, 'implicit', opts.by === 'bees');
  for (const c of [ce, ci]) if (c) warnings.push(...c.calibration.warnings);

  const score = new Float64Array(n);
  const key = new Float64Array(n);
  const raw = (m: Float64Array, i: number): number => {
    const v = m[i]!;
    if (Number.isFinite(v)) return v;
    return missing === 'drop' ? Number.NaN : 0;
  };
  for (let i = 0; i < n; i++) {
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
        k = clippedLogit(ce!.p[i]!, eps) + clippedLogit(ci!.p[i]!, eps);
        s = sigmoid(k);
        break;
      }
    }
    score[i] = s;
    key[i] = k;
  }
  const tie = new Float64Array(n);
  for (let i = 0; i < n; i++) tie[i] = (ex ? orZero(ex[i]!) : 0) + (im ? orZero(im[i]!) : 0);
  const eligible: number[] = [];
  for (let i = 0; i < n; i++) if (!Number.isNaN(key[i]!)) eligible.push(i);
  eligible.sort((a, b) => key[b]! - key[a]! || tie[b]! - tie[a]! || a - b);
  const order = Int32Array.from(eligible);
  let k = opts.top ?? fractionCount(opts.fraction!, n);
  if (k > order.length) {
    warnings.push(`asked for ${k} pairs but only ${order.length} can be ranked; keeping ${order.length}`);
    k = order.length;
  }
  if (k === 0 && n > 0) warnings.push('the selection keeps no pair');
  const rank = new Int32Array(n);
  for (let r = 0; r < k; r++) rank[order[r]!] = r + 1;
  return {
    n,
    k,
    pExternal: ce?.p ?? null,
    pImplicit: ci?.p ?? null,
    score,
    key,
    rank,
    order,
    ineligible: n - order.length,
    calibrationExternal: ce?.calibration ?? null,
    calibrationImplicit: ci?.calibration ?? null,
    warnings,
  };
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
