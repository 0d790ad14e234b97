// The arena and resident buffers: alignment, reuse, growth, the cap, scopes that free on throw, leaks, traps.
import { describe, expect, it } from 'vitest';
import { Arena, MemoryCapError } from '../../src/wasm/arena.js';
import { createEngineSync } from '../../src/node.js';
import { EngineUnusableError, WasmContext } from '../../src/wasm/context.js';
import { instantiateRawSync } from '../../src/wasm/load.js';
import type { RawExports } from '../../src/wasm/abi.js';
import { readFileSync } from 'node:fs';

function freshArena(maxBytes = 64 * 65536): Arena {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1024 });
  return new Arena(memory, 1024, maxBytes);
}

describe('Arena', () => {
  it('hands out 16-byte aligned, non-overlapping blocks and reuses freed ones', () => {
    const a = freshArena();
    const p = [a.alloc(1), a.alloc(17), a.alloc(100), a.alloc(0)];
    for (const x of p) expect(x % 16).toBe(0);
    expect(new Set(p).size).toBe(4);
    expect(p[1]! - p[0]!).toBeGreaterThanOrEqual(16);
    expect(p[2]! - p[1]!).toBeGreaterThanOrEqual(32);
    a.release(p[1]!);
    expect(a.alloc(20)).toBe(p[1]);
    for (const x of [p[0]!, p[1]!, p[2]!, p[3]!]) a.release(x);
    expect(a.bytesInUse).toBe(0);
    // everything coalesced: one allocation the size of the whole free space fits at the start again
    expect(a.alloc(65536 - 1024)).toBe(1024);
  });

  it('grows memory when needed and stops at the cap with a clear RangeError', () => {
    const a = freshArena(4 * 65536);
    const big = a.alloc(3 * 65536);
    expect(a.memory.buffer.byteLength).toBeGreaterThanOrEqual(4 * 65536);
    expect(() => a.alloc(2 * 65536)).toThrow(MemoryCapError);
    expect(() => a.alloc(2 * 65536)).toThrow(RangeError);
    expect(() => a.alloc(2 * 65536)).toThrow(/cap is 262144 bytes/);
    a.release(big);
    expect(a.bytesInUse).toBe(0);
  });

  it('rejects double free', () => {
    const a = freshArena();
    const p = a.alloc(64);
    a.release(p);
    expect(() => a.release(p)).toThrow(/double free/);
  });

  it('scope releases everything, also when the body throws', () => {
    const a = freshArena();
    expect(() =>
      a.scope((s) => {
        s.alloc(1000);
        s.alloc(5000);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(a.bytesInUse).toBe(0);
  });
});

describe('Engine memory', () => {
  it('10,000 kernel calls leave the arena at zero and memory stops growing', () => {
    const engine = createEngineSync({ backend: 'wasm-simd' });
    const x = new Float64Array(5000).fill(1);
    const y = new Float32Array(3001).fill(2);
    for (let i = 0; i < 100; i++) engine.sum(x);
    const size = engine.memory().memoryBytes;
    for (let i = 0; i < 10_000; i++) {
      engine.sum(i % 2 ? x : y);
    }
    expect(engine.memory().bytesInUse).toBe(0);
    expect(engine.memory().memoryBytes).toBe(size);
  });

  it('resident views are re-derived after memory growth; old views detach', () => {
    const engine = createEngineSync({ backend: 'wasm-simd' });
    const buf = engine.alloc(Float64Array, 1000);
    const before = buf.view();
    before.fill(3);
    const big = engine.alloc(Float64Array, 8 * 1024 * 1024); // forces growth
    expect(before.length).toBe(0); // the old view was detached by the grow
    const after = buf.view();
    expect(after.length).toBe(1000);
    expect(after[999]).toBe(3);
    expect(engine.sum(buf).sum).toBe(3000);
    big.free();
    buf.free();
    expect(engine.memory().bytesInUse).toBe(0);
    expect(() => buf.view()).toThrow(/after free/);
    expect(() => engine.sum(buf)).toThrow(/after free/);
  });

  it('the memory cap turns exhaustion into a RangeError', () => {
    const engine = createEngineSync({ backend: 'wasm-scalar', maxMemoryBytes: 4 * 1024 * 1024 });
    expect(() => engine.alloc(Float64Array, 1024 * 1024)).toThrow(RangeError);
    expect(engine.memory().bytesInUse).toBe(0);
    expect(engine.sum(new Float64Array(10).fill(1)).sum).toBe(10);
  });

  it('alloc validates its arguments', () => {
    const engine = createEngineSync({ backend: 'js' });
    expect(() => engine.alloc(Array as never, 3)).toThrow(TypeError);
    expect(() => engine.alloc(Float64Array, -1)).toThrow(RangeError);
    const b = engine.alloc(Float32Array, 4);
    expect(Array.from(b.view())).toEqual([0, 0, 0, 0]);
    expect(b.ptr).toBe(-1);
  });
});

describe('traps', () => {
  it('a trap inside a kernel marks the engine unusable and frees the scope', () => {
    const raw = instantiateRawSync(readFileSync('build/simd.wasm')) as RawExports & { sumF64(x: number, n: number, nf: number): number };
    const arena = new Arena(raw.memory, raw.heapBase(), 1 << 30);
    const ctx = new WasmContext(raw, arena);
    expect(() =>
      ctx.run((s) => {
        const nf = s.alloc(16);
        // a pointer far past the end of memory: the load traps
        return raw.sumF64(0x7ffffff0, 4, nf);
      }),
    ).toThrow(WebAssembly.RuntimeError);
    expect(arena.bytesInUse).toBe(0);
    expect(ctx.unusable).toBe(true);
    expect(() => ctx.run(() => 1)).toThrow(EngineUnusableError);
  });
});
