// Node entry point: the library plus engines that read the bundled builds from disk.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  createEngine as createEngineCore,
  createEngineSync as createEngineSyncCore,
  defaultBinaryUrl,
  type Engine,
  type EngineOptions,
} from './engine.js';

export * from './index.js';

/** Path of a bundled build (build/simd.wasm or build/scalar.wasm). */
export function binaryPath(variant: 'simd' | 'scalar'): string {
  return fileURLToPath(defaultBinaryUrl(variant));
}

/** createEngine that reads build/<variant>.wasm from disk when no binary is given. */
export function createEngine(opts: EngineOptions = {}): Promise<Engine> {
  return createEngineCore({ locate: (v) => readFile(binaryPath(v)), ...opts });
}

/** Synchronous createEngine for Node: reads build/<variant>.wasm from disk when no binary is given. */
export function createEngineSync(opts: EngineOptions = {}): Engine {
  return createEngineSyncCore({ locate: (v) => readFileSync(binaryPath(v)), ...opts });
}
// Node-only dataset I/O (streaming readers, atomic writers, progress).
export * from './io/node/index.js';
// Worker threads for the batches of a run (the CLI's --threads): pass a ThreadPool to runPairs, runSelect, curate, ...
export { ThreadPool, defaultThreads, type ThreadData } from './threads.js';
