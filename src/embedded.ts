// Entry `pairsmith/embedded`: the library with both WASM builds inside the JS (base64, generated into
// build/embedded-wasm.js by scripts/embed-wasm.mjs), so any bundler or runtime works with no loader or asset
// configuration. Each build is decoded and compiled at most once per realm, on first use.
// Not for Cloudflare Workers: they forbid compiling bytes at run time (import the .wasm there; see the README).
import { scalar, simd } from '../build/embedded-wasm.js';
import {
  createEngine as createEngineCore,
  createEngineSync as createEngineSyncCore,
  type Engine,
  type EngineOptions,
} from './engine.js';
import type { Variant } from './wasm/load.js';

export * from './index.js';

const BASE64: Record<Variant, string> = { simd, scalar };

// Compiled modules are immutable and safe to share between engines; the cache only saves repeated compiles.
const compiled = new Map<Variant, WebAssembly.Module>();
const compiling = new Map<Variant, Promise<WebAssembly.Module>>();

/** The bytes of an embedded build (a fresh copy on every call). */
export function embeddedBinary(variant: Variant): Uint8Array<ArrayBuffer> {
  const text = atob(BASE64[variant]);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

function compiledAsync(variant: Variant): Promise<WebAssembly.Module> {
  const ready = compiled.get(variant);
  if (ready) return Promise.resolve(ready);
  let p = compiling.get(variant);
  if (!p) {
    p = WebAssembly.compile(embeddedBinary(variant)).then((m) => {
      compiled.set(variant, m);
      return m;
    });
    // A failure (e.g. a runtime that forbids compiling bytes) is not cached: a later call tries again.
    p.catch(() => compiling.delete(variant));
    compiling.set(variant, p);
  }
  return p;
}

function compiledSync(variant: Variant): WebAssembly.Module {
  let m = compiled.get(variant);
  if (!m) {
    m = new WebAssembly.Module(embeddedBinary(variant));
    compiled.set(variant, m);
  }
  return m;
}

/** createEngine with the embedded builds as the default binaries (a given module, bytes, url or locate wins). */
export function createEngine(opts: EngineOptions = {}): Promise<Engine> {
  return createEngineCore({ locate: compiledAsync, ...opts });
}

/** Synchronous createEngine with the embedded builds (compiles on the calling thread; the builds are ~25 KB). */
export function createEngineSync(opts: EngineOptions = {}): Engine {
  return createEngineSyncCore({ locate: compiledSync, ...opts });
}
