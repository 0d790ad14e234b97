// pairsmith's public library API (runtime neutral: nothing here imports node:*).
export { createEngine, createEngineSync, defaultBinaryUrl, BACKENDS } from './engine.js';
export type { Backend, Engine, EngineOptions, MemoryInfo, BinarySource } from './engine.js';
export type { Kernels } from './kernels/index.js';
export type { Column, FloatArray, ResidentBuffer } from './kernels/types.js';
export type { SumResult } from './kernels/reduce.js';
export type { GemmOptions, SvdResult } from './kernels/linalg.js';
export type { RpcaOptions, RpcaResult, RpcaBatchResult, RpcaMethod, RpcaSvd, ResolvedRpcaOptions } from './kernels/rpca.js';
export { referenceKernels } from './reference/index.js';
export { KernelError } from './wasm/abi.js';
export { MemoryCapError } from './wasm/arena.js';
export { EngineUnusableError } from './wasm/context.js';
export { WasmAbortError, wasmSimdSupported } from './wasm/load.js';
export { VERSION } from './version.js';
export { buildPreferenceMatrix, cleanPreferences, naiveScores } from './rpca/preferences.js';
export type { PreferenceMatrix, CleanResult, CleanOptions } from './rpca/preferences.js';
