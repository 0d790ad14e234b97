// Resident buffers belong to the engine that allocated them: another engine's kernels reject them (a KernelError
// naming the argument) instead of reading whatever sits at that offset in their own memory.
import { describe, expect, it } from 'vitest';
import { BACKENDS } from '../../src/engine.js';
import { createEngineSync } from '../../src/node.js';
import { referenceKernels } from '../../src/reference/index.js';
import { KernelError } from '../../src/wasm/abi.js';

const fresh = (backend: (typeof BACKENDS)[number]) => createEngineSync({ backend });

describe.each(BACKENDS)('resident buffers of a %s engine', (backend) => {
  it('the issue case: b.sum(bufferOfA) is an error, not b data at that offset (1000 instead of 10)', () => {
    const a = fresh(backend);
    const b = fresh(backend);
    const ofA = a.alloc(Float64Array, 10);
    ofA.view().fill(1);
    const ofB = b.alloc(Float64Array, 10);
    ofB.view().fill(100);
    expect(a.sum(ofA).sum).toBe(10);
    let caught: unknown;
    try {
      b.sum(ofA);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(KernelError);
    expect((caught as KernelError).code).toBe('E_FOREIGN_BUFFER');
    expect((caught as KernelError).status).toBeUndefined();
    expect((caught as Error).message).toBe(`sum: E_FOREIGN_BUFFER: x is a resident buffer of another engine (${backend}), not of this ${backend} engine`);
  });

  for (const other of BACKENDS) {
    it(`a ${other} engine rejects them as inputs, outputs, options and columns, and writes nothing`, () => {
      const a = fresh(backend);
      const b = fresh(other);
      const values = Float64Array.from([1, 2, 3, 4]);
      const offsets = Int32Array.from([0, 4]);
      const stats = b.groupStats(values, offsets);
      const outOfA = a.alloc(Float64Array, 4);
      outOfA.view().fill(7);
      expect(() => b.zscores(values, offsets, stats, outOfA)).toThrow(/zscores: E_FOREIGN_BUFFER: out is a resident buffer of another engine/);
      expect(Array.from(outOfA.view())).toEqual([7, 7, 7, 7]);
      const tokens = a.alloc(Float32Array, 4);
      expect(() => b.sequenceLogps(tokens, offsets)).toThrow(/sequenceLogps: E_FOREIGN_BUFFER: tokenLogps/);
      const mask = a.alloc(Uint8Array, 4);
      expect(() => b.sequenceLogps(new Float32Array(4), offsets, { mask })).toThrow(/E_FOREIGN_BUFFER: options\.mask/);
      const meanOfA = a.alloc(Float64Array, 1);
      expect(() => b.pickPositions(values, offsets, { mean: meanOfA, std: stats.std }, ['max'])).toThrow(/pickPositions: E_FOREIGN_BUFFER: stats\.mean/);
      const cols = { policyChosen: values, policyRejected: values, referenceChosen: a.alloc(Float64Array, 4), referenceRejected: values };
      expect(() => b.dpoLosses(cols, { losses: ['sigmoid'] })).toThrow(/dpoLosses: E_FOREIGN_BUFFER: columns\.referenceChosen/);
      expect(() => b.groupStats(values, offsets, {}, { mean: a.alloc(Float64Array, 1) })).toThrow(/groupStats: E_FOREIGN_BUFFER: out\.mean/);
      // its own buffers are used in place
      const own = b.alloc(Float64Array, 4);
      b.zscores(values, offsets, stats, own);
      expect(Array.from(own.view())).toEqual(Array.from(b.zscores(values, offsets, stats)));
    });
  }

  it('referenceKernels (no engine) take typed arrays, not resident buffers', () => {
    const a = fresh(backend);
    const x = a.alloc(Float64Array, 3);
    expect(() => referenceKernels.sum(x)).toThrow(/sum: E_FOREIGN_BUFFER: x is a resident buffer of another engine \(\S+\), not of referenceKernels, which take typed arrays/);
    expect(referenceKernels.sum(x.view()).sum).toBe(0);
  });
});

describe.each(BACKENDS)('alloc on a %s engine', (backend) => {
  it('zero-fills by default, also where a freed buffer left data; { zero: false } gives a usable buffer as is', () => {
    const e = fresh(backend);
    const first = e.alloc(Float64Array, 1000);
    first.view().fill(7);
    first.free();
    // The arena hands the freed block out again: the default clears what the last user left.
    const again = e.alloc(Float64Array, 1000);
    expect(again.view().every((x) => x === 0)).toBe(true);
    again.view().fill(9);
    again.free();
    const raw = e.alloc(Float64Array, 1000, { zero: false });
    expect(raw.view().length).toBe(1000);
    raw.view().set(Float64Array.from({ length: 1000 }, (_, i) => i));
    expect(e.sum(raw).sum).toBe((999 * 1000) / 2);
    raw.free();
  });
});
