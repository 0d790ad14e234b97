// The tolerant JSON reader: Python's NaN/Infinity literals, f64 overflow, prototype-safe keys, clear errors.
import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, parseJson } from '../../src/io/json.js';
import { getPath, splitPath } from '../../src/io/path.js';

describe('parseJson', () => {
  it('reads NaN, Infinity and -Infinity literals as non-finite numbers', () => {
    const v = parseJson('{"a":[NaN, Infinity, -Infinity, 1.5, -0, 2e3]}') as { a: number[] };
    expect(Number.isNaN(v.a[0])).toBe(true);
    expect(v.a[1]).toBe(Number.POSITIVE_INFINITY);
    expect(v.a[2]).toBe(Number.NEGATIVE_INFINITY);
    expect(v.a.slice(3)).toEqual([1.5, -0, 2000]);
  });

  it('reads numbers beyond f64 range as +-Infinity (native and fallback paths)', () => {
    expect(parseJson('[1e309, -1e309]')).toEqual([Infinity, -Infinity]);
    expect(parseJson('[NaN, 1e309, -1e309]')).toEqual([NaN, Infinity, -Infinity]);
  });

  it('agrees with JSON.parse on standard JSON with escapes (fallback path forced by a NaN)', () => {
    const doc = '{"s":"a\\"b\\\\c\\/d\\n\\t\\u00e9\\ud83d\\ude00","n":null,"t":true,"f":false,"o":{"x":[{}, []]},"e":-1.25e-3}';
    const native = JSON.parse(doc);
    const fallback = parseJson(doc.replace('"e":-1.25e-3', '"e":-1.25e-3,"z":NaN')) as Record<string, unknown>;
    delete fallback.z;
    expect(fallback).toEqual(native);
  });

  it('keeps __proto__ and constructor keys as own data: no prototype is touched', () => {
    for (const text of ['{"__proto__":{"polluted":1},"constructor":{"prototype":{"bad":1}}}', '{"__proto__":{"polluted":1},"constructor":{"prototype":{"bad":1}},"x":NaN}']) {
      const v = parseJson(text) as Record<string, unknown>;
      expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
      expect(Object.prototype.hasOwnProperty.call(v, '__proto__')).toBe(true);
      expect((v as { polluted?: unknown }).polluted).toBeUndefined();
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
      expect(({} as { bad?: unknown }).bad).toBeUndefined();
      expect(getPath(v, ['__proto__', 'polluted'])).toBe(1);
    }
  });

  it('rejects malformed and truncated text with a JsonSyntaxError naming the offset', () => {
    for (const bad of ['{"a":1', '{"a":[1,2}', '{"a" 1}', '[1,,2]', 'nope', '{"a":NaNx}', '{"a":"unterminated']) {
      expect(() => parseJson(bad)).toThrow(JsonSyntaxError);
    }
    expect(() => parseJson('{"a":1')).toThrow(/end of input/);
  });
});

describe('dot paths', () => {
  it('reach nested objects and array indices, never inherited properties', () => {
    const rec = { a: { b: [{ c: 5 }] } };
    expect(getPath(rec, splitPath('a.b.0.c'))).toBe(5);
    expect(getPath(rec, splitPath('a.b.1.c'))).toBeUndefined();
    expect(getPath(rec, splitPath('constructor'))).toBeUndefined();
    expect(getPath(rec, splitPath('a.toString'))).toBeUndefined();
    expect(() => splitPath('a..b', '--scores-field')).toThrow(/--scores-field: bad dot path/);
  });
});
