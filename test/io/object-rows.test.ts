// Object rows (augment, SFT rows): values kept as their JSON bytes (RawJson) where the row is only moved around,
// written back byte for byte, decoded for object (Parquet) writers; and `__proto__` as an ordinary column.
import { describe, expect, it } from 'vitest';
import { ByteSink } from '../../src/io/bytes.js';
import { columnOf, JsonlRowBuilder, ObjectRowBuilder, RawJson, rawValue } from '../../src/io/encode.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

describe('ObjectRowBuilder', () => {
  const buf = enc.encode('"h\\u00e9llo" [1,{"a":null}] {"x":[2]} -1.5e3 true null');
  // Spans of the values above, as an indexer gives them (each starts at its value).
  const spans: [number, number][] = [];
  for (const m of dec.decode(buf).matchAll(/"h\\u00e9llo"|\[1,\{"a":null\}\]|\{"x":\[2\]\}|-1\.5e3|true|null/g)) spans.push([m.index!, m.index! + m[0].length]);

  it('raw: strings, lists and objects stay bytes, numbers and literals are decoded; rawValue decodes the bytes', () => {
    const b = new ObjectRowBuilder(true);
    b.begin();
    spans.forEach(([s, e], i) => {
      b.key(columnOf(`c${i}`));
      b.span(buf, s, e, false);
    });
    b.end();
    const row = b.take()[0]!;
    expect(row.c0).toBeInstanceOf(RawJson);
    expect(row.c1).toBeInstanceOf(RawJson);
    expect(row.c2).toBeInstanceOf(RawJson);
    expect([row.c3, row.c4, row.c5]).toEqual([-1500, true, null]);
    expect([rawValue(row.c0), rawValue(row.c1), rawValue(row.c2)]).toEqual(['h\u00e9llo', [1, { a: null }], { x: [2] }]);
  });

  it('raw values are written back as their bytes (JSON Lines) and decoded for objects (Parquet)', () => {
    const raw = new ObjectRowBuilder(true);
    raw.begin();
    raw.key(columnOf('v'));
    raw.span(buf, spans[1]![0], spans[1]![1], false);
    raw.end();
    const v = raw.take()[0]!.v;
    const sink = new ByteSink(64);
    const j = new JsonlRowBuilder(sink);
    j.begin();
    j.key(columnOf('v'));
    j.value(v);
    j.end();
    expect(dec.decode(sink.take())).toBe('{"v":[1,{"a":null}]}\n');
    const o = new ObjectRowBuilder();
    o.begin();
    o.key(columnOf('v'));
    o.value(v);
    o.end();
    expect(o.take()).toEqual([{ v: [1, { a: null }] }]);
  });

  it('a span of a record that needs re-encoding is decoded, not kept; the default builder decodes everything', () => {
    for (const [builder, sanitize] of [[new ObjectRowBuilder(true), true], [new ObjectRowBuilder(), false]] as const) {
      builder.begin();
      builder.key(columnOf('s'));
      builder.span(buf, spans[0]![0], spans[0]![1], sanitize);
      builder.end();
      expect(builder.take()[0]!.s).toBe('h\u00e9llo');
    }
  });

  it('`__proto__` is an own column, not the prototype', () => {
    const b = new ObjectRowBuilder(true);
    b.begin();
    b.key(columnOf('__proto__'));
    b.num(1);
    b.key(columnOf('a'));
    b.num(2);
    b.end();
    const row = b.take()[0]!;
    expect(Object.keys(row)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(JSON.stringify(row)).toBe('{"__proto__":1,"a":2}');
  });

  it('a raw value is a view of its batch, and one whose memory was detached (grown) fails loudly instead of writing nothing', () => {
    const mem = new WebAssembly.Memory({ initial: 1 });
    const view = new Uint8Array(mem.buffer);
    const text = enc.encode('"kept"');
    view.set(text, 10);
    const b = new ObjectRowBuilder(true);
    b.begin();
    b.key(columnOf('v'));
    b.span(view, 10, 10 + text.length, false);
    b.end();
    const v = b.take()[0]!.v;
    expect(rawValue(v)).toBe('kept');
    mem.grow(1); // detaches `view`
    const j = new JsonlRowBuilder(new ByteSink(64));
    j.begin();
    j.key(columnOf('v'));
    expect(() => j.value(v)).toThrow(/outlived its batch/);
    expect(() => rawValue(v)).toThrow(/outlived its batch/);
  });
});
