// The two kernel contracts. `Kernels` is the public one (raw options, overloads, positions as strings): what an
// engine offers. `KernelBackend` is the internal one (arguments checked, options resolved, positions parsed): what the
// WASM binding (wasmBackend) and the JS twin (src/reference/, as Twin<KernelBackend>) implement, so a missing or
// mismatched twin or binding does not compile. guardKernels turns a KernelBackend into Kernels, checking every argument
// once, in front of every backend. A new family adds one line to each list below.
import type { RawExports } from '../wasm/abi.js';
import { Arena, type TypedArray } from '../wasm/arena.js';
import { WasmContext } from '../wasm/context.js';
import type { EngineTag, ResidentBuffer } from '../wasm/resident.js';
import { bindReduce, guardReduce, type ReduceBackend, type ReduceKernels } from './reduce.js';
import { bindScoring, guardScoring, type ScoringBackend, type ScoringKernels } from './scoring.js';
import { bindGroups, guardGroups, type GroupBackend, type GroupKernels } from './groups.js';
import { bindLosses, guardLosses, type LossesBackend, type LossesKernels } from './losses.js';
import { bindLinalg, guardLinalg, type LinalgKernels } from './linalg.js';
import { bindRpca, guardRpca, type RpcaBatchResult, type RpcaKernels, type RpcaResult, type ResolvedRpcaOptions } from './rpca.js';
import { bindJson, guardJson, type JsonKernels } from './json.js';

export type Kernels = ReduceKernels & ScoringKernels & GroupKernels & LossesKernels & LinalgKernels & RpcaKernels & JsonKernels;

/**
 * The rpca family's backend side: its kernels with resolved options. TODO(rpca family): declare this (and a
 * resolved `LinalgBackend`) in src/kernels/rpca.ts and linalg.ts, and have guardRpca take it.
 */
export interface RpcaBackend {
  rpca(D: Float64Array, rows: number, cols: number, options: ResolvedRpcaOptions): RpcaResult;
  rpcaBatch(data: Float64Array, dims: Int32Array, options: ResolvedRpcaOptions): RpcaBatchResult;
}

/**
 * The families not yet split into public and backend types use their public interface on both sides: linalg and
 * the data path's JSON indexer (whose guard does not check resident-buffer ownership yet).
 */
export type KernelBackend = ReduceBackend & ScoringBackend & GroupBackend & LossesBackend & LinalgKernels & RpcaBackend & JsonKernels;

/** What a JS twin takes in place of a KernelBackend argument: a resident buffer becomes its typed array (also in objects). */
type PlainArg<X> = X extends ResidentBuffer<infer T>
  ? T
  : X extends TypedArray | readonly unknown[] | ((...a: never[]) => unknown)
    ? X
    : X extends object
      ? { [K in keyof X]: PlainArg<X[K]> }
      : X;

/**
 * What the JS twins implement: every kernel of B, taking typed arrays where B takes columns. `twin satisfies
 * Twin<KernelBackend>` is what makes a missing or mismatched twin a compile error (test/kernels/contracts.test.ts).
 */
export type Twin<B> = {
  [K in keyof B]: B[K] extends (...args: infer A) => infer R ? (...args: { [I in keyof A]: PlainArg<A[I]> }) => R : never;
};

/** The WASM backend: every family's binding. Throws an AbiError listing every mismatch with the module. */
export function wasmBackend(ctx: WasmContext): KernelBackend {
  ctx.abi.status();
  const backend: KernelBackend = {
    ...bindReduce(ctx),
    ...bindScoring(ctx),
    ...bindGroups(ctx),
    ...bindLosses(ctx),
    ...bindLinalg(ctx),
    ...bindRpca(ctx),
    ...bindJson(ctx),
  };
  ctx.abi.assertOk();
  return backend;
}

/** Every mismatch between a module and the bindings (empty when it implements the ABI): the ABI test's check. */
export function abiProblems(raw: RawExports): string[] {
  const ctx = new WasmContext(raw, new Arena(raw.memory, typeof raw.heapBase === 'function' ? raw.heapBase() : 0, 1 << 20));
  try {
    wasmBackend(ctx);
  } catch {
    // the problems are in ctx.abi
  }
  return ctx.abi.problems;
}

/**
 * The public kernels of a backend: argument checks in front of it, so all backends reject bad input alike.
 * `owner` is the engine whose resident buffers the kernels accept (null: typed arrays only).
 */
export function guardKernels(b: KernelBackend, owner: EngineTag | null): Kernels {
  return {
    ...guardReduce(b, owner),
    ...guardScoring(b, owner),
    ...guardGroups(b, owner),
    ...guardLosses(b, owner),
    ...guardLinalg(b),
    ...guardRpca(b as RpcaKernels & RpcaBackend),
    ...guardJson(b),
  };
}
