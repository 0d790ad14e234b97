// The short human summary curate prints at the end.
import type { Manifest } from '../io/manifest.js';

function pct(a: number, b: number): string {
  return b > 0 ? `${((100 * a) / b).toFixed(1)}%` : 'n/a';
}

export function curateSummary(
  m: Manifest,
  report: Record<string, unknown>,
  o: { sample: boolean; input: string; output: string; sft?: string; sidecars?: { manifest: string; rejects: string } },
): string {
  // A pairs input has no construction report: its pairs are taken as they are.
  const c = report.construction as { prompts: number; prompts_with_pair: number; pairs: number; rejected_not_min: number } | undefined;
  const s = report.selection as { by: string; pairs: number; kept: number };
  const lines = ['', `pairsmith curate${o.sample ? ' (bundled sample: examples/sample.candidates.jsonl, config examples/curate.json)' : ''}`];
  if (c) {
    lines.push(
      `  prompts:     ${m.records.read} read, ${m.records.rejected} rejected, ${c.prompts} valid, ${c.prompts_with_pair} with a pair`,
      `  pairs:       ${c.pairs} built (strategy ${String(m.parameters.strategy)}); the rejected differs from max-min's (the minimum) in ${c.rejected_not_min} of ${c.prompts_with_pair} prompts (${pct(c.rejected_not_min, c.prompts_with_pair)})`,
    );
  } else lines.push(`  pairs:       ${m.records.read} read, ${m.records.rejected} rejected, ${s.pairs} valid (the input holds pairs: none built)`);
  lines.push(`  selection:   kept ${s.kept} of ${s.pairs} pairs (${pct(s.kept, s.pairs)}) by ${s.by}`);
  const route = report.route as { dpo: number; sft: number } | undefined;
  if (route) lines.push(`  routing:     ${route.dpo} to DPO, ${route.sft} to SFT (${o.sft})`);
  const aug = report.augment as { rows: number } | undefined;
  if (aug) lines.push(`  augmented:   ${aug.rows} goal-conditioned rows`);
  lines.push(`  written:     ${m.rows_written} rows to ${o.output === '-' ? 'standard output' : o.output}`);
  if (o.sidecars) lines.push(`  manifest:    ${o.sidecars.manifest}; rejects: ${o.sidecars.rejects} (${m.records.rejected})`);
  else lines.push(`  rejected:    ${m.records.rejected} records (no manifest or rejects file beside ${o.output === '-' ? 'standard output' : o.output})`);
  return lines.join('\n');
}
