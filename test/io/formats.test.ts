// Every input format read from small fixtures into normalized records; detection; field overrides;
// .json arrays; splitters' line numbers. Expected values are written out by hand from the fixtures.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Framer } from '../../src/io/framer.js';
import type { Tally } from '../../src/io/manifest.js';
import { fileInput } from '../../src/io/node/source.js';
import type { ReadSettings } from '../../src/pipeline/job.js';
import { readRecords, type CandidateRecord, type InputRecord, type PairRecord } from '../../src/pipeline/records.js';
import { createEngineSync } from '../../src/node.js';
import { pipelineEngine } from '../../src/cli/engine-port.js';

const FIX = join(__dirname, '../fixtures/datasets');
const engine = pipelineEngine(createEngineSync());

async function readAll(path: string, o: Partial<ReadSettings> = {}): Promise<{ records: InputRecord[]; tally: Tally; format?: string }> {
  const records: InputRecord[] = [];
  let format: string | undefined;
  let tally: Tally | undefined;
  for await (const c of readRecords(engine, fileInput(path), { format: 'auto', ...o }, { detected: (d) => (format = d.format) })) {
    records.push(...c.records);
    tally = c.job.tally;
  }
  return { records, tally: tally!, format };
}

describe('input formats', () => {
  it('candidates: strings and messages, logps, ids', async () => {
    const { records, format } = await readAll(join(FIX, 'candidates.jsonl'));
    expect(format).toBe('candidates');
    const [a, b] = records as CandidateRecord[];
    expect(a).toMatchObject({ kind: 'candidates', index: 0, line: 1, id: 'c1', prompt: 'What is 2+2?', responses: ['4', '5', 'four'], scores: [0.9, 0.1, 0.8], conversational: false });
    expect(a!.policyLogps).toEqual([-1.5, -3.0, -2.0]);
    expect(a!.referenceLogps).toEqual([[-0.5, -1.0], [-1.5, -1.5], [-1.0, -1.0]]);
    expect(b).toMatchObject({ index: 1, line: 2, id: 'c2', conversational: true, prompt: [{ role: 'user', content: 'Hi' }], scores: [1, -1] });
    expect(b!.responses[1]).toEqual([{ role: 'assistant', content: 'Go away' }]);
  });

  it('onpolicy: all_generated_responses / all_rm_scores, prompt_id as id', async () => {
    const { records, format } = await readAll(join(FIX, 'onpolicy.jsonl'));
    expect(format).toBe('onpolicy');
    expect(records.map((r) => (r as CandidateRecord).scores)).toEqual([[0.5, 0.7, -0.2], [2.5, -1.25]]);
    expect(records.map((r) => r.id)).toEqual(['abc', 'def']);
    expect((records[1] as CandidateRecord).responses).toEqual(['apple', 'car']);
  });

  it('ultrafeedback: overall_score by default; fine-grained = mean of numeric ratings, N/A missing', async () => {
    const overall = await readAll(join(FIX, 'ultrafeedback.jsonl'));
    expect(overall.format).toBe('ultrafeedback');
    const o = overall.records[0] as CandidateRecord;
    expect(o.prompt).toBe('Write a haiku');
    expect(o.responses).toEqual(['A', 'B', 'C', 'D']);
    expect(o.scores).toEqual([7.5, 6, 8, 3]);
    const fine = await readAll(join(FIX, 'ultrafeedback.jsonl'), { score: 'fine-grained' });
    const f = fine.records[0] as CandidateRecord;
    // (5+4+3)/3, (2+2+2+2)/4, all N/A -> excluded, (1+3+5)/3
    expect(f.scores).toEqual([4, 2, null, 3]);
    expect(f.excluded?.get(2)).toBe('score_null');
    expect(fine.tally.excluded.score_null).toBe(1);
  });

  it('pairs: explicit, conversational, implicit (messages and strings)', async () => {
    const { records, format } = await readAll(join(FIX, 'pairs.jsonl'));
    expect(format).toBe('pairs');
    const [a, b, c, d] = records as PairRecord[];
    expect(a).toMatchObject({ prompt: 'Say hi', chosen: 'hi', rejected: 'no', scoreChosen: 8, scoreRejected: 2, implicitPrompt: false, conversational: false });
    expect(b).toMatchObject({ conversational: true, implicitPrompt: false, chosen: [{ role: 'assistant', content: 'hi' }] });
    expect(c).toMatchObject({ implicitPrompt: true, prompt: [{ role: 'user', content: 'Q?' }], chosen: [{ role: 'assistant', content: 'good' }], rejected: [{ role: 'assistant', content: 'bad' }] });
    expect(d).toMatchObject({ implicitPrompt: true, prompt: 'Q: why? A: ', chosen: 'because', rejected: 'dunno' });
  });

  it('hh-rlhf: the prompt is the shared prefix up to the last shared "\\n\\nAssistant:"', async () => {
    const { records, format } = await readAll(join(FIX, 'hh-rlhf.jsonl'));
    expect(format).toBe('hh-rlhf');
    const [a, b] = records as PairRecord[];
    expect(a).toMatchObject({ prompt: '\n\nHuman: Hi\n\nAssistant:', chosen: ' Hello!', rejected: ' Go away.' });
    // The responses share " Sure" beyond the marker; the split is still at the marker.
    expect(b).toMatchObject({ prompt: '\n\nHuman: A\n\nAssistant: B\n\nHuman: C\n\nAssistant:', chosen: ' Sure thing', rejected: ' Sure, no' });
  });

  it('field overrides with dot paths, and detection from them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pairsmith-fmt-'));
    const p = join(dir, 'nested.jsonl');
    writeFileSync(p, `${JSON.stringify({ q: { text: 'Q' }, gen: { outs: ['x', 'y'] }, judge: { s: [0.25, 0.75] } })}\n`);
    const { records, format } = await readAll(p, { fields: { prompt: 'q.text', responses: 'gen.outs', scores: 'judge.s' } });
    expect(format).toBe('candidates');
    expect(records[0]).toMatchObject({ prompt: 'Q', responses: ['x', 'y'], scores: [0.25, 0.75] });
    const p2 = join(dir, 'pairs.jsonl');
    writeFileSync(p2, `${JSON.stringify({ question: 'Q', good: 'g', bad: 'b' })}\n`);
    const r2 = await readAll(p2, { fields: { prompt: 'question', chosen: 'good', rejected: 'bad' } });
    expect(r2.format).toBe('pairs');
    expect(r2.records[0]).toMatchObject({ prompt: 'Q', chosen: 'g', rejected: 'b' });
  });

  it('.json arrays are split element by element with their line numbers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pairsmith-fmt-'));
    const p = join(dir, 'arr.json');
    writeFileSync(p, '[\n  {"prompt":"a","responses":["x","y"],"scores":[1,2]},\n  {"prompt":"b, [c]","responses":["x","y"],\n   "scores":[3,NaN]},\n  {"prompt":"d","responses":["x","y"],"scores":[5,6]}\n]\n');
    const { records, tally } = await readAll(p);
    expect(records.map((r) => [r.index, r.line, r.prompt])).toEqual([[0, 2, 'a'], [2, 5, 'd']]);
    expect(tally.recordsRead).toBe(3);
    expect(tally.rejected.too_few_scored).toBe(1);
  });

  it('an unknown record shape is a clear detection error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pairsmith-fmt-'));
    const p = join(dir, 'x.jsonl');
    writeFileSync(p, '{"foo":1}\n');
    await expect(readAll(p)).rejects.toThrow(/cannot detect the input format.*keys: foo/);
  });
});

/** Frames `doc` pushed in pieces of `size` bytes: each record as [index, line, text]. */
function frame(doc: string, mode: 'jsonl' | 'array' | 'sniff', size = doc.length): [number, number, string][] {
  const f = new Framer({ mode, batchBytes: 1 });
  const bytes = new TextEncoder().encode(doc);
  const out: [number, number, string][] = [];
  const take = (): void => {
    for (let b = f.take(true); b; b = f.take(true)) {
      const v = b.store.view();
      for (let r = 0; r < b.n; r++) out.push([b.index[r]!, b.line[r]!, new TextDecoder().decode(v.subarray(b.start[r]!, b.end[r]!))]);
    }
  };
  for (let i = 0; i < bytes.length; i += Math.max(1, size)) {
    f.push(bytes.subarray(i, i + size));
    take();
  }
  f.end();
  take();
  return out;
}

describe('framing', () => {
  it('JSON Lines: physical lines across chunks, blank lines skipped, CR stripped, a last unterminated line kept', () => {
    const doc = '{"a":1}\r\n\n  \n{"a":2}\n{"a":3}';
    const want: [number, number, string][] = [
      [0, 1, '{"a":1}'],
      [1, 4, '{"a":2}'],
      [2, 5, '{"a":3}'],
    ];
    for (let size = 1; size <= doc.length; size++) expect(frame(doc, 'jsonl', size)).toEqual(want);
  });

  it('a UTF-8 BOM before the first record is not part of it', () => {
    expect(frame('\ufeff{"a":1}\n{"a":2}\n', 'jsonl', 2)).toEqual([
      [0, 1, '{"a":1}'],
      [1, 2, '{"a":2}'],
    ]);
  });

  it('JSON arrays: brackets and commas inside strings, element lines, a truncated tail kept as a record, any chunking', () => {
    const doc = '[\n {"a":"x,]}\\"y","b":[1,{"c":[2]}]},\n\n {"d":NaN} ,{"e":"\\\\"}\n,[1,2],\n3 ]\n';
    const want = frame(doc, 'array');
    expect(want.map((r) => r[1])).toEqual([2, 4, 4, 5, 6]);
    expect(want.map((r) => r[2])).toEqual(['{"a":"x,]}\\"y","b":[1,{"c":[2]}]}', '{"d":NaN}', '{"e":"\\\\"}', '[1,2]', '3']);
    for (let size = 1; size <= 7; size++) expect(frame(doc, 'array', size)).toEqual(want);
    expect(frame('[{"a":1}, {"b":', 'array').map((r) => r[2])).toEqual(['{"a":1}', '{"b":']);
  });

  it('sniffing: an array document (one or many lines) vs JSON Lines whose first record is an array', () => {
    expect(frame('[{"a":1},\n{"a":2}]\n', 'sniff').map((r) => r[2])).toEqual(['{"a":1}', '{"a":2}']);
    expect(frame('[{"a":1},{"a":2}]', 'sniff').map((r) => r[2])).toEqual(['{"a":1}', '{"a":2}']);
    expect(frame('[1,2]\n{"a":1}\n', 'sniff').map((r) => r[2])).toEqual(['[1,2]', '{"a":1}']);
    expect(frame('{"a":1}\n[1]\n', 'sniff').map((r) => r[2])).toEqual(['{"a":1}', '[1]']);
  });
});
