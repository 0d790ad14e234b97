// Backend choice in different environments: probe forced off, no WebAssembly, a Module injected (Workers path).
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEngine as createEngineCore } from '../../src/engine.js';
import { binaryPath, createEngine, createEngineSync } from '../../src/node.js';
import { wasmSimdSupported } from '../../src/wasm/load.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('backend choice', () => {
  it('auto picks wasm-simd where SIMD validates (Node 20 does)', () => {
    expect(wasmSimdSupported()).toBe(true);
    const e = createEngineSync();
    expect(e.backend).toBe('wasm-simd');
    expect(e.fallbackReason).toBeUndefined();
  });

  it('with the probe forced off, auto picks wasm-scalar and says why', () => {
    const e = createEngineSync({ simd: false });
    expect(e.backend).toBe('wasm-scalar');
    expect(e.fallbackReason).toMatch(/SIMD/);
    expect(e.sum(new Float64Array([1, 2, 3])).sum).toBe(6);
  });

  it('forcing wasm-simd without SIMD is an error, not a silent fallback', () => {
    expect(() => createEngineSync({ backend: 'wasm-simd', simd: false })).toThrow(/does not support WASM SIMD/);
  });

  it('without WebAssembly, auto falls back to js visibly; forcing wasm throws', async () => {
    vi.stubGlobal('WebAssembly', undefined);
    const e = createEngineSync();
    expect(e.backend).toBe('js');
    expect(e.fallbackReason).toMatch(/WebAssembly is not available/);
    expect(e.sum(new Float32Array([1, 2])).sum).toBe(3);
    const a = await createEngine();
    expect(a.backend).toBe('js');
    expect(() => createEngineSync({ backend: 'wasm-scalar' })).toThrow(/WebAssembly is not available/);
  });

  it('a broken binary makes auto fall back to js with the reason', () => {
    const e = createEngineSync({ locate: () => new Uint8Array([0, 97, 115, 109, 9, 9]) });
    expect(e.backend).toBe('js');
    expect(e.fallbackReason).toMatch(/simd build failed/);
    expect(() => createEngineSync({ backend: 'wasm-scalar', bytes: new Uint8Array([1, 2, 3]) })).toThrow(/could not load the scalar build/);
  });

  it('accepts a precompiled WebAssembly.Module (the edge/Workers path) in the runtime-neutral core', async () => {
    const module = await WebAssembly.compile(readFileSync(binaryPath('scalar')));
    const e = await createEngineCore({ module });
    expect(e.backend).toBe('wasm-scalar');
    expect(e.sum(new Float64Array([0.5, 0.25])).sum).toBe(0.75);
    const simd = await createEngineCore({ bytes: readFileSync(binaryPath('simd')) });
    expect(simd.backend).toBe('wasm-simd');
  });

  it('rejects an unknown backend name', () => {
    expect(() => createEngineSync({ backend: 'gpu' as never })).toThrow(/unknown backend 'gpu'/);
  });
});
