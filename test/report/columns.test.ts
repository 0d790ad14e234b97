// The collector's typed columns (src/report/columns.ts): blocks of rows, spilled to a spool past a size and read back
// when scanned or touched. Held to plain arrays under random appends, writes anywhere (spilled blocks included),
// trims and reads, with the spool kept in memory or a temp file.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FileSpool } from '../../src/io/node/spool.js';
import { MemorySpool, type Spool } from '../../src/io/spool.js';
import { BLOCK_ROWS, Columns, F64, I32, U8 } from '../../src/report/columns.js';

const SPEC = { a: [F64, NaN], b: [I32, -1], c: [U8, 0] } as const;
type Name = keyof typeof SPEC;
const NAMES: Name[] = ['a', 'b', 'c'];

type Op = { kind: 'add'; rows: number; col: Name } | { kind: 'set'; at: number; col: Name; v: number } | { kind: 'trim' } | { kind: 'read'; at: number; col: Name };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), rows: fc.integer({ min: 1, max: 2 * BLOCK_ROWS }), col: fc.constantFrom(...NAMES) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), col: fc.constantFrom(...NAMES), v: fc.integer({ min: 0, max: 200 }) }),
  fc.record({ kind: fc.constant('trim' as const) }),
  fc.record({ kind: fc.constant('read' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), col: fc.constantFrom(...NAMES) }),
);

function run(ops: Op[], spool: Spool | undefined, keepBytes: number): void {
  const t = new Columns(SPEC, spool ? { spool: () => spool, keepBytes } : undefined);
  const plain = new Map<Name, number[]>();
  const fill = (name: Name) => SPEC[name][1];
  let seq = 0;
  for (const o of ops) {
    if (o.kind === 'add') {
      t.reserve(o.rows);
      const col = t.col(o.col);
      if (!plain.has(o.col)) plain.set(o.col, new Array<number>(t.n).fill(fill(o.col)));
      for (let i = 0; i < o.rows; i++) col.set(t.n + i, (seq++ % 97) + 1);
      for (const [name, arr] of plain) for (let i = 0; i < o.rows; i++) arr.push(name === o.col ? col.get(t.n + i) : fill(name));
      t.n += o.rows;
    } else if (o.kind === 'set' && t.n > 0) {
      const i = Math.min(t.n - 1, Math.floor(o.at * t.n));
      t.col(o.col).set(i, o.v);
      if (!plain.has(o.col)) plain.set(o.col, new Array<number>(t.n).fill(fill(o.col)));
      plain.get(o.col)![i] = o.v;
    } else if (o.kind === 'trim') t.trim();
    else if (o.kind === 'read' && t.n > 0) {
      const i = Math.min(t.n - 1, Math.floor(o.at * t.n));
      expect(t.get(o.col)?.get(i)).toEqual(plain.get(o.col)?.[i]);
    }
  }
  // Whole columns, by scan and by view, equal the plain arrays.
  for (const name of NAMES) expect(t.has(name)).toBe(plain.has(name));
  const got = new Map<Name, number[]>(NAMES.filter((n) => t.has(n)).map((n) => [n, []]));
  t.scan(NAMES, (blocks, _start, len) => {
    NAMES.forEach((n, k) => {
      if (blocks[k]) got.get(n)!.push(...Array.from(blocks[k]!.subarray(0, len)));
    });
  });
  for (const [name, arr] of plain) {
    expect(got.get(name)).toEqual(arr);
    expect(Array.from(t.view(name)!)).toEqual(arr);
  }
}

describe('report columns', () => {
  it('equal plain arrays through appends, writes anywhere, trims and reads, spilled or kept', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 25 }), fc.constantFrom(0, 100_000, 1 << 30), (ops, keep) => {
        run(ops, new MemorySpool(), keep);
        run(ops, undefined, keep);
      }),
      { numRuns: 60 },
    );
  });

  it('spill past keepBytes, to a temp file as well', () => {
    const spool = new FileSpool();
    try {
      const t = new Columns(SPEC, { spool: () => spool, keepBytes: 0 });
      const n = 5 * BLOCK_ROWS + 17;
      t.reserve(n);
      const a = t.col('a');
      for (let i = 0; i < n; i++) a.set(i, i / 4);
      t.n = n;
      t.trim();
      // Every full block went; the last, partly filled one stays.
      expect(t.bytes()).toBe(8 * BLOCK_ROWS);
      // A write to a spilled block is kept when another block is read back.
      a.set(3, -1);
      expect(a.get(BLOCK_ROWS * 4 + 1)).toBe((BLOCK_ROWS * 4 + 1) / 4);
      expect(a.get(3)).toBe(-1);
      const v = t.view('a')!;
      expect(v[3]).toBe(-1);
      expect(v[n - 1]).toBe((n - 1) / 4);
      // A column made after the spill holds its fill value in the spilled blocks.
      t.col('b').set(n - 1, 7);
      expect(Array.from(t.view('b')!.subarray(0, 3))).toEqual([-1, -1, -1]);
      expect(t.get('b')!.get(n - 1)).toBe(7);
    } finally {
      spool.close();
    }
  });
});
