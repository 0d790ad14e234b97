// `select` and `curate` (runSelect) on hostile candidate and pair inputs, held to the oracle: which pairs exist,
// their margins, the kept rows and their order, weights, routing (SFT rows), augmentation, counts and rejects, at
// batch sizes 1, 7 and the default. FC_SEED=<n> replays a run.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { runSelect, type SelectRunOptions } from '../../src/pipeline/run-select.js';
import { MemorySpool } from '../../src/io/spool.js';
import { expectSelect, type SelectOracleOptions } from '../oracle/commands.js';
import { candidateRecord, chunking, inputOf, pairRecord } from './gen.js';
import { BATCHES, dumping, engine, expectAgrees, jobInput, observe, oracleRead, readSettings, SEED } from './harness.js';
import { pairOptions } from './options.js';

const selection = fc.record({
  by: fc.constantFrom('auto', 'auto', 'external', 'implicit', 'bees', 'add'),
  select: fc.oneof(
    fc.record({ fraction: fc.constantFrom(1, 0.5, 0.25), missing: fc.constantFrom('zero', 'neutral', 'drop') }),
    fc.record({ top: fc.constantFrom(0, 1, 3) }),
  ),
  all: fc.boolean(),
  weights: fc.boolean(),
});

const curateSteps = fc.record(
  {
    route: fc.oneof(fc.record({ threshold: fc.constantFrom(0, 0.5, 1) }), fc.record({ hardFraction: fc.constantFrom(0, 0.3, 1), tieSeed: fc.option(fc.constantFrom(1, 7), { nil: undefined }) })),
    augment: fc.record({ placement: fc.constant('auto' as const) }),
  },
  { requiredKeys: [] },
);

type Family = 'candidates' | 'pairs' | 'hh-rlhf';

function property(family: Family, curate: boolean) {
  const records = family === 'candidates' ? candidateRecord({ responses: 'responses', scores: 'scores' }, false) : pairRecord(family === 'hh-rlhf');
  return fc.asyncProperty(
    fc.record({
      spec: inputOf(records, { array: true }),
      pairs: pairOptions,
      sel: selection,
      steps: curate ? curateSteps : fc.constant(undefined),
      auto: fc.boolean(),
      chunk: chunking,
    }),
    async ({ spec, pairs, sel, steps, auto, chunk }) => {
      // curate with --all and --route writes dropped rows with route "dpo"; that combination is left out.
      const all = curate && steps?.route ? false : sel.all;
      const o: SelectOracleOptions = { ...pairs, by: sel.by as SelectOracleOptions['by'], select: sel.select, all, weights: sel.weights, curate: steps };
      const read = { format: auto ? ('auto' as const) : family };
      const want = expectSelect(spec.bytes, oracleRead(spec, read), o);
      const run: SelectRunOptions = { ...pairs, by: o.by, select: sel.select, all, weights: sel.weights ? 'rating-gap' : undefined, curate: steps };
      await dumping(spec, async () => {
        for (const [k, batch] of BATCHES.entries()) {
          // The per-pair numbers spilled from the start, after a few blocks, or kept (the default for small runs).
          const spill = k === 0 ? { spill: () => new MemorySpool(), spillAfter: 0 } : k === 1 ? { spill: () => new MemorySpool(), spillAfter: 300 } : {};
          const got = await observe((hooks, main, sft) => runSelect(engine(), jobInput(spec, chunk), readSettings(spec, read, batch), { ...run, ...spill }, { main, sft: steps?.route ? sft : undefined }, hooks));
          expectAgrees(got, want, { sftToo: steps?.route !== undefined });
        }
      });
    },
  );
}

describe('select and curate on hostile input agree with the oracle', () => {
  it('select, candidate sets', async () => {
    await fc.assert(property('candidates', false), { seed: SEED, numRuns: 120 });
  });
  it('select, pairs and hh-rlhf', async () => {
    await fc.assert(property('pairs', false), { seed: SEED, numRuns: 80 });
    await fc.assert(property('hh-rlhf', false), { seed: SEED, numRuns: 30 });
  });
  it('curate (weights, routing, augmentation), candidate sets', async () => {
    await fc.assert(property('candidates', true), { seed: SEED, numRuns: 120 });
  });
  it('curate, pairs', async () => {
    await fc.assert(property('pairs', true), { seed: SEED, numRuns: 80 });
  });
});
