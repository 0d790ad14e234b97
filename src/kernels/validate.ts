// Argument checks shared by the kernel APIs. They run before any backend is touched, so every backend rejects bad
// input the same way: TypeError for a wrong kind, RangeError for lengths, shapes and values, KernelError
// (E_FOREIGN_BUFFER) for a resident buffer of another engine.
import { isResident, type EngineTag, type ResidentBuffer } from '../wasm/resident.js';
import type { TypedArray } from '../wasm/arena.js';
import { KernelError } from '../wasm/abi.js';

type Ctor = { readonly name: string; prototype: TypedArray };

function kindOf(x: unknown): string {
  if (isResident(x)) return `resident ${x.type.name}`;
  if (x === null) return 'null';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return typeof x;
}

/** The element type of a typed array or resident buffer, or undefined. */
export function elementType(x: unknown): Ctor | undefined {
  if (isResident(x)) return x.type as unknown as Ctor;
  if (x instanceof Float32Array) return Float32Array;
  if (x instanceof Float64Array) return Float64Array;
  if (x instanceof Int32Array) return Int32Array;
  if (x instanceof Uint8Array) return Uint8Array;
  return undefined;
}

/** True for f32 columns (typed arrays or resident buffers): the bindings pick a kernel's F32 or F64 export by it. */
export function isF32(x: TypedArray | ResidentBuffer): boolean {
  return elementType(x) === Float32Array;
}

/** Asserts `x` is one of `types` (typed array or resident buffer of that type). */
export function assertArray(x: unknown, name: string, ...types: Ctor[]): void {
  const t = elementType(x);
  if (t === undefined || !types.includes(t)) {
    throw new TypeError(`pairsmith: ${name} must be ${types.map((c) => c.name).join(' or ')}, got ${kindOf(x)}`);
  }
  if (isResident(x) && x.freed) throw new Error(`pairsmith: ${name} is a resident buffer used after free()`);
}

/** Asserts a finite number (optionally within [min, max]). */
export function assertNumber(x: unknown, name: string, min = -Infinity, max = Infinity): asserts x is number {
  if (typeof x !== 'number' || Number.isNaN(x)) throw new TypeError(`pairsmith: ${name} must be a number, got ${kindOf(x)}`);
  if (!(x >= min && x <= max) || !Number.isFinite(x)) {
    throw new RangeError(`pairsmith: ${name} must be finite and in [${min}, ${max}], got ${x}`);
  }
}

/** Asserts an options argument is absent or a plain object (not an array or column). */
export function assertOptions(o: unknown, name: string): void {
  if (o !== undefined && (o === null || typeof o !== 'object' || ArrayBuffer.isView(o) || isResident(o))) {
    throw new TypeError(`pairsmith: ${name} must be an options object`);
  }
}

/** Asserts one of a few strings (undefined passes: the caller's default applies). */
export function assertChoice(x: unknown, name: string, allowed: readonly string[]): void {
  if (x !== undefined && !allowed.includes(x as string)) {
    throw new RangeError(`pairsmith: ${name} must be ${allowed.map((a) => `'${a}'`).join(' or ')}, got ${String(x)}`);
  }
}

/**
 * The column checks of one kernel on one engine, made once when the engine is built: kind and type as assertArray,
 * and a resident buffer must belong to this engine (`owner`; null for referenceKernels, which takes typed arrays).
 * A buffer of another engine would be read at its offset in this engine's memory, i.e. another buffer's data.
 */
export class ColumnCheck {
  constructor(
    readonly kernel: string,
    private readonly owner: EngineTag | null,
  ) {}

  /** Asserts `x` is one of `types` and, when resident, this engine's. */
  column(x: unknown, name: string, ...types: Ctor[]): void {
    assertArray(x, name, ...types);
    if (isResident(x) && x.owner !== this.owner) {
      const here = this.owner === null ? 'referenceKernels, which take typed arrays' : `this ${this.owner.backend} engine`;
      throw new KernelError(this.kernel, 'E_FOREIGN_BUFFER', `${name} is a resident buffer of another engine (${x.owner.backend}), not of ${here}`);
    }
  }

  /** column() plus a length. */
  sized(x: unknown, name: string, n: number, ...types: Ctor[]): void {
    this.column(x, name, ...types);
    const len = (x as { length: number }).length;
    if (len !== n) throw new RangeError(`pairsmith: ${name} has length ${len}, expected ${n}`);
  }

  /** CSR offsets: column() of Int32Array, length groups + 1, offsets[0] = 0, non-decreasing, last = n. */
  offsets(x: unknown, n: number, name = 'offsets'): void {
    this.column(x, name, Int32Array);
    const o = isResident(x) ? (x.view() as Int32Array) : (x as Int32Array);
    if (o.length < 1) throw new RangeError(`pairsmith: ${name} must have at least one entry (groups + 1)`);
    if (o[0] !== 0) throw new RangeError(`pairsmith: ${name}[0] must be 0, got ${o[0]}`);
    for (let i = 1; i < o.length; i++) {
      if (o[i]! < o[i - 1]!) throw new RangeError(`pairsmith: ${name} must be non-decreasing (at ${i}: ${o[i - 1]} > ${o[i]})`);
    }
    if (o[o.length - 1] !== n) throw new RangeError(`pairsmith: ${name} ends at ${o[o.length - 1]} but the data has ${n} elements`);
  }
}
