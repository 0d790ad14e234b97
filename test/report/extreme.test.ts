// The whole report with extreme values (issue #12: the largest double made the binning return n: Infinity and
// killed the process): max doubles, spans from -max to +max, subnormals, 1e-170 spreads, non-finite scores and
// gaps that overflow. The page is built on every backend, is well-formed, has only finite coordinates and a
// bounded number of elements, and says on the page what was extreme.
import { describe, expect, it } from 'vitest';
import { buildReportData, renderReport, type PromptPool } from '../../src/report/index.js';
import { ALL_BACKENDS, engineFor } from '../helpers/engines.js';
import { checkMarkup } from '../helpers/markup.js';

const MAX = Number.MAX_VALUE;
const MIN = Number.MIN_VALUE;
const META = { sources: ['extreme.jsonl'], generatedAt: '2026-01-01T00:00:00Z', scoreLabel: 'score' };

const POOLS: PromptPool[] = [
  // The record of issue #12.
  { promptIndex: 0, prompt: 'p', scores: [MAX, 1], responses: ['a', 'b'] },
  { promptIndex: 1, prompt: 'both ends', scores: [-MAX, MAX, 0], responses: ['x', 'y', 'z'] },
  { promptIndex: 2, prompt: 'twice max', scores: [MAX, MAX, 1, -1] },
  // Distinct scores whose sigma used to underflow to 0 in the group kernel (now rescaled there: analysed).
  { promptIndex: 3, prompt: 'subnormal', scores: [MIN, 2 * MIN, 3 * MIN] },
  { promptIndex: 4, prompt: 'tiny spread', scores: [1e-170, 2e-170, 3e-170] },
  { promptIndex: 5, prompt: 'large', scores: [1e300, -1e300, 0, 5e299] },
  { promptIndex: 6, prompt: 'non-finite', scores: [NaN, Infinity, -Infinity, 1, 2] },
  { promptIndex: 7, prompt: 'ordinary', scores: [0.1, 0.5, 0.9, 0.3] },
];

/** Attribute values that are not finite numbers (NaN, Infinity) anywhere in the markup. */
function nonFiniteAttributes(html: string): string[] {
  return [...html.matchAll(/ [a-z-]+="[^"]*(?:NaN|Infinity)[^"]*"/g)].map((m) => m[0]);
}

describe.each(ALL_BACKENDS)('a report of extreme values on %s', (backend) => {
  const engine = engineFor(backend);

  it('candidate pools: builds, renders well-formed with finite coordinates, and notes what was extreme', () => {
    const d = buildReportData({ pools: POOLS }, { ...META, engine });
    const p = d.pools!;
    expect(p.prompts).toBe(8);
    // groupStats rescales tiny spreads (issue #12), so the subnormal and 1e-170 pools are analysed, not spread_underflow
    expect(p.skipped.spread_underflow).toBeUndefined();
    expect(p.analysed).toBe(7);
    // Every analysed z is finite (x - mu overflows for -max vs +max: computed in halves).
    expect(p.z.nonFinite).toBe(0);
    for (const c of p.z.counts) expect(Number.isFinite(c)).toBe(true);
    // The pool: mu = sigma = max/2 (rescaled in groupStats): z = +1 and -1.
    const html = renderReport(d);
    expect(checkMarkup(html).errors).toEqual([]);
    expect(nonFiniteAttributes(html)).toEqual([]);
    expect(html.match(/<rect /g)!.length).toBeLessThan(3000);
    expect(html).toContain('scores have a magnitude of 1e300 or more (largest 1.8e308)');
    expect(html).not.toContain('σ underflows to 0');
    expect(html).toContain('3 scores are subnormal');
  });

  it('pairs whose gap overflows: counted, noted, left out of the gap statistics', () => {
    const rows = [
      { scoreChosen: MAX, scoreRejected: -MAX, chosen: 'c', rejected: 'r', prompt: 'p' },
      { scoreChosen: MAX, scoreRejected: 1 },
      { scoreChosen: 5e-324, scoreRejected: 0 },
      { scoreChosen: 2, scoreRejected: 1, margin: Infinity },
    ];
    const d = buildReportData({ pairRows: rows }, { ...META, engine });
    const q = d.pairs!;
    expect(q.pairs).toBe(4);
    expect(q.gapOverflow).toBe(1);
    expect(q.gapSummary.count).toBe(3);
    expect(q.gapSummary.max).toBe(MAX - 1);
    expect(q.chosenSummary.mean).toBeGreaterThan(0);
    expect(Number.isFinite(q.chosenSummary.mean)).toBe(true);
    const ext = d.selection!.margins.find((m) => m.key === 'external')!;
    // The margin column wins where finite, else the score gap: row 0's overflows (missing); row 3 falls back to 1.
    expect(ext.missing).toBe(1);
    const html = renderReport(d);
    expect(checkMarkup(html).errors).toEqual([]);
    expect(nonFiniteAttributes(html)).toEqual([]);
    expect(html).toContain('1 pairs have a gap chosen − rejected beyond the largest double (±∞)');
  });
});
