// The corrupted fixtures lose nothing: every record ends in the output, as a counted no-pair outcome, or in
// <out>.rejects.jsonl naming its line; manifest counts add up; --on-error fail exits 3 leaving no output.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { fakeIo } from '../helpers/cli.js';

const FIX = join(__dirname, '../fixtures/datasets');

function lines(p: string): Record<string, unknown>[] {
  return readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

describe('corrupted candidates fixture', () => {
  it('convert: rejects by reason, exclusions by reason, no-pair counted, counts add up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pairsmith-bad-'));
    const io = fakeIo({ cwd: dir });
    const code = await run(['convert', join(FIX, 'corrupted.jsonl'), '-o', 'out.jsonl'], io);
    expect(io.err()).not.toMatch(/unexpected error/);
    expect(code).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'out.jsonl.manifest.json'), 'utf8'));
    // 17 physical lines: 2 blank (lines 2 and 15), 15 records.
    expect(m.records).toEqual({ read: 15, written: 4, no_pair: 1, rejected: 10 });
    expect(m.records.read).toBe(m.records.written + m.records.no_pair + m.records.rejected);
    expect(m.rejected_by_reason).toEqual({ malformed_json: 2, not_an_object: 2, missing_field: 1, wrong_type: 3, length_mismatch: 1, too_few_scored: 1 });
    expect(m.no_pair_by_reason).toEqual({ all_scores_equal: 1 });
    // line 3: NaN and -Infinity; line 4: 1e309 and null
    expect(m.excluded_by_reason).toEqual({ score_nan: 1, score_infinite: 2, score_null: 1 });
    expect(m.candidates).toEqual({ read: 3 + 4 + 4 + 2 + 2, used: 15 - 4, excluded: 4 });
    expect(m.format).toBe('candidates');
    expect(m.rows_written).toBe(4);

    const rej = lines(join(dir, 'out.jsonl.rejects.jsonl'));
    expect(rej.map((r) => r.line)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 17]);
    expect(rej.map((r) => r.reason)).toEqual([
      'malformed_json',
      'not_an_object',
      'not_an_object',
      'missing_field',
      'wrong_type',
      'wrong_type',
      'wrong_type',
      'length_mismatch',
      'too_few_scored',
      'malformed_json',
    ]);
    expect(rej.map((r) => r.field)).toEqual([null, null, null, 'prompt', 'scores', 'scores.1', 'scores.1', 'scores', 'scores', null]);
    for (const r of rej) expect(Object.keys(r)).toEqual(expect.arrayContaining(['file', 'line', 'field', 'reason', 'record']));
    expect(rej[0]!.record).toBe('{"prompt":"p4","responses":["a","b"],"scores":[1,2]');
    expect(rej[3]!.record).toEqual({ responses: ['a', 'b'], scores: [1, 2] });

    const out = lines(join(dir, 'out.jsonl'));
    expect(out).toEqual([
      { prompt: 'p1', chosen: 'c', rejected: 'a', score_chosen: 3, score_rejected: 1 },
      { prompt: 'p2', chosen: 'c', rejected: 'b', score_chosen: 2, score_rejected: 1 },
      { prompt: 'p3', chosen: 'd', rejected: 'b', score_chosen: 0.7, score_rejected: 0.5 },
      { prompt: 'p5', chosen: 'b', rejected: 'a', score_chosen: 1, score_rejected: 0 },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('stats: the same records are used or rejected, nothing else', async () => {
    const io = fakeIo();
    expect(await run(['stats', join(FIX, 'corrupted.jsonl'), '--json'], io)).toBe(0);
    const s = JSON.parse(io.out());
    expect(s.records).toEqual({ read: 15, written: 5, no_pair: 0, rejected: 10 });
    expect(s.prompts).toBe(5);
    expect(io.err()).toMatch(/rejected .*corrupted\.jsonl:5:-: malformed_json/);
  });

  it('--on-error fail: exit 3 naming file:line:field, and nothing under the final name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pairsmith-bad-'));
    for (const out of ['out.jsonl', 'out.parquet', 'out.jsonl.gz']) {
      const io = fakeIo({ cwd: dir });
      expect(await run(['convert', join(FIX, 'corrupted.jsonl'), '-o', out, '--on-error', 'fail'], io)).toBe(3);
      expect(io.err()).toMatch(/corrupted\.jsonl:5:-: malformed_json/);
    }
    expect(readdirSync(dir)).toEqual([]);
    const io = fakeIo({ cwd: dir });
    const bad = join(dir, 'bad.jsonl');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(bad, '{"prompt":"p","responses":["a","b"],"scores":[1,2]}\n{"prompt":"p","responses":["a","b"],"scores":[1,"x"]}\n');
    expect(await run(['convert', bad, '-o', 'o.jsonl', '--on-error', 'fail'], io)).toBe(3);
    expect(io.err()).toMatch(/bad\.jsonl:2:scores\.1: wrong_type/);
    expect(existsSync(join(dir, 'o.jsonl'))).toBe(false);
  });
});

describe('corrupted pairs fixture', () => {
  it('no_shared_prompt, missing and wrong-typed fields, a NaN score excluded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pairsmith-bad-'));
    const io = fakeIo({ cwd: dir });
    expect(await run(['convert', join(FIX, 'corrupted-pairs.jsonl'), '-o', 'p.jsonl'], io)).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'p.jsonl.manifest.json'), 'utf8'));
    expect(m.format).toBe('pairs');
    expect(m.records).toEqual({ read: 6, written: 2, no_pair: 0, rejected: 4 });
    expect(m.rejected_by_reason).toEqual({ no_shared_prompt: 1, missing_field: 1, wrong_type: 2 });
    expect(m.excluded_by_reason).toEqual({ score_nan: 1 });
    const rej = lines(join(dir, 'p.jsonl.rejects.jsonl'));
    expect(rej.map((r) => [r.line, r.field, r.reason])).toEqual([
      [2, 'prompt', 'no_shared_prompt'],
      [3, 'rejected', 'missing_field'],
      [4, 'chosen', 'wrong_type'],
      [5, 'score_chosen', 'wrong_type'],
    ]);
  });
});
