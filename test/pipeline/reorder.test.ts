// Reorder (src/pipeline/spool.ts): rows put in any order with their rank come out in rank order, held to a plain
// sort of the same rows: any bucket count, rows longer than a block, missing ranks, two reorders on one spool, and
// buckets over the load limit (split again as they are drained), on the memory spool and the file spool.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FileSpool } from '../../src/io/node/spool.js';
import { MemorySpool, type Spool } from '../../src/io/spool.js';
import { Reorder } from '../../src/pipeline/spool.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A row of `len` bytes that names its rank (so a row in the wrong place shows). */
function row(rank: number, len: number): Uint8Array {
  const s = `${rank}:`;
  return enc.encode((s + 'x'.repeat(Math.max(0, len - s.length))).slice(0, Math.max(len, s.length)));
}

async function drained(r: Reorder): Promise<string[]> {
  const out: string[] = [];
  let calls = 0;
  await r.drain((b) => {
    out.push(dec.decode(b));
    // Some emits are asynchronous (as a sink's flush): the view must stay valid until they resolve.
    if (++calls % 3 === 0) return new Promise((res) => setTimeout(res, 0));
  });
  return out;
}

const cases = fc.record({
  n: fc.integer({ min: 0, max: 300 }),
  seed: fc.integer(),
  // Mostly short rows; some just under or over a block (32 KiB with its 8-byte head).
  lens: fc.array(fc.oneof({ arbitrary: fc.integer({ min: 0, max: 40 }), weight: 8 }, { arbitrary: fc.integer({ min: 32_700, max: 33_000 }), weight: 1 }), { minLength: 1, maxLength: 8 }),
  drop: fc.double({ min: 0, max: 0.5, noNaN: true }),
  expected: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1e9 }), fc.constant(Infinity)),
  load: fc.oneof(fc.constant(1 << 25), fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 2000, max: 200_000 })),
});

function permutation(n: number, seed: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

async function check(spool: Spool, c: { n: number; seed: number; lens: number[]; drop: number; expected: number; load: number }): Promise<void> {
  const ranks = permutation(c.n, c.seed);
  const a = new Reorder(spool, c.n, c.expected, 0, c.load);
  // A second reorder on the same spool, its ranks offset (as a sub-reorder's are).
  const b = new Reorder(spool, c.n, c.expected, 1000, c.load);
  const want: string[] = [];
  const wantB: string[] = [];
  ranks.forEach((rank, k) => {
    const len = c.lens[k % c.lens.length]!;
    if ((k * 0.6180339887) % 1 >= c.drop) a.put(rank, row(rank, len));
    b.put(1000 + rank, row(1000 + rank, len));
  });
  for (let rank = 0; rank < c.n; rank++) {
    const k = ranks.indexOf(rank);
    const len = c.lens[k % c.lens.length]!;
    if ((k * 0.6180339887) % 1 >= c.drop) want.push(dec.decode(row(rank, len)));
    wantB.push(dec.decode(row(1000 + rank, len)));
  }
  expect(await drained(a)).toEqual(want);
  expect(await drained(b)).toEqual(wantB);
}

describe('Reorder', () => {
  it('drains in rank order whatever the put order (memory spool)', async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const spool = new MemorySpool();
        await check(spool, c);
        spool.close();
      }),
      { numRuns: 50 },
    );
  });

  it('drains in rank order through a file spool, and splits a bucket over the load limit', async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const spool = new FileSpool();
        try {
          await check(spool, c);
        } finally {
          spool.close();
        }
      }),
      { numRuns: 30 },
    );
  });

  it('rejects a rank outside its range and a rank put twice', async () => {
    const spool = new MemorySpool();
    const r = new Reorder(spool, 3, 0);
    expect(() => r.put(3, row(3, 4))).toThrow(/rank 3 outside/);
    expect(() => r.put(-1, row(0, 4))).toThrow(/outside/);
    r.put(1, row(1, 4));
    r.put(1, row(1, 4));
    await expect(drained(r)).rejects.toThrow(/rank 1 put twice/);
  });
});
