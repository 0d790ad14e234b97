// A module worker that creates its own engine and reports the comparison.
import { createEngine, referenceKernels } from '/dist/index.js';
import { column, compare } from '/test/browser/engine-check.js';

createEngine().then(
  (engine) => postMessage(compare(engine, referenceKernels, column())),
  (e) => postMessage({ error: String(e && e.stack || e) }),
);
