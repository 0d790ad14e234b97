// Reward-conditioned augmentation as the released code does it (issue #15): --keep-ties and --filter-field.
// Expected rows are written out by hand from the rules in spec losses.md 2.2.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { augmentRow, PAPER_TEMPLATE } from '../../src/pipeline/augment.js';
import { cliIn } from './cli.js';

const goal = (g: string) => PAPER_TEMPLATE.replace('{g}', g);

describe('augmentRow: ties and a filter field', () => {
  const tie = { prompt: 'p', chosen: 'a', rejected: 'b', score_chosen: 7, score_rejected: 7 };

  it('a goal tie is dropped by default and kept with keepTies: two rows with goal 7, labels swapped', () => {
    expect(augmentRow(tie, 0)).toEqual({ drop: 'tie' });
    const r = augmentRow(tie, 3, { keepTies: true });
    expect(r).toEqual({
      rows: [
        { prompt: `${goal('7')}\n\np`, chosen: 'a', rejected: 'b', score_chosen: 7, score_rejected: 7, pair_id: 3, goal_role: 'pos', goal: 7 },
        { prompt: `${goal('7')}\n\np`, chosen: 'b', rejected: 'a', score_chosen: 7, score_rejected: 7, pair_id: 3, goal_role: 'neg', goal: 7 },
      ],
    });
  });

  it('filterField keeps f_chosen >= f_rejected (non-strict) whatever the goal order; the neg row swaps f too', () => {
    const row = { prompt: 'p', chosen: 'a', rejected: 'b', score_chosen: 6, score_rejected: 8, avg_fine_score_chosen: 4.25, avg_fine_score_rejected: 4.25 };
    expect(augmentRow(row, 0)).toEqual({ drop: 'reversed' });
    const r = augmentRow(row, 1, { filterField: 'avg_fine_score' });
    if (!('rows' in r)) throw new Error('dropped');
    const [pos, neg] = r.rows;
    expect([pos.goal, pos.chosen, pos.prompt]).toEqual([6, 'a', `${goal('6')}\n\np`]);
    expect([neg.goal, neg.chosen, neg.rejected, neg.score_chosen, neg.score_rejected]).toEqual([8, 'b', 'a', 8, 6]);
    expect([neg.avg_fine_score_chosen, neg.avg_fine_score_rejected]).toEqual([4.25, 4.25]);
    expect(augmentRow({ ...row, avg_fine_score_chosen: 4 }, 1, { filterField: 'avg_fine_score' })).toEqual({ drop: 'reversed' });
    expect(augmentRow({ ...row, avg_fine_score_rejected: null }, 1, { filterField: 'avg_fine_score' })).toEqual({ drop: 'missing_filter_scores' });
    // A goal tie under a filter field: dropped unless keepTies (the released code keeps it).
    const t = { ...row, score_rejected: 6 };
    expect(augmentRow(t, 1, { filterField: 'avg_fine_score' })).toEqual({ drop: 'tie' });
    expect('rows' in augmentRow(t, 1, { filterField: 'avg_fine_score', keepTies: true })).toBe(true);
  });
});

describe('pairsmith augment --keep-ties --filter-field', () => {
  const { dir, cli, rows, manifest } = cliIn('augment');
  // score: goal pair; f: the filter pair. Default rule (score_chosen > score_rejected): rows 0 and 3 -> 4 rows.
  // Released rule (f_chosen >= f_rejected, ties kept): rows 0, 1 (f tie, goal tie), 2 (goal reversed) -> 6 rows;
  // row 3 has f reversed, row 4 no f.
  const pairs = [
    [8, 5, 4.5, 3],
    [7, 7, 4, 4],
    [6, 9, 5, 2],
    [9, 1, 2, 3],
    [5, 4, null, 1],
  ].map(([sc, sr, fc, fr], i) => ({ prompt: `q${i}`, chosen: `a${i}`, rejected: `b${i}`, score_chosen: sc, score_rejected: sr, avg_fine_score_chosen: fc, avg_fine_score_rejected: fr }));
  writeFileSync(join(dir, 'p.jsonl'), pairs.map((p) => JSON.stringify(p)).join('\n') + '\n');

  it('defaults unchanged; the released recipe keeps the goal tie and the goal-reversed pair', async () => {
    let r = await cli('augment', 'p.jsonl', '-o', 'd.jsonl', '--reward-conditioned');
    expect(r.code, r.err).toBe(0);
    expect(rows('d.jsonl').map((x) => [x.pair_id, x.goal_role, x.goal])).toEqual([
      [0, 'pos', 8],
      [0, 'neg', 5],
      [3, 'pos', 9],
      [3, 'neg', 1],
      [4, 'pos', 5],
      [4, 'neg', 4],
    ]);
    expect(manifest('d.jsonl').parameters).not.toHaveProperty('keep_ties');
    r = await cli('augment', 'p.jsonl', '-o', 'o.jsonl', '--reward-conditioned', '--filter-field', 'avg_fine_score', '--keep-ties');
    expect(r.code, r.err).toBe(0);
    expect(rows('o.jsonl').map((x) => [x.pair_id, x.goal_role, x.goal, x.chosen, x.avg_fine_score_chosen])).toEqual([
      [0, 'pos', 8, 'a0', 4.5],
      [0, 'neg', 5, 'b0', 3],
      [1, 'pos', 7, 'a1', 4],
      [1, 'neg', 7, 'b1', 4],
      [2, 'pos', 6, 'a2', 5],
      [2, 'neg', 9, 'b2', 2],
    ]);
    const m = manifest('o.jsonl');
    expect(m.parameters).toMatchObject({ keep_ties: true, filter_field: 'avg_fine_score' });
    expect(m.report.dropped).toEqual({ reversed: 1, missing_filter_scores: 1 });
    r = await cli('augment', 'p.jsonl', '-o', 't.jsonl', '--reward-conditioned', '--keep-ties');
    expect(rows('t.jsonl').map((x) => x.pair_id)).toEqual([0, 0, 1, 1, 3, 3, 4, 4]);
  });

  it('--help shows the flags with an example; a bad field name is refused', async () => {
    const r = await cli('augment', '--help');
    expect(r.out).toMatch(/--keep-ties/);
    expect(r.out).toMatch(/\$ pairsmith augment .*--filter-field avg_fine_score --keep-ties/);
    const b = await cli('augment', 'p.jsonl', '-o', 'x.jsonl', '--reward-conditioned', '--filter-field', '');
    expect(b.code).toBe(2);
  });
});
