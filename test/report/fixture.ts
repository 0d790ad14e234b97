// A small hand-made report fixture. Every expected number in the report tests is worked out by hand in the
// comments here (spec selection.md 1.6 worked tests T1-T3 and a few small pools).
import type { PromptPool, RejectInfo, ReportData } from '../../src/report/index.js';
import { binSeries, buildReportData } from '../../src/report/index.js';
import { chunksOf } from '../../src/numeric.js';
import { referenceKernels } from '../../src/reference/index.js';

export const POOLS: PromptPool[] = [
  // T1, N = 20: mu = -0.025, sigma = 1.5827; mu - 2 sigma = -3.19 -> -1.8 (index 1); min -6.0 (index 0): differ.
  // z(min) = (-6.0 + 0.025) / 1.5827 = -3.7752. Pair (1.6, -1.8), gap 3.4, chosen rank 1.
  {
    promptIndex: 0,
    prompt: 'Outlier <script>alert("x")</script> & "quotes"',
    scores: [-6.0, -1.8, -1.0, -0.6, -0.4, -0.2, 0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.3, 1.6],
    // Response i is i + 1 characters long, except the chosen (index 19): 27 characters of markup.
    responses: [...Array.from({ length: 19 }, (_, i) => 'a'.repeat(i + 1)), '<script>alert("x")</script>'],
  },
  // T2, N = 10: mu = 0.539, sigma = 0.207048; mu - 2 sigma = 0.1249 -> 0.10 = min (same pick).
  // z(min) = (0.10 - 0.539) / 0.207048 = -2.12028. Pair (0.90, 0.10), gap 0.8.
  // Response i is 10 - i characters long: chosen (index 9) 1, rejected (index 0) 10.
  { promptIndex: 1, prompt: 'T2', scores: [0.1, 0.35, 0.42, 0.5, 0.55, 0.58, 0.61, 0.66, 0.72, 0.9], responses: Array.from({ length: 10 }, (_, i) => 'b'.repeat(10 - i)) },
  // T3, N = 5: mu = 0.38, sigma = 0.875; mu - 2 sigma = -1.37 -> -1.2 = min.
  // Exactly: sum of squared deviations 3.828, sigma = sqrt(0.7656) = 0.874986, z(min) = -1.58 / 0.874986 = -1.805743.
  // Given pair: chosen = index 3 (0.9, rank 2: only 1.4 is higher), rejected = index 0 (-1.2), gap 2.1.
  // Every response 5 characters long.
  { promptIndex: 2, prompt: 'T3', scores: [-1.2, 0.3, 0.5, 0.9, 1.4], chosen: 3, rejected: 0, responses: Array.from({ length: 5 }, () => 'ccccc') },
  // All equal: sigma = 0 -> skipped (no_spread).
  { promptIndex: 3, prompt: 'flat', scores: [0.5, 0.5, 0.5] },
  // NaN excluded: finite [1, 0, 2] (original indices 0, 2, 3); mu = 1, sigma = sqrt(2/3) = 0.816497;
  // mu - 2 sigma = -0.633 -> 0 = min; z(min) = -1 / 0.816497 = -1.224745. Pair (2, 0), gap 2.
  { promptIndex: 4, prompt: 'with NaN', scores: [1, Number.NaN, 0, 2] },
  // Top tie: [2, 2, 0, 1]; mu = 1.25, sigma = sqrt(0.6875) = 0.829156; z(min) = -1.25 / 0.829156 = -1.507557.
  // Given rejected = index 1 (the other 2): chosen = index 0 by default, gap 0 -> a tie; chosen rank 1.
  { promptIndex: 5, prompt: 'tied top', scores: [2, 2, 0, 1], rejected: 1 },
  // One candidate: skipped (insufficient_samples).
  { promptIndex: 6, prompt: 'single', scores: [7] },
];
// Totals: 7 prompts, 20 + 10 + 5 + 3 + 4 + 4 + 1 = 47 candidates, 1 non-finite excluded, 5 analysed.
// Sweet spot differs from min in 1 of 5 (20%); min below mu - 2 sigma in 2 of 5 (40%: prompts 0 and 1).
// z(min) sorted: -3.7752, -2.12028, -1.805743, -1.507557, -1.224745 -> median -1.805743 ("−1.81"),
// p25 = -2.12028 ("−2.12"), p75 = -1.507557 ("−1.51") (linear interpolation, n = 5: exact order statistics).
// Chosen ranks [1, 1, 2, 1, 1]: best in 4 of 5 (80%). Gaps [3.4, 0.8, 2.1, 2, 0]: 1 tie, median 2, mean 1.66.
// Chosen [1.6, 0.9, 0.9, 2, 2]: median 1.6; rejected [-1.8, 0.1, -1.2, 0, 2]: median 0.

// Lengths (characters) of the pairs with both texts (prompts 0, 1, 2): chosen [27, 1, 5], rejected [2, 10, 5],
// gap [25, -9, 0]: chosen longer in 1, shorter in 1, equal in 1. Against the score gaps [3.4, 0.8, 2.1]: the
// ranks agree (Spearman 1); Pearson 0.965016 (numpy.corrcoef([25, -9, 0], [3.4, 0.8, 2.1])[0, 1]).

export const REJECTS: RejectInfo[] = [
  { file: 'fixture.jsonl', line: 9, field: 'scores', reason: 'wrong_type', detail: 'scores[1] is a string "<b>"' },
  { file: 'fixture.jsonl', line: 12, field: null, reason: 'malformed_json', detail: 'Unexpected token } in JSON' },
];

export function fixtureData(): ReportData {
  const d = buildReportData({ pools: POOLS, rejects: REJECTS }, { engine: referenceKernels, examples: 2, title: 'Fixture report', sources: ['fixture.jsonl'], generatedAt: '2026-01-01T00:00:00.000Z', scoreLabel: 'score' });
  return {
    ...d,
    selection: {
      rule: 'Kept the pairs with margin >= 2.05.',
      // Gaps [3.4, 0.8, 2.1, 2, 0] with threshold 2.05: kept 3.4 and 2.1 -> 2 of 5 (40%).
      margins: [{ key: 'external', label: 'External', unit: 'score gap', hist: binSeries([chunksOf([3.4, 0.8, 2.1, 2, 0])], [2.05])!, count: 5, threshold: 2.05, kept: 2, missing: 0 }],
    },
    // 3 of 10 pairs routed to SFT.
    routing: { dpo: 7, sft: 3, threshold: 0.5 },
    // A long unbroken value must wrap, not widen the page (the browser test checks for horizontal overflow).
    manifest: { records: { read: 7, rejected: 0 }, backend: 'js', parameters: { transform: 'none', note: '<b>not bold</b>', long: 'x'.repeat(400), deep: { a: { b: { c: { d: [1, 2] } } } } } },
  };
}
