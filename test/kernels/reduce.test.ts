// The sum kernel on every backend against the JS reference: lane-straddling lengths, misaligned
// subarrays, NaN/Inf, large inputs, resident buffers.
import { describe, expect, it } from 'vitest';
import { reduce } from '../../src/reference/index.js';
import { ALL_BACKENDS, engineFor } from '../helpers/engines.js';
import { LANE_LENGTHS, expectClose, rng, sumRtol } from '../helpers/close.js';

function column(ctor: Float32ArrayConstructor | Float64ArrayConstructor, n: number, seed: number): Float32Array | Float64Array {
  const r = rng(seed);
  const x = new ctor(n);
  for (let i = 0; i < n; i++) x[i] = (r() - 0.5) * 100;
  return x;
}

function absSum(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]!)) s += Math.abs(x[i]!);
  return s;
}

describe('reference sum (known answers)', () => {
  it('sums small vectors exactly and counts non-finite values', () => {
    expect(reduce.sum(new Float64Array([]))).toEqual({ sum: 0, nonFinite: 0 });
    expect(reduce.sum(new Float64Array([2.5]))).toEqual({ sum: 2.5, nonFinite: 0 });
    expect(reduce.sum(new Float64Array([1, 2, 3, NaN, Infinity, -Infinity]))).toEqual({ sum: 6, nonFinite: 3 });
    expect(reduce.sum(new Float32Array([0.5, 0.25, 0.125]))).toEqual({ sum: 0.875, nonFinite: 0 });
  });
  it('accumulates f32 input in f64 (no f32 rounding of the running sum)', () => {
    // 2^24 + 1 is not representable in f32; an f32 accumulator would lose the ones.
    const x = new Float32Array([16777216, 1, 1, 1, 1]);
    expect(reduce.sum(x).sum).toBe(16777220);
  });
});

describe.each(ALL_BACKENDS)('sum on %s', (backend) => {
  const engine = engineFor(backend);
  for (const ctor of [Float32Array, Float64Array]) {
    it(`${ctor.name}: matches the reference at lane-straddling lengths`, () => {
      for (const n of LANE_LENGTHS) {
        const x = column(ctor, n, n + 1);
        const got = engine.sum(x);
        const want = reduce.sum(x);
        expect(got.nonFinite).toBe(0);
        expectClose(got.sum, want.sum, { rtol: sumRtol(n), scale: absSum(x) }, `n=${n}`);
      }
    });

    it(`${ctor.name}: misaligned subarrays`, () => {
      const base = column(ctor, 1030, 7);
      for (const off of [1, 2, 3, 5]) {
        const x = base.subarray(off, off + 1021);
        expectClose(engine.sum(x).sum, reduce.sum(x).sum, { rtol: sumRtol(1021), scale: absSum(x) }, `offset ${off}`);
      }
    });

    it(`${ctor.name}: NaN and Inf are counted at every lane position and left out of the sum`, () => {
      for (const n of [1, 3, 4, 5, 8, 9, 17]) {
        for (let pos = 0; pos < n; pos++) {
          for (const bad of [NaN, Infinity, -Infinity]) {
            const x = column(ctor, n, 99);
            x[pos] = bad;
            const got = engine.sum(x);
            const want = reduce.sum(x);
            expect(got.nonFinite, `n=${n} pos=${pos}`).toBe(1);
            expectClose(got.sum, want.sum, { rtol: sumRtol(n), scale: absSum(x), atol: 1e-12 });
          }
        }
      }
    });

    it(`${ctor.name}: a large column (2^20 + 3)`, () => {
      const n = (1 << 20) + 3;
      const x = column(ctor, n, 3);
      x[12345] = NaN;
      const got = engine.sum(x);
      expect(got.nonFinite).toBe(1);
      expectClose(got.sum, reduce.sum(x).sum, { rtol: sumRtol(n), scale: absSum(x) });
    });

    it(`${ctor.name}: values near the f64 range stay finite when their sum does`, () => {
      if (ctor === Float32Array) return;
      const x = new Float64Array([1e300, -1e300, 1e300, -1e300, 5]);
      expect(engine.sum(x).sum).toBe(5);
    });
  }

  it('reads a resident buffer in place and gives the same answer as a copy', () => {
    const x = column(Float64Array, 777, 11);
    const buf = engine.alloc(Float64Array, x.length);
    buf.view().set(x);
    expect(engine.sum(buf).sum).toBe(engine.sum(x).sum);
    buf.free();
  });

  it('rejects wrong kinds with a TypeError naming the argument', () => {
    expect(() => engine.sum([1, 2, 3] as unknown as Float64Array)).toThrow(/x must be Float32Array or Float64Array/);
    expect(() => engine.sum(new Int32Array(3) as unknown as Float64Array)).toThrow(TypeError);
  });
});
