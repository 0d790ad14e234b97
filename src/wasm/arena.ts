// The JS-owned allocator for WASM linear memory: first-fit free list, 16-byte aligned blocks,
// memory grown from JS up to a cap. Kernels never allocate; every byte they touch comes from here.
// Views are never cached: each accessor derives a fresh view from memory.buffer (a grow detaches old ones).

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;
export type TypedArrayCtor<T extends TypedArray = TypedArray> = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  new (length: number): T;
  readonly BYTES_PER_ELEMENT: number;
  readonly name: string;
};

/** What the arena needs of a resident buffer (src/wasm/resident.ts). */
export interface ResidentRef {
  readonly ptr: number;
  readonly freed: boolean;
}

const PAGE = 65536;
const ALIGN = 16;

/** Thrown when an allocation would take memory past the engine's cap. */
export class MemoryCapError extends RangeError {
  constructor(requested: number, inUse: number, cap: number) {
    super(
      `pairsmith: WASM memory exhausted: ${requested} bytes requested with ${inUse} in use; ` +
        `the cap is ${cap} bytes (raise it with createEngine({ maxMemoryBytes }) or process the data in smaller chunks)`,
    );
    this.name = 'MemoryCapError';
  }
}

interface Block {
  off: number;
  size: number;
}

export class Arena {
  readonly memory: WebAssembly.Memory;
  readonly maxBytes: number;
  private readonly free: Block[] = [];
  private readonly used = new Map<number, number>();
  private inUse = 0;
  private peak = 0;

  constructor(memory: WebAssembly.Memory, heapBase: number, maxBytes: number) {
    this.memory = memory;
    this.maxBytes = Math.min(maxBytes, 65536 * PAGE);
    const start = alignUp(heapBase >>> 0);
    const end = memory.buffer.byteLength;
    if (end > start) this.free.push({ off: start, size: end - start });
  }

  /** Bytes currently allocated (resident buffers plus open scopes). */
  get bytesInUse(): number {
    return this.inUse;
  }

  /** The largest bytesInUse seen. */
  get peakBytes(): number {
    return this.peak;
  }

  /** Allocates `bytes` (rounded up to 16) and returns the offset. Grows memory when needed. */
  alloc(bytes: number): number {
    if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`pairsmith: bad allocation size ${bytes}`);
    const size = Math.max(ALIGN, alignUp(bytes));
    let i = this.free.findIndex((b) => b.size >= size);
    if (i < 0) {
      this.grow(size);
      i = this.free.findIndex((b) => b.size >= size);
    }
    const b = this.free[i]!;
    const off = b.off;
    if (b.size === size) this.free.splice(i, 1);
    else {
      b.off += size;
      b.size -= size;
    }
    this.used.set(off, size);
    this.inUse += size;
    if (this.inUse > this.peak) this.peak = this.inUse;
    return off;
  }

  /** Returns a block to the free list, merging with neighbours. Freeing twice is an error. */
  release(off: number): void {
    const size = this.used.get(off);
    if (size === undefined) throw new Error(`pairsmith: arena block ${off} is not allocated (double free?)`);
    this.used.delete(off);
    this.inUse -= size;
    // Keep the free list sorted by offset; it stays short because blocks coalesce.
    let lo = 0;
    let hi = this.free.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.free[mid]!.off < off) lo = mid + 1;
      else hi = mid;
    }
    this.free.splice(lo, 0, { off, size });
    const next = this.free[lo + 1];
    if (next && off + size === next.off) {
      this.free[lo]!.size += next.size;
      this.free.splice(lo + 1, 1);
    }
    const prev = this.free[lo - 1];
    if (prev && prev.off + prev.size === off) {
      prev.size += this.free[lo]!.size;
      this.free.splice(lo, 1);
    }
  }

  /** Runs `fn` with a scope whose allocations are all released afterwards, also when `fn` throws. */
  scope<T>(fn: (s: Scope) => T): T {
    const s = new Scope(this);
    try {
      return fn(s);
    } finally {
      s.close();
    }
  }

  /** A fresh typed view over [off, off + length elements). Never keep it across an allocation. */
  view<T extends TypedArray>(ctor: TypedArrayCtor<T>, off: number, length: number): T {
    return new ctor(this.memory.buffer, off, length);
  }

  private grow(size: number): void {
    const end = this.memory.buffer.byteLength;
    const last = this.free[this.free.length - 1];
    const tail = last && last.off + last.size === end ? last.size : 0;
    const need = size - tail;
    const pages = Math.ceil(need / PAGE);
    if (end + pages * PAGE > this.maxBytes) throw new MemoryCapError(size, this.inUse, this.maxBytes);
    try {
      this.memory.grow(pages);
    } catch {
      throw new MemoryCapError(size, this.inUse, end);
    }
    const added = pages * PAGE;
    if (tail > 0) last!.size += added;
    else this.free.push({ off: end, size: added });
  }
}

/** Allocations made inside Arena.scope(); all are released when the scope closes. */
export class Scope {
  private readonly blocks: number[] = [];
  constructor(private readonly arena: Arena) {}

  /** Raw bytes, 16-byte aligned. */
  alloc(bytes: number): number {
    const off = this.arena.alloc(bytes);
    this.blocks.push(off);
    return off;
  }

  /** Room for `n` elements of `ctor`, zero-filled. */
  array(ctor: TypedArrayCtor, n: number): number {
    const off = this.alloc(n * ctor.BYTES_PER_ELEMENT);
    new Uint8Array(this.arena.memory.buffer, off, n * ctor.BYTES_PER_ELEMENT).fill(0);
    return off;
  }

  /**
   * The offset of `x` in WASM memory. A view that already lives in this memory (a resident buffer) is used
   * in place; anything else is copied in. Read pointers of every resident input before allocating, since
   * an allocation may grow memory and detach the caller's views.
   */
  input(x: TypedArray | ResidentRef): number {
    if (!ArrayBuffer.isView(x)) {
      if (x.freed) throw new Error('pairsmith: a resident buffer was used after free()');
      return x.ptr;
    }
    if (x.buffer === this.arena.memory.buffer) return x.byteOffset;
    const off = this.alloc(x.byteLength);
    new Uint8Array(this.arena.memory.buffer, off, x.byteLength).set(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
    return off;
  }

  /** input() for several arrays: resident ones are resolved first, so later copies cannot detach them. */
  inputs(...xs: (TypedArray | ResidentRef)[]): number[] {
    const ptrs = xs.map((x) => (!ArrayBuffer.isView(x) || x.buffer === this.arena.memory.buffer ? this.input(x) : -1));
    return xs.map((x, i) => (ptrs[i]! >= 0 ? ptrs[i]! : this.input(x)));
  }

  close(): void {
    for (let i = this.blocks.length - 1; i >= 0; i--) this.arena.release(this.blocks[i]!);
    this.blocks.length = 0;
  }
}

function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
