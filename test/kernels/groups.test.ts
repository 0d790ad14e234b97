// groupStats, pickPositions and zscores on every backend against the JS reference, plus known answers from
// spec selection.md 1.6 (T1-T5) for the reference itself.
import { describe, expect, it } from 'vitest';
import { groups as ref } from '../../src/reference/index.js';
import { parsePosition } from '../../src/kernels/positions.js';
import { ALL_BACKENDS, engineFor } from '../helpers/engines.js';
import { expectClose, rng, sumRtol } from '../helpers/close.js';

const P = (...s: string[]) => s.map((x) => parsePosition(x));
const ONE = (n: number) => new Int32Array([0, n]);
const SEVEN = ['max', 'mu+2sigma', 'mu+sigma', 'mu', 'mu-sigma', 'mu-2sigma', 'min'];

// Spec T1: N = 20 with a -6.0 outlier.
const T1 = new Float64Array([-6.0, -1.8, -1.0, -0.6, -0.4, -0.2, 0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.3, 1.6]);

/** Random CSR groups of the given sizes; `discrete` rounds values to a grid so ties are common. */
function dataset(sizes: number[], seed: number, opts: { discrete?: boolean; bad?: number } = {}) {
  const r = rng(seed);
  const offsets = new Int32Array(sizes.length + 1);
  sizes.forEach((s, g) => (offsets[g + 1] = offsets[g]! + s));
  const n = offsets[sizes.length]!;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = (r() - 0.5) * 8;
    values[i] = opts.discrete ? Math.round(v * 4) / 4 : v;
    if (opts.bad && r() < opts.bad) values[i] = [NaN, Infinity, -Infinity][Math.floor(r() * 3)]!;
  }
  return { values, offsets };
}

const SIZES = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 56, 64, 65, 200, 0, 1];

describe('reference groupStats / pickPositions / zscores (known answers)', () => {
  it('T1: mu, sigma and the seven positions of the N = 20 outlier case', () => {
    const st = ref.groupStats(T1, ONE(20));
    expectClose(st.mean[0]!, -0.025, { rtol: 1e-14 });
    expectClose(st.std[0]!, 1.5827, { atol: 5e-5 });
    expect(st.argmin[0]).toBe(0);
    expect(st.argmax[0]).toBe(19);
    // max, mu+2s (-> 1.6, collides with max), mu+s (-> 1.6), mu (-> 0.0), mu-s (-> -1.8), mu-2s (-> -1.8), min (-> -6.0)
    expect(Array.from(ref.pickPositions(T1, ONE(20), st, P(...SEVEN)))).toEqual([19, 19, 19, 6, 1, 1, 0]);
  });

  it('T1 with ddof 1: sigma = 1.6238 and identical picks', () => {
    const st = ref.groupStats(T1, ONE(20), { std: 'sample' });
    expectClose(st.std[0]!, 1.6238, { atol: 5e-5 });
    expect(Array.from(ref.pickPositions(T1, ONE(20), st, P(...SEVEN)))).toEqual([19, 19, 19, 6, 1, 1, 0]);
  });

  it('T2: N = 10, mu - 2 sigma maps to the min', () => {
    const x = new Float64Array([0.1, 0.35, 0.42, 0.5, 0.55, 0.58, 0.61, 0.66, 0.72, 0.9]);
    const st = ref.groupStats(x, ONE(10));
    expectClose(st.mean[0]!, 0.539, { rtol: 1e-14 });
    expectClose(st.std[0]!, 0.207048, { atol: 5e-7 });
    expect(Array.from(ref.pickPositions(x, ONE(10), st, P('max', 'mu-2sigma', 'min')))).toEqual([9, 0, 0]);
  });

  it('T3: N = 5, sigma 0.875 (ddof 0) and 0.9783 (ddof 1), both picks -1.2', () => {
    const x = new Float64Array([-1.2, 0.3, 0.5, 0.9, 1.4]);
    const pop = ref.groupStats(x, ONE(5));
    const smp = ref.groupStats(x, ONE(5), { std: 'sample' });
    expectClose(pop.mean[0]!, 0.38, { rtol: 1e-14 });
    // squared deviations 2.4964 + 0.0064 + 0.0144 + 0.2704 + 1.0404 = 3.828 (spec: 0.875 and 0.9783 rounded)
    expectClose(pop.std[0]!, Math.sqrt(3.828 / 5), { rtol: 1e-14 });
    expectClose(smp.std[0]!, Math.sqrt(3.828 / 4), { rtol: 1e-14 });
    expectClose(pop.std[0]!, 0.875, { atol: 5e-4 });
    expectClose(smp.std[0]!, 0.9783, { atol: 5e-5 });
    expect(ref.pickPositions(x, ONE(5), pop, P('mu-2sigma'))[0]).toBe(0);
    expect(ref.pickPositions(x, ONE(5), smp, P('mu-2sigma'))[0]).toBe(0);
  });

  it('T4: equal rewards give sigma 0; one value; a NaN is excluded from mu and sigma and counted', () => {
    const eq = ref.groupStats(new Float64Array([0.5, 0.5, 0.5]), ONE(3));
    expect([eq.mean[0], eq.std[0], eq.count[0]]).toEqual([0.5, 0, 3]);
    const one = ref.groupStats(new Float64Array([0.7]), ONE(1));
    expect([one.mean[0], one.std[0], one.argmin[0], one.argmax[0]]).toEqual([0.7, 0, 0, 0]);
    expect(ref.groupStats(new Float64Array([0.7]), ONE(1), { std: 'sample' }).std[0]).toBeNaN();
    const nan = ref.groupStats(new Float64Array([1, NaN, 3]), ONE(3));
    expect([nan.mean[0], nan.std[0], nan.count[0], nan.nonFinite[0], nan.argmax[0]]).toEqual([2, 1, 2, 1, 2]);
    const none = ref.groupStats(new Float64Array([NaN, Infinity]), ONE(2));
    expect([none.count[0], none.nonFinite[0], none.argmin[0], none.argmax[0]]).toEqual([0, 2, -1, -1]);
    expect(none.mean[0]).toBeNaN();
    expect(none.min[0]).toBeNaN();
  });

  it('T5: picks are invariant under r -> a r + b with a > 0', () => {
    const { values, offsets } = dataset([20, 37, 56, 5], 5);
    const base = ref.pickPositions(values, offsets, ref.groupStats(values, offsets), P(...SEVEN));
    const moved = values.map((v) => 3.5 * v - 11);
    expect(ref.pickPositions(moved, offsets, ref.groupStats(moved, offsets), P(...SEVEN))).toEqual(base);
  });

  it('ties: equal distance goes to the lower value for rejected, the higher for chosen, then the lower index', () => {
    const x = new Float64Array([3, 1, 1, 3]);
    const st = { mean: new Float64Array([2]), std: new Float64Array([1]) };
    expect(ref.pickPositions(x, ONE(4), st, P('mu'))[0]).toBe(1);
    expect(ref.pickPositions(x, ONE(4), st, P('mu'), { role: 'chosen' })[0]).toBe(0);
    expect(Array.from(ref.pickPositions(x, ONE(4), st, P('max', 'min')))).toEqual([0, 1]);
  });

  it('exclude skips the given index; sigma = 0 picks the first; no finite candidate gives -1', () => {
    const x = new Float64Array([5, 1, 2, NaN]);
    const st = ref.groupStats(x, ONE(4));
    expect(ref.pickPositions(x, ONE(4), st, P('max'), { exclude: new Int32Array([0]) })[0]).toBe(2);
    const eq = new Float64Array([4, 4, 4]);
    expect(Array.from(ref.pickPositions(eq, ONE(3), ref.groupStats(eq, ONE(3)), P('max', 'mu+2sigma', 'mu-2sigma', 'min')))).toEqual([0, 0, 0, 0]);
    const bad = new Float64Array([NaN, -Infinity]);
    expect(Array.from(ref.pickPositions(bad, ONE(2), ref.groupStats(bad, ONE(2)), P('max', 'mu')))).toEqual([-1, -1]);
    // a single value with sample std (NaN sigma) is picked for every position
    const one = new Float64Array([2.5]);
    expect(Array.from(ref.pickPositions(one, ONE(1), ref.groupStats(one, ONE(1), { std: 'sample' }), P('max', 'mu-2sigma')))).toEqual([0, 0]);
  });

  it('zscores are (x - mu) / sigma; sigma = 0 gives NaN', () => {
    const z = ref.zscores(new Float64Array([1, 3, 5, 5]), new Int32Array([0, 2, 4]), { mean: new Float64Array([2, 5]), std: new Float64Array([1, 0]) });
    expect(Array.from(z.subarray(0, 2))).toEqual([-1, 1]);
    expect(z[2]).toBeNaN();
  });
});

describe.each(ALL_BACKENDS)('group kernels on %s', (backend) => {
  const engine = engineFor(backend);

  function compareStats(values: Float64Array, offsets: Int32Array, std: 'population' | 'sample', label: string) {
    const got = engine.groupStats(values, offsets, { std });
    const want = ref.groupStats(values, offsets, { std });
    for (const k of ['count', 'nonFinite', 'argmin', 'argmax', 'min', 'max'] as const) {
      expect(Array.from(got[k]), `${label} ${k}`).toEqual(Array.from(want[k]));
    }
    for (let g = 0; g + 1 < offsets.length; g++) {
      let big = 0;
      for (let i = offsets[g]!; i < offsets[g + 1]!; i++) if (Number.isFinite(values[i]!)) big = Math.max(big, Math.abs(values[i]!));
      const n = offsets[g + 1]! - offsets[g]!;
      expectClose(got.mean[g]!, want.mean[g]!, { rtol: sumRtol(n, undefined, 8), scale: big }, `${label} mean[${g}]`);
      expectClose(got.std[g]!, want.std[g]!, { rtol: sumRtol(n, undefined, 64), scale: big }, `${label} std[${g}]`);
    }
  }

  it('spec T1 on this backend: (max, mu-2sigma) = (1.6, -1.8), max/min = (1.6, -6.0)', () => {
    const st = engine.groupStats(T1, ONE(20));
    expectClose(st.std[0]!, 1.5827, { atol: 5e-5 });
    expect(Array.from(engine.pickPositions(T1, ONE(20), st, SEVEN))).toEqual([19, 19, 19, 6, 1, 1, 0]);
  });

  for (const std of ['population', 'sample'] as const) {
    it(`groupStats (${std}) matches the reference over lane-straddling group sizes, with NaN/Inf`, () => {
      for (const [seed, bad] of [[1, 0], [2, 0.1], [3, 0.5]] as const) {
        const { values, offsets } = dataset(SIZES, seed, { bad });
        compareStats(values, offsets, std, `seed ${seed}`);
        const d = dataset(SIZES, seed + 10, { discrete: true, bad });
        compareStats(d.values, d.offsets, std, `discrete seed ${seed}`);
      }
    });
  }

  it('groupStats: a non-finite value at every lane position of small groups', () => {
    for (const n of [1, 2, 3, 4, 5, 8, 9]) {
      for (let pos = 0; pos < n; pos++) {
        for (const bad of [NaN, Infinity, -Infinity]) {
          const { values } = dataset([n], 40 + n);
          values[pos] = bad;
          compareStats(values, ONE(n), 'population', `n=${n} pos=${pos} ${bad}`);
        }
      }
    }
  });

  it('groupStats: values near 1e300 stay finite (no overflow in the sum or the squares)', () => {
    const x = new Float64Array([1e300, 3e300, -2e300, 5e300, 1.5e300, 4e300, 1e300]);
    compareStats(x, ONE(x.length), 'population', '1e300');
    const st = engine.groupStats(x, ONE(x.length));
    expectClose(st.mean[0]!, 13.5e300 / 7, { rtol: 1e-14 });
    expect(Number.isFinite(st.std[0]!)).toBe(true);
    const huge = new Float64Array(9).fill(1.5e308);
    expectClose(engine.groupStats(huge, ONE(9)).mean[0]!, 1.5e308, { rtol: 1e-15 });
  });

  it('extreme magnitudes: spreads of 1e-170, +-max double and subnormals keep their std (hand values and the twin)', () => {
    const MAX = Number.MAX_VALUE;
    const TINY = Number.MIN_VALUE; // 2^-1074
    const groups: [string, number[], number, number][] = [
      // [label, values, mean, population std] by hand
      ['1e-170 spread', [1e-170, 3e-170], 2e-170, 1e-170],
      ['scores below 1e-162', [1e-163, 2e-163, 3e-163, 4e-163, 5e-163], 3e-163, Math.sqrt(2) * 1e-163],
      ['+-max double', [MAX, -MAX], 0, MAX],
      ['max double twice', [MAX, MAX], MAX, 0],
      ['subnormals', [TINY, 3 * TINY], 2 * TINY, TINY],
      ['subnormals and zero', [0, 4 * TINY, 8 * TINY], 4 * TINY, 0],
      ['ordinary', [1, 2, 3, 4], 2.5, Math.sqrt(1.25)],
    ];
    const values = Float64Array.from(groups.flatMap(([, v]) => v));
    const offsets = new Int32Array(groups.length + 1);
    groups.forEach(([, v], g) => (offsets[g + 1] = offsets[g]! + v.length));
    const st = engine.groupStats(values, offsets);
    groups.forEach(([label, , mean, std], g) => {
      expectClose(st.mean[g]!, mean, { rtol: 1e-15 }, `${label} mean`);
      if (label === 'subnormals and zero') {
        // squared deviations 16, 0, 16 (in units of 2^-1074): std = sqrt(32/3) TINY, below what a subnormal can hold
        expectClose(st.std[g]!, Math.sqrt(32 / 3) * TINY, { rtol: 0, atol: TINY }, `${label} std`);
      } else expectClose(st.std[g]!, std, { rtol: 1e-15 }, `${label} std`);
      expect(st.std[g]! > 0 || std === 0, `${label}: a spread is never no_spread`).toBe(true);
    });
    compareStats(values, offsets, 'population', 'extremes');
    compareStats(values, offsets, 'sample', 'extremes');
    // pickPositions and zscores on the tiny spreads: mu - 2 sigma picks the minimum, z-scores are -1 and 1
    expect(Array.from(engine.pickPositions(values, offsets, st, ['mu-2sigma', 'max'])).slice(0, 4)).toEqual([0, 1, 0, 4]);
    const z = engine.zscores(values, offsets, st);
    expectClose(z[0]!, -1, { rtol: 1e-15 });
    expectClose(z[1]!, 1, { rtol: 1e-15 });
    expect(Array.from(z.subarray(11, 13))).toEqual([-1, 1]); // the subnormals: exact
  });

  it('empty input: zero groups give empty outputs', () => {
    const x = new Float64Array(0);
    const off = new Int32Array([0]);
    const st = engine.groupStats(x, off);
    expect([st.count.length, st.mean.length, st.argmax.length]).toEqual([0, 0, 0]);
    expect(engine.pickPositions(x, off, st, ['max', 'mu-2sigma']).length).toBe(0);
    expect(engine.zscores(x, off, st).length).toBe(0);
    const one = engine.groupStats(x, new Int32Array([0, 0]));
    expect([one.count[0], one.nonFinite[0], one.argmin[0]]).toEqual([0, 0, -1]);
    expect(Array.from(engine.pickPositions(x, new Int32Array([0, 0]), one, ['max', 'mu']))).toEqual([-1, -1]);
  });

  it('groupStats: sigma = 0, a group of one, empty groups', () => {
    const x = new Float64Array([2, 2, 2, 2, 2, 7]);
    const st = engine.groupStats(x, new Int32Array([0, 0, 5, 6, 6]));
    expect(Array.from(st.count)).toEqual([0, 5, 1, 0]);
    expect(Array.from(st.std.subarray(1, 3))).toEqual([0, 0]);
    expect(Array.from(st.argmin)).toEqual([-1, 0, 0, -1]);
    expect(st.mean[0]).toBeNaN();
    expect(st.std[3]).toBeNaN();
    expect(engine.groupStats(new Float64Array([7]), ONE(1), { std: 'sample' }).std[0]).toBeNaN();
  });

  it('groupStats: misaligned subarrays and a 1e6-element input', () => {
    const { values, offsets } = dataset(SIZES, 9);
    const buf = new Float64Array(values.length + 3);
    buf.set(values, 1);
    compareStats(buf.subarray(1, 1 + values.length), offsets, 'population', 'subarray');
    const sizes: number[] = [];
    const r = rng(77);
    let total = 0;
    while (total < 1_000_000) {
      const s = Math.floor(r() * 300);
      sizes.push(s);
      total += s;
    }
    const big = dataset(sizes, 78, { bad: 0.001 });
    compareStats(big.values, big.offsets, 'population', '1e6');
  });

  it('pickPositions equals the reference exactly (same stats in), with ties, exclusion and both roles', () => {
    for (const [seed, discrete, bad] of [[21, false, 0], [22, true, 0], [23, true, 0.2]] as const) {
      const { values, offsets } = dataset(SIZES, seed, { discrete, bad });
      const st = ref.groupStats(values, offsets);
      const positions = [...SEVEN, 'mu+1.5sigma', { k: -0.5 }, 'mu-1000sigma'];
      const exclude = Int32Array.from(st.argmax);
      for (const role of ['rejected', 'chosen'] as const) {
        for (const ex of [undefined, exclude]) {
          const got = engine.pickPositions(values, offsets, st, positions, { role, exclude: ex });
          const want = ref.pickPositions(values, offsets, st, positions.map((p) => parsePosition(p)), { role, exclude: ex });
          expect(Array.from(got), `seed ${seed} ${role} ${ex ? 'exclude' : ''}`).toEqual(Array.from(want));
        }
      }
    }
  });

  it('pickPositions: exact value ties at every lane position, and the excluded chosen never comes back', () => {
    for (const n of [2, 3, 4, 5, 6, 9]) {
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) {
          if (a === b) continue;
          const x = new Float64Array(n).fill(10);
          x[a] = 1; // distance 1 below mu = 2
          x[b] = 3; // distance 1 above
          const st = { mean: new Float64Array([2]), std: new Float64Array([1]) };
          expect(engine.pickPositions(x, ONE(n), st, ['mu'])[0], `n=${n} a=${a} b=${b}`).toBe(a);
          expect(engine.pickPositions(x, ONE(n), st, ['mu'], { role: 'chosen' })[0]).toBe(b);
          expect(engine.pickPositions(x, ONE(n), st, ['mu'], { exclude: new Int32Array([a]) })[0]).toBe(b);
          // max with index 0 excluded: the first index > 0 holding the largest remaining value
          let m = 1;
          for (let i = 2; i < n; i++) if (x[i]! > x[m]!) m = i;
          expect(engine.pickPositions(x, ONE(n), st, ['max'], { exclude: new Int32Array([0]) })[0]).toBe(m);
        }
      }
    }
  });

  it('pickPositions: sigma = 0, groups of one and groups with no finite value have the documented results', () => {
    const x = new Float64Array([4, 4, 4, 9, NaN, Infinity]);
    const offsets = new Int32Array([0, 3, 4, 6, 6]);
    const st = engine.groupStats(x, offsets, { std: 'sample' });
    const got = engine.pickPositions(x, offsets, st, ['max', 'mu-2sigma', 'min']);
    expect(Array.from(got)).toEqual([0, 0, 0, 0, 0, 0, -1, -1, -1, -1, -1, -1]);
  });

  it('zscores equal the reference exactly (IEEE division), including sigma = 0 and non-finite values', () => {
    const { values, offsets } = dataset([...SIZES, 3], 31, { bad: 0.05 });
    values[values.length - 3] = values[values.length - 2] = values[values.length - 1] = 1.25;
    const st = ref.groupStats(values, offsets);
    const got = engine.zscores(values, offsets, st);
    const want = ref.zscores(values, offsets, st);
    expect(Array.from(got)).toEqual(Array.from(want));
    expect(got[got.length - 1]).toBeNaN();
    const buf = new Float64Array(values.length + 1);
    buf.set(values, 1);
    expect(Array.from(engine.zscores(buf.subarray(1), offsets, st))).toEqual(Array.from(want));
  });

  it('resident inputs and outputs: stats, picks and z-scores computed in place', () => {
    const { values, offsets } = dataset(SIZES, 51, { bad: 0.05 });
    const groups = offsets.length - 1;
    const xv = engine.alloc(Float64Array, values.length);
    xv.view().set(values);
    const ov = engine.alloc(Int32Array, offsets.length);
    ov.view().set(offsets);
    const mean = engine.alloc(Float64Array, groups);
    const std = engine.alloc(Float64Array, groups);
    const argmax = engine.alloc(Int32Array, groups);
    const picks = engine.alloc(Int32Array, groups * 2);
    const z = engine.alloc(Float64Array, values.length);
    const st = engine.groupStats(xv, ov, {}, { mean, std, argmax });
    const copy = engine.groupStats(values, offsets);
    expect(Array.from(mean.view())).toEqual(Array.from(copy.mean));
    expect(Array.from(std.view())).toEqual(Array.from(copy.std));
    expect(Array.from(argmax.view())).toEqual(Array.from(copy.argmax));
    expect(Array.from(st.count)).toEqual(Array.from(copy.count));
    engine.pickPositions(xv, ov, { mean, std }, ['max', 'mu-2sigma'], { exclude: argmax }, picks);
    expect(Array.from(picks.view())).toEqual(Array.from(engine.pickPositions(values, offsets, copy, ['max', 'mu-2sigma'], { exclude: copy.argmax })));
    engine.zscores(xv, ov, { mean, std }, z);
    expect(Array.from(z.view())).toEqual(Array.from(engine.zscores(values, offsets, copy)));
    for (const b of [xv, ov, mean, std, argmax, picks, z]) b.free();
    expect(engine.memory().bytesInUse).toBe(0);
  });

  it('typed-array out arguments are filled and returned', () => {
    const { values, offsets } = dataset([3, 5], 61);
    const mean = new Float64Array(2);
    const st = engine.groupStats(values, offsets, {}, { mean });
    expect(st.mean).toBe(mean);
    const out = new Int32Array(2);
    expect(engine.pickPositions(values, offsets, st, ['max'], {}, out)).toBe(out);
  });

  it('rejects bad arguments with errors naming them', () => {
    const x = new Float64Array([1, 2, 3]);
    const st = engine.groupStats(x, ONE(3));
    expect(() => engine.groupStats(new Float32Array(3) as unknown as Float64Array, ONE(3))).toThrow(/values must be Float64Array/);
    expect(() => engine.groupStats(x, new Int32Array([0, 2]))).toThrow(/offsets ends at 2/);
    expect(() => engine.groupStats(x, new Int32Array([0, 2, 1, 3]))).toThrow(/non-decreasing/);
    expect(() => engine.groupStats(x, ONE(3), { std: 'ddof1' as 'sample' })).toThrow(/options.std/);
    expect(() => engine.groupStats(x, ONE(3), {}, { mean: new Float64Array(2) })).toThrow(/out.mean has length 2/);
    expect(() => engine.pickPositions(x, ONE(3), st, ['mu-2sigmas'])).toThrow(/position 'mu-2sigmas'/);
    expect(() => engine.pickPositions(x, ONE(3), st, ['max'], { role: 'best' as 'chosen' })).toThrow(/options.role/);
    expect(() => engine.pickPositions(x, ONE(3), { mean: st.mean, std: new Float64Array(2) }, ['max'])).toThrow(/stats.std has length 2/);
    expect(() => engine.pickPositions(x, ONE(3), st, ['max'], { exclude: new Int32Array(2) })).toThrow(/options.exclude/);
    expect(() => engine.zscores(x, ONE(3), st, new Float64Array(2))).toThrow(/out has length 2/);
  });
});
