// Select's pass-1 table (src/pipeline/select-table.ts): batches and pushed pairs, kept in memory or spilled to a
// spool, read back through cursors (in order and out of order) and as whole columns, held to plain arrays.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FileSpool } from '../../src/io/node/spool.js';
import { batchNumbers, dropFills, Table } from '../../src/pipeline/select-table.js';
import { MemorySpool, type Spool } from '../../src/io/spool.js';

type Op = { kind: 'batch'; n: number; picks: boolean; seed: number } | { kind: 'push'; count: number; picks: boolean; seed: number };

const ops = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('batch' as const), n: fc.integer({ min: 0, max: 60 }), picks: fc.boolean(), seed: fc.integer() }),
    fc.record({ kind: fc.constant('push' as const), count: fc.integer({ min: 0, max: 3000 }), picks: fc.boolean(), seed: fc.integer() }),
  ),
  { maxLength: 8 },
);

/** A deterministic value of pair i, column c (some NaN, -0, extremes). */
function val(seed: number, i: number, c: number): number {
  const h = Math.imul(seed ^ Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(c + 1, 0x85ebca6b), 0xc2b2ae35) >>> 0;
  const specials = [Number.NaN, -0, Number.MAX_VALUE, -Number.MIN_VALUE, Infinity];
  return h % 17 === 0 ? specials[h % specials.length]! : (h % 2000) / 7 - 140;
}

interface Plain {
  record: number[];
  chosen: number[];
  rejected: number[];
  sc: number[];
  sr: number[];
  ext: number[];
  offset: number[];
  length: number[];
  line: number[];
}

function build(spool: Spool | undefined, list: Op[], keepBytes: number): { t: Table; want: Plain } {
  const t = new Table(spool, keepBytes);
  const want: Plain = { record: [], chosen: [], rejected: [], sc: [], sr: [], ext: [], offset: [], length: [], line: [] };
  for (const op of list) {
    if (op.kind === 'batch') {
      const b = batchNumbers(op.n, false);
      for (let k = 0; k < op.n; k++) {
        const i = want.record.length;
        b.record[k] = i >> 1;
        b.chosen[k] = op.picks ? (op.seed + k) % 16 : -1;
        b.rejected[k] = op.picks ? (op.seed + 3 * k) % 16 : -1;
        b.sc[k] = val(op.seed, k, 0);
        b.sr[k] = val(op.seed, k, 1);
        b.ext[k] = val(op.seed, k, 2);
        b.imp[k] = Number.NaN;
        b.recOffset[k] = 2 ** 40 + i * 3;
        b.recLength[k] = k + 1;
        b.recLine[k] = i + 2;
        want.record.push(i >> 1);
        want.chosen.push(b.chosen[k]!);
        want.rejected.push(b.rejected[k]!);
        want.sc.push(b.sc[k]!);
        want.sr.push(b.sr[k]!);
        want.ext.push(b.ext[k]!);
        want.offset.push(b.recOffset[k]!);
        want.length.push(k + 1);
        want.line.push(i + 2);
      }
      t.append(dropFills(b), 0);
    } else {
      for (let k = 0; k < op.count; k++) {
        const i = want.record.length;
        const [c, r] = op.picks && k % 3 !== 0 ? [k % 7, (k + 1) % 7] : [-1, -1];
        t.push(i, c, r, val(op.seed, k, 0), val(op.seed, k, 1), val(op.seed, k, 2), Number.NaN, Number.NaN);
        for (const [key, v] of [['record', i], ['chosen', c], ['rejected', r], ['sc', val(op.seed, k, 0)], ['sr', val(op.seed, k, 1)], ['ext', val(op.seed, k, 2)], ['offset', 0], ['length', 0], ['line', 0]] as const) {
          want[key].push(v);
        }
      }
    }
  }
  t.finish();
  return { t, want };
}

function check(t: Table, want: Plain, order: number[]): void {
  const n = want.record.length;
  expect(t.n).toBe(n);
  const cur = t.cursor();
  const fields = [
    [(i: number) => cur.get('record', i), want.record],
    [(i: number) => cur.get('chosen', i), want.chosen],
    [(i: number) => cur.get('rejected', i), want.rejected],
    [(i: number) => cur.get('sc', i), want.sc],
    [(i: number) => cur.get('sr', i), want.sr],
    [(i: number) => cur.get('recOffset', i), want.offset],
    [(i: number) => cur.get('recLength', i), want.length],
    [(i: number) => cur.get('recLine', i), want.line],
  ] as const;
  let bad: string | undefined;
  for (const i of order) {
    for (let k = 0; k < fields.length && !bad; k++) {
      const [get, w] = fields[k]!;
      // Object.is: -0 and NaN kept as they are.
      if (!Object.is(get(i), w[i])) bad = `pair ${i} field ${k}: ${get(i)} vs ${w[i]}`;
    }
  }
  expect(bad).toBeUndefined();
  // Block by block (a spilled block read into the buffer the next one reuses): every field, in order.
  const seen: Plain = { record: [], chosen: [], rejected: [], sc: [], sr: [], ext: [], offset: [], length: [], line: [] };
  t.blocks.forEach((b) => {
    expect(b.start).toBe(seen.record.length);
    for (let j = 0; j < b.n; j++) {
      seen.record.push(b.record[j]!);
      seen.chosen.push(b.chosen.length > 0 ? b.chosen[j]! : -1);
      seen.rejected.push(b.rejected.length > 0 ? b.rejected[j]! : -1);
      seen.sc.push(b.sc[j]!);
      seen.sr.push(b.sr[j]!);
      seen.offset.push(b.recOffset[j]!);
      seen.length.push(b.recLength[j]!);
      seen.line.push(b.recLine[j]!);
    }
  });
  expect({ ...seen, ext: want.ext }).toEqual(want);
  const p = t.numbers();
  expect(Array.from(p.record)).toEqual(want.record);
  expect(Array.from(p.chosen)).toEqual(want.chosen);
  expect(Array.from(p.rejected)).toEqual(want.rejected);
  expect(Array.from(p.scoreChosen)).toEqual(want.sc);
  expect(Array.from(p.scoreRejected)).toEqual(want.sr);
  expect(Array.from(p.external)).toEqual(want.ext);
}

describe('Table', () => {
  for (const [name, make] of [
    ['in memory', () => undefined],
    ['spilled to a memory spool', () => new MemorySpool()],
    ['spilled to a file spool', () => new FileSpool()],
  ] as const) {
    it(`gives back every pair's numbers, in order and out of order (${name})`, () => {
      fc.assert(
        // Spilled from the first block, after a few kilobytes, or never (all kept: a small run).
        fc.property(ops, fc.integer(), fc.constantFrom(0, 5000, 1 << 24), (list, seed, keepBytes) => {
          const spool = make();
          try {
            const { t, want } = build(spool, list, keepBytes);
            const n = want.record.length;
            const inOrder = Array.from({ length: n }, (_, i) => i);
            // Out of order: backwards, then a stride through the pairs.
            const shuffled = [...inOrder].reverse().concat(inOrder.filter((i) => (i * 7 + seed) % 5 === 0));
            check(t, want, inOrder);
            check(t, want, shuffled);
          } finally {
            spool?.close();
          }
        }),
        { numRuns: name === 'spilled to a file spool' ? 25 : 50 },
      );
    });
  }

  it('refuses to read a pair that is not there, or before finish()', () => {
    const t = new Table(new MemorySpool(), 0);
    t.push(0, -1, -1, 1, 0, 1, Number.NaN, Number.NaN);
    expect(() => t.cursor().get('record', 0)).toThrow(/before finish/);
    t.finish();
    expect(t.cursor().get('record', 0)).toBe(0);
    expect(() => t.cursor().get('record', 1)).toThrow(/pair 1 of 1/);
    t.close();
    expect(() => t.numbers().scoreChosen).toThrow(/spilled to a temp file, removed when the run returned/);
    expect(Array.from(t.numbers().external)).toEqual([1]);
  });
});
