// `pairsmith stats`: hand-computed per-prompt statistics, ties, the mu - 2 sigma share, the logit transform,
// --per-prompt rows (JSON Lines and Parquet) with manifest, and usage errors.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { parquetRows } from '../helpers/read.js';
import { expectClose } from '../helpers/close.js';
import { fakeIo } from '../helpers/cli.js';

const FIX = join(__dirname, '../fixtures/datasets');

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'pairsmith-stats-'));
}

describe('pairsmith stats', () => {
  for (const backend of ['wasm-simd', 'js']) {
    it(`per-prompt rows match hand-computed values (${backend})`, async () => {
      const dir = tmp();
      const io = fakeIo({ cwd: dir });
      expect(await run(['--backend', backend, 'stats', join(FIX, 'onpolicy.jsonl'), '--per-prompt', 'pp.jsonl'], io)).toBe(0);
      const rows = readFileSync(join(dir, 'pp.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(rows.map((r) => [r.prompt_index, r.count, r.argmin, r.argmax, r.min, r.max])).toEqual([
        [0, 3, 2, 1, -0.2, 0.7],
        [1, 2, 1, 0, -1.25, 2.5],
      ]);
      // [0.5, 0.7, -0.2]: mean 1/3, population variance 0.446667/3; [2.5, -1.25]: mean 0.625, std 1.875
      expectClose(rows[0].mean, 1 / 3, { rtol: 1e-12 });
      expectClose(rows[0].std, Math.sqrt(0.44666666666666666 / 3), { rtol: 1e-12 });
      expectClose(rows[1].mean, 0.625, { rtol: 1e-12 });
      expectClose(rows[1].std, 1.875, { rtol: 1e-12 });
      const m = JSON.parse(readFileSync(join(dir, 'pp.jsonl.manifest.json'), 'utf8'));
      expect(m.records).toEqual({ read: 2, written: 2, no_pair: 0, rejected: 0 });
      expect(m.backend).toBe(backend);
      expect(m.parameters).toMatchObject({ transform: 'none', std: 'population', format: 'auto' });
      const summary = io.out();
      expect(summary).toMatch(/prompts:\s+2/);
      expect(summary).toMatch(/candidates:\s+5/);
    });
  }

  it('--std sample and --per-prompt .parquet', async () => {
    const dir = tmp();
    expect(await run(['stats', join(FIX, 'onpolicy.jsonl'), '--std', 'sample', '--per-prompt', 'pp.parquet'], fakeIo({ cwd: dir }))).toBe(0);
    const rows = (await parquetRows(join(dir, 'pp.parquet'))) as Record<string, number>[];
    expect(Object.keys(rows[0]!)).toEqual(['prompt_index', 'count', 'mean', 'std', 'min', 'max', 'argmin', 'argmax']);
    expectClose(rows[0]!.std!, Math.sqrt(0.44666666666666666 / 2), { rtol: 1e-12 });
    expectClose(rows[1]!.std!, Math.sqrt(2 * 1.875 * 1.875), { rtol: 1e-12 });
    expect(rows.map((r) => r.prompt_index)).toEqual([0, 1]);
  });

  it('ties, all-equal prompts and the share of minima below mu - 2 sigma', async () => {
    const dir = tmp();
    const p = join(dir, 'ties.jsonl');
    const recs = [
      [1, 1, 2], // a tie, best not tied
      [3, 3, 1], // best tied
      [2, 2], // all equal (also a tie and best tied)
      [1, 2, 3], // no tie
      [0, 10, 10, 10, 10, 10, 10, 10, 10, 10], // mean 9, population std 3: min 0 < 9 - 6; ties
    ];
    writeFileSync(p, recs.map((s) => JSON.stringify({ prompt: 'p', responses: s.map(String), scores: s })).join('\n'));
    const io = fakeIo();
    expect(await run(['stats', p, '--json'], io)).toBe(0);
    const s = JSON.parse(io.out());
    expect(s.prompts).toBe(5);
    expect(s.ties).toEqual({ prompts_all_equal: 1, prompts_with_ties: 4, prompts_max_tied: 3 });
    expect(s.min_below_mu_minus_2sigma).toEqual({ prompts: 1, share: 0.2 });
    expect(s.per_prompt.count).toMatchObject({ min: 2, max: 10, median: 3 });
    // per-prompt maxima [2, 3, 2, 3, 10]: mean 4, p25 = 2, median 3
    expect(s.per_prompt.max).toMatchObject({ mean: 4, p25: 2, median: 3, min: 2, max: 10 });
  });

  it('--transform logit: logit of clamped p; scores outside [0, 1] are excluded and counted', async () => {
    const dir = tmp();
    const p = join(dir, 'p.jsonl');
    writeFileSync(p, `${JSON.stringify({ prompt: 'p', responses: ['a', 'b', 'c', 'd'], scores: [0.5, 0.9, 1.2, 1] })}\n`);
    const io = fakeIo();
    expect(await run(['stats', p, '--json', '--transform', 'logit'], io)).toBe(0);
    const s = JSON.parse(io.out());
    expect(s.excluded_by_reason).toEqual({ score_out_of_range: 1 });
    // 1 clamps to 1 - 1e-6; 1 - (1 - 1e-6) differs from 1e-6 by ~1e-16 absolute (cancellation), hence rtol 1e-9.
    const top = Math.log((1 - 1e-6) / 1e-6);
    expectClose(s.per_prompt.mean.mean, (0 + Math.log(9) + top) / 3, { rtol: 1e-9 });
    expectClose(s.per_prompt.max.max, top, { rtol: 1e-9 });
  });

  it('pairs with scores are 2-candidate prompts; pairs without scores are counted, not lost', async () => {
    const io = fakeIo();
    expect(await run(['stats', join(FIX, 'pairs.jsonl'), '--json'], io)).toBe(0);
    const s = JSON.parse(io.out());
    expect(s.prompts).toBe(1);
    expect(s.records).toEqual({ read: 4, written: 1, no_pair: 3, rejected: 0 });
    expect(s.no_pair_by_reason).toEqual({ no_scores: 3 });
  });

  it('usage errors: missing input file is exit 3, bad choice exit 2', async () => {
    let io = fakeIo();
    expect(await run(['stats', '/nonexistent/x.jsonl'], io)).toBe(3);
    expect(io.err()).toMatch(/x\.jsonl/);
    io = fakeIo();
    expect(await run(['stats', join(FIX, 'onpolicy.jsonl'), '--transform', 'probit'], io)).toBe(2);
    io = fakeIo();
    expect(await run(['stats', join(FIX, 'onpolicy.jsonl'), '--scores-field', 'a..b'], io)).toBe(2);
    expect(io.err()).toMatch(/--scores-field: bad dot path/);
  });
});
