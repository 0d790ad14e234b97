// The pure-JS twins, one module per family, checked against the backend interface: `twin` must satisfy
// Twin<KernelBackend>, so a kernel without a twin (or with a twin of another signature) does not compile.
import { guardKernels, type KernelBackend, type Kernels, type Twin } from '../kernels/index.js';
import * as reduce from './reduce.js';
import * as scoring from './scoring.js';
import * as groups from './groups.js';
import * as losses from './losses.js';
import * as linalg from './linalg.js';
import * as rpca from './rpca.js';
import * as json from './json.js';

/** Every twin by kernel name. */
export const twin = {
  ...reduce,
  ...scoring,
  ...groups,
  ...losses,
  ...linalg,
  ...rpca,
  ...json,
} satisfies Twin<KernelBackend>;

// The js backend's resident buffers hold ordinary typed arrays: the twins get their views (also inside objects).
// Recognised by shape: the twins do not depend on the WASM binding.
function isResident(v: unknown): v is { view(): unknown } {
  return v !== null && typeof v === 'object' && !ArrayBuffer.isView(v) && typeof (v as { view?: unknown }).view === 'function' && 'ptr' in v && 'freed' in v;
}

function view(v: unknown): unknown {
  if (isResident(v)) return v.view();
  if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v) && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = isResident(x) ? x.view() : x;
    return o;
  }
  return v;
}

/** The twins as a KernelBackend: what a js engine runs (behind its argument checks). */
export const referenceBackend: KernelBackend = Object.fromEntries(
  Object.entries(twin).map(([name, fn]) => [name, (...args: unknown[]) => (fn as (...a: unknown[]) => unknown)(...args.map(view))]),
) as unknown as KernelBackend; // the one cast: Twin<KernelBackend> was checked above, and view() is what Twin describes

/**
 * The twins behind the public Kernels interface, with the same argument checks as an engine; they take typed
 * arrays, not resident buffers (those belong to an engine). For computations without an engine.
 */
export const referenceKernels: Kernels = guardKernels(referenceBackend, null);

export { reduce };
export { scoring };
export { groups };
export { losses };
export { linalg };
export { rpca };
export { json };
