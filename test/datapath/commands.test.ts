// stats --per-prompt, convert, augment and route on hostile inputs, held to the oracle (rows, counts, rejects) at
// batch sizes 1, 7 and the default. FC_SEED=<n> replays a run.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runAugment } from '../../src/pipeline/run-augment.js';
import { runConvert } from '../../src/pipeline/run-convert.js';
import { runRoute } from '../../src/pipeline/run-route.js';
import { runStats } from '../../src/pipeline/run-stats.js';
import { expectAugment, expectConvert, expectRoute, expectStats, type Target } from '../oracle/commands.js';
import { candidateRecord, chunking, inputOf, pairRecord } from './gen.js';
import { BATCHES, dumping, engine, expectAgrees, jobInput, norm, observe, oracleRead, readSettings, SEED } from './harness.js';

const family = (k: 'candidates' | 'pairs' | 'hh-rlhf', probabilities = false) =>
  k === 'candidates' ? candidateRecord({ responses: 'responses', scores: 'scores' }, probabilities) : pairRecord(k === 'hh-rlhf');

/** Per-prompt rows: counts, extremes and their positions exactly; mean and std to a few ulps (summation order). */
function closeStats(got: unknown[], want: Record<string, unknown>[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const a = g as Record<string, number | null>;
    const b = want[i] as Record<string, number | null>;
    expect(Object.keys(a)).toEqual(['prompt_index', 'count', 'mean', 'std', 'min', 'max', 'argmin', 'argmax']);
    for (const k of ['prompt_index', 'count', 'min', 'max', 'argmin', 'argmax']) expect(norm(a[k])).toEqual(norm(b[k]));
    const scale = Math.max(Math.abs(b.min ?? 0), Math.abs(b.max ?? 0));
    for (const k of ['mean', 'std']) {
      if (b[k] === null || a[k] === null) expect(a[k]).toEqual(b[k]);
      else expect(Math.abs(a[k]! - b[k]!)).toBeLessThanOrEqual(1e-13 * scale);
    }
  });
}

describe('stats, convert, augment and route on hostile input agree with the oracle', () => {
  it('stats --per-prompt (candidate sets and pairs; logit; population and sample std)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('candidates', 'candidates', 'pairs').chain((k) =>
          fc.record({ k: fc.constant(k), transform: fc.constantFrom('none', 'logit'), std: fc.constantFrom('population', 'sample'), auto: fc.boolean(), chunk: chunking, perPrompt: fc.boolean() }).chain((r) =>
            inputOf(family(r.k as 'candidates', r.transform === 'logit'), { array: true }).map((spec) => ({ ...r, spec })),
          ),
        ),
        async ({ k, transform, std, auto, chunk, perPrompt, spec }) => {
          const read = { format: auto ? ('auto' as const) : (k as 'candidates' | 'pairs') };
          const o = { transform: transform as 'none' | 'logit', std: std as 'population' | 'sample' };
          const want = expectStats(spec.bytes, oracleRead(spec, read), o, perPrompt);
          await dumping(spec, async () => {
            for (const batch of BATCHES) {
              const got = await observe((hooks, main) => runStats(engine(), jobInput(spec, chunk), readSettings(spec, read, batch), o, perPrompt ? main : undefined, hooks));
              expectAgrees(got, want, { rows: closeStats });
            }
          });
        },
      ),
      { seed: SEED, numRuns: 120 },
    );
  });

  it('convert to every target (candidate sets and pairs)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('candidates', 'pairs', 'hh-rlhf').chain((k) =>
          fc.record({ k: fc.constant(k), to: fc.constantFrom<Target>('trl', 'trl-conversational', 'kto', 'candidates', 'onpolicy', 'hh-rlhf'), auto: fc.boolean(), chunk: chunking, spec: inputOf(family(k as 'candidates'), { array: true }) }),
        ),
        async ({ k, to, auto, chunk, spec }) => {
          const read = { format: auto ? ('auto' as const) : (k as 'candidates') };
          const want = expectConvert(spec.bytes, oracleRead(spec, read), to);
          await dumping(spec, async () => {
            for (const batch of BATCHES) {
              const got = await observe((hooks, main) => runConvert(engine(), jobInput(spec, chunk), readSettings(spec, read, batch), { to }, main, hooks));
              expectAgrees(got, want);
            }
          });
        },
      ),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('augment --reward-conditioned (pairs and hh-rlhf)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('pairs', 'hh-rlhf').chain((k) =>
          fc.record({ k: fc.constant(k), template: fc.constantFrom(undefined, 'Goal {g}; again {g}.'), auto: fc.boolean(), chunk: chunking, spec: inputOf(family(k as 'pairs'), { array: true }) }),
        ),
        async ({ k, template, auto, chunk, spec }) => {
          const read = { format: auto ? ('auto' as const) : (k as 'pairs') };
          const o = { template, placement: 'auto' as const };
          const want = expectAugment(spec.bytes, oracleRead(spec, read), o);
          await dumping(spec, async () => {
            for (const batch of BATCHES) {
              const got = await observe((hooks, main) => runAugment(engine(), jobInput(spec, chunk), readSettings(spec, read, batch), o, main, hooks));
              expectAgrees(got, want);
            }
          });
        },
      ),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('route (threshold or hard fraction; score gap or --margin-field; rejects in input order)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          routing: fc.oneof(fc.record({ threshold: fc.constantFrom(-1, 0, 0.5, 2) }), fc.record({ hardFraction: fc.constantFrom(0, 0.25, 0.5, 1), tieSeed: fc.option(fc.constantFrom(0, 9), { nil: undefined }) })),
          marginField: fc.constantFrom(undefined, undefined, 'margin', 'implicit_margin'),
          auto: fc.boolean(),
          chunk: chunking,
          spec: inputOf(family('pairs'), { array: true }),
        }),
        async ({ routing, marginField, auto, chunk, spec }) => {
          const read = { format: auto ? ('auto' as const) : ('pairs' as const) };
          const o = { ...routing, marginField };
          const want = expectRoute(spec.bytes, oracleRead(spec, read), o);
          await dumping(spec, async () => {
            for (const batch of BATCHES) {
              const got = await observe((hooks, main, sft) => runRoute(engine(), jobInput(spec, chunk), readSettings(spec, read, batch), o, { dpo: main, sft }, hooks));
              expectAgrees(got, want, { sftToo: true });
            }
          });
        },
      ),
      { seed: SEED, numRuns: 100 },
    );
  });
});
