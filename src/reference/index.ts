// The pure-JS reference kernels, one module per family, as one Kernels object.
import type { Kernels } from '../kernels/index.js';
import * as reduce from './reduce.js';
import * as scoring from './scoring.js';
import * as groups from './groups.js';
import * as losses from './losses.js';
import * as linalg from './linalg.js';
import * as rpca from './rpca.js';
import * as json from './json.js';

const plain = {
  ...reduce,
  ...scoring,
  ...groups,
  ...losses,
  ...linalg,
  ...rpca,
  ...json,
};

// Resident buffers on the js backend hold ordinary typed arrays: hand the reference their views. (Recognised by
// shape: the twins do not depend on the WASM binding.)
function isResident(v: unknown): v is { view(): unknown } {
  return v !== null && typeof v === 'object' && !ArrayBuffer.isView(v) && typeof (v as { view?: unknown }).view === 'function' && 'ptr' in v && 'freed' in v;
}

function unwrap(v: unknown): unknown {
  if (isResident(v)) return v.view();
  if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v) && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = isResident(x) ? x.view() : x;
    return o;
  }
  return v;
}

/** Reference kernels behind the Kernels interface (resident buffers are passed as their views). */
export const referenceKernels: Kernels = Object.fromEntries(
  Object.entries(plain).map(([name, fn]) => [name, (...args: unknown[]) => (fn as (...a: unknown[]) => unknown)(...args.map(unwrap))]),
) as unknown as Kernels;

export { reduce };
export { scoring };
export { groups };
export { losses };
export { linalg };
export { rpca };
export { json };
