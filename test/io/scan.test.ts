// The fast-path scanner: field spans, array elements, exact number parsing, and agreement with JSON.parse.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arrayElements,
  FieldScanner,
  forEachLine,
  NUM_FINITE,
  NUM_NONFINITE,
  NUM_NULL,
  parseNumberArray,
  SCAN_ESCAPED_KEY,
  SCAN_MALFORMED,
  SCAN_NOT_OBJECT,
  SCAN_OK,
  SCAN_TOO_MANY,
  validValue,
} from '../../src/io/scan.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

function fields(line: string, names: string[]): { status: number; values: (string | null)[] } {
  const buf = enc.encode(line);
  const spans = new Int32Array(names.length * 2);
  const status = new FieldScanner(names).scan(buf, 0, buf.length, spans);
  const values = names.map((_, f) => (spans[2 * f]! < 0 ? null : dec.decode(buf.subarray(spans[2 * f]!, spans[2 * f + 1]!))));
  return { status, values };
}

function numbers(text: string): { n: number; v: number[]; k: number[] } {
  const buf = enc.encode(text);
  const out = new Float64Array(64);
  const kinds = new Uint8Array(64);
  const n = parseNumberArray(buf, 0, buf.length, out, kinds, 0);
  return { n, v: Array.from(out.subarray(0, Math.max(n, 0))), k: Array.from(kinds.subarray(0, Math.max(n, 0))) };
}

describe('FieldScanner', () => {
  it('finds top-level fields and returns their JSON text', () => {
    const line = '{"id": 7, "prompt": "a \\"quoted\\" {x}", "nested": {"prompt": "no"}, "responses": ["r1", ["x"], {"a": "]"}], "scores": [1, 2.5]}';
    const r = fields(line, ['prompt', 'responses', 'scores', 'missing']);
    expect(r.status).toBe(SCAN_OK);
    expect(r.values).toEqual(['"a \\"quoted\\" {x}"', '["r1", ["x"], {"a": "]"}]', '[1, 2.5]', null]);
  });

  it('captures the elements of one array field in the same pass', () => {
    const line = enc.encode('{"r": ["a", ["b"], "c"], "s": [1]}');
    const spans = new Int32Array(4);
    const elems = new Int32Array(8);
    const count = new Int32Array(1);
    const sc = new FieldScanner(['r', 's']);
    expect(sc.scan(line, 0, line.length, spans, 0, elems, count)).toBe(SCAN_OK);
    expect(count[0]).toBe(3);
    expect(Array.from({ length: 3 }, (_, e) => dec.decode(line.subarray(elems[2 * e]!, elems[2 * e + 1]!)))).toEqual(['"a"', '["b"]', '"c"']);
    expect(dec.decode(line.subarray(spans[0]!, spans[1]!))).toBe('["a", ["b"], "c"]');
    expect(dec.decode(line.subarray(spans[2]!, spans[3]!))).toBe('[1]');
    expect(sc.scan(line, 0, line.length, spans, 0, new Int32Array(4), count)).toBe(SCAN_TOO_MANY);
    const notArray = enc.encode('{"r": "x"}');
    expect(sc.scan(notArray, 0, notArray.length, spans, 0, elems, count)).toBe(SCAN_OK);
    expect(count[0]).toBe(-1);
  });

  it('the last duplicate key wins, as in JSON.parse', () => {
    expect(fields('{"a": 1, "a": 2}', ['a']).values).toEqual(['2']);
  });

  it('reports what needs the slow path', () => {
    expect(fields('[1, 2]', ['a']).status).toBe(SCAN_NOT_OBJECT);
    expect(fields('{"a": 1', ['a']).status).toBe(SCAN_MALFORMED);
    expect(fields('{"a": "x}', ['a']).status).toBe(SCAN_MALFORMED);
    expect(fields('{"a" 1}', ['a']).status).toBe(SCAN_MALFORMED);
    expect(fields('{"a": 1} x', ['a']).status).toBe(SCAN_MALFORMED);
    expect(fields('{"a": [1, 2}', ['a']).status).toBe(SCAN_MALFORMED);
    expect(fields('{"\\u0061": 1}', ['a']).status).toBe(SCAN_ESCAPED_KEY);
    expect(fields('{}', ['a']).status).toBe(SCAN_OK);
    expect(fields('  { "a" : 1 }  ', ['a']).values).toEqual(['1']);
  });

  it('backslash runs before a quote are counted', () => {
    expect(fields('{"a": "x\\\\", "b": 2}', ['a', 'b']).values).toEqual(['"x\\\\"', '2']);
  });

  it('validValue rejects raw control bytes and bad escapes in copied text', () => {
    const ok = enc.encode('"a\\n\\u00e9"');
    expect(validValue(ok, 0, ok.length)).toBe(true);
    const raw = enc.encode('"a\nb"');
    expect(validValue(raw, 0, raw.length)).toBe(false);
    const esc = enc.encode('["\\x"]');
    expect(validValue(esc, 0, esc.length)).toBe(false);
  });

  it('agrees with JSON.parse on random records (property)', () => {
    const key = fc.constantFrom('prompt', 'responses', 'scores', 'id', 'other', 'promp', 'prompts');
    const value = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(fc.dictionary(key, value), (obj) => {
        const line = JSON.stringify(obj);
        const names = ['prompt', 'responses', 'scores'];
        const r = fields(line, names);
        expect(r.status).toBe(SCAN_OK);
        const parsed = JSON.parse(line) as Record<string, unknown>;
        names.forEach((n, f) => {
          if (n in obj) expect(JSON.parse(r.values[f]!)).toEqual(parsed[n]);
          else expect(r.values[f]).toBeNull();
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('arrayElements', () => {
  it('splits an array into element spans', () => {
    const buf = enc.encode('[ "a,b" , [1,[2]], {"x":"]"}, 3 ]');
    const out = new Int32Array(16);
    const n = arrayElements(buf, 0, buf.length, out);
    expect(n).toBe(4);
    const els = Array.from({ length: n }, (_, e) => dec.decode(buf.subarray(out[2 * e]!, out[2 * e + 1]!)));
    expect(els).toEqual(['"a,b"', '[1,[2]]', '{"x":"]"}', '3']);
    expect(arrayElements(enc.encode('[]'), 0, 2, out)).toBe(0);
    expect(arrayElements(enc.encode('[1 2]'), 0, 5, out)).toBe(-1);
    expect(arrayElements(enc.encode('[1,2,3]'), 0, 7, new Int32Array(4))).toBe(-2);
  });
});

describe('parseNumberArray', () => {
  it('parses numbers exactly, including Python literals, null and overflow', () => {
    const r = numbers('[0, -0.5, 1e3, 2.5E-3, 0.1, 123456789012345678, NaN, Infinity, -Infinity, null, 1e309, 0.12345678901234568]');
    expect(r.n).toBe(12);
    expect(r.v.slice(0, 6)).toEqual([0, -0.5, 1000, 0.0025, 0.1, 123456789012345678]);
    expect(r.v[6]).toBeNaN();
    expect(r.v.slice(7, 9)).toEqual([Infinity, -Infinity]);
    expect(r.v[9]).toBeNaN();
    expect(r.v[10]).toBe(Infinity);
    expect(r.v[11]).toBe(0.12345678901234568);
    expect(r.k).toEqual([0, 0, 0, 0, 0, 0, NUM_NONFINITE, NUM_NONFINITE, NUM_NONFINITE, NUM_NULL, NUM_NONFINITE, NUM_FINITE]);
  });

  it('refuses what is not a number', () => {
    for (const bad of ['["1"]', '[true]', '[1,]', '[01]', '[-01]', '[1.]', '[1.e5]', '[.5]', '[1-2]', '[1.5"]', '[+1]', '[-]', '[{}]', '[1 2]', '1']) expect(numbers(bad).n, bad).toBe(-1);
    expect(numbers('[]').n).toBe(0);
  });

  it('matches JSON.parse bit for bit on random doubles (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 20 }), (xs) => {
        const text = JSON.stringify(xs);
        const r = numbers(text);
        expect(r.n).toBe(xs.length);
        expect(r.v).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e9, max: 1e9 }).map((x) => x / 1e6), { maxLength: 20 }), (xs) => {
        const text = JSON.stringify(xs);
        expect(numbers(text).v).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });
});

describe('forEachLine', () => {
  it('yields complete lines, strips CR, and returns the leftover', () => {
    const buf = enc.encode('a\r\nbb\n\nccc');
    const got: string[] = [];
    const rest = forEachLine(buf, 0, (s, e) => got.push(dec.decode(buf.subarray(s, e))));
    expect(got).toEqual(['a', 'bb', '']);
    expect(dec.decode(buf.subarray(rest))).toBe('ccc');
  });
});
