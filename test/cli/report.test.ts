// `pairsmith report` end to end through run(argv, io): candidates, candidates + --pairs, a pairs file alone,
// the real AlpacaEval file (when present), atomic output and usage/input errors.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { fakeIo } from '../helpers/cli.js';
import { checkMarkup } from '../helpers/markup.js';

const M = '\u2212';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pairsmith-report-cli-'));
  const lines = [
    // T1 of spec selection.md 1.6 (N = 20): sweet spot -1.8 (index 1), minimum -6.0 (index 0).
    { prompt: 'p0 <b>', responses: Array.from({ length: 20 }, (_, i) => `r${i}`), scores: [-6.0, -1.8, -1.0, -0.6, -0.4, -0.2, 0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.3, 1.6] },
    // T2 (N = 10): sweet spot = minimum 0.10.
    { prompt: 'p1', responses: Array.from({ length: 10 }, (_, i) => `r${i}`), scores: [0.1, 0.35, 0.42, 0.5, 0.55, 0.58, 0.61, 0.66, 0.72, 0.9] },
    // All equal: no spread (a counted no-pair).
    { prompt: 'p2', responses: ['a', 'b', 'c'], scores: [0.5, 0.5, 0.5] },
  ];
  writeFileSync(join(dir, 'cands.jsonl'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\nnot json\n`);
  // A pairs file as `select` writes it: prompt 0 as a max-min pair (1.6 vs -6.0), prompt 1 (0.9 vs 0.1).
  const pairs = [
    { prompt: 'p0 <b>', chosen: 'r19', rejected: 'r0', score_chosen: 1.6, score_rejected: -6.0, margin: 7.6, prompt_index: 0, chosen_index: 19, rejected_index: 0, selection_score: 7.6, selected: 1 },
    { prompt: 'p1', chosen: 'r9', rejected: 'r0', score_chosen: 0.9, score_rejected: 0.1, margin: 0.8, prompt_index: 1, chosen_index: 9, rejected_index: 0, selection_score: 0.8, selected: 0 },
  ];
  writeFileSync(join(dir, 'pairs.jsonl'), `${pairs.map((l) => JSON.stringify(l)).join('\n')}\n`);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pairsmith report', () => {
  it('writes a well-formed report of a candidates file, counting the bad line and the flat prompt', async () => {
    const io = fakeIo({ cwd: dir });
    const code = await run(['report', 'cands.jsonl', '-o', 'out/report.html'], io);
    expect(io.err()).toMatch(/report: 2 of 3 prompts analysed, 2 pairs -> .*report\.html/);
    expect(code).toBe(0);
    const html = readFileSync(join(dir, 'out/report.html'), 'utf8');
    expect(checkMarkup(html).errors).toEqual([]);
    expect(html).toContain('different rejected candidates in 1 of 2 prompts (50%)');
    expect(html).toContain('p0 &lt;b&gt;');
    // Manifest: 4 records read, 1 rejected (malformed_json), 1 without a pair (no_spread).
    expect(html).toMatch(/<th scope="row">malformed_json<\/th><td><span class="num">1<\/span>/);
    expect(html).toMatch(/<th scope="row">no_spread<\/th><td><span class="num">1<\/span>/);
    expect(readdirSync(join(dir, 'out'))).toEqual(['report.html']);
  });

  it('lists the rejected line, shows example pairs with escaped texts and the length statistics', async () => {
    const io = fakeIo({ cwd: dir });
    expect(await run(['report', 'cands.jsonl', '-o', 'ex.html'], io)).toBe(0);
    const html = readFileSync(join(dir, 'ex.html'), 'utf8');
    expect(html).toContain('<b>1 input record was rejected.</b>');
    expect(html).toMatch(/<td>[^<]*cands\.jsonl<\/td><td class="num">4<\/td><td><span class="absent">record<\/span><\/td><td>malformed_json<\/td>/);
    // Own picks: prompt 0 (chosen r19, sweet-spot rejected r1; minimum r0), prompt 1 (r9 vs r0).
    expect(html).toContain('<h3 id="examples-sweet">Sweet spot ≠ minimum</h3>');
    expect(html).toMatch(/<td class="num">#0<\/td>[\s\S]*?<span class="text">p0 &lt;b&gt;<\/span><\/td><td><span class="text">r19<\/span><\/td><td><span class="text">r1<\/span><\/td><td><span class="text">r0<\/span>/);
    // Lengths: r19 vs r1 (3 vs 2 characters), r9 vs r0 (2 vs 2).
    expect(html).toContain('the <b>chosen is longer than the rejected in 1 of 2 pairs (50%)</b>, shorter in 0 (0%), equal in 1');
  });

  it('with --pairs marks the pairs of the file and shows the selection threshold', async () => {
    const io = fakeIo({ cwd: dir });
    expect(await run(['report', 'cands.jsonl', '--pairs', 'pairs.jsonl', '-o', 'r2.html'], io)).toBe(0);
    const html = readFileSync(join(dir, 'r2.html'), 'utf8');
    expect(checkMarkup(html).errors).toEqual([]);
    // Gaps 7.6 and 0.8 on the analysis scale; selection kept 1 of 2 by the external margin, threshold 7.6.
    expect(html).toContain('Selection kept 1 of 2 pairs, ranked by the external margin.');
    expect(html).toContain('Kept: <b>1 of 2</b> (50%)');
    expect(html).toContain('threshold 7.6');
    expect(html).toContain(`<title>rejected ${M}6</title>`);
  });

  it('--transform logit excludes scores outside [0, 1] and counts them', async () => {
    // Logits of [0.2, 0.5, 0.9]: the 1.5 is excluded as score_out_of_range; the pool keeps 3 finite scores.
    writeFileSync(join(dir, 'probs.jsonl'), `${JSON.stringify({ prompt: 'q', responses: ['a', 'b', 'c', 'd'], scores: [0.2, 0.5, 1.5, 0.9] })}\n`);
    const io = fakeIo({ cwd: dir });
    expect(await run(['report', 'probs.jsonl', '--transform', 'logit', '-o', 'probs.html'], io)).toBe(0);
    const html = readFileSync(join(dir, 'probs.html'), 'utf8');
    expect(html).toMatch(/<th scope="row">score_out_of_range<\/th><td><span class="num">1<\/span>/);
    expect(html).toContain('1 of 1 prompts analysed (4 candidates, 1 with a non-finite score left out)');
    // Chosen 0.9 in raw units, rejected: nearest mu - 2 sigma of the logits, here the minimum 0.2.
    expect(html).toMatch(/<th scope="row">chosen \(score\)<\/th><td class="num">1<\/td><td class="num">0\.9<\/td>/);
    expect(html).toMatch(/<th scope="row">rejected \(score\)<\/th><td class="num">1<\/td><td class="num">0\.2<\/td>/);
  });

  it('reads <pairs>.manifest.json: the ranked margin (bees -> fused) and the route threshold', async () => {
    const rows = [
      { prompt: 'a', chosen: 'x', rejected: 'y', score_chosen: 0.9, score_rejected: 0.1, margin: 0.8, selection_score: 0.97, selected: 1, route: 'dpo' },
      { prompt: 'b', chosen: 'x', rejected: 'y', score_chosen: 0.6, score_rejected: 0.5, margin: 0.1, selection_score: 0.4, selected: 0, route: 'sft' },
    ];
    writeFileSync(join(dir, 'routed.jsonl'), `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
    writeFileSync(join(dir, 'routed.jsonl.manifest.json'), JSON.stringify({ command: 'curate', parameters: { by: 'bees', route: { threshold: 0.5 } } }));
    const io = fakeIo({ cwd: dir });
    expect(await run(['report', 'routed.jsonl', '-o', 'routed.html'], io)).toBe(0);
    const html = readFileSync(join(dir, 'routed.html'), 'utf8');
    expect(html).toContain('Selection kept 1 of 2 pairs, ranked by the fused margin.');
    expect(html).toContain('threshold 0.97');
    expect(html).toContain('<b>1 of 2 pairs went to SFT</b> (margin below 0.5)');
    expect(html).toContain('<th scope="row">pairs_run</th>');
  });

  it('a curate output made with the default --by auto: the resolved ranking and the BeeS chart (issue #16)', async () => {
    let io = fakeIo({ cwd: dir });
    expect(await run(['curate', '-o', 'auto/out.jsonl'], io)).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'auto/out.jsonl.manifest.json'), 'utf8'));
    expect([m.parameters.by, m.report.selection.by]).toEqual(['auto', 'bees']);
    io = fakeIo({ cwd: dir });
    expect(await run(['report', 'auto/out.jsonl', '-o', 'auto/report.html'], io)).toBe(0);
    const html = readFileSync(join(dir, 'auto/report.html'), 'utf8');
    expect(checkMarkup(html).errors).toEqual([]);
    expect(html).toContain(`Selection kept ${m.report.selection.kept} of ${m.report.selection.kept} pairs, ranked by the fused margin.`);
    expect(html).toContain('<b>Fused (BeeS) margin.</b>');
    expect(html).not.toContain('auto margin');
  });

  it('the largest double (issue #12): exit 0, a finite page that notes it, for report and curate --report', async () => {
    writeFileSync(join(dir, 'max.jsonl'), '{"prompt":"p","responses":["a","b"],"scores":[1.7976931348623157e308,1]}\n');
    let io = fakeIo({ cwd: dir });
    expect(await run(['report', 'max.jsonl', '-o', 'max.html'], io)).toBe(0);
    const html = readFileSync(join(dir, 'max.html'), 'utf8');
    expect(checkMarkup(html).errors).toEqual([]);
    expect(html).toContain('1 scores have a magnitude of 1e300 or more (largest 1.8e308)');
    expect(html).not.toMatch(/="[^"]*(?:NaN|Infinity)/);
    io = fakeIo({ cwd: dir });
    expect(await run(['curate', 'max.jsonl', '-o', 'max/out.jsonl', '--report', 'max/report.html'], io)).toBe(0);
    expect(checkMarkup(readFileSync(join(dir, 'max/report.html'), 'utf8')).errors).toEqual([]);
  });

  it('a pairs file alone gives the pair statistics and says the pools are missing', async () => {
    const io = fakeIo({ cwd: dir });
    expect(await run(['report', 'pairs.jsonl', '-o', '-'], io)).toBe(0);
    expect(io.out()).toContain('The input has no candidate pools');
    expect(io.out()).toContain('<b>0 of 2 pairs are ties</b>');
  });

  it('reads stdin (-) and writes stdout (-)', async () => {
    const io = fakeIo({ cwd: dir, stdin: readFileSync(join(dir, 'cands.jsonl')) });
    expect(await run(['report', '-', '-o', '-'], io)).toBe(0);
    expect(io.out()).toContain('different rejected candidates in 1 of 2 prompts (50%)');
    expect(checkMarkup(io.out()).errors).toEqual([]);
  });

  it('usage and input errors: bad --sample, --rejected min (2), missing file (3), --pairs with a pairs input (2); no -o: the page on stdout', async () => {
    let io = fakeIo({ cwd: dir });
    expect(await run(['report', 'cands.jsonl'], io)).toBe(0);
    expect(io.out()).toMatch(/^<!doctype html>/i);
    io = fakeIo({ cwd: dir });
    expect(await run(['report', 'cands.jsonl', '-o', 'x.html', '--sample', '-1'], io)).toBe(2);
    expect(io.err()).toMatch(/--sample must be/);
    io = fakeIo({ cwd: dir });
    expect(await run(['report', 'cands.jsonl', '-o', 'x.html', '--rejected', 'min'], io)).toBe(2);
    expect(io.err()).toMatch(/--rejected must be mu\+k\*sigma/);
    io = fakeIo({ cwd: dir });
    expect(await run(['report', 'nope.jsonl', '-o', 'x.html'], io)).toBe(3);
    io = fakeIo({ cwd: dir });
    expect(await run(['report', 'pairs.jsonl', '--pairs', 'pairs.jsonl', '-o', 'x.html'], io)).toBe(2);
    expect(existsSync(join(dir, 'x.html'))).toBe(false);
  });
});

const ALPACA = join(import.meta.dirname, '../../../shared/data/alpaca_eval_multi.jsonl');
const haveAlpaca = existsSync(ALPACA);
if (!haveAlpaca) console.warn(`report on real data skipped: ${ALPACA} not found`);

describe.skipIf(!haveAlpaca)('pairsmith report on alpaca_eval_multi.jsonl', () => {
  it('analyses all 161 prompts with --transform logit', async () => {
    const io = fakeIo({ cwd: dir });
    const code = await run(['report', ALPACA, '--responses-field', 'responses', '--scores-field', 'scores', '--transform', 'logit', '-o', 'alpaca.html'], io);
    expect(code).toBe(0);
    const html = readFileSync(join(dir, 'alpaca.html'), 'utf8');
    expect(checkMarkup(html).errors).toEqual([]);
    expect(html).toContain('161 of 161 prompts analysed (9\u202F016 candidates)');
    expect(html.match(/class="chart panel"/g)).toHaveLength(12);
    // The logit clamp pile of the rejected scores (113 of 161 at logit(1e-6) = -13.8) is cut and labelled.
    expect(html).toContain(`▲ 113 at ${M}13.8 (clamp)`);
    expect(html).toMatch(/<h3 id="examples-high">Highest margin<\/h3>/);
  });
});
