// The ABI test: both builds implement every code, argument block and function the bindings ask for, by name (the
// numbers live in assembly/ only); and the check fails when the module and the bindings disagree (tampered exports).
import { readFileSync } from 'node:fs';
import asc from 'assemblyscript/asc';
import { describe, expect, it } from 'vitest';
import { abiProblems } from '../../src/kernels/index.js';
import { LOSS_TYPES } from '../../src/kernels/losses.js';
import { enumMembers, memberName, type RawExports } from '../../src/wasm/abi.js';
import { createEngineSync } from '../../src/node.js';
import { instantiateRawSync } from '../../src/wasm/load.js';

const BUILDS = ['simd', 'scalar'] as const;

function raw(build: (typeof BUILDS)[number]): RawExports {
  return instantiateRawSync(readFileSync(`build/${build}.wasm`));
}

/** The module's exports as WebAssembly.Instance has them (flat `Enum.MEMBER` names), with `edit` applied. */
function flat(build: (typeof BUILDS)[number], edit: (exports: Record<string, unknown>) => void): RawExports {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(`build/${build}.wasm`)), { env: { abort: () => undefined } });
  const exports: Record<string, unknown> = { ...instance.exports };
  edit(exports);
  return exports as unknown as RawExports;
}

const global = (v: number) => new WebAssembly.Global({ value: 'i32', mutable: false }, v);

describe.each(BUILDS)('the %s build implements the ABI', (build) => {
  it('every code, argument block and function the bindings use, with nothing left over', () => {
    expect(abiProblems(raw(build))).toEqual([]);
    // the same through the flat exports of a bare WebAssembly.Instance (no loader)
    expect(abiProblems(flat(build, () => undefined))).toEqual([]);
  });

  it('every loss type has its code, the codes are distinct, and the module has no loss the binding lacks', () => {
    const members = enumMembers(raw(build) as unknown as Record<string, unknown>, 'Loss')!;
    expect([...members.keys()].sort()).toEqual(LOSS_TYPES.map(memberName).sort());
    expect(new Set(members.values()).size).toBe(LOSS_TYPES.length);
  });

  it('Status.S_OK is 0 (the rpca family still checks statuses with the deprecated free check())', () => {
    expect(enumMembers(raw(build) as unknown as Record<string, unknown>, 'Status')!.get('S_OK')).toBe(0);
  });

  it('argument blocks fit the argument area and number their slots 0..SLOTS-1', () => {
    const r = raw(build) as unknown as Record<string, unknown>;
    const capacity = Number((r.ARGS_SLOTS as WebAssembly.Global).value);
    for (const block of ['GroupStatsArg', 'PickPositionsArg', 'DpoLossesArg']) {
      const m = enumMembers(r, block)!;
      const slots = m.get('SLOTS')!;
      expect(slots, block).toBeLessThanOrEqual(capacity);
      const values = [...m].filter(([k]) => k !== 'SLOTS').map(([, v]) => v).sort((a, b) => a - b);
      expect(values, block).toEqual(Array.from({ length: slots }, (_, i) => i));
    }
  });
});

describe('the ABI check fails when module and bindings disagree', () => {
  const cases: [string, (e: Record<string, unknown>) => void, RegExp][] = [
    ['a loss code missing', (e) => delete e['Loss.ODPO'], /Loss has no member ODPO for 'odpo'/],
    ['a loss the binding does not know', (e) => (e['Loss.NEW_LOSS'] = global(99)), /Loss\.NEW_LOSS is not known to the binding/],
    ['two losses with one code', (e) => (e['Loss.HINGE'] = e['Loss.SIGMOID']), /Loss\.\w+ and Loss\.\w+ share the code/],
    ['a position kind missing', (e) => delete e['PositionKind.MIN'], /PositionKind has no member MIN/],
    ['a slot the binding does not write', (e) => (e['DpoLossesArg.EXTRA'] = global(40)), /DpoLossesArg\.EXTRA is not written by the binding/],
    ['a slot missing', (e) => delete e['GroupStatsArg.DDOF'], /GroupStatsArg has no slot DDOF for 'ddof'/],
    ['two fields in one slot', (e) => (e['PickPositionsArg.KS'] = e['PickPositionsArg.KINDS']), /PickPositionsArg: slots must be 0\.\.10, one per field/],
    ['a block larger than the area', (e) => (e.ARGS_SLOTS = global(8)), /DpoLossesArg needs 34 slots, the argument area has 8/],
    ['a kernel function missing', (e) => delete e.sequenceRewardsF32, /does not export the function sequenceRewardsF32/],
    ['a whole enum missing', (e) => { for (const k of Object.keys(e)) if (k.startsWith('Score.')) delete e[k]; }, /does not export the enum Score/],
  ];
  for (const [what, edit, message] of cases) {
    it(what, () => {
      const problems = abiProblems(flat('simd', edit));
      expect(problems.join('; ')).toMatch(message);
    });
  }

  it('an engine is not built on a module without the ABI: an explicit backend throws the AbiError, auto falls back', async () => {
    // a module with the engine's own exports (memory, heapBase, simdEnabled) and none of the kernels' contract
    const src = 'export function heapBase(): usize { return __heap_base; }\nexport function simdEnabled(): i32 { return 0; }';
    const { binary, error } = await asc.compileString(src, { runtime: 'stub', optimizeLevel: 0 });
    expect(error).toBeFalsy();
    const bytes = new Uint8Array(binary!);
    const problems = abiProblems(instantiateRawSync(bytes));
    expect(problems).toContain('the module does not export the enum Loss');
    expect(problems).toContain('the module does not export the function dpoLossesF64');
    expect(() => createEngineSync({ backend: 'wasm-scalar', bytes })).toThrow(/could not load the scalar build: pairsmith: the WASM module does not match the bindings: the module does not export the enum Status/);
    const auto = createEngineSync({ bytes, simd: false, warn: false });
    expect(auto.backend).toBe('js');
    expect(auto.fallbackReason).toMatch(/scalar build failed: pairsmith: the WASM module does not match the bindings/);
  });
});
