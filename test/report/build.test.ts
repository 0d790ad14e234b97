// buildReportData from pairs-file rows (with and without candidate pools): joins, selection margins with the
// kept threshold, routing counts. Expected values are worked out by hand in the comments.
import { describe, expect, it } from 'vitest';
import { buildReportData, renderReport, type PairRowInput } from '../../src/report/index.js';
import { checkMarkup } from '../helpers/markup.js';
import { POOLS } from './fixture.js';

const OPTS = { sources: ['pairs.jsonl'], generatedAt: '2026-01-01T00:00:00Z', scoreLabel: 'score' };

// A `select --by external` + `route` output: selection_score equals margin, so the key is inferred as external.
const ROWS: PairRowInput[] = [
  { scoreChosen: 0.9, scoreRejected: 0.1, margin: 0.8, implicitMargin: 5, selectionScore: 0.8, selected: 1, route: 'dpo' },
  { scoreChosen: 0.7, scoreRejected: 0.6, margin: 0.1, implicitMargin: -2, selectionScore: 0.1, selected: 0, route: 'sft' },
  { scoreChosen: 0.5, scoreRejected: 0.5, margin: 0, implicitMargin: 1, selectionScore: 0, selected: 0, route: 'sft' },
  { scoreChosen: 1.0, scoreRejected: 0.2, margin: 0.8, implicitMargin: 3, selectionScore: 0.8, selected: 2, route: 'dpo' },
];

describe('buildReportData from pair rows only', () => {
  const d = buildReportData({ pairRows: ROWS }, OPTS);

  it('pairs, ties, no pool section', () => {
    expect(d.pools).toBeUndefined();
    expect(d.pairs!.pairs).toBe(4);
    expect(d.pairs!.ties).toBe(1);
    expect(d.pairs!.chosenRank).toBeUndefined();
    // Low-quality chosen: median of chosen and rejected [0.1, 0.2, 0.5, 0.5, 0.6, 0.7, 0.9, 1.0] = 0.55;
    // one chosen (0.5) is below it.
    expect(d.pairs!.lowChosen!.threshold).toBeCloseTo(0.55, 12);
    expect(d.pairs!.lowChosen!.count).toBe(1);
  });

  it('selection: external margin with threshold 0.8 (min kept), 2 of 4 kept; implicit shows the kept values only', () => {
    const [ext, imp] = d.selection!.margins;
    expect(ext!.key).toBe('external');
    expect(ext!.threshold).toBe(0.8);
    expect(ext!.kept).toBe(2);
    expect(imp!.key).toBe('implicit');
    expect(imp!.threshold).toBeUndefined();
    expect(imp!.keptValues).toEqual([5, 3]);
    expect(d.selection!.margins).toHaveLength(2);
    expect(d.selection!.rule).toBe('Selection kept 2 of 4 pairs, ranked by the external margin.');
  });

  it('routing: 2 DPO, 2 SFT of which 1 tie', () => {
    expect(d.routing).toEqual({ dpo: 2, sft: 2, sftTies: 1, threshold: undefined });
  });

  it('routing counts given by the caller win over the route column', () => {
    expect(buildReportData({ pairRows: ROWS, routing: { dpo: 9, sft: 1, threshold: 0.2 } }, OPTS).routing).toEqual({ dpo: 9, sft: 1, threshold: 0.2 });
  });

  it('a fused selection score that is neither margin is shown as its own series with the threshold', () => {
    const rows = ROWS.map((r, i) => ({ ...r, selectionScore: [0.97, 0.2, 0.4, 0.9][i]! }));
    const s = buildReportData({ pairRows: rows, selectionBy: 'bees' }, OPTS).selection!;
    const fused = s.margins.find((m) => m.key === 'fused')!;
    expect(fused.threshold).toBe(0.9);
    expect(s.margins.find((m) => m.key === 'external')!.threshold).toBeUndefined();
  });

  it('renders well-formed with the selection and routing numbers', () => {
    const html = renderReport(d);
    expect(checkMarkup(html).errors).toEqual([]);
    expect(html).toContain('Kept: <b>2 of 4</b> (50%)');
    expect(html).toContain('<b>2 of 4 pairs went to SFT</b>, of which 1 is an exact tie');
    expect(html).toContain('The input has no candidate pools');
  });
});

describe('pairs without scores (hh-rlhf)', () => {
  it('say so instead of drawing empty charts', () => {
    const d = buildReportData({ pairRows: [{}, {}] }, OPTS);
    expect(d.pairs!.pairs).toBe(0);
    expect(d.notes).toEqual(['2 of 2 pairs have no finite score_chosen/score_rejected and are left out of the score statistics.']);
    const html = renderReport(d);
    expect(checkMarkup(html).errors).toEqual([]);
    expect(html).toContain('No pair has a finite chosen and rejected score');
    expect(html).not.toContain('class="chart"');
  });
});

describe('buildReportData with pools and a pairs file', () => {
  // Prompt 0: max-min pair (index 19 = 1.6, index 0 = -6.0): gap 7.6, rank 1.
  // Prompt 2: chosen index 4 (1.4, rank 1), rejected index 1 (0.3): gap 1.1.
  // Prompt 9 does not exist: unmatched.
  const rows: PairRowInput[] = [
    { promptIndex: 0, chosenIndex: 19, rejectedIndex: 0 },
    { promptIndex: 2, chosenIndex: 4, rejectedIndex: 1 },
    { promptIndex: 9, chosenIndex: 0, rejectedIndex: 1 },
  ];
  const d = buildReportData({ pools: POOLS, pairRows: rows }, OPTS);

  it('takes chosen/rejected from the rows and notes unmatched ones', () => {
    expect(d.pairs!.pairs).toBe(2);
    expect(d.pairs!.gap[0]).toBeCloseTo(7.6, 12);
    expect(d.pairs!.gap[1]).toBeCloseTo(1.1, 12);
    expect(d.pairs!.chosenRank).toEqual([1, 1]);
    expect(d.notes![0]).toMatch(/^1 of 3 pair rows name no candidate/);
  });

  it('keeps the pool statistics of every prompt and marks only the paired prompts in the small multiples', () => {
    expect(d.pools!.analysed).toBe(5);
    expect(d.pools!.sweetDiffersFromMin).toBe(1);
    const p0 = d.pools!.sample.find((v) => v.promptIndex === 0)!;
    expect(p0.scores[p0.rejected]).toBe(-6.0);
    const p1 = d.pools!.sample.find((v) => v.promptIndex === 1)!;
    expect(p1.chosen).toBe(-1);
  });
});
