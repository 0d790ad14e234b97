// Round trips through every writer: .jsonl.gz, .parquet (real LIST / struct columns), stdin and stdout.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetMetadata, parquetSchema } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { InputRecord } from '../../src/pipeline/records.js';
import { fakeIo } from '../helpers/cli.js';
import { readAll as readFile } from '../helpers/read.js';

const FIX = join(__dirname, '../fixtures/datasets');

async function readAll(path: string): Promise<InputRecord[]> {
  return (await readFile(path)).records;
}

const strip = (r: InputRecord): unknown => {
  const { index: _i, line: _l, ...rest } = r as InputRecord & Record<string, unknown>;
  return rest;
};

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'pairsmith-rt-'));
}

interface SchemaNode {
  element: { name: string; type?: string; converted_type?: string; repetition_type?: string };
  children: SchemaNode[];
}

function child(n: SchemaNode, name: string): SchemaNode {
  const c = n.children.find((x) => x.element.name === name);
  if (!c) throw new Error(`no column ${name}`);
  return c;
}

describe('round trips', () => {
  it('.jsonl.gz: candidates -> gzip candidates -> the same records', async () => {
    const dir = tmp();
    expect(await run(['convert', join(FIX, 'onpolicy.jsonl'), '-o', 'c.jsonl.gz', '--to', 'candidates'], fakeIo({ cwd: dir }))).toBe(0);
    const bytes = readFileSync(join(dir, 'c.jsonl.gz'));
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    const a = (await readAll(join(FIX, 'onpolicy.jsonl'))).map(strip);
    const b = (await readAll(join(dir, 'c.jsonl.gz'))).map(strip);
    expect(b).toEqual(a);
  });

  it('.parquet: conversational pairs are list<struct<content, role>> columns and read back equal', async () => {
    const dir = tmp();
    expect(await run(['convert', join(FIX, 'pairs.jsonl'), '-o', 'p.parquet', '--to', 'trl-conversational'], fakeIo({ cwd: dir }))).toBe(0);
    expect(await run(['convert', join(FIX, 'pairs.jsonl'), '-o', 'p.jsonl', '--to', 'trl-conversational'], fakeIo({ cwd: dir }))).toBe(0);
    const buf = readFileSync(join(dir, 'p.parquet'));
    const meta = parquetMetadata(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    const root = parquetSchema(meta) as unknown as SchemaNode;
    for (const col of ['prompt', 'chosen', 'rejected']) {
      const c = child(root, col);
      expect(c.element.converted_type).toBe('LIST');
      const el = child(child(c, 'list'), 'element');
      expect(el.children.map((x) => [x.element.name, x.element.type, x.element.converted_type])).toEqual([
        ['content', 'BYTE_ARRAY', 'UTF8'],
        ['role', 'BYTE_ARRAY', 'UTF8'],
      ]);
    }
    expect(child(root, 'score_chosen').element.type).toBe('DOUBLE');
    const fromParquet = (await readAll(join(dir, 'p.parquet'))).map(strip);
    const fromJsonl = (await readAll(join(dir, 'p.jsonl'))).map(strip);
    expect(fromParquet).toEqual(fromJsonl);
    expect(fromParquet).toHaveLength(4);
  });

  it('.parquet: candidates keep list<double> scores with nulls for excluded scores', async () => {
    const dir = tmp();
    const src = join(dir, 'in.jsonl');
    writeFileSync(src, '{"id":"a","prompt":"P","responses":["x","y","z"],"scores":[0.5,NaN,-2]}\n{"id":"b","prompt":"Q","responses":["u","v"],"scores":[1,2]}\n');
    expect(await run(['convert', src, '-o', 'c.parquet', '--to', 'candidates'], fakeIo({ cwd: dir }))).toBe(0);
    const buf = readFileSync(join(dir, 'c.parquet'));
    const root = parquetSchema(parquetMetadata(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength))) as unknown as SchemaNode;
    const scores = child(root, 'scores');
    expect(scores.element.converted_type).toBe('LIST');
    expect(child(child(scores, 'list'), 'element').element.type).toBe('DOUBLE');
    expect(child(child(child(root, 'responses'), 'list'), 'element').element.type).toBe('BYTE_ARRAY');
    const back = await readAll(join(dir, 'c.parquet'));
    expect(back.map((r) => [r.id, r.prompt, (r as { responses: unknown }).responses, (r as { scores: unknown }).scores])).toEqual([
      ['a', 'P', ['x', 'y', 'z'], [0.5, null, -2]],
      ['b', 'Q', ['u', 'v'], [1, 2]],
    ]);
    expect(back.map((r) => r.line)).toEqual([1, 2]);
  });

  it('.parquet: KTO rows (prompt, completion, label) from hh-rlhf', async () => {
    const dir = tmp();
    expect(await run(['convert', join(FIX, 'hh-rlhf.jsonl'), '-o', 'k.parquet', '--to', 'kto'], fakeIo({ cwd: dir }))).toBe(0);
    const { parquetReadObjects, asyncBufferFromFile } = await import('hyparquet');
    const rows = await parquetReadObjects({ file: await asyncBufferFromFile(join(dir, 'k.parquet')) });
    expect(rows).toEqual([
      { prompt: '\n\nHuman: Hi\n\nAssistant:', completion: ' Hello!', label: true },
      { prompt: '\n\nHuman: Hi\n\nAssistant:', completion: ' Go away.', label: false },
      { prompt: '\n\nHuman: A\n\nAssistant: B\n\nHuman: C\n\nAssistant:', completion: ' Sure thing', label: true },
      { prompt: '\n\nHuman: A\n\nAssistant: B\n\nHuman: C\n\nAssistant:', completion: ' Sure, no', label: false },
    ]);
  });

  it('stdin to stdout: - as input (gzip detected by magic bytes) and - as output', async () => {
    const text = readFileSync(join(FIX, 'hh-rlhf.jsonl'));
    for (const stdin of [text, gzipSync(text)]) {
      const io = fakeIo({ stdin });
      expect(await run(['convert', '-', '-o', '-', '--to', 'trl-conversational'], io)).toBe(0);
      const rows = io.out().trim().split('\n').map((l) => JSON.parse(l));
      expect(rows[0]).toEqual({
        prompt: [{ role: 'user', content: 'Hi' }],
        chosen: [{ role: 'assistant', content: 'Hello!' }],
        rejected: [{ role: 'assistant', content: 'Go away.' }],
      });
      expect(rows[1].prompt).toEqual([
        { role: 'user', content: 'A' },
        { role: 'assistant', content: 'B' },
        { role: 'user', content: 'C' },
      ]);
      expect(io.err()).toMatch(/format: hh-rlhf/);
    }
  });

  it('stdin as a JSON array', async () => {
    const io = fakeIo({ stdin: '[{"prompt":"p","responses":["a","b"],"scores":[1,2]}]' });
    expect(await run(['stats', '-', '--json'], io)).toBe(0);
    expect(JSON.parse(io.out()).prompts).toBe(1);
  });
});
