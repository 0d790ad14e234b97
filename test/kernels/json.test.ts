// The record indexer (indexRecords) on its three backends: wasm-simd, wasm-scalar and the js twin give identical
// indexes (status, flags, error offset and code, members, elements, kinds, numbers bit for bit) on hostile records,
// and whether a record is valid agrees with the oracle's JSON.parse-based decision (test/oracle/json.ts). Special
// bytes are placed at every offset of a 16-byte block (the SIMD string scan), and records start at every alignment.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JSON_FLAG_SANITIZE, JSON_K_NUMBER, JSON_REC_MALFORMED, JSON_REC_NOT_OBJECT, JSON_REC_OK, JSON_REC_TOO_DEEP } from '../../src/abi/json.js';
import { JsonIndex } from '../../src/kernels/json.js';
import { parseRecord } from '../oracle/json.js';
import { candidateRecord, cat, cleanRecord, lossRecord, pairRecord, utf8 } from '../datapath/gen.js';
import { engineFor } from '../helpers/engines.js';

const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 20261202;
const BACKENDS = ['wasm-simd', 'wasm-scalar', 'js'] as const;

/** Records laid out in one buffer, each after `pad[i]` filler bytes (so records start at every alignment). */
function layout(records: Uint8Array[], pad: (i: number) => number): { buf: Uint8Array; start: Int32Array; end: Int32Array } {
  const parts: Uint8Array[] = [];
  const start = new Int32Array(records.length);
  const end = new Int32Array(records.length);
  let at = 0;
  records.forEach((r, i) => {
    const p = new Uint8Array(pad(i)).fill(0x7c); // '|' between records: outside every span
    parts.push(p, r);
    start[i] = at + p.length;
    end[i] = start[i]! + r.length;
    at = end[i]!;
  });
  return { buf: cat(...parts), start, end };
}

const sameBits = (a: number, b: number): boolean => (Number.isNaN(a) ? Number.isNaN(b) : Object.is(a, b));

/** Every backend's index of the records, and the js twin's as the reference. */
function indexAll(records: Uint8Array[], pad: (i: number) => number, maxDepth?: number): { ref: JsonIndex; buf: Uint8Array; start: Int32Array; end: Int32Array } {
  const { buf, start, end } = layout(records, pad);
  const got = BACKENDS.map((b) => engineFor(b).indexRecords(buf, start, end, new JsonIndex(), maxDepth === undefined ? {} : { maxDepth }));
  const ref = got[2]!;
  for (const ix of got.slice(0, 2)) {
    expect(ix.n).toBe(ref.n);
    expect(ix.members).toBe(ref.members);
    expect(ix.elems).toBe(ref.elems);
    const n = ref.n;
    const m = ref.members;
    const k = ref.elems;
    for (const f of ['status', 'flags', 'errAt', 'errCode'] as const) expect(Array.from(ix[f].subarray(0, n)), f).toEqual(Array.from(ref[f].subarray(0, n)));
    expect(Array.from(ix.memberOff.subarray(0, n + 1))).toEqual(Array.from(ref.memberOff.subarray(0, n + 1)));
    for (const f of ['keyS', 'keyE', 'valS', 'valE', 'valKind'] as const) expect(Array.from(ix[f].subarray(0, m)), f).toEqual(Array.from(ref[f].subarray(0, m)));
    expect(Array.from(ix.elemOff.subarray(0, m + 1))).toEqual(Array.from(ref.elemOff.subarray(0, m + 1)));
    for (const f of ['elemS', 'elemE', 'elemKind'] as const) expect(Array.from(ix[f].subarray(0, k)), f).toEqual(Array.from(ref[f].subarray(0, k)));
    for (let i = 0; i < m; i++) expect(sameBits(ix.valNum[i]!, ref.valNum[i]!), `valNum ${i}: ${ix.valNum[i]} vs ${ref.valNum[i]}`).toBe(true);
    for (let i = 0; i < k; i++) expect(sameBits(ix.elemNum[i]!, ref.elemNum[i]!), `elemNum ${i}: ${ix.elemNum[i]} vs ${ref.elemNum[i]}`).toBe(true);
  }
  return { ref, buf, start, end };
}

const text = new TextDecoder('utf-8', { ignoreBOM: true });

/** Validity and flags agree with the oracle; keys and numbers read from the index agree with JSON.parse. */
function expectOracle(records: Uint8Array[], ix: JsonIndex, buf: Uint8Array): void {
  records.forEach((r, i) => {
    const p = parseRecord(r);
    const want = p.status === 'object' ? JSON_REC_OK : p.status === 'not_an_object' ? JSON_REC_NOT_OBJECT : p.status === 'too_deep' ? JSON_REC_TOO_DEEP : JSON_REC_MALFORMED;
    expect(ix.status[i], `record ${i}: ${JSON.stringify(text.decode(r)).slice(0, 200)}`).toBe(want);
    if (p.status === 'object' || p.status === 'not_an_object') expect((ix.flags[i]! & JSON_FLAG_SANITIZE) !== 0, 'sanitize = not strict JSON').toBe(!p.strict);
    if (p.status !== 'object') {
      expect(ix.memberOff[i + 1]).toBe(ix.memberOff[i]);
      return;
    }
    const keys: string[] = [];
    for (let m = ix.memberOff[i]!; m < ix.memberOff[i + 1]!; m++) {
      keys.push(JSON.parse(`"${text.decode(buf.subarray(ix.keyS[m]!, ix.keyE[m]!))}"`) as string);
      const span = text.decode(buf.subarray(ix.valS[m]!, ix.valE[m]!));
      if (ix.valKind[m] === JSON_K_NUMBER) expect(Object.is(ix.valNum[m], Number(span)), `${span} read as ${ix.valNum[m]}`).toBe(true);
      for (let e = ix.elemOff[m]!; e < ix.elemOff[m + 1]!; e++) {
        if (ix.elemKind[e] !== JSON_K_NUMBER) continue;
        const t = text.decode(buf.subarray(ix.elemS[e]!, ix.elemE[e]!));
        expect(Object.is(ix.elemNum[e], Number(t)), `${t} read as ${ix.elemNum[e]}`).toBe(true);
      }
    }
    // Every member is indexed, repeated keys too; the distinct keys are JSON.parse's.
    expect([...new Set(keys)].sort()).toEqual(Object.keys(p.value).sort());
  });
}

/** One string value with `special` after `off` plain bytes, `tail` plain bytes after it. */
function stringRecord(off: number, special: Uint8Array, tail: number): Uint8Array {
  return cat(utf8('{"k":"'), utf8('a'.repeat(off)), special, utf8('b'.repeat(tail)), utf8('","n":[1,"x"]}'));
}

const SPECIALS: Uint8Array[] = [
  utf8('\\"'),
  utf8('\\\\'),
  utf8('\\u00e9'),
  utf8('\\ud83d\\ude00'),
  utf8('\\q'),
  utf8('\\u12g4'),
  utf8('"'),
  Uint8Array.of(0x01),
  Uint8Array.of(0x1f),
  Uint8Array.of(0x09),
  Uint8Array.of(0x7f),
  utf8('é'),
  utf8('€'),
  utf8('😀'),
  Uint8Array.of(0xff),
  Uint8Array.of(0xc0, 0x80),
  Uint8Array.of(0xe2, 0x82),
  Uint8Array.of(0xed, 0xa0, 0x80),
  Uint8Array.of(0xf4, 0x90, 0x80, 0x80),
  Uint8Array.of(0xef, 0xbb, 0xbf),
];

const NUMBERS = [
  '0', '-0', '1', '-1', '0.5', '123456789012345', '1234567890123456', '12345678901234567890', '0.1234567890123456789',
  '9007199254740993', '1e22', '1e23', '1e-22', '1e-23', '1.5e308', '1.7976931348623157e308', '1e309', '-1e309', '5e-324',
  '2.2250738585072014e-308', '1e-400', '1E5', '1e+5', '1e99999', '1e100000', '1e1000000', `0.${'0'.repeat(30)}1`,
  `1${'0'.repeat(30)}`, '123.456e-5', '0e0', '-0.0e-0', '01', '1.', '.5', '-', '+1', '1e', '1e+', '--1', '0x10', 'NaN',
  'Infinity', '-Infinity', '-NaN', 'Inf', 'infinity', '1.0e', '1.5E-3',
];

describe('indexRecords: wasm-simd, wasm-scalar and js agree, and with the oracle', () => {
  it('special bytes at every offset of a 16-byte block, records at every alignment, short and long strings', () => {
    const records: Uint8Array[] = [];
    for (const special of SPECIALS) for (let off = 0; off < 34; off++) for (const tail of [0, 3, 17, 200]) records.push(stringRecord(off, special, tail));
    for (const pad of [(i: number) => i % 16, (i: number) => (i * 7) % 23]) {
      const { ref, buf } = indexAll(records, pad);
      expectOracle(records, ref, buf);
    }
  });

  it('numbers with 15, 16, 19 and more digits, large exponents, and bad number tokens', () => {
    const records = NUMBERS.flatMap((n) => [utf8(`{"v":${n}}`), utf8(`{"a":[${n},${n}],"b":${n} }`), utf8(`[${n}]`), utf8(n)]);
    const { ref, buf } = indexAll(records, (i) => i % 5);
    expectOracle(records, ref, buf);
  });

  it('nesting near the limit (members, elements, values; the default 512 and a small --max-depth)', () => {
    const records: Uint8Array[] = [];
    for (const d of [1, 2, 3, 510, 511, 512, 513, 600]) {
      records.push(utf8(`{"a":${'['.repeat(d)}${']'.repeat(d)}}`));
      records.push(utf8(`{"a":[0,${'{"b":'.repeat(d)}1${'}'.repeat(d)}]}`));
      records.push(utf8(`${'['.repeat(d)}${']'.repeat(d)}`));
      records.push(utf8(`{"a":${'['.repeat(d)}1,]`)); // deep, then malformed
    }
    const { ref, buf } = indexAll(records, (i) => i % 3);
    expectOracle(records, ref, buf);
    for (const maxDepth of [1, 2, 3, 4096]) indexAll(records, (i) => i % 3, maxDepth);
  });

  it('generated hostile records of every family (the data path generators)', () => {
    const gen = fc.oneof(candidateRecord({ responses: 'responses', scores: 'scores' }, false), candidateRecord({ responses: 'outs', scores: 'judge.scores' }, true), pairRecord(false), pairRecord(true), lossRecord, cleanRecord);
    // Some records cut short or with a byte flipped: malformed in many different places.
    const mutated = fc.tuple(gen, fc.nat(), fc.constantFrom('cut', 'flip', 'none')).map(([r, at, how]) => {
      if (how === 'none' || r.length === 0) return r;
      const i = at % r.length;
      if (how === 'cut') return r.subarray(0, i);
      const c = r.slice();
      c[i] = [0x22, 0x5c, 0x2c, 0x7d, 0x5d, 0x00, 0xff, 0x30][at % 8]!;
      return c;
    });
    fc.assert(
      fc.property(fc.array(mutated, { minLength: 1, maxLength: 12 }), fc.nat(15), (records, shift) => {
        const { ref, buf } = indexAll(records, (i) => (i * 5 + shift) % 16);
        expectOracle(records, ref, buf);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('an empty batch and empty records', () => {
    const { ref } = indexAll([], () => 0);
    expect(ref.n).toBe(0);
    const records = [utf8(''), utf8('   '), utf8('{}'), utf8(' { } '), utf8('[]')];
    const r = indexAll(records, (i) => i);
    expect(Array.from(r.ref.status.subarray(0, 5))).toEqual([JSON_REC_MALFORMED, JSON_REC_MALFORMED, JSON_REC_OK, JSON_REC_OK, JSON_REC_NOT_OBJECT]);
  });
});
