// DPO-family losses: API types, argument checks and the WASM binding of assembly/kernels/losses.ts.
import type { WasmContext } from '../wasm/context.js';
import { check } from '../wasm/abi.js';
import { isResident } from '../wasm/resident.js';
import type { Column } from './types.js';
import { assertArray, assertNumber } from './validate.js';

/** Every loss type, in kernel-code order (index = code in assembly/kernels/losses.ts). */
export const LOSS_TYPES = [
  'sigmoid',
  'robust',
  'hinge',
  'ipo',
  'exo_pair',
  'nca_pair',
  'sppo_hard',
  'apo_zero',
  'apo_down',
  'discopop',
  'bco_pair',
  'aot',
  'aot_unpaired',
  'sft',
  'rdpo',
  'ripo',
  'ml-rdpo',
  'odpo',
] as const;
export type LossType = (typeof LOSS_TYPES)[number];

export const F_DIVERGENCES = ['reverse_kl', 'forward_kl', 'js_divergence', 'alpha_divergence'] as const;
export type FDivergence = (typeof F_DIVERGENCES)[number];

/** Loss types that need a rating gap per row. */
export const RATING_LOSSES: readonly LossType[] = ['rdpo', 'ripo', 'ml-rdpo', 'odpo'];

/**
 * Per-row inputs, all Float64Array (or resident Float64Array buffers) of one length n.
 * Log-probs are sequence sums over completion tokens (finite). Lengths are completion token counts (>= 0,
 * clamped to >= 1 where divided by); without them every count is 1. `gap` is the rating gap
 * score_chosen - score_rejected; NaN marks a row without a rating.
 */
export interface LossColumns {
  policyChosen: Column<Float64Array>;
  policyRejected: Column<Float64Array>;
  referenceChosen: Column<Float64Array>;
  referenceRejected: Column<Float64Array>;
  chosenLength?: Column<Float64Array>;
  rejectedLength?: Column<Float64Array>;
  gap?: Column<Float64Array>;
}

export interface LossOptions {
  /** Loss types to compute in one pass (at least one, no repeats). */
  losses: readonly LossType[];
  /** DPO beta (> 0). Default 0.1. */
  beta?: number;
  /** Label smoothing epsilon in [0, 0.5): cDPO for sigmoid, and robust, exo_pair, aot*. Default 0. */
  labelSmoothing?: number;
  /**
   * f-DPO divergence applied to the DPO logit of sigmoid, robust, hinge, ipo, exo_pair and the rating-aware
   * losses (TRL v0.28). Default reverse_kl (plain DPO).
   */
  fDivergence?: FDivergence;
  /** TRL v0.28's alpha_divergence_coef a (logit (e^{-a r} - e^{-a c}) / a). Default 1. */
  fAlpha?: number;
  /** DiscoPOP temperature (> 0). Default 0.05. */
  discopopTau?: number;
  /** Rows per batch for batch-coupled losses (bco_pair running mean, aot, aot_unpaired, sft). Default 8. */
  batchSize?: number;
  /** bco_pair subtracts the running mean of batch reward means (TRL <= v0.28). Default true; false = TRL v1.x. */
  bcoRunningMean?: boolean;
  /** RDPO/RIPO trust-in-ratings temperature beta1 (> 0). Default 1. Reconstruction, see README. */
  ratingBeta?: number;
  /** ML-RDPO rating-noise variance V (> 0). Default 1. Reconstruction, see README. */
  ratingVariance?: number;
  /** ODPO offset scale alpha (>= 0). Default 1. */
  odpoAlpha?: number;
  /**
   * bco_pair's running-mean state carried in from earlier batches (default: none, a fresh mean). Pass the
   * previous call's `result.bcoRunningState` to continue over consecutive chunks whose row counts are multiples
   * of batchSize: the results then equal one call over all rows.
   */
  bcoRunningState?: BcoRunningState;
}

/** bco_pair's running mean: `sum` of the batch mean rewards seen so far and the number of `batches`. */
export interface BcoRunningState {
  sum: number;
  batches: number;
}

/** Options with every default filled in. */
export type ResolvedLossOptions = Required<LossOptions>;

export interface LossResult {
  /** Per-row loss of each requested type (NaN for rating-only losses on rows without a rating). */
  loss: Partial<Record<LossType, Float64Array>>;
  /** d loss / d chosen log-ratio per row (batch-coupled losses: of the batch's summed loss). */
  gradChosen: Partial<Record<LossType, Float64Array>>;
  /** d loss / d rejected log-ratio per row. */
  gradRejected: Partial<Record<LossType, Float64Array>>;
  /** beta * (policyChosen - referenceChosen). */
  chosenReward: Float64Array;
  /** beta * (policyRejected - referenceRejected). */
  rejectedReward: Float64Array;
  /** chosenReward - rejectedReward, i.e. beta * d. */
  margin: Float64Array;
  /** With bco_pair and the running mean: the state after the last batch (pass it to the next call). */
  bcoRunningState?: BcoRunningState;
}

export interface LossesKernels {
  /**
   * Every requested DPO-family loss, rewards, margin and gradients for n pairs, in f64 (TRL's definitions,
   * see README "Losses"). Columns: Float64Array of equal length. Throws TypeError for wrong kinds,
   * RangeError for unequal lengths, non-finite log-probs, bad options, or (odpo) a rating gap <= 0.
   * O(n * losses) plus O(b log b) per batch of b rows for aot/aot_unpaired.
   */
  dpoLosses(columns: LossColumns, options: LossOptions): LossResult;
}

export function resolveLossOptions(o: LossOptions): ResolvedLossOptions {
  return {
    losses: o.losses,
    beta: o.beta ?? 0.1,
    labelSmoothing: o.labelSmoothing ?? 0,
    fDivergence: o.fDivergence ?? 'reverse_kl',
    fAlpha: o.fAlpha ?? 1,
    discopopTau: o.discopopTau ?? 0.05,
    batchSize: o.batchSize ?? 8,
    bcoRunningMean: o.bcoRunningMean ?? true,
    ratingBeta: o.ratingBeta ?? 1,
    ratingVariance: o.ratingVariance ?? 1,
    odpoAlpha: o.odpoAlpha ?? 1,
    bcoRunningState: o.bcoRunningState ?? { sum: 0, batches: 0 },
  };
}

function viewOf(x: Column<Float64Array>): Float64Array {
  return isResident(x) ? x.view() : x;
}

const COLUMN_NAMES = ['policyChosen', 'policyRejected', 'referenceChosen', 'referenceRejected'] as const;

export function guardLosses(k: LossesKernels): LossesKernels {
  return {
    dpoLosses(columns, options) {
      if (columns === null || typeof columns !== 'object') throw new TypeError('pairsmith: columns must be an object');
      if (options === null || typeof options !== 'object') throw new TypeError('pairsmith: options must be an object');
      for (const name of COLUMN_NAMES) assertArray(columns[name], `columns.${name}`, Float64Array);
      const n = columns.policyChosen.length;
      for (const name of [...COLUMN_NAMES, 'chosenLength', 'rejectedLength', 'gap'] as const) {
        const col = columns[name];
        if (col === undefined) continue;
        assertArray(col, `columns.${name}`, Float64Array);
        if (col.length !== n) throw new RangeError(`pairsmith: columns.${name} has length ${col.length}, expected ${n}`);
      }
      for (const name of COLUMN_NAMES) {
        const v = viewOf(columns[name]);
        for (let i = 0; i < v.length; i++) {
          if (!Number.isFinite(v[i])) throw new RangeError(`pairsmith: columns.${name}[${i}] is ${v[i]}; log-probs must be finite`);
        }
      }
      for (const name of ['chosenLength', 'rejectedLength'] as const) {
        if (columns[name] === undefined) continue;
        const v = viewOf(columns[name]);
        for (let i = 0; i < v.length; i++) {
          if (!(Number.isFinite(v[i]) && v[i]! >= 0)) throw new RangeError(`pairsmith: columns.${name}[${i}] is ${v[i]}; token counts must be finite and >= 0`);
        }
      }
      const o = resolveLossOptions(options);
      if (!Array.isArray(o.losses) || o.losses.length === 0) throw new RangeError('pairsmith: options.losses must name at least one loss type');
      const seen = new Set<string>();
      for (const t of o.losses) {
        if (!(LOSS_TYPES as readonly string[]).includes(t)) {
          throw new RangeError(`pairsmith: options.losses: unknown loss type '${String(t)}' (use ${LOSS_TYPES.join(', ')})`);
        }
        if (seen.has(t)) throw new RangeError(`pairsmith: options.losses: '${t}' is listed twice`);
        seen.add(t);
      }
      assertNumber(o.beta, 'options.beta', Number.MIN_VALUE);
      assertNumber(o.labelSmoothing, 'options.labelSmoothing', 0, 0.5);
      if (o.labelSmoothing >= 0.5) throw new RangeError('pairsmith: options.labelSmoothing must be < 0.5 (robust divides by 1 - 2 eps)');
      if (!(F_DIVERGENCES as readonly string[]).includes(o.fDivergence)) {
        throw new RangeError(`pairsmith: options.fDivergence must be one of ${F_DIVERGENCES.join(', ')}, got '${String(o.fDivergence)}'`);
      }
      assertNumber(o.fAlpha, 'options.fAlpha');
      assertNumber(o.discopopTau, 'options.discopopTau', Number.MIN_VALUE);
      assertNumber(o.batchSize, 'options.batchSize', 1, 2 ** 31 - 1);
      if (!Number.isInteger(o.batchSize)) throw new RangeError(`pairsmith: options.batchSize must be an integer, got ${o.batchSize}`);
      if (typeof o.bcoRunningMean !== 'boolean') throw new TypeError('pairsmith: options.bcoRunningMean must be a boolean');
      assertNumber(o.ratingBeta, 'options.ratingBeta', Number.MIN_VALUE);
      assertNumber(o.ratingVariance, 'options.ratingVariance', Number.MIN_VALUE);
      assertNumber(o.odpoAlpha, 'options.odpoAlpha', 0);
      const st = o.bcoRunningState;
      if (st === null || typeof st !== 'object') throw new TypeError('pairsmith: options.bcoRunningState must be { sum, batches }');
      assertNumber(st.sum, 'options.bcoRunningState.sum');
      assertNumber(st.batches, 'options.bcoRunningState.batches', 0);
      if (!Number.isInteger(st.batches)) throw new RangeError(`pairsmith: options.bcoRunningState.batches must be an integer, got ${st.batches}`);
      const needsGap = o.losses.filter((t) => RATING_LOSSES.includes(t));
      if (needsGap.length > 0 && columns.gap === undefined) {
        throw new RangeError(`pairsmith: columns.gap is required for ${needsGap.join(', ')}`);
      }
      if (columns.gap !== undefined) {
        const g = viewOf(columns.gap);
        const odpo = o.losses.includes('odpo');
        for (let i = 0; i < g.length; i++) {
          const v = g[i]!;
          if (v === Infinity || v === -Infinity) throw new RangeError(`pairsmith: columns.gap[${i}] is ${v}; use NaN for a missing rating`);
          if (odpo && v <= 0) throw new RangeError(`pairsmith: columns.gap[${i}] is ${v}; odpo takes log(gap) and needs gaps > 0`);
        }
      }
      return k.dpoLosses(columns, o);
    },
  };
}

const F_CODE: Record<FDivergence, number> = { reverse_kl: 0, forward_kl: 1, js_divergence: 2, alpha_divergence: 3 };

export function bindLosses(ctx: WasmContext): LossesKernels {
  return {
    dpoLosses(columns, options) {
      const o = resolveLossOptions(options);
      const n = columns.policyChosen.length;
      const k = o.losses.length;
      return ctx.run((s) => {
        const present = [columns.chosenLength, columns.rejectedLength, columns.gap].filter((c) => c !== undefined);
        const ptrs = s.inputs(columns.policyChosen, columns.policyRejected, columns.referenceChosen, columns.referenceRejected, ...present);
        let next = 4;
        const nw = columns.chosenLength !== undefined ? ptrs[next++]! : 0;
        const nl = columns.rejectedLength !== undefined ? ptrs[next++]! : 0;
        const gap = columns.gap !== undefined ? ptrs[next++]! : 0;
        const types = s.input(Int32Array.from(o.losses, (t) => LOSS_TYPES.indexOf(t)));
        const params = s.input(
          Float64Array.from([
            o.beta,
            o.labelSmoothing,
            F_CODE[o.fDivergence],
            o.fAlpha,
            o.discopopTau,
            o.batchSize,
            o.bcoRunningMean ? 1 : 0,
            o.ratingBeta,
            o.ratingVariance,
            o.odpoAlpha,
            o.bcoRunningState.sum,
            o.bcoRunningState.batches,
          ]),
        );
        const cap = Math.max(1, Math.min(o.batchSize, n));
        const scratch = s.alloc(cap * 3 * 8 + cap * 2 * 4);
        const lossPtr = s.array(Float64Array, k * n);
        const gcPtr = s.array(Float64Array, k * n);
        const grPtr = s.array(Float64Array, k * n);
        const rewPtr = s.array(Float64Array, 3 * n);
        const status = ctx.raw.dpoLossesF64(
          ptrs[0]!, ptrs[1]!, ptrs[2]!, ptrs[3]!, nw, nl, gap, n, types, k, params,
          lossPtr, gcPtr, grPtr, rewPtr, rewPtr + 8 * n, rewPtr + 16 * n, scratch,
        );
        check('dpoLosses', status);
        const all = ctx.read(Float64Array, lossPtr, k * n);
        const gcs = ctx.read(Float64Array, gcPtr, k * n);
        const grs = ctx.read(Float64Array, grPtr, k * n);
        const rew = ctx.read(Float64Array, rewPtr, 3 * n);
        const result: LossResult = {
          loss: {},
          gradChosen: {},
          gradRejected: {},
          chosenReward: rew.subarray(0, n),
          rejectedReward: rew.subarray(n, 2 * n),
          margin: rew.subarray(2 * n, 3 * n),
        };
        if (o.losses.includes('bco_pair') && o.bcoRunningMean) {
          const state = ctx.read(Float64Array, params + 10 * 8, 2);
          result.bcoRunningState = { sum: state[0]!, batches: state[1]! };
        }
        o.losses.forEach((t, j) => {
          result.loss[t] = all.subarray(j * n, (j + 1) * n);
          result.gradChosen[t] = gcs.subarray(j * n, (j + 1) * n);
          result.gradRejected[t] = grs.subarray(j * n, (j + 1) * n);
        });
        return result;
      });
    },
  };
}
