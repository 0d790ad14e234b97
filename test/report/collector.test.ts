// The streaming collector: hand-checked per-prompt summaries and pair statistics on the fixture (values worked
// out in fixture.ts), the same numbers on every backend, chunking independence, joins of pair rows to pools,
// bounded example capture and memory bounds with 1e5 prompts.
import { describe, expect, it } from 'vitest';
import { buildReportData, pairColumnsOf, poolChunkOf, renderReport, ReportCollector, type PromptPool, type ReportData, type Summary } from '../../src/report/index.js';
import { charCount } from '../../src/report/build.js';
import { mulberry32 } from '../../src/pipeline/rng.js';
import { referenceKernels } from '../../src/reference/index.js';
import { ALL_BACKENDS, engineFor } from '../helpers/engines.js';
import { liveBytes } from '../helpers/memory.js';
import { POOLS } from './fixture.js';

const META = { sources: ['x'], generatedAt: '2026-01-01T00:00:00Z', scoreLabel: 'score' };

function collect(pools: PromptPool[], chunk: number, o: ConstructorParameters<typeof ReportCollector>[1] = {}, engine = referenceKernels): ReportCollector {
  const c = new ReportCollector(engine, o);
  for (let i = 0; i < pools.length; i += chunk) c.addPools(poolChunkOf(pools.slice(i, i + chunk)));
  return c;
}

/** ReportData as plain JSON (typed arrays as arrays), for deep comparison. */
function plain(d: ReportData): unknown {
  return JSON.parse(JSON.stringify(d, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v)));
}

describe('per-prompt summaries on the hand-made fixture', () => {
  const c = collect(POOLS, 100);
  const d = c.finish(META);
  const p = d.pools!;

  it('counts prompts, candidates, exclusions and skips', () => {
    expect(p.prompts).toBe(7);
    expect(p.candidates).toBe(47);
    expect(p.excludedNonFinite).toBe(1);
    expect(p.analysed).toBe(5);
    expect(p.skipped).toEqual({ no_spread: 1, insufficient_samples: 1 });
  });

  it('keeps a fixed-size summary per prompt: count, mu, sigma, min, max, z of min and sweet spot, flags', () => {
    const s = c.promptSummaries();
    expect(Array.from(s.promptIndex)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(s.count)).toEqual([20, 10, 5, 3, 3, 4, 1]);
    expect(s.mu[0]).toBeCloseTo(-0.025, 12);
    expect(s.sigma[0]).toBeCloseTo(1.5827, 4);
    expect([s.min[0], s.max[0]]).toEqual([-6, 1.6]);
    expect(s.zMin[0]).toBeCloseTo(-3.7752, 4);
    // Sweet-spot rejected of T1 is -1.8: z = (-1.8 + 0.025) / 1.5827 = -1.1215.
    expect(s.zSweet[0]).toBeCloseTo(-1.1215, 3);
    expect(s.sigma[1]).toBeCloseTo(0.207048, 6);
    expect(s.sigma[4]).toBeCloseTo(Math.sqrt(2 / 3), 12);
    expect(s.zMin[3]).toBeNaN();
    // Flags: 1 analysed, 2 sweet spot differs from min, 4 tied top. Prompt 0 differs; prompt 5 has a tied top.
    expect(Array.from(s.flags)).toEqual([3, 1, 1, 0, 1, 5, 0]);
  });

  it('finds where sweet spot and max-min differ, and how far below mu the minimum sits', () => {
    expect(p.sweetDiffersFromMin).toBe(1);
    expect(p.minBelow2Sigma).toBe(2);
    expect(p.zMinSummary.median).toBeCloseTo(-1.805743, 5);
    expect(p.zMinSummary.p25).toBeCloseTo(-2.12028, 4);
    expect(p.zMinSummary.p75).toBeCloseTo(-1.507557, 5);
    expect(p.topTies).toBe(1);
  });

  it('bins every analysed candidate z on the fixed grid (1/16 wide bins)', () => {
    const total = p.z.counts.reduce((a, b) => a + b, 0) + p.z.below + p.z.above + p.z.nonFinite;
    expect(total).toBe(20 + 10 + 5 + 3 + 4);
    // z(min) of T1 = -3.7752 lies in [-3.8125, -3.75): bin lo + k/16 with lo the first occupied bin.
    expect(p.z.lo).toBe(-3.8125);
    expect(p.z.counts[0]).toBe(1);
    // The 5 z(min) values on their own grid: -3.78, -2.12, -1.81, -1.51, -1.22.
    expect(p.zMin.counts.reduce((a, b) => a + b, 0)).toBe(5);
    expect(p.zMin.lo).toBe(-3.8125);
  });

  it('keeps sigma and the picks of the spec worked examples in the sample (T1: -1.8 not the -6.0 outlier)', () => {
    const t1 = p.sample.find((v) => v.promptIndex === 0)!;
    expect(t1.mu).toBeCloseTo(-0.025, 12);
    expect(t1.scores[t1.rejected]).toBe(-1.8);
    expect(t1.scores[t1.min]).toBe(-6.0);
    expect(t1.scores[t1.chosen]).toBe(1.6);
    expect(t1.label).toBe('Outlier <script>alert("x")</script> & "quotes"');
    const nan = p.sample.find((v) => v.promptIndex === 4)!;
    expect(nan.scores).toEqual([1, NaN, 0, 2]);
    expect(nan.rejected).toBe(2);
    expect(p.sample.map((v) => v.promptIndex)).toEqual([0, 1, 2, 4, 5]);
  });

  it('chosen rank, gaps, ties and low-quality chosen', () => {
    const q = d.pairs!;
    // Ranks [1, 1, 2, 1, 1]: four at rank 1, one at rank 2.
    expect(q.chosenRanks).toEqual([4, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    // Chosen [1.6, 0.9, 0.9, 2, 2], rejected [-1.8, 0.1, -1.2, 0, 2], gaps [3.4, 0.8, 2.1, 2, 0] (type-7 quartiles).
    const five = (m: Summary) => [m.count, m.min, m.p25, m.median, m.p75, m.max];
    expect(five(q.chosenSummary)).toEqual([5, 0.9, 0.9, 1.6, 2, 2]);
    expect(five(q.rejectedSummary)).toEqual([5, -1.8, -1.2, 0, 0.1, 2]);
    five(q.gapSummary).forEach((v, i) => expect(v).toBeCloseTo([5, 0, 0.8, 2, 2.1, 3.4][i]!, 12));
    for (const h of [q.chosenHist!, q.rejectedHist!, q.gapHist!]) expect(h.counts[0]!.reduce((a, b) => a + b, 0) + h.below + h.above).toBe(5);
    expect(q.chosenGap.counts.reduce((a, b) => a + b, 0) + q.chosenGap.outside).toBe(5);
    expect(q.ties).toBe(1);
    // Median of all 46 finite candidate scores: 18 are below 0.5 and 6 equal it, so values 23 and 24 are 0.5.
    expect(p.medianScore).toBe(0.5);
    expect(p.medianExact).toBe(true);
    expect(q.lowChosen).toEqual({ threshold: 0.5, count: 0 });
    expect(q.gapSummary.median).toBe(2);
    expect(q.gapSummary.mean).toBeCloseTo(1.66, 12);
  });

  it('length statistics of the pairs with texts (fixture.ts: gaps 25, -9, 0)', () => {
    const l = d.lengths!.stats[0]!;
    expect(l.unit).toBe('characters');
    expect(l.pairs).toBe(3);
    expect([l.longer, l.shorter, l.equal]).toEqual([1, 1, 1]);
    expect([l.gap.min, l.gap.median, l.gap.max]).toEqual([-9, 0, 25]);
    expect(l.gapHist!.counts[0]!.reduce((a, b) => a + b, 0)).toBe(3);
    expect(l.chosen.median).toBe(5);
    expect(l.rejected.median).toBe(5);
    expect(l.pearson).toBeCloseTo(0.96501643, 7);
    expect(l.spearman).toBeCloseTo(1, 12);
    expect(d.lengths!.marginLabel).toBe('gap chosen − rejected [score]');
  });

  it('sample std (ddof 1) and another rejected position', () => {
    // T3 with ddof 1: sigma = 0.9783 (spec T3). mu - sigma = -0.598: nearest is -1.2 (0.602) before 0.3 (0.898).
    const r = collect([POOLS[2]!], 1, { std: 'sample', rejectedK: -1 });
    const s = r.promptSummaries();
    expect(s.sigma[0]).toBeCloseTo(0.9783, 4);
    expect(s.zSweet[0]).toBeCloseTo((-1.2 - 0.38) / 0.9783, 3);
  });
});

describe.each(ALL_BACKENDS)('the collector on the %s engine', (backend) => {
  it('gives the numbers of the JS reference', () => {
    const engine = engineFor(backend);
    const want = collect(POOLS, 3);
    const got = collect(POOLS, 3, {}, engine);
    const a = want.promptSummaries();
    const b = got.promptSummaries();
    for (const k of ['mu', 'sigma', 'zMin', 'zSweet'] as const) a[k].forEach((v, i) => (Number.isNaN(v) ? expect(b[k][i]).toBeNaN() : expect(b[k][i]).toBeCloseTo(v, 12)));
    expect(Array.from(b.flags)).toEqual(Array.from(a.flags));
    const dw = want.finish(META);
    const dg = got.finish(META);
    expect(dg.pools!.z).toEqual(dw.pools!.z);
    expect(dg.pairs!.chosenRanks).toEqual(dw.pairs!.chosenRanks);
    expect(dg.pairs!.gapSummary).toEqual(dw.pairs!.gapSummary);
    expect(dg.pairs!.gapHist).toEqual(dw.pairs!.gapHist);
  });
});

/** Random pools with texts (seeded): sizes 0..12, some non-finite scores, ties. */
function randomPools(n: number, seed: number): PromptPool[] {
  const r = mulberry32(seed);
  return Array.from({ length: n }, (_, g) => {
    const size = Math.floor(r() * 13);
    const scores = Array.from({ length: size }, () => (r() < 0.05 ? NaN : Math.round(r() * 40) / 4));
    return { promptIndex: g, prompt: `prompt ${g} ${'p'.repeat(g % 7)}`, scores, responses: scores.map((_, i) => `r${g}.${i} ${'x'.repeat(Math.floor(r() * 30))}`) };
  });
}

describe('chunking', () => {
  it('a chunked feed gives the same data as one big chunk (chunks of 1, 7 and 100)', () => {
    const pools = randomPools(600, 7);
    const one = plain(collect(pools, pools.length, { examples: 4 }).finish(META));
    for (const size of [1, 7, 100]) expect(plain(collect(pools, size, { examples: 4 }).finish(META))).toEqual(one);
  });

  it('pair rows joined to pools: the same at every chunk size', () => {
    const pools = randomPools(300, 3);
    const rows = pools.flatMap((p) => (p.scores.length >= 2 ? [{ promptIndex: p.promptIndex, chosenIndex: 0, rejectedIndex: 1, margin: 1, chosen: 'c', rejected: 'r', prompt: 'p' }] : []));
    const run = (size: number) => {
      const c = new ReportCollector(referenceKernels, { pairsFrom: 'rows' });
      for (let i = 0; i < rows.length; i += size) c.addPairs(pairColumnsOf(rows.slice(i, i + size)));
      for (let i = 0; i < pools.length; i += size) c.addPools(poolChunkOf(pools.slice(i, i + size)));
      return plain(c.finish(META));
    };
    const one = run(10_000);
    expect(run(1)).toEqual(one);
    expect(run(13)).toEqual(one);
  });
});

describe('pair rows and pools', () => {
  // Prompt 0: row (19, 0) = (1.6, -6.0): gap 7.6, rank 1. Prompt 2: (4, 1) = (1.4, 0.3): gap 1.1.
  // Prompt 9 does not exist; prompt 1's row names candidate 99 (out of range): 2 unmatched.
  const rows = [
    { promptIndex: 0, chosenIndex: 19, rejectedIndex: 0 },
    { promptIndex: 2, chosenIndex: 4, rejectedIndex: 1 },
    { promptIndex: 9, chosenIndex: 0, rejectedIndex: 1 },
    { promptIndex: 1, chosenIndex: 99, rejectedIndex: 1 },
  ];

  it('joins rows added before the pools and notes the ones that name no candidate', () => {
    const pools = POOLS.map(({ chosen: _c, rejected: _r, ...p }) => p);
    const d = buildReportData({ pools, pairRows: rows }, { ...META, engine: referenceKernels });
    expect(d.pairs!.pairs).toBe(2);
    expect(d.pairs!.gapSummary.max).toBeCloseTo(7.6, 12);
    expect(d.pairs!.gapSummary.min).toBeCloseTo(1.1, 12);
    expect(d.pairs!.chosenRanks).toEqual([2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(d.notes![0]).toMatch(/^2 of 4 pair rows name no candidate/);
    // The pool statistics cover every prompt; only prompts with a joined row are marked in the small multiples.
    expect(d.pools!.analysed).toBe(5);
    const p0 = d.pools!.sample.find((v) => v.promptIndex === 0)!;
    expect(p0.scores[p0.rejected]).toBe(-6.0);
    expect(d.pools!.sample.find((v) => v.promptIndex === 1)!.chosen).toBe(-1);
  });

  it('refuses rows after pools in pools mode, and rows before pools without pairsFrom rows', () => {
    const c = new ReportCollector(referenceKernels);
    c.addPools(poolChunkOf([POOLS[0]!]));
    expect(() => c.addPairs(pairColumnsOf(rows))).toThrow(/pairsFrom: 'rows'/);
    const d = new ReportCollector(referenceKernels);
    d.addPairs(pairColumnsOf(rows));
    expect(() => d.addPools(poolChunkOf([POOLS[0]!]))).toThrow(/pairsFrom: 'rows'/);
  });

  it('needs an engine and checks the CSR layout', () => {
    expect(() => new ReportCollector(undefined as never)).toThrow(TypeError);
    const c = new ReportCollector(referenceKernels);
    expect(() => c.addPools({ promptIndex: [0], offsets: Int32Array.of(0, 3), scores: new Float64Array(2) })).toThrow(RangeError);
    expect(() => c.addPools({ promptIndex: [0, 1], offsets: Int32Array.of(0, 2), scores: new Float64Array(2) })).toThrow(RangeError);
  });
});

describe('bounded example capture', () => {
  it('keeps the top and bottom k by margin and the sweet-spot prompts, texts cut to the cap', () => {
    const d = buildReportData({ pools: POOLS }, { ...META, engine: referenceKernels, examples: 2, textCap: 5 });
    const [high, low, sweet] = d.examples!.buckets;
    // Gaps by prompt: 0: 3.4, 1: 0.8, 2: 2.1, 4: 2, 5: 0.
    expect(high!.rows.map((r) => r.promptIndex)).toEqual([0, 2]);
    expect(low!.rows.map((r) => r.promptIndex)).toEqual([5, 1]);
    expect(sweet!.id).toBe('sweet');
    expect(sweet!.rows.map((r) => r.promptIndex)).toEqual([0]);
    // z(sweet) - z(min) = -1.1215 + 3.7752 = 2.6537; chosen 1.6, sweet-spot rejected -1.8, minimum -6.
    expect(sweet!.rows[0]!.key).toBeCloseTo(2.6537, 3);
    expect([sweet!.rows[0]!.chosenScore, sweet!.rows[0]!.rejectedScore, sweet!.rows[0]!.minScore]).toEqual([1.6, -1.8, -6]);
    // Texts: the chosen of prompt 0 is 27 characters of markup, cut to 5.
    expect(high!.rows[0]!.chosen).toEqual({ text: '<scri', chars: 27, truncated: true });
    expect(sweet!.rows[0]!.min).toEqual({ text: 'a', chars: 1, truncated: false });
  });

  it('calls the text accessor only for offers it keeps', () => {
    const pools = randomPools(2000, 11);
    const c = collect(pools, 50, { examples: 3 });
    // 3 tables of 3; an offer enters only while it beats the kept ones, so calls stay far below the 2000 prompts.
    expect(c.examples.textCalls).toBeLessThan(200);
    const d = c.finish(META);
    for (const b of d.examples!.buckets) expect(b.rows.length).toBeLessThanOrEqual(3);
  });

  it('lists the first 50 rejected records and counts all', () => {
    const c = new ReportCollector(referenceKernels);
    const rej = Array.from({ length: 120 }, (_, i) => ({ file: 'f', line: i + 1, field: null, reason: 'malformed_json', detail: 'x'.repeat(1000) }));
    c.addRejects(rej.slice(0, 70));
    c.addRejects(rej.slice(70));
    const d = c.finish(META);
    expect(d.rejects!.total).toBe(120);
    expect(d.rejects!.shown).toHaveLength(50);
    expect(d.rejects!.shown[49]!.line).toBe(50);
    expect(d.rejects!.shown[0]!.detail).toHaveLength(300);
  });

  it('counts characters as code points', () => {
    expect(charCount('a😀b')).toBe(3);
    expect(charCount('')).toBe(0);
    expect(charCount('\uD800')).toBe(1);
  });
});

describe('memory bounds', () => {
  it('1e5 prompts of 8 candidates: fixed-size samples, a few numbers per prompt and pair, bounded page', () => {
    const before = liveBytes();
    const c = new ReportCollector(engineFor('wasm-simd'), { scoreSample: 4096 });
    const r = mulberry32(5);
    let promptCalls = 0;
    const G = 1000;
    for (let chunk = 0; chunk < 100; chunk++) {
      const scores = new Float64Array(G * 8);
      for (let i = 0; i < scores.length; i++) scores[i] = r() * 10;
      const offsets = Int32Array.from({ length: G + 1 }, (_, g) => g * 8);
      const promptIndex = Int32Array.from({ length: G }, (_, g) => chunk * G + g);
      c.addPools({
        promptIndex,
        offsets,
        scores,
        text: {
          prompt: (g) => {
            promptCalls++;
            return `prompt ${promptIndex[g]}`;
          },
          response: (g, i) => `response ${g}.${i}`,
        },
      });
    }
    const d = c.finish(META);
    const retained = liveBytes() - before;
    expect(d.pools!.prompts).toBe(100_000);
    expect(d.pools!.sample).toHaveLength(12);
    expect(d.pools!.medianExact).toBe(false);
    expect(d.pools!.z.counts.length).toBeLessThanOrEqual(1024);
    // Texts fetched only for kept prompts: the 12-pool sample and the example tables (prompt text per admission).
    expect(promptCalls).toBeLessThan(2000);
    // Per prompt 9 numbers (57 bytes), per own pair up to 12 (~70 bytes); columns grow by doubling.
    expect(c.columnBytes()).toBeLessThan(100_000 * 2 * 130);
    expect(retained).toBeLessThan(60e6);
    const html = renderReport(d);
    expect(html.length).toBeLessThan(3e6);
  });
});
