// Hand-written cases of the data path rules the property tests found broken (each a regression test with the
// expected values worked out by hand), and the framing rules of stdin / .json inputs.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { Framer } from '../../src/io/framer.js';
import { toJobInput } from '../../src/pipeline/api.js';
import { MemorySink } from '../../src/pipeline/emit.js';
import type { JobInput } from '../../src/pipeline/job.js';
import { runConvert } from '../../src/pipeline/run-convert.js';
import { runPairs } from '../../src/pipeline/run-pairs.js';
import { runRoute } from '../../src/pipeline/run-route.js';
import { runSelect } from '../../src/pipeline/run-select.js';
import { fakeIo } from '../helpers/cli.js';
import { engine, observe } from './harness.js';

const enc = new TextEncoder();
const chunked = (text: string, n: number): JobInput => {
  const b = enc.encode(text);
  return { name: 'input', framing: 'jsonl', async *open() { for (let i = 0; i < b.length; i += n) yield b.slice(i, i + n); } };
};

describe('framing: JSON Lines or a JSON array (stdin and .json inputs are sniffed)', () => {
  const read = { format: 'candidates' as const };
  const rec = (p: string) => `{"prompt":"${p}","responses":["a","b"],"scores":[1,0]}`;
  it('an array on the first line followed by more lines is JSON Lines (its first record is not an object)', async () => {
    const got = await observe((hooks, main) => runConvert(engine(), toJobInput(`[1,2]\n${rec('p')}\n`), read, { to: 'trl' }, main, hooks));
    expect(got.rows).toEqual([{ prompt: 'p', chosen: 'a', rejected: 'b', score_chosen: 1, score_rejected: 0 }]);
    expect(got.rejects).toEqual([{ line: 1, field: null, reason: 'not_an_object', record: [1, 2] }]);
  });
  it('an array spanning lines, or alone on its line, is a JSON array: its elements are the records', async () => {
    for (const text of [`[\n${rec('p')},\n${rec('q')}\n]\n`, `[${rec('p')}, ${rec('q')}]`, `\uFEFF[${rec('p')},\n ${rec('q')}]\n`]) {
      const got = await observe((hooks, main) => runConvert(engine(), toJobInput(text), read, { to: 'trl' }, main, hooks));
      expect(got.rows.map((r) => (r as { prompt: string }).prompt)).toEqual(['p', 'q']);
      expect(got.tally?.read).toBe(2);
    }
  });
  it('a UTF-8 BOM is dropped, also when it arrives split over chunks', async () => {
    for (const n of [1, 2, 1000]) {
      const got = await observe((hooks, main) => runConvert(engine(), chunked(`\uFEFF${rec('p')}\n`, n), read, { to: 'trl' }, main, hooks));
      expect(got.rows).toHaveLength(1);
      expect(got.rejects).toEqual([]);
    }
  });
});

describe('records over --max-record-bytes', () => {
  const big = `{"prompt":"${'x'.repeat(60)}","responses":["a","b"],"scores":[1,0]}`;
  const small = '{"prompt":"s","responses":["a","b"],"scores":[1,0]}';
  it('keep only their own first KiB (never the next lines), whatever the chunking and batch size', async () => {
    for (const n of [1, 7, 5000]) {
      for (const batchRecords of [1, undefined]) {
        const got = await observe((hooks, main) => runConvert(engine(), chunked(`${small}\n${big}\r\n${small}\n${big}`, n), { format: 'candidates', maxRecordBytes: 60, batchRecords }, { to: 'trl' }, main, hooks));
        // Rejects in input order: lines 2 and 4, each with exactly its own text.
        expect(got.rejects).toEqual([
          { line: 2, field: null, reason: 'too_large', record: big },
          { line: 4, field: null, reason: 'too_large', record: big },
        ]);
        expect(got.rows).toHaveLength(2);
      }
    }
  });
  it('a line of exactly the limit plus its CR is not too large, however the CR and LF arrive', async () => {
    const line = `{"prompt":"p","responses":["a","b"],"scores":[1,0]}`;
    for (const n of [1, 3, line.length + 1, 1000]) {
      const got = await observe((hooks, main) => runConvert(engine(), chunked(`${line}\r\n${line}\r\n`, n), { format: 'candidates', maxRecordBytes: line.length }, { to: 'trl' }, main, hooks));
      expect(got.rejects).toEqual([]);
      expect(got.rows).toHaveLength(2);
    }
  });
  it('JSON array elements: a complete element over the limit is rejected too, and the end of the input inside one', () => {
    const b = enc.encode(`[\n{"a":1},\n{"b":"${'p'.repeat(50)}"},\n{"c":"${'q'.repeat(50)}"}`);
    for (const n of [1, 16, b.length]) {
      const f = new Framer({ mode: 'array', maxRecordBytes: 40 });
      const large: { line: number; head: string }[] = [];
      let records = 0;
      for (let i = 0; i < b.length; i += n) {
        f.push(b.subarray(i, i + n));
        for (let t = f.take(); t; t = f.take()) ((records += t.n), large.push(...t.large.map((l) => ({ line: l.line, head: l.head }))));
      }
      f.end();
      for (let t = f.take(true); t; t = f.take(true)) ((records += t.n), large.push(...t.large.map((l) => ({ line: l.line, head: l.head }))));
      expect(records).toBe(1);
      expect(large).toEqual([
        { line: 3, head: `{"b":"${'p'.repeat(50)}"}` },
        { line: 4, head: `{"c":"${'q'.repeat(50)}"}` },
      ]);
    }
  });
});

describe('pairs of extreme scores', () => {
  it('a target beyond the f64 range picks by the tie rule: the lowest for the rejected, the highest for the chosen', async () => {
    // Sample std of [M, 0] (M the largest double) is M / sqrt(2); mu - 2 sigma = M / 2 - sqrt(2) M overflows to -Infinity.
    const text = '{"prompt":"q","responses":["a","b"],"scores":[1.7976931348623157e308,0]}\n{"prompt":"r","responses":["d","e"],"scores":[0,1]}\n';
    const got = await observe((hooks, main) => runPairs(engine(), toJobInput(text), { format: 'candidates' }, { strategy: 'sweet-spot', std: 'sample' }, main, hooks));
    expect(got.rows.map((r) => { const x = r as Record<string, unknown>; return [x.prompt, x.chosen, x.rejected, x.margin]; })).toEqual([
      ['q', 'a', 'b', 1.7976931348623157e308],
      ['r', 'e', 'd', 1],
    ]);
  });
  // Scores of both signs near the largest double: v - mean would overflow without the kernel's power-of-two
  // scaling (mu = M / 3, sigma = M sqrt(8) / 3, mu - 2 sigma is below every score: the rejected is the minimum).
  it('scores of both signs near the largest double still give the sweet-spot pair', async () => {
    const text = '{"prompt":"q","responses":["a","b","c"],"scores":[1.7e308,1.7e308,-1.7e308]}\n';
    const got = await observe((hooks, main) => runPairs(engine(), toJobInput(text), { format: 'candidates' }, { strategy: 'sweet-spot' }, main, hooks));
    expect(got.rows.map((r) => { const x = r as Record<string, unknown>; return [x.chosen, x.rejected]; })).toEqual([['a', 'c']]);
  });
});

describe('routing', () => {
  const pairs = ['{"prompt":"a","chosen":"x","rejected":"y","score_chosen":2,"score_rejected":1}', '{"prompt":"b","chosen":"x","rejected":"y"}', 'not json', '{"prompt":"c","chosen":"x","rejected":"y","score_chosen":1,"score_rejected":1}'].join('\n');
  it('route: rejects in input order; SFT rows carry margin and prompt_index (null when unknown)', async () => {
    const got = await observe((hooks, main, sft) => runRoute(engine(), toJobInput(pairs), { format: 'pairs', batchRecords: 7 }, { threshold: 0.5 }, { dpo: main, sft }, hooks));
    expect(got.rejects.map((r) => [r.line, r.reason, r.field])).toEqual([
      [2, 'missing_field', 'score_chosen'],
      [3, 'malformed_json', null],
    ]);
    expect(got.sft).toEqual([{ prompt: 'c', completion: 'x', margin: 0, prompt_index: null, pair_id: 2, route: 'sft' }]);
  });
  it('curate --route on a pairs input: the same SFT row shape', async () => {
    const sft = new MemorySink();
    const main = new MemorySink();
    await runSelect(engine(), toJobInput(pairs), { format: 'pairs' }, { strategy: 'sweet-spot', by: 'external', select: { fraction: 1 }, curate: { route: { threshold: 0.5 } } }, { main, sft });
    expect(sft.rows()).toEqual([{ prompt: 'c', completion: 'x', margin: 0, prompt_index: null, pair_id: 2, route: 'sft' }]);
  });
  it('the curate CLI on a pairs input finishes with its summary (exit 0)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pairsmith-rules-'));
    const io = fakeIo({ cwd: dir, stdin: pairs });
    expect(await run(['curate', '-', '-o', 'out.jsonl'], io)).toBe(0);
    expect(io.err()).toMatch(/pairs: +4 read, 1 rejected, 3 valid \(the input holds pairs: none built\)/);
    expect(readFileSync(join(dir, 'out.jsonl'), 'utf8').trim().split('\n')).toHaveLength(3);
  });
});
