// pairsmith's public library API (runtime neutral: nothing here imports node:*).
export { createEngine, createEngineSync, defaultBinaryUrl, BACKENDS } from './engine.js';
export type { Backend, Engine, EngineOptions, MemoryInfo, BinarySource } from './engine.js';
export type { Kernels } from './kernels/index.js';
export type { Column, FloatArray, ResidentBuffer } from './kernels/types.js';
export type { SumResult } from './kernels/reduce.js';
export { LOSS_TYPES, F_DIVERGENCES, RATING_LOSSES } from './kernels/losses.js';
export type { LossType, FDivergence, LossColumns, LossOptions, LossResult } from './kernels/losses.js';
export { dpoMetrics, type DpoMetrics } from './losses/metrics.js';
export { referenceKernels } from './reference/index.js';
export { KernelError } from './wasm/abi.js';
export { MemoryCapError } from './wasm/arena.js';
export { EngineUnusableError } from './wasm/context.js';
export { WasmAbortError, wasmSimdSupported } from './wasm/load.js';
export { VERSION } from './version.js';
