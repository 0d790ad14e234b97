// pairsmith's public library API (runtime neutral: nothing here imports node:*).
export { createEngine, createEngineSync, defaultBinaryUrl, BACKENDS } from './engine.js';
export type { Backend, Engine, EngineOptions, MemoryInfo, BinarySource } from './engine.js';
export type { Kernels } from './kernels/index.js';
export type { Column, FloatArray, ResidentBuffer } from './kernels/types.js';
export type { SumResult } from './kernels/reduce.js';
export * from './io/index.js';
export { referenceKernels } from './reference/index.js';
export { KernelError } from './wasm/abi.js';
export { MemoryCapError } from './wasm/arena.js';
export { EngineUnusableError } from './wasm/context.js';
export { WasmAbortError, wasmSimdSupported } from './wasm/load.js';
export { VERSION } from './version.js';
export type { Reduce, SequenceLogpsOptions, ImplicitRewardsOptions } from './kernels/scoring.js';
export type { GroupStats, GroupStatsOptions, GroupStatsOut, MeanStd, PickOptions } from './kernels/groups.js';
export { parsePosition, formatPosition } from './kernels/positions.js';
export type { Position, PositionInput } from './kernels/positions.js';
