// Column reductions: API types, argument checks and the WASM binding (assembly/kernels/reduce.ts).
import type { WasmContext } from '../wasm/context.js';
import type { EngineTag } from '../wasm/resident.js';
import type { Column, FloatArray } from './types.js';
import { ColumnCheck, isF32 } from './validate.js';

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

/** What the WASM binding and the JS twin implement (arguments already checked). */
export type ReduceBackend = ReduceKernels;

export function guardReduce(b: ReduceBackend, owner: EngineTag | null): ReduceKernels {
  const sum = new ColumnCheck('sum', owner);
  return {
    sum(x) {
      sum.column(x, 'x', Float32Array, Float64Array);
      return b.sum(x);
    },
  };
}

interface ReduceExports {
  sumF32(xPtr: number, n: number, nonFinitePtr: number): number;
  sumF64(xPtr: number, n: number, nonFinitePtr: number): number;
}

export function bindReduce(ctx: WasmContext): ReduceBackend {
  const raw = ctx.abi.functions<ReduceExports>({ sumF32: true, sumF64: true });
  return {
    sum(x) {
      return ctx.run((s) => {
        const [xp] = s.inputs(x);
        const nonFinite = s.array(Int32Array, 1);
        const total = (isF32(x) ? raw.sumF32 : raw.sumF64)(xp!, x.length, nonFinite);
        return { sum: total, nonFinite: ctx.arena.view(Int32Array, nonFinite, 1)[0]! };
      });
    },
  };
}
