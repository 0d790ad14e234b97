// Property tests (fast-check) of the scoring and group kernels against the JS reference on every backend.
// Seeds are reproducible: FC_SEED=<n> replays a run; the seed in use is printed on failure by fast-check.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groups as ref, scoring as refScoring } from '../../src/reference/index.js';
import type { Position } from '../../src/kernels/positions.js';
import { ALL_BACKENDS, engineFor } from '../helpers/engines.js';
import { expectClose, sumRtol } from '../helpers/close.js';

const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 20261128;
const RUNS = { seed: SEED, numRuns: 60 };

// values from a small grid (so ties are common), with NaN and +-Inf mixed in
const value = fc.oneof(
  { weight: 10, arbitrary: fc.integer({ min: -12, max: 12 }).map((i) => i / 4) },
  { weight: 4, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity) },
);
const groupsArb = fc.array(fc.array(value, { maxLength: 23 }), { minLength: 1, maxLength: 12 });
const positionArb = fc.oneof(
  fc.constantFrom<Position>({ kind: 'max' }, { kind: 'min' }),
  fc.integer({ min: -12, max: 12 }).map((i): Position => ({ kind: 'sigma', k: i / 4 })),
);

function flatten(gs: number[][]): { values: Float64Array; offsets: Int32Array } {
  const offsets = new Int32Array(gs.length + 1);
  gs.forEach((g, i) => (offsets[i + 1] = offsets[i]! + g.length));
  return { values: Float64Array.from(gs.flat()), offsets };
}

describe.each(ALL_BACKENDS)('properties on %s', (backend) => {
  const engine = engineFor(backend);

  it('groupStats equals the reference (exact counts, indices, extremes; close moments)', () => {
    fc.assert(
      fc.property(groupsArb, fc.boolean(), (gs, sample) => {
        const { values, offsets } = flatten(gs);
        const std = sample ? 'sample' : 'population';
        const got = engine.groupStats(values, offsets, { std });
        const want = ref.groupStats(values, offsets, { std });
        for (const k of ['count', 'nonFinite', 'argmin', 'argmax', 'min', 'max'] as const) expect(Array.from(got[k])).toEqual(Array.from(want[k]));
        gs.forEach((g, i) => {
          const big = Math.max(0, ...g.filter(Number.isFinite).map(Math.abs));
          expectClose(got.mean[i]!, want.mean[i]!, { rtol: sumRtol(g.length, undefined, 8), scale: big });
          expectClose(got.std[i]!, want.std[i]!, { rtol: sumRtol(g.length, undefined, 64), scale: big });
        });
      }),
      RUNS,
    );
  });

  it('pickPositions equals the reference exactly for the same stats, any positions, role and exclusion', () => {
    fc.assert(
      fc.property(groupsArb, fc.array(positionArb, { minLength: 1, maxLength: 5 }), fc.boolean(), fc.boolean(), (gs, positions, chosen, withExclude) => {
        const { values, offsets } = flatten(gs);
        const st = ref.groupStats(values, offsets);
        const exclude = withExclude ? Int32Array.from(gs, (g, i) => (g.length ? i % g.length : -1)) : undefined;
        const role = chosen ? 'chosen' : 'rejected';
        const got = engine.pickPositions(values, offsets, st, positions, { role, exclude });
        const want = ref.pickPositions(values, offsets, st, positions, { role, exclude });
        expect(Array.from(got)).toEqual(Array.from(want));
        // a pick is always a finite, non-excluded member of its group
        gs.forEach((g, i) => positions.forEach((_, p) => {
          const j = got[i * positions.length + p]!;
          if (j >= 0) {
            expect(Number.isFinite(g[j]!)).toBe(true);
            if (exclude) expect(j).not.toBe(exclude[i]);
          }
        }));
      }),
      RUNS,
    );
  });

  it('picks are invariant under r -> a r for a power of two a (every step scales exactly, so ties stay ties)', () => {
    fc.assert(
      fc.property(groupsArb, fc.constantFrom(0.25, 0.5, 2, 8), fc.array(positionArb, { minLength: 1, maxLength: 5 }), (gs, a, positions) => {
        const { values, offsets } = flatten(gs);
        const base = engine.pickPositions(values, offsets, engine.groupStats(values, offsets), positions);
        const moved = values.map((v) => a * v);
        const after = engine.pickPositions(moved, offsets, engine.groupStats(moved, offsets), positions);
        expect(Array.from(after)).toEqual(Array.from(base));
      }),
      RUNS,
    );
  });

  it('sequenceLogps and implicitRewards match the reference on random token sequences', () => {
    const tok = fc.float({ min: -20, max: 0, noNaN: true });
    fc.assert(
      fc.property(fc.array(fc.array(fc.tuple(tok, tok, fc.boolean()), { maxLength: 40 }), { minLength: 1, maxLength: 10 }), fc.boolean(), (seqs, mean) => {
        const offsets = new Int32Array(seqs.length + 1);
        seqs.forEach((s, i) => (offsets[i + 1] = offsets[i]! + s.length));
        const flat = seqs.flat();
        const p = Float32Array.from(flat, (t) => t[0]);
        const r = Float32Array.from(flat, (t) => t[1]);
        const mask = Uint8Array.from(flat, (t) => (t[2] ? 1 : 0));
        const opts = { beta: 0.1, reduce: mean ? ('mean' as const) : ('sum' as const), mask };
        const got = engine.implicitRewards(p, r, offsets, opts);
        const want = refScoring.implicitRewards(p, r, offsets, opts);
        const gotS = engine.sequenceLogps(p, offsets, opts);
        const wantS = refScoring.sequenceLogps(p, offsets, opts);
        seqs.forEach((s, i) => {
          const scale = s.reduce((acc, t) => acc + Math.abs(t[0]) + Math.abs(t[1]), 0);
          expectClose(got[i]!, want[i]!, { rtol: sumRtol(s.length), scale, atol: 1e-300 });
          expectClose(gotS[i]!, wantS[i]!, { rtol: sumRtol(s.length), scale, atol: 1e-300 });
        });
      }),
      RUNS,
    );
  });
});
