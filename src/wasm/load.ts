// The one file that touches @assemblyscript/loader: compile/instantiate a binary and turn `abort` into an Error.
// Also the SIMD probe. Everything else talks to the raw exports (src/wasm/abi.ts).
import { instantiate, instantiateSync } from '@assemblyscript/loader';
import type { RawExports } from './abi.js';

export type Variant = 'simd' | 'scalar';

/** Anything a binary can be given as. */
export type WasmSource = WebAssembly.Module | BufferSource;

// A minimal module whose one function uses v128 (i8x16.splat + i8x16.popcnt); validates only where SIMD works.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

/** True when WebAssembly exists and validates a SIMD module. */
export function wasmSimdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/** True when WebAssembly is present at all. */
export function wasmSupported(): boolean {
  return typeof WebAssembly === 'object' && typeof WebAssembly.Instance === 'function';
}

/** Raised when `abort` is called inside WASM (debug builds, unexpected states): message and source location. */
export class WasmAbortError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WasmAbortError';
  }
}

/** Maps the loader's abort Error to WasmAbortError; other values pass through unchanged. */
export function asWasmError(e: unknown): unknown {
  if (e instanceof Error && !(e instanceof WasmAbortError) && e.message.startsWith('abort:')) {
    return new WasmAbortError(e.message);
  }
  return e;
}

/** Instantiate synchronously (Node, CLI, tests). Chromium limits sync compilation of large bytes on the main thread. */
export function instantiateRawSync(source: WasmSource): RawExports {
  const { exports } = instantiateSync<Record<string, unknown>>(source, {});
  return exports as unknown as RawExports;
}

/** Instantiate asynchronously from a Module, bytes or a fetch Response (all runtimes). */
export async function instantiateRaw(source: WasmSource | Response | Promise<Response>): Promise<RawExports> {
  const s = await source;
  if (isBinary(s)) {
    // Compiled here (async), then instantiated from the Module: the loader's async instantiate probes the global
    // `Response` first, and in Node that first access loads the whole fetch implementation (~30 ms per process).
    // Instantiating a compiled module this small synchronously is allowed on every main thread.
    const module = s instanceof WebAssembly.Module ? s : await WebAssembly.compile(s as BufferSource);
    return instantiateRawSync(module);
  }
  const { exports } = await instantiate<Record<string, unknown>>(s, {});
  return exports as unknown as RawExports;
}

/** A Module or bytes (checked without touching the global `Response`, which Node loads lazily and slowly). */
export function isBinary(x: unknown): x is WasmSource {
  return x instanceof WebAssembly.Module || x instanceof ArrayBuffer || ArrayBuffer.isView(x);
}
