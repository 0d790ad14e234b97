// Backend choice in different environments: probe forced off, no WebAssembly, a Module injected (Workers path),
// binaries fetched with a wrong MIME type, a failed streaming compile, a 404 or an HTML page instead of a binary.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEngine as createEngineCore } from '../../src/engine.js';
import { binaryPath, createEngine, createEngineSync } from '../../src/node.js';
import { compileResponse, wasmSimdSupported } from '../../src/wasm/load.js';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

// Fallbacks below are deliberate: no console warning (test/wasm/fallback-warning.test.ts tests the warning).
const quiet = { warn: false } as const;

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
    const e = createEngineSync(quiet);
    expect(e.backend).toBe('js');
    expect(e.fallbackReason).toMatch(/WebAssembly is not available/);
    expect(e.sum(new Float32Array([1, 2])).sum).toBe(3);
    const a = await createEngine(quiet);
    expect(a.backend).toBe('js');
    expect(() => createEngineSync({ backend: 'wasm-scalar' })).toThrow(/WebAssembly is not available/);
  });

  it('a broken binary makes auto fall back to js with the reason', () => {
    const e = createEngineSync({ ...quiet, locate: () => new Uint8Array([0, 97, 115, 109, 9, 9]) });
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

describe('fetched binaries (Response)', () => {
  const simdBytes = () => readFileSync(binaryPath('simd'));
  const response = (body: BodyInit, type: string | null, status = 200) =>
    new Response(body, { status, headers: type === null ? {} : { 'content-type': type } });

  it('compiles a binary served with a wrong or missing MIME type from its bytes', async () => {
    for (const type of ['application/octet-stream', 'text/plain; charset=utf-8', null]) {
      const e = await createEngineCore({ locate: () => response(simdBytes(), type) });
      expect(e.backend, String(type)).toBe('wasm-simd');
      expect(e.fallbackReason).toBeUndefined();
    }
  });

  it('retries with arrayBuffer() when streaming compilation fails', async () => {
    const streaming = vi
      .spyOn(WebAssembly, 'compileStreaming')
      .mockRejectedValueOnce(new TypeError("WebAssembly.compileStreaming(): Incorrect response MIME type. Expected 'application/wasm'."));
    const e = await createEngineCore({ locate: () => response(simdBytes(), 'application/wasm') });
    expect(streaming).toHaveBeenCalledTimes(1);
    expect(e.backend).toBe('wasm-simd');
  });

  it('streams a binary served as application/wasm', async () => {
    const streaming = vi.spyOn(WebAssembly, 'compileStreaming');
    const module = await compileResponse(response(simdBytes(), 'application/wasm; charset=binary'));
    expect(streaming).toHaveBeenCalledTimes(1);
    expect(WebAssembly.Module.exports(module).map((x) => x.name)).toContain('simdEnabled');
  });

  it('names an HTTP error and a page that is not WebAssembly, instead of a compile error', async () => {
    await expect(compileResponse(response('not found', 'text/plain', 404))).rejects.toThrow(/^HTTP 404 for the response$/);
    await expect(compileResponse(response('<!doctype html><html>', 'text/html'))).rejects.toThrow(
      "the response is not a WebAssembly binary (content-type 'text/html', 21 bytes: '<!doctype html><html>')",
    );
    await expect(createEngineCore({ backend: 'wasm-simd', locate: () => response('x', 'text/html', 404) })).rejects.toThrow(
      /could not load the simd build: HTTP 404/,
    );
    const e = await createEngineCore({ ...quiet, locate: () => response('<html>', 'text/html') });
    expect(e.backend).toBe('js');
    expect(e.fallbackReason).toMatch(/simd build failed: the response is not a WebAssembly binary.*scalar build failed/);
  });
});
