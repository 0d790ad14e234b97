// Column reductions: API types, argument checks and the WASM binding.
import type { WasmContext } from '../wasm/context.js';
import type { Column, FloatArray } from './types.js';
import { assertArray } from './validate.js';

export interface SumResult {
  /** f64 sum of the finite elements. */
  sum: number;
  /** Number of NaN/+-Inf elements, left out of `sum`. */
  nonFinite: number;
}

export interface ReduceKernels {
  /** Sum of a column in f64 (f32 input is widened first). Non-finite elements are counted, not added. O(n). */
  sum(x: Column<FloatArray>): SumResult;
}

export function guardReduce(k: ReduceKernels): ReduceKernels {
  return {
    sum(x) {
      assertArray(x, 'x', Float32Array, Float64Array);
      return k.sum(x);
    },
  };
}

export function bindReduce(ctx: WasmContext): ReduceKernels {
  return {
    sum(x) {
      return ctx.run((s) => {
        const [xp] = s.inputs(x);
        const nf = s.array(Int32Array, 1);
        const f32 = ArrayBuffer.isView(x) ? x instanceof Float32Array : x.type === Float32Array;
        const total = f32 ? ctx.raw.sumF32(xp!, x.length, nf) : ctx.raw.sumF64(xp!, x.length, nf);
        return { sum: total, nonFinite: ctx.arena.view(Int32Array, nf, 1)[0]! };
      });
    },
  };
}
