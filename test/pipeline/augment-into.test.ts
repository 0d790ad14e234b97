// augmentInto writes the two augmented rows straight into a row builder. Held here to a plain reference of the
// rule as it was first written (object spreads: `{ ...row, prompt, pair_id, goal_role, goal }`, then the swaps and
// negations assigned), over random rows: same drops, same errors, same columns in the same order, same values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteSink } from '../../src/io/bytes.js';
import { JsonlRowBuilder } from '../../src/io/encode.js';
import { augmentInto, augmentRow, conditionPrompt, PAPER_TEMPLATE, renderGoal, type AugmentOptions } from '../../src/pipeline/augment.js';
import { BuilderOut } from '../../src/pipeline/run-select.js';

type Row = Record<string, unknown>;

/** The reference: the rule with object spreads. */
function reference(row: Row, pairId: number, opts: AugmentOptions): { rows: [Row, Row] } | { drop: string } {
  const cf = opts.chosenScoreField ?? 'score_chosen';
  const rf = opts.rejectedScoreField ?? 'score_rejected';
  const rw = row[cf];
  const rl = row[rf];
  if (typeof rw !== 'number' || typeof rl !== 'number' || !Number.isFinite(rw) || !Number.isFinite(rl)) return { drop: 'missing_scores' };
  const ff = opts.filterField;
  if (ff !== undefined) {
    const fw = row[`${ff}_chosen`];
    const fl = row[`${ff}_rejected`];
    if (typeof fw !== 'number' || typeof fl !== 'number' || !Number.isFinite(fw) || !Number.isFinite(fl)) return { drop: 'missing_filter_scores' };
    if (fw < fl) return { drop: 'reversed' };
    if (rw === rl && !opts.keepTies) return { drop: 'tie' };
  } else {
    if (rw === rl && !opts.keepTies) return { drop: 'tie' };
    if (rw < rl) return { drop: 'reversed' };
  }
  const template = opts.template ?? PAPER_TEMPLATE;
  const placement = opts.placement ?? 'auto';
  const place = (g: number) => conditionPrompt(row.prompt, renderGoal(template, g), placement === 'auto' ? (typeof row.prompt === 'string' ? 'prefix' : 'system') : placement);
  const pos: Row = { ...row, prompt: place(rw), pair_id: pairId, goal_role: 'pos', goal: rw };
  const neg: Row = { ...row, prompt: place(rl), pair_id: pairId, goal_role: 'neg', goal: rl };
  const swaps: [string, string][] = [
    ['chosen', 'rejected'],
    ['score_chosen', 'score_rejected'],
    ['chosen_index', 'rejected_index'],
  ];
  if (ff !== undefined) swaps.push([`${ff}_chosen`, `${ff}_rejected`]);
  for (const [a, b] of swaps) {
    if (a in row || b in row) {
      neg[a] = row[b];
      neg[b] = row[a];
    }
  }
  if (cf !== 'score_chosen' || rf !== 'score_rejected') {
    neg[cf] = rl;
    neg[rf] = rw;
  }
  for (const f of ['margin', 'implicit_margin']) if (typeof row[f] === 'number') neg[f] = -(row[f] as number);
  return { rows: [pos, neg] };
}

const KEYS = ['prompt', 'chosen', 'rejected', 'score_chosen', 'score_rejected', 'chosen_index', 'rejected_index', 'margin', 'implicit_margin', 'pair_id', 'goal', 'goal_role', 'avg_chosen', 'avg_rejected', 'r_a', 'r_b', 'note', '__proto__'];
const score = fc.oneof(fc.constantFrom(1, 2, 2.5, 8, -0, 0, Number.NaN, Infinity), fc.double({ noNaN: true, min: -10, max: 10 }), fc.constant(null), fc.constant('7'));
const text = fc.oneof(fc.string({ maxLength: 8 }), fc.constant([{ role: 'user', content: 'hi' }]), fc.constant([{ role: 'system', content: 'sys' }, { role: 'user', content: 'q' }]), fc.constant(42));
const rowArb = fc
  .tuple(fc.shuffledSubarray(KEYS, { minLength: 2 }), fc.array(fc.oneof(score, text), { minLength: KEYS.length, maxLength: KEYS.length }), text, score, score)
  .map(([keys, vals, prompt, sc, sr]) => {
    const row: Row = {};
    keys.forEach((k, i) => {
      const v = k === 'prompt' ? prompt : k === 'score_chosen' || k === 'r_a' ? sc : k === 'score_rejected' || k === 'r_b' ? sr : vals[i];
      Object.defineProperty(row, k, { value: v, writable: true, enumerable: true, configurable: true });
    });
    return row;
  });
const optsArb: fc.Arbitrary<AugmentOptions> = fc.record(
  {
    template: fc.constantFrom('G={g}', '{g}/{g}', PAPER_TEMPLATE),
    placement: fc.constantFrom('auto', 'system', 'prefix'),
    keepTies: fc.boolean(),
    filterField: fc.constant('avg'),
    chosenScoreField: fc.constant('r_a'),
    rejectedScoreField: fc.constant('r_b'),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<AugmentOptions>;

function outcome(f: () => unknown): unknown {
  try {
    return f();
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe('augmentInto', () => {
  it('gives the reference rows (columns in the same order) or the same drop or error, on random rows and options', () => {
    fc.assert(
      fc.property(rowArb, fc.integer({ min: 0, max: 1000 }), optsArb, (row, id, opts) => {
        const want = outcome(() => reference(row, id, opts)) as { rows?: Row[] };
        const got = outcome(() => augmentRow(row, id, opts)) as { rows?: Row[] };
        expect(got).toEqual(want);
        if (want.rows && got.rows) for (let k = 0; k < 2; k++) expect(Object.keys(got.rows[k]!)).toEqual(Object.keys(want.rows[k]!));
      }),
      { numRuns: 3000 },
    );
  });

  it('writes through a row builder the JSON of the reference rows, and nothing when a pair is dropped or fails', () => {
    fc.assert(
      fc.property(rowArb, optsArb, (row, opts) => {
        const sink = new ByteSink(64);
        const out = new BuilderOut(new JsonlRowBuilder(sink));
        const want = outcome(() => reference(row, 3, opts)) as { rows?: Row[] };
        const got = outcome(() => augmentInto(row, 3, opts, out));
        const text = new TextDecoder().decode(sink.take());
        if (!want.rows) {
          expect(text).toBe('');
          expect(got).toEqual('drop' in (want as object) ? (want as { drop: string }).drop : want);
          return;
        }
        expect(got).toBeNull();
        // The builder writes non-finite numbers as null, as JSON.stringify does.
        expect(text).toBe(want.rows.map((r) => `${JSON.stringify(r, (_k, v: unknown) => (v === undefined ? null : v))}\n`).join(''));
      }),
      { numRuns: 2000 },
    );
  });
});
