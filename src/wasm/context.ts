// What a kernel binding needs: the raw exports, the module's side of the contract (codes, argument blocks and
// status names read by name: abi.ts), the arena and a guarded way to call in.
import { Abi, KernelError, type RawExports } from './abi.js';
import type { Arena, Scope, TypedArray, TypedArrayCtor } from './arena.js';
import type { ResidentBuffer } from './resident.js';
import { asWasmError } from './load.js';

/** The engine trapped earlier (a WASM RuntimeError or abort): its memory may be inconsistent. */
export class EngineUnusableError extends Error {
  constructor(cause: unknown) {
    super(
      `pairsmith: this engine trapped earlier and is unusable (${cause instanceof Error ? cause.message : String(cause)}); create a new engine`,
    );
    this.name = 'EngineUnusableError';
  }
}

export class WasmContext {
  private poisoned: unknown = undefined;
  /** The module's codes, argument blocks and status names, looked up by name as the bindings are built. */
  readonly abi: Abi;
  private okStatus: number | undefined;

  constructor(
    readonly raw: RawExports,
    readonly arena: Arena,
  ) {
    this.abi = new Abi(raw);
  }

  /** Throws a KernelError naming the module's status code unless `status` is Status.S_OK. */
  check(kernel: string, status: number, detail?: string): void {
    this.okStatus ??= this.abi.ok;
    if (status !== this.okStatus) throw new KernelError(kernel, this.abi.statusName(status), detail, status);
  }

  /** True after a trap; every later call throws EngineUnusableError. */
  get unusable(): boolean {
    return this.poisoned !== undefined;
  }

  /**
   * Runs `fn` in an arena scope. Everything `fn` allocates is released afterwards, also on throw.
   * A WASM trap or abort marks the engine unusable.
   */
  run<T>(fn: (s: Scope) => T): T {
    if (this.poisoned !== undefined) throw new EngineUnusableError(this.poisoned);
    try {
      return this.arena.scope(fn);
    } catch (e) {
      const err = asWasmError(e);
      if (err instanceof WebAssembly.RuntimeError || (err instanceof Error && err.name === 'WasmAbortError')) {
        this.poisoned = err;
      }
      throw err;
    }
  }

  /** A fresh copy of `n` elements at `off` (copy-out; the result does not alias WASM memory). */
  read<T extends TypedArray>(ctor: TypedArrayCtor<T>, off: number, n: number): T {
    return this.arena.view(ctor, off, n).slice() as T;
  }

  /**
   * Where a kernel should write an output of `n` elements. With `out` a resident view, it is written in place;
   * otherwise a scope block is returned and `finish` copies it into `out` or a new array.
   */
  output<T extends TypedArray>(
    s: Scope,
    ctor: TypedArrayCtor<T>,
    n: number,
    out?: T | ResidentBuffer<T>,
  ): { ptr: number; finish(): T } {
    if (out !== undefined && !ArrayBuffer.isView(out)) {
      if (out.type !== ctor) throw new TypeError(`pairsmith: out must hold ${ctor.name}, got ${out.type.name}`);
      if (out.length !== n) throw new RangeError(`pairsmith: out has length ${out.length}, expected ${n}`);
      const ptr = s.input(out);
      return { ptr, finish: () => this.arena.view(ctor, ptr, n) };
    }
    if (out !== undefined) {
      if (!(out instanceof ctor)) throw new TypeError(`pairsmith: out must be a ${ctor.name}`);
      if (out.length !== n) throw new RangeError(`pairsmith: out has length ${out.length}, expected ${n}`);
      if (out.buffer === this.arena.memory.buffer) {
        const ptr = out.byteOffset;
        return { ptr, finish: () => this.arena.view(ctor, ptr, n) };
      }
    }
    const ptr = s.array(ctor, n);
    return {
      ptr,
      finish: () => {
        const v = this.arena.view(ctor, ptr, n);
        if (out) {
          out.set(v);
          return out;
        }
        return v.slice() as T;
      },
    };
  }
}
