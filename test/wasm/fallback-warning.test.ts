// `auto` that ends below wasm-simd for a reason other than a runtime without SIMD warns once on the console
// (until then only engine.backend told); `warn: false` silences it. The warning is once per realm, so the order
// of the cases in this file matters (each test file has its own module instance).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEngine, createEngineSync } from '../../src/node.js';

const broken = () => new Uint8Array([0, 97, 115, 109, 9, 9]);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('fallback warning', () => {
  it('is not given for a runtime without SIMD, for a forced backend or with warn: false', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(createEngineSync({ simd: false }).backend).toBe('wasm-scalar');
    expect((await createEngine({ backend: 'js' })).backend).toBe('js');
    expect(createEngineSync({ locate: broken, warn: false }).backend).toBe('js');
    expect((await createEngine({ locate: broken, warn: false })).backend).toBe('js');
    expect(warn).not.toHaveBeenCalled();
  });

  it('is given once, naming the backend and the reason', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const e = await createEngine({ locate: broken });
    expect(e.backend).toBe('js');
    expect(warn).toHaveBeenCalledTimes(1);
    const message = String(warn.mock.calls[0]![0]);
    expect(message).toMatch(/^pairsmith: running the js backend, not wasm-simd: simd build failed: .*scalar build failed: /);
    expect(message).toContain(e.fallbackReason!);
    expect(message).toContain('warn: false');
    createEngineSync({ locate: broken });
    await createEngine({ locate: broken });
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
