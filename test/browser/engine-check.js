// Shared by the page and the worker: a fixed column and a comparison of the engine with the JS reference.
export function column() {
  const n = 100003;
  const x = new Float32Array(n);
  let s = 7;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    x[i] = (s / 2 ** 32) * 2 - 1;
  }
  x[5] = NaN;
  return x;
}

export function compare(engine, reference, x) {
  const got = engine.sum(x);
  const want = reference.sum(x);
  const resident = engine.alloc(Float32Array, x.length);
  resident.view().set(x);
  const inPlace = engine.sum(resident);
  resident.free();
  return {
    backend: engine.backend,
    simdSupported: engine.simdSupported,
    got,
    want,
    inPlace,
    bytesInUse: engine.memory().bytesInUse,
  };
}
