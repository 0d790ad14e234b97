// `pairsmith loss` on the shared datasets layer: gzip, JSON-array and Parquet input; a corrupted fixture whose
// rejects and manifest counts add up; --on-error fail leaving nothing behind; per-token arrays summed by
// sequenceLogps equal to pre-summed numbers; chunked runs equal to one chunk (bco_pair's running mean carried).
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { ColumnSpec } from '../../src/io/rows.js';
import { LOSS_TYPES } from '../../src/kernels/losses.js';
import { fakeIo } from '../helpers/cli.js';
import { rng } from '../helpers/close.js';
import { writeParquet } from '../helpers/read.js';

const dir = mkdtempSync(join(tmpdir(), 'pairsmith-loss-data-'));
const at = (name: string): string => join(dir, name);
const jsonl = (rows: unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
const readJsonl = (p: string): any[] =>
  readFileSync(p, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));

const CASE_B = [
  { policy_chosen_logps: -10, policy_rejected_logps: -12, reference_chosen_logps: -11, reference_rejected_logps: -11.3 },
  { policy_chosen_logps: -20, policy_rejected_logps: -19, reference_chosen_logps: -19.5, reference_rejected_logps: -20 },
  { policy_chosen_logps: -15, policy_rejected_logps: -15.5, reference_chosen_logps: -15.4, reference_rejected_logps: -15 },
];

async function summaryOf(argv: string[]): Promise<any> {
  const io = fakeIo();
  const code = await run([...argv, '--json'], io);
  expect(code, io.err()).toBe(0);
  return JSON.parse(io.out());
}

/**
 * Random rows with per-token arrays of dyadic values (multiples of 1/64, few tokens): every sum is exact in
 * f64, so the pre-summed numbers written next to them are the true sums, whatever the summation order.
 */
function tokenRows(n: number, seed: number): { tokens: any[]; sums: any[] } {
  const r = rng(seed);
  const arr = (len: number, shift: number) => Array.from({ length: len }, () => -Math.round(64 * (r() * 3 + shift)) / 64);
  const tokens: any[] = [];
  const sums: any[] = [];
  for (let i = 0; i < n; i++) {
    const lw = 1 + Math.floor(r() * 9);
    const ll = 1 + Math.floor(r() * 9);
    const row = {
      policy_chosen_logps: arr(lw, 0.5),
      policy_rejected_logps: arr(ll, 1),
      reference_chosen_logps: arr(lw, 0.8),
      reference_rejected_logps: arr(ll, 0.8),
      score_chosen: 5 + Math.round(8 * r()) / 4,
      score_rejected: 3 + Math.round(4 * r()) / 4,
    };
    tokens.push(row);
    const sum = (a: number[]) => a.reduce((s, x) => s + x, 0);
    sums.push({
      policy_chosen_logps: sum(row.policy_chosen_logps),
      policy_rejected_logps: sum(row.policy_rejected_logps),
      reference_chosen_logps: sum(row.reference_chosen_logps),
      reference_rejected_logps: sum(row.reference_rejected_logps),
      chosen_length: lw,
      rejected_length: ll,
      score_chosen: row.score_chosen,
      score_rejected: row.score_rejected,
    });
  }
  return { tokens, sums };
}

const ALL = LOSS_TYPES.join(',');

describe('pairsmith loss: inputs through the datasets layer', () => {
  it('.jsonl.gz, .json (array) and stdin give the same summary as .jsonl', async () => {
    writeFileSync(at('b.jsonl'), jsonl(CASE_B));
    writeFileSync(at('b.jsonl.gz'), gzipSync(jsonl(CASE_B)));
    writeFileSync(at('b.json'), JSON.stringify(CASE_B, null, 2));
    const want = await summaryOf(['loss', at('b.jsonl'), '--loss', 'sigmoid,ipo,aot']);
    expect(want.rows).toBe(3);
    for (const p of [at('b.jsonl.gz'), at('b.json')]) {
      expect((await summaryOf(['loss', p, '--loss', 'sigmoid,ipo,aot'])).metrics, p).toEqual(want.metrics);
    }
    const io = fakeIo({ stdin: gzipSync(jsonl(CASE_B)) });
    expect(await run(['loss', '-', '--loss', 'sigmoid,ipo,aot', '--json'], io)).toBe(0);
    expect(JSON.parse(io.out()).metrics).toEqual(want.metrics);
  });

  it('.parquet input: number columns and list<double> per-token columns', async () => {
    const { tokens, sums } = tokenRows(13, 4);
    const numSchema: ColumnSpec[] = ['policy_chosen_logps', 'policy_rejected_logps', 'reference_chosen_logps', 'reference_rejected_logps', 'chosen_length', 'rejected_length', 'score_chosen', 'score_rejected'].map((name) => ({
      name,
      type: name.endsWith('_length') ? 'int' : 'double',
    }));
    const tokSchema: ColumnSpec[] = numSchema
      .filter((c) => !c.name.endsWith('_length'))
      .map((c) => (c.name.endsWith('_logps') ? { ...c, type: 'list<double>' } : c));
    for (const [name, schema, rows] of [['sums.parquet', numSchema, sums], ['tokens.parquet', tokSchema, tokens]] as const) {
      writeParquet(at(name), schema, rows as Record<string, unknown>[], 5);
    }
    writeFileSync(at('sums.jsonl'), jsonl(sums));
    const argv = (p: string, out: string) => ['loss', p, '--loss', 'sigmoid,ipo,rdpo,bco_pair', '--batch-size', '4', '-o', at(out)];
    const want = await summaryOf(argv(at('sums.jsonl'), 'pq-want.jsonl'));
    const fromNumbers = await summaryOf(argv(at('sums.parquet'), 'pq-num.jsonl'));
    const fromTokens = await summaryOf(argv(at('tokens.parquet'), 'pq-tok.jsonl'));
    expect(want.rows).toBe(13);
    expect(fromNumbers.metrics).toEqual(want.metrics);
    expect(fromTokens.metrics).toEqual(want.metrics);
    expect(readJsonl(at('pq-num.jsonl'))).toEqual(readJsonl(at('pq-want.jsonl')));
    expect(readJsonl(at('pq-tok.jsonl'))).toEqual(readJsonl(at('pq-want.jsonl')));
    expect(JSON.parse(readFileSync(at('pq-tok.jsonl.manifest.json'), 'utf8'))).toMatchObject({ format: 'logps', records: { read: 13, written: 13, rejected: 0 } });
  });
});

describe('pairsmith loss: rejects and manifest', () => {
  // line: what it is
  const LINES = [
    JSON.stringify({ ...CASE_B[0], score_chosen: 8, score_rejected: 6.5 }), // 1: ok, rated
    '', // 2: blank, not a record
    JSON.stringify({ ...CASE_B[1], policy_rejected_logps: 'x' }), // 3: wrong_type
    '{not json', // 4: malformed_json
    JSON.stringify({ ...CASE_B[2], reference_chosen_logps: undefined }), // 5: missing_field
    JSON.stringify({ ...CASE_B[2], policy_chosen_logps: [-1, null] }), // 6: wrong_type (a token)
    '[1, 2]', // 7: not_an_object
    '{"policy_chosen_logps": NaN, "policy_rejected_logps": -1, "reference_chosen_logps": -1, "reference_rejected_logps": -1}', // 8: non_finite
    '{"policy_chosen_logps": [-1, -2, -Infinity], "policy_rejected_logps": -1, "reference_chosen_logps": -1, "reference_rejected_logps": -1}', // 9: non_finite (token 2)
    JSON.stringify({ ...CASE_B[1], chosen_length: -3, rejected_length: 4 }), // 10: out_of_range
    JSON.stringify({ ...CASE_B[2], score_chosen: null, score_rejected: 5 }), // 11: ok, score excluded
    JSON.stringify({ ...CASE_B[1], chosen_length: 5, rejected_length: 6 }), // 12: inconsistent (earlier rows have no counts)
    '{"__proto__": {"polluted": 1}, "constructor": 1, "chosen_logps": -20, "rejected_logps": -19, "ref_chosen_logps": -19.5, "ref_rejected_logps": -20}', // 13: ok
    '{"policy_chosen_logps": -1, "policy_rej', // 14: truncated last line: malformed_json
  ];

  it('skip: every bad row is in <out>.rejects.jsonl with file, line, field, reason; the manifest counts add up', async () => {
    const input = at('corrupt.jsonl');
    writeFileSync(input, LINES.join('\n'));
    const out = at('corrupt-rows.jsonl');
    const s = await summaryOf(['loss', input, '--loss', 'sigmoid,rdpo', '-o', out]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const rows = readJsonl(out);
    // index = 0-based record number (blank lines are not records)
    expect(rows.map((r) => r.index)).toEqual([0, 9, 11]);
    expect(rows[1].loss.rdpo).toBeNull(); // line 11's rating was excluded: unrated, not rejected
    const rejects = readJsonl(`${out}.rejects.jsonl`);
    expect(rejects.map((r) => [r.line, r.field, r.reason])).toEqual([
      [3, 'policy_rejected_logps', 'wrong_type'],
      [4, null, 'malformed_json'],
      [5, 'reference_chosen_logps', 'missing_field'],
      [6, 'policy_chosen_logps.1', 'wrong_type'],
      [7, null, 'not_an_object'],
      [8, 'policy_chosen_logps', 'non_finite'],
      [9, 'policy_chosen_logps.2', 'non_finite'],
      [10, 'chosen_length', 'out_of_range'],
      [12, 'chosen_length', 'inconsistent'],
      [14, null, 'malformed_json'],
    ]);
    for (const r of rejects) {
      expect(Object.keys(r)).toEqual(['file', 'line', 'field', 'reason', 'detail', 'record']);
      expect(r.file).toBe(input);
    }
    expect(rejects[1].record).toBe('{not json'); // unparsed text kept as is
    expect(rejects[0].record.policy_rejected_logps).toBe('x'); // parsed record kept
    const m = JSON.parse(readFileSync(`${out}.manifest.json`, 'utf8'));
    expect(m.command).toBe('loss');
    expect(m.format).toBe('logps');
    expect(m.inputs).toEqual([input]);
    expect(m.parameters).toMatchObject({ on_error: 'skip', losses: ['sigmoid', 'rdpo'], beta: 0.1, batchSize: 8, chunk_size: 1000 });
    expect(m.records).toEqual({ read: 13, written: 3, no_pair: 0, rejected: 10 });
    expect(m.records.read).toBe(m.records.written + m.records.no_pair + m.records.rejected);
    expect(m.rejected_by_reason).toEqual({ wrong_type: 2, malformed_json: 2, missing_field: 1, not_an_object: 1, non_finite: 2, out_of_range: 1, inconsistent: 1 });
    expect(m.candidates).toEqual({ read: 6, used: 5, excluded: 1 });
    expect(m.excluded_by_reason).toEqual({ score_null: 1 });
    expect(m.rows_written).toBe(3);
    expect(s).toMatchObject({ rows: 3, rejected: 10, records: m.records, rejected_by_reason: m.rejected_by_reason, excluded_by_reason: { score_null: 1 } });
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('fail: exit 3 at the first bad row naming file:line:field, and no output, rejects or manifest', async () => {
    const input = at('corrupt2.jsonl');
    writeFileSync(input, LINES.join('\n'));
    const out = at('fail-rows.jsonl');
    const io = fakeIo();
    expect(await run(['loss', input, '-o', out, '--on-error', 'fail', '--chunk-size', '1', '--batch-size', '1'], io)).toBe(3);
    expect(io.err()).toContain(`bad record at ${input}:3:policy_rejected_logps: wrong_type`);
    expect(io.err()).toContain('no output written');
    expect(io.out()).toBe('');
    for (const p of [out, `${out}.rejects.jsonl`, `${out}.manifest.json`]) expect(existsSync(p), p).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('fail-rows'))).toEqual([]);
  });

  it('-o - streams the rows to stdout and the summary to stderr, without sidecars', async () => {
    writeFileSync(at('b3.jsonl'), jsonl(CASE_B));
    const io = fakeIo();
    expect(await run(['loss', at('b3.jsonl'), '-o', '-', '--json'], io)).toBe(0);
    const lines = io.out().trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((r) => r.index)).toEqual([0, 1, 2]);
    expect(io.err()).toContain('"rows": 3');
  });
});

describe('pairsmith loss: per-token arrays and chunks', () => {
  for (const backend of ['wasm-simd', 'wasm-scalar', 'js']) {
    it(`--backend ${backend}: per-token arrays (summed by sequenceLogps) give the losses of the pre-summed numbers`, async () => {
      const { tokens, sums } = tokenRows(41, 11);
      writeFileSync(at(`tok-${backend}.jsonl`), jsonl(tokens));
      writeFileSync(at(`sum-${backend}.jsonl`), jsonl(sums));
      const argv = (kind: string) => ['--backend', backend, 'loss', at(`${kind}-${backend}.jsonl`), '--loss', ALL, '--batch-size', '4', '-o', at(`${kind}-${backend}-rows.jsonl`)];
      const a = await summaryOf(argv('tok'));
      const b = await summaryOf(argv('sum'));
      expect(a.rows).toBe(41);
      expect(a.metrics).toEqual(b.metrics);
      const ra = readJsonl(at(`tok-${backend}-rows.jsonl`));
      expect(ra).toEqual(readJsonl(at(`sum-${backend}-rows.jsonl`)));
      // logps/chosen is the mean of the exact sums
      const mean = sums.reduce((s, r) => s + r.policy_chosen_logps, 0) / sums.length;
      expect(a.metrics['logps/chosen']).toBeCloseTo(mean, 12);
    });
  }

  it('chunked runs (any --chunk-size, bad rows in between) equal one chunk, bco_pair running mean included', async () => {
    const { tokens } = tokenRows(53, 23);
    // bad rows interleaved: chunks are formed from accepted rows, so batches do not shift
    const lines = tokens.map((r) => JSON.stringify(r));
    lines.splice(7, 0, '{broken');
    lines.splice(30, 0, JSON.stringify({ policy_chosen_logps: -1 }));
    writeFileSync(at('chunks.jsonl'), lines.join('\n'));
    const runWith = async (chunk: string, batch: string) => {
      const out = at(`chunks-${chunk}-${batch}.jsonl`);
      const s = await summaryOf(['loss', at('chunks.jsonl'), '--loss', ALL, '--batch-size', batch, '--chunk-size', chunk, '-o', out]);
      return { s, rows: readJsonl(out), m: JSON.parse(readFileSync(`${out}.manifest.json`, 'utf8')) };
    };
    for (const batch of ['3', '8']) {
      const one = await runWith('100000', batch);
      expect(one.s.rows).toBe(53);
      expect(one.m.records).toEqual({ read: 55, written: 53, no_pair: 0, rejected: 2 });
      for (const chunk of ['1', '5', '16']) {
        const c = await runWith(chunk, batch);
        expect(c.m.parameters.chunk_size % Number(batch)).toBe(0);
        expect(c.rows, `chunk ${chunk} batch ${batch}`).toEqual(one.rows);
        expect(c.s.metrics, `chunk ${chunk} batch ${batch}`).toEqual(one.s.metrics);
        expect(c.m.records).toEqual(one.m.records);
      }
    }
  });
});
