// `pairs` on hostile inputs, held to the oracle (test/oracle): rows, manifest counts and rejects, at batch sizes 1,
// 7 and the default, with the input whole or fed in small chunks. FC_SEED=<n> replays a run.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { runPairs } from '../../src/pipeline/run-pairs.js';
import { expectPairs } from '../oracle/commands.js';
import { candidateRecord, chunking, inputOf, type CandidateFields } from './gen.js';
import { pairOptions } from './options.js';
import { BATCHES, dumping, engine, expectAgrees, jobInput, observe, oracleRead, readSettings, SEED } from './harness.js';

const FIELDS: CandidateFields[] = [
  { responses: 'responses', scores: 'scores' },
  { responses: 'outs', scores: 'judge.scores' },
];

describe('pairs on hostile input agrees with the oracle', () => {
  it('rows, counts and rejects at batch sizes 1, 7 and the default', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(fc.constantFrom(0, 0, 1), pairOptions).chain(([f, o]) =>
          fc.record({
            f: fc.constant(f),
            o: fc.constant(o),
            spec: inputOf(candidateRecord(FIELDS[f]!, o.transform === 'logit'), { array: true }),
            auto: fc.boolean(),
            weights: fc.boolean(),
            chunk: chunking,
          }),
        ),
        async ({ f, spec, o, auto, weights, chunk }) => {
          const fields = f === 0 ? {} : { responses: FIELDS[f]!.responses, scores: FIELDS[f]!.scores };
          const read = { format: auto ? ('auto' as const) : ('candidates' as const), fields };
          const want = expectPairs(spec.bytes, oracleRead(spec, read), { ...o, weights });
          await dumping(spec, async () => {
            for (const batch of BATCHES) {
              const got = await observe((hooks, main) =>
                runPairs(engine(), jobInput(spec, chunk), readSettings(spec, read, batch), { ...o, weights: weights ? 'rating-gap' : undefined }, main, hooks),
              );
              expectAgrees(got, want);
            }
          });
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});
