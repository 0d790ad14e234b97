// The report collector's state and its merge (src/report/state.ts): typed columns kept bit for bit (base64 against
// the RFC 4648 vectors), the JSON Lines form, bottom-k samples that merge exactly, and the property the sharded
// curate report rests on: the collectors of consecutive parts of an input, merged in order from their states,
// give the page of one collector fed the whole input, for any split points and any chunking of either side.
// Seeds are reproducible: FC_SEED=<n> replays a run.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pairColumnsOf, poolChunkOf, renderReport, ReportCollector, type CollectorOptions, type PairRowInput, type PromptPool, type RejectInfo } from '../../src/report/index.js';
import { BottomK, itemKey, itemTie } from '../../src/report/sample.js';
import { decodeColumn, encodeColumn, stateLines, stateOfLines } from '../../src/report/state.js';
import { referenceKernels } from '../../src/reference/index.js';

const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 20261202;
const META = { sources: ['in.jsonl'], generatedAt: '2026-12-02T00:00:00.000Z', scoreLabel: 'score', selectionBy: 'external' };

describe('typed columns as text', () => {
  it('base64 of the RFC 4648 test vectors', () => {
    const enc = new TextEncoder();
    const vectors: [string, string][] = [['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foob', 'Zm9vYg=='], ['fooba', 'Zm9vYmE='], ['foobar', 'Zm9vYmFy']];
    for (const [text, b64] of vectors) {
      const c = encodeColumn(enc.encode(text));
      expect(c).toEqual({ type: 'u8', data: b64 });
      expect(new TextDecoder().decode(decodeColumn(c, text.length))).toBe(text);
    }
  });

  it('every f64 bit pattern (NaN payloads, -0, subnormals, infinities) and i32 value comes back bit for bit', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 * 40 }), (raw) => {
        const bytes = raw.slice(0, raw.length - (raw.length % 8));
        const f = new Float64Array(bytes.buffer, 0, bytes.length / 8);
        const back = decodeColumn(encodeColumn(f), f.length);
        expect(back).toBeInstanceOf(Float64Array);
        expect(Array.from(new Uint8Array(back.buffer, back.byteOffset, back.byteLength))).toEqual(Array.from(bytes));
        const i = new Int32Array(bytes.buffer, 0, bytes.length / 4);
        expect(Array.from(decodeColumn(encodeColumn(i), i.length))).toEqual(Array.from(i));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('refuses a column of another length or not base64', () => {
    const c = encodeColumn(Float64Array.of(1, 2));
    expect(() => decodeColumn(c, 3)).toThrow(RangeError);
    expect(() => decodeColumn({ type: 'f64', data: 'AAAA*AAA' }, 0)).toThrow(RangeError);
  });
});

describe('bottom-k samples', () => {
  it('two samples merged (entries offered) keep what one sample offered everything keeps, keys colliding', () => {
    // Keys from a small range collide often; (key, tie) pairs are distinct, as the collector's are.
    const offers = fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 1000 })), { selector: ([k, t]) => `${k}/${t}`, maxLength: 60 });
    fc.assert(
      fc.property(offers, fc.nat(), fc.integer({ min: 0, max: 12 }), (items, cut, k) => {
        const at = items.length === 0 ? 0 : cut % (items.length + 1);
        const all = new BottomK<string>(k);
        const a = new BottomK<string>(k);
        const b = new BottomK<string>(k);
        items.forEach(([key, tie], i) => {
          all.offer(key, () => `${key}/${tie}`, tie);
          (i < at ? a : b).offer(key, () => `${key}/${tie}`, tie);
        });
        const merged = new BottomK<string>(k);
        for (const s of [b, a]) for (const e of s.entries()) merged.offer(e.key, () => e.item, e.tie);
        expect(merged.sorted()).toEqual(all.sorted());
        // The k smallest (key, tie), worked out by sorting.
        const want = [...items].sort((x, y) => x[0] - y[0] || x[1] - y[1]).slice(0, k).map(([x, y]) => `${x}/${y}`);
        expect(all.sorted()).toEqual(want);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('candidate keys order by (hash, prompt, place): distinct for distinct candidates', () => {
    const seen = new Set<string>();
    for (const p of [0, 1, 1023, 1024, 1025, 2 ** 31 - 1]) {
      for (const j of [0, 1, 2 ** 22, 2 ** 32 - 1]) {
        const k = itemKey(p, j);
        const t = itemTie(p, j);
        expect(Number.isSafeInteger(k) && Number.isSafeInteger(t)).toBe(true);
        seen.add(`${k}/${t}`);
      }
    }
    expect(seen.size).toBe(24);
  });
});

/** One prompt of the generated input: its pool, the pair rows naming it (curate's), a few rejects. */
interface Unit {
  pool: PromptPool;
  rows: PairRowInput[];
  rejects: RejectInfo[];
}

const score = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: -8, max: 8 }).map((i) => i / 4) },
  { weight: 3, arbitrary: fc.double({ min: -50, max: 50, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, 0.5) },
);

const unitsArb = fc
  .array(
    fc.record({
      scores: fc.array(score, { maxLength: 9 }),
      tokens: fc.boolean(),
      rows: fc.array(fc.tuple(fc.integer({ min: -1, max: 9 }), fc.integer({ min: -1, max: 9 })), { maxLength: 2 }),
      rejected: fc.integer({ min: 0, max: 3 }),
      text: fc.string({ maxLength: 12 }),
    }),
    { maxLength: 40 },
  )
  .map((xs) =>
    xs.map((x, g): Unit => ({
      pool: {
        promptIndex: g,
        prompt: `prompt ${g} ${x.text}`,
        scores: x.scores,
        responses: x.scores.map((_, i) => `response ${g}.${i} ${x.text.repeat(i % 3)}`),
        ...(x.tokens ? { tokens: x.scores.map((_, i) => 3 + i) } : {}),
      },
      // Rows name candidates in and out of range (out of range: not joined), with texts and a margin.
      rows: x.rows.map(([c, r]) => ({ promptIndex: g, chosenIndex: c, rejectedIndex: r, margin: c - r, prompt: `prompt ${g}`, chosen: `c${c}`, rejected: `r${r}` })),
      rejects: Array.from({ length: x.rejected }, (_, i) => ({ file: 'in.jsonl', line: 100 * g + i, field: null, reason: 'malformed_json', detail: `record ${g}.${i}` })),
    })),
  );

/** Feeds units to a collector in chunks of the given sizes (cycled): each chunk's rows, then its pools, then its rejects. */
function feed(c: ReportCollector, units: readonly Unit[], sizes: readonly number[], mode: 'rows' | 'pools'): void {
  let k = 0;
  for (let i = 0; i < units.length; ) {
    const chunk = units.slice(i, i + sizes[k++ % sizes.length]!);
    i += chunk.length;
    const rows = chunk.flatMap((u) => u.rows);
    if (mode === 'rows' && rows.length > 0) c.addPairs(pairColumnsOf(rows));
    c.addPools(poolChunkOf(chunk.map((u) => u.pool)));
    const rejects = chunk.flatMap((u) => u.rejects);
    if (rejects.length > 0) c.addRejects(rejects);
  }
}

/** A selection decided after the input (as curate's): margins, scores and ranks for every pair row. */
function select(c: ReportCollector): void {
  const n = c.pairs.n;
  const margin = Float64Array.from({ length: n }, (_, i) => ((i * 7) % 5) - 2);
  c.setSelection({ length: n, margin, selectionScore: margin, selected: Int32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 + i : 0)) });
}

const OPTIONS: CollectorOptions = { scoreSample: 16, sampleSize: 3, examples: 2, textCap: 8, rejectList: 4 };

describe('merging collector states', () => {
  for (const mode of ['rows', 'pools'] as const) {
    it(`parts merged in order from their states (as JSON Lines) give the page of the whole (pairs from ${mode})`, () => {
      const sizes = fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 });
      fc.assert(
        fc.property(unitsArb, fc.array(fc.nat(), { maxLength: 4 }), sizes, sizes, (units, cuts, wholeSizes, partSizes) => {
          const o = { ...OPTIONS, pairsFrom: mode };
          const whole = new ReportCollector(referenceKernels, o);
          feed(whole, units, wholeSizes, mode);
          // Split points anywhere (parts may be empty), each part fed in its own chunks.
          const at = [0, ...cuts.map((x) => x % (units.length + 1)).sort((a, b) => a - b), units.length];
          const merged = new ReportCollector(referenceKernels, o);
          for (let p = 0; p + 1 < at.length; p++) {
            const part = new ReportCollector(referenceKernels, o);
            feed(part, units.slice(at[p], at[p + 1]), partSizes, mode);
            merged.merge(stateOfLines([...stateLines(part.state())].join('\n').split('\n')));
          }
          select(whole);
          select(merged);
          const a = whole.finish(META);
          const b = merged.finish(META);
          expect(b).toEqual(a);
          expect(renderReport(b)).toBe(renderReport(a));
        }),
        { seed: SEED, numRuns: 60 },
      );
    });
  }

  it('a state survives its JSON Lines form unchanged', () => {
    const c = new ReportCollector(referenceKernels, { ...OPTIONS, pairsFrom: 'rows' });
    const units = fc.sample(unitsArb, { seed: SEED, numRuns: 1 })[0]!;
    feed(c, units, [3], 'rows');
    const s = c.state();
    expect(stateOfLines(stateLines(s))).toEqual(JSON.parse(JSON.stringify(s)));
    expect(() => stateOfLines(['{"pairsmith_partial":1}'])).toThrow(/not a report state/);
    expect(() => stateOfLines([])).toThrow(/empty report state/);
  });

  it('refuses the state of a collector with other options', () => {
    const a = new ReportCollector(referenceKernels, { examples: 3 });
    const b = new ReportCollector(referenceKernels, { examples: 4 });
    expect(() => a.merge(b.state())).toThrow(/other options.*examples/);
  });
});
