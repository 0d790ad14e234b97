// The fast pairs path: same rows as the record path on the bundled sample, every line accounted for, text
// copied through unchanged, chunk boundaries anywhere.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FastPairs, type FastPairsOptions, type ParsedCandidates, type SlowOutcome } from '../../src/io/fast-pairs.js';
import { pairRowsFromRecords, type CandidateLike } from '../../src/pipeline/candidates.js';
import { engineFor } from '../helpers/engines.js';
import { groupEngineFor } from '../helpers/group-engine.js';

const engine = groupEngineFor('wasm-simd');

const SAMPLE = 'examples/sample.candidates.jsonl';
const dec = new TextDecoder();

// A minimal stand-in for the datasets layer's record validation (issue 4), enough for these tests.
function stubSlow(rejects: { line: number; reason: string }[]) {
  return (bytes: Uint8Array, lineNo: number): SlowOutcome => {
    const text = dec.decode(bytes);
    if (text.trim() === '') return { kind: 'blank' };
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(text.replace(/\bNaN\b/g, 'null').replace(/-?\bInfinity\b/g, 'null'));
    } catch {
      rejects.push({ line: lineNo, reason: 'malformed' });
      return { kind: 'reject' };
    }
    const { responses, scores } = o as { responses?: unknown; scores?: unknown };
    if (!Array.isArray(responses) || !Array.isArray(scores)) {
      rejects.push({ line: lineNo, reason: 'missing' });
      return { kind: 'reject' };
    }
    if (responses.length !== scores.length || scores.some((s) => s !== null && typeof s !== 'number')) {
      rejects.push({ line: lineNo, reason: 'shape' });
      return { kind: 'reject' };
    }
    if (scores.filter((s) => typeof s === 'number' && Number.isFinite(s)).length < 2) {
      rejects.push({ line: lineNo, reason: 'insufficient' });
      return { kind: 'reject' };
    }
    const rec: ParsedCandidates = { prompt: o.prompt, responses, scores: scores as (number | null)[] };
    if (Array.isArray(o.policy_logps) && Array.isArray(o.reference_logps)) {
      rec.policyLogps = o.policy_logps as number[];
      rec.referenceLogps = o.reference_logps as number[];
    }
    return { kind: 'record', record: rec };
  };
}

function run(input: Uint8Array, opts: Partial<FastPairsOptions>, chunkSize = 1 << 16) {
  const rejects: { line: number; reason: string }[] = [];
  const excluded: Record<string, number> = {};
  const fp = new FastPairs(
    engine,
    {
      fields: { prompt: 'prompt', responses: 'responses', scores: 'scores', policyLogps: 'policy_logps', referenceLogps: 'reference_logps' },
      pairs: { strategy: 'sweet-spot' },
      ...opts,
    },
    {
      slow: stubSlow(rejects),
      excluded: (r, n) => {
        excluded[r] = (excluded[r] ?? 0) + n;
      },
    },
  );
  const parts: string[] = [];
  for (let i = 0; i < input.length; i += chunkSize) parts.push(dec.decode(fp.push(input.subarray(i, i + chunkSize))));
  parts.push(dec.decode(fp.end()));
  const rows = parts
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { rows, rejects, excluded, counts: fp.counts, report: fp.report };
}

describe('fast pairs on the bundled sample', () => {
  const input = readFileSync(SAMPLE);

  it('gives the same rows as the record path, whatever the chunk size', () => {
    const fast = run(input, {});
    const slow = run(input, { slowOnly: true });
    expect(fast.counts.fastRecords).toBeGreaterThan(180);
    expect(slow.counts.fastRecords).toBe(0);
    expect(fast.rows).toEqual(slow.rows);
    expect(fast.rejects).toEqual(slow.rejects);
    expect(fast.excluded).toEqual({ score_null: 1, score_nan: 1, score_infinite: 1 }); // record 17 (null, NaN) and 152 (1e309)
    for (const size of [1, 7, 4096]) expect(run(input, {}, size).rows).toEqual(fast.rows);
  });

  it('the record path (pairRowsFromRecords) gives the same rows', () => {
    const fast = run(input, {});
    const records: CandidateLike[] = [];
    const slow = stubSlow([]);
    let index = 0;
    dec.decode(input).split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      const o = slow(new TextEncoder().encode(line), i + 1);
      if (o.kind === 'record') records.push({ ...o.record, index });
      index++;
    });
    const { rows } = pairRowsFromRecords(engine, records, { strategy: 'sweet-spot' });
    expect(JSON.parse(JSON.stringify(rows))).toEqual(fast.rows);
  });

  it('runs the kernels on resident columns and frees them (no engine memory left in use)', () => {
    const e = engineFor('wasm-simd');
    const before = e.memory().bytesInUse;
    run(input, {});
    expect(e.memory().bytesInUse).toBe(before);
    expect(e.memory().peakBytes).toBeGreaterThan(0);
  });

  it('accounts for every record: pairs + no-pair prompts + rejects = records', () => {
    const r = run(input, {});
    expect(r.counts.records).toBe(200);
    expect(r.counts.lines).toBe(201);
    const noPair = Object.values(r.report.promptsWithoutPair).reduce((a, b) => a + (b ?? 0), 0);
    expect(r.report.promptsWithPair + noPair + r.rejects.length).toBe(200);
    expect(r.rows.length).toBe(r.report.pairs);
    expect(r.report.promptsWithoutPair.no_spread).toBe(1);
    expect(r.rejects.map((x) => x.reason).sort()).toEqual(['insufficient', 'malformed', 'missing', 'shape', 'shape']);
  });

  it('rows carry the input text and raw scores unchanged, and the contract fields', () => {
    const lines = dec.decode(input).split('\n');
    const r = run(input, {});
    for (const row of r.rows.slice(0, 50)) {
      const rec = JSON.parse(lines.filter((l) => l.trim() !== '')[row.prompt_index as number]!.replace('NaN', 'null'));
      expect(row.prompt).toBe(rec.prompt);
      expect(row.chosen).toBe(rec.responses[row.chosen_index as number]);
      expect(row.rejected).toBe(rec.responses[row.rejected_index as number]);
      expect(row.score_chosen).toBe(rec.scores[row.chosen_index as number]);
      expect(row.score_rejected).toBe(rec.scores[row.rejected_index as number]);
      expect(row.margin).toBe((row.score_chosen as number) - (row.score_rejected as number));
      expect(row.strategy).toBe('sweet-spot');
      const pol = rec.policy_logps;
      const ref = rec.reference_logps;
      const sum = (x: number | number[]) => (Array.isArray(x) ? x.reduce((a, b) => a + b, 0) : x);
      const c = row.chosen_index as number;
      const j = row.rejected_index as number;
      const want = sum(pol[c]) - sum(ref[c]) - (sum(pol[j]) - sum(ref[j]));
      expect(Math.abs((row.implicit_margin as number) - want)).toBeLessThan(1e-9 * (1 + Math.abs(want)));
    }
  });

  it('records with and without log-probs mixed in a chunk: same rows as the record path, implicit_margin only where given', () => {
    // Log-probs removed from every third record, so chunks start and continue with groups that have none.
    const lines = dec.decode(input).split('\n');
    const mixed = lines
      .map((l, i) => {
        if (i % 3 !== 0) return l;
        try {
          const o = JSON.parse(l) as Record<string, unknown>;
          if (o === null || typeof o !== 'object' || Array.isArray(o)) return l;
          delete o.policy_logps;
          delete o.reference_logps;
          return JSON.stringify(o);
        } catch {
          return l;
        }
      })
      .join('\n');
    const bytes = new TextEncoder().encode(mixed);
    const slow = run(bytes, { slowOnly: true });
    const withMargin = slow.rows.filter((r) => 'implicit_margin' in r).length;
    expect(withMargin).toBeGreaterThan(50);
    expect(withMargin).toBeLessThan(slow.rows.length);
    for (const size of [1, 300, 4096, 1 << 16]) expect(run(bytes, {}, size).rows).toEqual(slow.rows);
  });

  it('logit transform excludes candidates with scores outside [0, 1]', () => {
    const r = run(input, { pairs: { strategy: 'sweet-spot', transform: 'logit' } });
    expect(r.excluded.score_out_of_range).toBeGreaterThan(1000);
    expect(r.report.promptsWithoutPair.insufficient_samples).toBeGreaterThan(50);
    for (const row of r.rows) {
      expect(row.score_chosen as number).toBeGreaterThanOrEqual(0);
      expect(row.score_rejected as number).toBeLessThanOrEqual(1);
    }
  });
});
