// The human-readable `pairsmith stats` summary (stdout without --json).
import type { Distribution, ScoreSummary } from '../../pipeline/score-summary.js';

interface StatsSummary extends ScoreSummary {
  input: string;
  format: string | null;
  backend: string;
  transform: string;
  std: string;
  records: { read: number; written: number; no_pair: number; rejected: number };
  rejected_by_reason: Record<string, number>;
  no_pair_by_reason: Record<string, number>;
  candidates: { read: number; used: number; excluded: number };
  excluded_by_reason: Record<string, number>;
}

function num(x: number | null): string {
  if (x === null) return '-';
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e4 || a < 1e-3 ? x.toExponential(2) : x.toFixed(a >= 100 ? 1 : 4);
}

function pct(n: number, d: number): string {
  return d ? `${((100 * n) / d).toFixed(1)}%` : '-';
}

function reasons(o: Record<string, number>): string {
  const e = Object.entries(o);
  return e.length ? ` (${e.map(([k, v]) => `${k} ${v}`).join(', ')})` : '';
}

export function formatStats(s: StatsSummary): string {
  const cols = ['mean', 'min', 'p05', 'p25', 'median', 'p75', 'p95', 'max'] as const;
  const row = (name: string, d: Distribution): string => `  ${name.padEnd(6)}${cols.map((c) => num(d[c]).padStart(11)).join('')}`;
  const lines = [
    `input:       ${s.input} (format ${s.format ?? 'unknown'}, backend ${s.backend}, transform ${s.transform}, std ${s.std})`,
    `records:     ${s.records.read} read, ${s.records.rejected} rejected${reasons(s.rejected_by_reason)}` +
      `${s.records.no_pair ? `, ${s.records.no_pair} without scores${reasons(s.no_pair_by_reason)}` : ''}`,
    `prompts:     ${s.prompts}`,
    `candidates:  ${s.candidates.read} (${s.scored_candidates} scored, ${s.candidates.excluded} excluded${reasons(s.excluded_by_reason)})`,
    '',
    'per-prompt statistics, distributed across prompts:',
    `${' '.repeat(8)}${cols.map((c) => c.padStart(11)).join('')}`,
    row('count', s.per_prompt.count),
    row('mean', s.per_prompt.mean),
    row('std', s.per_prompt.std),
    row('min', s.per_prompt.min),
    row('max', s.per_prompt.max),
    '',
    `ties:        all scores equal in ${s.ties.prompts_all_equal} prompts (${pct(s.ties.prompts_all_equal, s.prompts)}), ` +
      `any tie in ${s.ties.prompts_with_ties} (${pct(s.ties.prompts_with_ties, s.prompts)}), ` +
      `best score tied in ${s.ties.prompts_max_tied} (${pct(s.ties.prompts_max_tied, s.prompts)})`,
    `min < mu - 2 sigma: ${s.min_below_mu_minus_2sigma.prompts} of ${s.prompts} prompts (${pct(s.min_below_mu_minus_2sigma.prompts, s.prompts)})`,
  ];
  return `${lines.join('\n')}\n`;
}
