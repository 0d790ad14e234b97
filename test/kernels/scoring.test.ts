// sequenceLogps and implicitRewards on every backend against the JS reference: f32 and f64 tokens, masks,
// sum and mean, lane-straddling sequence lengths, misaligned subarrays, NaN/Inf, 1e6 tokens, resident buffers.
import { describe, expect, it } from 'vitest';
import { scoring as ref } from '../../src/reference/index.js';
import { ALL_BACKENDS, engineFor } from '../helpers/engines.js';
import { LANE_LENGTHS, expectAllClose, expectClose, rng, sumRtol } from '../helpers/close.js';

type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;

/** Sequences of the given lengths with log-prob-like tokens in (-8, 0], plus a random mask. */
function tokens(ctor: FloatCtor, lengths: number[], seed: number) {
  const r = rng(seed);
  const offsets = new Int32Array(lengths.length + 1);
  lengths.forEach((l, g) => (offsets[g + 1] = offsets[g]! + l));
  const n = offsets[lengths.length]!;
  const policy = new ctor(n);
  const reference = new ctor(n);
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    policy[i] = -8 * r();
    reference[i] = -8 * r();
    mask[i] = r() < 0.7 ? 1 + Math.floor(r() * 200) : 0;
  }
  return { policy, reference, offsets, mask };
}

/** Per-sequence sum of |p - r| (or |p|) over counted tokens: the scale of the f64 rounding error. */
function scales(p: ArrayLike<number>, r: ArrayLike<number> | undefined, offsets: Int32Array, mask?: Uint8Array): number[] {
  const out: number[] = [];
  for (let g = 0; g + 1 < offsets.length; g++) {
    let s = 0;
    for (let i = offsets[g]!; i < offsets[g + 1]!; i++) if (!mask || mask[i]) s += Math.abs(p[i]! - (r ? r[i]! : 0));
    out.push(s);
  }
  return out;
}

function expectSeqClose(got: Float64Array, want: Float64Array, sc: number[], offsets: Int32Array, label: string, factor = 1) {
  expect(got.length, label).toBe(want.length);
  for (let g = 0; g < want.length; g++) {
    const n = offsets[g + 1]! - offsets[g]!;
    expectClose(got[g]!, want[g]!, { rtol: sumRtol(n), scale: sc[g]! * factor, atol: 1e-300 }, `${label}[${g}]`);
  }
}

const LENGTHS = [...LANE_LENGTHS.filter((n) => n < 200), 0, 1, 3, 4, 5];

describe('reference sequenceLogps / implicitRewards (known answers)', () => {
  it('sums and means per sequence, with a mask, and an empty sequence gives 0', () => {
    const x = new Float64Array([-1, -2, -3.5, -0.25, -0.75]);
    const off = new Int32Array([0, 3, 3, 5]);
    expect(Array.from(ref.sequenceLogps(x, off))).toEqual([-6.5, 0, -1]);
    expect(Array.from(ref.sequenceLogps(x, off, { reduce: 'mean' }))).toEqual([-6.5 / 3, 0, -0.5]);
    const mask = new Uint8Array([0, 1, 1, 0, 1]);
    expect(Array.from(ref.sequenceLogps(x, off, { mask }))).toEqual([-5.5, 0, -0.75]);
    expect(Array.from(ref.sequenceLogps(x, off, { mask, reduce: 'mean' }))).toEqual([-2.75, 0, -0.75]);
  });

  it('accumulates f32 tokens in f64', () => {
    const x = new Float32Array([16777216, 1, 1, 1, 1]);
    expect(ref.sequenceLogps(x, new Int32Array([0, 5]))[0]).toBe(16777220);
  });

  it('losses.md case A: rewards/chosen 0.1 and rewards/rejected -0.05 at beta 0.1', () => {
    // chosen: policy -10 = -4 - 6, reference -11 = -5 - 6; rejected: policy -12, reference -11.5
    const pol = new Float64Array([-4, -6, -7, -5]);
    const rf = new Float64Array([-5, -6, -6.5, -5]);
    const got = ref.implicitRewards(pol, rf, new Int32Array([0, 2, 4]), { beta: 0.1 });
    expectAllClose(got, [0.1, -0.05], { rtol: 1e-15 });
    expectAllClose(ref.sequenceRewards(new Float64Array([-10, -12]), new Float64Array([-11, -11.5]), { beta: 0.1 }), [0.1, -0.05], { rtol: 1e-15 });
    expectAllClose(ref.implicitRewards(pol, rf, new Int32Array([0, 2, 4]), { beta: 0.1, reduce: 'mean' }), [0.05, -0.025], { rtol: 1e-15 });
  });
});

describe.each(ALL_BACKENDS)('scoring kernels on %s', (backend) => {
  const engine = engineFor(backend);

  for (const ctor of [Float32Array, Float64Array]) {
    it(`${ctor.name}: sequenceLogps matches the reference (sum/mean, with and without mask)`, () => {
      const { policy, offsets, mask } = tokens(ctor, LENGTHS, 1);
      for (const reduce of ['sum', 'mean'] as const) {
        for (const m of [undefined, mask]) {
          const got = engine.sequenceLogps(policy, offsets, { reduce, mask: m });
          const want = ref.sequenceLogps(policy, offsets, { reduce, mask: m });
          expectSeqClose(got, want, scales(policy, undefined, offsets, m), offsets, `${reduce} ${m ? 'mask' : ''}`);
        }
      }
    });

    it(`${ctor.name}: implicitRewards and sequenceRewards match the reference`, () => {
      const { policy, reference, offsets, mask } = tokens(ctor, LENGTHS, 2);
      for (const beta of [0.1, 1, -2.5]) {
        for (const reduce of ['sum', 'mean'] as const) {
          for (const m of [undefined, mask]) {
            const got = engine.implicitRewards(policy, reference, offsets, { beta, reduce, mask: m });
            const want = ref.implicitRewards(policy, reference, offsets, { beta, reduce, mask: m });
            expectSeqClose(got, want, scales(policy, reference, offsets, m), offsets, `beta ${beta} ${reduce}`, Math.abs(beta));
          }
        }
        for (const n of LANE_LENGTHS) {
          const p = policy.subarray(0, n);
          const r = reference.subarray(0, n);
          // elementwise beta * (p - r) with one rounding each: exact across backends
          expect(Array.from(engine.sequenceRewards(p, r, { beta })), `n=${n}`).toEqual(Array.from(ref.sequenceRewards(p, r, { beta })));
        }
      }
    });

    it(`${ctor.name}: misaligned subarrays`, () => {
      const { policy, reference, offsets } = tokens(ctor, LENGTHS, 3);
      const n = policy.length;
      for (const off of [1, 2, 3]) {
        const pb = new ctor(n + 4);
        pb.set(policy, off);
        const rb = new ctor(n + 4);
        rb.set(reference, off);
        const p = pb.subarray(off, off + n);
        const r = rb.subarray(off, off + n);
        const sc = scales(p, r, offsets);
        expectSeqClose(engine.implicitRewards(p, r, offsets, { beta: 1 }), ref.implicitRewards(p, r, offsets, { beta: 1 }), sc, offsets, `off ${off}`);
        expectSeqClose(engine.sequenceLogps(p, offsets), ref.sequenceLogps(p, offsets), scales(p, undefined, offsets), offsets, `off ${off}`);
      }
    });

    it(`${ctor.name}: a NaN or Inf token makes its sequence non-finite (never a finite-looking value); masked ones are ignored`, () => {
      for (const len of [1, 3, 4, 5, 8, 9]) {
        for (let pos = 0; pos < len; pos++) {
          const { policy, reference, offsets } = tokens(ctor, [2, len, 3], 4);
          const at = offsets[1]! + pos;
          policy[at] = NaN;
          const got = engine.implicitRewards(policy, reference, offsets, { beta: 0.1 });
          expect(got[1], `len ${len} pos ${pos}`).toBeNaN();
          expect(Number.isFinite(got[0]!) && Number.isFinite(got[2]!)).toBe(true);
          policy[at] = -Infinity;
          expect(engine.sequenceLogps(policy, offsets)[1]).toBe(-Infinity);
          const mask = new Uint8Array(policy.length).fill(1);
          policy[at] = NaN;
          mask[at] = 0;
          const masked = engine.sequenceLogps(policy, offsets, { mask });
          expectSeqClose(masked, ref.sequenceLogps(policy, offsets, { mask }), scales(policy, undefined, offsets, mask), offsets, `masked ${len} ${pos}`);
          expect(Number.isFinite(masked[1]!)).toBe(true);
        }
      }
    });

    it(`${ctor.name}: 1e6 tokens in 2100 sequences`, () => {
      const lengths = Array.from({ length: 2100 }, (_, i) => 250 + ((i * 37) % 500));
      const { policy, reference, offsets, mask } = tokens(ctor, lengths, 5);
      expect(policy.length).toBeGreaterThan(1e6);
      const got = engine.implicitRewards(policy, reference, offsets, { beta: 0.1, mask });
      const want = ref.implicitRewards(policy, reference, offsets, { beta: 0.1, mask });
      expectSeqClose(got, want, scales(policy, reference, offsets, mask), offsets, '1e6', 0.1);
    });
  }

  it('empty input: no sequences, and sequences without tokens', () => {
    for (const ctor of [Float32Array, Float64Array]) {
      expect(engine.sequenceLogps(new ctor(0), new Int32Array([0])).length).toBe(0);
      expect(Array.from(engine.sequenceLogps(new ctor(0), new Int32Array([0, 0, 0]), { reduce: 'mean' }))).toEqual([0, 0]);
      expect(Array.from(engine.implicitRewards(new ctor(0), new ctor(0), new Int32Array([0, 0]), { beta: 1 }))).toEqual([0]);
      expect(engine.sequenceRewards(new ctor(0), new ctor(0), { beta: 1 }).length).toBe(0);
    }
  });

  it('differences of f32 tokens are taken after widening to f64', () => {
    const p = new Float32Array([1.0000001, 3.1415927, -20.5]);
    const r = new Float32Array([1e-8, 3.1415925, -20.499998]);
    const want = [0, 1, 2].map((i) => 0.5 * (Math.fround(p[i]!) - Math.fround(r[i]!)));
    expect(Array.from(engine.sequenceRewards(p, r, { beta: 0.5 }))).toEqual(want);
    const seq = engine.implicitRewards(p, r, new Int32Array([0, 3]), { beta: 1 });
    expectClose(seq[0]!, want.reduce((a, b) => a + b, 0) * 2, { rtol: 1e-15, atol: 1e-15 });
  });

  it('f32 and f64 inputs holding the same values agree', () => {
    const { policy, reference, offsets } = tokens(Float32Array, LENGTHS, 6);
    const p64 = Float64Array.from(policy);
    const r64 = Float64Array.from(reference);
    const a = engine.implicitRewards(policy, reference, offsets, { beta: 0.1 });
    const b = engine.implicitRewards(p64, r64, offsets, { beta: 0.1 });
    expectSeqClose(a, b, scales(p64, r64, offsets), offsets, 'f32 vs f64', 0.1);
  });

  it('resident inputs (tokens, offsets, mask) and a resident out are used in place', () => {
    const { policy, reference, offsets, mask } = tokens(Float32Array, LENGTHS, 7);
    const groups = offsets.length - 1;
    const pr = engine.alloc(Float32Array, policy.length);
    const rr = engine.alloc(Float32Array, policy.length);
    const or = engine.alloc(Int32Array, offsets.length);
    const mr = engine.alloc(Uint8Array, mask.length);
    const out = engine.alloc(Float64Array, groups);
    pr.view().set(policy);
    rr.view().set(reference);
    or.view().set(offsets);
    mr.view().set(mask);
    const opts = { beta: 0.1, reduce: 'mean' as const };
    engine.implicitRewards(pr, rr, or, { ...opts, mask: mr }, out);
    expect(Array.from(out.view())).toEqual(Array.from(engine.implicitRewards(policy, reference, offsets, { ...opts, mask })));
    engine.sequenceLogps(pr, or, { mask: mr }, out);
    expect(Array.from(out.view())).toEqual(Array.from(engine.sequenceLogps(policy, offsets, { mask })));
    // sequenceRewards: resident inputs and out
    const seqOut = engine.alloc(Float64Array, policy.length);
    engine.sequenceRewards(pr, rr, { beta: 2 }, seqOut);
    expect(Array.from(seqOut.view())).toEqual(Array.from(engine.sequenceRewards(policy, reference, { beta: 2 })));
    for (const b of [pr, rr, or, mr, out, seqOut]) b.free();
    expect(engine.memory().bytesInUse).toBe(0);
  });

  it('rejects bad arguments with errors naming them', () => {
    const x = new Float32Array(4);
    const off = new Int32Array([0, 4]);
    expect(() => engine.sequenceLogps([1, 2] as unknown as Float32Array, off)).toThrow(/tokenLogps must be Float32Array or Float64Array/);
    expect(() => engine.sequenceLogps(x, new Int32Array([0, 3]))).toThrow(/offsets ends at 3/);
    expect(() => engine.sequenceLogps(x, off, { reduce: 'max' as 'sum' })).toThrow(/options.reduce/);
    expect(() => engine.sequenceLogps(x, off, { mask: new Uint8Array(3) })).toThrow(/options.mask has length 3/);
    expect(() => engine.sequenceLogps(x, off, {}, new Float64Array(2))).toThrow(/out has length 2/);
    expect(() => engine.implicitRewards(x, new Float64Array(4), off, { beta: 1 })).toThrow(/same dtype/);
    expect(() => engine.implicitRewards(x, new Float32Array(3), off, { beta: 1 })).toThrow(/reference has 3/);
    expect(() => engine.implicitRewards(x, x, off, { beta: NaN })).toThrow(/options.beta/);
    expect(() => engine.implicitRewards(x, x, off, undefined as unknown as { beta: number })).toThrow(/needs options/);
    expect(() => engine.sequenceRewards(x, x, { beta: 1, reduce: 'mean' } as { beta: number })).toThrow(/need token offsets/);
    expect(() => engine.sequenceRewards(x, new Float32Array(3), { beta: 1 })).toThrow(/reference has 3/);
    expect(() => engine.sequenceRewards(x, x, { beta: Infinity })).toThrow(/options.beta/);
  });

  it('the deprecated per-sequence implicitRewards(policy, reference, { beta }) forwards to sequenceRewards', () => {
    const p = new Float64Array([-10, -12, -3]);
    const r = new Float64Array([-11, -11.5, -3]);
    expect(Array.from(engine.implicitRewards(p, r, { beta: 0.1 }))).toEqual(Array.from(engine.sequenceRewards(p, r, { beta: 0.1 })));
  });
});
