// The one file that touches @assemblyscript/loader: compile/instantiate a binary and turn `abort` into an Error.
// Also the SIMD probe, compiling fetched binaries (whatever their MIME type) and the one-time fallback warning.
// Everything else talks to the raw exports (src/wasm/abi.ts).
import { instantiateSync } from '@assemblyscript/loader';
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
  // Compiled here (async), then instantiated from the Module: the loader's async instantiate probes the global
  // `Response` first, and in Node that first access loads the whole fetch implementation (~30 ms per process).
  // Instantiating a compiled module this small synchronously is allowed on every main thread.
  let module: WebAssembly.Module;
  if (s instanceof WebAssembly.Module) module = s;
  else if (isBinary(s)) module = await WebAssembly.compile(s as BufferSource);
  else module = await compileResponse(s);
  return instantiateRawSync(module);
}

const WASM_MAGIC = [0, 0x61, 0x73, 0x6d];

/**
 * Compiles a fetched binary. Streaming compilation needs the `application/wasm` MIME type; any other type (a
 * server or CDN that does not know .wasm) goes through arrayBuffer() instead, and a streaming failure is retried
 * the same way. A body that is not WebAssembly (a 404 page, a dev server's index.html) is named as such.
 */
export async function compileResponse(res: Response): Promise<WebAssembly.Module> {
  const where = res.url || 'the response';
  if (!res.ok) throw new Error(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''} for ${where}`);
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/wasm' && typeof WebAssembly.compileStreaming === 'function') {
    const spare = res.clone();
    try {
      return await WebAssembly.compileStreaming(res);
    } catch {
      return compileBuffered(await spare.arrayBuffer(), where, type);
    }
  }
  return compileBuffered(await res.arrayBuffer(), where, type);
}

function compileBuffered(buf: ArrayBuffer, where: string, type: string): Promise<WebAssembly.Module> {
  const head = new Uint8Array(buf, 0, Math.min(4, buf.byteLength));
  if (head.length < 4 || WASM_MAGIC.some((b, i) => head[i] !== b)) {
    const start = new TextDecoder().decode(new Uint8Array(buf, 0, Math.min(40, buf.byteLength))).replace(/\s+/g, ' ');
    throw new Error(`${where} is not a WebAssembly binary (content-type '${type || 'none'}', ${buf.byteLength} bytes: '${start}')`);
  }
  return WebAssembly.compile(buf);
}

/** The fallback reason of a runtime without WASM SIMD: expected, so never warned about. */
export const NO_SIMD_REASON = 'this runtime does not support WASM SIMD';

let fallbackWarned = false;

/**
 * One console warning per realm when `auto` ends below wasm-simd for a reason other than a runtime without SIMD
 * (a build that failed to load or compile, no WebAssembly at all): until now only engine.backend told.
 * `enabled: false` (the engine option `warn: false`) suppresses it.
 */
export function warnFallbackOnce(backend: string, reason: string | undefined, enabled = true): void {
  if (!enabled || fallbackWarned || reason === undefined || reason === NO_SIMD_REASON) return;
  fallbackWarned = true;
  globalThis.console?.warn(
    `pairsmith: running the ${backend} backend, not wasm-simd: ${reason}. ` +
      'See "Embedding in a browser or an edge runtime" in the README; createEngine({ warn: false }) silences this.',
  );
}

/** A Module or bytes (checked without touching the global `Response`, which Node loads lazily and slowly). */
export function isBinary(x: unknown): x is WasmSource {
  return x instanceof WebAssembly.Module || x instanceof ArrayBuffer || ArrayBuffer.isView(x);
}
