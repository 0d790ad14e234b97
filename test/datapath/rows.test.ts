// The row inputs of `loss` and `clean` (Job.rows with their adapters) on hostile input, held to the oracle's record
// accounting: which records are accepted, which are rejected with which reason and field, candidate counts and
// exclusions, at batch sizes 1, 7 and the default. FC_SEED=<n> replays a run.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CountedRow, RowAdapter } from '../../src/io/adapt.js';
import { LossRowChecker } from '../../src/losses/loss-rows.js';
import { Job } from '../../src/pipeline/job.js';
import { cleanRowAdapter } from '../../src/rpca/clean-rows.js';
import { cleanChecker, lossChecker, readRows } from '../oracle/rows.js';
import { chunking, cleanRecord, inputOf, lossRecord } from './gen.js';
import { BATCHES, dumping, engine, jobInput, norm, readSettings, SEED, tallyOf, rejectRows } from './harness.js';
import type { Reject } from '../../src/io/records.js';

function property(record: fc.Arbitrary<Uint8Array>, adapter: () => RowAdapter<CountedRow & { index: number }>, oracle: () => Parameters<typeof readRows>[2]) {
  return fc.asyncProperty(fc.record({ spec: inputOf(record, { array: true }), chunk: chunking }), async ({ spec, chunk }) => {
    const want = readRows(spec.bytes, spec.framing, oracle(), spec.maxRecordBytes);
    await dumping(spec, async () => {
      for (const batch of BATCHES) {
        const rejects: Reject[] = [];
        const job = new Job(engine(), jobInput(spec, chunk), readSettings(spec, { format: 'candidates' }, batch), { rejects: (rs) => void rejects.push(...rs) });
        const accepted: number[] = [];
        for await (const rows of job.rows(adapter(), 3)) {
          expect(rows.length).toBeLessThanOrEqual(3);
          accepted.push(...rows.map((r) => r.index));
        }
        const t = tallyOf(job.tally);
        expect({ read: t.read, rejected: t.rejected, candidates: t.candidates, excluded: t.excluded }).toEqual({
          read: want.counts.read,
          rejected: want.counts.rejected,
          candidates: want.counts.candidates,
          excluded: want.counts.excluded,
        });
        expect(accepted).toEqual(want.accepted);
        expect(norm(rejectRows(rejects))).toEqual(norm(want.rejects.map(({ line, field, reason, record }) => ({ line, field, reason, record }))));
      }
    });
  });
}

describe('loss and clean row inputs agree with the oracle', () => {
  it('loss rows (log-probs, token counts on all rows or none, scores; odpo)', async () => {
    for (const odpo of [false, true]) {
      await fc.assert(
        property(lossRecord, () => new LossRowChecker({ losses: [odpo ? 'odpo' : 'sigmoid'], beta: 0.1 }).adapt, () => lossChecker({ odpo, beta: 0.1 })),
        { seed: SEED, numRuns: 100 },
      );
    }
  });

  it('clean rows (preference matrices and comparisons, n, responses, scores below --min-candidates)', async () => {
    // maxCandidates undefined: the adapter's default cap, which the oracle states as 2048; 3: records of 4 responses
    // (n, responses, scores, a matrix of 4 rows or an index 3) are rejected as out_of_range
    for (const [minCandidates, maxCandidates] of [[3, undefined], [20, undefined], [2, 3]] as const) {
      await fc.assert(
        property(cleanRecord, () => cleanRowAdapter({ clip: 0.01, minCandidates, maxCandidates }), () => cleanChecker({ minCandidates, maxCandidates })),
        { seed: SEED, numRuns: 100 },
      );
    }
  });
});
