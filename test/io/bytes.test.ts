// ByteSink.number writes every finite double exactly as String(x) (JSON.stringify's text), non-finite ones as null:
// held to String over arbitrary doubles and over the short decimals its fast path writes itself.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteSink } from '../../src/io/bytes.js';

const dec = new TextDecoder();
function written(xs: number[]): string[] {
  const s = new ByteSink(8);
  const out: string[] = [];
  for (const x of xs) {
    s.number(x);
    out.push(dec.decode(s.take()));
  }
  return out;
}
const expected = (xs: number[]) => xs.map((x) => (Number.isFinite(x) ? String(x) : 'null'));

/** A decimal m / 10^k (m below 10^17, so some have more than 15 digits), signed. */
const decimal = fc.record({ m: fc.bigInt({ min: 0n, max: 10n ** 17n }), k: fc.integer({ min: 0, max: 20 }), neg: fc.boolean() }).map(({ m, k, neg }) => (neg ? -1 : 1) * Number(`${m}e-${k}`));

/** The neighbouring doubles of a positive finite x. */
function nextUp(x: number): number {
  const b = new BigUint64Array(new Float64Array([x]).buffer);
  b[0]! += 1n;
  return new Float64Array(b.buffer)[0]!;
}
function nextDown(x: number): number {
  const b = new BigUint64Array(new Float64Array([x]).buffer);
  b[0]! -= 1n;
  return new Float64Array(b.buffer)[0]!;
}

describe('ByteSink.number', () => {
  it('hand cases: fixed-notation edges, roundings, signs, zeros, non-finite', () => {
    const xs = [
      1.291907, -2.269006, 0.02957, 1.2623369999999998, 0.1 + 0.2, 0.05, 12.5, -0.5, 1e-6, 1.5e-6, 9.99e-7, 1e-7, 123456789012345.6,
      999999999999999.9, 1e15, 1e15 + 0.5, 1e21, 123.456, 100, -100, 4294967296, 0, -0, 5e-324, Number.MAX_VALUE, -Number.MIN_VALUE,
      0.1, 0.7, 1 / 3, 2 / 3, 1.005, 1.0000000000000002, 0.000001234567890123, NaN, Infinity, -Infinity,
      // Next to powers of 10 (where log10 may round to the power): 15, 16 and 17 significant digits.
      9.999999999999999, 9.99999999999999, 10.000000000000002, 10.00000000000001, 0.09999999999999999, 0.0999999999999999,
      0.10000000000000002, 99999.99999999999, 99999.9999999999, 100000.00000000001, 0.000009999999999999999, 0.00001000000000000001,
      99999999999999.98, 99999999999999.9, 0.9999999999999999, 0.999999999999999,
    ];
    expect(written(xs)).toEqual(expected(xs));
  });

  it('equals String(x) at each side of every power of 10 in its fixed range', () => {
    const xs: number[] = [];
    for (let e = -6; e <= 15; e++) {
      const p = Number(`1e${e}`);
      let lo = p;
      let hi = p;
      for (let i = 0; i < 40; i++) {
        lo = nextDown(lo);
        hi = nextUp(hi);
        xs.push(lo, hi, -lo);
      }
      for (const d of [1, 2, 5]) xs.push(p * (1 - d * 1e-15), p * (1 + d * 1e-15), p * (1 - d * 1e-14), p * (1 + d * 1e-14));
    }
    expect(written(xs)).toEqual(expected(xs));
  });

  it('equals String(x) on arbitrary doubles and on short and long decimals', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double(), decimal, fc.integer().map((i) => i / 1000), fc.float().map(Number)), { maxLength: 50 }), (xs) => {
        expect(written(xs)).toEqual(expected(xs));
      }),
      { numRuns: 3000 },
    );
  });
});
