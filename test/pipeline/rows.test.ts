// Row-level steps: margins from pair rows, annotated selection, weights, routing rows.
import { describe, expect, it } from 'vitest';
import { augmentRows, routeRows, rowMargins, selectRows, weightRows } from '../../src/pipeline/rows.js';

const rows = [
  { prompt: 'a', chosen: 'x', rejected: 'y', score_chosen: 3, score_rejected: 1 },
  { prompt: 'b', chosen: 'x', rejected: 'y', score_chosen: 2, score_rejected: 1.5, policy_chosen_logps: [-1, -2], policy_rejected_logps: -5, reference_chosen_logps: -4, reference_rejected_logps: -4 },
  { prompt: 'c', chosen: 'x', rejected: 'y', score_chosen: 1, score_rejected: 1, implicit_margin: 7 },
];

describe('row steps', () => {
  it('margins: score gap; implicit from the field or the four log-probs (beta 1, summed tokens)', () => {
    const m = rowMargins(rows);
    expect(Array.from(m.external!)).toEqual([2, 0.5, 0]);
    // (-3 - (-4)) - (-5 - (-4)) = 1 + 1 = 2
    expect(m.implicit![0]).toBeNaN();
    expect(Array.from(m.implicit!).slice(1)).toEqual([2, 7]);
    expect(rowMargins(rows, undefined, 0.5).implicit![1]).toBe(1);
  });

  it('select keeps the top rows in input order with the added fields', () => {
    const m = rowMargins(rows);
    const { rows: kept } = selectRows(rows, m, { by: 'external', top: 2 });
    expect(kept.map((r) => r.prompt)).toEqual(['a', 'b']);
    expect(kept.map((r) => r.selected)).toEqual([1, 2]);
    expect(kept[0]).toMatchObject({ selection_score: 2, score_chosen: 3 });
    expect(kept[0]!.p_external).toBeTypeOf('number');
    const all = selectRows(rows, m, { by: 'external', top: 2 }, true).rows;
    expect(all.map((r) => r.selected)).toEqual([1, 2, null]);
  });

  it('weights, augmentation and routing over rows', () => {
    const w: Record<string, unknown>[] = rows.map((r) => ({ ...r }));
    weightRows(w, [2, 0.5, 0]);
    // mean gap = 2.5 / 3
    expect(w.map((r) => r.weight)).toEqual([2 / (2.5 / 3), 0.5 / (2.5 / 3), 0]);
    const a = augmentRows(rows);
    expect(a.rows.length).toBe(4);
    expect(a.dropped).toEqual({ tie: 1 });
    const r = routeRows(rows, [2, 0.5, 0], { threshold: 1 });
    expect(r.dpo.map((x) => x.prompt)).toEqual(['a']);
    expect(r.sft).toEqual([
      { prompt: 'b', completion: 'x', pair_id: 1, route: 'sft' },
      { prompt: 'c', completion: 'x', pair_id: 2, route: 'sft' },
    ]);
  });
});
