// The report's sections as HTML fragments: per-prompt distributions, chosen quality, gaps and ties, selection,
// and the manifest. Every piece of data-derived text is escaped; charts come from charts.ts.
import { barChart, DASH, histogram, smallMultiples } from './charts.js';
import { heatmap } from './heatmap.js';
import { esc, fmt, int, pct } from './format.js';
import { PALETTE } from './svg.js';
import type { PairSection, PoolSection, ReportData, RoutingSection, Summary } from './types.js';

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
  s += `<p class="lead" id="sweet-vs-min">Sweet spot (nearest ${kLabel}) and max–min pick <b>different rejected candidates in ${int(p.sweetDiffersFromMin)} of ${int(p.analysed)} prompts (${pct(p.sweetDiffersFromMin, p.analysed)})</b>.
The minimum sits at a median of <b>${fmt(p.zMinSummary.median)} σ</b> from μ (quartiles ${fmt(p.zMinSummary.p25)} to ${fmt(p.zMinSummary.p75)}); in ${int(p.minBelow2Sigma)} prompts (${pct(p.minBelow2Sigma, p.analysed)}) it lies below μ − 2σ${p.rejectedK === -2 && p.analysed - p.minBelow2Sigma > 0 ? `; in the other ${int(p.analysed - p.minBelow2Sigma)} (${pct(p.analysed - p.minBelow2Sigma, p.analysed)}) μ − 2σ is below the worst candidate, so the nearest candidate is usually the minimum itself` : ''}. The sweet-spot rejected sits at a median of ${fmt(p.zSweetSummary.median)} σ.</p>`;
  const zHist = histogram({
    title: 'z-scores of all candidates',
    xLabel: 'z = (score − μ) / σ  [σ units of the prompt]',
    series: [{ label: `all candidates (n = ${p.z.length})`, values: p.z }],
    refs: Z_REFS,
  });
  const minHist = histogram({
    title: 'Where the rejected sits: minimum vs sweet spot',
    xLabel: 'z of the rejected candidate  [σ units]',
    yLabel: 'prompts',
    series: [
      { label: 'max–min rejected (the minimum)', values: p.zMin, color: PALETTE.min },
      { label: `sweet-spot rejected (${kLabel})`, values: p.zSweet, color: PALETTE.rejected },
    ],
    refs: [{ x: p.rejectedK, label: kLabel, color: PALETTE.sweet, dash: DASH.dashdot }],
  });
  s += `<div class="figs">${fig(zHist, `<b>Per-prompt standardized scores.</b> Each candidate's score in σ units of its own prompt's pool. A long left tail means max–min pairs contrast with outliers.`)}${fig(minHist, `<b>Rejected position.</b> Bars: z of each prompt's minimum (the max–min rejected). Line: z of the candidate nearest ${kLabel} (the sweet-spot rejected).`)}</div>`;
  if (p.sample.length > 0) {
    s += `<h3>A sample of ${p.sample.length} prompts</h3>`;
    s += smallMultiples(
      p.sample.map((v) => ({ title: `#${v.promptIndex} ${truncate(v.label, 38)}`, scores: v.scores, mu: v.mu, sigma: v.sigma, chosen: v.chosen >= 0 ? v.chosen : undefined, rejected: v.rejected >= 0 ? v.rejected : undefined, min: v.min })),
      d.scoreLabel,
    );
  }
  return s;
}

function positionLabel(k: number): string {
  if (k === 0) return 'μ';
  const a = Math.abs(k);
  return `μ ${k < 0 ? '−' : '+'} ${a === 1 ? '' : fmt(a)}σ`;
}

function truncate(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

/** Table-5-format distribution rows. */
export function summaryTable(rows: [string, Summary | undefined][]): string {
  const head = '<thead><tr><th></th><th>n</th><th>mean</th><th>std</th><th>min</th><th>p25</th><th>median</th><th>p75</th><th>max</th></tr></thead>';
  const body = rows
    .filter((r): r is [string, Summary] => r[1] !== undefined)
    .map(([name, m]) => `<tr><th scope="row">${esc(name)}</th>${[m.count, m.mean, m.std, m.min, m.p25, m.median, m.p75, m.max].map((v, i) => `<td class="num">${i === 0 ? int(v) : fmt(v)}</td>`).join('')}</tr>`)
    .join('');
  return `<table class="summary">${head}<tbody>${body}</tbody></table>`;
}

const RANK_BUCKETS: [string, (r: number) => boolean][] = [
  ['1 (best)', (r) => r === 1],
  ['2', (r) => r === 2],
  ['3', (r) => r === 3],
  ['4–5', (r) => r >= 4 && r <= 5],
  ['6–10', (r) => r >= 6 && r <= 10],
  ['> 10', (r) => r > 10],
];

/** Section 2: chosen quality (distribution, rank in pool) and the Table-5 summary. */
export function chosenSection(q: PairSection, d: ReportData): string {
  let s = '';
  const ranks = q.chosenRank;
  if (ranks && ranks.length > 0) {
    const best = ranks.filter((r) => r === 1).length;
    s += `<p class="lead" id="chosen-rank">The chosen is the <b>best candidate of its prompt in ${int(best)} of ${int(ranks.length)} pairs (${pct(best, ranks.length)})</b>; ties at the top share rank 1.</p>`;
  }
  const hist = histogram({
    title: 'Chosen scores',
    xLabel: d.scoreLabel,
    yLabel: 'pairs',
    series: [{ label: `chosen (n = ${q.chosen.length})`, values: q.chosen, color: PALETTE.chosen }],
    refs: [{ x: q.chosenSummary.median, label: `median ${fmt(q.chosenSummary.median)}`, color: PALETTE.ink, dash: DASH.dashed }],
  });
  let rankFig = '';
  if (ranks && ranks.length > 0) {
    const items = RANK_BUCKETS.map(([label, f]) => {
      const c = ranks.filter(f).length;
      return { label: `rank ${label}`, value: c, note: pct(c, ranks.length), color: label.startsWith('1') ? PALETTE.chosen : PALETTE.bar };
    });
    rankFig = fig(barChart({ title: 'Rank of the chosen in its pool', items, xLabel: 'pairs' }), `<b>Chosen rank.</b> 1 = the highest-scoring candidate of the prompt. DPO cannot promote good responses that never appear as chosen (Pan et al., Thm 4.1).`);
  }
  s += `<div class="figs">${fig(hist, `<b>Chosen quality.</b> Score of the chosen response of each pair. A better chosen helps more than a worse rejected (Pan et al. 2025).`)}${rankFig}</div>`;
  const heat = heatmap({ title: 'Chosen score against gap', xLabel: `chosen score [${d.scoreLabel}]`, yLabel: `gap [${d.scoreLabel}]`, x: q.chosen, y: q.gap });
  const low = q.lowChosen
    ? ` <b>${int(q.lowChosen.count)} of ${int(q.pairs)} pairs (${pct(q.lowChosen.count, q.pairs)}) have a low-quality chosen</b>, scoring below the median of all ${d.pools ? 'candidates' : 'chosen and rejected scores'} (${esc(fmt(q.lowChosen.threshold))}).`
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
  const near = q.tieEpsilon > 0 ? `; ${int(q.nearTies)} near-ties (0 &lt; gap &lt; ${esc(fmt(q.tieEpsilon))})` : '';
  const top = topTies === undefined ? '' : ` ${int(topTies)} prompts have two or more candidates sharing the top score.`;
  let s = `<p class="lead" id="ties"><b>${int(q.ties)} of ${int(q.pairs)} pairs are ties</b> (gap = 0, no learning signal)${near}.${top}</p>`;
  const hist = histogram({
    title: 'Score gap chosen − rejected',
    xLabel: `gap = chosen − rejected  [${d.scoreLabel}]`,
    yLabel: 'pairs',
    series: [{ label: `pairs (n = ${q.pairs})`, values: q.gap, color: PALETTE.bar }],
    refs: [{ x: q.gapSummary.median, label: `median ${fmt(q.gapSummary.median)}`, color: PALETTE.ink, dash: DASH.dashed }],
  });
  const rej = histogram({
    title: 'Rejected scores',
    xLabel: d.scoreLabel,
    yLabel: 'pairs',
    series: [{ label: `rejected (n = ${q.rejected.length})`, values: q.rejected, color: PALETTE.rejected }],
    refs: [{ x: q.rejectedSummary.median, label: `median ${fmt(q.rejectedSummary.median)}`, color: PALETTE.ink, dash: DASH.dashed }],
  });
  s += `<div class="figs">${fig(hist, `<b>Gap distribution.</b> Small gaps carry little signal; <code>route</code> sends pairs below a margin threshold to SFT on the chosen.`)}${fig(rej, `<b>Rejected scores.</b> Once the contrast is large enough, a worse rejected adds little (Pan et al. 2025).`)}</div>`;
  return s;
}

/** Section 4: margin distributions with the kept threshold, and routing. */
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
        series: [{ label: `all pairs (n = ${m.values.length})`, values: m.values }, ...(m.keptValues ? [{ label: `kept (n = ${m.keptValues.length})`, values: m.keptValues, color: PALETTE.kept }] : [])],
        refs: m.threshold === undefined ? [] : [{ x: m.threshold, label: `threshold ${fmt(m.threshold)}`, color: PALETTE.ink }],
        shade: kept,
      });
      const keptText = m.kept === undefined ? '' : ` Kept: <b>${int(m.kept)} of ${int(m.values.length)}</b> (${pct(m.kept, m.values.length)}).`;
      return fig(svg, `<b>${esc(m.label)} margin.</b>${keptText}`);
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
    { label: `SFT on chosen${r.threshold === undefined ? '' : ''}`, value: r.sft, note: pct(r.sft, total), color: PALETTE.sweet },
  ];
  const ties = r.sftTies === undefined ? '' : `, of which ${int(r.sftTies)} ${r.sftTies === 1 ? 'is an exact tie' : 'are exact ties'}`;
  return `<h3 id="routing">Routing</h3><p><b>${int(r.sft)} of ${int(total)} pairs went to SFT</b>${th}${ties}.</p>${fig(barChart({ title: 'Routing', items, xLabel: 'pairs' }), '<b>Route.</b> Small-margin pairs train as SFT on the chosen response (MixDPO).')}`;
}

/** Section 5: the manifest as nested key/value tables. */
export function manifestSection(m: Record<string, unknown> | undefined): string {
  if (!m) return absent('No manifest given.');
  return valueHtml(m, 0);
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
