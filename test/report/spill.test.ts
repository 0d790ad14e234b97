// A collector whose columns go to a spool as they grow (CollectorOptions.spill) gives the same page data as one that
// keeps them in memory: pools and their own pairs, a pairs file alone, rows joined to pools as they stream past (the
// joins applied to spilled rows in batches), a selection set after the input, and states merged in order.
// Inputs span several blocks of rows (BLOCK_ROWS), so blocks really go to the spool and come back.
import { describe, expect, it } from 'vitest';
import { MemorySpool, type Spool } from '../../src/io/spool.js';
import { mulberry32 } from '../../src/pipeline/rng.js';
import { pairColumnsOf, poolChunkOf, ReportCollector, type CollectorOptions, type PairRowInput, type PromptPool } from '../../src/report/index.js';
import { BLOCK_ROWS } from '../../src/report/columns.js';
import { referenceKernels } from '../../src/reference/index.js';

const META = { sources: ['in.jsonl'], generatedAt: '2026-12-03T00:00:00.000Z', scoreLabel: 'score', selectionBy: 'external' };
// More rows than the join log holds (32,768), so its joins are applied mid-way as well as at the end.
const N = 4 * BLOCK_ROWS + 123;

function input(seed: number): { pools: PromptPool[]; rows: PairRowInput[] } {
  const r = mulberry32(seed);
  const pools: PromptPool[] = [];
  const rows: PairRowInput[] = [];
  for (let g = 0; g < N; g++) {
    const size = 2 + Math.floor(r() * 4);
    const scores = Array.from({ length: size }, () => (r() < 0.02 ? NaN : Math.round(r() * 40) / 8));
    pools.push({ promptIndex: g, scores, tokens: scores.map((_, i) => 5 + i + (g % 7)) });
    // A row per prompt, some naming a candidate out of range (never joined), a few naming a prompt not in the input.
    const c = Math.floor(r() * (size + 1));
    rows.push({ promptIndex: r() < 0.001 ? N + g : g, chosenIndex: c, rejectedIndex: (c + 1) % size, margin: r() * 4 - 1, chosenTokens: 10 + (g % 5), rejectedTokens: 12 });
  }
  return { pools, rows };
}

/** Counts the bytes a spool holds, to show that blocks went to it. */
class CountingSpool extends MemorySpool {
  bytes = 0;
  override append(b: Uint8Array): number {
    this.bytes += b.length;
    return super.append(b);
  }
}

function feed(c: ReportCollector, pools: PromptPool[], rows: PairRowInput[] | undefined, chunk: number): void {
  if (rows) for (let i = 0; i < rows.length; i += chunk) c.addPairs(pairColumnsOf(rows.slice(i, i + chunk)));
  for (let i = 0; i < pools.length; i += chunk) c.addPools(poolChunkOf(pools.slice(i, i + chunk)));
}

function select(c: ReportCollector): void {
  const n = c.pairs.n;
  const margin = Float64Array.from({ length: n }, (_, i) => ((i * 7) % 5) - 2);
  c.setSelection({ length: n, margin, selectionScore: margin, selected: Int32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 + i : 0)) });
}

describe('a spilled report collector', () => {
  const { pools, rows } = input(7);
  const spools: CountingSpool[] = [];
  const spilled = (o: CollectorOptions): CollectorOptions => ({ ...o, spill: (): Spool => spools[spools.push(new CountingSpool()) - 1]!, spillAfter: 0 });

  // The rows in an order unrelated to the pools': each join batch touches every block.
  const r = mulberry32(11);
  const shuffled = rows.map((x) => ({ x, k: r() })).sort((a, b) => a.k - b.k).map((e) => e.x);
  for (const [name, mode, pairRows] of [
    ['pools and their own pairs', 'pools', undefined],
    ['rows joined to pools (rows first)', 'rows', rows],
    ['rows in another order than the pools, joined to them', 'rows', shuffled],
  ] as const) {
    it(`gives the data of one kept in memory: ${name}, with a selection set after`, () => {
      spools.length = 0;
      const o: CollectorOptions = { pairsFrom: mode, examples: 3 };
      const kept = new ReportCollector(referenceKernels, o);
      const spill = new ReportCollector(referenceKernels, spilled(o));
      feed(kept, pools, pairRows, 1000);
      feed(spill, pools, pairRows, 777);
      select(kept);
      select(spill);
      expect(spools).toHaveLength(1);
      expect(spools[0]!.bytes).toBeGreaterThan(8 * BLOCK_ROWS);
      expect(spill.columnBytes()).toBeLessThan(kept.columnBytes());
      expect(spill.finish(META)).toEqual(kept.finish(META));
      spill.close();
    });
  }

  it('gives the data of one kept in memory: a pairs file alone, and parts merged from their states', () => {
    spools.length = 0;
    const scored = rows.map((x, i) => ({ ...x, scoreChosen: (i % 11) / 3, scoreRejected: (i % 5) / 4 }));
    const kept = new ReportCollector(referenceKernels, {});
    kept.addPairs(pairColumnsOf(scored));
    const spill = new ReportCollector(referenceKernels, spilled({}));
    for (let i = 0; i < scored.length; i += 5000) spill.addPairs(pairColumnsOf(scored.slice(i, i + 5000)));
    expect(spools[0]!.bytes).toBeGreaterThan(8 * BLOCK_ROWS);
    expect(spill.finish(META)).toEqual(kept.finish(META));
    // Shards: each part's state (read back from its spool) merged into a spilled collector.
    const o: CollectorOptions = { pairsFrom: 'rows' };
    const whole = new ReportCollector(referenceKernels, o);
    feed(whole, pools, rows, 1000);
    const merged = new ReportCollector(referenceKernels, spilled(o));
    for (const [a, b] of [
      [0, BLOCK_ROWS + 5],
      [BLOCK_ROWS + 5, N],
    ]) {
      const part = new ReportCollector(referenceKernels, spilled(o));
      feed(part, pools.slice(a, b), rows.slice(a, b), 999);
      merged.merge(part.state());
      part.close();
    }
    select(whole);
    select(merged);
    expect(merged.finish(META)).toEqual(whole.finish(META));
  });
});
