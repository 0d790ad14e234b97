// The backend contract at the type level: the JS twins satisfy Twin<KernelBackend> and the WASM bindings return their
// family's backend type, so a missing or mismatched twin or binding does not compile. The @ts-expect-error lines
// below are the proof: `npm run typecheck` (tsc, which includes test/) fails if any of them stops being an error.
import { describe, expect, it } from 'vitest';
import type { KernelBackend, Twin } from '../../src/kernels/index.js';
import { bindScoring, type ScoringBackend } from '../../src/kernels/scoring.js';
import type { GroupBackend } from '../../src/kernels/groups.js';
import { referenceBackend, referenceKernels, twin } from '../../src/reference/index.js';
import type { WasmContext } from '../../src/wasm/context.js';
import { ALL_BACKENDS, engineFor } from '../helpers/engines.js';

// A twin that lacks a kernel.
const { zscores: _zscores, ...withoutZscores } = twin;
// @ts-expect-error: zscores has no twin
void (withoutZscores satisfies Twin<KernelBackend>);

// A twin whose signature differs from the backend's (beta as a number instead of { beta }).
const wrongSignature = { ...twin, sequenceRewards: (p: Float64Array, r: Float64Array, beta: number) => p.map((x, i) => beta * (x - r[i]!)) };
// @ts-expect-error: sequenceRewards(policy, reference, beta) is not sequenceRewards(policy, reference, { beta }, out?)
void (wrongSignature satisfies Twin<KernelBackend>);

// A twin that takes parsed positions as strings (the guard parses them once; the backend gets Position objects).
const stringPositions = { ...twin, pickPositions: (_v: Float64Array, _o: Int32Array, _s: unknown, positions: readonly string[]) => Int32Array.from(positions, () => 0) };
// @ts-expect-error: pickPositions' positions are Position objects on the backend side
void (stringPositions satisfies Twin<KernelBackend>);

// A WASM binding that lacks a kernel does not make a ScoringBackend.
export function bindingWithoutSequenceRewards(ctx: WasmContext): ScoringBackend {
  const { sequenceRewards: _s, ...rest } = bindScoring(ctx);
  // @ts-expect-error: sequenceRewards is missing from the binding
  return rest;
}

// A backend kernel with unresolved options: groupStats takes { std } resolved, never undefined.
export function unresolvedGroupStats(b: GroupBackend): void {
  // @ts-expect-error: the backend's options are resolved (the guard fills in std)
  b.groupStats(new Float64Array(1), new Int32Array([0, 1]), {}, {});
}

describe('the backend contract', () => {
  it('the js backend, the public reference kernels and every engine have the same kernels', () => {
    const names = Object.keys(referenceBackend).sort();
    expect(Object.keys(twin).sort()).toEqual(names);
    expect(Object.keys(referenceKernels).sort()).toEqual(names);
    for (const b of ALL_BACKENDS) expect(Object.keys(engineFor(b).kernels).sort(), b).toEqual(names);
  });
});
