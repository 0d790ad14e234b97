// Engines for every backend, so one suite runs against wasm-simd, wasm-scalar and js.
import { BACKENDS, type Backend, type Engine } from '../../src/engine.js';
import { createEngineSync } from '../../src/node.js';

const cache = new Map<Backend, Engine>();

/** A shared engine per backend (created once per test file). */
export function engineFor(backend: Backend): Engine {
  let e = cache.get(backend);
  if (!e) {
    e = createEngineSync({ backend });
    cache.set(backend, e);
  }
  return e;
}

/** [backend] tuples for describe.each. */
export const ALL_BACKENDS: Backend[] = [...BACKENDS];
