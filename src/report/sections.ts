// The report's sections as HTML fragments: per-prompt distributions, chosen quality, gaps and ties, length bias,
// selection and routing, example pairs, rejected records and the (folded) manifest. Every piece of data-derived
// text is escaped; long texts fold into <details>; charts come from charts.ts.
import { barChart, DASH, histogram, oneLine, smallMultiples } from './charts.js';
import { heatmap } from './heatmap.js';
import { esc, fmt, int, pct } from './format.js';
import { fixedTotal } from './bins.js';
import { PALETTE } from './svg.js';
import type { ExampleBucket, ExampleSection, LengthSection, PairSection, PoolSection, RejectSection, ReportData, RoutingSection, Summary, TextCell } from './types.js';

/** A figure with its caption (caption is markup: callers escape data in it). */
export function fig(svg: string, caption: string): string {
  return `<figure>${svg}<figcaption>${caption}</figcaption></figure>`;
}

export function absent(what: string): string {
  return `<p class="absent">${esc(what)}</p>`;
}

const Z_REFS = [
  { x: -2, label: '\u03BC\u22122\u03C3', color: PALETTE.sweet, dash: DASH.dashdot },
  { x: -1, label: '\u2212\u03C3', color: PALETTE.muted, dash: DASH.dashed },
  { x: 0, label: '\u03BC', color: PALETTE.ink },
  { x: 1, label: '+\u03C3', color: PALETTE.muted, dash: DASH.dashed },
];

/** Section 1: per-prompt reward distributions. */
export function poolsSection(p: PoolSection, d: ReportData): string {
  const skipped = Object.entries(p.skipped)
    .map(([k, v]) => `${int(v)} ${esc(k.replace(/_/g, ' '))}`)
    .join(', ');
  const kLabel = positionLabel(p.rejectedK);
  let s = `<p>${int(p.analysed)} of ${int(p.prompts)} prompts analysed (${int(p.candidates)} candidates${p.excludedNonFinite ? `, ${int(p.excludedNonFinite)} with a non-finite score left out` : ''})${skipped ? `; skipped: ${skipped}` : ''}. μ and σ per prompt over its finite scores (${p.std} σ).</p>`;
  if (p.analysed === 0) return s + absent('No prompt has two or more distinct finite scores, so there are no per-prompt distributions to show.');
  s += `<p class="lead" id="sweet-vs-min">Sweet spot (nearest ${kLabel}) and max–min pick <b>different rejected candidates in ${int(p.sweetDiffersFromMin)} of ${int(p.analysed)} prompts (${pct(p.sweetDiffersFromMin, p.analysed)})</b>.
The minimum sits at a median of <b>${fmt(p.zMinSummary.median)} σ</b> from μ (quartiles ${fmt(p.zMinSummary.p25)} to ${fmt(p.zMinSummary.p75)}); in ${int(p.minBelow2Sigma)} prompts (${pct(p.minBelow2Sigma, p.analysed)}) it lies below μ − 2σ${p.rejectedK === -2 && p.analysed - p.minBelow2Sigma > 0 ? `; in the other ${int(p.analysed - p.minBelow2Sigma)} (${pct(p.analysed - p.minBelow2Sigma, p.analysed)}) μ − 2σ is below the worst candidate, so the nearest candidate is usually the minimum itself` : ''}. The sweet-spot rejected sits at a median of ${fmt(p.zSweetSummary.median)} σ.</p>`;
  const zHist = histogram({
    title: 'z-scores of all candidates',
    xLabel: 'z = (score − μ) / σ  [σ units of the prompt]',
    series: [{ label: `all candidates (n = ${int(fixedTotal(p.z))})`, fixed: p.z }],
    refs: Z_REFS,
  });
  const minHist = histogram({
    title: 'Where the rejected sits: minimum vs sweet spot',
    xLabel: 'z of the rejected candidate  [σ units]',
    yLabel: 'prompts',
    series: [
      { label: 'max–min rejected (the minimum)', fixed: p.zMin, color: PALETTE.min },
      { label: `sweet-spot rejected (${kLabel})`, fixed: p.zSweet, color: PALETTE.rejected },
    ],
    refs: [{ x: p.rejectedK, label: kLabel, color: PALETTE.sweet, dash: DASH.dashdot }],
  });
  s += `<div class="figs">${fig(zHist, `<b>Per-prompt standardized scores.</b> Each candidate's score in σ units of its own prompt's pool (bins of 1/16 σ or wider). A long left tail means max–min pairs contrast with outliers.`)}${fig(minHist, `<b>Rejected position.</b> Bars: z of each prompt's minimum (the max–min rejected). Line: z of the candidate nearest ${kLabel} (the sweet-spot rejected).`)}</div>`;
  if (p.sample.length > 0) {
    s += `<h3>A sample of ${p.sample.length} prompts</h3>`;
    s += smallMultiples(p.sample, d.scoreLabel);
  }
  return s;
}

function positionLabel(k: number): string {
  if (k === 0) return 'μ';
  const a = Math.abs(k);
  return `μ ${k < 0 ? '−' : '+'} ${a === 1 ? '' : fmt(a)}σ`;
}

/** Table-5-format distribution rows. */
export function summaryTable(rows: [string, Summary | undefined][], integers = false): string {
  const head = '<thead><tr><th></th><th>n</th><th>mean</th><th>std</th><th>min</th><th>p25</th><th>median</th><th>p75</th><th>max</th></tr></thead>';
  const body = rows
    .filter((r): r is [string, Summary] => r[1] !== undefined)
    .map(([name, m]) => `<tr><th scope="row">${esc(name)}</th>${[m.count, m.mean, m.std, m.min, m.p25, m.median, m.p75, m.max].map((v, i) => `<td class="num">${i === 0 || (integers && Number.isInteger(v)) ? int(v) : fmt(v)}</td>`).join('')}</tr>`)
    .join('');
  return `<table class="summary">${head}<tbody>${body}</tbody></table>`;
}

/** Buckets of the chosen's rank: their label and the entries of PairSection.chosenRanks they add up. */
const RANK_BUCKETS: [string, number, number][] = [
  ['1 (best)', 0, 1],
  ['2', 1, 2],
  ['3', 2, 3],
  ['4–5', 3, 5],
  ['6–10', 5, 10],
  ['> 10', 10, 11],
];

/** Pairs whose chosen is the best of its pool, and pairs with a known rank (undefined: ranks not known). */
export function rankShare(q: PairSection): { best: number; of: number } | undefined {
  const r = q.chosenRanks;
  if (!r) return undefined;
  const of = r.reduce((a, b) => a + b, 0);
  return of > 0 ? { best: r[0] ?? 0, of } : undefined;
}

/** Section 2: chosen quality (distribution, rank in pool) and the Table-5 summary. */
export function chosenSection(q: PairSection, d: ReportData): string {
  let s = '';
  const share = rankShare(q);
  if (share) s += `<p class="lead" id="chosen-rank">The chosen is the <b>best candidate of its prompt in ${int(share.best)} of ${int(share.of)} pairs (${pct(share.best, share.of)})</b>; ties at the top share rank 1.</p>`;
  const hist = histogram({
    title: 'Chosen scores',
    xLabel: d.scoreLabel,
    yLabel: 'pairs',
    series: [{ label: `chosen (n = ${int(q.pairs)})`, color: PALETTE.chosen }],
    binned: q.chosenHist,
    refs: [{ x: q.chosenSummary.median, label: `median ${fmt(q.chosenSummary.median)}`, color: PALETTE.ink, dash: DASH.dashed }],
    clamps: d.clamps,
  });
  let rankFig = '';
  if (share) {
    const items = RANK_BUCKETS.map(([label, from, to]) => {
      let c = 0;
      for (let k = from; k < to; k++) c += q.chosenRanks![k] ?? 0;
      return { label: `rank ${label}`, value: c, note: pct(c, share.of), color: label.startsWith('1') ? PALETTE.chosen : PALETTE.bar };
    });
    rankFig = fig(barChart({ title: 'Rank of the chosen in its pool', items, xLabel: 'pairs' }), `<b>Chosen rank.</b> 1 = the highest-scoring candidate of the prompt. DPO cannot promote good responses that never appear as chosen (Pan et al., Thm 4.1).`);
  }
  s += `<div class="figs">${fig(hist, `<b>Chosen quality.</b> Score of the chosen response of each pair. A better chosen helps more than a worse rejected (Pan et al. 2025).`)}${rankFig}</div>`;
  const heat = heatmap({ title: 'Chosen score against gap', xLabel: `chosen score [${d.scoreLabel}]`, yLabel: `gap [${d.scoreLabel}]`, grid: q.chosenGap });
  const low = q.lowChosen
    ? ` <b>${int(q.lowChosen.count)} of ${int(q.pairs)} pairs (${pct(q.lowChosen.count, q.pairs)}) have a low-quality chosen</b>, scoring below the median of all ${d.pools ? 'candidates' : 'chosen and rejected scores'} (${esc(fmt(q.lowChosen.threshold))}${d.pools && !d.pools.medianExact ? ', from a sample of the candidates' : ''}).`
    : '';
  s += `<div class="figs">${fig(heat, `<b>Chosen quality against contrast.</b> Each pair by its chosen score and its gap.${low} Pairs with a weak chosen are the ones most likely to cap what DPO can reach.`)}</div>`;
  s += summaryTable([
    [`chosen (${d.scoreLabel})`, q.chosenSummary],
    [`rejected (${d.scoreLabel})`, q.rejectedSummary],
    [`gap (${d.scoreLabel})`, q.gapSummary],
    [`chosen (${d.rawLabel ?? 'raw'})`, q.chosenRawSummary],
    [`rejected (${d.rawLabel ?? 'raw'})`, q.rejectedRawSummary],
  ]);
  return s;
}

/** Section 3: the gap and rejected-score distributions and ties. */
export function gapSection(q: PairSection, d: ReportData, topTies?: number): string {
  const near = q.tieEpsilon > 0 ? `; ${int(q.nearTies)} near-ties (0 &lt; |gap| &lt; ${esc(fmt(q.tieEpsilon))})` : '';
  const top = topTies === undefined ? '' : ` ${int(topTies)} prompts have two or more candidates sharing the top score.`;
  let s = `<p class="lead" id="ties"><b>${int(q.ties)} of ${int(q.pairs)} pairs are ties</b> (gap = 0, no learning signal)${near}.${top}</p>`;
  const hist = histogram({
    title: 'Score gap chosen − rejected',
    xLabel: `gap = chosen − rejected  [${d.scoreLabel}]`,
    yLabel: 'pairs',
    series: [{ label: `pairs (n = ${int(q.pairs)})`, color: PALETTE.bar }],
    binned: q.gapHist,
    refs: [{ x: q.gapSummary.median, label: `median ${fmt(q.gapSummary.median)}`, color: PALETTE.ink, dash: DASH.dashed }],
  });
  const rej = histogram({
    title: 'Rejected scores',
    xLabel: d.scoreLabel,
    yLabel: 'pairs',
    series: [{ label: `rejected (n = ${int(q.pairs)})`, color: PALETTE.rejected }],
    binned: q.rejectedHist,
    refs: [{ x: q.rejectedSummary.median, label: `median ${fmt(q.rejectedSummary.median)}`, color: PALETTE.ink, dash: DASH.dashed }],
    clamps: d.clamps,
  });
  s += `<div class="figs">${fig(hist, `<b>Gap distribution.</b> Small gaps carry little signal; <code>route</code> sends pairs below a margin threshold to SFT on the chosen.`)}${fig(rej, `<b>Rejected scores.</b> Once the contrast is large enough, a worse rejected adds little (Pan et al. 2025). A bar cut at the top (▲) is a pile of equal values, e.g. a clamp bound; its count is written above it.`)}</div>`;
  return s;
}

function corr(r: number | null): string {
  return r === null ? 'n/a' : fmt(r, 2);
}

/** Section 4: length of chosen vs rejected (characters, tokens when known) and its correlation with the margin. */
export function lengthsSection(l: LengthSection | undefined): string {
  if (!l) return absent('No response texts or lengths in the input, so there are no length statistics.');
  let s = '';
  for (const st of l.stats) {
    const c = st.corrPairs > 0 ? `Correlation of the length gap with the ${esc(l.marginLabel)}: Pearson r = <b>${corr(st.pearson)}</b>, Spearman ρ = <b>${corr(st.spearman)}</b> (${int(st.corrPairs)} pairs${st.spearmanSample ? `; Spearman's on a hashed sample of ${int(st.spearmanSample)} of them` : ''}).` : 'The pairs have no margin or scores, so there is no correlation with the margin.';
    s += `<p class="lead" id="length-${st.unit}">In ${st.unit}, the <b>chosen is longer than the rejected in ${int(st.longer)} of ${int(st.pairs)} pairs (${pct(st.longer, st.pairs)})</b>, shorter in ${int(st.shorter)} (${pct(st.shorter, st.pairs)}), equal in ${int(st.equal)}; median ${fmt(st.chosen.median)} vs ${fmt(st.rejected.median)}. ${c}</p>`;
  }
  s += summaryTable(
    l.stats.flatMap((st): [string, Summary][] => [
      [`chosen (${st.unit})`, st.chosen],
      [`rejected (${st.unit})`, st.rejected],
      [`gap chosen − rejected (${st.unit})`, st.gap],
    ]),
    true,
  );
  const st = l.stats[0]!;
  const hist = histogram({
    title: `Length gap (${st.unit})`,
    xLabel: `chosen − rejected length  [${st.unit}]`,
    yLabel: 'pairs',
    series: [{ label: `pairs (n = ${int(st.pairs)})` }],
    binned: st.gapHist,
    refs: [{ x: 0, label: 'equal', color: PALETTE.ink, dash: DASH.dashed }],
  });
  const heat = st.gapMargin ? fig(heatmap({ title: 'Length gap against margin', xLabel: `length gap [${st.unit}]`, yLabel: l.marginLabel, grid: st.gapMargin }), `<b>Length gap against margin.</b> A strong positive correlation means the margin mostly measures length.`) : '';
  s += `<div class="figs">${fig(hist, `<b>Length bias.</b> Right of 0: the chosen is longer. A preference set whose chosen is mostly the longer response teaches length as much as quality.`)}${heat}</div>`;
  return s;
}

/** Section 5: margin distributions with the kept threshold, and routing. */
export function selectionSection(d: ReportData): string {
  let s = '';
  const sel = d.selection;
  if (sel && sel.margins.length > 0) {
    if (sel.rule) s += `<p>${esc(sel.rule)}</p>`;
    const figs = sel.margins.map((m) => {
      const kept = m.threshold === undefined ? undefined : { from: m.threshold, to: Infinity, label: `≥ threshold` };
      const svg = histogram({
        title: `${m.label} margin`,
        xLabel: m.unit,
        yLabel: 'pairs',
        series: [{ label: `all pairs (n = ${int(m.count)})` }, ...(m.hist.counts.length > 1 ? [{ label: `kept (n = ${int(m.kept ?? 0)})`, color: PALETTE.kept }] : [])],
        binned: m.hist,
        refs: m.threshold === undefined ? [] : [{ x: m.threshold, label: `threshold ${fmt(m.threshold)}`, color: PALETTE.ink }],
        shade: kept,
      });
      const keptText = m.kept === undefined ? '' : ` Kept: <b>${int(m.kept)} of ${int(m.count)}</b> (${pct(m.kept, m.count)}).`;
      const missing = m.missing > 0 ? ` ${int(m.missing)} pairs have no finite value of this margin.` : '';
      return fig(svg, `<b>${esc(m.label)} margin.</b>${keptText}${missing}`);
    });
    s += `<div class="figs">${figs.join('')}</div>`;
  } else {
    s += absent('No selection margins in the input: give the output of pairsmith select (as the input, or with --pairs) to see the external, implicit and fused margins with the kept threshold.');
  }
  s += routingBlock(d.routing);
  return s;
}

function routingBlock(r: RoutingSection | undefined): string {
  if (!r) return absent('No routing in the input: rows with a route column (pairsmith route) show here how many pairs went to SFT.');
  const total = r.dpo + r.sft;
  const th = r.threshold === undefined ? '' : ` (margin below ${esc(fmt(r.threshold))})`;
  const items = [
    { label: 'DPO', value: r.dpo, note: pct(r.dpo, total), color: PALETTE.chosen },
    { label: 'SFT on chosen', value: r.sft, note: pct(r.sft, total), color: PALETTE.sweet },
  ];
  const ties = r.sftTies === undefined ? '' : `, of which ${int(r.sftTies)} ${r.sftTies === 1 ? 'is an exact tie' : 'are exact ties'}`;
  return `<h3 id="routing">Routing</h3><p><b>${int(r.sft)} of ${int(total)} pairs went to SFT</b>${th}${ties}.</p>${fig(barChart({ title: 'Routing', items, xLabel: 'pairs' }), '<b>Route.</b> Small-margin pairs train as SFT on the chosen response (MixDPO).')}`;
}

/** A text in a table cell: short texts as they are, longer ones folded (the summary shows the start). */
export function textCell(c: TextCell, preview = 120): string {
  const cut = c.truncated ? `<span class="cut">… (cut; ${int(c.chars)} characters in all)</span>` : '';
  if (!c.truncated && c.chars <= preview && !c.text.includes('\n')) return `<span class="text">${esc(c.text)}</span>`;
  return `<details class="text"><summary>${esc(oneLine(c.text, preview))}</summary><div class="full">${esc(c.text)}${cut}</div></details>`;
}

function exampleTable(b: ExampleBucket): string {
  const withMin = b.rows.some((r) => r.min !== undefined);
  const head = `<thead><tr><th class="id">prompt</th><th class="key">${esc(b.keyLabel)}</th><th class="sc">chosen / rejected${withMin ? ' / min' : ''} score</th><th>prompt text</th><th>chosen</th><th>rejected${withMin ? ' (sweet spot)' : ''}</th>${withMin ? '<th>minimum</th>' : ''}</tr></thead>`;
  const rows = b.rows
    .map((r) => {
      const kept = r.selected === undefined ? '' : r.selected > 0 ? `<br><span class="kept" title="kept by the selection, rank ${int(r.selected)}">kept #${int(r.selected)}</span>` : '<br><span class="absent">dropped</span>';
      const scores = `${fmt(r.chosenScore)} / ${fmt(r.rejectedScore)}${r.minScore !== undefined ? ` / ${fmt(r.minScore)}` : ''}`;
      return `<tr><td class="num">${r.promptIndex >= 0 ? `#${r.promptIndex}` : ''}${kept}</td><td class="num">${Number.isNaN(r.key) ? '' : fmt(r.key)}</td><td class="num">${scores}</td><td>${textCell(r.prompt)}</td><td>${textCell(r.chosen)}</td><td>${textCell(r.rejected)}</td>${withMin ? `<td>${r.min ? textCell(r.min) : ''}</td>` : ''}</tr>`;
    })
    .join('');
  return `<table class="examples">${head}<tbody>${rows}</tbody></table>`;
}

const BUCKET_NOTES: Record<string, string> = {
  high: 'The pairs with the largest margin: the clearest preferences (or a judge that saw something else, e.g. length).',
  low: 'The pairs with the smallest margin: near-ties and possible label noise.',
  sweet: 'Prompts where the candidate nearest μ − kσ is not the worst one: the minimum lies farthest below it (often a degenerate response).',
  first: 'The first pairs of the input that have no margin and no scores (e.g. hh-rlhf), as they come.',
};

/** Section 6: example pairs per bucket, texts escaped and folded. */
export function examplesSection(e: ExampleSection | undefined, d: ReportData): string {
  if (!e || e.buckets.length === 0) return absent('No response texts in the input, so there are no example pairs.');
  let s = `<p>Texts are escaped and shown as written (at most ${int(e.textCap)} characters each); unfold a cell to read it all. Scores on the analysis scale (${esc(d.scoreLabel)}).</p>`;
  for (const b of e.buckets) s += `<h3 id="examples-${b.id}">${esc(b.title)}</h3><p class="note">${esc(BUCKET_NOTES[b.id] ?? '')}</p>${exampleTable(b)}`;
  return s;
}

/** Section 7: the rejected records (the first ones, with line, field, reason and detail). */
export function rejectsSection(r: RejectSection | undefined): string {
  if (!r || r.total === 0) return '<p>No input record was rejected.</p>';
  const more = r.total > r.shown.length ? ` The first ${int(r.shown.length)} ${r.shown.length === 1 ? 'is' : 'are'} listed; the run's rejects file (<code>&lt;output&gt;.rejects.jsonl</code>, for commands that write one) and the manifest count all.` : '';
  const rows = r.shown.map((x) => `<tr><td>${esc(x.file)}</td><td class="num">${int(x.line)}</td><td>${x.field === null ? '<span class="absent">record</span>' : `<code>${esc(x.field)}</code>`}</td><td>${esc(x.reason)}</td><td class="detail">${esc(x.detail)}</td></tr>`).join('');
  return `<p><b>${int(r.total)} input record${r.total === 1 ? ' was' : 's were'} rejected.</b>${more}</p><table class="rejects"><thead><tr><th>file</th><th>line</th><th>field</th><th>reason</th><th>detail</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** Section 8: the manifest as nested key/value tables, folded. */
export function manifestSection(m: Record<string, unknown> | undefined): string {
  if (!m) return absent('No manifest given.');
  return `<details class="manifest"><summary>The run's manifest: command, counts, rejects and exclusions by reason, parameters, backend (unfold)</summary>${valueHtml(m, 0)}</details>`;
}

function valueHtml(v: unknown, depth: number): string {
  if (v === null || v === undefined) return '<span class="absent">none</span>';
  if (typeof v === 'number') return `<span class="num">${Number.isInteger(v) ? int(v) : esc(fmt(v, 6))}</span>`;
  if (typeof v !== 'object') return esc(String(v));
  if (Array.isArray(v)) {
    if (v.every((x) => x === null || typeof x !== 'object')) {
      const shown = v.slice(0, 20).map((x) => valueHtml(x, depth + 1));
      return shown.join(', ') + (v.length > 20 ? `, … (${int(v.length)} in all)` : '');
    }
    if (depth >= 6) return esc(JSON.stringify(v).slice(0, 200));
    return v.slice(0, 50).map((x) => valueHtml(x, depth + 1)).join('');
  }
  if (depth >= 6) return esc(JSON.stringify(v).slice(0, 200));
  if (Object.keys(v).length === 0) return '<span class="absent">none</span>';
  const rows = Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `<tr><th scope="row">${esc(k)}</th><td>${valueHtml(x, depth + 1)}</td></tr>`)
    .join('');
  return `<table class="kv">${rows}</table>`;
}
