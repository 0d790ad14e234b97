// buildReportData from pairs-file rows: selection margins with the kept threshold (the ranked margin as resolved,
// never `auto`), routing counts. Expected values are worked out by hand in the comments. (Rows joined to pools:
// collector.test.ts.)
import { describe, expect, it } from 'vitest';
import { buildReportData, renderReport, type PairRowInput } from '../../src/report/index.js';
import { referenceKernels } from '../../src/reference/index.js';
import { checkMarkup } from '../helpers/markup.js';

const OPTS = { sources: ['pairs.jsonl'], generatedAt: '2026-01-01T00:00:00Z', scoreLabel: 'score', engine: referenceKernels };

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
    expect(d.pairs!.chosenRanks).toBeUndefined();
    expect(d.lengths).toBeUndefined();
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
    // Kept implicit margins 5 and 3: the kept series counts them, in the bins that hold 5 and 3.
    const h = imp!.hist;
    const bin = (v: number) => Math.min(h.bins - 1, Math.floor(v / h.step - h.i0));
    expect(h.counts[1]!.reduce((a, b) => a + b, 0)).toBe(2);
    expect(h.counts[1]![bin(5)]).toBeGreaterThanOrEqual(1);
    expect(h.counts[1]![bin(3)]).toBeGreaterThanOrEqual(1);
    expect(imp!.kept).toBe(2);
    expect(d.selection!.margins).toHaveLength(2);
    expect(d.selection!.rule).toBe('Selection kept 2 of 4 pairs, ranked by the external margin.');
  });

  it('routing: 2 DPO, 2 SFT of which 1 tie', () => {
    expect(d.routing).toEqual({ dpo: 2, sft: 2, sftTies: 1, threshold: undefined });
  });

  it('routing counts given by the caller win over the route column', () => {
    expect(buildReportData({ pairRows: ROWS }, { ...OPTS, routing: { dpo: 9, sft: 1, threshold: 0.2 } }).routing).toEqual({ dpo: 9, sft: 1, threshold: 0.2 });
  });

  it('a fused selection score that is neither margin is shown as its own series with the threshold', () => {
    const rows = ROWS.map((r, i) => ({ ...r, selectionScore: [0.97, 0.2, 0.4, 0.9][i]! }));
    const s = buildReportData({ pairRows: rows }, { ...OPTS, selectionBy: 'bees' }).selection!;
    const fused = s.margins.find((m) => m.key === 'fused')!;
    expect(fused.threshold).toBe(0.9);
    expect(fused.label).toBe('Fused (BeeS)');
    expect(s.margins.find((m) => m.key === 'external')!.threshold).toBeUndefined();
  });

  it('--by auto is never shown as a ranking: the fused (BeeS) chart is drawn from the selection score (issue #16)', () => {
    const rows = ROWS.map((r, i) => ({ ...r, selectionScore: [0.97, 0.2, 0.4, 0.9][i]! }));
    for (const by of ['auto', undefined]) {
      const s = buildReportData({ pairRows: rows }, { ...OPTS, selectionBy: by }).selection!;
      expect(s.by).toBe('fused');
      expect(s.margins.map((m) => m.key)).toEqual(['external', 'implicit', 'fused']);
      expect(s.rule).toBe('Selection kept 2 of 4 pairs, ranked by the fused margin.');
      expect(renderReport(buildReportData({ pairRows: rows }, { ...OPTS, selectionBy: by }))).not.toMatch(/auto margin/);
    }
    // Ranked by the external margin: the selection score differs from it, so the fused chart is still drawn.
    const e = buildReportData({ pairRows: rows }, { ...OPTS, selectionBy: 'external' }).selection!;
    expect(e.by).toBe('external');
    expect(e.margins.find((m) => m.key === 'external')!.threshold).toBe(0.8);
    expect(e.margins.map((m) => m.key)).toContain('fused');
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

  it('with texts: length statistics without a margin correlation, and the first pairs as examples', () => {
    const rows = [
      { prompt: 'q1', chosen: 'a longer answer', rejected: 'no' },
      { prompt: 'q2', chosen: 'ok', rejected: 'ok' },
      { prompt: 'q3 <i>', chosen: 'yes', rejected: 'maybe' },
    ];
    const d = buildReportData({ pairRows: rows }, { ...OPTS, examples: 2 });
    // Lengths 15 vs 2, 2 vs 2, 3 vs 5: longer 1, equal 1, shorter 1.
    const l = d.lengths!.stats[0]!;
    expect([l.longer, l.equal, l.shorter, l.corrPairs]).toEqual([1, 1, 1, 0]);
    expect(l.pearson).toBeNull();
    const b = d.examples!.buckets;
    expect(b.map((x) => x.id)).toEqual(['first']);
    expect(b[0]!.rows.map((r) => r.prompt.text)).toEqual(['q1', 'q2']);
    const html = renderReport(d);
    expect(checkMarkup(html).errors).toEqual([]);
    expect(html).toContain('The pairs have no margin or scores, so there is no correlation with the margin.');
    expect(html).toContain('<h3 id="examples-first">Pairs without a margin</h3>');
    expect(html.match(/class="chart"/g)).toHaveLength(1);
  });
});
