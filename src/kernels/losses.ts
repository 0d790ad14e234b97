// DPO-family losses: the table of loss types (what each needs of a row), the options with their defaults and TRL
// presets, API types, argument checks and the WASM binding of assembly/kernels/losses.ts. A new loss is one entry in
// LOSSES here, one in the kernel's table and one in the twin's (src/reference/losses.ts), plus its test.
import type { WasmContext } from '../wasm/context.js';
import type { EngineTag } from '../wasm/resident.js';
import { isResident } from '../wasm/resident.js';
import type { Column } from './types.js';
import { assertChoice, assertNumber, ColumnCheck } from './validate.js';

/**
 * What a loss needs of a row's rating gap: nothing, a gap when there is one (ml-rdpo keeps its ranking term
 * without), a gap, or a gap > 0 (odpo takes its log). A row that does not have it gets NaN for that loss.
 */
type GapNeed = 'none' | 'optional' | 'required' | 'positive';

/** Every loss type (key order is the order of LOSS_TYPES), with what it needs of a row. */
const LOSSES = {
  sigmoid: { gap: 'none' },
  robust: { gap: 'none' },
  hinge: { gap: 'none' },
  ipo: { gap: 'none' },
  exo_pair: { gap: 'none' },
  nca_pair: { gap: 'none' },
  sppo_hard: { gap: 'none' },
  apo_zero: { gap: 'none' },
  apo_down: { gap: 'none' },
  discopop: { gap: 'none' },
  bco_pair: { gap: 'none' },
  aot: { gap: 'none' },
  aot_unpaired: { gap: 'none' },
  sft: { gap: 'none' },
  sigmoid_norm: { gap: 'none' },
  rdpo: { gap: 'required' },
  ripo: { gap: 'required' },
  'ml-rdpo': { gap: 'optional' },
  odpo: { gap: 'positive' },
} as const satisfies Record<string, { gap: GapNeed }>;

export type LossType = keyof typeof LOSSES;

/** Every loss type. */
export const LOSS_TYPES = Object.keys(LOSSES) as readonly LossType[];

/** Loss types that use a rating gap per row. */
export const RATING_LOSSES: readonly LossType[] = LOSS_TYPES.filter((t) => LOSSES[t].gap !== 'none');

/** Why a loss cannot use a row. */
export type InvalidReason = 'no_rating' | 'gap_not_positive';

/** Why loss `type` cannot use a row with rating gap `gap` (NaN = no rating), or undefined when it can. */
export function lossInvalidReason(type: LossType, gap: number): InvalidReason | undefined {
  const need: GapNeed = LOSSES[type].gap;
  if (need === 'none' || need === 'optional') return undefined;
  if (Number.isNaN(gap)) return 'no_rating';
  return need === 'positive' && !(gap > 0) ? 'gap_not_positive' : undefined;
}

export const F_DIVERGENCES = ['reverse_kl', 'forward_kl', 'js_divergence', 'alpha_divergence'] as const;
export type FDivergence = (typeof F_DIVERGENCES)[number];

/** The TRL versions whose definitions can be followed where they differ (see README "TRL versions"). */
export const TRL_VERSIONS = ['v0.28', 'v1'] as const;
export type TrlVersion = (typeof TRL_VERSIONS)[number];

/**
 * Per-row inputs, all Float64Array (or resident Float64Array buffers) of one length n.
 * Log-probs are sequence sums over completion tokens (finite, with finite log-ratios and rewards). Lengths are
 * completion token counts (>= 0, clamped to >= 1 where divided by); without them every count is 1. `gap` is the
 * rating gap score_chosen - score_rejected; NaN marks a row without a rating.
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
  /**
   * Whose definitions to follow where TRL versions differ: 'v0.28' (default) or 'v1'. v1: `sigmoid` ignores label
   * smoothing, `bco_pair` has no running mean, `fAlpha` is v1's alpha (default 0.5), the f-divergence enters every
   * loss that uses the scores, `ipo`/`sigmoid_norm` divide the scores by the token counts, and exo_pair needs
   * labelSmoothing > 0.
   */
  trl?: TrlVersion;
  /** DPO beta (> 0). Default 0.1. */
  beta?: number;
  /** Label smoothing epsilon in [0, 0.5): robust, exo_pair, aot*, and (TRL v0.28) cDPO for sigmoid. Default 0. */
  labelSmoothing?: number;
  /** f-DPO divergence of the DPO logit. Default reverse_kl (plain DPO). */
  fDivergence?: FDivergence;
  /**
   * alpha_divergence's coefficient: TRL v0.28's a (logit (e^{-a r} - e^{-a c}) / a; default 1) or, with trl 'v1',
   * v1's alpha (scores e^{(alpha-1) u} / (alpha-1); default 0.5). The two are the same family with a = 1 - alpha.
   */
  fAlpha?: number;
  /** DiscoPOP temperature (> 0). Default 0.05. */
  discopopTau?: number;
  /** Rows per batch for batch-coupled losses (bco_pair running mean, aot, aot_unpaired, sft). Default 8. */
  batchSize?: number;
  /** bco_pair subtracts the running mean of batch reward means. Default: true under TRL v0.28, false under v1. */
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

/** The options with every default filled in (what a run's manifest records). */
export type LossSettings = Required<LossOptions>;

/** The one home of the loss options' defaults (the CLI's defaults are these). */
export const LOSS_DEFAULTS = {
  trl: 'v0.28',
  beta: 0.1,
  labelSmoothing: 0,
  fDivergence: 'reverse_kl',
  discopopTau: 0.05,
  batchSize: 8,
  ratingBeta: 1,
  ratingVariance: 1,
  odpoAlpha: 1,
} as const satisfies Partial<LossSettings>;

/** The defaults that follow the TRL version. */
export const TRL_DEFAULTS = {
  'v0.28': { fAlpha: 1, bcoRunningMean: true },
  v1: { fAlpha: 0.5, bcoRunningMean: false },
} as const satisfies Record<TrlVersion, Partial<LossSettings>>;

/** Fills in the defaults (those of the chosen TRL version where they differ); no checks. */
export function resolveLossOptions(o: LossOptions): LossSettings {
  const trl = o.trl ?? LOSS_DEFAULTS.trl;
  const byVersion = TRL_DEFAULTS[trl] ?? TRL_DEFAULTS[LOSS_DEFAULTS.trl];
  return {
    losses: o.losses,
    trl,
    beta: o.beta ?? LOSS_DEFAULTS.beta,
    labelSmoothing: o.labelSmoothing ?? LOSS_DEFAULTS.labelSmoothing,
    fDivergence: o.fDivergence ?? LOSS_DEFAULTS.fDivergence,
    fAlpha: o.fAlpha ?? byVersion.fAlpha,
    discopopTau: o.discopopTau ?? LOSS_DEFAULTS.discopopTau,
    batchSize: o.batchSize ?? LOSS_DEFAULTS.batchSize,
    bcoRunningMean: o.bcoRunningMean ?? byVersion.bcoRunningMean,
    ratingBeta: o.ratingBeta ?? LOSS_DEFAULTS.ratingBeta,
    ratingVariance: o.ratingVariance ?? LOSS_DEFAULTS.ratingVariance,
    odpoAlpha: o.odpoAlpha ?? LOSS_DEFAULTS.odpoAlpha,
    bcoRunningState: o.bcoRunningState ?? { sum: 0, batches: 0 },
  };
}

/** How a log-ratio u becomes an f-DPO score s(u): u, log sigmoid(u), or -exp(-a u)/a with the exponent capped. */
const SCORE_KINDS = ['identity', 'logSigmoid', 'alpha'] as const;
export type ScoreKind = (typeof SCORE_KINDS)[number];

/** TRL v0.28's cap_exp (log of the largest float32, floored to 4 decimals) and TRL v1's clamp of the exponent. */
const SCORE_CAP: Record<TrlVersion, number> = { 'v0.28': 88.7228, v1: 80 };

/**
 * The options as both backends take them: the TRL version resolved into what the formulas need. Every field but
 * `losses` and `bcoRunningState` is a number or flag the kernel reads as such.
 */
export interface ResolvedLossOptions {
  losses: readonly LossType[];
  beta: number;
  /** epsilon of robust, aot and aot_unpaired. */
  labelSmoothing: number;
  /** epsilon of sigmoid (cDPO): labelSmoothing under TRL v0.28, 0 under v1. */
  sigmoidSmoothing: number;
  /** epsilon of exo_pair: labelSmoothing, or 1e-3 for 0 under TRL v0.28. */
  exoSmoothing: number;
  /** The f-DPO score s(u) of the log-ratios. */
  score: ScoreKind;
  /** a of the alpha score -exp(-a u)/a (forward_kl: 1; TRL v1's alpha: 1 - alpha). */
  scoreAlpha: number;
  /** Cap of the alpha score's exponent -a u. */
  scoreCap: number;
  /** The scores enter nca_pair, bco_pair, sppo_hard, apo_down and discopop too (TRL v1); else the logit losses only. */
  scoreAll: boolean;
  /** ipo/sigmoid_norm divide the scores by the token counts, s(c)/n (TRL v1); else score per-token log-ratios s(c/n). */
  normalizeScores: boolean;
  discopopTau: number;
  batchSize: number;
  bcoRunningMean: boolean;
  ratingBeta: number;
  ratingVariance: number;
  odpoAlpha: number;
  bcoRunningState: BcoRunningState;
}

/** The kernels' options of checked settings. */
function kernelOptions(s: LossSettings): ResolvedLossOptions {
  const v1 = s.trl === 'v1';
  const a = v1 ? 1 - s.fAlpha : s.fAlpha;
  const f = s.fDivergence;
  const alpha = f === 'forward_kl' || (f === 'alpha_divergence' && Math.abs(a) >= 1e-6);
  return {
    losses: s.losses,
    beta: s.beta,
    labelSmoothing: s.labelSmoothing,
    sigmoidSmoothing: v1 ? 0 : s.labelSmoothing,
    exoSmoothing: s.labelSmoothing > 0 ? s.labelSmoothing : 1e-3,
    score: alpha ? 'alpha' : f === 'js_divergence' ? 'logSigmoid' : 'identity',
    scoreAlpha: f === 'forward_kl' ? 1 : alpha ? a : 1,
    scoreCap: SCORE_CAP[s.trl],
    scoreAll: v1,
    normalizeScores: v1,
    discopopTau: s.discopopTau,
    batchSize: s.batchSize,
    bcoRunningMean: s.bcoRunningMean,
    ratingBeta: s.ratingBeta,
    ratingVariance: s.ratingVariance,
    odpoAlpha: s.odpoAlpha,
    bcoRunningState: s.bcoRunningState,
  };
}

export interface LossResult {
  /** Per-row loss of each requested type (NaN where the loss cannot use the row: see lossInvalidReason). */
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
   * see README "Losses"). Columns: Float64Array of equal length. Throws TypeError for wrong kinds, RangeError for
   * unequal lengths, non-finite log-probs, log-ratios or rewards (naming the row), or bad options. A row a loss
   * cannot use (a rating loss without a usable gap) gets NaN for that loss only.
   * O(n * losses) plus O(b log b) per batch of b rows for aot/aot_unpaired.
   */
  dpoLosses(columns: LossColumns, options: LossOptions): LossResult;
}

/** What the WASM binding and the JS twin implement (columns checked, options resolved). */
export interface LossesBackend {
  dpoLosses(columns: LossColumns, options: ResolvedLossOptions): LossResult;
}

function viewOf(x: Column<Float64Array>): Float64Array {
  return isResident(x) ? x.view() : x;
}

const LOGP_COLUMNS = ['policyChosen', 'policyRejected', 'referenceChosen', 'referenceRejected'] as const;
const OPTIONAL_COLUMNS = ['chosenLength', 'rejectedLength', 'gap'] as const;
const ALL_COLUMNS = [...LOGP_COLUMNS, ...OPTIONAL_COLUMNS];

/** Checks the settings (and the options they came from); throws RangeError/TypeError naming the option. */
function checkSettings(o: LossSettings): void {
  if (!Array.isArray(o.losses) || o.losses.length === 0) throw new RangeError('pairsmith: options.losses must name at least one loss type');
  const seen = new Set<string>();
  for (const t of o.losses) {
    if (!Object.hasOwn(LOSSES, t)) throw new RangeError(`pairsmith: options.losses: unknown loss type '${String(t)}' (use ${LOSS_TYPES.join(', ')})`);
    if (seen.has(t)) throw new RangeError(`pairsmith: options.losses: '${t}' is listed twice`);
    seen.add(t);
  }
  assertChoice(o.trl, 'options.trl', TRL_VERSIONS);
  assertNumber(o.beta, 'options.beta', Number.MIN_VALUE);
  assertNumber(o.labelSmoothing, 'options.labelSmoothing', 0, 0.5);
  if (o.labelSmoothing >= 0.5) throw new RangeError('pairsmith: options.labelSmoothing must be < 0.5 (robust divides by 1 - 2 eps)');
  if (o.trl === 'v1' && o.labelSmoothing === 0 && o.losses.includes('exo_pair')) {
    throw new RangeError('pairsmith: exo_pair needs options.labelSmoothing > 0 under TRL v1 (v0.28 used 1e-3 for 0)');
  }
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
}

/**
 * Checks every row: finite log-probs, and log-ratios and rewards that do not overflow (a row with beta * c = inf
 * would otherwise turn bco_pair's running mean and the batch statistics of every later row into NaN).
 */
function checkRows(columns: LossColumns, beta: number): void {
  const cols = LOGP_COLUMNS.map((name) => viewOf(columns[name]));
  cols.forEach((v, k) => {
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i])) throw new RangeError(`pairsmith: columns.${LOGP_COLUMNS[k]}[${i}] is ${v[i]}; log-probs must be finite`);
    }
  });
  const [pc, pr, rc, rr] = cols as [Float64Array, Float64Array, Float64Array, Float64Array];
  for (let i = 0; i < pc.length; i++) {
    const c = pc[i]! - rc[i]!;
    const r = pr[i]! - rr[i]!;
    if (!Number.isFinite(beta * c) || !Number.isFinite(beta * r) || !Number.isFinite(beta * (c - r))) {
      throw new RangeError(
        `pairsmith: row ${i}: the log-ratios (chosen ${c}, rejected ${r}) give a non-finite reward or margin at beta ${beta}; rewards must be finite`,
      );
    }
  }
}

export function guardLosses(b: LossesBackend, owner: EngineTag | null): LossesKernels {
  const check = new ColumnCheck('dpoLosses', owner);
  return {
    dpoLosses(columns, options) {
      if (columns === null || typeof columns !== 'object') throw new TypeError('pairsmith: columns must be an object');
      if (options === null || typeof options !== 'object') throw new TypeError('pairsmith: options must be an object');
      for (const name of LOGP_COLUMNS) check.column(columns[name], `columns.${name}`, Float64Array);
      const n = columns.policyChosen.length;
      for (const name of ALL_COLUMNS) {
        if (columns[name] !== undefined) check.sized(columns[name], `columns.${name}`, n, Float64Array);
      }
      const s = resolveLossOptions(options);
      checkSettings(s);
      checkRows(columns, s.beta);
      for (const name of ['chosenLength', 'rejectedLength'] as const) {
        if (columns[name] === undefined) continue;
        const v = viewOf(columns[name]);
        for (let i = 0; i < v.length; i++) {
          if (!(Number.isFinite(v[i]) && v[i]! >= 0)) throw new RangeError(`pairsmith: columns.${name}[${i}] is ${v[i]}; token counts must be finite and >= 0`);
        }
      }
      const needsGap = s.losses.filter((t) => LOSSES[t].gap !== 'none');
      if (needsGap.length > 0 && columns.gap === undefined) throw new RangeError(`pairsmith: columns.gap is required for ${needsGap.join(', ')}`);
      if (columns.gap !== undefined) {
        const g = viewOf(columns.gap);
        for (let i = 0; i < g.length; i++) {
          if (g[i] === Infinity || g[i] === -Infinity) throw new RangeError(`pairsmith: columns.gap[${i}] is ${g[i]}; use NaN for a missing rating`);
        }
      }
      return b.dpoLosses(columns, kernelOptions(s));
    },
  };
}

interface LossExports {
  dpoLossesF64(args: number): number;
  dpoLossesScratchBytes(n: number, batchSize: number): number;
}

const DPO_ARGS = [
  'policyChosen', 'policyRejected', 'referenceChosen', 'referenceRejected', 'chosenLength', 'rejectedLength', 'gap', 'rows',
  'types', 'typeCount',
  'beta', 'labelSmoothing', 'sigmoidSmoothing', 'exoSmoothing', 'score', 'scoreAlpha', 'scoreCap', 'scoreAll', 'normalizeScores',
  'discopopTau', 'batchSize', 'bcoRunningMean', 'ratingBeta', 'ratingVariance', 'odpoAlpha',
  'bcoSum', 'bcoBatches',
  'loss', 'gradChosen', 'gradRejected', 'chosenReward', 'rejectedReward', 'margin', 'scratch',
] as const;

export function bindLosses(ctx: WasmContext): LossesBackend {
  const raw = ctx.abi.functions<LossExports>({ dpoLossesF64: true, dpoLossesScratchBytes: true });
  const code = ctx.abi.codes('Loss', LOSS_TYPES);
  const scoreCode = ctx.abi.codes('Score', SCORE_KINDS);
  const args = ctx.abi.block('DpoLossesArg', DPO_ARGS);
  return {
    dpoLosses(columns, o) {
      const n = columns.policyChosen.length;
      const k = o.losses.length;
      return ctx.run((s) => {
        const { chosenLength, rejectedLength, gap } = columns;
        const present = [chosenLength, rejectedLength, gap].filter((c) => c !== undefined);
        const [pc, pr, rc, rr, ...rest] = s.inputs(columns.policyChosen, columns.policyRejected, columns.referenceChosen, columns.referenceRejected, ...present);
        const optional = (c: unknown): number => (c === undefined ? 0 : rest.shift()!);
        const [nw, nl, gp] = [optional(chosenLength), optional(rejectedLength), optional(gap)];
        const types = s.input(Int32Array.from(o.losses, (t) => code[t]));
        const scratch = s.alloc(raw.dpoLossesScratchBytes(n, o.batchSize));
        const loss = s.array(Float64Array, k * n);
        const gradChosen = s.array(Float64Array, k * n);
        const gradRejected = s.array(Float64Array, k * n);
        const rewards = s.array(Float64Array, 3 * n);
        const block = args.write({
          policyChosen: pc!, policyRejected: pr!, referenceChosen: rc!, referenceRejected: rr!,
          chosenLength: nw, rejectedLength: nl, gap: gp, rows: n, types, typeCount: k,
          beta: o.beta, labelSmoothing: o.labelSmoothing, sigmoidSmoothing: o.sigmoidSmoothing, exoSmoothing: o.exoSmoothing,
          score: scoreCode[o.score], scoreAlpha: o.scoreAlpha, scoreCap: o.scoreCap, scoreAll: o.scoreAll ? 1 : 0,
          normalizeScores: o.normalizeScores ? 1 : 0, discopopTau: o.discopopTau, batchSize: o.batchSize,
          bcoRunningMean: o.bcoRunningMean ? 1 : 0, ratingBeta: o.ratingBeta, ratingVariance: o.ratingVariance, odpoAlpha: o.odpoAlpha,
          bcoSum: o.bcoRunningState.sum, bcoBatches: o.bcoRunningState.batches,
          loss, gradChosen, gradRejected, chosenReward: rewards, rejectedReward: rewards + 8 * n, margin: rewards + 16 * n, scratch,
        });
        ctx.check('dpoLosses', raw.dpoLossesF64(block));
        const all = ctx.read(Float64Array, loss, k * n);
        const gcs = ctx.read(Float64Array, gradChosen, k * n);
        const grs = ctx.read(Float64Array, gradRejected, k * n);
        const rew = ctx.read(Float64Array, rewards, 3 * n);
        const result: LossResult = {
          loss: {},
          gradChosen: {},
          gradRejected: {},
          chosenReward: rew.subarray(0, n),
          rejectedReward: rew.subarray(n, 2 * n),
          margin: rew.subarray(2 * n, 3 * n),
        };
        if (o.losses.includes('bco_pair') && o.bcoRunningMean) {
          result.bcoRunningState = { sum: args.read('bcoSum'), batches: args.read('bcoBatches') };
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
