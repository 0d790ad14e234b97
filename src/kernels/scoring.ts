// Sequence scoring: token log-probs -> per-sequence log-probs and DPO implicit rewards. API types, argument
// checks and the WASM binding (assembly/kernels/scoring.ts). Layout is CSR: sequence g holds tokens
// [offsets[g], offsets[g+1]) and offsets is an Int32Array of length sequences + 1.
import type { WasmContext } from '../wasm/context.js';
import type { EngineTag } from '../wasm/resident.js';
import type { Column, FloatArray } from './types.js';
import { assertChoice, assertNumber, assertOptions, ColumnCheck, elementType, isF32 } from './validate.js';

export type Reduce = 'sum' | 'mean';

export interface SequenceLogpsOptions {
  /** `sum` (default): sum of the counted tokens; `mean`: divided by their count clamped to >= 1. */
  reduce?: Reduce;
  /** Uint8Array of one byte per token: a token counts when its byte is non-zero (prompt/padding = 0). */
  mask?: Column<Uint8Array>;
}

export interface ImplicitRewardsOptions extends SequenceLogpsOptions {
  /** The DPO beta (finite). Use 1 for the raw log-ratio (the implicit margin of selection.md 2.3). */
  beta: number;
}

export interface SequenceRewardsOptions {
  /** The DPO beta (finite). */
  beta: number;
}

export interface ScoringKernels {
  /**
   * Per-sequence log-prob: out[g] = sum (or mean) of tokenLogps over sequence g, in f64 (f32 tokens are widened
   * before any arithmetic). A NaN/Inf among the counted tokens makes that sequence's value non-finite (IEEE);
   * masked-out tokens are ignored whatever they hold. An empty sequence gives 0.
   * Shapes: tokenLogps (n), offsets (groups + 1, ending at n), mask (n); out (groups), may be resident.
   * Errors: TypeError (kinds), RangeError (offsets, lengths, reduce). O(n).
   */
  sequenceLogps(tokenLogps: Column<FloatArray>, offsets: Column<Int32Array>, options?: SequenceLogpsOptions, out?: Column<Float64Array>): Float64Array;
  /**
   * DPO implicit reward per sequence of token log-probs, in one fused pass: out[g] = beta * sum_t (policy_t -
   * reference_t) (`reduce: 'mean'`: beta times the per-token mean, the length-normalised form). Each difference is
   * taken after widening to f64. Both token columns must have the same dtype and length; out (groups).
   * Non-finite inputs propagate (IEEE). Errors: TypeError (kinds, mixed dtypes), RangeError (shapes, beta). O(n).
   */
  implicitRewards(
    policy: Column<FloatArray>,
    reference: Column<FloatArray>,
    offsets: Column<Int32Array>,
    options: ImplicitRewardsOptions,
    out?: Column<Float64Array>,
  ): Float64Array;
  /**
   * @deprecated The per-sequence form is `sequenceRewards(policy, reference, { beta }, out?)`. Kept only until
   * src/pipeline/group-engine.ts calls sequenceRewards; it forwards there.
   */
  implicitRewards(policy: Column<FloatArray>, reference: Column<FloatArray>, options: SequenceRewardsOptions, out?: Column<Float64Array>): Float64Array;
  /**
   * DPO implicit reward of per-sequence (already summed) log-probs: out[i] = beta * (policy[i] - reference[i]),
   * widened to f64 first. Same dtype and length for both; out (n). Non-finite inputs propagate (IEEE). O(n).
   */
  sequenceRewards(policy: Column<FloatArray>, reference: Column<FloatArray>, options: SequenceRewardsOptions, out?: Column<Float64Array>): Float64Array;
}

/** Token options after the checks: reduce decided, mask checked. */
export interface ResolvedSequenceOptions {
  reduce: Reduce;
  mask: Column<Uint8Array> | undefined;
}

/** What the WASM binding and the JS twin implement (arguments checked, options resolved, no overloads). */
export interface ScoringBackend {
  sequenceLogps(tokenLogps: Column<FloatArray>, offsets: Column<Int32Array>, options: ResolvedSequenceOptions, out?: Column<Float64Array>): Float64Array;
  implicitRewards(
    policy: Column<FloatArray>,
    reference: Column<FloatArray>,
    offsets: Column<Int32Array>,
    options: ResolvedSequenceOptions & SequenceRewardsOptions,
    out?: Column<Float64Array>,
  ): Float64Array;
  sequenceRewards(policy: Column<FloatArray>, reference: Column<FloatArray>, options: SequenceRewardsOptions, out?: Column<Float64Array>): Float64Array;
}

export function guardScoring(b: ScoringBackend, owner: EngineTag | null): ScoringKernels {
  const seqLogps = new ColumnCheck('sequenceLogps', owner);
  const rewards = new ColumnCheck('implicitRewards', owner);
  const seqRewards = new ColumnCheck('sequenceRewards', owner);

  /** Checks token options against n tokens and resolves them. */
  function tokenOptions(c: ColumnCheck, o: SequenceLogpsOptions | undefined, n: number): ResolvedSequenceOptions {
    assertOptions(o, 'options');
    assertChoice(o?.reduce, 'options.reduce', ['sum', 'mean']);
    if (o?.mask !== undefined) {
      c.column(o.mask, 'options.mask', Uint8Array);
      if (o.mask.length !== n) throw new RangeError(`pairsmith: options.mask has length ${o.mask.length}, expected ${n} (one byte per token)`);
    }
    return { reduce: o?.reduce ?? 'sum', mask: o?.mask };
  }

  /** Checks a policy/reference pair: float columns of one dtype and one length. */
  function pair(c: ColumnCheck, p: unknown, r: unknown): void {
    c.column(p, 'policy', Float32Array, Float64Array);
    c.column(r, 'reference', Float32Array, Float64Array);
    if (elementType(p) !== elementType(r)) {
      throw new TypeError(`pairsmith: policy and reference must have the same dtype, got ${elementType(p)!.name} and ${elementType(r)!.name}`);
    }
    const [np, nr] = [(p as FloatArray).length, (r as FloatArray).length];
    if (np !== nr) throw new RangeError(`pairsmith: policy has length ${np} but reference has ${nr}`);
  }

  function sequenceRewards(p: Column<FloatArray>, r: Column<FloatArray>, options: SequenceRewardsOptions, out?: Column<Float64Array>): Float64Array {
    pair(seqRewards, p, r);
    if (options === undefined) throw new TypeError('pairsmith: sequenceRewards needs options { beta }');
    assertOptions(options, 'options');
    assertNumber(options.beta, 'options.beta');
    const tokenOnly = options as SequenceLogpsOptions;
    if (tokenOnly.reduce !== undefined || tokenOnly.mask !== undefined) {
      throw new RangeError('pairsmith: options.reduce and options.mask need token offsets (implicitRewards); sequenceRewards takes per-sequence log-probs');
    }
    if (out !== undefined) seqRewards.sized(out, 'out', p.length, Float64Array);
    return b.sequenceRewards(p, r, { beta: options.beta }, out);
  }

  return {
    sequenceLogps(x, offsets, options, out) {
      seqLogps.column(x, 'tokenLogps', Float32Array, Float64Array);
      seqLogps.offsets(offsets, x.length);
      const o = tokenOptions(seqLogps, options, x.length);
      if (out !== undefined) seqLogps.sized(out, 'out', offsets.length - 1, Float64Array);
      return b.sequenceLogps(x, offsets, o, out);
    },
    implicitRewards(
      p: Column<FloatArray>,
      r: Column<FloatArray>,
      third: Column<Int32Array> | SequenceRewardsOptions,
      fourth?: ImplicitRewardsOptions | Column<Float64Array>,
      out?: Column<Float64Array>,
    ): Float64Array {
      if (elementType(third) !== Int32Array) {
        if (out !== undefined) throw new TypeError('pairsmith: implicitRewards without offsets takes (policy, reference, options, out?)');
        return sequenceRewards(p, r, third as SequenceRewardsOptions, fourth as Column<Float64Array> | undefined);
      }
      const offsets = third as Column<Int32Array>;
      const options = fourth as ImplicitRewardsOptions | undefined;
      pair(rewards, p, r);
      if (options === undefined) throw new TypeError('pairsmith: implicitRewards needs options { beta }');
      const o = tokenOptions(rewards, options, p.length);
      assertNumber(options.beta, 'options.beta');
      rewards.offsets(offsets, p.length);
      if (out !== undefined) rewards.sized(out, 'out', offsets.length - 1, Float64Array);
      // built field by field: an object spread here costs V8 microseconds per call (measured)
      return b.implicitRewards(p, r, offsets, { reduce: o.reduce, mask: o.mask, beta: options.beta }, out);
    },
    sequenceRewards,
  };
}

interface ScoringExports {
  sequenceLogpsF32(xPtr: number, offPtr: number, groups: number, maskPtr: number, mean: number, outPtr: number): number;
  sequenceLogpsF64(xPtr: number, offPtr: number, groups: number, maskPtr: number, mean: number, outPtr: number): number;
  implicitRewardsF32(pPtr: number, rPtr: number, offPtr: number, groups: number, maskPtr: number, mean: number, beta: number, outPtr: number): number;
  implicitRewardsF64(pPtr: number, rPtr: number, offPtr: number, groups: number, maskPtr: number, mean: number, beta: number, outPtr: number): number;
  sequenceRewardsF32(pPtr: number, rPtr: number, n: number, beta: number, outPtr: number): void;
  sequenceRewardsF64(pPtr: number, rPtr: number, n: number, beta: number, outPtr: number): void;
}

export function bindScoring(ctx: WasmContext): ScoringBackend {
  const raw = ctx.abi.functions<ScoringExports>({
    sequenceLogpsF32: true,
    sequenceLogpsF64: true,
    implicitRewardsF32: true,
    implicitRewardsF64: true,
    sequenceRewardsF32: true,
    sequenceRewardsF64: true,
  });
  return {
    sequenceLogps(x, offsets, options, out) {
      const groups = offsets.length - 1;
      return ctx.run((s) => {
        const [tokens, offs, mask = 0] = options.mask === undefined ? s.inputs(x, offsets) : s.inputs(x, offsets, options.mask);
        const o = ctx.output(s, Float64Array, groups, out);
        const mean = options.reduce === 'mean' ? 1 : 0;
        ctx.check('sequenceLogps', (isF32(x) ? raw.sequenceLogpsF32 : raw.sequenceLogpsF64)(tokens!, offs!, groups, mask, mean, o.ptr));
        return o.finish();
      });
    },
    implicitRewards(p, r, offsets, options, out) {
      const groups = offsets.length - 1;
      return ctx.run((s) => {
        const [pol, ref, offs, mask = 0] = options.mask === undefined ? s.inputs(p, r, offsets) : s.inputs(p, r, offsets, options.mask);
        const o = ctx.output(s, Float64Array, groups, out);
        const mean = options.reduce === 'mean' ? 1 : 0;
        const fn = isF32(p) ? raw.implicitRewardsF32 : raw.implicitRewardsF64;
        ctx.check('implicitRewards', fn(pol!, ref!, offs!, groups, mask, mean, options.beta, o.ptr));
        return o.finish();
      });
    },
    sequenceRewards(p, r, options, out) {
      return ctx.run((s) => {
        const [pol, ref] = s.inputs(p, r);
        const o = ctx.output(s, Float64Array, p.length, out);
        (isF32(p) ? raw.sequenceRewardsF32 : raw.sequenceRewardsF64)(pol!, ref!, p.length, options.beta, o.ptr);
        return o.finish();
      });
    },
  };
}
