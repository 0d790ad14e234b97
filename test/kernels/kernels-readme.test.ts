// The README "Kernels" example, run on every backend, so the documented results stay true.
import { describe, expect, it } from 'vitest';
import { parsePosition } from '../../src/index.js';
import { ALL_BACKENDS, engineFor } from '../helpers/engines.js';
import { expectAllClose } from '../helpers/close.js';

describe.each(ALL_BACKENDS)('README kernels example on %s', (backend) => {
  it('gives the documented picks and rewards', () => {
    const engine = engineFor(backend);
    const rewards = Float64Array.from([0.9, 0.2, 0.5, 0.4, 0.7, 0.1, 0.6]);
    const offsets = Int32Array.from([0, 4, 7]);
    const stats = engine.groupStats(rewards, offsets);
    expect(stats.mean[0]).toBe(0.5);
    expect(stats.argmax[0]).toBe(0);
    const chosen = engine.pickPositions(rewards, offsets, stats, ['max'], { role: 'chosen' });
    const rejected = engine.pickPositions(rewards, offsets, stats, [parsePosition('mu-2sigma')], { exclude: chosen });
    expect(Array.from(chosen)).toEqual([0, 0]);
    expect(Array.from(rejected)).toEqual([1, 1]);
    const policy = Float32Array.from([-1.5, -0.5, -2, -1, -0.25, -3]);
    const reference = Float32Array.from([-1, -1, -2.5, -1, -0.5, -2]);
    // hand-computed: 0.1 * (-2 + 2), 0.1 * (-3.25 + 4), 0.1 * (-3 + 2)
    expectAllClose(engine.implicitRewards(policy, reference, Int32Array.from([0, 2, 5, 6]), { beta: 0.1 }), [0, 0.075, -0.1], { rtol: 1e-15, atol: 1e-17 });
  });
});
