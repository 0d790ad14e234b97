// `abort` inside WASM becomes a WasmAbortError with the message and source location, and poisons the engine.
import asc from 'assemblyscript/asc';
import { describe, expect, it } from 'vitest';
import type { RawExports } from '../../src/wasm/abi.js';
import { Arena } from '../../src/wasm/arena.js';
import { EngineUnusableError, WasmContext } from '../../src/wasm/context.js';
import { instantiateRawSync, WasmAbortError } from '../../src/wasm/load.js';

describe('abort', () => {
  it('maps abort(message, file, line, column) to WasmAbortError and marks the engine unusable', async () => {
    const src = 'export function boom(x: i32): i32 { if (x > 2) abort("x out of range", "kernels/k.ts", 3, 7); return x; }';
    const { binary, error } = await asc.compileString(src, { runtime: 'stub', optimizeLevel: 0 });
    expect(error).toBeFalsy();
    const raw = instantiateRawSync(binary!) as RawExports & { boom(x: number): number };
    const ctx = new WasmContext(raw, new Arena(raw.memory, 4096, 1 << 24));
    expect(ctx.run(() => raw.boom(1))).toBe(1);
    let caught: unknown;
    try {
      ctx.run(() => raw.boom(5));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(WasmAbortError);
    expect((caught as Error).message).toMatch(/x out of range at kernels\/k\.ts:3:7/);
    expect(() => ctx.run(() => raw.boom(1))).toThrow(EngineUnusableError);
  });
});
