// The `pairsmith/embedded` entry: the builds travel inside the JS, are compiled once per realm, and a runtime
// that forbids compiling bytes (Cloudflare Workers) falls back visibly while an imported Module still works.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEngine, createEngineSync, embeddedBinary, referenceKernels } from '../../src/embedded.js';

afterEach(() => {
  vi.restoreAllMocks();
});

const x = Float64Array.from([0.5, -0.25, 1e300, Number.MIN_VALUE, NaN, 3]);

describe('pairsmith/embedded', () => {
  it('carries build/simd.wasm and build/scalar.wasm byte for byte', () => {
    for (const v of ['simd', 'scalar'] as const) {
      expect(Buffer.from(embeddedBinary(v)).equals(readFileSync(`build/${v}.wasm`)), v).toBe(true);
    }
  });

  it('where compiling bytes is forbidden, auto falls back to js with the reason; an imported Module works', async () => {
    const compile = WebAssembly.compile;
    const module = await compile(readFileSync('build/simd.wasm'));
    vi.spyOn(WebAssembly, 'compile').mockRejectedValue(new WebAssembly.CompileError('Wasm code generation disallowed by embedder'));
    const e = await createEngine({ warn: false });
    expect(e.backend).toBe('js');
    expect(e.fallbackReason).toMatch(/simd build failed: Wasm code generation disallowed by embedder/);
    expect((await createEngine({ module })).backend).toBe('wasm-simd');
  });

  it('compiles each build once, however many engines are created (async and sync)', async () => {
    const compile = vi.spyOn(WebAssembly, 'compile');
    const engines = await Promise.all([createEngine(), createEngine(), createEngine()]);
    engines.push(createEngineSync());
    expect(engines.map((e) => e.backend)).toEqual(['wasm-simd', 'wasm-simd', 'wasm-simd', 'wasm-simd']);
    expect(compile).toHaveBeenCalledTimes(1);
    const want = referenceKernels.sum(x);
    for (const e of engines) expect(e.sum(x)).toEqual(want);
  });

  it('gives the scalar build where SIMD is missing, synchronously too', async () => {
    expect((await createEngine({ simd: false })).backend).toBe('wasm-scalar');
    const e = createEngineSync({ simd: false });
    expect(e.backend).toBe('wasm-scalar');
    expect(e.sum(Float32Array.from([0.5, 0.25, NaN]))).toEqual({ sum: 0.75, nonFinite: 1 });
  });
});
