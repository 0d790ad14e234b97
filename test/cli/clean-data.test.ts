// `pairsmith clean` on the shared datasets layer: gzip, JSON-array, Parquet and stdin input give the same rows as
// JSON Lines; a corrupted fixture whose rejects and manifest counts add up; --on-error fail leaving nothing behind;
// chunked runs equal to one chunk; every input column kept; the output read back as candidate records with
// --scores-field clean_scores (what pairs/curate/stats consume).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileWriter, ParquetWriter, type SchemaElement } from 'hyparquet-writer';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { CandidateRecord } from '../../src/pipeline/records.js';
import { readAll } from '../helpers/read.js';
import { referenceBackend } from '../../src/reference/index.js';
import { fakeIo } from '../helpers/cli.js';
import { rng } from '../helpers/close.js';
import { btl, kendallTau } from '../helpers/rpca-data.js';

const dir = mkdtempSync(join(tmpdir(), 'pairsmith-clean-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string): string => join(dir, name);
const jsonl = (rows: unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
const readJsonl = (p: string): any[] =>
  readFileSync(p, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));
const manifestOf = (out: string): any => JSON.parse(readFileSync(`${out}.manifest.json`, 'utf8'));

async function ok(argv: string[], io = fakeIo()): Promise<ReturnType<typeof fakeIo>> {
  const code = await run(argv, io);
  expect(code, io.err()).toBe(0);
  return io;
}

/** P[i][j] = sigmoid(D_ij) of a BTL matrix with flips; a fraction `missing` of the pairs is null (both directions). */
function prefMatrix(n: number, seed: number, missing = 0): (number | null)[][] {
  const b = btl(n, 0.1, seed, false);
  const r = rng(seed + 1000);
  const P: (number | null)[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? null : 1 / (1 + Math.exp(-b.D[i * n + j]!)))));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (r() < missing) P[i]![j] = P[j]![i] = null;
    }
  }
  return P;
}

/** The judged pairs of a matrix as comparisons [i, j, p] (upper triangle). */
function comparisonsOf(P: (number | null)[][]): [number, number, number][] {
  const out: [number, number, number][] = [];
  P.forEach((row, i) => row.forEach((p, j) => j > i && p !== null && out.push([i, j, p])));
  return out;
}

/** Prompts of n in [4, 14]: dense matrices (some with missing pairs) and comparison lists, extra columns kept. */
function prompts(count: number, seed: number): Record<string, unknown>[] {
  const r = rng(seed);
  return Array.from({ length: count }, (_, k) => {
    const n = 4 + Math.floor(r() * 11);
    const P = prefMatrix(n, seed * 100 + k, k % 3 === 0 ? 0.15 : 0);
    const rec: Record<string, unknown> = { id: `p${k}`, prompt: `prompt ${k}`, responses: Array.from({ length: n }, (_, i) => `r${k}.${i}`) };
    if (k % 2 === 0) rec.preference_matrix = P;
    else rec.comparisons = comparisonsOf(P);
    if (k % 4 === 1) rec.scores = Array.from({ length: n }, (_, i) => n - i);
    if (k % 5 === 0) rec.meta = { judge: 'gpt', round: k, tags: ['a', 'b'] };
    return rec;
  });
}

describe('pairsmith clean: inputs through the datasets layer', () => {
  const recs = prompts(12, 3);
  const argv = (input: string, out: string) => ['clean', input, '-o', out, '--min-candidates', '8'];

  it('keeps every input column and adds clean_scores, corrupted, ranking, rpca_skipped', async () => {
    writeFileSync(at('p.jsonl'), jsonl(recs));
    await ok(argv(at('p.jsonl'), at('p-out.jsonl')));
    const out = readJsonl(at('p-out.jsonl'));
    expect(out).toHaveLength(recs.length);
    out.forEach((row, k) => {
      const { clean_scores, corrupted, ranking, rpca_skipped, ...rest } = row;
      expect(rest).toEqual(recs[k]);
      const n = (recs[k]!.responses as string[]).length;
      expect(clean_scores).toHaveLength(n);
      expect([...ranking].sort((a: number, b: number) => a - b)).toEqual([...Array(n).keys()]);
      expect(clean_scores[ranking[0]]).toBe(Math.max(...clean_scores));
      expect(rpca_skipped).toBe(n < 8);
      if (rpca_skipped && recs[k]!.scores) expect(clean_scores).toEqual(recs[k]!.scores);
      for (const [i, j] of corrupted) expect(i < j && j < n).toBe(true);
    });
    const m = manifestOf(at('p-out.jsonl'));
    expect(m.records).toEqual({ read: 12, written: 12, no_pair: 0, rejected: 0 });
    expect(m.outcomes.rpca + m.outcomes.passed_through).toBe(12);
    expect(m.outcomes.rpca).toBe(out.filter((r) => !r.rpca_skipped).length);
    expect(m.outcomes.rpca).toBeGreaterThan(0);
    expect(m.outcomes.passed_through).toBeGreaterThan(0);
    expect(m.outcomes.comparisons_flagged).toBe(out.reduce((s, r) => s + r.corrupted.length, 0));
    expect(m.candidates.read).toBe(recs.reduce((s, r) => s + (r.responses as string[]).length, 0));
    expect(m).toMatchObject({ command: 'clean', format: 'preferences', parameters: { min_candidates: 8, on_error: 'skip', chunk_size: 256 } });
  });

  it('.jsonl.gz, .json (array) and stdin (gzip too) give the same rows as .jsonl; -o - writes them to stdout', async () => {
    writeFileSync(at('q.jsonl'), jsonl(recs));
    writeFileSync(at('q.jsonl.gz'), gzipSync(jsonl(recs)));
    writeFileSync(at('q.json'), JSON.stringify(recs, null, 1));
    await ok(argv(at('q.jsonl'), at('q-want.jsonl')));
    const want = readFileSync(at('q-want.jsonl'), 'utf8');
    for (const p of ['q.jsonl.gz', 'q.json']) {
      await ok(argv(at(p), at(`${p}-out.jsonl.gz`)));
      const { gunzipSync } = await import('node:zlib');
      expect(gunzipSync(readFileSync(at(`${p}-out.jsonl.gz`))).toString('utf8'), p).toBe(want);
    }
    const io = await ok(argv('-', at('q-stdin.jsonl')), fakeIo({ stdin: gzipSync(jsonl(recs)) }));
    expect(readFileSync(at('q-stdin.jsonl'), 'utf8')).toBe(want);
    expect(manifestOf(at('q-stdin.jsonl')).inputs).toEqual(['-']);
    expect(io.out()).toBe('');
    const io2 = await ok(argv('-', '-'), fakeIo({ stdin: jsonl(recs) }));
    expect(io2.out()).toBe(want);
    expect(existsSync(at('-.manifest.json'))).toBe(false);
  });

  it('.parquet input (nested list columns) gives the same rows as .jsonl', async () => {
    // one column form per file: dense matrices, or comparison lists (list<list<double>>)
    const dense = recs.filter((r) => r.preference_matrix).map(({ id, prompt, responses, preference_matrix }) => ({ id, prompt, responses, preference_matrix }));
    const listOf = (name: string, element: SchemaElement[]): SchemaElement[] => [
      { name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      ...element,
    ];
    const schema: SchemaElement[] = [
      { name: 'root', num_children: 4 },
      { name: 'id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: 'prompt', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      ...listOf('responses', [{ name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' }]),
      ...listOf('preference_matrix', listOf('element', [{ name: 'element', type: 'DOUBLE', repetition_type: 'OPTIONAL' }])),
    ];
    const w = new ParquetWriter({ writer: fileWriter(at('d.parquet')), schema });
    const col = (k: keyof (typeof dense)[number]) => ({ name: k, data: dense.map((r) => r[k]) });
    w.write({ columnData: [col('id'), col('prompt'), col('responses'), col('preference_matrix')], rowGroupSize: 4 });
    w.finish();
    writeFileSync(at('d.jsonl'), jsonl(dense));
    await ok(argv(at('d.jsonl'), at('d-want.jsonl')));
    await ok(argv(at('d.parquet'), at('d-pq.jsonl')));
    expect(readJsonl(at('d-pq.jsonl'))).toEqual(readJsonl(at('d-want.jsonl')));
    expect(manifestOf(at('d-pq.jsonl')).records).toEqual({ read: dense.length, written: dense.length, no_pair: 0, rejected: 0 });
  });

  it('refuses Parquet output (usage error, exit 2)', async () => {
    writeFileSync(at('r.jsonl'), jsonl(recs.slice(0, 2)));
    const io = fakeIo();
    expect(await run(['clean', at('r.jsonl'), '-o', at('r.parquet')], io)).toBe(2);
    expect(io.err()).toMatch(/not Parquet/);
    expect(existsSync(at('r.parquet'))).toBe(false);
  });
});

describe('pairsmith clean: rejects and manifest', () => {
  const big = prefMatrix(20, 77);
  // line: what it is
  const LINES = [
    JSON.stringify({ id: 'big', prompt: 'q', responses: big.map((_, i) => `r${i}`), preference_matrix: big }), // 1: ok, RPCA
    '', // 2: blank, not a record
    '{not json', // 3: malformed_json
    '[1, 2]', // 4: not_an_object
    JSON.stringify({ prompt: 'x' }), // 5: missing_field
    JSON.stringify({ preference_matrix: 'abc' }), // 6: wrong_type
    JSON.stringify({ preference_matrix: [[null, 0.5], [0.5]] }), // 7: length_mismatch (row 1)
    JSON.stringify({ comparisons: [[0, 1, '0.7']], n: 2 }), // 8: wrong_type (p)
    JSON.stringify({ comparisons: [[0, 5, 0.7]], n: 3 }), // 9: out_of_range (j)
    '{"comparisons": [[0, 1, NaN]], "n": 2}', // 10: non_finite (p)
    JSON.stringify({ comparisons: [[0, 1, 0.6]], responses: ['a', 'b', 'c'], n: 2 }), // 11: length_mismatch (responses)
    JSON.stringify({ comparisons: [[0, 1, 0.6], [1, 2, 0.3]], scores: [1, 'x', 2] }), // 12: wrong_type (a score)
    JSON.stringify({ preference_matrix: [[null]] }), // 13: too_few_scored (one response)
    '{"comparisons": [[0, 1, 0.8], [1, 2, 0.6]], "scores": [null, 2, NaN]}', // 14: too_few_scored (1 finite score to pass through)
    JSON.stringify({ prompt: 'p', responses: ['a', 'b', 'c'], comparisons: [[0, 1, 0.8], [1, 2, 0.6], [0, 2, 0.9]], scores: [null, 2, 1] }), // 15: ok, passed through, 1 excluded
    '{"__proto__": {"polluted": 1}, "constructor": 1, "comparisons": [[0, 1, 0.8]], "n": 2}', // 16: ok, naive pass-through
    JSON.stringify({ n: -1, comparisons: [] }), // 17: out_of_range (n)
    '{"comparisons": [[0, 1', // 18: truncated last line: malformed_json
  ];

  it('skip: every bad record is in <out>.rejects.jsonl with file, line, field, reason; the manifest counts add up', async () => {
    const input = at('corrupt.jsonl');
    writeFileSync(input, LINES.join('\n'));
    const out = at('corrupt-out.jsonl');
    const io = await ok(['clean', input, '-o', out]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const rows = readJsonl(out);
    expect(rows.map((r) => r.rpca_skipped)).toEqual([false, true, true]);
    expect(rows[0].id).toBe('big');
    expect(rows[1]).toMatchObject({ prompt: 'p', clean_scores: [null, 2, 1], ranking: [1, 2, 0], corrupted: [] });
    expect(Object.getOwnPropertyNames(rows[2])).toContain('__proto__');
    expect(rows[2].clean_scores[0]).toBeCloseTo(Math.log(0.8 / 0.2), 12); // mean observed logit
    const rejects = readJsonl(`${out}.rejects.jsonl`);
    expect(rejects.map((r) => [r.line, r.field, r.reason])).toEqual([
      [3, null, 'malformed_json'],
      [4, null, 'not_an_object'],
      [5, 'preference_matrix', 'missing_field'],
      [6, 'preference_matrix', 'wrong_type'],
      [7, 'preference_matrix.1', 'length_mismatch'],
      [8, 'comparisons.0.2', 'wrong_type'],
      [9, 'comparisons.0.1', 'out_of_range'],
      [10, 'comparisons.0.2', 'non_finite'],
      [11, 'responses', 'length_mismatch'],
      [12, 'scores.1', 'wrong_type'],
      [13, 'preference_matrix', 'too_few_scored'],
      [14, 'scores', 'too_few_scored'],
      [17, 'n', 'out_of_range'],
      [18, null, 'malformed_json'],
    ]);
    for (const r of rejects) {
      expect(Object.keys(r)).toEqual(['file', 'line', 'field', 'reason', 'detail', 'record']);
      expect(r.file).toBe(input);
    }
    expect(rejects[0].record).toBe('{not json');
    expect(rejects[3].record).toEqual({ preference_matrix: 'abc' });
    const m = manifestOf(out);
    expect(m.records).toEqual({ read: 17, written: 3, no_pair: 0, rejected: 14 });
    expect(m.records.read).toBe(m.records.written + m.records.no_pair + m.records.rejected);
    expect(m.rejected_by_reason).toEqual({
      malformed_json: 2,
      not_an_object: 1,
      missing_field: 1,
      wrong_type: 3,
      length_mismatch: 2,
      out_of_range: 2,
      non_finite: 1,
      too_few_scored: 2,
    });
    expect(m.candidates).toEqual({ read: 25, used: 24, excluded: 1 });
    expect(m.excluded_by_reason).toEqual({ score_null: 1 });
    expect(m.outcomes).toEqual({ rpca: 1, passed_through: 2, comparisons_flagged: rows[0].corrupted.length, not_converged: 0 });
    expect(m.rows_written).toBe(3);
    expect(io.err()).toMatch(/clean: 17 records read, 3 written \(3 rows\), 14 rejected/);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('fail: exit 3 at the first bad record naming file:line:field, and no output, rejects or manifest', async () => {
    const input = at('corrupt2.jsonl');
    writeFileSync(input, LINES.join('\n'));
    const out = at('fail-out.jsonl');
    const io = fakeIo();
    // chunk size 1: the good first record has been cleaned and written to the temp file before the failure
    expect(await run(['clean', input, '-o', out, '--on-error', 'fail', '--chunk-size', '1'], io)).toBe(3);
    expect(io.err()).toContain(`bad record at ${input}:3:-: malformed_json`);
    expect(io.err()).toContain('no output written');
    for (const p of [out, `${out}.rejects.jsonl`, `${out}.manifest.json`]) expect(existsSync(p), p).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('fail-out'))).toEqual([]);
    // a field problem names the field
    writeFileSync(at('bad-field.jsonl'), `${LINES[0]}\n${LINES[8]}\n`);
    const io2 = fakeIo();
    expect(await run(['clean', at('bad-field.jsonl'), '-o', out, '--on-error', 'fail'], io2)).toBe(3);
    expect(io2.err()).toContain(`bad record at ${at('bad-field.jsonl')}:2:comparisons.0.1: out_of_range: comparisons[0]: j must be an index in [0, 3), got 5`);
    expect(existsSync(out)).toBe(false);
  });
});

describe('pairsmith clean: chunks', () => {
  it('chunked runs (any --chunk-size, bad records in between) equal one chunk', async () => {
    const lines = prompts(30, 9).map((r) => JSON.stringify(r));
    lines.splice(5, 0, '{broken');
    lines.splice(17, 0, JSON.stringify({ comparisons: [[0, 1, 2]] }));
    writeFileSync(at('chunks.jsonl'), lines.join('\n'));
    const runWith = async (chunk: string) => {
      const out = at(`chunks-${chunk}.jsonl`);
      await ok(['clean', at('chunks.jsonl'), '-o', out, '--min-candidates', '8', '--chunk-size', chunk]);
      return { text: readFileSync(out, 'utf8'), m: manifestOf(out) };
    };
    const one = await runWith('100000');
    expect(one.m.records).toEqual({ read: 32, written: 30, no_pair: 0, rejected: 2 });
    expect(one.m.outcomes.rpca).toBeGreaterThan(5);
    for (const chunk of ['1', '4', '7']) {
      const c = await runWith(chunk);
      expect(c.text, `chunk ${chunk}`).toBe(one.text);
      expect(c.m.records).toEqual(one.m.records);
      expect(c.m.outcomes).toEqual(one.m.outcomes);
      expect(c.m.candidates).toEqual(one.m.candidates);
    }
  });
});

describe('pairsmith clean: one batched RPCA call per chunk', () => {
  it('--backend js, --chunk-size 4: 10 prompts above --min-candidates take 3 rpcaBatch calls of at most 4 matrices', async () => {
    const recs = Array.from({ length: 11 }, (_, k) => ({ prompt: `p${k}`, preference_matrix: prefMatrix(k === 5 ? 3 : 6, 40 + k) }));
    writeFileSync(at('calls.jsonl'), jsonl(recs));
    const spy = vi.spyOn(referenceBackend, 'rpcaBatch'); // what a js engine runs, behind its argument checks
    try {
      await ok(['--backend', 'js', 'clean', at('calls.jsonl'), '-o', at('calls-out.jsonl'), '--min-candidates', '4', '--chunk-size', '4']);
      // chunks: prompts 0-3, 4-7 (prompt 5 is passed through), 8-10
      expect(spy.mock.calls.map(([, dims]) => dims.length / 2)).toEqual([4, 3, 3]);
    } finally {
      spy.mockRestore();
    }
    expect(manifestOf(at('calls-out.jsonl')).outcomes).toMatchObject({ rpca: 10, passed_through: 1 });
  });
});

describe('pairsmith clean: output feeds the candidate readers as scores', () => {
  it('readRecords with --scores-field clean_scores reads every output row as a candidate record', async () => {
    const n = 24;
    const b = btl(n, 0.08, 5, false);
    const P = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? null : 1 / (1 + Math.exp(-b.D[i * n + j]!)))));
    const recs = [
      { id: 'a', prompt: 'big', responses: P.map((_, i) => `r${i}`), preference_matrix: P },
      { id: 'b', prompt: [{ role: 'user', content: 'small' }], responses: ['x', 'y', 'z'], comparisons: [[0, 1, 0.7], [1, 2, 0.4]] },
      { id: 'c', prompt: 'passed', responses: ['x', 'y', 'z'], comparisons: [[0, 1, 0.7]], scores: [0.5, null, 0.25] },
    ];
    writeFileSync(at('feed.jsonl'), jsonl(recs));
    const out = at('feed-out.jsonl');
    await ok(['clean', at('feed.jsonl'), '-o', out, '--clip', '0.001']);
    const cleaned = readJsonl(out);
    const read = await readAll(out, { fields: { scores: 'clean_scores' } });
    expect(read.tally.rejectedTotal).toBe(0);
    const got = read.records as CandidateRecord[];
    expect(got).toHaveLength(3);
    got.forEach((r, k) => {
      expect(r.kind).toBe('candidates');
      expect(r.id).toBe(recs[k]!.id);
      expect(r.responses).toEqual(recs[k]!.responses);
      expect(r.scores).toEqual(cleaned[k].clean_scores);
    });
    expect(typeof got[1]!.prompt).not.toBe('string'); // conversational prompt kept
    expect(got[2]!.excluded).toEqual(new Map([[1, 'score_null']]));
    expect(kendallTau(got[0]!.scores as number[], b.scores)).toBe(1);
    expect(read.tally.recordsRead).toBe(3);
    // and through a command: stats reads the clean scores
    const io = await ok(['stats', out, '--scores-field', 'clean_scores', '--json']);
    const s = JSON.parse(io.out());
    expect(s.prompts).toBe(3);
    expect(io.err()).toMatch(/format: candidates/);
  });
});
