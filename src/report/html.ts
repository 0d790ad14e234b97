// Assembles one self-contained HTML page from ReportData: inline CSS and SVG, no scripts, no network.
import { REPORT_CSS } from './css.js';
import { esc, fmt, int, pct } from './format.js';
import { absent, chosenSection, rankShare, examplesSection, gapSection, lengthsSection, manifestSection, poolsSection, rejectsSection, selectionSection } from './sections.js';
import type { ReportData } from './types.js';

function card(value: string, key: string): string {
  return `<div class="card"><div class="v">${value}</div><div class="k">${key}</div></div>`;
}

function glance(d: ReportData): string {
  const cards: string[] = [];
  const p = d.pools;
  const q = d.pairs;
  if (p) {
    cards.push(card(int(p.analysed), `prompts analysed (of ${int(p.prompts)})`));
    cards.push(card(int(p.candidates), 'candidates'));
    cards.push(card(pct(p.sweetDiffersFromMin, p.analysed), 'sweet spot ≠ min (rejected differs)'));
    cards.push(card(`${fmt(p.zMinSummary.median)} σ`, 'median z of the minimum'));
  }
  if (q && q.pairs === 0) cards.push(card('0', 'pairs with scores'));
  else if (q) {
    if (!p) cards.push(card(int(q.pairs), 'pairs'));
    const share = rankShare(q);
    if (share) cards.push(card(pct(share.best, share.of), 'chosen is the best of its pool'));
    cards.push(card(fmt(q.gapSummary.median), `median gap (${esc(d.scoreLabel)})`));
    cards.push(card(int(q.ties), `ties (gap = 0) of ${int(q.pairs)} pairs`));
  }
  const len = d.lengths?.stats[0];
  if (len) cards.push(card(pct(len.longer, len.pairs), `chosen longer than rejected (${len.unit})`));
  if (d.routing) cards.push(card(int(d.routing.sft), 'pairs routed to SFT'));
  if (d.rejects && d.rejects.total > 0) cards.push(card(int(d.rejects.total), 'records rejected'));
  return `<div class="glance">${cards.join('')}</div>`;
}

const DEFINITIONS: [string, string][] = [
  ['μ, σ', 'mean and standard deviation of one prompt’s finite candidate scores (on the analysis scale)'],
  ['z', '(score − μ) / σ: a candidate’s position in σ units of its own prompt'],
  ['sweet spot', 'chosen = the best candidate, rejected = the candidate nearest μ − 2σ (never the chosen) — Xiao et al. 2025'],
  ['max–min', 'chosen = best, rejected = worst: with many samples the worst is often a degenerate outlier'],
  ['gap', 'chosen score − rejected score; a tie (gap = 0) carries no preference signal'],
  ['rank', '1 + the number of candidates of the prompt that score strictly higher than the chosen'],
  ['length', 'characters are Unicode code points of the response text; tokens as the input gives them'],
  ['pile', 'one exact value repeated in many pairs (e.g. a clamp bound): its bar is cut at the top (▲) and its count written above it'],
];

/**
 * Renders the report as one HTML document (UTF-8, inline CSS and SVG, no scripts, no external resources).
 * Sections without data say what is missing instead of being dropped. O(size of the data).
 */
export function renderReport(d: ReportData): string {
  const sources = d.sources.map((s) => `<code>${esc(s)}</code>`).join(', ');
  const notes = (d.notes ?? []).length > 0 ? `<div class="notes">${(d.notes ?? []).map((n) => `<p>${esc(n)}</p>`).join('')}</div>` : '';
  const sections: string[] = [];
  sections.push(
    `<section id="distributions"><h2>1. Per-prompt reward distributions</h2>${d.pools ? poolsSection(d.pools, d) : absent('The input has no candidate pools (pairs only), so per-prompt distributions, z-scores and the sweet-spot comparison are not available.')}</section>`,
  );
  const scored = d.pairs !== undefined && d.pairs.pairs > 0;
  const noPairs = absent(d.pairs ? 'No pair has a finite chosen and rejected score (the input carries no scores, e.g. hh-rlhf), so there are no score distributions.' : 'No pairs.');
  sections.push(`<section id="chosen"><h2>2. Chosen quality</h2>${scored ? chosenSection(d.pairs!, d) : noPairs}</section>`);
  sections.push(`<section id="gaps"><h2>3. Gaps, ties and rejected</h2>${scored ? gapSection(d.pairs!, d, d.pools?.topTies) : noPairs}</section>`);
  sections.push(`<section id="lengths"><h2>4. Length of chosen and rejected</h2>${lengthsSection(d.lengths)}</section>`);
  sections.push(`<section id="selection"><h2>5. Selection and routing</h2>${selectionSection(d)}</section>`);
  sections.push(`<section id="examples"><h2>6. Example pairs</h2>${examplesSection(d.examples, d)}</section>`);
  sections.push(`<section id="rejects"><h2>7. Rejected records</h2>${rejectsSection(d.rejects)}</section>`);
  sections.push(`<section id="manifest"><h2>8. Run manifest</h2>${manifestSection(d.manifest)}</section>`);
  const defs = `<dl class="defs">${DEFINITIONS.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="pairsmith">
<title>${esc(d.title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>${esc(d.title)}</h1>
<p class="meta">Input: ${sources || '<span class="absent">not given</span>'} · analysis scale: <b>${esc(d.scoreLabel)}</b>${d.rawLabel ? ` (raw: ${esc(d.rawLabel)})` : ''} · made ${esc(d.generatedAt)}</p>
${notes}${glance(d)}
</header>
<main>
${sections.join('\n')}
</main>
<footer><h3>Definitions</h3>${defs}<p>Made by pairsmith. This page is self-contained: it loads nothing from the network and needs no scripts.</p></footer>
</body>
</html>
`;
}
