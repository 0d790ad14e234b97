// Routing after augmentation is refused (issue #15): a neg row's margin is negated, so routing by margin would send
// every negative-goal row to SFT, i.e. SFT on rejected responses. SFT rows always carry their margin.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sftRow } from '../../src/pipeline/route.js';
import { cliIn } from './cli.js';

describe('sftRow', () => {
  it('always carries margin: the routed one, else the row margin, else score_chosen - score_rejected, else null', () => {
    const row = { prompt: 'p', chosen: 'c', rejected: 'r', score_chosen: 3, score_rejected: 1.5 };
    expect(sftRow(row, 2)).toEqual({ prompt: 'p', completion: 'c', margin: 1.5, pair_id: 2, route: 'sft' });
    expect(sftRow({ ...row, margin: 0.25 }, 2).margin).toBe(0.25);
    expect(sftRow({ ...row, margin: 0.25 }, 2, 7).margin).toBe(7);
    expect(sftRow({ prompt: 'p', chosen: 'c' }, 0)).toEqual({ prompt: 'p', completion: 'c', margin: null, pair_id: 0, route: 'sft' });
    expect(sftRow({ ...row, score_rejected: Number.NaN }, 0).margin).toBeNull();
  });

  it('refuses an augmented row', () => {
    expect(() => sftRow({ prompt: 'p', chosen: 'c', goal_role: 'neg' }, 0)).toThrow(/route before augmenting/);
  });
});

describe('pairsmith route after augment', () => {
  const { dir, cli, rows, manifest } = cliIn('route');
  const pairs = [
    [9, 1],
    [6, 5.5],
    [8, 4],
    [5, 4.75],
  ].map(([sc, sr], i) => ({ prompt: `q${i}`, chosen: `a${i}`, rejected: `b${i}`, score_chosen: sc, score_rejected: sr }));
  writeFileSync(join(dir, 'p.jsonl'), pairs.map((p) => JSON.stringify(p)).join('\n') + '\n');

  it('is refused with a message naming the cause and the fix', async () => {
    expect((await cli('augment', 'p.jsonl', '-o', 'aug.jsonl', '--reward-conditioned')).code).toBe(0);
    const r = await cli('route', 'aug.jsonl', '--dpo', 'd.jsonl', '--sft', 's.jsonl', '--hard-fraction', '0.5');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/aug\.jsonl:1: route takes pairs before augmentation/);
    expect(r.err).toMatch(/SFT on rejected responses/);
    expect(r.err).toMatch(/Route first, then augment the DPO output/);
  });

  it('curate --route on augmented rows is refused the same way (threads 1 and 2)', async () => {
    expect((await cli('augment', 'p.jsonl', '-o', 'aug2.jsonl', '--reward-conditioned')).code).toBe(0);
    for (const t of ['1', '2']) {
      const r = await cli('curate', 'aug2.jsonl', '-o', `c${t}.jsonl`, '--route', '--hard-fraction', '0.5', '--fraction', '1', '--threads', t);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/aug2\.jsonl:1: route takes pairs before augmentation/);
    }
    // Without --route, curate takes them (selection only).
    expect((await cli('curate', 'aug2.jsonl', '-o', 'c3.jsonl', '--fraction', '1')).code).toBe(0);
  });

  it('route then augment works; SFT rows carry the score margin', async () => {
    const r = await cli('route', 'p.jsonl', '--dpo', 'd.jsonl', '--sft', 's.jsonl', '--hard-fraction', '0.5');
    expect(r.code, r.err).toBe(0);
    // Margins 8, 0.5, 4, 0.25: the two smallest (q1, q3) go to SFT, largest first.
    expect(rows('s.jsonl').map((x) => [x.prompt, x.completion, x.margin])).toEqual([
      ['q1', 'a1', 0.5],
      ['q3', 'a3', 0.25],
    ]);
    expect(rows('d.jsonl').map((x) => x.prompt)).toEqual(['q0', 'q2']);
    expect((await cli('augment', 'd.jsonl', '-o', 'da.jsonl', '--reward-conditioned')).code).toBe(0);
    expect(rows('da.jsonl').length).toBe(4);
  });
});
