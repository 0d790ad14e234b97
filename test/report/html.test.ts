// The rendered page: well-formed HTML with well-formed inline SVG, the expected sections and numbers for the
// hand-made fixture (values worked out in fixture.ts), escaping of every data string, no scripts or network.
import { describe, expect, it } from 'vitest';
import { barChart, histogram, renderReport, stripPlot } from '../../src/report/index.js';
import { fmt } from '../../src/report/format.js';
import { ticks } from '../../src/report/scale.js';
import { checkMarkup } from '../helpers/markup.js';
import { fixtureData } from './fixture.js';

const M = '\u2212';

describe('renderReport on the fixture', () => {
  const html = renderReport(fixtureData());

  it('is well-formed HTML, and every inline SVG is well-formed XML on its own', () => {
    const { errors, elements } = checkMarkup(html);
    expect(errors).toEqual([]);
    expect(elements.get('svg')).toBeGreaterThanOrEqual(10);
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g)!;
    for (const svg of svgs) expect(checkMarkup(svg, 'xml').errors).toEqual([]);
  });

  it('has every section, in order', () => {
    const ids = [...html.matchAll(/<section id="([a-z]+)">/g)].map((m) => m[1]);
    expect(ids).toEqual(['distributions', 'chosen', 'gaps', 'lengths', 'selection', 'examples', 'rejects', 'manifest']);
    expect(html).toContain('<title>Fixture report</title>');
  });

  it('states the hand-computed numbers', () => {
    expect(html).toContain('7 prompts');
    expect(html).toContain('5 of 7 prompts analysed (47 candidates, 1 with a non-finite score left out); skipped: 1 no spread, 1 insufficient samples');
    expect(html).toContain('different rejected candidates in 1 of 5 prompts (20%)');
    expect(html).toContain(`a median of <b>${M}1.81 σ</b> from μ (quartiles ${M}2.12 to ${M}1.51); in 2 prompts (40%) it lies below μ − 2σ`);
    expect(html).toContain('best candidate of its prompt in 4 of 5 pairs (80%)');
    expect(html).toContain('0 of 5 pairs (0%) have a low-quality chosen</b>, scoring below the median of all candidates (0.5)');
    expect(html).toContain('<b>1 of 5 pairs are ties</b>');
    expect(html).toContain('1 prompts have two or more candidates sharing the top score');
    expect(html).toContain('Kept: <b>2 of 5</b> (40%)');
    expect(html).toContain('<b>3 of 10 pairs went to SFT</b> (margin below 0.5)');
    // Table 5 row for the gap [3.4, 0.8, 2.1, 2, 0]: n 5, mean 1.66, std sqrt(6.832 / 5) = 1.169, min 0,
    // p25 0.8, median 2, p75 2.1, max 3.4.
    const cells = ['5', '1.66', '1.17', '0', '0.8', '2', '2.1', '3.4'].map((v) => `<td class="num">${v}</td>`).join('');
    expect(html).toContain(`<th scope="row">gap (score)</th>${cells}`);
    // The small multiples show all 5 analysed prompts.
    expect(html.match(/class="chart panel"/g)).toHaveLength(5);
  });

  it('escapes data text and loads nothing: no scripts, no external URLs', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)');
    // The chosen response of prompt 0 is markup: in the example table it is text.
    expect(html).toContain('<span class="text">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</span>');
    expect(html).toContain('&lt;b&gt;not bold&lt;/b&gt;');
    const urls = [...html.matchAll(/(?:src|href)\s*=|url\(|https?:\/\/[^\s"']+/g)].map((m) => m[0]);
    expect(urls.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true);
  });

  it('folds the manifest, long texts and the panels\' prompts into <details>, and lists rejected records', () => {
    expect(html).toMatch(/<section id="manifest"><h2>8\. Run manifest<\/h2><details class="manifest"><summary>/);
    expect(html).not.toMatch(/<details[^>]* open/);
    // One folded full prompt per small-multiples panel.
    expect(html.match(/<details class="prompt"><summary>full prompt<\/summary>/g)).toHaveLength(5);
    // Rejected records: line, field, reason and detail, escaped.
    expect(html).toContain('<b>2 input records were rejected.</b>');
    expect(html).toContain('<td>fixture.jsonl</td><td class="num">9</td><td><code>scores</code></td><td>wrong_type</td><td class="detail">scores[1] is a string &quot;&lt;b&gt;&quot;</td>');
    expect(html).toContain('<span class="absent">record</span></td><td>malformed_json</td>');
  });

  it('states the length statistics and the examples per bucket', () => {
    expect(html).toContain('the <b>chosen is longer than the rejected in 1 of 3 pairs (33%)</b>, shorter in 1 (33%), equal in 1');
    expect(html).toContain('Pearson r = <b>0.97</b>, Spearman ρ = <b>1</b> (3 pairs)');
    expect(html).toContain('<h3 id="examples-high">Highest margin</h3>');
    expect(html).toContain('<h3 id="examples-low">Lowest margin</h3>');
    expect(html).toContain('<h3 id="examples-sweet">Sweet spot ≠ minimum</h3>');
    expect(html).toContain('<div class="v">33%</div><div class="k">chosen longer than rejected (characters)</div>');
  });

  it('a long response is folded: the summary shows its start, the body all of it (up to the cap)', () => {
    const d = fixtureData();
    const row = d.examples!.buckets[0]!.rows[0]!;
    row.rejected = { text: `first line\n${'y'.repeat(300)} <i>`, chars: 5000, truncated: true };
    const h = renderReport(d);
    expect(checkMarkup(h).errors).toEqual([]);
    expect(h).toContain(`<details class="text"><summary>first line ${'y'.repeat(108)}…</summary><div class="full">first line\n${'y'.repeat(300)} &lt;i&gt;<span class="cut">… (cut; 5 000 characters in all)</span></div></details>`.replace('5 000', '5\u202F000'));
  });

  it('says what is missing instead of dropping a section', () => {
    const d = fixtureData();
    delete d.pools;
    delete d.selection;
    delete d.routing;
    delete d.manifest;
    const h = renderReport(d);
    expect(checkMarkup(h).errors).toEqual([]);
    expect(h).toContain('The input has no candidate pools');
    expect(h).toContain('No selection margins in the input');
    expect(h).toContain('No routing in the input');
    expect(h).toContain('No manifest given.');
    delete d.lengths;
    delete d.examples;
    delete d.rejects;
    const h2 = renderReport(d);
    expect(h2).toContain('No response texts or lengths in the input');
    expect(h2).toContain('No response texts in the input, so there are no example pairs.');
    expect(h2).toContain('No input record was rejected.');
  });
});

describe('the markup checker itself', () => {
  it('catches unbalanced tags, bad entities, stray <, unquoted or duplicate attributes, self-closed HTML elements', () => {
    const bad = (doc: string) => checkMarkup(`<!DOCTYPE html><html><body>${doc}</body></html>`).errors;
    expect(bad('<p>ok &amp; fine</p><svg><rect x="1"/></svg><br>')).toEqual([]);
    expect(bad('<p><b>x</p></b>')).not.toEqual([]);
    expect(bad('<p>a & b</p>')).not.toEqual([]);
    expect(bad('<p>1 < 2</p>')).not.toEqual([]);
    expect(bad('<p class=x>y</p>')).not.toEqual([]);
    expect(bad('<p a="1" a="2">y</p>')).not.toEqual([]);
    expect(bad('<div/>')).not.toEqual([]);
    expect(bad('<p>')).not.toEqual([]);
    expect(checkMarkup('<svg><g></svg>', 'xml').errors).not.toEqual([]);
  });
});

describe('charts', () => {
  it('histogram draws one bar per non-empty bin with axes, labels and a legend', () => {
    const svg = histogram({ title: 't <x>', xLabel: 'score [units]', series: [{ label: 'a & b', values: [0, 0.5, 1, 1, 5] }], bins: 5 });
    expect(checkMarkup(svg, 'xml').errors).toEqual([]);
    // Bins of width 1 over [0, 5]: counts 2, 2, 0, 0, 1 -> 3 bars.
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(3);
    expect(svg).toContain('score [units]');
    expect(svg).toContain('a &amp; b');
    expect(svg).toContain('<title>t &lt;x&gt;</title>');
  });

  it('histogram leaves far outliers and non-finite values out of the axis range and says so', () => {
    const values = [...Array.from({ length: 100 }, (_, i) => i), 1e300, -1e300, NaN];
    const svg = histogram({ title: 't', xLabel: 'x', series: [{ label: 's', values }] });
    expect(checkMarkup(svg, 'xml').errors).toEqual([]);
    expect(svg).toContain(`outside the axis: 1 below (min ${M}1e300), 1 above (max 1e300), 1 not finite`);
  });

  it('histogram cuts a pile (a clamp bound) at the top and labels its count', () => {
    // 113 rejected at the logit clamp, 48 spread over [-13.5, -8.8]: the pile's bar is cut, the rest scale.
    const clamp = Math.log(1e-6) - Math.log1p(-1e-6);
    const values = [...new Array(113).fill(clamp), ...Array.from({ length: 48 }, (_, i) => -13.5 + i / 10)];
    const svg = histogram({ title: 't', xLabel: 'x', yLabel: 'pairs', series: [{ label: 's', values }], clamps: [clamp, -clamp] });
    expect(checkMarkup(svg, 'xml').errors).toEqual([]);
    expect(svg).toContain(`▲ 113 at ${M}13.8 (clamp)`);
    expect(svg).toContain('class="break"');
    // The y axis is set by the other bars (at most a few per bin), not by the pile.
    const yTicks = [...svg.matchAll(/text-anchor="end" fill="#1A1A1A">(\d+)<\/text>/g)].map((m) => Number(m[1]));
    expect(Math.max(...yTicks)).toBeLessThan(20);
    // An ordinary peak of distinct values (0.95 + i * 1e-4) is drawn whole, not cut.
    const peak = [...Array.from({ length: 113 }, (_, i) => 0.95 + i * 1e-4), ...Array.from({ length: 48 }, (_, i) => i / 50)];
    expect(histogram({ title: 't', xLabel: 'x', series: [{ label: 's', values: peak }] })).not.toContain('▲');
  });

  it('strip plot marks chosen, rejected and min with different shapes and draws mu and sigma lines', () => {
    const svg = stripPlot({ title: 'p', scores: [-6, -1.8, 0, 1.6], mu: -1.55, sigma: 2.9, chosen: 3, rejected: 1, min: 0 });
    expect(checkMarkup(svg, 'xml').errors).toEqual([]);
    expect(svg).toContain('<title>chosen 1.6</title>');
    expect(svg).toContain(`<title>rejected ${M}1.8</title>`);
    expect(svg).toContain(`<title>min ${M}6</title>`);
    expect(svg.match(/stroke-dasharray/g)!.length).toBeGreaterThanOrEqual(3);
  });

  it('bar chart labels each bar with its value and note', () => {
    const svg = barChart({ title: 'b', xLabel: 'pairs', items: [{ label: 'DPO', value: 7, note: '70%' }, { label: 'SFT', value: 3 }] });
    expect(checkMarkup(svg, 'xml').errors).toEqual([]);
    expect(svg).toContain('>7 (70%)</text>');
    expect(svg).toContain('>3</text>');
  });

  it('ticks and number formatting', () => {
    expect(ticks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(ticks(-2.5, 6, 5)).toEqual([-2, 0, 2, 4, 6]);
    expect(fmt(-1.805743)).toBe(`${M}1.81`);
    expect(fmt(0.000123)).toBe("0.000123");
    expect(fmt(0.0000123)).toBe(`1.23e${M}5`);
    expect(fmt(2)).toBe('2');
    expect(fmt(NaN)).toBe('n/a');
  });
});
