// RowDecoder: the datasets reject rules for row inputs checked by a caller's adapter (malformed JSON and
// non-objects here, field problems from the adapter), counts in the Tally, BadRecordError under fail.
import { describe, expect, it } from 'vitest';
import { FieldProblem } from '../../src/io/adapters.js';
import { RowDecoder, type RowAdapter } from '../../src/io/decoder.js';
import { Tally } from '../../src/io/manifest.js';
import { BadRecordError, type RawItem } from '../../src/io/types.js';

type Row = { index: number; x: number; candidates?: number; excluded?: Map<number, 'score_nan'> };
const adapt: RowAdapter<Row> = (obj, pos) => {
  if (!('x' in obj)) throw new FieldProblem('x', 'missing_field', "'x' is missing");
  const x = obj.x;
  if (typeof x !== 'number') throw new FieldProblem('x', 'wrong_type', "'x' must be a number");
  return Number.isNaN(x) ? { index: pos.index, x, candidates: 1, excluded: new Map([[0, 'score_nan']]) } : { index: pos.index, x, candidates: 1 };
};

const items: RawItem[] = [
  { index: 0, line: 1, value: { x: 1 } },
  { index: 1, line: 2, error: 'bad', text: '{x' },
  { index: 2, line: 4, value: [1] },
  { index: 3, line: 5, value: { y: 1 } },
  { index: 4, line: 6, value: { x: 'a' } },
  { index: 5, line: 7, value: { x: Number.NaN } },
];

describe('RowDecoder', () => {
  it('skip: rows and rejects with file, line, field, reason; counts add up', () => {
    const tally = new Tally();
    const d = new RowDecoder({ file: 'f.jsonl', tally }, adapt);
    const out = d.push(items);
    expect(out.rows.map((r) => r.index)).toEqual([0, 5]);
    expect(out.rejects.map((r) => [r.line, r.field, r.reason])).toEqual([
      [2, null, 'malformed_json'],
      [4, null, 'not_an_object'],
      [5, 'x', 'missing_field'],
      [6, 'x', 'wrong_type'],
    ]);
    expect(out.rejects[0]!.record).toBe('{x');
    expect(out.rejects[3]!.record).toEqual({ x: 'a' });
    tally.written(0);
    tally.written(0);
    expect(tally.problems()).toEqual([]);
    expect(tally.recordsRead).toBe(6);
    expect(tally.rejectedTotal).toBe(4);
    expect(tally.candidatesRead).toBe(2);
    expect(tally.excluded.score_nan).toBe(1);
  });

  it('fail: BadRecordError at the first bad item, naming file:line:field', () => {
    const d = new RowDecoder({ file: 'f.jsonl', tally: new Tally(), onError: 'fail' }, adapt);
    expect(() => d.push(items.slice(3))).toThrow(BadRecordError);
    expect(() => new RowDecoder({ file: 'f.jsonl', tally: new Tally(), onError: 'fail' }, adapt).push(items.slice(3))).toThrow(/^f\.jsonl:5:x: missing_field/);
  });
});
