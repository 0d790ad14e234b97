// Reward-conditioned augmentation (losses.md 2) and small-margin routing (losses.md 4).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { augmentRow, formatGoal, PAPER_TEMPLATE, renderGoal } from '../../src/pipeline/augment.js';
import { routePairs, sftRow } from '../../src/pipeline/route.js';

describe('augmentation', () => {
  it('worked example: r_w = 8, r_l = 6.5 gives goal rows "8" and "6.5" with the roles swapped', () => {
    const row = { prompt: 'x', chosen: 'yw', rejected: 'yl', score_chosen: 8.0, score_rejected: 6.5, margin: 1.5, chosen_index: 3, rejected_index: 1, extra: 'kept' };
    const r = augmentRow(row, 0);
    if (!('rows' in r)) throw new Error('dropped');
    const [pos, neg] = r.rows;
    expect(pos.prompt).toBe(`${PAPER_TEMPLATE.replace('{g}', '8')}\n\nx`);
    expect(neg.prompt).toBe(`${PAPER_TEMPLATE.replace('{g}', '6.5')}\n\nx`);
    expect(String(pos.prompt)).toContain('Overall score: 8.');
    expect([pos.chosen, pos.rejected, neg.chosen, neg.rejected]).toEqual(['yw', 'yl', 'yl', 'yw']);
    expect([neg.score_chosen, neg.score_rejected, neg.margin, neg.chosen_index, neg.rejected_index]).toEqual([6.5, 8, -1.5, 1, 3]);
    expect([pos.goal_role, neg.goal_role, pos.goal, neg.goal, pos.pair_id, neg.pair_id]).toEqual(['pos', 'neg', 8, 6.5, 0, 0]);
    expect(neg.extra).toBe('kept');
    expect(row.chosen).toBe('yw'); // input untouched
  });

  it('the template is the paper text, byte for byte', () => {
    expect(PAPER_TEMPLATE).toBe(
      'You are an assistant that generates responses for the instruction while implicitly achieving the following target scores (on a scale of 1-10, where 1 is lowest and 10 is highest):\nOverall score: {g}.',
    );
    expect(formatGoal(8)).toBe('8');
    expect(formatGoal(7.5)).toBe('7.5');
    expect(renderGoal('goal {g} / {g}', 0.25)).toBe('goal 0.25 / 0.25');
  });

  it('conversational prompts get a system message; prefix placement edits the first user turn', () => {
    const row = { prompt: [{ role: 'user', content: 'q' }], chosen: [{ role: 'assistant', content: 'a' }], rejected: [{ role: 'assistant', content: 'b' }], score_chosen: 2, score_rejected: 1 };
    const r = augmentRow(row, 5, { template: 'G={g}' });
    if (!('rows' in r)) throw new Error('dropped');
    expect(r.rows[0].prompt).toEqual([{ role: 'system', content: 'G=2' }, { role: 'user', content: 'q' }]);
    const p = augmentRow(row, 5, { template: 'G={g}', placement: 'prefix' });
    if (!('rows' in p)) throw new Error('dropped');
    expect(p.rows[1].prompt).toEqual([{ role: 'user', content: 'G=1\n\nq' }]);
    expect(row.prompt).toEqual([{ role: 'user', content: 'q' }]);
  });

  it('ties, reversed and missing scores are dropped with their reason', () => {
    expect(augmentRow({ prompt: 'x', score_chosen: 1, score_rejected: 1 }, 0)).toEqual({ drop: 'tie' });
    expect(augmentRow({ prompt: 'x', score_chosen: 1, score_rejected: 2 }, 0)).toEqual({ drop: 'reversed' });
    expect(augmentRow({ prompt: 'x', score_chosen: 1 }, 0)).toEqual({ drop: 'missing_scores' });
  });

  it('property: augmentation doubles exactly the non-tied rows', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 10 })), { maxLength: 50 }), (scores) => {
        let out = 0;
        let dropped = 0;
        scores.forEach(([a, b], i) => {
          const hi = Math.max(a, b);
          const lo = Math.min(a, b);
          const r = augmentRow({ prompt: 'p', chosen: 'c', rejected: 'r', score_chosen: hi, score_rejected: lo }, i);
          if ('rows' in r) out += r.rows.length;
          else dropped++;
        });
        const untied = scores.filter(([a, b]) => a !== b).length;
        expect(out).toBe(2 * untied);
        expect(dropped).toBe(scores.length - untied);
      }),
    );
  });
});

describe('routing', () => {
  // losses.md 4.3: margins p1 6.0, p7 4.5, p3 1.0, p5 1.0 -> DPO (in this order); p2 0.25, p6 0.25, p4 0, p8 0 -> SFT.
  const M = [6.0, 0.25, 1.0, 0.0, 1.0, 0.25, 4.5, 0.0]; // p1..p8 at indices 0..7

  it('threshold 0.5 reproduces the worked example, easy first', () => {
    const r = routePairs(M, { threshold: 0.5 });
    expect(Array.from(r.dpo).map((i) => `p${i + 1}`)).toEqual(['p1', 'p7', 'p3', 'p5']);
    expect(Array.from(r.sft).map((i) => `p${i + 1}`)).toEqual(['p2', 'p6', 'p4', 'p8']);
  });

  it('hard fraction 0.5 gives the same split', () => {
    const r = routePairs(M, { hardFraction: 0.5 });
    expect(Array.from(r.dpo)).toEqual([0, 6, 2, 4]);
    expect(Array.from(r.sft)).toEqual([1, 5, 3, 7]);
  });

  it('a tie seed reorders ties only', () => {
    const r = routePairs(M, { threshold: 0.5, tieSeed: 11 });
    expect(Array.from(r.dpo).slice(0, 2)).toEqual([0, 6]);
    expect(new Set(Array.from(r.dpo).slice(2))).toEqual(new Set([2, 4]));
  });

  it('SFT rows are TRL prompt-completion with the chosen as completion', () => {
    expect(sftRow({ prompt: 'p', chosen: 'c', rejected: 'r', margin: 0.1 }, 4)).toEqual({ prompt: 'p', completion: 'c', margin: 0.1, pair_id: 4, route: 'sft' });
  });

  it('property: routing partitions the input; DPO margins >= SFT margins; both sorted descending', () => {
    const m = fc.oneof(fc.integer({ min: -20, max: 20 }).map((x) => x / 4), fc.constant(Number.NaN));
    fc.assert(
      fc.property(fc.array(m, { maxLength: 60 }), fc.oneof(fc.record({ threshold: fc.integer({ min: -5, max: 5 }) }), fc.record({ hardFraction: fc.integer({ min: 0, max: 10 }).map((x) => x / 10) })), (margins, opts) => {
        const r = routePairs(margins, opts);
        const all = [...r.dpo, ...r.sft, ...r.missing].sort((a, b) => a - b);
        expect(all).toEqual(margins.map((_, i) => i));
        const d = Array.from(r.dpo, (i) => margins[i]!);
        const s = Array.from(r.sft, (i) => margins[i]!);
        for (let i = 1; i < d.length; i++) expect(d[i]!).toBeLessThanOrEqual(d[i - 1]!);
        for (let i = 1; i < s.length; i++) expect(s[i]!).toBeLessThanOrEqual(s[i - 1]!);
        if (d.length && s.length) expect(Math.min(...d)).toBeGreaterThanOrEqual(Math.max(...s));
        if ('threshold' in opts) for (const x of s) expect(x).toBeLessThan(opts.threshold);
        else expect(s.length).toBe(Math.floor(opts.hardFraction * (margins.length - r.missing.length) + 1e-9));
      }),
    );
  });
});
