// The Engine: one chosen backend (wasm-simd, wasm-scalar or js) behind the Kernels interface, plus its
// memory (arena, resident buffers). No module-level mutable state: every engine is independent.
import { guardKernels, wasmBackend, type KernelBackend, type Kernels } from './kernels/index.js';
import { referenceBackend } from './reference/index.js';
import type { RawExports } from './wasm/abi.js';
import { Arena, type TypedArray, type TypedArrayCtor } from './wasm/arena.js';
import { WasmContext } from './wasm/context.js';
import {
  instantiateRaw,
  instantiateRawSync,
  isBinary,
  NO_SIMD_REASON,
  warnFallbackOnce,
  wasmSimdSupported,
  wasmSupported,
  type Variant,
  type WasmSource,
} from './wasm/load.js';
import { JsResident, WasmResident, type EngineTag, type ResidentBuffer } from './wasm/resident.js';

export type Backend = 'wasm-simd' | 'wasm-scalar' | 'js';
export const BACKENDS: readonly Backend[] = ['wasm-simd', 'wasm-scalar', 'js'];

/** Where a binary comes from: a compiled Module, bytes, a fetch Response, or a URL (async engines only). */
export type BinarySource = WasmSource | Response | string | URL;

export interface EngineOptions {
  /** `auto` (default) tries wasm-simd, then wasm-scalar, then js; the result is in `engine.backend`. */
  backend?: Backend | 'auto';
  /** A ready binary for the requested backend (for `auto`, its own build flavour decides the backend). */
  module?: WebAssembly.Module;
  bytes?: BufferSource;
  url?: string | URL;
  /** How to obtain each build when none is given above; runtimes supply defaults (see src/node.ts). */
  locate?: (variant: Variant) => BinarySource | Promise<BinarySource>;
  /** Override the SIMD probe (tests: force it off). */
  simd?: boolean;
  /** Cap on WASM linear memory in bytes (default 2 GiB). Exceeding it raises MemoryCapError (a RangeError). */
  maxMemoryBytes?: number;
  /** `false`: no console warning when `auto` falls back for a reason other than a runtime without SIMD (default true, once per realm). */
  warn?: boolean;
}

export interface MemoryInfo {
  bytesInUse: number;
  peakBytes: number;
  memoryBytes: number;
  maxBytes: number;
}

/** Options of Engine.alloc. */
export interface AllocOptions {
  /** Zero-fill the column (default true); false leaves whatever the engine's memory held there. */
  zero?: boolean;
}

export interface Engine extends Kernels {
  /** The backend that runs the kernels. */
  readonly backend: Backend;
  /** Whether this runtime validates WASM SIMD (the probe, or the `simd` option). */
  readonly simdSupported: boolean;
  /** Why `auto` did not get wasm-simd, when it did not. */
  readonly fallbackReason: string | undefined;
  /** The kernels alone (the same functions as on the engine). */
  readonly kernels: Kernels;
  /** True after a WASM trap: every later kernel call throws EngineUnusableError. */
  readonly unusable: boolean;
  /**
   * An engine-owned column of `n` elements, zero-filled (with `{ zero: false }` its contents are unspecified: for
   * buffers the caller writes before it reads, such as the reader's byte buffers); free it with `free()`.
   */
  alloc<T extends TypedArray>(type: TypedArrayCtor<T>, n: number, o?: AllocOptions): ResidentBuffer<T>;
  /** Memory accounting (all zeros on the js backend). */
  memory(): MemoryInfo;
}

/**
 * What code that computes needs of an engine: its kernels and its resident buffers (`alloc`). The one port of the
 * pipeline, io and report (an Engine is one; so is any object with these members, e.g. a test double).
 */
export type EnginePort = Kernels & Pick<Engine, 'alloc'>;

const DEFAULT_MAX_MEMORY = 2 * 1024 * 1024 * 1024;

/** The default location of a build next to the package: build/<variant>.wasm. */
export function defaultBinaryUrl(variant: Variant): URL {
  return new URL(`../build/${variant}.wasm`, import.meta.url);
}

interface Plan {
  variants: Variant[];
  simd: boolean;
  explicit: boolean;
}

function plan(opts: EngineOptions): Plan {
  const simd = opts.simd ?? wasmSimdSupported();
  const b = opts.backend ?? 'auto';
  if (!['auto', ...BACKENDS].includes(b)) {
    throw new RangeError(`pairsmith: unknown backend '${String(b)}' (use auto, ${BACKENDS.join(', ')})`);
  }
  if (b === 'js') return { variants: [], simd, explicit: true };
  if (b === 'wasm-simd') {
    if (!simd) throw new Error('pairsmith: backend wasm-simd requested but this runtime does not support WASM SIMD');
    return { variants: ['simd'], simd, explicit: true };
  }
  if (b === 'wasm-scalar') return { variants: ['scalar'], simd, explicit: true };
  return { variants: simd ? ['simd', 'scalar'] : ['scalar'], simd, explicit: false };
}

function given(opts: EngineOptions): BinarySource | undefined {
  return opts.module ?? opts.bytes ?? opts.url;
}

function build(raw: RawExports, backendHint: Variant, opts: EngineOptions, simd: boolean, reason: string | undefined): Engine {
  const arena = new Arena(raw.memory, raw.heapBase(), opts.maxMemoryBytes ?? DEFAULT_MAX_MEMORY);
  const ctx = new WasmContext(raw, arena);
  const isSimd = typeof raw.simdEnabled === 'function' ? raw.simdEnabled() === 1 : backendHint === 'simd';
  const tag: EngineTag = { backend: isSimd ? 'wasm-simd' : 'wasm-scalar' };
  return assemble(wasmBackend(ctx), tag, {
    backend: isSimd ? 'wasm-simd' : 'wasm-scalar',
    simdSupported: simd,
    fallbackReason: reason,
    get unusable() {
      return ctx.unusable;
    },
    alloc<T extends TypedArray>(type: TypedArrayCtor<T>, n: number, o?: AllocOptions): ResidentBuffer<T> {
      checkAlloc(type, n);
      const ptr = arena.alloc(n * type.BYTES_PER_ELEMENT);
      const buf = new WasmResident(arena, type, n, ptr, tag);
      if (o?.zero !== false) buf.view().fill(0);
      return buf;
    },
    memory: () => ({
      bytesInUse: arena.bytesInUse,
      peakBytes: arena.peakBytes,
      memoryBytes: raw.memory.buffer.byteLength,
      maxBytes: arena.maxBytes,
    }),
  });
}

function jsEngine(simd: boolean, reason: string | undefined): Engine {
  const tag: EngineTag = { backend: 'js' };
  return assemble(referenceBackend, tag, {
    backend: 'js',
    simdSupported: simd,
    fallbackReason: reason,
    unusable: false,
    alloc<T extends TypedArray>(type: TypedArrayCtor<T>, n: number): ResidentBuffer<T> {
      checkAlloc(type, n);
      return new JsResident(type, n, tag);
    },
    memory: () => ({ bytesInUse: 0, peakBytes: 0, memoryBytes: 0, maxBytes: 0 }),
  });
}

type Core = Omit<Engine, keyof Kernels | 'kernels'>;

/** An engine of `backend` whose kernels accept the resident buffers tagged `tag`. */
function assemble(backend: KernelBackend, tag: EngineTag, core: Core): Engine {
  const kernels = guardKernels(backend, tag);
  const engine = Object.create(null) as Record<string, unknown>;
  Object.defineProperties(engine, Object.getOwnPropertyDescriptors(core));
  Object.assign(engine, kernels);
  engine.kernels = kernels;
  return engine as unknown as Engine;
}

const ALLOC_TYPES: readonly unknown[] = [Float32Array, Float64Array, Int32Array, Uint8Array];

function checkAlloc(type: unknown, n: number): void {
  if (!ALLOC_TYPES.includes(type)) throw new TypeError('pairsmith: alloc type must be Float32Array, Float64Array, Int32Array or Uint8Array');
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`pairsmith: alloc length must be a non-negative integer, got ${n}`);
}

function warned(engine: Engine, opts: EngineOptions): Engine {
  warnFallbackOnce(engine.backend, engine.fallbackReason, opts.warn);
  return engine;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The engine without WASM: js when asked for, or when WebAssembly is missing (visibly for auto). */
function withoutWasm(p: Plan): Engine | undefined {
  if (p.variants.length === 0) return jsEngine(p.simd, undefined);
  if (wasmSupported()) return undefined;
  if (p.explicit) throw new Error('pairsmith: WebAssembly is not available in this runtime; use backend js');
  return jsEngine(p.simd, 'WebAssembly is not available in this runtime');
}

/**
 * The fallback order of one engine creation, written once for both drivers below: yields each variant to load
 * and receives its raw exports (or the load's error, thrown in); returns the engine, falling back to js for auto.
 */
function* attempts(opts: EngineOptions, p: Plan, single: boolean): Generator<Variant, Engine, RawExports> {
  const reasons: string[] = [];
  if (!p.simd && !p.explicit) reasons.push(NO_SIMD_REASON);
  for (const v of single ? [p.variants[0]!] : p.variants) {
    try {
      const raw = yield v;
      return build(raw, v, opts, p.simd, reasons.length ? reasons.join('; ') : undefined);
    } catch (e) {
      if (p.explicit) throw new Error(`pairsmith: could not load the ${v} build: ${describe(e)}`, { cause: e });
      reasons.push(`${v} build failed: ${describe(e)}`);
    }
  }
  return jsEngine(p.simd, reasons.join('; '));
}

function drive(gen: Generator<Variant, Engine, RawExports>, load: (v: Variant) => RawExports): Engine {
  let step = gen.next();
  while (!step.done) {
    let raw: RawExports;
    try {
      raw = load(step.value);
    } catch (e) {
      step = gen.throw(e);
      continue;
    }
    step = gen.next(raw);
  }
  return step.value;
}

async function driveAsync(gen: Generator<Variant, Engine, RawExports>, load: (v: Variant) => Promise<RawExports>): Promise<Engine> {
  let step = gen.next();
  while (!step.done) {
    let raw: RawExports;
    try {
      raw = await load(step.value);
    } catch (e) {
      step = gen.throw(e);
      continue;
    }
    step = gen.next(raw);
  }
  return step.value;
}

/**
 * Creates an engine (all runtimes). With no binary given, each build is located by `locate` or, by default,
 * fetched from build/<variant>.wasm next to the package. `auto` falls back visibly (see `fallbackReason`).
 */
export async function createEngine(opts: EngineOptions = {}): Promise<Engine> {
  const p = plan(opts);
  const one = given(opts);
  const engine =
    withoutWasm(p) ??
    (await driveAsync(attempts(opts, p, one !== undefined), async (v) => {
      let src: BinarySource = one ?? (await (opts.locate ? opts.locate(v) : defaultBinaryUrl(v)));
      if (typeof src === 'string' || src instanceof URL) src = await fetch(src);
      return instantiateRaw(src);
    }));
  return warned(engine, opts);
}

/**
 * Creates an engine synchronously (Node, CLI, tests): the binary must be given as a Module or bytes, or
 * `locate` must return one synchronously. Use the Node entry (`pairsmith/node`) for file defaults.
 */
export function createEngineSync(opts: EngineOptions = {}): Engine {
  const p = plan(opts);
  const one = opts.module ?? opts.bytes;
  const engine =
    withoutWasm(p) ??
    drive(attempts(opts, p, one !== undefined), (v) => {
      const src = one ?? opts.locate?.(v);
      if (src === undefined) throw new Error('createEngineSync needs module, bytes or a synchronous locate()');
      if (!isBinary(src)) throw new Error('createEngineSync needs a Module or bytes; use createEngine for URLs');
      return instantiateRawSync(src);
    });
  return warned(engine, opts);
}
