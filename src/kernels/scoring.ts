// Sequence scoring: token log-probs -> per-sequence log-probs and DPO implicit rewards. API types, argument
// checks and the WASM binding (assembly/kernels/scoring.ts). Layout is CSR: sequence g holds tokens
// [offsets[g], offsets[g+1]) and offsets is an Int32Array of length sequences + 1.
import type { WasmContext } from '../wasm/context.js';
import { isResident } from '../wasm/resident.js';
import { check } from '../wasm/abi.js';
import type { Column, FloatArray } from './types.js';
import { assertArray, assertNumber, assertOffsets, elementType } from './validate.js';

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
   * DPO implicit reward per sequence, in one fused pass: out[g] = beta * sum_t (policy_t - reference_t)
   * (`reduce: 'mean'`: beta times the per-token mean, the length-normalised form). Each difference is taken
   * after widening to f64. Both token columns must have the same dtype and length.
   * Per-sequence form: `implicitRewards(policySeq, referenceSeq, { beta })` (no offsets, already summed log-probs)
   * gives out[i] = beta * (policy[i] - reference[i]); `reduce: 'mean'` is rejected there (no token counts).
   * Non-finite inputs propagate (IEEE). Errors: TypeError (kinds, mixed dtypes), RangeError (shapes, beta). O(n).
   */
  implicitRewards(
    policy: Column<FloatArray>,
    reference: Column<FloatArray>,
    offsetsOrOptions: Column<Int32Array> | ImplicitRewardsOptions,
    options?: ImplicitRewardsOptions | Column<Float64Array>,
    out?: Column<Float64Array>,
  ): Float64Array;
}

function isF32(x: Column<FloatArray>): boolean {
  return elementType(x) === Float32Array;
}

function checkReduce(r: unknown, name: string): void {
  if (r !== undefined && r !== 'sum' && r !== 'mean') throw new RangeError(`pairsmith: ${name} must be 'sum' or 'mean', got ${String(r)}`);
}

function checkOut(out: unknown, n: number): void {
  if (out === undefined) return;
  assertArray(out, 'out', Float64Array);
  if ((out as { length: number }).length !== n) throw new RangeError(`pairsmith: out has length ${(out as { length: number }).length}, expected ${n}`);
}

function checkOptions(o: unknown, name: string): void {
  if (o !== undefined && (o === null || typeof o !== 'object' || ArrayBuffer.isView(o) || isResident(o))) {
    throw new TypeError(`pairsmith: ${name} must be an options object`);
  }
}

function isOffsets(x: unknown): boolean {
  return elementType(x) === Int32Array;
}

export function guardScoring(k: ScoringKernels): ScoringKernels {
  return {
    sequenceLogps(x, offsets, options, out) {
      assertArray(x, 'tokenLogps', Float32Array, Float64Array);
      assertOffsets(offsets, x.length);
      checkOptions(options, 'options');
      checkReduce(options?.reduce, 'options.reduce');
      if (options?.mask !== undefined) {
        assertArray(options.mask, 'options.mask', Uint8Array);
        if (options.mask.length !== x.length) throw new RangeError(`pairsmith: options.mask has length ${options.mask.length}, expected ${x.length} (one byte per token)`);
      }
      checkOut(out, offsets.length - 1);
      return k.sequenceLogps(x, offsets, options, out);
    },
    implicitRewards(p, r, third, fourth, fifth) {
      assertArray(p, 'policy', Float32Array, Float64Array);
      assertArray(r, 'reference', Float32Array, Float64Array);
      if (elementType(p) !== elementType(r)) {
        throw new TypeError(`pairsmith: policy and reference must have the same dtype, got ${elementType(p)!.name} and ${elementType(r)!.name}`);
      }
      if (p.length !== r.length) throw new RangeError(`pairsmith: policy has length ${p.length} but reference has ${r.length}`);
      const withOffsets = isOffsets(third);
      const options = (withOffsets ? fourth : third) as ImplicitRewardsOptions | undefined;
      const out = (withOffsets ? fifth : fourth) as Column<Float64Array> | undefined;
      if (!withOffsets && fifth !== undefined) throw new TypeError('pairsmith: implicitRewards without offsets takes (policy, reference, options, out?)');
      if (options === undefined) throw new TypeError('pairsmith: implicitRewards needs options { beta }');
      checkOptions(options, 'options');
      assertNumber(options.beta, 'options.beta');
      checkReduce(options.reduce, 'options.reduce');
      if (withOffsets) {
        const offsets = third as Column<Int32Array>;
        assertOffsets(offsets, p.length);
        if (options.mask !== undefined) {
          assertArray(options.mask, 'options.mask', Uint8Array);
          if (options.mask.length !== p.length) throw new RangeError(`pairsmith: options.mask has length ${options.mask.length}, expected ${p.length} (one byte per token)`);
        }
        checkOut(out, offsets.length - 1);
        return k.implicitRewards(p, r, offsets, options, out);
      }
      if (options.reduce === 'mean') throw new RangeError("pairsmith: options.reduce 'mean' needs token offsets (per-sequence inputs are already reduced)");
      if (options.mask !== undefined) throw new RangeError('pairsmith: options.mask needs token offsets');
      checkOut(out, p.length);
      return k.implicitRewards(p, r, options, out);
    },
  };
}

export function bindScoring(ctx: WasmContext): ScoringKernels {
  return {
    sequenceLogps(x, offsets, options, out) {
      const groups = offsets.length - 1;
      return ctx.run((s) => {
        const mask = options?.mask;
        const ptrs = mask === undefined ? s.inputs(x, offsets) : s.inputs(x, offsets, mask);
        const o = ctx.output(s, Float64Array, groups, out);
        const mean = options?.reduce === 'mean' ? 1 : 0;
        const fn = isF32(x) ? ctx.raw.sequenceLogpsF32 : ctx.raw.sequenceLogpsF64;
        check('sequenceLogps', fn(ptrs[0]!, ptrs[1]!, groups, ptrs[2] ?? 0, mean, o.ptr));
        return o.finish();
      });
    },
    implicitRewards(p, r, third, fourth, fifth) {
      if (isOffsets(third)) {
        const offsets = third as Column<Int32Array>;
        const options = fourth as ImplicitRewardsOptions;
        const groups = offsets.length - 1;
        return ctx.run((s) => {
          const mask = options.mask;
          const ptrs = mask === undefined ? s.inputs(p, r, offsets) : s.inputs(p, r, offsets, mask);
          const o = ctx.output(s, Float64Array, groups, fifth);
          const mean = options.reduce === 'mean' ? 1 : 0;
          const fn = isF32(p) ? ctx.raw.implicitRewardsF32 : ctx.raw.implicitRewardsF64;
          check('implicitRewards', fn(ptrs[0]!, ptrs[1]!, ptrs[2]!, groups, ptrs[3] ?? 0, mean, options.beta, o.ptr));
          return o.finish();
        });
      }
      const options = third as ImplicitRewardsOptions;
      const out = fourth as Column<Float64Array> | undefined;
      return ctx.run((s) => {
        const [pp, rp] = s.inputs(p, r);
        const o = ctx.output(s, Float64Array, p.length, out);
        (isF32(p) ? ctx.raw.sequenceRewardsF32 : ctx.raw.sequenceRewardsF64)(pp!, rp!, p.length, options.beta, o.ptr);
        return o.finish();
      });
    },
  };
}
