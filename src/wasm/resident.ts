// Resident buffers: typed columns that live in engine memory, so kernels read and write them without copies.
// Each carries the engine it belongs to; the argument checks reject it anywhere else (src/kernels/validate.ts).
import type { Arena, TypedArray, TypedArrayCtor } from './arena.js';

/** Identifies an engine (compared by identity); `backend` names it in messages. */
export interface EngineTag {
  readonly backend: string;
}

/**
 * An engine-owned column of `length` elements. `view()` returns a view that is valid until the next
 * allocation in the same engine (memory may grow and detach it): take a new one after any engine call.
 * Pass the buffer itself (not a view) to kernels as input or `out`; free it with `free()` when done.
 */
export interface ResidentBuffer<T extends TypedArray = TypedArray> {
  /** Byte offset in WASM memory; -1 on the js backend. Stable across memory growth. */
  readonly ptr: number;
  readonly length: number;
  readonly type: TypedArrayCtor<T>;
  readonly freed: boolean;
  /** The engine that allocated it: only that engine's kernels accept it. */
  readonly owner: EngineTag;
  view(): T;
  free(): void;
}

export function isResident(x: unknown): x is ResidentBuffer {
  return typeof x === 'object' && x !== null && x instanceof ResidentBase;
}

abstract class ResidentBase<T extends TypedArray> implements ResidentBuffer<T> {
  protected isFreed = false;
  abstract readonly ptr: number;
  constructor(
    readonly type: TypedArrayCtor<T>,
    readonly length: number,
    readonly owner: EngineTag,
  ) {}
  get freed(): boolean {
    return this.isFreed;
  }
  abstract view(): T;
  abstract free(): void;
  protected alive(): void {
    if (this.isFreed) throw new Error(`pairsmith: ${this.type.name} resident buffer used after free()`);
  }
}

/** A resident buffer in WASM memory. */
export class WasmResident<T extends TypedArray> extends ResidentBase<T> {
  constructor(
    private readonly arena: Arena,
    type: TypedArrayCtor<T>,
    length: number,
    readonly ptr: number,
    owner: EngineTag,
  ) {
    super(type, length, owner);
  }
  view(): T {
    this.alive();
    return this.arena.view(this.type, this.ptr, this.length);
  }
  free(): void {
    if (this.isFreed) return;
    this.isFreed = true;
    this.arena.release(this.ptr);
  }
}

/** The js backend's resident buffer: an ordinary typed array. */
export class JsResident<T extends TypedArray> extends ResidentBase<T> {
  readonly ptr = -1;
  private data: T | null;
  constructor(type: TypedArrayCtor<T>, length: number, owner: EngineTag) {
    super(type, length, owner);
    this.data = new type(length);
  }
  view(): T {
    this.alive();
    return this.data!;
  }
  free(): void {
    this.isFreed = true;
    this.data = null;
  }
}

/** A kernel argument: a typed array (copied in) or a resident buffer (used in place). */
export type Column<T extends TypedArray> = T | ResidentBuffer<T>;
