// Generated command options shared by the data path property tests.
import fc from 'fast-check';
import type { Position } from '../../src/kernels/positions.js';
import type { PairOptions } from '../oracle/pairs.js';

const sigma = (k: number): Position => ({ kind: 'sigma', k });
const position = fc.oneof(fc.constantFrom<Position>({ kind: 'max' }, { kind: 'min' }), fc.constantFrom(-2, -1.5, -1, 0, 1, 2).map(sigma));

/** Pair construction options (strategy, positions, drop rules, fallback, transform, log-prob reduction). */
export const pairOptions: fc.Arbitrary<PairOptions> = fc
  .record(
  {
    strategy: fc.constantFrom('sweet-spot', 'sweet-spot', 'max-min', 'positions', 'max-random', 'max-random', 'grid'),
    chosen: position,
    rejected: position,
    std: fc.constantFrom('population', 'sample'),
    minGap: fc.constantFrom(0, 0, 0.5),
    keepTies: fc.constantFrom(false, false, false, true),
    fallback: fc.constantFrom('none', 'none', 'next-nearest'),
    seed: fc.integer({ min: 0, max: 5 }),
    transform: fc.constantFrom('none', 'none', 'logit'),
    beta: fc.constantFrom(1, 0.5),
    reduce: fc.constantFrom('sum', 'mean'),
  },
  { requiredKeys: ['strategy'] },
  )
  // The grid with --fallback is left out: see the oracle's note in test/oracle/pairs.ts.
  .map((o) => (o.strategy === 'grid' ? { ...o, fallback: 'none' as const } : o));

