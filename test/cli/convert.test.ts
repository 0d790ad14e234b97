// `pairsmith convert`: every input format to each target, with hand-written expected rows.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/main.js';
import { Progress } from '../../src/io/node/progress.js';
import { fakeIo } from '../helpers/cli.js';

const FIX = join(__dirname, '../fixtures/datasets');

async function convert(input: string, ...args: string[]): Promise<{ rows: Record<string, unknown>[]; manifest: Record<string, unknown>; err: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'pairsmith-conv-'));
  const io = fakeIo({ cwd: dir });
  const code = await run(['convert', join(FIX, input), '-o', 'out.jsonl', ...args], io);
  expect(code, io.err()).toBe(0);
  const rows = readFileSync(join(dir, 'out.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return { rows, manifest: JSON.parse(readFileSync(join(dir, 'out.jsonl.manifest.json'), 'utf8')), err: io.err() };
}

describe('pairsmith convert', () => {
  it('candidates -> trl: max vs min, messages flattened to text', async () => {
    const { rows, manifest } = await convert('candidates.jsonl');
    expect(rows).toEqual([
      { prompt: 'What is 2+2?', chosen: '4', rejected: '5', score_chosen: 0.9, score_rejected: 0.1 },
      { prompt: 'Hi', chosen: 'Hello', rejected: 'Go away', score_chosen: 1, score_rejected: -1 },
    ]);
    expect(manifest).toMatchObject({ command: 'convert', format: 'candidates', pairs_written: 2, rows_written: 2 });
  });

  it('candidates -> trl-conversational: strings become user/assistant messages', async () => {
    const { rows } = await convert('candidates.jsonl', '--to', 'trl-conversational');
    expect(rows[0]).toEqual({
      prompt: [{ role: 'user', content: 'What is 2+2?' }],
      chosen: [{ role: 'assistant', content: '4' }],
      rejected: [{ role: 'assistant', content: '5' }],
      score_chosen: 0.9,
      score_rejected: 0.1,
    });
  });

  it('ultrafeedback --score fine-grained -> kto: chosen true, rejected false', async () => {
    const { rows, manifest } = await convert('ultrafeedback.jsonl', '--score', 'fine-grained', '--to', 'kto');
    // fine-grained scores [4, 2, null, 3]: best A, worst B
    expect(rows).toEqual([
      { prompt: 'Write a haiku', completion: 'A', label: true },
      { prompt: 'Write a haiku', completion: 'B', label: false },
    ]);
    expect(manifest).toMatchObject({ rows_written: 2, pairs_written: 0, excluded_by_reason: { score_null: 1 } });
    expect(manifest.parameters).toMatchObject({ score: 'fine-grained', to: 'kto' });
  });

  it('ultrafeedback (overall_score) -> candidates', async () => {
    const { rows } = await convert('ultrafeedback.jsonl', '--to', 'candidates');
    expect(rows).toEqual([{ id: null, prompt: 'Write a haiku', responses: ['A', 'B', 'C', 'D'], scores: [7.5, 6, 8, 3] }]);
  });

  it('pairs -> trl keeps scores when the first record has them; implicit prompts become explicit', async () => {
    const { rows } = await convert('pairs.jsonl');
    expect(rows[0]).toEqual({ prompt: 'Say hi', chosen: 'hi', rejected: 'no', score_chosen: 8, score_rejected: 2 });
    expect(rows[2]).toEqual({ prompt: 'Q?', chosen: 'good', rejected: 'bad', score_chosen: null, score_rejected: null });
    expect(rows[3]).toEqual({ prompt: 'Q: why? A: ', chosen: 'because', rejected: 'dunno', score_chosen: null, score_rejected: null });
  });

  it('hh-rlhf -> trl has no score columns', async () => {
    const { rows, manifest } = await convert('hh-rlhf.jsonl', '--format', 'hh-rlhf');
    expect(rows[0]).toEqual({ prompt: '\n\nHuman: Hi\n\nAssistant:', chosen: ' Hello!', rejected: ' Go away.' });
    expect(manifest).toMatchObject({ format: 'hh-rlhf', format_detected: false });
  });

  it('without -o the rows go to stdout (data only) and the summary to stderr; an unknown extension is a usage error', async () => {
    const io = fakeIo();
    expect(await run(['convert', join(FIX, 'pairs.jsonl')], io)).toBe(0);
    const rows = io.out().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.length).toBeGreaterThan(0);
    expect(Object.keys(rows[0]!)).toContain('chosen');
    expect(io.err()).toMatch(/convert: \d+ records read/);
    const dir = mkdtempSync(join(tmpdir(), 'pairsmith-conv-'));
    const csv = fakeIo({ cwd: dir });
    expect(await run(['convert', join(FIX, 'pairs.jsonl'), '-o', 'x.csv'], csv)).toBe(2);
    expect(csv.err()).toMatch(/x\.csv: unknown output extension .*--output-format/);
    expect(readdirSync(dir)).toEqual([]);
    expect(await run(['convert', join(FIX, 'pairs.jsonl'), '-o', 'x.csv', '--output-format', 'jsonl'], fakeIo({ cwd: dir }))).toBe(0);
    expect(readFileSync(join(dir, 'x.csv'), 'utf8').split('\n').filter(Boolean).length).toBe(rows.length);
  });
});

describe('progress', () => {
  it('writes records/s and MB/s only when enabled, at most twice a second', () => {
    vi.useFakeTimers();
    try {
      let out = '';
      const off = new Progress((s) => (out += s), false, 4e6);
      vi.advanceTimersByTime(1000);
      off.update(1e6, 10);
      off.done();
      expect(out).toBe('');
      const on = new Progress((s) => (out += s), true, 4e6);
      vi.advanceTimersByTime(1000);
      on.update(2e6, 100);
      on.update(2e6, 100);
      expect(out.match(/\r/g)).toHaveLength(1);
      // 2 MB of 4 MB in 1 s: 50%, 2 MB/s, 1 s left.
      expect(out).toMatch(/read: 2\.0 MB of 4\.0 MB \(50%\), 100 records, 100 records\/s, 2\.0 MB\/s, ETA 1s/);
      on.done();
      expect(out.endsWith('\n')).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('input errors', () => {
  it('an undetectable format is a usage error (exit 2) suggesting --format', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pairsmith-conv-'));
    writeFileSync(join(dir, 'x.jsonl'), '{"foo":1}\n');
    const io = fakeIo({ cwd: dir });
    expect(await run(['convert', 'x.jsonl', '-o', 'y.jsonl'], io)).toBe(2);
    expect(io.err()).toMatch(/x\.jsonl:1: cannot detect the input format .*--format/);
    expect(readdirSync(dir)).toEqual(['x.jsonl']);
  });

  it('a truncated gzip file is bad input (exit 3) naming the file, with no output left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pairsmith-conv-'));
    const gz = gzipSync(readFileSync(join(FIX, 'onpolicy.jsonl')));
    writeFileSync(join(dir, 'cut.jsonl.gz'), gz.subarray(0, gz.length - 12));
    const io = fakeIo({ cwd: dir });
    expect(await run(['convert', 'cut.jsonl.gz', '-o', 'y.jsonl'], io)).toBe(3);
    expect(io.err()).toMatch(/cut\.jsonl\.gz: the gzip stream is truncated/);
    expect(readdirSync(dir)).toEqual(['cut.jsonl.gz']);
  });

  it('Parquet on stdin is refused with a clear message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pairsmith-conv-'));
    expect(await run(['convert', join(FIX, 'pairs.jsonl'), '-o', 'p.parquet'], fakeIo({ cwd: dir }))).toBe(0);
    const io = fakeIo({ stdin: readFileSync(join(dir, 'p.parquet')) });
    expect(await run(['stats', '-'], io)).toBe(3);
    expect(io.err()).toMatch(/Parquet cannot be read from stdin/);
  });

  it('stats --per-prompt - puts rows on stdout and the summary on stderr', async () => {
    const io = fakeIo();
    expect(await run(['stats', join(FIX, 'onpolicy.jsonl'), '--per-prompt', '-'], io)).toBe(0);
    const rows = io.out().trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => r.prompt_index)).toEqual([0, 1]);
    expect(io.err()).toMatch(/prompts:\s+2/);
  });
});

describe('convert to the input formats', () => {
  it('hh-rlhf -> hh-rlhf is the identity; pairs -> hh-rlhf renders HH dialogues', async () => {
    const { rows } = await convert('hh-rlhf.jsonl', '--to', 'hh-rlhf');
    const src = readFileSync(join(FIX, 'hh-rlhf.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toEqual(src);
    const p = await convert('pairs.jsonl', '--to', 'hh-rlhf');
    expect(p.rows[0]).toEqual({ chosen: '\n\nHuman: Say hi\n\nAssistant: hi', rejected: '\n\nHuman: Say hi\n\nAssistant: no' });
  });

  it('onpolicy -> onpolicy keeps prompt_id, responses and scores', async () => {
    const { rows } = await convert('onpolicy.jsonl', '--to', 'onpolicy');
    const src = readFileSync(join(FIX, 'onpolicy.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toEqual(src);
  });
});
