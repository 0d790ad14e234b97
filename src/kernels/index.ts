// The Kernels interface: every kernel family, implemented by the WASM bindings and by src/reference/.
// A family adds one line to each list below.
import type { WasmContext } from '../wasm/context.js';
import { bindReduce, guardReduce, type ReduceKernels } from './reduce.js';
import { bindScoring, guardScoring, type ScoringKernels } from './scoring.js';
import { bindGroups, guardGroups, type GroupKernels } from './groups.js';
import { bindLosses, guardLosses, type LossesKernels } from './losses.js';
import { bindLinalg, guardLinalg, type LinalgKernels } from './linalg.js';
import { bindRpca, guardRpca, type RpcaKernels } from './rpca.js';
import { bindJson, guardJson, type JsonKernels } from './json.js';

export type Kernels = ReduceKernels &
  ScoringKernels &
  GroupKernels &
  LossesKernels &
  LinalgKernels &
  RpcaKernels &
  JsonKernels;

/** WASM bindings of every family. */
export function wasmKernels(ctx: WasmContext): Kernels {
  return {
    ...bindReduce(ctx),
    ...bindScoring(ctx),
    ...bindGroups(ctx),
    ...bindLosses(ctx),
    ...bindLinalg(ctx),
    ...bindRpca(ctx),
    ...bindJson(ctx),
  };
}

/** Argument checks in front of any implementation, so all backends reject bad input alike. */
export function guardKernels(k: Kernels): Kernels {
  return {
    ...guardReduce(k),
    ...guardScoring(k),
    ...guardGroups(k),
    ...guardLosses(k),
    ...guardLinalg(k),
    ...guardRpca(k),
    ...guardJson(k),
  };
}
