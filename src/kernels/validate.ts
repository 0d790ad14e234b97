// Argument checks shared by the kernel APIs. They run before any backend is touched, so every backend
// rejects bad input the same way: TypeError for a wrong kind, RangeError for lengths, shapes and values.
import { isResident, type ResidentBuffer } from '../wasm/resident.js';
import type { TypedArray } from '../wasm/arena.js';

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

/** Length of a typed array or resident buffer. */
export function lengthOf(x: TypedArray | ResidentBuffer): number {
  return x.length;
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

/** Asserts CSR offsets: Int32Array, length groups+1, offsets[0] = 0, non-decreasing, last = n. */
export function assertOffsets(offsets: unknown, n: number, name = 'offsets'): void {
  assertArray(offsets, name, Int32Array);
  const o = isResident(offsets) ? (offsets.view() as Int32Array) : (offsets as Int32Array);
  if (o.length < 1) throw new RangeError(`pairsmith: ${name} must have at least one entry (groups + 1)`);
  if (o[0] !== 0) throw new RangeError(`pairsmith: ${name}[0] must be 0, got ${o[0]}`);
  for (let i = 1; i < o.length; i++) {
    if (o[i]! < o[i - 1]!) throw new RangeError(`pairsmith: ${name} must be non-decreasing (at ${i}: ${o[i - 1]} > ${o[i]})`);
  }
  if (o[o.length - 1] !== n) {
    throw new RangeError(`pairsmith: ${name} ends at ${o[o.length - 1]} but the data has ${n} elements`);
  }
}
