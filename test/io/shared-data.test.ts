// The real data in ../shared/data (skipped with a message when absent). Expected values were computed
// independently with Python's json/statistics modules from the files themselves.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { expectClose } from '../helpers/close.js';
import { fakeIo } from '../helpers/cli.js';

const DATA = resolve(__dirname, '../../../shared/data');
const ALPACA = join(DATA, 'alpaca_eval_multi.jsonl');
const HH = join(DATA, 'hh-rlhf_harmless-base_test.jsonl.gz');

if (!existsSync(ALPACA)) console.log(`skipping AlpacaEval tests: ${ALPACA} not found (see ../shared/data/README.md)`);
if (!existsSync(HH)) console.log(`skipping HH-RLHF tests: ${HH} not found (see ../shared/data/README.md)`);

describe.skipIf(!existsSync(ALPACA))('shared data: alpaca_eval_multi.jsonl', () => {
  it('stats with --responses-field/--scores-field: 161 prompts x 56 scored candidates', async () => {
    const io = fakeIo();
    expect(await run(['stats', ALPACA, '--responses-field', 'responses', '--scores-field', 'scores', '--json'], io)).toBe(0);
    const s = JSON.parse(io.out());
    expect(s.format).toBe('candidates');
    expect(s.prompts).toBe(161);
    expect(s.candidates).toEqual({ read: 9016, used: 9016, excluded: 0 });
    expect(s.records).toEqual({ read: 161, written: 161, no_pair: 0, rejected: 0 });
    expect(s.per_prompt.count).toMatchObject({ min: 56, max: 56 });
    // Python: mean of all scores 0.11404628268592573 (equal group sizes: also the mean of means);
    // mean per-prompt max 0.8836739750832294; mean per-prompt population std 0.2254875877514986;
    // prompts with min < mean - 2 * pstdev: 1.
    expectClose(s.per_prompt.mean.mean, 0.11404628268592573, { rtol: 1e-12 });
    expectClose(s.per_prompt.max.mean, 0.8836739750832294, { rtol: 1e-12 });
    expectClose(s.per_prompt.std.mean, 0.2254875877514986, { rtol: 1e-12 });
    expect(s.min_below_mu_minus_2sigma.prompts).toBe(1);
  });

  it('prints a human summary', async () => {
    const io = fakeIo();
    expect(await run(['stats', ALPACA, '--responses-field', 'responses', '--scores-field', 'scores', '--transform', 'logit'], io)).toBe(0);
    expect(io.out()).toMatch(/prompts:\s+161/);
    expect(io.out()).toMatch(/min < mu - 2 sigma: \d+ of 161 prompts/);
  });

  it('converts to TRL pairs (max vs min) in Parquet with a manifest that adds up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pairsmith-shared-'));
    expect(await run(['convert', ALPACA, '-o', 'a.parquet'], fakeIo({ cwd: dir }))).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'a.parquet.manifest.json'), 'utf8'));
    expect(m.records.read).toBe(161);
    expect(m.records.written + m.records.no_pair + m.records.rejected).toBe(161);
    expect(m.pairs_written).toBe(m.records.written);
  });
});

describe.skipIf(!existsSync(HH))('shared data: hh-rlhf_harmless-base_test.jsonl.gz', () => {
  it('is detected as hh-rlhf and every one of the 2312 pairs converts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pairsmith-shared-'));
    const io = fakeIo({ cwd: dir });
    expect(await run(['convert', HH, '-o', 'hh.jsonl', '--to', 'trl-conversational'], io)).toBe(0);
    expect(io.err()).toMatch(/format: hh-rlhf \(detected/);
    const m = JSON.parse(readFileSync(join(dir, 'hh.jsonl.manifest.json'), 'utf8'));
    expect(m.records).toEqual({ read: 2312, written: 2312, no_pair: 0, rejected: 0 });
    const first = JSON.parse(readFileSync(join(dir, 'hh.jsonl'), 'utf8').split('\n')[0]!);
    expect(first.prompt[0].role).toBe('user');
    expect(first.prompt.at(-1).role).toBe('user');
    expect(first.chosen).toHaveLength(1);
    expect(first.chosen[0].role).toBe('assistant');
  });
});
